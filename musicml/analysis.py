"""Music analysis: onsets, beats and more."""

from __future__ import annotations

import librosa
import numpy as np

from musicml.audio import DEFAULT_SR


def onset_times(audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = 512) -> np.ndarray:
    """Times in seconds of detected note onsets (librosa's spectral-flux detector).

    Returns
    -------
    np.ndarray
        Shape ``(n_onsets,)``, ascending.
    """
    return librosa.onset.onset_detect(
        y=np.asarray(audio, dtype=np.float32), sr=sr, hop_length=hop_length, units="time"
    )
