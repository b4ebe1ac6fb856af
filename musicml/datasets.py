"""Labelled data sets of audio clips.

A :class:`Dataset` is clips + labels + the settings that made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.synth import TUTORIAL_FREQUENCIES, sine


@dataclass(eq=False)
class Dataset:
    """Audio clips with one label each.

    Attributes
    ----------
    clips : np.ndarray
        Shape ``(n_clips, n_samples)``, float32 (equal-length clips).
    labels : np.ndarray
        Shape ``(n_clips,)``, str.
    sr : int
        Sample rate of every clip.
    settings : dict
        The parameters that made the data set (JSON-serialisable).
    names : list of str
        A file name per clip.
    """

    clips: np.ndarray
    labels: np.ndarray
    sr: int
    settings: dict = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels).astype(str)
        if len(self.clips) != len(self.labels):
            raise ParameterError(
                f"clips and labels must have the same length; got {len(self.clips)} and "
                f"{len(self.labels)}."
            )
        if not self.names:
            self.names = [f"{label}_{i:04d}.wav" for i, label in enumerate(self.labels)]

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def classes(self) -> list[str]:
        """Sorted class names."""
        return sorted(set(self.labels.tolist()))


def sound_silence_dataset(
    *,
    per_class: int = 50,
    sr: int = DEFAULT_SR,
    clip_seconds: float = 1.0,
    frequencies: tuple[float, ...] = TUTORIAL_FREQUENCIES,
    seed: int = 0,
) -> Dataset:
    """The tutorial's data set: one-second clips labelled ``sound`` or ``silence``.

    Sound clips are sines at a frequency drawn from ``frequencies`` with a
    random amplitude and phase; silences are zeros.

    Returns
    -------
    Dataset
        ``2 * per_class`` clips, balanced, in a seeded random order.
    """
    if per_class < 1:
        raise ParameterError(f"per_class must be at least 1; got {per_class!r}.")
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    clips = np.zeros((2 * per_class, n), dtype=np.float32)
    labels = np.array(["sound"] * per_class + ["silence"] * per_class)
    for i in range(per_class):
        clips[i] = sine(
            float(rng.choice(frequencies)),
            duration=clip_seconds,
            sr=sr,
            amplitude=float(rng.uniform(0.1, 1.0)),
            phase=float(rng.uniform(0, 2 * np.pi)),
        )
    order = rng.permutation(len(labels))
    settings = {
        "kind": "sound-silence",
        "per_class": per_class,
        "sr": sr,
        "clip_seconds": clip_seconds,
        "frequencies": list(frequencies),
        "seed": seed,
    }
    return Dataset(clips=clips[order], labels=labels[order], sr=sr, settings=settings)
