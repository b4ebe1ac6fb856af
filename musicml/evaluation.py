"""Judging classifiers: scores, cross-validation, validation curves and projections.

Every function here works on a feature matrix computed once (the feature
extractor learns nothing), so cross-validating or sweeping C refits only the
cheap part of the pipeline: scaling, projection and model.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import (
    LeaveOneOut,
    StratifiedKFold,
    cross_val_score,
    validation_curve,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from musicml.datasets import Dataset
from musicml.errors import ParameterError
from musicml.i18n import N_, gettext
from musicml.models import TrainedModel, extract_features, model_param

METRIC_SENTENCES = {
    "accuracy": N_("Accuracy is the share of all clips that got the right label."),
    "precision": N_(
        "Precision: of the clips the model called this class, the share that really were it "
        "(low precision = false alarms)."
    ),
    "recall": N_(
        "Recall: of the clips that really were this class, the share the model found "
        "(low recall = misses)."
    ),
    "f1": N_("F1 is the harmonic mean of precision and recall: high only when both are high."),
    "support": N_("Support is how many test clips of the class there were."),
}
"""One plain sentence per score, for pages and reports."""

LEAVE_ONE_OUT_LIMIT = 200
"""Leave-one-out is offered up to this many clips (it fits one model per clip)."""

DEFAULT_CS = tuple(float(c) for c in np.logspace(-3, 3, 7))


def classification_report(labels, predicted, *, classes: list[str] | None = None) -> dict:
    """Accuracy, per-class precision/recall/F1/support and the confusion matrix.

    Returns
    -------
    dict
        ``{"accuracy": float, "per_class": {label: {"precision", "recall", "f1",
        "support"}}, "confusion": {"labels": [...], "matrix": [[...]]}}``; matrix
        rows are true labels, columns predicted labels.
    """
    labels = np.asarray(labels).astype(str)
    predicted = np.asarray(predicted).astype(str)
    if len(labels) != len(predicted) or len(labels) == 0:
        raise ParameterError(
            "labels and predictions must be non-empty and the same length; got {n_labels} "
            "and {n_predicted}.",
            n_labels=len(labels),
            n_predicted=len(predicted),
        )
    if classes is None:
        classes = sorted(set(labels.tolist()) | set(predicted.tolist()))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    matrix = confusion_matrix(labels, predicted, labels=classes)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "per_class": {
            c: {
                "precision": round(float(p), 6),
                "recall": round(float(r), 6),
                "f1": round(float(f), 6),
                "support": int(s),
            }
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion": {"labels": list(classes), "matrix": matrix.astype(int).tolist()},
    }


def per_class_sentences(report: dict) -> list[str]:
    """One plain sentence per class, e.g. "C: 9 of 10 found (recall 90%), ...".

    Parameters
    ----------
    report : dict
        From :func:`classification_report`.
    """
    sentences = []
    for label, scores in report["per_class"].items():
        sentences.append(
            gettext(
                "**{label}**: of the clips called {label}, {precision:.0%} really were "
                "(precision); of the {support} real {label} clips, {recall:.0%} were found "
                "(recall); F1 {f1:.2f}."
            ).format(
                label=label,
                precision=scores["precision"],
                support=scores["support"],
                recall=scores["recall"],
                f1=scores["f1"],
            )
        )
    return sentences


def head_of(pipeline: Pipeline) -> Pipeline:
    """An unfitted copy of the pipeline without its feature step."""
    steps = [(name, step) for name, step in pipeline.steps if name != "features"]
    return clone(Pipeline(steps))


def fold_count(labels, *, folds: int = 5) -> tuple[int, str | None]:
    """How many stratified folds a data set allows, and why, if fewer than asked.

    Each fold must hold at least one clip of every class, so the number of folds
    is at most the size of the smallest class.

    Returns
    -------
    tuple
        ``(folds_used, reason)``; ``reason`` is ``None`` when ``folds`` fit,
        otherwise a plain sentence such as "Only 4 clips in the smallest class,
        so 4 folds instead of 5."
    """
    if isinstance(folds, bool) or not isinstance(folds, (int, np.integer)) or folds < 2:
        raise ParameterError(
            "folds must be a whole number of at least 2; got {folds!r}.", folds=folds
        )
    labels = np.asarray(labels).astype(str)
    if labels.size == 0:
        raise ParameterError("labels must name at least one clip; got none.")
    smallest = int(np.unique(labels, return_counts=True)[1].min())
    if smallest >= folds:
        return int(folds), None
    if smallest < 2:
        raise ParameterError(
            "cross-validation needs at least 2 clips in every class; the smallest class has "
            "{smallest}. Add clips.",
            smallest=smallest,
        )
    clips = "clip" if smallest == 1 else "clips"
    return smallest, (
        f"Only {smallest} {clips} in the smallest class, so {smallest} folds instead of "
        f"{folds}: every fold must hold at least one clip of each class."
    )


def cross_validation(
    head: Pipeline, features: np.ndarray, labels, *, folds: int | str = 5, seed: int = 0
) -> dict:
    """Accuracy over stratified k folds, or leave-one-out with ``folds="loo"``.

    Returns
    -------
    dict
        ``{"scores": [...], "mean": float, "std": float, "folds": int, "method": str}``.
    """
    labels = np.asarray(labels).astype(str)
    if folds == "loo":
        if len(labels) > LEAVE_ONE_OUT_LIMIT:
            raise ParameterError(
                "leave-one-out fits one model per clip; it is offered up to "
                "{leave_one_out_limit} clips, the data set has {n_labels}. Use k folds.",
                leave_one_out_limit=LEAVE_ONE_OUT_LIMIT,
                n_labels=len(labels),
            )
        splitter = LeaveOneOut()
        method = "leave-one-out"
    else:
        smallest = int(np.unique(labels, return_counts=True)[1].min())
        if not isinstance(folds, (int, np.integer)) or not 2 <= folds <= smallest:
            raise ParameterError(
                "folds must be a whole number from 2 to the size of the smallest class "
                "({smallest}); got {folds!r}.",
                smallest=smallest,
                folds=folds,
            )
        splitter = StratifiedKFold(n_splits=int(folds), shuffle=True, random_state=seed)
        method = f"{folds}-fold"
    scores = cross_val_score(clone(head), features, labels, cv=splitter)
    return {
        "scores": scores.tolist(),
        "mean": float(scores.mean()),
        "std": float(scores.std()),
        "folds": len(scores),
        "method": method,
    }


def c_validation_curve(
    head: Pipeline,
    features: np.ndarray,
    labels,
    *,
    Cs=DEFAULT_CS,
    folds: int = 5,
    seed: int = 0,
) -> dict:
    """Train and held-out accuracy for each C (cross-validated).

    Small C: both low (under-fitting). Large C: training accuracy high, held-out
    lower (over-fitting). Only for models with a C (logistic regression, SVM).

    Returns
    -------
    dict
        ``{"C": [...], "train_mean", "train_std", "test_mean", "test_std"}``, lists.
    """
    labels = np.asarray(labels).astype(str)
    name = model_param(head, "C")
    if name not in head.get_params():
        raise ParameterError(
            "the validation curve over C needs a model with a C (logistic regression or SVM); "
            "this one is {type_name}.",
            type_name=type(head.named_steps["model"]).__name__,
        )
    smallest = int(np.unique(labels, return_counts=True)[1].min())
    folds = max(2, min(folds, smallest))
    train, test = validation_curve(
        clone(head),
        features,
        labels,
        param_name=name,
        param_range=list(Cs),
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
    )
    return {
        "C": [float(c) for c in Cs],
        "train_mean": train.mean(axis=1).tolist(),
        "train_std": train.std(axis=1).tolist(),
        "test_mean": test.mean(axis=1).tolist(),
        "test_std": test.std(axis=1).tolist(),
    }


def projection_2d(features: np.ndarray, labels, *, method: str = "pca") -> dict:
    """A 2-D view of the feature vectors: PCA (unsupervised) or LDA (uses the labels).

    Returns
    -------
    dict
        ``{"points": (n, 2) array, "explained": [ratio, ratio] or None, "method": str}``.
        LDA with two classes has one axis; the second coordinate is then 0.
    """
    labels = np.asarray(labels).astype(str)
    scaled = StandardScaler().fit_transform(np.asarray(features, dtype=float))
    if method == "pca":
        n = min(2, *scaled.shape)
        pca = PCA(n_components=n).fit(scaled)
        points = pca.transform(scaled)
        explained = pca.explained_variance_ratio_.tolist()
    elif method == "lda":
        k = len(np.unique(labels))
        if k < 2:
            raise ParameterError("LDA needs at least two classes; got one.")
        lda = LinearDiscriminantAnalysis(n_components=min(2, k - 1)).fit(scaled, labels)
        points = lda.transform(scaled)
        explained = lda.explained_variance_ratio_[:2].tolist()
    else:
        raise ParameterError("method must be 'pca' or 'lda'; got {method!r}.", method=method)
    if points.shape[1] == 1:
        points = np.hstack([points, np.zeros_like(points)])
    return {"points": points, "explained": explained, "method": method}


def misclassified(labels, predicted, probabilities, classes: list[str]) -> list[dict]:
    """The wrong predictions: position, true label, predicted label, confidence.

    Sorted from the most confident mistake down.
    """
    labels = np.asarray(labels).astype(str)
    predicted = np.asarray(predicted).astype(str)
    wrong = np.flatnonzero(labels != predicted)
    column = {c: i for i, c in enumerate(classes)}
    rows = [
        {
            "position": int(i),
            "true": labels[i],
            "predicted": predicted[i],
            "confidence": float(probabilities[i, column[predicted[i]]]),
        }
        for i in wrong
    ]
    return sorted(rows, key=lambda r: -r["confidence"])


def evaluate_model(model: TrainedModel, dataset: Dataset, *, progress=None) -> dict:
    """Score a trained model on every clip of a labelled data set.

    Clips are resampled to the model's rate if needed; labels the model does
    not know count as errors.

    Returns
    -------
    dict
        As :func:`classification_report`, over the model's classes and the data set's.
    """
    return _model_report(model, _model_features(model, dataset, progress), dataset.labels)


def evaluate_stream(model: TrainedModel, batches: Iterable[Dataset]) -> dict:
    """Score a trained model on labelled clips that arrive in batches.

    Only the feature rows and labels of each batch are kept, so memory holds one
    batch of audio at a time (e.g. from :func:`musicml.dataio.labelled_batches`).

    Parameters
    ----------
    model : TrainedModel
        The model to score.
    batches : iterable of Dataset
        Labelled clips, at any sample rate (resampled to the model's).

    Returns
    -------
    dict
        As :func:`evaluate_model` on all the batches' clips together.
    """
    matrices, labels = [], []
    for batch in batches:
        if len(batch):
            matrices.append(_model_features(model, batch))
            labels.append(batch.labels)
    if not matrices:
        raise ParameterError("batches must hold at least one clip; got none.")
    return _model_report(model, np.concatenate(matrices), np.concatenate(labels))


def _model_features(model: TrainedModel, dataset: Dataset, progress=None) -> np.ndarray:
    from musicml.audio import resample

    clips = dataset.clips
    if dataset.sr != model.sr:
        clips = [resample(np.asarray(c), dataset.sr, model.sr) for c in clips]
    extractor = model.pipeline.named_steps["features"]
    return extract_features(extractor, clips, progress=progress)


def _model_report(model: TrainedModel, features: np.ndarray, labels) -> dict:
    head = Pipeline([(n, s) for n, s in model.pipeline.steps if n != "features"])
    predicted = np.asarray(head.predict(features)).astype(str)
    labels = np.asarray(labels).astype(str)
    classes = sorted(set(model.classes) | set(labels.tolist()))
    return classification_report(labels, predicted, classes=classes)


__all__ = [
    "DEFAULT_CS",
    "LEAVE_ONE_OUT_LIMIT",
    "METRIC_SENTENCES",
    "c_validation_curve",
    "classification_report",
    "cross_validation",
    "evaluate_model",
    "evaluate_stream",
    "head_of",
    "misclassified",
    "per_class_sentences",
    "projection_2d",
]
