"""Synthetic labelled data sets: the tutorial's sound-vs-silence set, notes and timbres.

Notes vary as real recordings do (loudness, noise, detuning, vibrato, room,
brightness, onset, tails), so a model learns pitch rather than one waveform;
:func:`_render_note` and :func:`_render_silence` are the one note and silence
renderer, also of the embedded models' training sets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from musicml import synth
from musicml.audio import DEFAULT_SR
from musicml.datasets.dataset import Dataset
from musicml.errors import ParameterError
from musicml.resources import checkpoint
from musicml.synth import NATURAL_PITCH_CLASSES, NOTE_NAMES, TIMBRES, TUTORIAL_FREQUENCIES
from musicml.validation import check_count, check_seconds, check_sr

MAX_CLIP_SECONDS = 60.0
"""Longest clip of a synthetic data set, in seconds."""

MAX_SYNTH_SECONDS = 3600.0
"""Most audio a synthetic data set holds, in seconds (an hour, as a loaded one)."""

NOTE_TIMBRES = (
    "pure",
    "flute",
    "clarinet",
    "string",
    "organ",
    "bell",
    "piano",
    "guitar",
    "voice",
    "brass",
)
"""Timbres a notes data set draws from by default (every preset)."""

SILENCE = "silence"

TIMBRE_CLASSES = tuple(t for t in TIMBRES if t != "pure")
"""The timbre data set's default classes: every preset but the pure sine."""

Progress = Callable[[float], None] | None
"""An optional callback told the fraction done (0–1) while a data set is built."""


def _tell(progress: Progress, done: int, total: int) -> None:
    if progress is not None and (done == total or done % 8 == 0):
        progress(done / total)


def _check_size(sr, clip_seconds, *, n_clips: int) -> tuple[int, float]:
    """The checked ``(sr, clip_seconds)`` of a synthetic data set of ``n_clips`` clips.

    The rate, the clip length and the whole set's length are bounded before any
    array is allocated (see :data:`MAX_SYNTH_SECONDS`).
    """
    sr = check_sr(sr)
    clip_seconds = check_seconds("clip_seconds", clip_seconds, maximum=MAX_CLIP_SECONDS)
    if n_clips * clip_seconds > MAX_SYNTH_SECONDS:
        raise ParameterError(
            "the data set would hold {n_clips:,} clips of {clip_seconds:g} s, "
            "{total_seconds:,.0f} s of audio; at most {max_synth_seconds:,.0f} s are "
            "made. Use fewer clips per class or shorter clips.",
            n_clips=n_clips,
            clip_seconds=clip_seconds,
            total_seconds=n_clips * clip_seconds,
            max_synth_seconds=MAX_SYNTH_SECONDS,
        )
    return sr, clip_seconds


def _check_range(name: str, pair, *, low: float = -np.inf, high: float = np.inf):
    try:
        a, b = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise ParameterError(
            "{name} must be a pair (low, high); got {pair!r}.", name=name, pair=pair
        ) from None
    if not (low <= a <= b <= high):
        raise ParameterError(
            "{name} must be (low, high) with {low:g} <= low <= high <= {high:g}; got {pair!r}.",
            name=name,
            low=low,
            high=high,
            pair=pair,
        )
    return a, b


def _finish(clips, labels, *, sr, settings, rng) -> Dataset:
    """A data set of the clips in a seeded random order (classes interleaved)."""
    order = rng.permutation(len(labels))
    labels = np.asarray(labels)[order]
    clips = [clips[i] for i in order]
    return Dataset(clips=clips, labels=labels, sr=sr, settings=settings)


def sound_silence_dataset(
    *,
    per_class: int = 50,
    sr: int = DEFAULT_SR,
    clip_seconds: float = 1.0,
    frequencies: tuple[float, ...] = TUTORIAL_FREQUENCIES,
    silence_noise_db: float | None = None,
    seed: int = 0,
    progress: Progress = None,
) -> Dataset:
    """The tutorial's data set: one-second clips labelled ``sound`` or ``silence``.

    Sound clips are sines at a frequency drawn from ``frequencies`` with a
    random amplitude and phase; silences are zeros, or white noise whose
    level is drawn up to ``silence_noise_db`` dB (full scale = 0 dB).

    Returns
    -------
    Dataset
        ``2 * per_class`` clips, balanced, in a seeded random order.
    """
    per_class = check_count("per_class", per_class)
    sr, clip_seconds = _check_size(sr, clip_seconds, n_clips=2 * per_class)
    if len(frequencies) == 0:
        raise ParameterError("frequencies must name at least one frequency; got none.")
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    clips = np.zeros((2 * per_class, n), dtype=np.float32)
    labels = np.array(["sound"] * per_class + [SILENCE] * per_class)
    for i in range(per_class):
        clips[i] = synth.sine(
            float(rng.choice(frequencies)),
            duration=clip_seconds,
            sr=sr,
            amplitude=float(rng.uniform(0.1, 1.0)),
            phase=float(rng.uniform(0, 2 * np.pi)),
        )
        _tell(progress, i + 1, 2 * per_class)
    if silence_noise_db is not None:
        for i in range(per_class, 2 * per_class):
            level = 10.0 ** (rng.uniform(silence_noise_db - 30.0, silence_noise_db) / 20.0)
            clips[i] = level * synth.noise_signal(n, seed=rng)
    _tell(progress, 2 * per_class, 2 * per_class)
    order = rng.permutation(len(labels))
    settings = {
        "kind": "sound-silence",
        "per_class": per_class,
        "sr": sr,
        "clip_seconds": clip_seconds,
        "frequencies": [float(f) for f in frequencies],
        "silence_noise_db": silence_noise_db,
        "seed": seed,
    }
    return Dataset(clips=clips[order], labels=labels[order], sr=sr, settings=settings)


@dataclass(frozen=True)
class Variation:
    """How much synthetic notes vary (the knobs of :func:`notes_dataset`)."""

    loudness_db: tuple[float, float] = (-36.0, -1.0)
    snr_db: tuple[float, float] = (10.0, 45.0)
    detune_cents: float = 25.0
    vibrato_probability: float = 0.4
    reverb_probability: float = 0.6
    partial_jitter_db: float = 6.0
    brightness: tuple[float, float] = (-0.8, 1.0)
    onset_range: tuple[float, float] = (-0.4, 0.3)
    tail_probability: float = 0.2


def _render_note(
    rng: np.random.Generator,
    *,
    midi: float,
    timbre: str,
    n: int,
    sr: int,
    variation: Variation | None,
) -> np.ndarray:
    """One clip of ``n`` samples holding a varied note (or a clean one without variation)."""
    frequency = float(synth.midi_to_frequency(midi))
    if variation is None:
        return synth.tone(frequency, duration=n / sr, sr=sr, timbre=timbre, amplitude=0.8, seed=rng)
    v = variation
    clip_seconds = n / sr
    # Where the note sits in the clip: it may have started before the clip (a cut
    # from a longer recording) or begin inside it, and may end before the clip does.
    start = rng.uniform(*v.onset_range) * clip_seconds
    length = rng.uniform(0.6, 2.0) * clip_seconds
    length = max(length, 0.6 * clip_seconds - start, 0.05)
    base = synth.ENVELOPES[TIMBRES[timbre].envelope]
    stretch = rng.uniform(0.5, 2.0, 4)
    envelope = (
        base[0] * stretch[0],
        base[1] * stretch[1],
        float(np.clip(base[2] * rng.uniform(0.8, 1.1), 0, 1)),
        base[3] * stretch[3],
    )
    vibrato = rng.random() < v.vibrato_probability and timbre not in ("bell", "piano", "guitar")
    note = synth.tone(
        frequency,
        duration=length,
        sr=sr,
        timbre=timbre,
        amplitude=1.0,
        envelope=envelope,
        vibrato_rate=float(rng.uniform(4.0, 7.0)),
        vibrato_cents=float(rng.uniform(5.0, 35.0)) if vibrato else 0.0,
        detune_cents=float(rng.uniform(-v.detune_cents, v.detune_cents)),
        brightness=float(rng.uniform(*v.brightness)),
        vowel=str(rng.choice(sorted(synth.VOWELS))),
        formant_floor=float(10.0 ** rng.uniform(-1.7, -0.3)),
        partial_jitter_db=v.partial_jitter_db,
        seed=rng,
    )
    clip = np.zeros(n, dtype=np.float32)
    first = round(start * sr)
    src = note[max(0, -first) :]
    dst = max(0, first)
    m = min(len(src), n - dst)
    clip[dst : dst + m] = src[:m]
    if first > 0.05 * sr and rng.random() < v.tail_probability:
        # A window of a melody: the previous, quieter note dies away as this one starts.
        step = int(rng.choice([-7, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 7]))
        before = synth.tone(
            float(synth.midi_to_frequency(midi + step)),
            duration=(first + 0.05 * sr) / sr,
            sr=sr,
            timbre=timbre,
            amplitude=float(rng.uniform(0.15, 0.6)),
            envelope=envelope,
            seed=rng,
        )
        clip[: len(before)] += before[:n]
    if rng.random() < v.reverb_probability:
        clip = synth.reverb(
            clip,
            sr=sr,
            seconds=float(rng.uniform(0.15, 1.5)),
            wet=float(rng.uniform(0.05, 0.45)),
            seed=rng,
        )
    peak = np.abs(clip).max()
    if peak > 0:
        clip *= 10.0 ** (rng.uniform(*v.loudness_db) / 20.0) / peak
    color = str(rng.choice(["white", "pink", "brown"]))
    clip = synth.add_noise(clip, snr_db=float(rng.uniform(*v.snr_db)), color=color, seed=rng)
    if rng.random() < 0.2:
        clip = clip + _hum(rng, n=n, sr=sr, level=10.0 ** (rng.uniform(-75.0, -50.0) / 20.0))
    return np.clip(clip, -1.0, 1.0)


def _hum(rng: np.random.Generator, *, n: int, sr: int, level: float) -> np.ndarray:
    """Mains hum (50 or 60 Hz, or its double) at peak ``level``."""
    frequency = float(rng.choice([50.0, 60.0, 100.0, 120.0]))
    t = np.arange(n) / sr
    return (level * np.sin(2 * np.pi * frequency * t + rng.uniform(0, 2 * np.pi))).astype(
        np.float32
    )


def _render_silence(rng: np.random.Generator, *, n: int, sr: int, variation: Variation | None):
    """Silence: digital zeros, or room noise (maybe with mains hum), -90 to -42 dB RMS."""
    if variation is None or rng.random() < 0.15:
        return np.zeros(n, dtype=np.float32)
    level = 10.0 ** (rng.uniform(-90.0, -42.0) / 20.0)
    color = str(rng.choice(["white", "pink", "brown"]))
    audio = level * synth.noise_signal(n, color=color, seed=rng)
    if rng.random() < 0.5:
        audio = audio + _hum(rng, n=n, sr=sr, level=level * float(rng.uniform(0.3, 3.0)))
    return audio.astype(np.float32)


def _pitch_classes(pitch_classes) -> tuple[str, ...]:
    if pitch_classes == "natural":
        return NATURAL_PITCH_CLASSES
    if pitch_classes == "chromatic":
        return NOTE_NAMES
    if isinstance(pitch_classes, str):
        raise ParameterError(
            "pitch_classes must be 'natural', 'chromatic' or a list of names like "
            "['C', 'F#']; got {pitch_classes!r}.",
            pitch_classes=pitch_classes,
        )
    names = tuple(synth.pitch_class(str(p)) for p in pitch_classes)
    if len(set(names)) != len(names) or not names:
        raise ParameterError(
            "pitch_classes must be distinct and non-empty; got {pitch_classes!r}.",
            pitch_classes=pitch_classes,
        )
    return names


def _timbres(timbres: Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(default if timbres is None else timbres)
    unknown = [t for t in chosen if t not in TIMBRES]
    if unknown or not chosen:
        raise ParameterError(
            "timbres must be a non-empty list drawn from {choices}; got {timbres!r}.",
            choices=sorted(TIMBRES),
            timbres=timbres,
        )
    return chosen


def notes_dataset(
    *,
    per_class: int = 30,
    pitch_classes: str | Sequence[str] = "natural",
    octaves: tuple[int, int] = (2, 6),
    timbres: Sequence[str] | None = None,
    include_silence: bool = True,
    clip_seconds: float = 1.0,
    sr: int = DEFAULT_SR,
    seed: int = 0,
    variation: bool = True,
    loudness_db: tuple[float, float] = (-36.0, -1.0),
    snr_db: tuple[float, float] = (10.0, 45.0),
    detune_cents: float = 25.0,
    vibrato_probability: float = 0.4,
    reverb_probability: float = 0.6,
    progress: Progress = None,
) -> Dataset:
    """Notes labelled by pitch class (``C D E F G A B`` or all twelve) plus ``silence``.

    Each clip is one note of a random timbre in a random octave, with its own
    envelope, loudness, detuning, vibrato, brightness, partial balance,
    reverberation, noise colour and level (sometimes mains hum), placed
    somewhere in the clip (it may have started before the clip; one in five
    follows the dying tail of a quieter previous note), so a model must learn
    the pitch class rather than one waveform. Silences are digital zeros or
    room noise (-90 to -42 dB RMS, half with hum). ``variation=False`` gives
    clean notes that fill the clip.

    Parameters
    ----------
    per_class : int, default 30
        Clips per label.
    pitch_classes : "natural", "chromatic" or list of str, default "natural"
        ``natural``: C D E F G A B; ``chromatic``: C C# D … B.
    octaves : (int, int), default (2, 6)
        Lowest and highest octave (inclusive; 4 is the octave of middle C).
    timbres : list of str, optional
        Presets from :data:`musicml.synth.TIMBRES` (default: all).
    include_silence : bool, default True
        Add a ``silence`` class (quiet room noise or digital silence).
    clip_seconds : float, default 1.0
        Length of each clip.
    variation : bool, default True
        Vary each note as described above.
    loudness_db, snr_db : (float, float), default (-36, -1) and (10, 45)
        Ranges of peak level (dB full scale) and of signal-to-noise ratio (dB).
    detune_cents : float, default 25
        Largest mistuning in cents (100 = a semitone; keep below 50).
    vibrato_probability, reverb_probability : float
        Share of notes with vibrato and with a reverberant tail.
    progress : callable, optional
        Called with the fraction done (0–1) as clips are made.

    Returns
    -------
    Dataset
        ``per_class`` clips per label, in a seeded random order; the same seed
        gives the same clips.
    """
    per_class = check_count("per_class", per_class)
    classes = _pitch_classes(pitch_classes)
    low, high = (int(o) for o in _check_range("octaves", octaves, low=0, high=8))
    chosen = _timbres(timbres, NOTE_TIMBRES)
    sr, clip_seconds = _check_size(
        sr, clip_seconds, n_clips=per_class * (len(classes) + bool(include_silence))
    )
    if not 0 <= detune_cents < 50:
        raise ParameterError(
            "detune_cents must be between 0 and 50; got {detune_cents!r}.",
            detune_cents=detune_cents,
        )
    top = synth.midi_to_frequency(12 * (high + 1) + 11)
    if top * 1.05 >= 0.45 * sr:
        raise ParameterError(
            "octave {high} reaches {top:.0f} Hz, too close to the Nyquist frequency at sr={sr}; "
            "lower the top octave or raise sr.",
            high=high,
            top=top,
            sr=sr,
        )
    var = (
        Variation(
            loudness_db=_check_range("loudness_db", loudness_db, high=0.0),
            snr_db=_check_range("snr_db", snr_db),
            detune_cents=float(detune_cents),
            vibrato_probability=float(np.clip(vibrato_probability, 0, 1)),
            reverb_probability=float(np.clip(reverb_probability, 0, 1)),
        )
        if variation
        else None
    )
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    total = per_class * (len(classes) + bool(include_silence))
    clips, labels = [], []
    for name in classes:
        step = NOTE_NAMES.index(name)
        for _ in range(per_class):
            octave = int(rng.integers(low, high + 1))
            timbre = str(rng.choice(chosen))
            midi = 12 * (octave + 1) + step
            checkpoint()
            clips.append(_render_note(rng, midi=midi, timbre=timbre, n=n, sr=sr, variation=var))
            labels.append(name)
            _tell(progress, len(clips), total)
    if include_silence:
        for _ in range(per_class):
            checkpoint()
            clips.append(_render_silence(rng, n=n, sr=sr, variation=var))
            labels.append(SILENCE)
            _tell(progress, len(clips), total)
    settings = {
        "kind": "notes",
        "per_class": per_class,
        "pitch_classes": list(classes),
        "octaves": [low, high],
        "timbres": list(chosen),
        "include_silence": bool(include_silence),
        "clip_seconds": clip_seconds,
        "sr": sr,
        "seed": seed,
        "variation": bool(variation),
        "loudness_db": list(loudness_db),
        "snr_db": list(snr_db),
        "detune_cents": detune_cents,
        "vibrato_probability": vibrato_probability,
        "reverb_probability": reverb_probability,
    }
    return _finish(clips, labels, sr=sr, settings=settings, rng=rng)


def timbre_dataset(
    *,
    per_class: int = 30,
    timbres: Sequence[str] | None = None,
    notes: tuple[str, str] = ("C3", "C6"),
    clip_seconds: float = 1.0,
    sr: int = DEFAULT_SR,
    seed: int = 0,
    variation: bool = True,
    progress: Progress = None,
) -> Dataset:
    """Notes labelled by timbre preset, with the pitch varied over a range.

    Parameters
    ----------
    timbres : list of str, optional
        Presets from :data:`musicml.synth.TIMBRES` (default: all but ``pure``).
    notes : (str, str), default ("C3", "C6")
        Lowest and highest note; each clip's pitch is drawn between them.
    variation : bool, default True
        Vary loudness, envelope, vibrato, reverberation and noise as in
        :func:`notes_dataset` (with milder noise).

    Returns
    -------
    Dataset
        ``per_class`` clips per timbre, in a seeded random order.
    """
    per_class = check_count("per_class", per_class)
    chosen = _timbres(timbres, TIMBRE_CLASSES)
    low, high = (synth.note_to_midi(n) for n in notes)
    if low > high:
        raise ParameterError("notes must be (lowest, highest); got {notes!r}.", notes=notes)
    if synth.midi_to_frequency(high) >= 0.4 * sr:
        raise ParameterError(
            "the highest note {highest} is too high for sr={sr}.", highest=notes[1], sr=sr
        )
    sr, clip_seconds = _check_size(sr, clip_seconds, n_clips=per_class * len(chosen))
    var = Variation(snr_db=(20.0, 50.0), detune_cents=15.0) if variation else None
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    clips, labels = [], []
    for timbre in chosen:
        for _ in range(per_class):
            midi = int(rng.integers(low, high + 1))
            checkpoint()
            clips.append(_render_note(rng, midi=midi, timbre=timbre, n=n, sr=sr, variation=var))
            labels.append(timbre)
            _tell(progress, len(clips), per_class * len(chosen))
    settings = {
        "kind": "timbre",
        "per_class": per_class,
        "timbres": list(chosen),
        "notes": list(notes),
        "clip_seconds": clip_seconds,
        "sr": sr,
        "seed": seed,
        "variation": bool(variation),
    }
    return _finish(clips, labels, sr=sr, settings=settings, rng=rng)
