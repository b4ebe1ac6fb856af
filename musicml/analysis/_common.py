"""What the analysis modules share: frame sizes and the checks of audio and rate."""

from __future__ import annotations

import numpy as np

from musicml.errors import ParameterError

N_FFT = 2048
HOP_LENGTH = 512


def _check_audio(audio: np.ndarray, *, name: str = "audio", min_samples: int = 1) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise ParameterError(
            "{name} must be a mono waveform of shape (n_samples,); got shape {audio_shape}. "
            "Load it with musicml.audio.load_audio, which mixes to mono.",
            name=name,
            audio_shape=audio.shape,
        )
    if audio.size < min_samples:
        raise ParameterError(
            "{name} is too short: need at least {min_samples} samples, got {audio_size}. "
            "Use a longer recording.",
            name=name,
            min_samples=min_samples,
            audio_size=audio.size,
        )
    if not np.all(np.isfinite(audio)):
        raise ParameterError(
            "{name} contains NaN or infinite samples; clean the signal first.", name=name
        )
    return audio


def _localmax(x: np.ndarray) -> np.ndarray:
    """librosa.util.localmax for 1-D input (the first frame is never a maximum)."""
    peak = np.zeros(x.shape, dtype=bool)
    peak[1:-1] = (x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:])
    if x.size > 1:
        peak[-1] = x[-1] > x[-2]
    return peak
