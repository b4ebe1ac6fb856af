"""Signal-processing basics checked against analytic answers."""

from __future__ import annotations

import numpy as np
import pytest

from musicml import signals
from musicml.errors import ParameterError

SR = 22050


def test_gaussian_smoothing_attenuates_high_frequencies():
    noisy = signals.noisy_periodic_signal(n_samples=2000, period=100, noise=0.5, seed=1)
    smooth = signals.gaussian_smooth(noisy, sigma=5)
    low_before = signals.band_power(noisy, sr=1.0, low=0.005, high=0.015)
    low_after = signals.band_power(smooth, sr=1.0, low=0.005, high=0.015)
    high_before = signals.band_power(noisy, sr=1.0, low=0.1, high=0.5)
    high_after = signals.band_power(smooth, sr=1.0, low=0.1, high=0.5)
    assert low_after / low_before > 0.8  # the cosine (0.01 cycles/sample) survives
    assert high_after / high_before < 1e-3  # the noise above 0.1 cycles/sample does not
    assert np.std(smooth - np.cos(2 * np.pi * np.arange(2000) / 100)) < 0.15


def test_gaussian_kernel_is_normalised_and_symmetric():
    kernel = signals.gaussian_kernel(3.0)
    assert kernel.size == 2 * 12 + 1
    assert kernel.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(kernel, kernel[::-1])
    with pytest.raises(ParameterError, match="sigma"):
        signals.gaussian_kernel(0)


def test_convolution_theorem_holds_numerically():
    noisy = signals.noisy_periodic_signal(n_samples=700, period=50, seed=2)
    check = signals.convolution_theorem(noisy, signals.gaussian_kernel(4.0))
    assert check.max_error < 1e-12
    assert check.direct.size == 700 + 33 - 1
    np.testing.assert_allclose(check.output_spectrum, check.product_spectrum, atol=1e-9)
    assert check.frequencies[-1] == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize("period", [100.0, 37.3, 12.5])
def test_period_of_a_noisy_cosine(period):
    noisy = signals.noisy_periodic_signal(n_samples=2000, period=period, noise=1.0, seed=3)
    assert signals.dominant_period(noisy) == pytest.approx(period, rel=0.02)


def test_power_spectrum_peaks_at_the_tone():
    t = np.arange(SR) / SR
    frequencies, power = signals.power_spectrum(np.sin(2 * np.pi * 440 * t), sr=SR)
    assert frequencies[power.argmax()] == pytest.approx(440.0)
    assert signals.dominant_period(np.sin(2 * np.pi * 440 * t), sr=SR) == pytest.approx(1 / 440)


def test_fir_lowpass_response_and_filtering():
    cutoff = 2000.0
    taps = signals.fir_lowpass(cutoff, sr=SR, n_taps=101)
    frequencies, gain_db = signals.frequency_response(taps, sr=SR)
    assert gain_db[0] == pytest.approx(0.0, abs=0.05)
    assert gain_db[np.searchsorted(frequencies, cutoff)] == pytest.approx(-6.0, abs=0.5)
    assert gain_db[frequencies > 2 * cutoff].max() < -40
    noise = signals.white_noise(duration=2.0, sr=SR, seed=4)
    filtered = signals.apply_fir(noise, taps)
    assert filtered.shape == noise.shape and filtered.dtype == np.float32
    above_before = signals.band_power(noise, sr=SR, low=1.5 * cutoff, high=SR / 2)
    above_after = signals.band_power(filtered, sr=SR, low=1.5 * cutoff, high=SR / 2)
    below_before = signals.band_power(noise, sr=SR, low=0, high=0.5 * cutoff)
    below_after = signals.band_power(filtered, sr=SR, low=0, high=0.5 * cutoff)
    assert above_after / above_before < 1e-3
    assert below_after / below_before == pytest.approx(1.0, abs=0.05)


def test_parameters_are_validated():
    with pytest.raises(ParameterError, match="cutoff"):
        signals.fir_lowpass(SR, sr=SR)
    with pytest.raises(ParameterError, match="n_taps"):
        signals.fir_lowpass(1000, sr=SR, n_taps=1)
    with pytest.raises(ParameterError, match="period"):
        signals.noisy_periodic_signal(period=1)
    with pytest.raises(ParameterError, match="signal"):
        signals.gaussian_smooth(np.array([[1.0, 2.0]]), sigma=1)


def test_same_seed_same_noise():
    np.testing.assert_array_equal(signals.white_noise(seed=5), signals.white_noise(seed=5))
    assert not np.array_equal(signals.white_noise(seed=5), signals.white_noise(seed=6))
