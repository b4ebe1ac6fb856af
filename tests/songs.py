"""Long synthesized songs for the page benchmark, the load test and the page-speed test.

Made in the process from musicml's own synthesizers, so no file is checked in
and every run sends the same bytes (seeded).
"""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from musicml import synth
from musicml.analysis import example_song
from musicml.audio import DEFAULT_SR
from musicml.builtin import example_melody

REST_EVERY_S = 20.0
REST_S = 2.0
OGG_BLOCK = 1 << 15


def long_song(minutes: float = 3.0, *, sr: int = DEFAULT_SR, seed: int = 0) -> np.ndarray:
    """Drums and an arpeggio at 120 BPM, a piano melody on top, and a rest every 20 s.

    Parameters
    ----------
    minutes : float, default 3.0
        Length of the song (at most 10).

    Returns
    -------
    np.ndarray
        Shape ``(round(minutes * 60 * sr),)``, float32, peak 0.9.
    """
    seconds = minutes * 60.0
    n = round(seconds * sr)
    backing = example_song(bpm=120.0, duration=seconds, sr=sr, seed=seed).audio.astype(np.float64)
    rng = np.random.default_rng(seed)
    pitches = [f"{pc}{octave}" for pc in synth.NATURAL_PITCH_CLASSES for octave in (4, 5)]
    chunk_notes = 16  # 8 s of half-second notes per call
    melody = []
    while sum(part.size for part in melody) < n:
        notes = tuple(
            "silence" if rng.random() < 0.15 else str(rng.choice(pitches))
            for _ in range(chunk_notes)
        )
        audio, _ = example_melody(
            sr=sr, notes=notes, note_seconds=0.5, seed=int(rng.integers(1 << 30))
        )
        melody.append(audio)
    song = 0.6 * backing + 0.5 * np.concatenate(melody)[:n]
    for start in np.arange(REST_EVERY_S - REST_S, seconds, REST_EVERY_S):
        song[round(start * sr) : round((start + REST_S) * sr)] = 0.0
    song *= 0.9 / np.abs(song).max()
    return song.astype(np.float32)


def dominant_melody(
    note: str, *, seconds: int = 60, share: float = 0.6, sr: int = DEFAULT_SR, seed: int = 0
) -> np.ndarray:
    """A piano melody of one-second notes in which pitch class ``note`` sounds most.

    ``share`` of the slots play ``note`` (in octaves 3 to 5), the others play
    other natural notes or rest, in a seeded order. A notes model should call
    the whole melody "Mostly ``note``".
    """
    rng = np.random.default_rng(seed)
    others = [pc for pc in synth.NATURAL_PITCH_CLASSES if pc != note]
    n_main = round(share * seconds)
    slots = [f"{note}{rng.integers(3, 6)}" for _ in range(n_main)]
    slots += [
        "silence" if rng.random() < 0.2 else f"{rng.choice(others)}{rng.integers(3, 6)}"
        for _ in range(seconds - n_main)
    ]
    rng.shuffle(slots)
    audio, _ = example_melody(sr=sr, notes=tuple(slots), note_seconds=1.0, seed=seed)
    return audio


def ogg_bytes(audio: np.ndarray, sr: int = DEFAULT_SR) -> bytes:
    """``audio`` as OGG/Vorbis bytes (what a visitor's song file would be)."""
    buffer = io.BytesIO()
    # In blocks: libsndfile's Vorbis encoder crashes on one multi-megabyte write.
    with sf.SoundFile(
        buffer, "w", samplerate=sr, channels=1, format="OGG", subtype="VORBIS"
    ) as out:
        for start in range(0, audio.size, OGG_BLOCK):
            out.write(audio[start : start + OGG_BLOCK])
    return buffer.getvalue()
