"""Example audio with a known answer, for demos, tests and the warm-up."""

from __future__ import annotations

import numpy as np

from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.errors import ParameterError
from musicml.pitch import note_frequency
from musicml.validation import check_sr


def example_song(
    *, bpm: float = 120.0, duration: float = 8.0, sr: int = DEFAULT_SR, seed: int = 0
) -> Clip:
    """A synthetic piece with a known beat: kick and snare alternating on the beats,
    hi-hat on every eighth, a C-major arpeggio with one note per beat, from time 0.

    Returns
    -------
    Clip
        Beats at ``k * 60 / bpm`` seconds.
    """
    sr = check_sr(sr)
    if not 30 <= bpm <= 300:
        raise ParameterError("bpm must be between 30 and 300; got {bpm!r}.", bpm=bpm)
    if not 1 <= duration <= 600:
        raise ParameterError(
            "duration must be between 1 and 600 seconds; got {duration!r}.", duration=duration
        )
    rng = np.random.default_rng(seed)
    n = round(duration * sr)
    period = 60.0 / bpm
    beat_starts = np.round(np.arange(0, duration, period) * sr).astype(int)
    out = np.zeros(n, dtype=np.float64)

    t = np.arange(round(0.15 * sr)) / sr
    kick = np.sin(2 * np.pi * (50 * t + 60 * (1 - np.exp(-t / 0.03)) * 0.03)) * np.exp(-t / 0.05)
    kick += 0.3 * rng.standard_normal(t.size) * np.exp(-t / 0.004)  # the beater's click
    snare_t = np.arange(round(0.12 * sr)) / sr
    snare = rng.standard_normal(snare_t.size) * np.exp(-snare_t / 0.03) * 0.35
    hat_t = np.arange(round(0.04 * sr)) / sr
    hat = np.diff(rng.standard_normal(hat_t.size + 1)) * np.exp(-hat_t / 0.008) * 0.08
    arpeggio = np.array(
        [note_frequency(n) for n in ("C4", "E4", "G4", "C5", "G4", "E4", "C4", "G3")]
    )
    note_t = np.arange(round(min(period, 1.0) * 0.9 * sr)) / sr
    envelope = np.minimum(1.0, note_t / 0.005) * np.exp(-note_t / (period * 0.4))
    notes = 0.3 * envelope * np.sin(2 * np.pi * arpeggio[:, None] * note_t)
    notes += 0.1 * envelope * np.sin(4 * np.pi * arpeggio[:, None] * note_t)

    def add(at: int, wave: np.ndarray) -> None:
        stop = min(n, at + wave.size)
        if at < stop:
            out[at:stop] += wave[: stop - at]

    half_beat = round(period * sr / 2)
    for i, at in enumerate(beat_starts):
        # Rock pattern: kick on beats 1 and 3, snare on 2 and 4, hi-hat on every eighth.
        add(at, 0.9 * kick if i % 2 == 0 else snare)
        add(at, hat)
        add(at + half_beat, hat)
        add(at, notes[i % len(arpeggio)])
    out *= 0.9 / np.abs(out).max()
    return Clip(out.astype(np.float32), sr, f"Example: drums and melody at {bpm:g} BPM")


def example_melody(
    *,
    sr: int = DEFAULT_SR,
    notes: tuple[str, ...] = ("C4", "E4", "G4", "silence", "A3", "F4", "D5", "B4", "C5"),
    note_seconds: float = 1.0,
    timbre: str = "piano",
    seed: int = 3,
) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """A short melody with its ground truth, for demos and tests.

    Parameters
    ----------
    notes : tuple of str
        Note names with octave (``"C4"``) or ``"silence"``, one per slot.

    Returns
    -------
    audio : np.ndarray
        Shape ``(len(notes) * round(note_seconds * sr),)``, float32.
    truth : list of (start_s, end_s, label)
        The pitch class (or ``silence``) of each slot.
    """
    rng = np.random.default_rng(seed)
    n = round(note_seconds * sr)
    parts, truth = [], []
    for i, name in enumerate(notes):
        if name == "silence":
            parts.append(0.002 * synth.noise_signal(n, color="pink", seed=rng))
            label = "silence"
        else:
            parts.append(
                synth.tone(
                    synth.note_frequency(name),
                    duration=note_seconds,
                    sr=sr,
                    timbre=timbre,
                    amplitude=0.6,
                    seed=rng,
                )
            )
            label = synth.pitch_class(name)
        truth.append((i * note_seconds, (i + 1) * note_seconds, label))
    return np.concatenate(parts).astype(np.float32), truth
