"""Key: the Krumhansl-Kessler profiles against a piece's mean chroma."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicml.errors import ParameterError
from musicml.pitch import PITCH_CLASSES

# Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
KEY_NAMES = tuple(f"{p} major" for p in PITCH_CLASSES) + tuple(f"{p} minor" for p in PITCH_CLASSES)
"""The 24 keys in the order of :attr:`Key.correlations`."""


@dataclass(frozen=True, eq=False)
class Key:
    """A key estimate: tonic and mode with the correlation of all 24 keys."""

    tonic: str
    mode: str
    correlations: np.ndarray
    """Shape ``(24,)``: Pearson correlation of the mean chroma with each key's
    profile, in the order of :data:`KEY_NAMES`."""

    @property
    def name(self) -> str:
        return f"{self.tonic} {self.mode}"

    @property
    def confidence(self) -> float:
        """Correlation of the chosen key (between -1 and 1)."""
        return float(self.correlations.max())


def key_profiles() -> np.ndarray:
    """The 24 rotated Krumhansl–Kessler key profiles, shape ``(24, 12)``."""
    shifts = np.arange(12)
    index = (np.arange(12)[None, :] - shifts[:, None]) % 12
    return np.concatenate([MAJOR_PROFILE[index], MINOR_PROFILE[index]])


def estimate_key(chroma: np.ndarray) -> Key | None:
    """The key whose Krumhansl–Schmuckler profile best matches the mean chroma.

    Parameters
    ----------
    chroma : np.ndarray
        Shape ``(12, n_frames)`` (C first) or ``(12,)``.

    Returns
    -------
    Key or None
        ``None`` when there is no pitched energy (silence).
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.shape[0] != 12:
        raise ParameterError(
            "chroma must have 12 rows (C … B); got shape {chroma_shape}.", chroma_shape=chroma.shape
        )
    mean = chroma.reshape(12, -1).mean(axis=1)
    if not np.isfinite(mean).all() or np.ptp(mean) <= 1e-12:
        return None
    profiles = key_profiles()
    z = (mean - mean.mean()) / mean.std()
    zp = (profiles - profiles.mean(axis=1, keepdims=True)) / profiles.std(axis=1, keepdims=True)
    correlations = zp @ z / 12.0
    best = int(correlations.argmax())
    return Key(PITCH_CLASSES[best % 12], "major" if best < 12 else "minor", correlations)


def strongest_pitch_class(chroma: np.ndarray) -> str:
    """Name of the pitch class with the most energy over the whole chroma."""
    chroma = np.asarray(chroma)
    if chroma.shape[0] != 12:
        raise ParameterError(
            "chroma must have 12 rows (C … B); got shape {chroma_shape}.", chroma_shape=chroma.shape
        )
    return PITCH_CLASSES[int(chroma.reshape(12, -1).sum(axis=1).argmax())]
