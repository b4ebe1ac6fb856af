"""Synthesis of test signals: sines, notes of any timbre, chords and melodies.

y(t) = A·sin(2πft + φ), sampled at ``sr``. Beyond the pure sine, a note is a sum
of partials (a harmonic preset, or inharmonic for the bell) shaped by an ADSR
envelope, with optional vibrato, detuning, noise at a chosen SNR and a simple
reverberation tail. Everything random takes a ``seed`` (or a
``np.random.Generator``); nothing reads global random state.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.pitch import (  # noqa: F401  (the synthesizer's scale, re-exported)
    A4_HZ,
    NATURAL_NOTES,
    NATURAL_PITCH_CLASSES,
    NOTE_NAMES,
    frequency_to_midi,
    midi_to_frequency,
    midi_to_note,
    note_frequency,
    note_name,
    note_to_midi,
    pitch_class,
)
from musicml.validation import check_choice

TUTORIAL_FREQUENCIES = tuple(range(500, 5001, 500))
"""The tutorial's tone/silence sequence: 500, 1000, … 5000 Hz."""

Rng = int | np.random.Generator | None


def _rng(seed: Rng) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _check_positive(name: str, value: float) -> None:
    if not np.isfinite(value) or value <= 0:
        raise ParameterError(
            "{name} must be a positive number; got {value!r}.", name=name, value=value
        )


def _check_frequency(frequency: float, sr: int) -> None:
    _check_positive("frequency", frequency)
    if frequency >= sr / 2:
        raise ParameterError(
            "frequency must be below half the sample rate ({nyquist:g} Hz); got {frequency:g} Hz. "
            "Lower the frequency or raise sr.",
            nyquist=sr / 2,
            frequency=frequency,
        )


# --------------------------------------------------------------------------- timbre


@dataclass(frozen=True)
class Timbre:
    """A timbre preset: partial frequency ratios, amplitudes and decay rates.

    Attributes
    ----------
    ratios : tuple of float
        Frequency of each partial divided by the note's frequency.
    amplitudes : tuple of float
        Relative amplitude of each partial.
    decays : tuple of float
        Extra exponential decay rate of each partial (1/s; 0 = sustained).
    envelope : str
        Name of the default envelope (see :data:`ENVELOPES`).
    inharmonicity : float
        Stiff-string stretch B: partial k sits at k·f·sqrt(1 + B·k²).
    formants : bool
        Shape the partials by vowel formants (the voice).
    """

    ratios: tuple[float, ...]
    amplitudes: tuple[float, ...]
    decays: tuple[float, ...]
    envelope: str = "flat"
    inharmonicity: float = 0.0
    formants: bool = False


def _harmonics(n: int, amplitude, decay=0.0, *, odd_only: bool = False):
    k = np.arange(1, 2 * n, 2) if odd_only else np.arange(1, n + 1)
    amps = np.broadcast_to(amplitude(k) if callable(amplitude) else amplitude, k.shape)
    decays = np.broadcast_to(decay(k) if callable(decay) else decay, k.shape)
    return tuple(k.astype(float)), tuple(map(float, amps)), tuple(map(float, decays))


def _preset(n, amplitude, decay=0.0, *, odd_only=False, **kwargs) -> Timbre:
    return Timbre(*_harmonics(n, amplitude, decay, odd_only=odd_only), **kwargs)


TIMBRES: dict[str, Timbre] = {
    "pure": Timbre((1.0,), (1.0,), (0.0,), "flat"),
    # A flute: a strong fundamental and a few quickly weaker harmonics.
    "flute": _preset(8, lambda k: 0.45 ** (k - 1), envelope="breath"),
    # A clarinet's cylindrical bore favours odd harmonics.
    "clarinet": _preset(10, lambda k: 1.0 / k, odd_only=True, envelope="reed"),
    # A bowed string: all harmonics, roughly 1/k (a sawtooth).
    "string": _preset(24, lambda k: 1.0 / k, envelope="bowed"),
    # Organ drawbars: sub-octave, unison and a few octaves and fifths.
    "organ": Timbre(
        (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0),
        (0.35, 1.0, 0.3, 0.7, 0.45, 0.35, 0.2, 0.15),
        (0.0,) * 8,
        "organ",
    ),
    # A tuned bell: hum, prime, minor-third tierce, quint, nominal… (inharmonic).
    "bell": Timbre(
        (0.5, 1.0, 1.19, 1.5, 2.0, 2.51, 2.66, 3.01, 4.17, 5.43),
        (0.5, 1.0, 0.6, 0.35, 0.55, 0.25, 0.2, 0.25, 0.15, 0.1),
        (0.4, 0.8, 1.2, 1.6, 1.8, 2.5, 2.7, 3.0, 4.0, 5.0),
        "bell",
    ),
    # A piano: stretched harmonics whose upper partials die away faster.
    "piano": _preset(
        16,
        lambda k: 1.0 / k**1.1,
        lambda k: 0.4 * k,
        envelope="piano",
        inharmonicity=4e-4,
    ),
    # A plucked guitar string (plucked near one fifth of its length).
    "guitar": _preset(
        20,
        lambda k: np.abs(np.sin(np.pi * k * 0.2)) / k**1.5 + 1e-3,
        lambda k: 0.8 * k,
        envelope="pluck",
        inharmonicity=1e-4,
    ),
    # A sung vowel: a glottal source (1/k²) shaped by formant resonances.
    "voice": _preset(30, lambda k: 1.0 / k**1.2, envelope="voice", formants=True),
    # Brass: harmonics that rise to the third or fourth, then fall.
    "brass": _preset(16, lambda k: k / (1.0 + 0.12 * k**2.2), envelope="brass"),
}
"""Timbre presets by name (``pure``, ``flute``, ``clarinet``, ``string``, ``organ``,
``bell``, ``piano``, ``guitar``, ``voice``, ``brass``)."""

VOWELS = {
    "a": ((800, 1150, 2900), (80, 90, 120), (1.0, 0.5, 0.25)),
    "e": ((400, 1600, 2700), (60, 80, 120), (1.0, 0.35, 0.25)),
    "i": ((270, 2300, 3000), (60, 90, 100), (1.0, 0.25, 0.3)),
    "o": ((450, 800, 2830), (70, 80, 100), (1.0, 0.6, 0.15)),
    "u": ((325, 700, 2530), (50, 60, 170), (1.0, 0.3, 0.1)),
}
"""Vowel formants (centre Hz, bandwidth Hz, gain) of a sung voice."""

ENVELOPES: dict[str, tuple[float, float, float, float]] = {
    "none": (0.0, 0.0, 1.0, 0.0),
    "flat": (0.005, 0.0, 1.0, 0.005),
    "organ": (0.01, 0.02, 1.0, 0.04),
    "breath": (0.06, 0.1, 0.85, 0.1),
    "reed": (0.03, 0.06, 0.9, 0.06),
    "bowed": (0.09, 0.2, 0.8, 0.15),
    "voice": (0.08, 0.12, 0.85, 0.12),
    "brass": (0.04, 0.1, 0.8, 0.08),
    "pluck": (0.002, 0.5, 0.0, 0.08),
    "piano": (0.003, 0.9, 0.05, 0.15),
    "bell": (0.001, 1.6, 0.0, 0.3),
}
"""ADSR presets: (attack s, decay s, sustain level 0–1, release s).

The decay is exponential and keeps going through the sustain phase, so
``sustain=0`` gives a plucked or struck note that dies away by itself.
"""

EnvelopeSpec = str | tuple[float, float, float, float] | None


def adsr(
    n_samples: int,
    *,
    sr: int = DEFAULT_SR,
    attack: float = 0.01,
    decay: float = 0.1,
    sustain: float = 0.8,
    release: float = 0.1,
) -> np.ndarray:
    """An attack-decay-sustain-release envelope of ``n_samples`` samples.

    Parameters
    ----------
    attack, decay, release : float
        Seconds; the release ends at the last sample. The decay is the time
        constant (x5) of an exponential fall towards ``sustain``.
    sustain : float
        Level between 0 and 1 held until the release.

    Returns
    -------
    np.ndarray
        Shape ``(n_samples,)``, float32, between 0 and 1.
    """
    for name, value in (("attack", attack), ("decay", decay), ("release", release)):
        if not (np.isfinite(value) and value >= 0):
            raise ParameterError(
                "{name} must be zero or more seconds; got {value!r}.", name=name, value=value
            )
    if not 0 <= sustain <= 1:
        raise ParameterError(
            "sustain must be a level between 0 and 1; got {sustain!r}.", sustain=sustain
        )
    t = np.arange(n_samples) / sr
    rise = np.clip(t / attack, 0.0, 1.0) if attack > 0 else np.ones_like(t)
    after = np.maximum(t - attack, 0.0)
    fall = np.exp(-5.0 * after / decay) if decay > 0 else np.zeros_like(t)
    level = sustain + (1.0 - sustain) * fall
    end = n_samples / sr
    tail = np.clip((end - t) / release, 0.0, 1.0) if release > 0 else np.ones_like(t)
    return (rise * level * tail).astype(np.float32)


def _envelope(spec: EnvelopeSpec, timbre: Timbre, n: int, sr: int) -> np.ndarray:
    if spec is None:
        spec = timbre.envelope
    if isinstance(spec, str):
        if spec not in ENVELOPES:
            raise ParameterError(
                "envelope must be one of {envelopes} or (attack, decay, sustain, "
                "release); got {spec!r}.",
                envelopes=sorted(ENVELOPES),
                spec=spec,
            )
        spec = ENVELOPES[spec]
    if len(spec) != 4:
        raise ParameterError(
            "envelope must be (attack, decay, sustain, release); got {spec!r}.", spec=spec
        )
    attack, decay, sustain, release = (float(v) for v in spec)
    return adsr(n, sr=sr, attack=attack, decay=decay, sustain=sustain, release=release)


def _timbre(timbre: str | Timbre) -> Timbre:
    if isinstance(timbre, Timbre):
        return timbre
    return TIMBRES[check_choice("timbre", timbre, sorted(TIMBRES))]


def partials(
    frequency: float,
    *,
    timbre: str | Timbre = "pure",
    sr: int = DEFAULT_SR,
    brightness: float = 0.0,
    vowel: str = "a",
    formant_floor: float = 0.3,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequencies, amplitudes and decay rates of a note's partials below Nyquist.

    ``brightness`` tilts the spectrum: partial amplitudes are multiplied by
    ``ratio ** brightness`` (negative = darker, positive = brighter). For the
    voice, ``formant_floor`` is the gain between formants (smaller = more
    pronounced vowel).

    Returns
    -------
    tuple of np.ndarray
        ``(frequencies_hz, amplitudes, decays)``, each of shape ``(n_partials,)``.
    """
    spec = _timbre(timbre)
    ratios = np.asarray(spec.ratios, dtype=float)
    if spec.inharmonicity:
        ratios = ratios * np.sqrt(1.0 + spec.inharmonicity * ratios**2)
    freqs = frequency * ratios
    amps = np.asarray(spec.amplitudes, dtype=float) * ratios**brightness
    if spec.formants:
        check_choice("vowel", vowel, sorted(VOWELS))
        centres, widths, gains = (np.asarray(v, dtype=float)[:, None] for v in VOWELS[vowel])
        shape = (gains / (1.0 + ((freqs[None, :] - centres) / widths) ** 2)).sum(axis=0)
        amps = amps * (formant_floor + shape)
    keep = freqs < 0.45 * sr
    if not keep.any():
        raise ParameterError(
            "frequency must be below {limit:g} Hz at sr={sr}; got {frequency:g} Hz.",
            limit=0.45 * sr,
            sr=sr,
            frequency=frequency,
        )
    decays = np.asarray(spec.decays, dtype=float)
    return freqs[keep], amps[keep], decays[keep]


def sine(
    frequency: float,
    *,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    amplitude: float = 1.0,
    phase: float = 0.0,
) -> np.ndarray:
    """A sine tone A·sin(2πft + φ).

    Parameters
    ----------
    frequency : float
        Frequency f in Hz; must be below the Nyquist frequency sr/2.
    duration : float, default 1.0
        Length in seconds.
    sr : int, default 22050
        Sample rate in Hz.
    amplitude : float, default 1.0
        Peak amplitude A, between 0 and 1.
    phase : float, default 0.0
        Phase φ in radians.

    Returns
    -------
    np.ndarray
        Shape ``(round(duration * sr),)``, float32.
    """
    _check_positive("sr", sr)
    _check_positive("duration", duration)
    _check_frequency(frequency, sr)
    if not 0 <= amplitude <= 1:
        raise ParameterError(
            "amplitude must be between 0 and 1; got {amplitude!r}.", amplitude=amplitude
        )
    t = np.arange(round(duration * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * frequency * t + phase)).astype(np.float32)


_PARALLEL_MIN = 1 << 18
"""Partial matrices with at least this many samples are computed in parallel blocks."""

_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))
    return _POOL


def _partial_waves(
    freqs: np.ndarray,
    phases: np.ndarray,
    decays: np.ndarray,
    base: np.ndarray,
    t: np.ndarray,
) -> np.ndarray:
    """sin(f_k·base + φ_k)·exp(-d_k·t) for every partial k, shape ``(n_partials, n)``.

    Element by element, so the result is the same to the bit however it is split:
    large matrices are filled in time blocks on several threads (numpy releases the
    GIL), in place, without temporaries the size of the whole matrix.
    """
    waves = np.empty((len(freqs), len(base)))
    damped = np.flatnonzero(decays > 0)
    minus = -decays[damped]

    def fill(start: int, stop: int) -> None:
        block = waves[:, start:stop]
        np.multiply.outer(freqs, base[start:stop], out=block)
        block += phases[:, None]
        np.sin(block, out=block)
        if len(damped):
            block[damped] *= np.exp(np.multiply.outer(minus, t[start:stop]))

    workers = _pool()._max_workers if waves.size >= _PARALLEL_MIN else 1
    edges = np.linspace(0, len(base), workers + 1).astype(int)
    if workers == 1:
        fill(0, len(base))
    else:
        list(_pool().map(fill, edges[:-1], edges[1:]))
    return waves


def tone(
    frequency: float,
    *,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    timbre: str | Timbre = "pure",
    amplitude: float = 0.8,
    envelope: EnvelopeSpec = None,
    vibrato_rate: float = 5.5,
    vibrato_cents: float = 0.0,
    detune_cents: float = 0.0,
    brightness: float = 0.0,
    vowel: str = "a",
    formant_floor: float = 0.3,
    partial_jitter_db: float = 0.0,
    phase: float = 0.0,
    seed: Rng = None,
) -> np.ndarray:
    """A musical note: partials of a timbre preset under an ADSR envelope.

    Parameters
    ----------
    frequency : float
        Nominal pitch in Hz (the frequency of partial ratio 1).
    duration : float, default 1.0
        Length in seconds (the release ends at the last sample).
    timbre : str or Timbre, default "pure"
        A name from :data:`TIMBRES`.
    amplitude : float, default 0.8
        Peak amplitude between 0 and 1.
    envelope : str, (attack, decay, sustain, release) or None
        A name from :data:`ENVELOPES`, a tuple, or ``None`` for the timbre's own.
    vibrato_rate, vibrato_cents : float
        Vibrato speed (Hz) and depth (cents, 100 = a semitone); 0 cents = none.
    detune_cents : float, default 0
        Shift of the whole note away from ``frequency``, in cents.
    brightness : float, default 0
        Spectral tilt (see :func:`partials`).
    vowel : str, default "a"
        Vowel of the ``voice`` timbre.
    formant_floor : float, default 0.3
        Gain between the voice's formants (see :func:`partials`).
    partial_jitter_db : float, default 0
        Standard deviation of a random gain (dB) per partial, for variety.
    phase : float, default 0
        Starting phase φ of the fundamental in radians (partial k starts at k·φ).
    seed : int, Generator or None
        Randomness for partial phases and jitter; ``None`` = all phases zero.

    Returns
    -------
    np.ndarray
        Shape ``(round(duration * sr),)``, float32, peak ``amplitude``.
    """
    _check_positive("sr", sr)
    _check_positive("duration", duration)
    _check_frequency(frequency, sr)
    if not 0 <= amplitude <= 1:
        raise ParameterError(
            "amplitude must be between 0 and 1; got {amplitude!r}.", amplitude=amplitude
        )
    if vibrato_cents < 0 or vibrato_rate < 0:
        raise ParameterError(
            "vibrato depth and rate must not be negative; got {vibrato_cents!r} cents at "
            "{vibrato_rate!r} Hz.",
            vibrato_cents=vibrato_cents,
            vibrato_rate=vibrato_rate,
        )
    spec = _timbre(timbre)
    f0 = frequency * 2.0 ** (detune_cents / 1200.0)
    freqs, amps, decays = partials(
        f0, timbre=spec, sr=sr, brightness=brightness, vowel=vowel, formant_floor=formant_floor
    )
    n = round(duration * sr)
    t = np.arange(n) / sr
    rng = None if seed is None else _rng(seed)
    phases = np.zeros(len(freqs)) if rng is None else rng.uniform(0, 2 * np.pi, len(freqs))
    phases = phases + phase * freqs / f0
    if rng is not None and partial_jitter_db > 0:
        amps = amps * 10.0 ** (rng.normal(0.0, partial_jitter_db, len(amps)) / 20.0)
    if vibrato_cents > 0 and vibrato_rate > 0:
        # Instantaneous pitch ratio; integrate it to a phase that every partial follows.
        ratio = 2.0 ** (vibrato_cents / 1200.0 * np.sin(2 * np.pi * vibrato_rate * t))
        base = 2 * np.pi * np.concatenate([[0.0], np.cumsum(ratio[:-1])]) / sr
    else:
        base = 2 * np.pi * t
    audio = amps @ _partial_waves(freqs, phases, decays, base, t)
    audio *= _envelope(envelope, spec, n, sr)
    if len(amps) == 1:
        # One partial: A·sin(…) exactly, like :func:`sine`.
        audio *= amplitude / amps[0]
    else:
        peak = np.abs(audio).max()
        if peak > 0:
            audio *= amplitude / peak
    return audio.astype(np.float32)


def add_noise(
    audio: np.ndarray,
    *,
    snr_db: float = 20.0,
    color: str = "white",
    seed: Rng = 0,
) -> np.ndarray:
    """``audio`` plus noise whose power is ``snr_db`` below the signal's.

    Parameters
    ----------
    color : {"white", "pink", "brown"}
        Noise spectrum: flat, 1/f (room-like) or 1/f² (rumble).

    Returns
    -------
    np.ndarray
        Same shape as ``audio``, float32 (not clipped).
    """
    audio = np.asarray(audio, dtype=np.float32)
    noise = noise_signal(audio.shape[-1], color=color, seed=seed)
    power = float(np.mean(audio.astype(np.float64) ** 2))
    if power == 0:
        return audio.copy()
    scale = np.sqrt(power / 10.0 ** (snr_db / 10.0))
    return (audio + scale * noise).astype(np.float32)


def noise_signal(n_samples: int, *, color: str = "white", seed: Rng = 0) -> np.ndarray:
    """Noise with unit power (mean square 1) and a white, pink or brown spectrum."""
    exponents = {"white": 0.0, "pink": 0.5, "brown": 1.0}
    check_choice("color", color, sorted(exponents))
    white = _rng(seed).standard_normal(n_samples)
    if exponents[color] and n_samples > 1:
        spectrum = np.fft.rfft(white)
        f = np.arange(len(spectrum), dtype=float)
        f[0] = 1.0
        white = np.fft.irfft(spectrum / f ** exponents[color], n=n_samples)
        white -= white.mean()
    power = np.sqrt(np.mean(white**2)) or 1.0
    return (white / power).astype(np.float32)


def reverb(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    seconds: float = 0.6,
    wet: float = 0.3,
    seed: Rng = 0,
) -> np.ndarray:
    """A room-like tail: convolve with exponentially decaying noise and mix.

    Parameters
    ----------
    seconds : float, default 0.6
        Reverberation time RT60 (the tail falls 60 dB in this time).
    wet : float, default 0.3
        Share of the reverberant signal in the mix, 0–1.

    Returns
    -------
    np.ndarray
        Same length as ``audio``, float32, peak no higher than the input's.
    """
    _check_positive("seconds", seconds)
    if not 0 <= wet <= 1:
        raise ParameterError("wet must be between 0 and 1; got {wet!r}.", wet=wet)
    audio = np.asarray(audio, dtype=np.float32)
    n_ir = max(2, round(seconds * sr))
    t = np.arange(n_ir) / sr
    ir = _rng(seed).standard_normal(n_ir) * np.exp(-6.9 * t / seconds)
    ir /= np.sqrt(np.sum(ir**2))
    tail = fftconvolve(audio, ir)[: audio.shape[-1]]
    mixed = (1 - wet) * audio + wet * tail
    peak_in, peak_out = np.abs(audio).max(initial=0), np.abs(mixed).max(initial=0)
    if peak_out > peak_in > 0:
        mixed *= peak_in / peak_out
    return mixed.astype(np.float32)


def chord(
    notes,
    *,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    timbre: str | Timbre = "pure",
    amplitude: float = 0.8,
    envelope: EnvelopeSpec = None,
    seed: Rng = None,
) -> np.ndarray:
    """Several notes at once (names like ``"C4"`` or frequencies in Hz), peak ``amplitude``."""
    notes = list(notes)
    if not notes:
        raise ParameterError("notes must name at least one note; got none.")
    rng = None if seed is None else _rng(seed)
    freqs = [note_frequency(n) if isinstance(n, str) else float(n) for n in notes]
    mix = sum(
        tone(f, duration=duration, sr=sr, timbre=timbre, envelope=envelope, seed=rng) for f in freqs
    )
    peak = np.abs(mix).max()
    return (mix * (amplitude / peak if peak > 0 else 0.0)).astype(np.float32)


def random_melody(
    notes=tuple(f"{pc}4" for pc in NATURAL_PITCH_CLASSES),
    *,
    n_notes: int = 8,
    note_seconds: float = 0.5,
    sr: int = DEFAULT_SR,
    timbre: str | Timbre = "pure",
    amplitude: float = 0.8,
    envelope: EnvelopeSpec = None,
    seed: Rng = 0,
) -> tuple[np.ndarray, list[str]]:
    """A seeded random sequence of notes drawn from ``notes``.

    Returns
    -------
    audio : np.ndarray
        Shape ``(n_notes * round(note_seconds * sr),)``, float32.
    names : list of str
        The note played in each slot.
    """
    notes = list(notes)
    if not notes or n_notes < 1:
        raise ParameterError(
            "a melody needs a note set and n_notes >= 1; got {note_count} notes, "
            "n_notes={n_notes!r}.",
            note_count=len(notes),
            n_notes=n_notes,
        )
    rng = _rng(seed)
    names = [str(notes[i]) for i in rng.integers(0, len(notes), n_notes)]
    parts = [
        tone(
            note_frequency(name),
            duration=note_seconds,
            sr=sr,
            timbre=timbre,
            amplitude=amplitude,
            envelope=envelope,
        )
        for name in names
    ]
    return np.concatenate(parts), names


def synthesize(
    frequency: float,
    *,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    timbre: str = "pure",
    amplitude: float = 0.8,
    phase: float = 0.0,
    envelope: EnvelopeSpec = "none",
    vibrato_rate: float = 5.5,
    vibrato_cents: float = 0.0,
    detune_cents: float = 0.0,
    snr_db: float | None = None,
    noise_color: str = "white",
    reverb_seconds: float = 0.0,
    reverb_wet: float = 0.3,
    silence_seconds: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A note with every option of the synthesizer: tone, noise, room, trailing silence.

    The pure timbre with ``envelope="none"`` and no extras is exactly
    :func:`sine`. ``snr_db=None`` adds no noise; ``reverb_seconds=0`` no room.

    Returns
    -------
    np.ndarray
        Shape ``(round(duration * sr) + round(silence_seconds * sr),)``, float32.
    """
    audio = tone(
        frequency,
        duration=duration,
        sr=sr,
        timbre=timbre,
        amplitude=amplitude,
        envelope=envelope,
        vibrato_rate=vibrato_rate,
        vibrato_cents=vibrato_cents,
        detune_cents=detune_cents,
        phase=phase,
    )
    if silence_seconds:
        audio = append_silence(audio, seconds=silence_seconds, sr=sr)
    if reverb_seconds > 0:
        audio = reverb(audio, sr=sr, seconds=reverb_seconds, wet=reverb_wet, seed=seed)
    if snr_db is not None:
        audio = add_noise(audio, snr_db=snr_db, color=noise_color, seed=seed)
    return np.clip(audio, -1.0, 1.0).astype(np.float32)


def tone_silence_sequence(
    frequencies: tuple[float, ...] = TUTORIAL_FREQUENCIES,
    *,
    tone_seconds: float = 1.0,
    silence_seconds: float = 1.0,
    sr: int = DEFAULT_SR,
    amplitude: float = 1.0,
) -> np.ndarray:
    """Tone/silence pairs: each frequency for ``tone_seconds``, then silence.

    Returns
    -------
    np.ndarray
        Shape ``(len(frequencies) * round((tone_seconds + silence_seconds) * sr),)``.
    """
    if len(frequencies) == 0:
        raise ParameterError("frequencies must name at least one frequency; got none.")
    gap = np.zeros(round(silence_seconds * sr), dtype=np.float32)
    parts = []
    for frequency in frequencies:
        parts += [sine(frequency, duration=tone_seconds, sr=sr, amplitude=amplitude), gap]
    return np.concatenate(parts)


def append_silence(audio: np.ndarray, *, seconds: float = 1.0, sr: int = DEFAULT_SR) -> np.ndarray:
    """``audio`` followed by ``seconds`` of zeros (float32)."""
    if seconds < 0:
        raise ParameterError(
            "seconds of silence must not be negative; got {seconds!r}.", seconds=seconds
        )
    gap = np.zeros(round(seconds * sr), dtype=np.float32)
    return np.concatenate([np.asarray(audio, dtype=np.float32), gap])
