"""Classifying long audio segment by segment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicml.audio import Clip
from musicml.errors import ParameterError


@dataclass(frozen=True)
class Segment:
    """One classified stretch of audio."""

    start_s: float
    end_s: float
    label: str
    confidence: float


def fixed_segments(n_samples: int, sr: int, *, seconds: float = 1.0) -> list[tuple[int, int]]:
    """Sample ranges of consecutive windows covering ``n_samples`` (the last may be short)."""
    if not seconds > 0:
        raise ParameterError(f"segment length must be positive; got {seconds!r} s.")
    step = max(1, round(seconds * sr))
    return [(start, min(start + step, n_samples)) for start in range(0, n_samples, step)]


def classify_segments(clip: Clip, pipeline, *, seconds: float = 1.0) -> list[Segment]:
    """Label each window of ``clip`` with ``pipeline`` (which predicts on equal-length clips).

    Short final windows are zero-padded to the window length, so every
    prediction sees the same amount of signal.
    """
    ranges = fixed_segments(len(clip.audio), clip.sr, seconds=seconds)
    width = ranges[0][1] - ranges[0][0]
    batch = np.zeros((len(ranges), width), dtype=np.float32)
    for row, (start, end) in enumerate(ranges):
        batch[row, : end - start] = clip.audio[start:end]
    probabilities = pipeline.predict_proba(batch)
    classes = [str(c) for c in pipeline.classes_]
    best = probabilities.argmax(axis=1)
    return [
        Segment(start / clip.sr, end / clip.sr, classes[k], float(probabilities[row, k]))
        for row, ((start, end), k) in enumerate(zip(ranges, best, strict=True))
    ]
