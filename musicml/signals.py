"""Signal processing basics: convolution, smoothing, spectra, FIR filters.

The demonstrations of the "signal processing for ML" talk: smoothing a noisy
periodic signal with a Gaussian, the convolution theorem (the spectrum of a
convolution is the product of the spectra), the FFT power spectrum and the
period it reveals, and a windowed-sinc FIR low-pass filter on white noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.signal

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_choice, check_rate


def _check_signal(signal: np.ndarray, *, name: str = "signal") -> np.ndarray:
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 1 or signal.size < 2:
        raise ParameterError(
            "{name} must be 1-D with at least 2 samples; got shape {signal_shape}.",
            name=name,
            signal_shape=signal.shape,
        )
    if not np.all(np.isfinite(signal)):
        raise ParameterError("{name} contains NaN or infinite values.", name=name)
    return signal


# --------------------------------------------------------------------------- test signals


def noisy_periodic_signal(
    *,
    n_samples: int = 1000,
    period: float = 100.0,
    noise: float = 0.5,
    seed: int = 0,
) -> np.ndarray:
    """A cosine with ``period`` samples plus Gaussian noise of standard deviation ``noise``.

    Returns
    -------
    np.ndarray
        Shape ``(n_samples,)``, float64.
    """
    if n_samples < 2:
        raise ParameterError(
            "n_samples must be at least 2; got {n_samples!r}.", n_samples=n_samples
        )
    if not period >= 2:
        raise ParameterError("period must be at least 2 samples; got {period!r}.", period=period)
    if noise < 0:
        raise ParameterError("noise must not be negative; got {noise!r}.", noise=noise)
    rng = np.random.default_rng(seed)
    t = np.arange(n_samples)
    return np.cos(2 * np.pi * t / period) + noise * rng.standard_normal(n_samples)


def white_noise(
    *, duration: float = 1.0, sr: int = DEFAULT_SR, amplitude: float = 0.3, seed: int = 0
) -> np.ndarray:
    """Gaussian white noise (flat spectrum), clipped to [-1, 1], float32."""
    check_rate(sr)
    if not 0 < duration <= 60:
        raise ParameterError(
            "duration must be between 0 and 60 seconds; got {duration!r}.", duration=duration
        )
    if not 0 <= amplitude <= 1:
        raise ParameterError(
            "amplitude must be between 0 and 1; got {amplitude!r}.", amplitude=amplitude
        )
    rng = np.random.default_rng(seed)
    noise = amplitude * rng.standard_normal(round(duration * sr))
    return np.clip(noise, -1.0, 1.0).astype(np.float32)


# --------------------------------------------------------------------------- Gaussian smoothing


def gaussian_kernel(sigma: float, *, truncate: float = 4.0) -> np.ndarray:
    """A normalised Gaussian window exp(-k²/2σ²) for k in ±⌈truncate·σ⌉ (sums to 1).

    Returns
    -------
    np.ndarray
        Shape ``(2 * ceil(truncate * sigma) + 1,)``.
    """
    if not np.isfinite(sigma) or sigma <= 0:
        raise ParameterError(
            "sigma must be a positive number of samples; got {sigma!r}.", sigma=sigma
        )
    half = int(np.ceil(truncate * sigma))
    k = np.arange(-half, half + 1)
    window = np.exp(-0.5 * (k / sigma) ** 2)
    return window / window.sum()


def gaussian_smooth(signal: np.ndarray, *, sigma: float) -> np.ndarray:
    """Convolve with :func:`gaussian_kernel` (same length, zeros outside the signal)."""
    signal = _check_signal(signal)
    return np.convolve(signal, gaussian_kernel(sigma), mode="same")


@dataclass(frozen=True, eq=False)
class ConvolutionCheck:
    """Both sides of the convolution theorem for one signal and kernel."""

    direct: np.ndarray
    """``np.convolve(signal, kernel)`` (full length n + m − 1)."""
    via_fft: np.ndarray
    """``ifft(fft(signal) · fft(kernel))`` with both zero-padded to n + m − 1."""
    signal_spectrum: np.ndarray
    """|FFT| of the padded signal, shape ``(n_fft // 2 + 1,)``."""
    kernel_spectrum: np.ndarray
    product_spectrum: np.ndarray
    """|FFT(signal)| · |FFT(kernel)|."""
    output_spectrum: np.ndarray
    """|FFT| of the direct convolution: equals ``product_spectrum``."""
    frequencies: np.ndarray
    """Cycles per sample, 0 … 0.5."""

    @property
    def max_error(self) -> float:
        """Largest difference between the two sides, relative to the output's peak."""
        scale = max(float(np.abs(self.direct).max()), 1e-300)
        return float(np.abs(self.direct - self.via_fft).max() / scale)


def convolution_theorem(signal: np.ndarray, kernel: np.ndarray) -> ConvolutionCheck:
    """Check numerically that convolving in time multiplies the spectra.

    Both are zero-padded to ``n + m - 1`` samples so that the FFT's circular
    convolution equals the ordinary (linear) one.
    """
    signal = _check_signal(signal)
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 1 or kernel.size < 1:
        raise ParameterError(
            "kernel must be 1-D and not empty; got shape {kernel_shape}.", kernel_shape=kernel.shape
        )
    n_fft = signal.size + kernel.size - 1
    direct = np.convolve(signal, kernel)
    signal_f = np.fft.rfft(signal, n_fft)
    kernel_f = np.fft.rfft(kernel, n_fft)
    via_fft = np.fft.irfft(signal_f * kernel_f, n_fft)
    return ConvolutionCheck(
        direct=direct,
        via_fft=via_fft,
        signal_spectrum=np.abs(signal_f),
        kernel_spectrum=np.abs(kernel_f),
        product_spectrum=np.abs(signal_f) * np.abs(kernel_f),
        output_spectrum=np.abs(np.fft.rfft(direct, n_fft)),
        frequencies=np.fft.rfftfreq(n_fft),
    )


# --------------------------------------------------------------------------- spectra


def power_spectrum(signal: np.ndarray, *, sr: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """One-sided FFT power |X(f)|² / n of a (mean-removed) signal.

    Returns
    -------
    frequencies : np.ndarray
        Shape ``(n // 2 + 1,)``, in Hz when ``sr`` is in Hz (cycles per sample for ``sr=1``).
    power : np.ndarray
        Same shape.
    """
    signal = _check_signal(signal)
    sr = check_rate(sr)
    spectrum = np.fft.rfft(signal - signal.mean())
    return np.fft.rfftfreq(signal.size, d=1.0 / sr), np.abs(spectrum) ** 2 / signal.size


def dominant_period(signal: np.ndarray, *, sr: float = 1.0) -> float:
    """The period (in samples for ``sr=1``, else seconds) of the strongest spectral peak.

    The peak bin is refined by fitting a parabola to the log power of it and its
    neighbours, so periods between FFT bins are found too.
    """
    frequencies, power = power_spectrum(signal, sr=sr)
    peak = int(power[1:].argmax()) + 1
    offset = 0.0
    if 1 <= peak < power.size - 1:
        a, b, c = np.log(power[peak - 1 : peak + 2] + 1e-300)
        denominator = a - 2 * b + c
        offset = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
    step = frequencies[1] - frequencies[0]
    return float(1.0 / (frequencies[peak] + offset * step))


# --------------------------------------------------------------------------- FIR


def fir_lowpass(
    cutoff: float, *, sr: float = DEFAULT_SR, n_taps: int = 101, window: str = "hamming"
) -> np.ndarray:
    """Windowed-sinc FIR low-pass taps (``scipy.signal.firwin``), unit gain at 0 Hz.

    Parameters
    ----------
    cutoff : float
        Cut-off (−6 dB) frequency in Hz, between 0 and sr/2.
    n_taps : int, default 101
        Filter length; longer means a sharper edge. Odd keeps it a type I filter.

    Returns
    -------
    np.ndarray
        Shape ``(n_taps,)``.
    """
    sr = check_rate(sr)
    if not 0 < cutoff < sr / 2:
        raise ParameterError(
            "cutoff must be between 0 and sr/2 = {nyquist:g} Hz; got {cutoff!r}. "
            "Pick a frequency inside the signal's band.",
            nyquist=sr / 2,
            cutoff=cutoff,
        )
    if not 3 <= n_taps <= 4097:
        raise ParameterError("n_taps must be between 3 and 4097; got {n_taps!r}.", n_taps=n_taps)
    try:
        return scipy.signal.firwin(int(n_taps), cutoff, window=window, fs=sr)
    except ValueError as exc:
        raise ParameterError(
            "window {window!r} is not a window scipy knows: {error}", window=window, error=exc
        ) from exc


def apply_fir(audio: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Filter with FIR taps; the output is delayed by ``(len(taps) - 1) / 2`` samples."""
    audio = _check_signal(audio, name="audio")
    taps = np.asarray(taps, dtype=np.float64)
    if taps.ndim != 1 or taps.size < 1:
        raise ParameterError(
            "taps must be 1-D and not empty; got shape {taps_shape}.", taps_shape=taps.shape
        )
    return scipy.signal.lfilter(taps, 1.0, audio).astype(np.float32)


def frequency_response(
    taps: np.ndarray, *, sr: float = DEFAULT_SR, n_points: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Gain of FIR taps in dB at ``n_points`` frequencies from 0 to sr/2.

    Returns
    -------
    frequencies : np.ndarray
        Shape ``(n_points,)``, Hz.
    gain_db : np.ndarray
        Shape ``(n_points,)``, 20·log10|H(f)| (floored at −200 dB).
    """
    sr = check_rate(sr)
    frequencies, response = scipy.signal.freqz(taps, worN=n_points, fs=sr)
    return frequencies, 20 * np.log10(np.maximum(np.abs(response), 1e-10))


TRANSITION_FACTORS = {"boxcar": 0.9, "hann": 3.1, "hamming": 3.3, "blackman": 5.5}
"""Transition width × taps / sr of a windowed-sinc low-pass, per window (textbook values)."""

SHARP_OCTAVES = 1.0
"""A low-pass counts as sharp when it falls by 20 dB within this many octaves above its cut-off."""


def _transition_factor(window: str) -> float:
    return TRANSITION_FACTORS[check_choice("window", window, sorted(TRANSITION_FACTORS))]


def transition_width(n_taps: int, *, sr: float = DEFAULT_SR, window: str = "hamming") -> float:
    """Estimated width in Hz of a windowed-sinc FIR's transition band, about ``k·sr/n_taps``.

    ``k`` is 3.3 for Hamming (see :data:`TRANSITION_FACTORS`): the band over which the
    gain falls from the pass band to the window's stop-band floor.
    """
    sr = check_rate(sr)
    if not n_taps >= 1:
        raise ParameterError("n_taps must be at least 1; got {n_taps!r}.", n_taps=n_taps)
    return _transition_factor(window) * sr / n_taps


def gain_crossing(frequencies: np.ndarray, gain_db: np.ndarray, level_db: float) -> float | None:
    """The first frequency where a response falls to ``level_db`` (interpolated), else None.

    Parameters
    ----------
    frequencies, gain_db : np.ndarray
        Shape ``(n,)``, increasing frequencies and the gain there (as from
        :func:`frequency_response`).
    """
    frequencies = np.asarray(frequencies, dtype=float)
    gain_db = np.asarray(gain_db, dtype=float)
    if frequencies.shape != gain_db.shape or frequencies.ndim != 1:
        raise ParameterError(
            "frequencies and gain_db must be 1-D of one length; got {frequencies_shape} "
            "and {gain_db_shape}.",
            frequencies_shape=frequencies.shape,
            gain_db_shape=gain_db.shape,
        )
    below = np.flatnonzero(gain_db <= level_db)
    if below.size == 0:
        return None
    i = int(below[0])
    if i == 0:
        return float(frequencies[0])
    f0, f1, g0, g1 = frequencies[i - 1], frequencies[i], gain_db[i - 1], gain_db[i]
    return float(f0 + (level_db - g0) / (g1 - g0) * (f1 - f0))


@dataclass(frozen=True)
class LowpassEdge:
    """Where a low-pass was asked to cut and where its response really falls."""

    cutoff: float
    """The cut-off asked for (firwin's −6 dB point), Hz."""
    n_taps: int
    half_power: float | None
    """Measured −3 dB frequency, Hz (None if the gain never falls that far)."""
    stop: float | None
    """Measured −20 dB frequency, Hz (None if the gain never falls that far below sr/2)."""
    transition: float
    """Estimated transition width ``k·sr/n_taps``, Hz."""
    taps_needed: int | None
    """The fewest odd taps that make this cut-off :attr:`sharp` (None: not even 4097)."""

    @property
    def sharp(self) -> bool:
        """Whether the gain is 20 dB down within :data:`SHARP_OCTAVES` above the cut-off."""
        return self.stop is not None and self.stop <= self.cutoff * 2.0**SHARP_OCTAVES


def lowpass_edge(
    taps: np.ndarray,
    cutoff: float,
    *,
    sr: float = DEFAULT_SR,
    window: str = "hamming",
    n_points: int = 8192,
) -> LowpassEdge:
    """Measure a low-pass's −3 dB and −20 dB points and compare them with its cut-off.

    A windowed sinc cannot fall faster than its window allows: with few taps and a low
    cut-off the transition band (about 3.3·sr/taps for Hamming) is wider than the cut-off
    itself, and the filter keeps frequencies far above it.

    Parameters
    ----------
    taps : np.ndarray
        Shape ``(n_taps,)``, as from :func:`fir_lowpass`.
    cutoff : float
        The cut-off the taps were designed for, Hz.
    n_points : int, default 8192
        Frequencies from 0 to sr/2 at which the response is measured.
    """
    taps = np.asarray(taps, dtype=np.float64)
    if taps.ndim != 1 or taps.size < 1:
        raise ParameterError(
            "taps must be 1-D and not empty; got shape {taps_shape}.", taps_shape=taps.shape
        )
    sr = check_rate(sr)
    if not 0 < cutoff < sr / 2:
        raise ParameterError(
            "cutoff must be between 0 and sr/2 = {nyquist:g} Hz; got {cutoff!r}.",
            nyquist=sr / 2,
            cutoff=cutoff,
        )
    half_power, stop = _edges(taps, sr=sr, n_points=n_points)
    return LowpassEdge(
        cutoff=float(cutoff),
        n_taps=int(taps.size),
        half_power=half_power,
        stop=stop,
        transition=transition_width(taps.size, sr=sr, window=window),
        taps_needed=sharp_taps(cutoff, sr=sr, window=window, n_points=n_points),
    )


def _edges(taps: np.ndarray, *, sr: float, n_points: int) -> tuple[float | None, float | None]:
    """The −3 dB and −20 dB frequencies of a low-pass, relative to its gain at 0 Hz."""
    frequencies, gain_db = frequency_response(taps, sr=sr, n_points=n_points)
    gain_db = gain_db - gain_db[0]
    return gain_crossing(frequencies, gain_db, -3.0), gain_crossing(frequencies, gain_db, -20.0)


def sharp_taps(
    cutoff: float,
    *,
    sr: float = DEFAULT_SR,
    window: str = "hamming",
    n_points: int = 8192,
    max_taps: int = 4097,
) -> int | None:
    """The fewest odd taps of :func:`fir_lowpass` that fall by 20 dB within an octave of ``cutoff``.

    Measured, not estimated: a bisection over odd lengths, each designed and its response
    checked (the edge sharpens steadily with length). None when ``max_taps`` is not enough.
    """
    sr = check_rate(sr)
    _transition_factor(window)

    def sharp(n_taps: int) -> bool:
        _, stop = _edges(
            fir_lowpass(cutoff, sr=sr, n_taps=n_taps, window=window), sr=sr, n_points=n_points
        )
        return stop is not None and stop <= cutoff * 2.0**SHARP_OCTAVES

    lo, hi = 1, (max_taps - 1) // 2  # odd lengths 2k + 1
    if not sharp(2 * hi + 1):
        return None
    if sharp(2 * lo + 1):
        return 2 * lo + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if sharp(2 * mid + 1) else (mid, hi)
    return 2 * hi + 1


def band_power(signal: np.ndarray, *, sr: float, low: float, high: float) -> float:
    """Total FFT power between ``low`` and ``high`` Hz (a share of the signal's energy)."""
    frequencies, power = power_spectrum(signal, sr=sr)
    band = (frequencies >= low) & (frequencies < high)
    return float(power[band].sum())
