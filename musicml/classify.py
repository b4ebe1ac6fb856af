"""Classifying long audio segment by segment, and summarising a whole song.

A song is cut into fixed windows (1 s by default) or note by note; each
segment gets a label and a confidence from a trained model; the summary gives
the share of time per label and, for song-level models, the averaged class
probabilities. Note by note (``segment="onsets"``), a model with a
``silence`` class goes through the note tracker
(:func:`musicml.transcription.transcribe`): notes with their pitch, and the
rests between them as ``silence``. Other models are cut at detected onsets,
slurred note changes and the ends of notes.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass

import numpy as np

from musicml.analysis import note_change_times, onset_times
from musicml.audio import Clip, resample
from musicml.errors import ParameterError
from musicml.models import TrainedModel, as_trained_model, class_probabilities
from musicml.pitch import midi_to_frequency, octave4_frequencies
from musicml.synth import Timbre, tone
from musicml.validation import MAX_AUDIO_SECONDS, check_float

MIN_SEGMENT_SECONDS = 0.1
"""Segments shorter than this are merged into their neighbour."""


@dataclass(frozen=True)
class Segment:
    """One classified stretch of audio."""

    start_s: float
    end_s: float
    label: str
    confidence: float
    midi: int | None = None
    """The note's MIDI number when the note tracker found one (60 = C4)."""


@dataclass(eq=False)
class Classification:
    """Per-segment labels of one clip and the whole-song summary.

    Attributes
    ----------
    segments : list of Segment
        Consecutive, covering the whole clip.
    classes : list of str
        The model's classes (column order of ``probabilities``).
    probabilities : np.ndarray
        Shape ``(n_segments, n_classes)``.
    duration_s : float
    model_name : str
    """

    segments: list[Segment]
    classes: list[str]
    probabilities: np.ndarray
    duration_s: float
    model_name: str = "model"

    @property
    def distribution(self) -> dict[str, float]:
        """Share of the clip's duration given to each class (sums to 1)."""
        lengths = np.array([s.end_s - s.start_s for s in self.segments])
        total = max(float(lengths.sum()), 1e-12)
        shares = dict.fromkeys(self.classes, 0.0)
        for segment, length in zip(self.segments, lengths, strict=True):
            shares[segment.label] += float(length) / total
        return {label: round(share, 6) for label, share in shares.items()}

    @property
    def song_probabilities(self) -> dict[str, float]:
        """Duration-weighted mean class probabilities over all segments."""
        lengths = np.array([s.end_s - s.start_s for s in self.segments])
        mean = (self.probabilities * lengths[:, None]).sum(axis=0) / max(lengths.sum(), 1e-12)
        return {c: round(float(p), 6) for c, p in zip(self.classes, mean, strict=True)}

    @property
    def label(self) -> str:
        """The label covering most of the clip (ties: the higher mean probability).

        For a notes model it is the note heard longest: silence is the summary
        only when no note sounds at all. A recording of one note is mostly the
        room after the note has died away, yet it is a recording of that note.
        """
        shares = self.distribution
        probabilities = self.song_probabilities
        candidates = self.classes
        if is_note_model(self.classes):
            candidates = [c for c in self.classes if c != "silence" and shares[c] > 0] or candidates
        return max(candidates, key=lambda c: (shares[c], probabilities[c]))

    def summary(self) -> dict:
        """``{"label", "distribution"}`` as the command line prints it."""
        return {"label": self.label, "distribution": self.distribution}

    def rows(self) -> list[dict]:
        """One dict per segment (``start_s``, ``end_s``, ``label``, ``confidence``)."""
        return [
            {
                "start_s": round(s.start_s, 6),
                "end_s": round(s.end_s, 6),
                "label": s.label,
                "confidence": round(s.confidence, 6),
            }
            for s in self.segments
        ]


def window_seconds(clip_seconds: float) -> float:
    """The window that suits a model trained on ``clip_seconds`` clips: to 0.25 s, 0.25–10 s.

    The Classify page's default window length (its slider's range and step).
    """
    return float(min(10.0, max(0.25, round(clip_seconds * 4) / 4)))


def fixed_segments(n_samples: int, sr: int, *, seconds: float = 1.0) -> list[tuple[int, int]]:
    """Sample ranges of consecutive windows covering ``n_samples``.

    A final piece shorter than half a window is merged into the window before
    it, so no segment is too short to classify.
    """
    if not (np.isfinite(seconds) and seconds > 0):
        raise ParameterError(
            "segment length must be a positive number of seconds; got {seconds!r}.", seconds=seconds
        )
    if n_samples < 1:
        raise ParameterError(
            "the audio must hold at least one sample; got {n_samples}.", n_samples=n_samples
        )
    step = max(1, round(seconds * sr))
    starts = list(range(0, n_samples, step))
    if len(starts) > 1 and n_samples - starts[-1] < step / 2:
        starts.pop()
    ends = [*starts[1:], n_samples]
    return list(zip(starts, ends, strict=True))


def onset_segments(
    audio: np.ndarray, sr: int, *, min_seconds: float = MIN_SEGMENT_SECONDS
) -> list[tuple[int, int]]:
    """Sample ranges note by note, covering the whole audio.

    Boundaries are detected onsets, backtracked to the quiet moment before
    each attack so no segment ends with the start of the next note, plus
    note changes without an attack (a slur) and the moments a note fades into
    silence (:func:`musicml.analysis.note_change_times`). Onsets come first:
    a note change closer than ``min_seconds`` to an onset is dropped, and so
    is any boundary closer than that to the previous one. The stretch before
    the first boundary is its own segment (often silence).
    """
    n = len(audio)
    if n < 1:
        raise ParameterError("the audio must hold at least one sample; got none.")
    gap = min_seconds * sr

    def samples(times) -> np.ndarray:
        return np.round(np.asarray(times, dtype=float) * sr).astype(np.int64)

    onsets = samples(onset_times(audio, sr=sr, backtrack=True))
    changes = samples(note_change_times(audio, sr=sr))
    if onsets.size:
        distance = np.min(np.abs(changes[:, None] - onsets[None, :]), axis=1)
        changes = changes[distance >= gap]
    bounds = [0]
    for at in np.union1d(onsets, changes):
        if at - bounds[-1] >= gap and n - at >= gap:
            bounds.append(int(at))
    bounds.append(n)
    return list(itertools.pairwise(bounds))


def segment_probabilities(model: TrainedModel, audio: np.ndarray, ranges) -> np.ndarray:
    """Class probabilities of each sample range of ``audio``, shape ``(n, n_classes)``.

    Ranges of equal length are batched into one 2-D array each (one feature
    call for all the one-second windows of a song).
    """
    lengths = np.array([end - start for start, end in ranges])
    out = np.zeros((len(ranges), len(model.classes)))
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        starts = np.array([ranges[r][0] for r in rows])
        batch = audio[starts[:, None] + np.arange(length)[None, :]]
        out[rows] = class_probabilities(model.pipeline, batch)
    return out


def classify_clip(
    clip: Clip,
    model,
    *,
    segment: float | str | None = None,
) -> Classification:
    """Label every segment of ``clip`` and summarise the whole of it.

    Parameters
    ----------
    clip : Clip
        Any sample rate; it is resampled to the model's.
    model : TrainedModel or fitted Pipeline
    segment : float, "onsets" or None, default None
        Window length in seconds (at least :data:`MIN_SEGMENT_SECONDS`),
        ``"onsets"`` to go note by note (through the note tracker for a model
        with a ``silence`` class: rests come out as ``silence``, notes carry
        their MIDI number), or ``None`` for the length
        of the model's training clips (1 s for the built-in models; never
        shorter than :data:`MIN_SEGMENT_SECONDS`).

    Returns
    -------
    Classification
    """
    model = as_trained_model(model)
    sr = model.sr or clip.sr
    audio = clip.audio if clip.sr == sr else resample(clip.audio, clip.sr, sr)
    audio = np.asarray(audio, dtype=np.float32)
    if segment is None:
        # A model trained on tiny clips (drum hits) must not cut a song into
        # millions of windows: no window is shorter than a label can mean.
        segment = max(model.clip_seconds or 1.0, MIN_SEGMENT_SECONDS)
    if isinstance(segment, str):
        if segment != "onsets":
            raise ParameterError(
                "segment must be a number of seconds or 'onsets'; got {segment!r}.", segment=segment
            )
        if "silence" in model.classes:
            from musicml.transcription import transcribe

            return from_transcription(transcribe(Clip(audio, sr, clip.name), model), model)
        ranges = onset_segments(audio, sr)
    else:
        if isinstance(segment, bool) or not float(segment) >= MIN_SEGMENT_SECONDS:
            raise ParameterError(
                "segment must be at least {min_segment_seconds:g} seconds (or 'onsets'); "
                "got {segment!r}.",
                min_segment_seconds=MIN_SEGMENT_SECONDS,
                segment=segment,
            )
        segment = check_float(
            "segment",
            segment,
            minimum=MIN_SEGMENT_SECONDS,
            maximum=MAX_AUDIO_SECONDS,
            inclusive_minimum=True,
        )
        ranges = fixed_segments(len(audio), sr, seconds=segment)
    probabilities = segment_probabilities(model, audio, ranges)
    best = probabilities.argmax(axis=1)
    segments = [
        Segment(start / sr, end / sr, model.classes[k], float(probabilities[row, k]))
        for row, ((start, end), k) in enumerate(zip(ranges, best, strict=True))
    ]
    return Classification(
        segments=segments,
        classes=list(model.classes),
        probabilities=probabilities,
        duration_s=len(audio) / sr,
        model_name=model.name,
    )


def from_transcription(result, model: TrainedModel) -> Classification:
    """Note-by-note segments of a :class:`~musicml.transcription.Transcription`.

    Its notes, and ``silence`` between them, covering the recording: what
    ``classify_clip(..., segment="onsets")`` gives for a model with a silence class.
    """
    pieces = result.with_rests()
    segments = [Segment(p.start_s, p.end_s, p.label, float(p.confidence), p.midi) for p in pieces]
    return Classification(
        segments=segments,
        classes=list(model.classes),
        probabilities=result.segment_probabilities(pieces),
        duration_s=result.duration_s,
        model_name=model.name,
    )


def segments_csv(result: Classification) -> str:
    """The segments as CSV text: ``start_s,end_s,label,confidence`` plus a column per class."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["start_s", "end_s", "label", "confidence", *result.classes])
    for segment, row in zip(result.segments, result.probabilities, strict=True):
        writer.writerow(
            [
                f"{segment.start_s:.3f}",
                f"{segment.end_s:.3f}",
                segment.label,
                f"{segment.confidence:.4f}",
                *(f"{p:.4f}" for p in row),
            ]
        )
    return buffer.getvalue()


NOTE_FREQUENCIES = octave4_frequencies()
"""Pitch classes in octave 4 (Hz), used to play back predicted notes."""


def is_note_model(classes: list[str]) -> bool:
    """True when the classes are note names (plus perhaps ``silence``)."""
    notes = [c for c in classes if c != "silence"]
    return bool(notes) and all(c in NOTE_FREQUENCIES for c in notes)


PLAYBACK_TIMBRE = Timbre(ratios=(1.0, 2.0, 3.0), amplitudes=(1.0, 0.25, 1 / 9), decays=(0.0,) * 3)
"""The soft tone the resynthesis plays: three harmonics falling as 1/k², short fades."""


def resynthesize(result: Classification, *, sr: int, amplitude: float = 0.3) -> np.ndarray:
    """Audio of what the model heard: each predicted note played as a soft tone.

    Note labels become a :data:`PLAYBACK_TIMBRE` tone (made by :func:`musicml.synth.tone`)
    in the note's own octave when its MIDI number is known (octave 4 otherwise);
    ``silence`` and labels that are not notes stay silent, except ``sound``, which
    plays an A4. Returns shape ``(round(duration_s * sr),)``, float32.
    """
    n = round(result.duration_s * sr)
    out = np.zeros(n, dtype=np.float32)
    for segment in result.segments:
        frequency = NOTE_FREQUENCIES.get(segment.label)
        if frequency is not None and segment.midi is not None:
            frequency = midi_to_frequency(segment.midi)
        if frequency is None and segment.label == "sound":
            frequency = NOTE_FREQUENCIES["A"]
        start, end = round(segment.start_s * sr), min(n, round(segment.end_s * sr))
        if frequency is None or end <= start:
            continue
        # synth.tone leaves out partials too high for ``sr`` itself (no aliasing).
        out[start:end] = tone(
            frequency,
            duration=(end - start) / sr,
            sr=sr,
            timbre=PLAYBACK_TIMBRE,
            amplitude=amplitude,
        )[: end - start]
    return out
