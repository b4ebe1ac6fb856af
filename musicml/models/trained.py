"""A trained model and a training run's result: what a page, the command line or a file keeps."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from musicml.errors import ParameterError
from musicml.i18n import current_language, translate
from musicml.models.registry import MODEL_NAMES, ModelSpec, class_probabilities


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


def _is_logreg(pipeline) -> bool:
    return isinstance(getattr(pipeline, "named_steps", {}).get("model"), LogisticRegression)


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
