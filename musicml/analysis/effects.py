"""Effects: harmonic/percussive separation, time stretch and pitch shift."""

from __future__ import annotations

import numpy as np

from musicml.analysis._common import N_FFT, _check_audio
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_sr


def harmonic_percussive(
    audio: np.ndarray, *, kernel_size: int = 31, margin: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Split into a harmonic part (horizontal lines) and a percussive part (vertical lines).

    Median filtering the spectrogram across time keeps sustained tones, across
    frequency keeps clicks and drums (Fitzgerald 2010).

    Returns
    -------
    harmonic, percussive : np.ndarray
        Each of ``audio``'s shape, float32; with ``margin=1`` they sum to ``audio``.
    """
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if kernel_size < 3:
        raise ParameterError(
            "kernel_size must be at least 3; got {kernel_size!r}.", kernel_size=kernel_size
        )
    if margin < 1:
        raise ParameterError("margin must be at least 1; got {margin!r}.", margin=margin)
    # librosa's HPSS returns NaN for fewer than four frames: pad a short sound to one window.
    padded = np.pad(audio, (0, max(0, N_FFT - audio.size)))
    harmonic, percussive = librosa.effects.hpss(padded, kernel_size=kernel_size, margin=margin)
    return harmonic[: audio.size].astype(np.float32), percussive[: audio.size].astype(np.float32)


def time_stretch(audio: np.ndarray, *, rate: float) -> np.ndarray:
    """Play faster (``rate > 1``) or slower without changing the pitch (phase vocoder).

    Returns
    -------
    np.ndarray
        About ``len(audio) / rate`` samples, float32.
    """
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if not 0.25 <= rate <= 4:
        raise ParameterError("rate must be between 0.25 and 4; got {rate!r}.", rate=rate)
    return librosa.effects.time_stretch(audio, rate=float(rate)).astype(np.float32)


def pitch_shift(audio: np.ndarray, *, sr: int = DEFAULT_SR, n_steps: float) -> np.ndarray:
    """Move every frequency by ``n_steps`` semitones (× 2^(n/12)), keeping the duration."""
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if not -24 <= n_steps <= 24:
        raise ParameterError(
            "n_steps must be between -24 and 24 semitones; got {n_steps!r}.", n_steps=n_steps
        )
    shifted = librosa.effects.pitch_shift(audio, sr=check_sr(sr), n_steps=float(n_steps))
    return shifted.astype(np.float32)
