"""The :class:`Dataset`: audio clips with one label each, and the settings that made them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicml.errors import ParameterError


@dataclass(eq=False)
class Dataset:
    """Audio clips with one label each.

    Attributes
    ----------
    clips : list of np.ndarray
        One 1-D float32 waveform per clip; lengths may differ. A 2-D array
        ``(n_clips, n_samples)`` is accepted and split into rows.
    labels : np.ndarray
        Shape ``(n_clips,)``, str.
    sr : int
        Sample rate of every clip.
    settings : dict
        The parameters that made the data set (JSON-serialisable).
    names : list of str
        A file name per clip.
    notes : list of str
        Remarks about how it was made (files skipped while loading, resampling…).
    """

    clips: list[np.ndarray]
    labels: np.ndarray
    sr: int
    settings: dict = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.clips, np.ndarray) and self.clips.ndim == 2:
            clips = list(self.clips.astype(np.float32, copy=False))
        else:
            clips = [np.asarray(c, dtype=np.float32) for c in self.clips]
        for i, clip in enumerate(clips):
            if clip.ndim != 1:
                raise ParameterError(
                    "each clip must be a 1-D waveform; clip {i} has shape {clip_shape}.",
                    i=i,
                    clip_shape=clip.shape,
                )
        self.clips = clips
        self.labels = np.asarray(self.labels).astype(str).reshape(-1)
        if len(self.clips) != len(self.labels):
            raise ParameterError(
                "clips and labels must have the same length; got {n_clips} and {n_labels}.",
                n_clips=len(self.clips),
                n_labels=len(self.labels),
            )
        if not self.names:
            self.names = [f"{label}_{i:04d}.wav" for i, label in enumerate(self.labels)]
        self.names = [str(n) for n in self.names]
        if len(self.names) != len(self.labels):
            raise ParameterError(
                "names must give one name per clip; got {n_names} names for {n_labels} clips.",
                n_names=len(self.names),
                n_labels=len(self.labels),
            )

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def classes(self) -> list[str]:
        """Sorted class names."""
        return sorted(set(self.labels.tolist()))

    @property
    def counts(self) -> dict[str, int]:
        """Number of clips per class, in class order."""
        values, counts = np.unique(self.labels, return_counts=True)
        return {str(v): int(c) for v, c in zip(values, counts, strict=True)}

    @property
    def durations(self) -> np.ndarray:
        """Length of each clip in seconds, shape ``(n_clips,)``."""
        return np.array([len(c) / self.sr for c in self.clips])

    @property
    def equal_length(self) -> bool:
        """Whether every clip has the same number of samples."""
        return len({len(c) for c in self.clips}) <= 1

    def as_array(self) -> np.ndarray:
        """The clips as one ``(n_clips, n_samples)`` array (equal lengths only)."""
        if not self.equal_length:
            raise ParameterError(
                "the clips have different lengths, so they do not fit one array; "
                "use the list in .clips (FeatureExtractor accepts it)."
            )
        return np.stack(self.clips) if self.clips else np.zeros((0, 0), np.float32)

    def subset(self, indices) -> Dataset:
        """A new data set with the clips at ``indices`` (same settings)."""
        indices = np.asarray(indices, dtype=int).reshape(-1)
        return Dataset(
            clips=[self.clips[i] for i in indices],
            labels=self.labels[indices],
            sr=self.sr,
            settings=dict(self.settings),
            names=[self.names[i] for i in indices],
            notes=list(self.notes),
        )

    def examples(self, per_class: int = 3) -> dict[str, list[int]]:
        """Indices of the first ``per_class`` clips of each class (for previews)."""
        return {
            label: np.flatnonzero(self.labels == label)[:per_class].tolist()
            for label in self.classes
        }
