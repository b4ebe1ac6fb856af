"""Pitch names, MIDI numbers and frequencies: the one table of the twelve pitch classes.

Every part of musicml that names a note (synthesis, chroma rows, key names, the
notes models' labels, MIDI files) takes its spelling and its numbers from here:
sharps (``C#``, not ``Db``), MIDI 69 = A4 = 440 Hz, middle C = C4 = MIDI 60.
"""

from __future__ import annotations

import re

import numpy as np

from musicml.errors import ParameterError

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
"""The twelve pitch classes of the equal-tempered scale, spelled with sharps."""

NATURAL_PITCH_CLASSES = ("C", "D", "E", "F", "G", "A", "B")
"""The seven natural notes (the white keys)."""

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

NOTE_NAMES = PITCH_CLASSES
"""The same twelve names (the name the synthesizer has always used)."""

A4_HZ = 440.0
"""Concert pitch: the frequency of A4 (MIDI note 69)."""

_NOTE_RE = re.compile(r"^\s*([A-Ga-g])([#♯b♭]?)(-?\d+)?\s*$")
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"": 0, "#": 1, "♯": 1, "b": -1, "♭": -1}


def midi_to_frequency(midi, *, tuning: float = A4_HZ):
    """Equal-tempered frequency in Hz of a MIDI note number (69 = A4 = ``tuning``)."""
    return tuning * 2.0 ** ((np.asarray(midi, dtype=float) - 69.0) / 12.0)


def frequency_to_midi(frequency, *, tuning: float = A4_HZ):
    """Fractional MIDI note number of a frequency in Hz (69.0 = A4)."""
    frequency = np.asarray(frequency, dtype=float)
    if np.any(~(frequency > 0)):
        raise ParameterError("frequency must be positive; got {frequency!r}.", frequency=frequency)
    return 69.0 + 12.0 * np.log2(frequency / tuning)


def note_to_midi(name: str) -> int:
    """MIDI number of a note name such as ``"A4"``, ``"C#3"``, ``"Bb5"`` (octave 4 if omitted)."""
    match = _NOTE_RE.match(str(name))
    if not match:
        raise ParameterError(
            "note name must look like 'A4', 'C#3' or 'Bb5'; got {name!r}. "
            "Use a letter A–G, an optional # or b, and an octave number.",
            name=name,
        )
    letter, accidental, octave = match.groups()
    octave = 4 if octave is None else int(octave)
    return 12 * (octave + 1) + _STEPS[letter.upper()] + _ACCIDENTALS[accidental]


def midi_to_note(midi: int) -> str:
    """Note name with sharps and octave, e.g. ``69 → "A4"``, ``61 → "C#4"``."""
    midi = round(float(midi))
    return f"{PITCH_CLASSES[midi % 12]}{midi // 12 - 1}"


def note_frequency(name: str, *, tuning: float = A4_HZ) -> float:
    """Equal-tempered frequency in Hz of a note name (``"A4"`` → 440.0, ``"C4"`` → 261.63)."""
    return float(midi_to_frequency(note_to_midi(name), tuning=tuning))


def note_name(frequency: float, *, tuning: float = A4_HZ) -> str:
    """Name of the equal-tempered note nearest to ``frequency`` (440 → ``"A4"``)."""
    return midi_to_note(int(np.round(frequency_to_midi(frequency, tuning=tuning))))


def pitch_class(name: str) -> str:
    """The pitch class of a note name, spelled with sharps (``"Bb3"`` → ``"A#"``)."""
    return PITCH_CLASSES[note_to_midi(name) % 12]


def octave4_frequencies() -> dict[str, float]:
    """Each pitch class in octave 4 (middle C's), in Hz: what a label sounds like played back."""
    return {name: note_frequency(f"{name}4") for name in PITCH_CLASSES}
