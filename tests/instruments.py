"""Instrument-like test sounds made independently of musicml's own synthesiser.

The embedded notes model is trained on musicml.synth's timbres; to check that it learned
pitch rather than those waveforms, these sounds come from other recipes: a Karplus-Strong
plucked string, a piano-like tone with stretched (inharmonic) partials and hammer noise, a
band-limited sawtooth through a moving low-pass (brass/bowed), a sung vowel (glottal pulses
through formant resonators), a square-ish reed, each with a room reverb tail and background
noise. Nothing here is used for training.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

SR = 22050
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def midi_to_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12)


def midi_of(name: str, octave: int) -> int:
    return 12 * (octave + 1) + PITCH_CLASSES.index(name)


def karplus_strong(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    # Run at 4× the rate so the integer delay line tunes to within a few cents,
    # then decimate; the averaging filter adds half a sample to the period.
    up = 4
    rate = SR * up
    period = max(2, round(rate / f0 - 0.5))
    n = int(seconds * rate)
    buffer = rng.uniform(-1, 1, period)
    out = np.empty(n)
    for i in range(n):
        j = i % period
        out[i] = buffer[j]
        buffer[j] = 0.9995 * 0.5 * (buffer[j] + buffer[(j + 1) % period])
    return signal.resample_poly(out, 1, up)


def piano_like(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    b = 0.0004  # string stiffness: partial k sits at k·f0·sqrt(1 + b k²)
    out = np.zeros_like(t)
    for k in range(1, 16):
        fk = k * f0 * np.sqrt(1 + b * k * k)
        if fk > SR / 2 - 500:
            break
        out += (
            (1 / k**1.3)
            * np.exp(-t * (1.5 + 0.6 * k))
            * np.sin(2 * np.pi * fk * t + rng.uniform(0, 6.28))
        )
    hammer = rng.normal(0, 1, len(t)) * np.exp(-t * 300) * 0.3
    return out + hammer


def sawtooth_brass(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    vibrato = 1 + 0.004 * np.sin(2 * np.pi * 5.5 * t)
    phase = 2 * np.pi * np.cumsum(f0 * vibrato) / SR
    saw = signal.sawtooth(phase)
    b, a = signal.butter(2, min(0.95, 6 * f0 / (SR / 2)))
    attack = np.minimum(1, t / 0.06)
    return signal.lfilter(b, a, saw) * attack


def sung_vowel(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    n = int(seconds * SR)
    t = np.arange(n) / SR
    jitter = 1 + 0.006 * np.sin(2 * np.pi * 5 * t) + 0.002 * rng.normal(0, 1, n).cumsum() / n
    phase = np.cumsum(f0 * jitter) / SR
    pulses = np.diff(np.floor(phase), prepend=0.0)  # one impulse per period
    out = np.zeros(n)
    for formant, bandwidth in ((700, 110), (1220, 120), (2600, 160)):  # vowel "a"
        r = np.exp(-np.pi * bandwidth / SR)
        theta = 2 * np.pi * formant / SR
        out += signal.lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], pulses)
    return out * np.minimum(1, t / 0.08)


def reed(f0: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    square = np.tanh(4 * np.sin(2 * np.pi * f0 * t))
    breath = rng.normal(0, 0.03, len(t))
    return (square + breath) * np.minimum(1, t / 0.04)


INSTRUMENTS = {
    "plucked string": karplus_strong,
    "piano-like": piano_like,
    "brass-like": sawtooth_brass,
    "sung vowel": sung_vowel,
    "reed-like": reed,
}


def room(
    audio: np.ndarray, rng: np.random.Generator, *, rt60: float = 0.4, snr_db: float = 30.0
) -> np.ndarray:
    """Convolve with a decaying-noise room response and add background noise."""
    n_ir = int(rt60 * SR)
    ir = rng.normal(0, 1, n_ir) * np.exp(-6.9 * np.arange(n_ir) / n_ir)
    ir[0] = 8.0
    wet = signal.fftconvolve(audio, ir)[: len(audio)]
    wet /= np.abs(wet).max() + 1e-9
    noise = rng.normal(0, 1, len(wet))
    noise *= np.sqrt(np.mean(wet**2) / 10 ** (snr_db / 10)) / (noise.std() + 1e-12)
    return wet + noise


def instrument_note(
    name: str,
    octave: int,
    instrument: str,
    *,
    seconds: float = 1.0,
    seed: int = 0,
    loudness: float = 0.5,
) -> np.ndarray:
    """One note of an instrument in a room, float32 at 22050 Hz, peak = ``loudness``."""
    rng = np.random.default_rng(seed)
    raw = INSTRUMENTS[instrument](midi_to_hz(midi_of(name, octave)), seconds, rng)
    wet = room(raw, rng)
    return (loudness * wet / (np.abs(wet).max() + 1e-9)).astype(np.float32)


def room_tone(seconds: float = 1.0, *, seed: int = 0, level: float = 0.003) -> np.ndarray:
    """A quiet room: pink-ish noise with hum, the 'silence' of a real recording."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    white = rng.normal(0, 1, n)
    pink = signal.lfilter(
        [0.049922035, -0.095993537, 0.050612699, -0.004408786],
        [1, -2.494956002, 2.017265875, -0.522189400],
        white,
    )
    hum = 0.3 * np.sin(2 * np.pi * 50 * np.arange(n) / SR)
    out = pink / (pink.std() + 1e-12) + hum
    return (level * out / np.abs(out).max()).astype(np.float32)
