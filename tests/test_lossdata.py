"""The loss lab's two-feature data sets."""

from __future__ import annotations

import numpy as np
import pytest

from musicml import loss, lossdata
from musicml.datasets import Dataset, sound_silence_dataset
from musicml.errors import ParameterError


def assert_standardised(features):
    np.testing.assert_allclose(features.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(features.std(axis=0), 1.0, atol=1e-12)


def test_breast_cancer_is_the_lecture_recipe():
    data = lossdata.breast_cancer_data()
    assert data.features.shape == (569, 2)
    assert data.class_names == ("malignant", "benign")
    assert_standardised(data.features)
    assert data.binary_labels("benign").sum() == 357
    np.testing.assert_array_equal(data.binary_labels(1), data.binary_labels("benign"))


def test_iris_picks_two_measurements():
    data = lossdata.iris_data(features=(2, 3))
    assert data.features.shape == (150, 2) and data.n_classes == 3
    assert data.feature_names[0].startswith("petal length")
    assert_standardised(data.features)
    assert data.binary_labels("setosa").sum() == 50
    with pytest.raises(ParameterError, match="two different indices"):
        lossdata.iris_data(features=(1, 1))


def test_binary_labels_reject_unknown_classes():
    data = lossdata.iris_data()
    with pytest.raises(ParameterError, match="one of the classes"):
        data.binary_labels("rose")
    with pytest.raises(ParameterError, match="class index"):
        data.binary_labels(7)


def test_synthetic_overlap_controls_how_separable_the_classes_are():
    apart = lossdata.synthetic_data(overlap=0.0, seed=1)
    mixed = lossdata.synthetic_data(overlap=1.0, seed=1)
    again = lossdata.synthetic_data(overlap=0.0, seed=1)
    np.testing.assert_array_equal(apart.features, again.features)
    assert apart.features.shape == (200, 2) and np.bincount(apart.labels).tolist() == [100, 100]

    def accuracy(data):
        theta = loss.logistic_optimum(data.features, data.labels, C=1.0)
        return ((data.features @ theta > 0) == (data.labels == 1)).mean()

    assert accuracy(apart) > 0.97
    assert accuracy(mixed) < 0.65
    with pytest.raises(ParameterError, match="overlap"):
        lossdata.synthetic_data(overlap=1.5)


def test_music_data_is_two_unit_variance_principal_components():
    dataset = sound_silence_dataset(per_class=6, clip_seconds=0.25, seed=3)
    data = lossdata.music_data(dataset)
    assert data.features.shape == (12, 2)
    assert data.class_names == ("silence", "sound")
    assert_standardised(data.features)
    # Sound and silence sit on opposite sides of the first component.
    labels = data.binary_labels("sound")
    first = data.features[:, 0]
    assert max(first[labels == 1]) < min(first[labels == 0]) or min(first[labels == 1]) > max(
        first[labels == 0]
    )


def test_music_data_needs_two_classes():
    clips = np.zeros((4, 2205), dtype=np.float32)
    with pytest.raises(ParameterError, match="at least 2 classes"):
        lossdata.music_data(Dataset(clips=clips, labels=["a"] * 4, sr=22050))
