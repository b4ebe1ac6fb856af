"""Notes as musicml shows and stores them: the :class:`Note` and :class:`Transcription`
types, note labels, MIDI files in and out (mido), and truth files (CSV or MIDI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from musicml.errors import ParameterError
from musicml.pitch import PITCH_CLASSES

SILENCE = "silence"
_FLATS = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#"}


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True)
class Note:
    """One transcribed (or true) note.

    Attributes
    ----------
    start_s, end_s : float
    label : str
        The pitch class (``"C#"``) or another label of the model (``"sound"``).
    midi : int or None
        MIDI number (60 = C4), None when the label is not a pitch.
    confidence : float
        Mean probability of the label over the note's frames (1.0 for the truth).
    """

    start_s: float
    end_s: float
    label: str
    midi: int | None = None
    confidence: float = 1.0

    def row(self) -> dict:
        """``{"start_s", "end_s", "label", "midi", "confidence"}``, rounded for JSON."""
        return {
            "start_s": round(float(self.start_s), 6),
            "end_s": round(float(self.end_s), 6),
            "label": self.label,
            "midi": None if self.midi is None else int(self.midi),
            "confidence": round(float(self.confidence), 6),
        }


@dataclass(eq=False)
class Transcription:
    """The notes of one recording and the frame probabilities they came from.

    Attributes
    ----------
    notes : list of Note
        In time order, not overlapping; rests are the gaps between them.
    classes : list of str
        The model's classes (columns of the probabilities).
    times : np.ndarray
        Shape ``(n_frames,)``: the centre of each frame in seconds.
    probabilities : np.ndarray
        Shape ``(n_frames, n_classes)``: the model's raw class probabilities.
    sound : np.ndarray
        Shape ``(n_frames,)``: the chance each frame is sound, from the
        recording's dynamics alone (:func:`sound_probability`).
    combined : np.ndarray
        Shape ``(n_frames, n_classes)``: the probabilities the Viterbi pass
        smoothed (model × dynamics).
    path : np.ndarray
        Shape ``(n_frames,)``: the class index of each frame after smoothing.
    duration_s : float
    model_name : str
    """

    notes: list[Note]
    classes: list[str]
    times: np.ndarray
    probabilities: np.ndarray
    sound: np.ndarray
    combined: np.ndarray
    path: np.ndarray
    duration_s: float
    model_name: str = "model"
    settings: dict = field(default_factory=dict)

    @property
    def hop_s(self) -> float:
        """Seconds between frames."""
        return float(self.times[1] - self.times[0]) if len(self.times) > 1 else 0.0

    def rows(self) -> list[dict]:
        """One dict per note (see :meth:`Note.row`)."""
        return [note.row() for note in self.notes]

    def with_rests(self) -> list[Note]:
        """The notes plus ``silence`` for every gap: consecutive, covering the recording."""
        out, now = [], 0.0
        for note in self.notes:
            if note.start_s > now + 1e-9:
                out.append(
                    Note(now, note.start_s, SILENCE, None, self._rest_confidence(now, note.start_s))
                )
            out.append(note)
            now = note.end_s
        if self.duration_s > now + 1e-9 or not out:
            out.append(
                Note(
                    now, self.duration_s, SILENCE, None, self._rest_confidence(now, self.duration_s)
                )
            )
        return out

    def _rest_confidence(self, start_s: float, end_s: float) -> float:
        if SILENCE not in self.classes or not len(self.times):
            return 1.0
        inside = (self.times >= start_s) & (self.times < end_s)
        if not inside.any():
            return 1.0
        return float(self.combined[inside, self.classes.index(SILENCE)].mean())

    def segment_probabilities(self, pieces: Sequence[Note]) -> np.ndarray:
        """Mean combined probabilities over the frames of each piece, ``(n, n_classes)``."""
        out = np.zeros((len(pieces), len(self.classes)))
        for i, piece in enumerate(pieces):
            inside = (self.times >= piece.start_s) & (self.times < piece.end_s)
            if not inside.any():
                inside = np.abs(self.times - (piece.start_s + piece.end_s) / 2) == np.min(
                    np.abs(self.times - (piece.start_s + piece.end_s) / 2)
                )
            out[i] = self.combined[inside].mean(axis=0)
        return out


# --------------------------------------------------------------------------- labels


def pitch_class_of(label: str) -> str | None:
    """``"C#4"``, ``"c#"``, ``"Db"`` → ``"C#"``; None for labels that are not pitches."""
    text = str(label).strip()
    if not text or text[0].upper() not in "CDEFGAB":
        return None
    name = text[0].upper()
    rest = text[1:]
    if rest[:1] in ("#", "♯"):
        name, rest = name + "#", rest[1:]
    elif rest[:1] in ("b", "♭") and f"{name}b" in _FLATS:
        name, rest = _FLATS[f"{name}b"], rest[1:]
    elif rest[:1] in ("b", "♭"):  # Cb, Fb: a semitone below
        name, rest = PITCH_CLASSES[(PITCH_CLASSES.index(name) - 1) % 12], rest[1:]
    if rest and not rest.lstrip("-").isdigit():
        return None
    return name


def _midi_of_label(label: str) -> int | None:
    """MIDI number of a label with an octave (``"C#4"`` → 61), else None."""
    text = str(label).strip()
    pitch = pitch_class_of(text)
    digits = text[1:].lstrip("#♯♭b")
    if pitch is None or not digits.lstrip("-").isdigit():
        return None
    return 12 * (int(digits) + 1) + PITCH_CLASSES.index(pitch)


# --------------------------------------------------------------------------- MIDI


TICKS_PER_BEAT = 480
TEMPO_US = 500_000
"""120 beats per minute: 960 ticks per second."""


def notes_of(segments: Sequence) -> list[Note]:
    """The sounding notes of classified segments (anything with ``start_s``, ``end_s``,
    ``label``, ``confidence`` and perhaps ``midi``): ``silence`` and other labels left out.

    A segment's MIDI number is kept; a pitch class without one plays in octave 4.
    """
    notes = []
    for segment in segments:
        midi = getattr(segment, "midi", None)
        if midi is None:
            midi = _midi_of_label(segment.label)
        if midi is None:
            pitch = pitch_class_of(segment.label)
            if pitch is None or segment.label == SILENCE:
                continue
            midi = 60 + PITCH_CLASSES.index(pitch)
        notes.append(
            Note(segment.start_s, segment.end_s, segment.label, int(midi), segment.confidence)
        )
    return notes


def notes_to_midi(
    notes: Sequence[Note], *, program: int = 0, velocity: int | Sequence[int] = 96
) -> bytes:
    """A one-track Standard MIDI File of the notes (120 bpm, 480 ticks per beat).

    Notes without a MIDI number play in octave 4 of their pitch class; labels
    that are not pitches are left out. ``velocity`` is one for all notes or
    one per note (1-127).

    Returns
    -------
    bytes
    """
    import mido

    if not 0 <= program <= 127:
        raise ParameterError("program must be 0-127; got {program!r}.", program=program)
    velocities = np.broadcast_to(np.asarray(velocity, dtype=int), (len(notes),))
    if velocities.size and not (velocities.min() >= 1 and velocities.max() <= 127):
        raise ParameterError("velocity must be 1-127; got {velocity!r}.", velocity=velocity)
    ticks_per_second = TICKS_PER_BEAT * 1_000_000 / TEMPO_US
    events = []
    for note, loudness in zip(notes, velocities, strict=True):
        midi = note.midi
        if midi is None:
            pitch = pitch_class_of(note.label)
            if pitch is None:
                continue
            midi = 60 + PITCH_CLASSES.index(pitch)
        midi = int(np.clip(midi, 0, 127))
        start = round(note.start_s * ticks_per_second)
        end = max(start + 1, round(note.end_s * ticks_per_second))
        events.append((end, 0, mido.Message("note_off", note=midi, velocity=0)))
        events.append((start, 1, mido.Message("note_on", note=midi, velocity=int(loudness))))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=TEMPO_US, time=0))
    track.append(mido.Message("program_change", program=program, time=0))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi_file = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    midi_file.tracks.append(track)
    buffer = io.BytesIO()
    midi_file.save(file=buffer)
    return buffer.getvalue()


def notes_from_midi(data: bytes) -> list[Note]:
    """The notes of a Standard MIDI File (all tracks and channels except drums), in time order.

    Raises
    ------
    ParameterError
        If the bytes are not a MIDI file.
    """
    import mido

    try:
        midi_file = mido.MidiFile(file=io.BytesIO(bytes(data)))
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise ParameterError(
            "the truth is not a readable MIDI file ({error}).", error=exc
        ) from None
    now = 0.0
    sounding: dict[tuple[int, int], list[float]] = {}
    notes = []
    for message in midi_file:  # merged tracks, times in seconds
        now += message.time
        if message.type not in ("note_on", "note_off") or message.channel == 9:
            continue
        key = (message.channel, message.note)
        if message.type == "note_on" and message.velocity > 0:
            sounding.setdefault(key, []).append(now)
        elif sounding.get(key):
            start = sounding[key].pop(0)
            if now > start:
                notes.append(Note(start, now, PITCH_CLASSES[message.note % 12], message.note))
    for (_, pitch), starts in sounding.items():  # never released: until the end
        notes.extend(Note(s, now, PITCH_CLASSES[pitch % 12], pitch) for s in starts if now > s)
    return sorted(notes, key=lambda n: (n.start_s, n.midi or 0))


def notes_from_csv(text: str) -> list[Note]:
    """Notes from CSV text with columns ``start_s,end_s,label`` (a header row is optional).

    Labels are pitch classes (``C#``), notes with an octave (``C#4``, which
    also give the MIDI number) or ``silence`` (skipped).

    Raises
    ------
    ParameterError
        On a row that is not two times and a label.
    """
    notes = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[:2] == ["start_s", "end_s"]:
            continue
        if len(cells) < 3:
            raise ParameterError(
                "truth CSV row {number} must be start_s,end_s,label; got {row!r}.",
                number=number,
                row=",".join(row),
            )
        try:
            start, end = float(cells[0]), float(cells[1])
        except ValueError:
            raise ParameterError(
                "truth CSV row {number}: start_s and end_s must be seconds; "
                "got {start!r} and {end!r}.",
                number=number,
                start=cells[0],
                end=cells[1],
            ) from None
        if not (np.isfinite(start) and np.isfinite(end) and end > start >= 0):
            raise ParameterError(
                "truth CSV row {number}: expected 0 <= start_s < end_s; got {start:g}, {end:g}.",
                number=number,
                start=start,
                end=end,
            )
        label = cells[2]
        if label.lower() == SILENCE:
            continue
        pitch = pitch_class_of(label)
        notes.append(Note(start, end, pitch or label, _midi_of_label(label)))
    return sorted(notes, key=lambda n: n.start_s)


MAX_TRUTH_BYTES = 2 * 2**20
"""Largest ground-truth file read (a CSV or MIDI file of a long piece is a few kB)."""


def read_truth(source: str | Path | bytes, *, name: str | None = None) -> list[Note]:
    """Ground-truth notes from a CSV (``start_s,end_s,label``) or a MIDI file.

    Parameters
    ----------
    source : path or bytes
        At most :data:`MAX_TRUTH_BYTES`.
    name : str, optional
        The upload's file name (its suffix tells CSV from MIDI when bytes are given).
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ParameterError("no truth file at {path!r}.", path=str(path))
        name = name or path.name
        size = path.stat().st_size  # checked before the file is read
    else:
        size = len(source)
    if size > MAX_TRUTH_BYTES:
        raise ParameterError(
            "the truth {name} is larger than {limit_mb} MB; "
            "a CSV or MIDI file of notes is a few kB.",
            name=name or "file",
            limit_mb=MAX_TRUTH_BYTES // 2**20,
        )
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    if data[:4] == b"MThd" or str(name or "").lower().endswith((".mid", ".midi")):
        return notes_from_midi(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(
            "the truth {name} is neither a MIDI file nor UTF-8 CSV text.", name=name or "file"
        ) from None
    return notes_from_csv(text)
