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

The modules: :mod:`~musicml.models.registry` (:class:`ModelSpec`, the builders and
readers of a pipeline), :mod:`~musicml.models.trained` (:class:`TrainedModel`,
:class:`TrainResult`) and :mod:`~musicml.models.training` (:func:`train_classifier`,
:func:`fit_model`, :func:`dataset_from_examples`). Everything public imports from
``musicml.models``.
"""

from musicml.models.naming import file_stem, model_name, unique_name
from musicml.models.registry import (
    MAX_COMPONENTS,
    MAX_MODEL_TREES,
    MAX_NEIGHBORS,
    MAX_TREES,
    MODEL_KINDS,
    MODEL_NAMES,
    MULTICLASS_NAMES,
    MULTICLASS_STRATEGIES,
    REDUCERS,
    ModelSpec,
    binary_models,
    build_estimator,
    build_pipeline,
    class_probabilities,
    linear_weights,
    model_param,
)
from musicml.models.trained import TrainedModel, TrainResult, as_trained_model
from musicml.models.training import (
    Progress,
    clip_lengths,
    dataset_from_examples,
    extract_features,
    fit_model,
    take,
    train_classifier,
)

__all__ = [
    "MAX_COMPONENTS",
    "MAX_MODEL_TREES",
    "MAX_NEIGHBORS",
    "MAX_TREES",
    "MODEL_KINDS",
    "MODEL_NAMES",
    "MULTICLASS_NAMES",
    "MULTICLASS_STRATEGIES",
    "REDUCERS",
    "ModelSpec",
    "Progress",
    "TrainResult",
    "TrainedModel",
    "as_trained_model",
    "binary_models",
    "build_estimator",
    "build_pipeline",
    "class_probabilities",
    "clip_lengths",
    "dataset_from_examples",
    "extract_features",
    "file_stem",
    "fit_model",
    "linear_weights",
    "model_name",
    "model_param",
    "take",
    "train_classifier",
    "unique_name",
]
