"""Synthesis of test signals: sines, tone/silence sequences and notes.

y(t) = A·sin(2πft + φ), sampled at ``sr``; everything random takes a seed.
"""

from __future__ import annotations

import numpy as np

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError

NATURAL_NOTES = {
    "C": 261.63,
    "D": 293.66,
    "E": 329.63,
    "F": 349.23,
    "G": 392.00,
    "A": 440.00,
    "B": 493.88,
}
"""The seven natural notes from middle C (C4…B4), in Hz, as in the tutorial."""

TUTORIAL_FREQUENCIES = tuple(range(500, 5001, 500))
"""The tutorial's tone/silence sequence: 500, 1000, … 5000 Hz."""


def _check_positive(name: str, value: float) -> None:
    if not np.isfinite(value) or value <= 0:
        raise ParameterError(f"{name} must be a positive number; got {value!r}.")


def sine(
    frequency: float,
    *,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    amplitude: float = 1.0,
    phase: float = 0.0,
) -> np.ndarray:
    """A sine tone A·sin(2πft + φ).

    Parameters
    ----------
    frequency : float
        Frequency f in Hz; must be below the Nyquist frequency sr/2.
    duration : float, default 1.0
        Length in seconds.
    sr : int, default 22050
        Sample rate in Hz.
    amplitude : float, default 1.0
        Peak amplitude A, between 0 and 1.
    phase : float, default 0.0
        Phase φ in radians.

    Returns
    -------
    np.ndarray
        Shape ``(round(duration * sr),)``, float32.
    """
    _check_positive("sr", sr)
    _check_positive("duration", duration)
    _check_positive("frequency", frequency)
    if frequency >= sr / 2:
        raise ParameterError(
            f"frequency must be below half the sample rate ({sr / 2:g} Hz); got {frequency:g} Hz."
        )
    if not 0 <= amplitude <= 1:
        raise ParameterError(f"amplitude must be between 0 and 1; got {amplitude!r}.")
    t = np.arange(round(duration * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * frequency * t + phase)).astype(np.float32)


def tone_silence_sequence(
    frequencies: tuple[float, ...] = TUTORIAL_FREQUENCIES,
    *,
    tone_seconds: float = 1.0,
    silence_seconds: float = 1.0,
    sr: int = DEFAULT_SR,
    amplitude: float = 1.0,
) -> np.ndarray:
    """Tone/silence pairs: each frequency for ``tone_seconds``, then silence.

    Returns
    -------
    np.ndarray
        Shape ``(len(frequencies) * round((tone_seconds + silence_seconds) * sr),)``.
    """
    if len(frequencies) == 0:
        raise ParameterError("frequencies must name at least one frequency; got none.")
    gap = np.zeros(round(silence_seconds * sr), dtype=np.float32)
    parts = []
    for frequency in frequencies:
        parts += [sine(frequency, duration=tone_seconds, sr=sr, amplitude=amplitude), gap]
    return np.concatenate(parts)


def append_silence(audio: np.ndarray, *, seconds: float = 1.0, sr: int = DEFAULT_SR) -> np.ndarray:
    """``audio`` followed by ``seconds`` of zeros (float32)."""
    if seconds < 0:
        raise ParameterError(f"seconds of silence must not be negative; got {seconds!r}.")
    gap = np.zeros(round(seconds * sr), dtype=np.float32)
    return np.concatenate([np.asarray(audio, dtype=np.float32), gap])
