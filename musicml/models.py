"""Classifiers on audio features: scikit-learn Pipelines built from named parts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from musicml.audio import DEFAULT_SR
from musicml.datasets import Dataset, sound_silence_dataset
from musicml.errors import ParameterError
from musicml.features import FeatureExtractor


@dataclass(eq=False)
class TrainResult:
    """A fitted pipeline with its held-out scores."""

    pipeline: Pipeline
    accuracy: float
    train_accuracy: float
    n_train: int
    n_test: int
    seconds: float
    classes: list[str]


def build_pipeline(*, sr: int, features: str = "mel", C: float = 1.0) -> Pipeline:
    """Features → standard scaling → logistic regression."""
    if not C > 0:
        raise ParameterError(f"C must be a positive number; got {C!r}.")
    return Pipeline(
        [
            ("features", FeatureExtractor(kind=features, sr=sr)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=C, max_iter=1000)),
        ]
    )


def train_classifier(
    dataset: Dataset,
    *,
    features: str = "mel",
    C: float = 1.0,
    test_size: float = 0.25,
    seed: int = 0,
) -> TrainResult:
    """Fit on a stratified, seeded split and score on the held-out part."""
    if len(dataset.classes) < 2:
        raise ParameterError(
            f"training needs at least two classes; the data set has {dataset.classes}."
        )
    train_x, test_x, train_y, test_y = train_test_split(
        dataset.clips,
        dataset.labels,
        test_size=test_size,
        random_state=seed,
        stratify=dataset.labels,
    )
    pipeline = build_pipeline(sr=dataset.sr, features=features, C=C)
    start = time.perf_counter()
    pipeline.fit(train_x, train_y)
    seconds = time.perf_counter() - start
    return TrainResult(
        pipeline=pipeline,
        accuracy=float(accuracy_score(test_y, pipeline.predict(test_x))),
        train_accuracy=float(accuracy_score(train_y, pipeline.predict(train_x))),
        n_train=len(train_y),
        n_test=len(test_y),
        seconds=seconds,
        classes=[str(c) for c in pipeline.classes_],
    )


def builtin_sound_silence_model(*, sr: int = DEFAULT_SR) -> Pipeline:
    """The embedded sound-vs-silence model, trained reproducibly on synthetic data."""
    dataset = sound_silence_dataset(per_class=40, sr=sr, seed=1234)
    return build_pipeline(sr=sr).fit(dataset.clips, dataset.labels)
