"""Scores of a transcription against the truth: frame accuracy, note precision,
recall and F1 (mir_eval), and the share of notes in the right octave."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from musicml.errors import ParameterError
from musicml.pitch import PITCH_CLASSES
from musicml.transcription.notes import SILENCE, Note, pitch_class_of

# --------------------------------------------------------------------------- scores


FRAME_STEP_SECONDS = 0.01
"""Time grid of the frame accuracy."""
ONSET_TOLERANCE_SECONDS = 0.05


def _label_grid(notes: Sequence[Note], times: np.ndarray) -> np.ndarray:
    grid = np.full(len(times), SILENCE, dtype=object)
    for note in notes:
        grid[(times >= note.start_s) & (times < note.end_s)] = (
            pitch_class_of(note.label) or note.label
        )
    return grid


def frame_accuracy(
    reference: Sequence[Note],
    estimate: Sequence[Note],
    *,
    duration_s: float,
    step_s: float = FRAME_STEP_SECONDS,
) -> float:
    """Share of the recording's time (sampled every ``step_s``) whose label is right.

    A moment is labelled by the pitch class of the note sounding then, or
    ``silence`` in a gap; octaves are ignored.
    """
    if not duration_s > 0:
        raise ParameterError(
            "duration_s must be positive; got {duration_s!r}.", duration_s=duration_s
        )
    times = np.arange(0.0, duration_s, step_s) + step_s / 2
    return float(np.mean(_label_grid(reference, times) == _label_grid(estimate, times)))


def _mir_eval_arrays(notes: Sequence[Note]) -> tuple[np.ndarray, np.ndarray]:
    kept = [n for n in notes if pitch_class_of(n.label) is not None and n.end_s > n.start_s]
    intervals = np.array([[n.start_s, n.end_s] for n in kept], dtype=float).reshape(-1, 2)
    # Pitch classes as frequencies in one octave, so mir_eval compares pitch classes.
    pitches = np.array(
        [440.0 * 2 ** ((60 + PITCH_CLASSES.index(pitch_class_of(n.label)) - 69) / 12) for n in kept]
    )
    return intervals, pitches


def note_scores(
    reference: Sequence[Note],
    estimate: Sequence[Note],
    *,
    onset_tolerance: float = ONSET_TOLERANCE_SECONDS,
) -> dict:
    """Note precision, recall and F1 (mir_eval.transcription, onsets within
    ``onset_tolerance``, same pitch class, offsets ignored).

    Returns
    -------
    dict
        ``{"note_precision", "note_recall", "note_f1", "reference_notes", "estimated_notes"}``.
    """
    import mir_eval

    ref_intervals, ref_pitches = _mir_eval_arrays(reference)
    est_intervals, est_pitches = _mir_eval_arrays(estimate)
    if len(ref_pitches) and len(est_pitches):
        precision, recall, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(
            ref_intervals,
            ref_pitches,
            est_intervals,
            est_pitches,
            onset_tolerance=onset_tolerance,
            offset_ratio=None,
        )
    else:
        empty = not len(ref_pitches) and not len(est_pitches)
        precision = recall = f1 = 1.0 if empty else 0.0
    return {
        "note_precision": round(float(precision), 6),
        "note_recall": round(float(recall), 6),
        "note_f1": round(float(f1), 6),
        "reference_notes": len(ref_pitches),
        "estimated_notes": len(est_pitches),
    }


def midi_accuracy(
    reference: Sequence[Note],
    estimate: Sequence[Note],
    *,
    onset_tolerance: float = ONSET_TOLERANCE_SECONDS,
) -> float | None:
    """Share of matched notes (onset and pitch class right) whose MIDI number is right too.

    None when the reference has no MIDI numbers or no note matched.
    """
    import mir_eval

    reference = [n for n in reference if n.midi is not None and pitch_class_of(n.label)]
    estimate = [n for n in estimate if pitch_class_of(n.label)]
    if not reference or not estimate:
        return None
    ref_intervals, ref_pitches = _mir_eval_arrays(reference)
    est_intervals, est_pitches = _mir_eval_arrays(estimate)
    pairs = mir_eval.transcription.match_notes(
        ref_intervals,
        ref_pitches,
        est_intervals,
        est_pitches,
        onset_tolerance=onset_tolerance,
        offset_ratio=None,
    )
    if not pairs:
        return None
    return float(np.mean([reference[i].midi == estimate[j].midi for i, j in pairs]))


def transcription_scores(
    reference: Sequence[Note],
    estimate: Sequence[Note],
    *,
    duration_s: float,
    onset_tolerance: float = ONSET_TOLERANCE_SECONDS,
) -> dict:
    """Frame accuracy, note precision / recall / F1 and MIDI accuracy against the truth.

    Returns
    -------
    dict
        ``{"frame_accuracy", "note_precision", "note_recall", "note_f1",
        "midi_accuracy", "reference_notes", "estimated_notes"}``; ``midi_accuracy``
        is None when the truth has no octaves (a CSV of pitch classes).
    """
    scores = {
        "frame_accuracy": round(frame_accuracy(reference, estimate, duration_s=duration_s), 6)
    }
    scores.update(note_scores(reference, estimate, onset_tolerance=onset_tolerance))
    pitch = midi_accuracy(reference, estimate, onset_tolerance=onset_tolerance)
    scores["midi_accuracy"] = None if pitch is None else round(pitch, 6)
    return scores
