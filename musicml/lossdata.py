"""Small two-feature data sets for the loss-surface lab.

Every set has exactly two features, so its loss is a surface over (θ1, θ2) and its
classes can be drawn in the plane:

- :func:`breast_cancer_data`: the lecture's recipe (first two features, standardised);
- :func:`iris_data`: three flower species, two chosen measurements, standardised;
- :func:`synthetic_data`: two Gaussian clouds with adjustable overlap;
- :func:`music_data`: two principal components of a :class:`~musicml.datasets.Dataset`'s
  mel features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from musicml.datasets import Dataset
from musicml.errors import ParameterError

IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")


@dataclass(frozen=True, eq=False)
class LabData:
    """A labelled two-feature data set.

    Attributes
    ----------
    features : np.ndarray
        Shape ``(m, 2)``, float64.
    labels : np.ndarray
        Shape ``(m,)``, class indices ``0 … k−1`` into ``class_names``.
    class_names : tuple of str
        ``k`` names.
    feature_names : tuple of str
        The names of the two features.
    name : str
        What the set is, in a few words.
    """

    features: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    feature_names: tuple[str, str]
    name: str

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def binary_labels(self, positive: int | str = 1) -> np.ndarray:
        """1 for the ``positive`` class (index or name), 0 for every other class.

        Returns
        -------
        np.ndarray
            Shape ``(m,)``, int.
        """
        if isinstance(positive, str):
            if positive not in self.class_names:
                raise ParameterError(
                    "positive must be one of the classes {class_names}; got {positive!r}.",
                    class_names=list(self.class_names),
                    positive=positive,
                )
            positive = self.class_names.index(positive)
        if not 0 <= int(positive) < self.n_classes:
            raise ParameterError(
                "positive must be a class index from 0 to {highest}; got {positive!r}.",
                highest=self.n_classes - 1,
                positive=positive,
            )
        return (self.labels == int(positive)).astype(int)


def _standardised(features: np.ndarray) -> np.ndarray:
    return StandardScaler().fit_transform(np.asarray(features, dtype=float))


def breast_cancer_data() -> LabData:
    """The lecture's recipe: breast-cancer data, first two features, standardised.

    Label 1 is ``benign`` and 0 ``malignant`` (scikit-learn's coding), 569 samples.
    """
    bunch = load_breast_cancer()
    return LabData(
        features=_standardised(bunch.data[:, :2]),
        labels=bunch.target.astype(int),
        class_names=tuple(str(n) for n in bunch.target_names),
        feature_names=("mean radius (standardised)", "mean texture (standardised)"),
        name="breast cancer (lecture recipe)",
    )


def iris_data(*, features: tuple[int, int] = (0, 1)) -> LabData:
    """Iris: 150 flowers of three species, two of the four measurements, standardised.

    Parameters
    ----------
    features : tuple of two int, default (0, 1)
        Indices into ``IRIS_FEATURES`` (sepal length, sepal width, petal length,
        petal width).
    """
    features = tuple(int(f) for f in features)
    if len(features) != 2 or len(set(features)) != 2 or not set(features) <= {0, 1, 2, 3}:
        raise ParameterError(
            "features must be two different indices in 0…3 {iris_features}; got {features!r}.",
            iris_features=IRIS_FEATURES,
            features=features,
        )
    bunch = load_iris()
    return LabData(
        features=_standardised(bunch.data[:, list(features)]),
        labels=bunch.target.astype(int),
        class_names=tuple(str(n) for n in bunch.target_names),
        feature_names=tuple(f"{IRIS_FEATURES[f]} (standardised)" for f in features),
        name="iris",
    )


def synthetic_data(*, overlap: float = 0.5, n_samples: int = 200, seed: int = 0) -> LabData:
    """Two correlated Gaussian clouds placed symmetrically about the origin.

    Parameters
    ----------
    overlap : float, default 0.5
        0 puts each class centre about 4 standard deviations (measured along the line
        joining the centres) from the origin, so a line through the origin separates the
        classes; 1 puts both centres at the origin (no signal at all).
    n_samples : int, default 200
        Half of them in each class.
    seed : int, default 0
        Same seed, same points.
    """
    if not 0.0 <= overlap <= 1.0:
        raise ParameterError("overlap must be between 0 and 1; got {overlap!r}.", overlap=overlap)
    if n_samples < 4:
        raise ParameterError(
            "n_samples must be at least 4; got {n_samples!r}.", n_samples=n_samples
        )
    rng = np.random.default_rng(seed)
    half = n_samples // 2
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    centre = 3.0 * (1.0 - overlap) * np.array([0.8, -0.6])
    points = rng.multivariate_normal(np.zeros(2), cov, size=2 * half)
    labels = np.repeat([1, 0], half)
    points += np.where(labels[:, None] == 1, centre, -centre)
    return LabData(
        features=points,
        labels=labels,
        class_names=("class 0", "class 1"),
        feature_names=("x₁", "x₂"),
        name=f"synthetic (overlap {overlap:g})",
    )


def music_data(dataset: Dataset) -> LabData:
    """Two principal components of a data set's mel features, each scaled to unit variance.

    The mel features are standardised before the PCA, so no band dominates by loudness
    alone, and the two component scores are standardised after it.
    """
    classes = dataset.classes
    if len(classes) < 2 or len(dataset) < 3:
        raise ParameterError(
            "the data set needs at least 2 classes and 3 clips; got {n_classes} classes "
            "and {n_dataset} clips. Add clips of another class.",
            n_classes=len(classes),
            n_dataset=len(dataset),
        )
    from musicml.features import FeatureExtractor  # imports librosa: only when needed

    mel = FeatureExtractor(kind="mel", sr=dataset.sr).fit_transform(dataset.clips)
    scores = PCA(n_components=2).fit_transform(_standardised(mel))
    index = {c: i for i, c in enumerate(classes)}
    return LabData(
        features=_standardised(scores),
        labels=np.array([index[label] for label in dataset.labels], dtype=int),
        class_names=tuple(classes),
        feature_names=("principal component 1", "principal component 2"),
        name="your sounds (2 principal components of mel features)",
    )
