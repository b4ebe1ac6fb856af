"""The registry of classifiers: a :class:`ModelSpec` names one, the builders make its Pipeline.

A pipeline is always ``features → scale → (pca | lda) → model``; the model kinds and
the multiclass strategies (scikit-learn's wrappers) are described in
:mod:`musicml.models`. The helpers after the builders read a pipeline back: a
parameter's path through the wrappers, the binary models, linear weights and class
probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.features import FEATURE_KINDS, FeatureExtractor
from musicml.i18n import N_, current_language, translate
from musicml.validation import check_choice, check_int

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
        check_choice("model", self.model, MODEL_KINDS)
        if self.multiclass is not None:
            check_choice("multiclass", self.multiclass, MULTICLASS_STRATEGIES)
        if self.reduce is not None:
            check_choice("reduce", self.reduce, REDUCERS)
        check_choice("kernel", self.kernel, ("rbf", "linear"))
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
    check_choice("features", features, FEATURE_KINDS)
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
