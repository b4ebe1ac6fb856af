"""Gabor filters, the (σ, f) bank and pooled feature vectors."""

from __future__ import annotations

import numpy as np
import pytest

from musicml import gabor
from musicml.errors import ParameterError

SR = 22050


def sine(frequency: float, *, seconds: float = 0.5, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.8 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_pooled_features_have_the_documented_length():
    batch = np.stack([sine(220), sine(880), np.zeros(int(0.5 * SR), dtype=np.float32)])
    features = gabor.gabor_feature_vectors(batch, sr=SR)
    assert gabor.GABOR_FEATURE_LENGTH == 54 == 3 * 6 * 3
    assert features.shape == (3, gabor.GABOR_FEATURE_LENGTH)
    assert features.dtype == np.float32
    assert len(gabor.gabor_feature_names()) == gabor.GABOR_FEATURE_LENGTH
    custom = {"sigmas": [0.004, 0.008], "frequencies": [300, 600, 1200], "pooling": ["max", "std"]}
    small = gabor.gabor_feature_vectors(batch, sr=SR, **custom)
    assert small.shape == (3, gabor.gabor_feature_length(**custom)) == (3, 12)
    np.testing.assert_array_equal(features[2], 0.0)  # silence gives zero responses


def test_a_tone_excites_the_filter_at_its_frequency():
    features = gabor.gabor_feature_vectors(sine(440.0)[None, :], sr=SR)[0]
    names = gabor.gabor_feature_names()
    means = features[: len(names) // 3].reshape(3, 6)  # mean pooling, σ × f
    assert np.all(means.argmax(axis=1) == gabor.GABOR_FREQUENCIES.index(440.0))
    # A sine of amplitude A has envelope A/2 under a unit-gain complex filter.
    assert means[:, 2] == pytest.approx(0.4, rel=0.05)
    assert names[2] == "mean σ=2 ms f=440 Hz"


def test_kernel_shape_and_unit_gain():
    kernel = gabor.gabor_kernel(0.005, 1000.0, sr=SR)
    assert kernel.size == 2 * int(np.ceil(4 * 0.005 * SR)) + 1
    t = (np.arange(kernel.size) - kernel.size // 2) / SR
    assert abs(np.sum(kernel * np.exp(-2j * np.pi * 1000.0 * t))) == pytest.approx(1.0)
    bank = gabor.gabor_bank(sr=SR)
    assert bank.kernels.shape[0] == 18 and len(bank.labels) == 18


def test_batch_equals_single_clips_and_works_at_8_khz():
    clips = np.stack([sine(330, sr=8000), sine(1760, sr=8000)])
    together = gabor.gabor_feature_vectors(clips, sr=8000)
    apart = np.concatenate([gabor.gabor_feature_vectors(c, sr=8000) for c in clips])
    np.testing.assert_allclose(together, apart, rtol=1e-5, atol=1e-6)


def test_parameters_are_validated():
    with pytest.raises(ParameterError, match="frequencies"):
        gabor.gabor_feature_vectors(np.zeros((1, 1000)), sr=SR, frequencies=[12000])
    with pytest.raises(ParameterError, match="pooling"):
        gabor.gabor_feature_vectors(np.zeros((1, 1000)), sr=SR, pooling=["median"])
    with pytest.raises(ParameterError, match="batch"):
        gabor.gabor_feature_vectors(np.zeros((1, 2, 3)), sr=SR)
    with pytest.raises(ParameterError, match="sigma"):
        gabor.gabor_kernel(-1.0, 440.0)
