"""Gabor filters: a sinusoid under a Gaussian, in a bank over (σ, f), pooled into features.

A Gabor filter g(t) = exp(−t²/2σ²) · exp(2πift) responds to frequency f around
each moment, with σ setting how long a moment is. Filtering a clip with every
filter of a bank and pooling each response's magnitude envelope (mean, std,
max over time) gives a fixed-length feature vector whatever the clip's length:
the feature extractor named ``gabor``.

Feature length: ``len(sigmas) * len(frequencies) * len(pooling)``; with the
defaults 3 × 6 × 3 = :data:`GABOR_FEATURE_LENGTH` = 54, ordered pooling-major,
then σ, then f (see :func:`gabor_feature_names`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.fft

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_rate

GABOR_SIGMAS = (0.002, 0.005, 0.01)
"""Default Gaussian widths σ in seconds."""
GABOR_FREQUENCIES = (110.0, 220.0, 440.0, 880.0, 1760.0, 3520.0)
"""Default centre frequencies in Hz (the A of six octaves; below 4 kHz so 8 kHz audio works)."""
POOLING = ("mean", "std", "max")
"""Default pooling of each filter's response envelope over time."""
GABOR_FEATURE_LENGTH = len(GABOR_SIGMAS) * len(GABOR_FREQUENCIES) * len(POOLING)
"""Length of a feature vector with the default bank: 54."""
TRUNCATE = 4.0
"""Kernels are cut at ±4σ."""
_POOLS = {"mean": np.mean, "std": np.std, "max": np.max}
_CHUNK_ELEMENTS = 4_000_000  # complex values per FFT block (≈ 64 MB)


def _check_bank(sigmas, frequencies, sr) -> tuple[np.ndarray, np.ndarray]:
    check_rate(sr)
    sigmas = np.atleast_1d(np.asarray(sigmas, dtype=np.float64))
    frequencies = np.atleast_1d(np.asarray(frequencies, dtype=np.float64))
    if sigmas.size == 0 or np.any(~np.isfinite(sigmas)) or np.any(sigmas <= 0):
        raise ParameterError(
            "sigmas must be positive seconds; got {sigmas}.", sigmas=sigmas.tolist()
        )
    if np.any(sigmas * sr < 0.5) or np.any(sigmas > 1.0):
        raise ParameterError(
            "each sigma must be between half a sample ({half_sample:.2g} s) and 1 s; got {sigmas}.",
            half_sample=0.5 / sr,
            sigmas=sigmas.tolist(),
        )
    if frequencies.size == 0 or np.any(frequencies <= 0) or np.any(frequencies >= sr / 2):
        raise ParameterError(
            "frequencies must be between 0 and sr/2 = {nyquist:g} Hz; got {frequencies}. "
            "Use lower frequencies or a higher sample rate.",
            nyquist=sr / 2,
            frequencies=frequencies.tolist(),
        )
    return sigmas, frequencies


def gabor_kernel(sigma: float, frequency: float, *, sr: int = DEFAULT_SR) -> np.ndarray:
    """A complex Gabor filter exp(−t²/2σ²) · exp(2πift) at ``sr``, cut at ±4σ.

    Normalised so that a complex exponential at ``frequency`` passes with gain 1
    (a real sine of amplitude A gives a response envelope of about A/2).

    Parameters
    ----------
    sigma : float
        Gaussian width in seconds.
    frequency : float
        Centre frequency in Hz, below sr/2.

    Returns
    -------
    np.ndarray
        Shape ``(2 * ceil(4 * sigma * sr) + 1,)``, complex128.
    """
    (sigma,), (frequency,) = _check_bank([sigma], [frequency], sr)
    half = int(np.ceil(TRUNCATE * sigma * sr))
    t = np.arange(-half, half + 1) / sr
    envelope = np.exp(-0.5 * (t / sigma) ** 2)
    return envelope / envelope.sum() * np.exp(2j * np.pi * frequency * t)


@dataclass(frozen=True, eq=False)
class GaborBank:
    """Every (σ, f) pair of a grid as one stack of equally long kernels."""

    sr: int
    sigmas: np.ndarray
    frequencies: np.ndarray
    kernels: np.ndarray
    """Shape ``(len(sigmas) * len(frequencies), n_taps)``, σ-major, zero-padded to the longest."""

    @property
    def labels(self) -> list[str]:
        return [f"σ={s * 1000:g} ms, f={f:g} Hz" for s in self.sigmas for f in self.frequencies]


def gabor_bank(
    *,
    sigmas: Sequence[float] = GABOR_SIGMAS,
    frequencies: Sequence[float] = GABOR_FREQUENCIES,
    sr: int = DEFAULT_SR,
) -> GaborBank:
    """Build the Gabor filters of a (σ, f) grid."""
    sigmas, frequencies = _check_bank(sigmas, frequencies, sr)
    half = int(np.ceil(TRUNCATE * sigmas.max() * sr))
    t = np.arange(-half, half + 1) / sr
    envelopes = np.exp(-0.5 * (t[None, :] / sigmas[:, None]) ** 2)
    envelopes[np.abs(t)[None, :] > TRUNCATE * sigmas[:, None] + 0.5 / sr] = 0.0
    envelopes /= envelopes.sum(axis=1, keepdims=True)
    carriers = np.exp(2j * np.pi * frequencies[:, None] * t[None, :])
    kernels = (envelopes[:, None, :] * carriers[None, :, :]).reshape(-1, t.size)
    return GaborBank(sr=int(sr), sigmas=sigmas, frequencies=frequencies, kernels=kernels)


def gabor_responses(batch: np.ndarray, bank: GaborBank) -> np.ndarray:
    """Magnitude envelopes |x ∗ g| of every clip under every filter (same length as x).

    Parameters
    ----------
    batch : np.ndarray
        Shape ``(n_samples,)`` or ``(n_clips, n_samples)``.

    Returns
    -------
    np.ndarray
        Shape ``(n_filters, n_samples)`` or ``(n_clips, n_filters, n_samples)``, float32.
    """
    batch = np.asarray(batch, dtype=np.float32)
    single = batch.ndim == 1
    clips = np.atleast_2d(batch)
    if clips.ndim != 2 or clips.shape[1] < 1:
        raise ParameterError(
            "batch must have shape (n_clips, n_samples); got shape {shape}.", shape=np.shape(batch)
        )
    n_clips, n_samples = clips.shape
    n_filters, n_taps = bank.kernels.shape
    # Single precision and a 2-3-5-smooth FFT length: 4x faster than float64 and powers of 2.
    n_fft = scipy.fft.next_fast_len(n_samples + n_taps - 1)
    kernel_f = scipy.fft.fft(bank.kernels.astype(np.complex64), n_fft)  # (n_filters, n_fft)
    start = (n_taps - 1) // 2
    out = np.empty((n_clips, n_filters, n_samples), dtype=np.float32)
    per_chunk = max(1, _CHUNK_ELEMENTS // (n_filters * n_fft))
    for first in range(0, n_clips, per_chunk):
        clip_f = scipy.fft.fft(clips[first : first + per_chunk], n_fft)  # complex64
        full = scipy.fft.ifft(clip_f[:, None, :] * kernel_f[None, :, :], axis=-1)
        out[first : first + per_chunk] = np.abs(full[..., start : start + n_samples])
    return out[0] if single else out


def gabor_feature_names(
    *,
    sigmas: Sequence[float] = GABOR_SIGMAS,
    frequencies: Sequence[float] = GABOR_FREQUENCIES,
    pooling: Sequence[str] = POOLING,
) -> list[str]:
    """Names of the features, in the order of :func:`gabor_feature_vectors`' columns."""
    return [
        f"{pool} σ={s * 1000:g} ms f={f:g} Hz"
        for pool in pooling
        for s in sigmas
        for f in frequencies
    ]


def gabor_feature_length(
    *,
    sigmas: Sequence[float] = GABOR_SIGMAS,
    frequencies: Sequence[float] = GABOR_FREQUENCIES,
    pooling: Sequence[str] = POOLING,
) -> int:
    """``len(sigmas) * len(frequencies) * len(pooling)`` (54 with the defaults)."""
    return len(sigmas) * len(frequencies) * len(pooling)


def gabor_feature_vectors(
    batch: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    sigmas: Sequence[float] = GABOR_SIGMAS,
    frequencies: Sequence[float] = GABOR_FREQUENCIES,
    pooling: Sequence[str] = POOLING,
) -> np.ndarray:
    """Pooled Gabor-bank responses of each clip: the ``gabor`` feature extractor.

    Parameters
    ----------
    batch : np.ndarray
        Shape ``(n_clips, n_samples)`` (a single ``(n_samples,)`` clip is treated as one row).
    sr : int, default 22050
        Sample rate of the clips.
    sigmas, frequencies : sequences of float
        The (σ in seconds, f in Hz) grid; frequencies must be below sr/2.
    pooling : sequence of {"mean", "std", "max"}
        Statistics of each response envelope over time.

    Returns
    -------
    np.ndarray
        Shape ``(n_clips, len(pooling) * len(sigmas) * len(frequencies))``, float32
        (54 columns with the defaults; order as :func:`gabor_feature_names`).
    """
    batch = np.asarray(batch, dtype=np.float32)
    if batch.ndim == 1:
        batch = batch[None, :]
    if batch.ndim != 2 or batch.shape[1] < 2:
        raise ParameterError(
            "batch must have shape (n_clips, n_samples) with at least 2 samples; "
            "got shape {batch_shape}.",
            batch_shape=batch.shape,
        )
    if not np.all(np.isfinite(batch)):
        raise ParameterError("batch contains NaN or infinite samples.")
    unknown = [p for p in pooling if p not in _POOLS]
    if unknown or len(pooling) == 0:
        raise ParameterError(
            "pooling must be a non-empty choice of {choices}; got {pooling}.",
            choices=list(_POOLS),
            pooling=list(pooling),
        )
    bank = gabor_bank(sigmas=sigmas, frequencies=frequencies, sr=sr)
    responses = gabor_responses(batch, bank)  # (n_clips, n_filters, n_samples)
    pooled = [_POOLS[p](responses, axis=-1) for p in pooling]
    return np.concatenate(pooled, axis=1).astype(np.float32)
