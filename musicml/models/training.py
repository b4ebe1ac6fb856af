"""Training: features of every clip once, then the Pipeline's head fitted and scored.

:func:`train_classifier` fits on a stratified, seeded split and scores the held-out
part; :func:`fit_model` fits on every clip (final models). Sizes scikit-learn would
complain about are refused first, in plain words. :func:`dataset_from_examples` cuts
a few long recordings per class into a data set to train on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, replace

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from musicml.audio import DEFAULT_SR
from musicml.datasets import Dataset
from musicml.errors import ParameterError
from musicml.models.registry import (
    MAX_MODEL_TREES,
    ModelSpec,
    build_pipeline,
    class_probabilities,
)
from musicml.models.trained import TrainedModel, TrainResult, _json_safe

Progress = Callable[[float, str], None]


def take(clips, index) -> list | np.ndarray:
    """The clips at ``index`` (a 2-D array or a list of 1-D arrays)."""
    if isinstance(clips, np.ndarray):
        return clips[np.asarray(index)]
    return [clips[i] for i in np.asarray(index)]


def extract_features(
    extractor, clips, *, batch_size: int = 256, progress: Progress | None = None
) -> np.ndarray:
    """Features of all clips, in batches so a progress bar can move.

    Returns
    -------
    np.ndarray
        Shape ``(n_clips, n_features)``, float.
    """
    n = len(clips)
    if n == 0:
        raise ParameterError("clips must hold at least one clip; got none.")
    parts = []
    for start in range(0, n, batch_size):
        parts.append(
            np.asarray(extractor.transform(take(clips, range(start, min(n, start + batch_size)))))
        )
        if progress is not None:
            progress(
                min(n, start + batch_size) / n,
                f"features of {min(n, start + batch_size)}/{n} clips",
            )
    return np.concatenate(parts, axis=0)


def clip_lengths(clips) -> np.ndarray:
    """Length in samples of each clip."""
    if isinstance(clips, np.ndarray) and clips.ndim == 2:
        return np.full(len(clips), clips.shape[1])
    return np.array([len(c) for c in clips])


def train_classifier(
    dataset: Dataset,
    *,
    features: str = "mel",
    feature_params: dict | None = None,
    spec: ModelSpec | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    name: str = "model",
    progress: Progress | None = None,
    **model_options,
) -> TrainResult:
    """Fit on a stratified, seeded split and score on the held-out part.

    Features are computed once for all clips (the extractor learns nothing),
    then scaling, projection and model are fitted on the training part only.

    Parameters
    ----------
    dataset : Dataset
        Clips (equal-length array or list of 1-D arrays) and labels.
    features, feature_params, spec, **model_options
        As in :func:`build_pipeline`.
    test_size : float, default 0.25
        Share held out for testing (0 < test_size < 1).
    seed : int, default 0
        Seeds the split (and the model, unless ``spec`` sets its own seed).
    progress : callable, optional
        ``progress(fraction, message)`` while working.
    """
    labels = np.asarray(dataset.labels).astype(str)
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2:
        raise ParameterError(
            "training needs at least two classes; the data set has {classes}.",
            classes=classes.tolist(),
        )
    if not 0 < test_size < 1:
        raise ParameterError(
            "test_size must be between 0 and 1; got {test_size!r}.", test_size=test_size
        )
    n_test = int(np.ceil(test_size * len(labels)))
    sizes = dict(zip(classes.tolist(), counts.tolist(), strict=True))
    if counts.min() < 2 or n_test < len(classes) or len(labels) - n_test < len(classes):
        raise ParameterError(
            "every class needs at least two clips, and the held-out share must leave at least "
            "one clip per class on each side; got {sizes} with "
            "test_size={test_size}. Add clips or change the held-out share.",
            sizes=sizes,
            test_size=test_size,
        )
    model_options.setdefault("seed", seed)
    pipeline = build_pipeline(
        sr=dataset.sr, features=features, feature_params=feature_params, spec=spec, **model_options
    )
    _check_tree_count(pipeline, len(classes))
    train_index, test_index = train_test_split(
        np.arange(len(labels)), test_size=test_size, random_state=seed, stratify=labels
    )
    start = time.perf_counter()
    extractor = pipeline.named_steps["features"].fit(take(dataset.clips, train_index[:1]))
    report = None if progress is None else (lambda f, m: progress(0.8 * f, m))
    matrix = extract_features(extractor, dataset.clips, progress=report)
    feature_seconds = time.perf_counter() - start
    if progress is not None:
        progress(0.85, "fitting the model")
    head = Pipeline(pipeline.steps[1:])
    start = time.perf_counter()
    _fit_checked(head, matrix[train_index], labels[train_index])
    seconds = time.perf_counter() - start
    train_predicted = np.asarray(head.predict(matrix[train_index])).astype(str)
    test_predicted = np.asarray(head.predict(matrix[test_index])).astype(str)
    test_probabilities = class_probabilities(head, matrix[test_index])
    accuracy = float(accuracy_score(labels[test_index], test_predicted))
    train_accuracy = float(accuracy_score(labels[train_index], train_predicted))
    used_spec = replace(spec, **model_options) if spec is not None else ModelSpec(**model_options)
    model = TrainedModel(
        pipeline=pipeline,
        classes=[str(c) for c in head.classes_],
        sr=dataset.sr,
        clip_seconds=float(np.median(clip_lengths(dataset.clips)) / dataset.sr),
        name=name,
        spec=asdict(used_spec),
        metrics={
            "accuracy": accuracy,
            "train_accuracy": train_accuracy,
            "n_train": len(train_index),
            "n_test": len(test_index),
            "test_size": test_size,
            "seed": seed,
            "feature_seconds": feature_seconds,
            "fit_seconds": seconds,
        },
        info={"dataset": _json_safe(getattr(dataset, "settings", {}))},
    )
    if progress is not None:
        progress(1.0, "done")
    return TrainResult(
        model=model,
        accuracy=accuracy,
        train_accuracy=train_accuracy,
        train_index=train_index,
        test_index=test_index,
        test_labels=labels[test_index],
        test_predicted=test_predicted,
        test_probabilities=test_probabilities,
        feature_seconds=feature_seconds,
        seconds=seconds,
        feature_matrix=matrix,
    )


def fit_model(
    dataset: Dataset,
    *,
    features: str = "mel",
    feature_params: dict | None = None,
    spec: ModelSpec | None = None,
    pipeline: Pipeline | None = None,
    name: str = "model",
    progress: Progress | None = None,
    **model_options,
) -> TrainedModel:
    """Fit on all clips of ``dataset`` (no held-out part); for final models.

    ``pipeline`` (unfitted, with a ``features`` step first) replaces the one
    :func:`build_pipeline` would make from the other arguments.
    """
    labels = np.asarray(dataset.labels).astype(str)
    if len(np.unique(labels)) < 2:
        raise ParameterError(
            "training needs at least two classes; the data set has {classes}.",
            classes=np.unique(labels).tolist(),
        )
    custom = pipeline is not None
    if pipeline is None:
        pipeline = build_pipeline(
            sr=dataset.sr,
            features=features,
            feature_params=feature_params,
            spec=spec,
            **model_options,
        )
    _check_tree_count(pipeline, len(np.unique(labels)))
    start = time.perf_counter()
    extractor = pipeline.named_steps["features"].fit(take(dataset.clips, [0]))
    report = None if progress is None else (lambda f, m: progress(0.8 * f, m))
    matrix = extract_features(extractor, dataset.clips, progress=report)
    feature_seconds = time.perf_counter() - start
    head = Pipeline(pipeline.steps[1:])
    start = time.perf_counter()
    _fit_checked(head, matrix, labels)
    seconds = time.perf_counter() - start
    if custom:
        used_spec = {}
    elif spec is not None:
        used_spec = asdict(replace(spec, **model_options))
    else:
        used_spec = asdict(ModelSpec(**model_options))
    if progress is not None:
        progress(1.0, "done")
    return TrainedModel(
        pipeline=pipeline,
        classes=[str(c) for c in head.classes_],
        sr=dataset.sr,
        clip_seconds=float(np.median(clip_lengths(dataset.clips)) / dataset.sr),
        name=name,
        spec=used_spec,
        metrics={
            "train_accuracy": float(accuracy_score(labels, head.predict(matrix))),
            "n_train": len(labels),
            "feature_seconds": feature_seconds,
            "fit_seconds": seconds,
        },
        info={"dataset": _json_safe(getattr(dataset, "settings", {}))},
    )


def _check_tree_count(pipeline, n_classes: int) -> None:
    """Refuse, before fitting, a model of more than :data:`MAX_MODEL_TREES` trees in all."""
    estimator = pipeline.named_steps.get("model") if hasattr(pipeline, "named_steps") else None
    base = getattr(estimator, "estimator", estimator)
    if not isinstance(base, RandomForestClassifier):
        return
    copies = 1
    if isinstance(estimator, OneVsRestClassifier) and n_classes > 2:
        copies = n_classes
    elif isinstance(estimator, OneVsOneClassifier):
        copies = n_classes * (n_classes - 1) // 2
    trees = int(base.n_estimators) * copies
    if trees > MAX_MODEL_TREES:
        raise ParameterError(
            "this model would hold {trees:,} trees ({n_estimators} per forest, "
            "{copies} forests for {n_classes} classes); at most {max_model_trees:,} are "
            "allowed. Use fewer trees, or the forest's own multiclass handling.",
            trees=trees,
            n_estimators=base.n_estimators,
            copies=copies,
            n_classes=n_classes,
            max_model_trees=MAX_MODEL_TREES,
        )


def _fit_checked(head: Pipeline, matrix: np.ndarray, labels: np.ndarray) -> None:
    """Fit ``head``, turning scikit-learn's complaints about sizes into ParameterError."""
    reducer = head.named_steps.get("reduce")
    n_classes = len(np.unique(labels))
    lda = isinstance(reducer, LinearDiscriminantAnalysis)
    if lda and reducer.n_components is not None and reducer.n_components > n_classes - 1:
        raise ParameterError(
            "LDA keeps at most n_classes - 1 = {max_dims} dimensions; got "
            "n_components={n_components}.",
            max_dims=n_classes - 1,
            n_components=reducer.n_components,
        )
    if isinstance(reducer, PCA) and reducer.n_components is not None:
        limit = min(matrix.shape)
        if reducer.n_components > limit:
            raise ParameterError(
                "PCA keeps at most min(n_clips, n_features) = {limit} dimensions; got "
                "n_components={n_components}.",
                limit=limit,
                n_components=reducer.n_components,
            )
    model = head.named_steps["model"]
    knn = getattr(model, "estimator", model)
    if isinstance(knn, KNeighborsClassifier) and knn.n_neighbors > len(labels):
        raise ParameterError(
            "k-nearest neighbours needs at least k={n_neighbors} training clips; "
            "got {n_labels}. Lower k.",
            n_neighbors=knn.n_neighbors,
            n_labels=len(labels),
        )
    if not np.all(np.isfinite(matrix)):
        raise ParameterError(
            "some features are not finite numbers (NaN or infinity); check the clips."
        )
    head.fit(matrix, labels)


def dataset_from_examples(
    examples: list[tuple[str, np.ndarray, int]],
    *,
    sr: int = DEFAULT_SR,
    seconds: float = 1.0,
    name: str = "my examples",
) -> Dataset:
    """A labelled data set cut from a few long examples per class (recordings, uploads).

    Each example is resampled to ``sr`` and cut into ``seconds``-long clips (a
    last piece shorter than half a clip is dropped), as Teachable Machine does
    with its recordings.

    Parameters
    ----------
    examples : list of (label, audio, sr)
        One entry per recording or file.

    Returns
    -------
    Dataset
        Equal-length clips with the label of the example they came from.
    """
    from musicml.audio import resample

    if not (np.isfinite(seconds) and seconds > 0):
        raise ParameterError("seconds must be a positive number; got {seconds!r}.", seconds=seconds)
    step = round(seconds * sr)
    clips, labels, names = [], [], []
    for number, (label, audio, rate) in enumerate(examples):
        label = str(label).strip()
        if not label:
            raise ParameterError("every example needs a class name; got an empty one.")
        audio = resample(np.asarray(audio, dtype=np.float32), int(rate), sr)
        starts = range(0, len(audio) - step // 2, step) if len(audio) >= step // 2 else []
        for k, start in enumerate(starts):
            piece = np.zeros(step, dtype=np.float32)
            chunk = audio[start : start + step]
            piece[: len(chunk)] = chunk
            clips.append(piece)
            labels.append(label)
            names.append(f"{label}/example{number}_{k:03d}.wav")
    if not clips:
        raise ParameterError(
            "the examples hold no clip of at least {min_seconds:g} s; record or upload longer "
            "examples.",
            min_seconds=seconds / 2,
        )
    settings = {"kind": "examples", "name": name, "seconds": seconds, "sr": sr}
    return Dataset(clips=np.stack(clips), labels=labels, sr=sr, settings=settings, names=names)
