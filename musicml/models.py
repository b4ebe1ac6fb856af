"""Classifiers on audio features: scikit-learn Pipelines built from named parts.

A pipeline is always ``features → scale → (pca | lda) → model``. The model
comes from a small registry (``logreg``, ``svm``, ``knn``, ``forest``); the
multiclass strategy is one of scikit-learn's wrappers:

- ``ovr``: :class:`~sklearn.multiclass.OneVsRestClassifier`, one binary model per class;
- ``ovo``: :class:`~sklearn.multiclass.OneVsOneClassifier`, one per pair of classes;
- ``multinomial``: a plain multiclass :class:`~sklearn.linear_model.LogisticRegression`,
  i.e. softmax regression. It only exists for logistic regression (scikit-learn ≥ 1.7
  has no ``multi_class`` argument any more);
- ``None``: the model's own way (softmax for ``logreg``, SVC's built-in one-vs-one,
  kNN and forests are multiclass by nature).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from musicml.audio import DEFAULT_SR
from musicml.datasets import Dataset
from musicml.errors import ParameterError
from musicml.features import FEATURE_KINDS, FeatureExtractor
from musicml.i18n import N_, current_language, translate
from musicml.validation import check_int

MODEL_KINDS = ("logreg", "svm", "knn", "forest")
"""Names of the classifiers in the registry."""

MODEL_NAMES = {
    "logreg": N_("Logistic regression"),
    "svm": N_("Support vector machine"),
    "knn": N_("k-nearest neighbours"),
    "forest": N_("Random forest"),
}
"""Model kind → its English name (marked for translation: shown with ``gettext``)."""

MULTICLASS_STRATEGIES = ("ovr", "ovo", "multinomial")
"""Multiclass strategies; ``None`` means the model's own."""

MULTICLASS_NAMES = {
    None: N_("the model's own"),
    "ovr": N_("one-vs-rest"),
    "ovo": N_("one-vs-one"),
    "multinomial": N_("multinomial (softmax)"),
}

REDUCERS = ("pca", "lda")
"""Optional projections between scaling and the model; ``None`` for none."""

MAX_TREES = 500
"""Most trees of a random forest. Time grows with each tree: a 300-tree model file loads
in about 4 s (its arrays are checked, then it classifies a probe), a 500-tree one in 8 s."""

MAX_MODEL_TREES = 500
"""Most decision trees in one model, over all its forests (one-vs-rest makes a forest per
class): training refuses more, and so does loading a model file."""

MAX_NEIGHBORS = 1000
"""Largest k of k-nearest neighbours."""

MAX_COMPONENTS = 1024
"""Most dimensions kept by PCA or LDA (more than any feature kind has)."""

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a classifier apart from its features (hashable).

    Parameters
    ----------
    model : {"logreg", "svm", "knn", "forest"}, default "logreg"
    C : float, default 1.0
        Inverse regularisation strength (``logreg``, ``svm``); smaller = simpler model.
    l1_ratio : float, default 0.0
        Logistic regression penalty mix: 0 is L2, 1 is L1, between is elastic net.
    class_weight : {None, "balanced"}, default None
        ``"balanced"`` weighs each class inversely to its frequency.
    kernel : {"rbf", "linear"}, default "rbf"
        SVM kernel.
    gamma : float or "scale", default "scale"
        RBF kernel width (larger = more wiggly boundary).
    n_neighbors : int, default 5
    n_trees : int, default 100
    multiclass : {None, "ovr", "ovo", "multinomial"}, default None
    reduce : {None, "pca", "lda"}, default None
    n_components : int or None, default None
        Dimensions kept by ``reduce`` (LDA keeps at most ``n_classes - 1``).
    seed : int, default 0
    """

    model: str = "logreg"
    C: float = 1.0
    l1_ratio: float = 0.0
    class_weight: str | None = None
    kernel: str = "rbf"
    gamma: float | str = "scale"
    n_neighbors: int = 5
    n_trees: int = 100
    multiclass: str | None = None
    reduce: str | None = None
    n_components: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        _check_choice("model", self.model, MODEL_KINDS)
        if self.multiclass is not None:
            _check_choice("multiclass", self.multiclass, MULTICLASS_STRATEGIES)
        if self.reduce is not None:
            _check_choice("reduce", self.reduce, REDUCERS)
        _check_choice("kernel", self.kernel, ("rbf", "linear"))
        if self.class_weight not in (None, "balanced"):
            raise ParameterError(
                "class_weight must be None or 'balanced'; got {class_weight!r}.",
                class_weight=self.class_weight,
            )
        if not (np.isfinite(self.C) and self.C > 0):
            raise ParameterError(
                "C must be a positive number; got {C!r}. Try 1.0, or 0.01 for a "
                "strongly regularised model.",
                C=self.C,
            )
        if not 0.0 <= self.l1_ratio <= 1.0:
            raise ParameterError(
                "l1_ratio must be between 0 (L2) and 1 (L1); got {l1_ratio!r}.",
                l1_ratio=self.l1_ratio,
            )
        if not (self.gamma == "scale" or (np.isfinite(self.gamma) and self.gamma > 0)):
            raise ParameterError(
                "gamma must be a positive number or 'scale'; got {gamma!r}.", gamma=self.gamma
            )
        # Frozen: store the checked plain ints (a numpy integer becomes an int).
        object.__setattr__(
            self, "n_neighbors", check_int("n_neighbors", self.n_neighbors, maximum=MAX_NEIGHBORS)
        )
        object.__setattr__(self, "n_trees", check_int("n_trees", self.n_trees, maximum=MAX_TREES))
        if self.n_components is not None:
            object.__setattr__(
                self,
                "n_components",
                check_int("n_components", self.n_components, maximum=MAX_COMPONENTS),
            )
        if self.multiclass == "multinomial" and self.model != "logreg":
            raise ParameterError(
                "multiclass='multinomial' (softmax) only applies to logistic regression; "
                "got model={model!r}. Use 'ovr' or 'ovo', or leave the strategy unset "
                "to use the {model_name}'s own multiclass handling.",
                model=self.model,
                model_name=MODEL_NAMES[self.model].lower(),
            )

    def describe(self, *, lang: str | None = None) -> str:
        """A short human-readable summary, e.g. ``"Logistic regression, C=1, one-vs-rest"``.

        In ``lang``, by default the current language (:mod:`musicml.i18n`; English
        outside the app).
        """

        def gettext(message: str) -> str:
            return translate(message, lang or current_language())

        parts = [gettext(MODEL_NAMES[self.model])]
        if self.model in ("logreg", "svm"):
            parts.append(f"C={self.C:g}")
        if self.model == "svm":
            parts.append(gettext("{kernel} kernel").format(kernel=self.kernel))
        if self.model == "knn":
            parts.append(f"k={self.n_neighbors}")
        if self.model == "forest":
            parts.append(gettext("{n} trees").format(n=self.n_trees))
        strategy = self.multiclass or ("multinomial" if self.model == "logreg" else None)
        parts.append(gettext(MULTICLASS_NAMES[strategy]))
        if self.reduce:
            parts.append(self.reduce.upper())
        return ", ".join(parts)


def _check_choice(name: str, value, choices: Sequence) -> None:
    if value not in choices:
        raise ParameterError(
            "{name} must be one of {choices}; got {value!r}.",
            name=name,
            choices=", ".join(map(str, choices)),
            value=value,
        )


def build_estimator(spec: ModelSpec) -> object:
    """The classifier of ``spec``, wrapped in its multiclass strategy."""
    if spec.model == "logreg":
        # lbfgs handles L2 (and softmax); elastic net and L1 need saga.
        solver = "lbfgs" if spec.l1_ratio == 0 else "saga"
        base = LogisticRegression(
            C=spec.C,
            l1_ratio=spec.l1_ratio,
            class_weight=spec.class_weight,
            solver=solver,
            max_iter=2000 if solver == "lbfgs" else 5000,
            random_state=spec.seed,
        )
    elif spec.model == "svm":
        # No probability=True (deprecated in scikit-learn 1.9 and a hidden 5-fold
        # fit): confidences are a softmax of the margins, see class_probabilities.
        base = SVC(C=spec.C, kernel=spec.kernel, gamma=spec.gamma, class_weight=spec.class_weight)
    elif spec.model == "knn":
        # Brute force: a k-d or ball tree would be saved with types and index arrays
        # that a model file from a stranger must not be trusted with.
        base = KNeighborsClassifier(
            n_neighbors=spec.n_neighbors, weights="distance", algorithm="brute"
        )
    else:
        base = RandomForestClassifier(
            n_estimators=spec.n_trees, class_weight=spec.class_weight, random_state=spec.seed
        )
    if spec.multiclass == "ovr":
        return OneVsRestClassifier(base)
    if spec.multiclass == "ovo":
        return OneVsOneClassifier(base)
    return base


def build_pipeline(
    *,
    sr: int = DEFAULT_SR,
    features: str = "mel",
    feature_params: dict | None = None,
    spec: ModelSpec | None = None,
    **model_options,
) -> Pipeline:
    """Features → standard scaling → optional PCA/LDA → classifier.

    Parameters
    ----------
    sr : int, default 22050
        Sample rate of the clips the pipeline will see.
    features : str, default "mel"
        A feature kind of :mod:`musicml.features`.
    feature_params : dict, optional
        More :class:`~musicml.features.FeatureExtractor` settings (``n_mels``, ...).
    spec : ModelSpec, optional
        The classifier; or give its fields as keyword arguments (``model="svm", C=10``).
    """
    if features not in FEATURE_KINDS:
        raise ParameterError(
            "features must be one of {choices}; got {features!r}.",
            choices=", ".join(FEATURE_KINDS),
            features=features,
        )
    spec = replace(spec, **model_options) if spec is not None else ModelSpec(**model_options)
    steps = [
        ("features", FeatureExtractor(kind=features, sr=sr, **(feature_params or {}))),
        ("scale", StandardScaler()),
    ]
    if spec.reduce == "pca":
        steps.append(("reduce", PCA(n_components=spec.n_components, random_state=spec.seed)))
    elif spec.reduce == "lda":
        steps.append(("reduce", LinearDiscriminantAnalysis(n_components=spec.n_components)))
    steps.append(("model", build_estimator(spec)))
    return Pipeline(steps)


def model_param(pipeline: Pipeline, name: str) -> str:
    """The ``set_params`` path of a model parameter, through any multiclass wrapper.

    ``model_param(pipe, "C")`` is ``"model__C"`` or ``"model__estimator__C"``.
    """
    model = pipeline.named_steps["model"]
    if isinstance(model, (OneVsRestClassifier, OneVsOneClassifier)):
        return f"model__estimator__{name}"
    return f"model__{name}"


def binary_models(pipeline: Pipeline) -> list:
    """The binary classifiers a fitted multiclass wrapper holds (k for ovr, k(k-1)/2 for ovo)."""
    model = pipeline.named_steps["model"]
    if isinstance(model, (OneVsRestClassifier, OneVsOneClassifier)):
        return list(model.estimators_)
    return [model]


def linear_weights(pipeline: Pipeline) -> np.ndarray | None:
    """The weight matrix of a fitted linear model, stacked over binary models; else None."""
    weights = [m.coef_ for m in binary_models(pipeline) if hasattr(m, "coef_")]
    if not weights:
        return None
    return np.vstack([np.atleast_2d(np.asarray(w)) for w in weights])


def class_probabilities(pipeline, data) -> np.ndarray:
    """Class probabilities of each input, shape ``(n, n_classes)``, rows summing to 1.

    Models without probabilities (one-vs-one, SVMs) give a softmax of their
    decision scores instead: a confidence, not a calibrated probability.
    """
    if hasattr(pipeline, "predict_proba"):
        return np.asarray(pipeline.predict_proba(data), dtype=float)
    scores = np.asarray(pipeline.decision_function(data), dtype=float)
    if scores.ndim == 1:  # binary: one margin for the second class
        scores = np.stack([-scores, scores], axis=1) / 2
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


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


def _plain_params(step) -> dict:
    """An estimator's own parameters that are plain values (tuples as lists)."""
    params = step.get_params(deep=False) if hasattr(step, "get_params") else {}
    out = {}
    for key, value in params.items():
        if isinstance(value, tuple):
            value = list(value)
        if value is None or isinstance(value, (str, int, float, bool, list)):
            out[key] = value
    return out


@dataclass(eq=False)
class TrainedModel:
    """A fitted pipeline with what is needed to use and judge it later.

    Attributes
    ----------
    pipeline : Pipeline
        ``features → scale → (reduce) → model``, fitted.
    classes : list of str
    sr : int
        Sample rate the features expect (audio is resampled to it).
    clip_seconds : float
        Typical length of a training clip; a good segment length for classifying.
    name : str
    spec : dict
        The :class:`ModelSpec` fields.
    metrics : dict
        Training metrics (``accuracy``, ``train_accuracy``, sizes, times).
    info : dict
        Anything else (data-set settings, library versions once saved).
    """

    pipeline: Pipeline
    classes: list[str]
    sr: int
    clip_seconds: float = 1.0
    name: str = "model"
    spec: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    @property
    def features(self) -> dict:
        """Feature settings (``kind`` and its parameters) the pipeline computes."""
        step = self.pipeline.named_steps.get("features")
        if step is None:
            return {}
        if hasattr(step, "transformer_list"):  # a FeatureUnion of several extractors
            parts = {name: _plain_params(part) for name, part in step.transformer_list}
            kind = "+".join(str(p.get("kind", name)) for name, p in parts.items())
            return {"kind": kind, "parts": parts}
        return _plain_params(step)

    def describe(self, *, lang: str | None = None) -> str:
        """One line: model, features, classes (in ``lang``, by default the current language)."""

        def gettext(message: str) -> str:
            return translate(message, lang or current_language())

        kind = self.features.get("kind", "custom")
        if self.spec:
            text = ModelSpec(**self.spec).describe(lang=lang)
        elif _is_logreg(self.pipeline):
            name = MODEL_NAMES["logreg"]
            text = gettext(name)
        else:
            text = gettext("Custom pipeline")
        return gettext("{model}; {kind} features; classes {classes}").format(
            model=text, kind=kind, classes=", ".join(self.classes)
        )

    def predict(self, clips) -> np.ndarray:
        """Labels of clips at ``self.sr``."""
        return np.asarray(self.pipeline.predict(clips)).astype(str)

    def probabilities(self, clips) -> np.ndarray:
        """Class probabilities, shape ``(n_clips, n_classes)`` in ``self.classes`` order."""
        return class_probabilities(self.pipeline, clips)


@dataclass(eq=False)
class TrainResult:
    """A trained model with its held-out predictions and timings.

    ``feature_matrix`` holds the features of every clip of the data set (shape
    ``(n_clips, n_features)``), so cross-validation and projections need not
    recompute them.
    """

    model: TrainedModel
    accuracy: float
    train_accuracy: float
    train_index: np.ndarray
    test_index: np.ndarray
    test_labels: np.ndarray
    test_predicted: np.ndarray
    test_probabilities: np.ndarray
    feature_seconds: float
    seconds: float
    feature_matrix: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))

    @property
    def pipeline(self) -> Pipeline:
        return self.model.pipeline

    @property
    def classes(self) -> list[str]:
        return self.model.classes

    @property
    def n_train(self) -> int:
        return len(self.train_index)

    @property
    def n_test(self) -> int:
        return len(self.test_index)


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


def _is_logreg(pipeline) -> bool:
    return isinstance(getattr(pipeline, "named_steps", {}).get("model"), LogisticRegression)


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


def _json_safe(value):
    """A copy of ``value`` that json can write (numpy scalars and tuples converted)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def as_trained_model(model) -> TrainedModel:
    """``model`` as a :class:`TrainedModel`: itself, or a fitted pipeline wrapped as one."""
    if isinstance(model, TrainedModel):
        return model
    if hasattr(model, "predict") and hasattr(model, "classes_"):
        sr = getattr(getattr(model, "named_steps", {}).get("features"), "sr", None)
        return TrainedModel(pipeline=model, classes=[str(c) for c in model.classes_], sr=sr or 0)
    raise ParameterError(
        "model must be a trained musicml model or a fitted pipeline; got {type_name}.",
        type_name=type(model).__name__,
    )


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
