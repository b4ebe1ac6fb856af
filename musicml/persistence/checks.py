"""A loaded model checked before it is used: its metadata, features, arrays and outputs.

Everything a page or the command line later relies on is checked once the file's
objects are built and before the model is handed out, so a hand-edited file fails
with :class:`~musicml.errors.ModelFileError` instead of later with a traceback, a
crash in compiled code or an unbounded computation.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from musicml import features as _features
from musicml.errors import ModelFileError, ParameterError
from musicml.models import ModelSpec, TrainedModel, class_probabilities
from musicml.persistence.metadata import _version_warnings
from musicml.validation import MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, check_sr

MAX_CLIP_SECONDS = 3600.0
"""Longest clip length a model file may record, in seconds (segment windows are sized
from it)."""

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
    try:
        check_sr(sr)
    except ParameterError:
        raise ModelFileError(
            "{label} expects audio at {sr:,} Hz; musicml models work between "
            "{min_sample_rate:,} and {max_sample_rate:,} Hz.",
            label=label,
            sr=sr,
            min_sample_rate=MIN_SAMPLE_RATE,
            max_sample_rate=MAX_SAMPLE_RATE,
        ) from None
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
