"""A model file before anything is built from it: its archive, its schema, its types.

Loading reads the skops archive's schema *before* building any object and refuses
the file if it names any type outside :data:`TRUSTED_TYPES` (or a node kind outside
:data:`TRUSTED_NODES`), or if building it would cost too much (members, unpacked
bytes, schema size and depth, the objects, trees and feature extractors the graph
would use). A pickle file, or anything that is not a skops archive, is refused with
:class:`~musicml.errors.ModelFileError` without being opened by pickle.
"""

from __future__ import annotations

import gc
import inspect
import io
import json
import struct
import zipfile
from contextlib import contextmanager

import skops.io as sio
from sklearn.base import BaseEstimator

from musicml import features as _features
from musicml.dataio.archive import READABLE_METHODS as _READABLE_METHODS
from musicml.dataio.archive import UNPACK_ERRORS as _UNPACK_ERRORS
from musicml.errors import ModelFileError, Phrase
from musicml.models import MAX_MODEL_TREES

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

_TREE_CLASSES = frozenset({"Tree"})
"""Counted as trees: the fitted tree structure (not the unfitted template a forest keeps)."""
_EXTRACTOR_MODULE = "musicml.features"

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
