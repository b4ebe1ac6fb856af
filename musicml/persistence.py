"""Saving and loading models safely with skops (never pickle or joblib).

A model file is a skops archive of one dictionary: the fitted Pipeline and a
JSON string of metadata (feature settings, class names, training metrics,
library versions). Loading reads the archive's schema *before* building any
object and refuses the file if it names any type outside :data:`TRUSTED_TYPES`
(or a node kind outside :data:`TRUSTED_NODES`), so nothing in a hostile file is
ever constructed or called. A pickle file, or anything that is not a skops
archive, is refused with :class:`~musicml.errors.ModelFileError` without being
opened by pickle.
"""

from __future__ import annotations

import gc
import inspect
import io
import json
import platform
import struct
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
import skops.io as sio
from sklearn.base import BaseEstimator

from musicml import features as _features
from musicml.audio import MAX_SAMPLE_RATE
from musicml.dataio.archive import READABLE_METHODS as _READABLE_METHODS
from musicml.dataio.archive import UNPACK_ERRORS as _UNPACK_ERRORS
from musicml.errors import ModelFileError, Phrase
from musicml.models import (
    MAX_MODEL_TREES,
    ModelSpec,
    TrainedModel,
    _json_safe,
    class_probabilities,
)

FORMAT = "musicml-model"
FORMAT_VERSION = 1
MODEL_EXTENSION = "skops"

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Model files larger than this are refused (compressed size)."""
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
"""Archives that would unpack to more than this are refused (zip bombs)."""
MAX_MEMBERS = 20_000
"""Most members (schema plus arrays) a model file may have; a 500-tree forest has 2,500."""

MAX_SCHEMA_BYTES = 16 * 1024 * 1024
"""Largest ``schema.json``, unpacked, checked from the zip header before it is read and
while reading: a forest of :data:`~musicml.models.MAX_MODEL_TREES` trees needs 11.4 MB.
Parsing it takes about a second here."""

MAX_SCHEMA_DEPTH = 200
"""Deepest nesting of a model's schema (musicml's models nest about 20 levels)."""

MAX_SCHEMA_NODES = 100_000
"""Most objects building a model's schema may make, references to shared objects counted
each time they are used (a 1,000-tree forest makes about 63,000)."""

MAX_FEATURE_EXTRACTORS = 8
"""Most feature extractors a model may run on each clip (a FeatureUnion's width): each is
a full pass of spectrogram work over the audio."""

MAX_CLIP_SECONDS = 3600.0
"""Longest clip length a model file may record, in seconds (segment windows are sized
from it)."""

"""What unpacking a damaged zip member raises (bad checksum, corrupt deflate data, ...)."""

_TREE_CLASSES = frozenset({"Tree"})
"""Counted as trees: the fitted tree structure (not the unfitted template a forest keeps)."""
_EXTRACTOR_MODULE = "musicml.features"

MIN_SAMPLE_RATE = 1000
"""Lowest model sample rate accepted (audio is resampled to the model's rate)."""

FEATURE_LIMITS = {
    "n_fft": (16, 32768),
    "n_mels": (1, 512),
    "n_mfcc": (1, 256),
    "n_bins": (1, 1024),
    "bins_per_octave": (1, 120),
    "n_fft_bins": (1, 100_000),
}
"""Ranges of feature settings a model file may hold: far beyond what musicml trains, and
small enough that a hostile file cannot make classifying a song cost unbounded memory."""

MAX_FRAMES_PER_SECOND = 1000
"""A model's frame hop must be at least 1 ms of audio (sr / hop_length at most this)."""

MAX_OVERLAP = 64
"""A model's frames may overlap at most this much (n_fft / hop_length)."""

_SKLEARN_TYPES = (
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.decomposition._pca.PCA",
    "sklearn.discriminant_analysis.LinearDiscriminantAnalysis",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.SVC",
    "sklearn.neighbors._classification.KNeighborsClassifier",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass.OneVsOneClassifier",
)
_BASIC_TYPES = (
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float16",
    "numpy.float32",
    "numpy.float64",
    "numpy.int8",
    "numpy.int16",
    "numpy.int32",
    "numpy.int64",
    "numpy.uint8",
    "numpy.intp",
    "numpy.bool_",
    "numpy.str_",
)


def _musicml_types() -> tuple[str, ...]:
    """The scikit-learn transformers defined in :mod:`musicml.features`."""
    found = {
        f"{obj.__module__}.{obj.__name__}"
        for _, obj in inspect.getmembers(_features, inspect.isclass)
        if issubclass(obj, BaseEstimator) and obj.__module__ == _features.__name__
    }
    return tuple(sorted(found | {"musicml.features.FeatureExtractor"}))


TRUSTED_TYPES = frozenset(_BASIC_TYPES + _SKLEARN_TYPES + _musicml_types())
"""Every type a musicml model file may contain; anything else is refused."""

TRUSTED_NODES = frozenset(
    {
        "DictNode",
        "ListNode",
        "TupleNode",
        "JsonNode",
        "ObjectNode",
        "NdArrayNode",
        "DtypeNode",
        "TreeNode",
        "TypeNode",
    }
)
"""skops node kinds a model file may use (no functions, methods or operators)."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import librosa
    import sklearn
    import skops

    from musicml import __version__

    return {
        "musicml": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "librosa": librosa.__version__,
        "skops": skops.__version__,
        "python": platform.python_version(),
    }


def model_metadata(model: TrainedModel) -> dict:
    """The JSON metadata stored next to the pipeline."""
    return _json_safe(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": model.name,
            "classes": list(model.classes),
            "sr": int(model.sr),
            "clip_seconds": float(model.clip_seconds),
            "features": model.features,
            "spec": model.spec,
            "metrics": model.metrics,
            "info": model.info,
            "versions": library_versions(),
        }
    )


def model_bytes(model: TrainedModel) -> bytes:
    """The skops file of ``model`` as bytes (for downloads)."""
    buffer = io.BytesIO()
    document = {"pipeline": model.pipeline, "meta": json.dumps(model_metadata(model))}
    sio.dump(document, buffer, compression=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def save_model(model: TrainedModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (a ``.skops`` file) and return the path."""
    path = Path(path)
    if path.suffix != f".{MODEL_EXTENSION}":
        raise ModelFileError(
            "the model file name must end in .{model_extension}; got '{path_name}'.",
            model_extension=MODEL_EXTENSION,
            path_name=path.name,
        )
    path.write_bytes(model_bytes(model))
    return path


def _read_bytes(source: bytes | str | Path | BinaryIO) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), Phrase("the uploaded model")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ModelFileError("no model file at '{path}'.", path=path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ModelFileError(
                "'{path_name}' is larger than {limit_mb} MB; not a musicml model.",
                path_name=path.name,
                limit_mb=MAX_FILE_BYTES // 2**20,
            )
        return path.read_bytes(), f"'{path.name}'"
    if hasattr(source, "getvalue"):
        return source.getvalue(), f"'{getattr(source, 'name', 'the upload')}'"
    if hasattr(source, "read"):
        return source.read(), f"'{getattr(source, 'name', 'the upload')}'"
    raise ModelFileError(
        "a model must be given as bytes, a path or a file; got {type_name}.",
        type_name=type(source).__name__,
    )


def _schema_types(node, types: set[str], nodes: set[str]) -> None:
    """Collect every ``module.class`` and node kind named in a skops schema."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__class__" in item and "__module__" in item:
                types.add(f"{item['__module__']}.{item['__class__']}")
            if "__loader__" in item:
                nodes.add(str(item["__loader__"]))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector while a schema is parsed and walked.

    A schema is hundreds of thousands of small containers, all alive: each collection
    the allocations trigger would traverse them all again (5x slower walks here).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_schema(data: bytes, label: str, hint: str):
    """The parsed ``schema.json`` of a skops archive, every member checked to unpack.

    Sizes come from the zip headers and are enforced while reading (a lying header
    cannot make more come out), so nothing larger than :data:`MAX_SCHEMA_BYTES` is
    ever parsed and nothing larger than :data:`MAX_UNPACKED_BYTES` ever unpacked.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            "{label} names a part in a way that is not valid UTF-8 text. {hint}",
            label=label,
            hint=hint,
        ) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise ModelFileError(
            "{label} is not a readable skops model file. {hint}", label=label, hint=hint
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ModelFileError(
                "{label} holds {n_members:,} parts; musicml models have at most "
                "{max_members:,}. {hint}",
                label=label,
                n_members=len(members),
                max_members=MAX_MEMBERS,
                hint=hint,
            )
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ModelFileError(
                "{label} unpacks to more than {limit_mb} MB. {hint}",
                label=label,
                limit_mb=MAX_UNPACKED_BYTES // 2**20,
                hint=hint,
            )
        odd = next((m for m in members if m.compress_type not in _READABLE_METHODS), None)
        if odd is not None:
            raise ModelFileError(
                "{label} is compressed with a method musicml cannot unpack (number "
                "{compress_type}). {hint}",
                label=label,
                compress_type=odd.compress_type,
                hint=hint,
            )
        try:
            info = archive.getinfo("schema.json")
        except KeyError as exc:
            raise ModelFileError(
                "{label} is not a readable skops model file. {hint}", label=label, hint=hint
            ) from exc
        if info.file_size > MAX_SCHEMA_BYTES:
            raise ModelFileError(
                "{label} has a model description (schema.json) of "
                "{size_mb:,.0f} MB; musicml models need at most "
                "{limit_mb} MB. {hint}",
                label=label,
                size_mb=info.file_size / 2**20,
                limit_mb=MAX_SCHEMA_BYTES // 2**20,
                hint=hint,
            )
        schema_bytes = b""
        for member in members:
            content = _unpacked(archive, member, label, hint)
            if member.filename == "schema.json":
                schema_bytes = content
    try:
        return json.loads(schema_bytes)
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deep
        raise ModelFileError(
            "{label} is not a readable skops model file. {hint}", label=label, hint=hint
        ) from exc


def _unpacked(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, hint: str) -> bytes:
    """Unpack ``member`` (its checksum checked), or only check it unpacks unless it is the
    schema; never more than one byte past its declared size."""
    keep = member.filename == "schema.json"
    chunks, total = [], 0
    try:
        with archive.open(member) as handle:
            while total <= member.file_size:
                chunk = handle.read(min(1 << 20, member.file_size + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if keep:
                    chunks.append(chunk)
    except _UNPACK_ERRORS as exc:
        what = (
            Phrase("a checksum does not match")
            if "CRC" in str(exc)
            else Phrase("its data is corrupt")
        )
        raise ModelFileError(
            "{label} is damaged ({what}), so it cannot be read. {hint}",
            label=label,
            what=what,
            hint=hint,
        ) from exc
    if total > member.file_size:
        raise ModelFileError(
            "{label} holds more data than its headers declare, so it was refused. {hint}",
            label=label,
            hint=hint,
        )
    return b"".join(chunks)


def _check_schema_graph(schema, label: str) -> None:
    """Refuse a schema whose objects, trees or feature extractors would cost too much.

    skops builds one object per schema node, and a node whose ``__id__`` was seen
    before is a reference: it builds nothing new, but what holds it uses it again
    (a forest whose ``estimators_`` lists one tree two million times predicts with
    it two million times). So this counts what the graph *uses*: wherever an
    ``__id__`` appears it counts as much as the largest node carrying that id
    (whichever of them skops meets first, the count is an upper bound). Nothing
    is built; the walk is linear in the schema's size.
    """
    occurrences: dict = {}
    containers = 0
    stack: list = [(schema, 1)]
    while stack:
        item, depth = stack.pop()
        containers += 1
        if containers > MAX_SCHEMA_NODES:
            _check_graph_counts(containers, 0, 0, label)
        if depth > MAX_SCHEMA_DEPTH:
            raise ModelFileError(
                "{label} nests its model description more than {max_schema_depth} levels "
                "deep; musicml models do not. It was refused and nothing in it was built.",
                label=label,
                max_schema_depth=MAX_SCHEMA_DEPTH,
            )
        if isinstance(item, dict):
            key = _node_id(item)
            if key is not None:
                occurrences.setdefault(key, []).append(item)
            children = item.values()
        else:
            children = item
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))

    memo: dict = {}
    open_ids: set = set()

    def own(item: dict) -> tuple[int, int, int]:
        """What a node with no nested nodes builds: itself, perhaps a tree or an extractor."""
        return (
            1,
            int(item.get("__class__") in _TREE_CLASSES),
            int(item.get("__module__") == _EXTRACTOR_MODULE),
        )

    def cost_of_id(key) -> tuple[int, int, int]:
        if key in memo:
            return memo[key]
        if key in open_ids:
            raise ModelFileError(
                "{label} holds an object that contains itself; musicml models do not. It "
                "was refused and nothing in it was built.",
                label=label,
            )
        open_ids.add(key)
        best = (0, 0, 0)
        for node in occurrences[key]:
            if any(isinstance(value, (dict, list)) for value in node.values()):
                cost = cost_of(node, top=True)
            else:  # a bare reference, or a leaf such as a number
                cost = own(node)
            best = (max(best[0], cost[0]), max(best[1], cost[1]), max(best[2], cost[2]))
        open_ids.discard(key)
        memo[key] = best
        return best

    def cost_of(node, *, top: bool = False) -> tuple[int, int, int]:
        """(objects, trees, extractors) of ``node``, nodes with an id replaced by theirs."""
        nodes = trees = extractors = 0
        pending = [(node, top)]
        while pending:
            item, is_top = pending.pop()
            if isinstance(item, dict):
                key = _node_id(item)
                if key is not None and not is_top:
                    n, t, e = cost_of_id(key)
                else:
                    n, t, e = own(item)
                    pending.extend(
                        (child, False) for child in item.values() if isinstance(child, (dict, list))
                    )
            else:
                n, t, e = 1, 0, 0
                pending.extend((child, False) for child in item if isinstance(child, (dict, list)))
            nodes, trees, extractors = nodes + n, trees + t, extractors + e
            if n > 1 or t or e:
                _check_graph_counts(nodes, trees, extractors, label)
        _check_graph_counts(nodes, trees, extractors, label)
        return nodes, trees, extractors

    cost_of(schema)


def _node_id(item: dict):
    """The ``__id__`` skops would memoize ``item`` under, if any (as a dict key compares)."""
    key = item.get("__id__")
    return key if isinstance(key, (int, float, str)) else None


def _check_graph_counts(nodes: int, trees: int, extractors: int, label: str) -> None:
    if nodes > MAX_SCHEMA_NODES:
        raise ModelFileError(
            "{label} would build more than {max_schema_nodes:,} objects (shared ones counted "
            "each time they are used); musicml models build fewer. It was refused and nothing "
            "in it was built.",
            label=label,
            max_schema_nodes=MAX_SCHEMA_NODES,
        )
    if trees > MAX_MODEL_TREES:
        raise ModelFileError(
            "{label} holds a forest of more than {max_model_trees:,} decision trees (shared "
            "ones counted each time they are used); musicml models have at most "
            "{max_model_trees:,}. It was refused and nothing in it was built.",
            label=label,
            max_model_trees=MAX_MODEL_TREES,
        )
    if extractors > MAX_FEATURE_EXTRACTORS:
        raise ModelFileError(
            "{label} computes more than {max_feature_extractors} sets of features on every "
            "clip (shared ones counted each time they are used); musicml models compute at "
            "most {max_feature_extractors}. It was refused and nothing in it was built.",
            label=label,
            max_feature_extractors=MAX_FEATURE_EXTRACTORS,
        )


def inspect_model_file(data: bytes, *, label: str = Phrase("the model file")) -> dict:
    """Check a model file without building anything from it.

    Returns
    -------
    dict
        ``{"types": [...], "untrusted": [...]}``: every type the file names and
        those outside :data:`TRUSTED_TYPES` (empty for a loadable file).

    Raises
    ------
    ModelFileError
        If the bytes are not a skops archive (a pickle, garbage, a zip bomb).
    """
    hint = Phrase("Please choose a .skops model saved by musicml.")
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(
            "{label} is larger than {limit_mb} MB. {hint}",
            label=label,
            limit_mb=MAX_FILE_BYTES // 2**20,
            hint=hint,
        )
    if data[:2] in (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05") or data[:1] == b"(":
        raise ModelFileError(
            "{label} looks like a pickle file. Pickle files can run code when opened, so "
            "musicml never opens them. {hint}",
            label=label,
            hint=hint,
        )
    if not data.startswith(b"PK"):
        raise ModelFileError("{label} is not a skops model file. {hint}", label=label, hint=hint)
    with _gc_paused():
        schema = _read_schema(data, label, hint)
        _check_schema_graph(schema, label)
    types: set[str] = set()
    nodes: set[str] = set()
    _schema_types(schema, types, nodes)
    try:
        skops_untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as exc:  # skops raises assorted errors on malformed schemas
        raise ModelFileError(
            "{label} is not a readable skops model file. {hint}", label=label, hint=hint
        ) from exc
    untrusted = sorted((types | skops_untrusted) - TRUSTED_TYPES)
    untrusted += sorted(f"node kind {n}" for n in nodes - TRUSTED_NODES)
    return {
        "types": sorted(types),
        "untrusted": untrusted,
        "skops_untrusted": sorted(skops_untrusted),
    }


def load_model(source: bytes | str | Path | BinaryIO, *, name: str | None = None) -> TrainedModel:
    """Load a model saved by :func:`save_model`, refusing anything unexpected.

    Parameters
    ----------
    source : bytes, path or file-like
        A ``.skops`` file.
    name : str, optional
        Display name (defaults to the name stored in the file).

    Raises
    ------
    ModelFileError
        Pickle or other non-skops data, a file naming types outside
        :data:`TRUSTED_TYPES`, or a skops file that is not a musicml model.
    """
    data, label = _read_bytes(source)
    report = inspect_model_file(data, label=label)
    if report["untrusted"]:
        raise ModelFileError(
            "{label} contains types musicml does not trust: {types}. "
            "It was refused and nothing in it was run. Only models trained by musicml can "
            "be loaded.",
            label=label,
            types=", ".join(report["untrusted"]),
        )
    try:
        document = sio.load(io.BytesIO(data), trusted=report["skops_untrusted"])
    except Exception as exc:  # a schema that passed the check but does not build
        raise ModelFileError(
            "{label} could not be loaded as a model ({error}).", label=label, error=exc
        ) from exc
    if not isinstance(document, dict) or not {"pipeline", "meta"} <= set(document):
        raise ModelFileError("{label} is a skops file but not a musicml model.", label=label)
    try:
        meta = json.loads(document["meta"])
    except (TypeError, ValueError, RecursionError) as exc:
        raise ModelFileError("{label} has unreadable model information.", label=label) from exc
    if (
        not isinstance(meta, dict)
        or meta.get("format") != FORMAT
        or not isinstance(meta.get("classes"), list)
    ):
        raise ModelFileError("{label} is a skops file but not a musicml model.", label=label)
    pipeline = document["pipeline"]
    if not hasattr(pipeline, "predict") or not hasattr(pipeline, "named_steps"):
        raise ModelFileError("{label} does not hold a classifier pipeline.", label=label)
    model = _checked_model(pipeline, meta, label, name)
    _check_it_classifies(model, label)
    return model


def _checked_model(pipeline, meta: dict, label: str, name: str | None) -> TrainedModel:
    """The :class:`TrainedModel` of a file's pipeline and metadata, once both make sense.

    Everything a page or the command line later relies on is checked here, so a
    hand-edited file fails now with :class:`ModelFileError` instead of later
    with a traceback or an unbounded computation: the sample rate, the segment
    length, the class names (those of the fitted pipeline), the feature step
    and its settings (see :data:`FEATURE_LIMITS`), and the recorded settings.
    """
    sr, clip_seconds = meta.get("sr", 22050), meta.get("clip_seconds", 1.0)
    if isinstance(sr, bool) or not isinstance(sr, int):
        raise ModelFileError("{label} has unreadable model information.", label=label)
    if not MIN_SAMPLE_RATE <= sr <= MAX_SAMPLE_RATE:
        raise ModelFileError(
            "{label} expects audio at {sr:,} Hz; musicml models work between "
            "{min_sample_rate:,} and {max_sample_rate:,} Hz.",
            label=label,
            sr=sr,
            min_sample_rate=MIN_SAMPLE_RATE,
            max_sample_rate=MAX_SAMPLE_RATE,
        )
    if (
        isinstance(clip_seconds, bool)
        or not isinstance(clip_seconds, (int, float))
        or not (np.isfinite(clip_seconds) and clip_seconds > 0)
    ):
        raise ModelFileError("{label} has unreadable model information.", label=label)
    if clip_seconds > MAX_CLIP_SECONDS:
        raise ModelFileError(
            "{label} records clips of {clip_seconds:g} seconds; musicml models use at most "
            "{max_clip_seconds:g} seconds.",
            label=label,
            clip_seconds=clip_seconds,
            max_clip_seconds=MAX_CLIP_SECONDS,
        )
    sections = {key: meta.get(key) or {} for key in ("spec", "metrics", "info")}
    if not all(isinstance(value, dict) for value in sections.values()):
        raise ModelFileError("{label} has unreadable model information.", label=label)
    if sections["spec"]:
        try:
            ModelSpec(**sections["spec"])
        except (TypeError, ValueError) as exc:
            raise ModelFileError("{label} has unreadable model information.", label=label) from exc
    classes = [str(c) for c in meta["classes"]]
    fitted = [str(c) for c in getattr(pipeline, "classes_", [])]
    if len(classes) < 2 or classes != fitted:
        raise ModelFileError(
            "{label} names the classes {classes!r}, but its classifier predicts {fitted!r}; "
            "the file was edited or damaged.",
            label=label,
            classes=classes,
            fitted=fitted,
        )
    for extractor in _extractors(pipeline, label):
        _check_extractor(extractor, sr, label)
    versions = meta.get("versions")
    versions = versions if isinstance(versions, dict) else {}
    info = dict(sections["info"])
    info["versions"] = versions
    info["version_warnings"] = _version_warnings(versions)
    return TrainedModel(
        pipeline=pipeline,
        classes=classes,
        sr=sr,
        clip_seconds=float(clip_seconds),
        name=name or str(meta.get("name", "model")),
        spec=dict(sections["spec"]),
        metrics=dict(sections["metrics"]),
        info=info,
    )


def _extractors(pipeline, label: str) -> list:
    """The pipeline's :class:`~musicml.features.FeatureExtractor` steps (one, or a union's)."""
    step = pipeline.named_steps.get("features")
    parts = (
        [part for _, part in step.transformer_list] if hasattr(step, "transformer_list") else [step]
    )
    if not parts or not all(isinstance(part, _features.FeatureExtractor) for part in parts):
        raise ModelFileError(
            "{label} does not start with musicml's audio features, so it cannot classify "
            "audio. Only models trained by musicml can be loaded.",
            label=label,
        )
    return parts


def _check_extractor(extractor, sr: int, label: str) -> None:
    """Refuse feature settings outside :data:`FEATURE_LIMITS` or at another rate than ``sr``."""
    settings = getattr(extractor, "__dict__", {})
    if settings.get("sr") != sr:
        raise ModelFileError(
            "{label} computes its features at {feature_sr!r} Hz but expects audio at "
            "{sr} Hz; the file was edited or damaged.",
            label=label,
            feature_sr=settings.get("sr"),
            sr=sr,
        )
    for key, (low, high) in FEATURE_LIMITS.items():
        value = settings.get(key)
        if not isinstance(value, (int, np.integer)) or not low <= value <= high:
            raise ModelFileError(
                "{label} has the feature setting {key}={value!r}; musicml models use "
                "{low} to {high}.",
                label=label,
                key=key,
                value=value,
                low=low,
                high=high,
            )
    hop, n_fft = settings.get("hop_length"), settings["n_fft"]
    if (
        not isinstance(hop, (int, np.integer))
        or hop < max(1, sr // MAX_FRAMES_PER_SECOND)
        or n_fft > MAX_OVERLAP * hop
    ):
        raise ModelFileError(
            "{label} has the feature setting hop_length={hop!r}; with n_fft={n_fft} at "
            "{sr} Hz musicml models use at least "
            "{min_hop}.",
            label=label,
            hop=hop,
            n_fft=n_fft,
            sr=sr,
            min_hop=max(1, sr // MAX_FRAMES_PER_SECOND, -(-n_fft // MAX_OVERLAP)),
        )


def _fitted_parts(pipeline):
    """Every estimator, tree and array-holder reachable from ``pipeline`` (each once)."""
    stack, seen = [pipeline], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, BaseEstimator):
            stack.extend(vars(item).values())


def _check_fitted_arrays(pipeline, label: str) -> None:
    """Refuse fitted arrays that compiled code would index without checking.

    scikit-learn's trees and libsvm trust their arrays: a hand-edited file
    with a child index pointing back up a tree loops forever, one past the end
    crashes the process. Decision trees must have children after their parent
    and inside the tree, split features inside the input; SVMs consistent
    shapes and no precomputed kernel. (A stored KD- or ball tree cannot get
    this far: its distance metric is not a trusted type.)
    """
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    for part in _fitted_parts(pipeline):
        try:
            if isinstance(part, DecisionTreeClassifier) and hasattr(part, "tree_"):
                ok = _tree_is_sound(part.tree_, int(getattr(part, "n_features_in_", 0)))
            elif isinstance(part, SVC) and hasattr(part, "support_vectors_"):
                ok = _svm_is_sound(part)
            else:
                continue
        except (AttributeError, TypeError, ValueError):  # arrays missing or of odd types
            ok = False
        if not ok:
            raise ModelFileError(
                "{label} holds a {type_name} whose fitted arrays do not fit "
                "together (the file was edited or damaged), so it was refused.",
                label=label,
                type_name=type(part).__name__,
            )


def _tree_is_sound(tree, n_features: int) -> bool:
    n = int(tree.node_count)
    left, right = np.asarray(tree.children_left), np.asarray(tree.children_right)
    feature = np.asarray(tree.feature)
    if not (left.shape == right.shape == feature.shape == (n,)) or n < 1:
        return False
    inner = ~((left == -1) & (right == -1))
    index = np.arange(n)[inner]
    return bool(
        np.all((left[inner] > index) & (left[inner] < n))
        and np.all((right[inner] > index) & (right[inner] < n))
        and np.all((feature[inner] >= 0) & (feature[inner] < n_features))
    )


def _svm_is_sound(svm) -> bool:
    vectors = np.asarray(svm.support_vectors_)
    k = len(getattr(svm, "classes_", []))
    pairs = k * (k - 1) // 2
    n_support = np.asarray(getattr(svm, "_n_support", []))
    shapes_ok = (
        vectors.ndim == 2
        and vectors.shape[1] == getattr(svm, "n_features_in_", -1)
        and n_support.shape == (k,)
        and bool(np.all(n_support >= 0))
        and int(n_support.sum()) == vectors.shape[0]
        and np.shape(svm.support_) == (vectors.shape[0],)
        and np.shape(svm._dual_coef_) == (k - 1, vectors.shape[0])
        and np.shape(svm._intercept_) == (pairs,)
        and np.size(svm._probA) in (0, pairs)
        and np.size(svm._probB) in (0, pairs)
    )
    return bool(shapes_ok and svm.kernel in ("linear", "poly", "rbf", "sigmoid"))


def _single_process(pipeline) -> None:
    """Set every step's ``n_jobs`` and ``verbose`` back to their defaults, in place.

    musicml never sets them; a file that does could make each prediction start
    hundreds of worker processes (``n_jobs=200``) or print on the console.
    """
    params = pipeline.get_params(deep=True)
    pipeline.set_params(
        **{key: None for key in params if key.split("__")[-1] == "n_jobs"},
        **{key: 0 for key in params if key.split("__")[-1] == "verbose"},
    )


def _check_it_classifies(model: TrainedModel, label: str) -> None:
    """Run the model on one second of silence and of a tone: it must give class probabilities."""
    t = np.arange(model.sr, dtype=np.float32) / model.sr
    probe = np.stack([np.zeros_like(t), 0.5 * np.sin(2 * np.pi * 440.0 * t)])
    _check_fitted_arrays(model.pipeline, label)
    try:
        _single_process(model.pipeline)
        probabilities = class_probabilities(model.pipeline, probe)
    except Exception as exc:  # a pipeline whose parts do not fit together, say
        raise ModelFileError(
            "{label} holds a model that does not work on audio, so it was refused. Only "
            "models trained by musicml can be loaded.",
            label=label,
        ) from exc
    if probabilities.shape != (2, len(model.classes)) or not np.isfinite(probabilities).all():
        raise ModelFileError(
            "{label} holds a model whose outputs do not match its {n_model_classes} "
            "classes, so it was refused.",
            label=label,
            n_model_classes=len(model.classes),
        )


def _version_warnings(saved: dict) -> list[str]:
    """Plain sentences for libraries whose version differs from the one that saved the model."""
    current = library_versions()
    return [
        f"saved with {lib} {saved[lib]}, running {current[lib]}"
        for lib in ("scikit-learn", "numpy", "librosa")
        if lib in saved and saved[lib] != current[lib]
    ]
