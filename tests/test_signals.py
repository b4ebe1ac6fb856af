"""Signal-processing basics checked against analytic answers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

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


def test_gain_crossing_interpolates_on_a_linear_ramp():
    frequencies = np.linspace(0.0, 1000.0, 11)
    gain_db = -frequencies / 10  # −1 dB per 10 Hz
    assert signals.gain_crossing(frequencies, gain_db, -3.0) == pytest.approx(30.0)
    assert signals.gain_crossing(frequencies, gain_db, -20.0) == pytest.approx(200.0)
    assert signals.gain_crossing(frequencies, gain_db, -200.0) is None
    with pytest.raises(ParameterError, match="one length"):
        signals.gain_crossing(frequencies, gain_db[:-1], -3.0)


def test_transition_width_is_about_3_3_sr_over_taps_for_hamming():
    assert signals.transition_width(101, sr=SR) == pytest.approx(3.3 * SR / 101)
    assert signals.transition_width(101, sr=SR, window="blackman") > signals.transition_width(
        101, sr=SR
    )
    with pytest.raises(ParameterError, match="window"):
        signals.transition_width(101, sr=SR, window="kaiser")


def test_a_short_filter_cannot_reach_a_low_cutoff():
    """QA: 11 taps at 100 Hz are still only −3 dB well above 1 kHz."""
    cutoff = 100.0
    taps = signals.fir_lowpass(cutoff, sr=SR, n_taps=11)
    edge = signals.lowpass_edge(taps, cutoff, sr=SR)
    assert not edge.sharp
    assert edge.half_power > 10 * cutoff and edge.stop > 20 * cutoff
    assert edge.transition == pytest.approx(3.3 * SR / 11)
    # The measured −20 dB point is where an independent response says the gain is −20 dB.
    _, response = scipy.signal.freqz(taps, worN=[0.0, edge.stop], fs=SR)
    assert 20 * np.log10(abs(response[1]) / abs(response[0])) == pytest.approx(-20.0, abs=0.1)
    # And the noise between the cut-off and ten times it is barely touched.
    noise = signals.white_noise(duration=2.0, sr=SR, seed=4)
    filtered = signals.apply_fir(noise, taps)
    kept = signals.band_power(filtered, sr=SR, low=cutoff, high=10 * cutoff) / signals.band_power(
        noise, sr=SR, low=cutoff, high=10 * cutoff
    )
    assert kept > 0.8


def test_enough_taps_make_the_cutoff_sharp_and_taps_needed_is_the_fewest():
    cutoff = 100.0
    needed = signals.sharp_taps(cutoff, sr=SR)
    assert needed % 2 == 1 and 3.3 * SR / needed > cutoff, "sharper than the rough estimate"
    edge = signals.lowpass_edge(signals.fir_lowpass(cutoff, sr=SR, n_taps=needed), cutoff, sr=SR)
    assert edge.sharp and edge.taps_needed == needed
    assert edge.half_power < cutoff < edge.stop <= 2 * cutoff
    fewer = signals.fir_lowpass(cutoff, sr=SR, n_taps=needed - 2)
    assert not signals.lowpass_edge(fewer, cutoff, sr=SR).sharp
    assert signals.sharp_taps(1.0, sr=SR) is None, "1 Hz needs more than 4097 taps"


def test_a_long_filter_cuts_where_it_was_asked_to():
    cutoff = 2000.0
    edge = signals.lowpass_edge(signals.fir_lowpass(cutoff, sr=SR, n_taps=101), cutoff, sr=SR)
    assert edge.sharp
    assert edge.half_power == pytest.approx(cutoff, rel=0.1)
    assert edge.stop == pytest.approx(cutoff + edge.transition / 2, rel=0.1)


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
