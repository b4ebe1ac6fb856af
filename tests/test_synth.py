"""Synthesis: analytic checks on tones, notes, timbres, envelopes and noise."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest

from musicml import synth
from musicml.errors import ParameterError

SR = 22050
PEAK_SECONDS = 1.0
FREQ_TOL_HZ = 1 / PEAK_SECONDS  # one bin of a 1-second FFT: 1 Hz
SNR_TOL_DB = 0.3
SHARP_PEAK_TIMBRES = ("pure", "flute", "clarinet", "string", "organ")
"""Timbres whose strongest partial is the fundamental."""


def peak_frequency(audio: np.ndarray, sr: int = SR) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.fft.rfftfreq(len(audio), 1 / sr)[spectrum.argmax()])


def test_sine_first_ten_milliseconds_hold_ten_cycles_of_1khz():
    audio = synth.sine(1000.0, duration=0.01, sr=44100, phase=-0.1)
    assert len(audio) == 441
    upward_zero_crossings = np.sum((audio[:-1] < 0) & (audio[1:] >= 0))
    assert upward_zero_crossings == 10


@pytest.mark.parametrize(
    ("name", "hz"),
    [("A4", 440.0), ("C4", 261.6256), ("A0", 27.5), ("C8", 4186.009), ("Bb3", 233.0819)],
)
def test_note_frequency_known_values(name, hz):
    assert synth.note_frequency(name) == pytest.approx(hz, abs=1e-3)


def test_tutorial_natural_notes_are_the_equal_tempered_c4_to_b4():
    for pitch, hz in synth.NATURAL_NOTES.items():
        assert synth.note_frequency(f"{pitch}4") == pytest.approx(hz, abs=0.01)


def test_name_frequency_round_trip_over_the_piano_and_beyond():
    for midi in range(12, 121):
        name = synth.midi_to_note(midi)
        assert synth.note_to_midi(name) == midi
        assert synth.note_name(synth.note_frequency(name)) == name
        # A quarter-tone off still names the nearest note.
        assert synth.note_name(synth.note_frequency(name) * 2 ** (0.2 / 12)) == name


def test_flats_and_sharps_name_the_same_pitch_class():
    assert synth.pitch_class("Db2") == synth.pitch_class("C#5") == "C#"
    assert synth.note_to_midi("B#3") == synth.note_to_midi("C4")


@pytest.mark.parametrize("bad", ["H4", "A##4", "", "440", "C 4 4"])
def test_bad_note_names_are_refused(bad):
    with pytest.raises(ParameterError, match="note name"):
        synth.note_to_midi(bad)


@pytest.mark.parametrize("timbre", SHARP_PEAK_TIMBRES)
def test_spectral_peak_is_the_pitch_of_every_note(timbre):
    for midi in range(48, 72):  # C3 … B4
        f = float(synth.midi_to_frequency(midi))
        audio = synth.tone(f, duration=PEAK_SECONDS, sr=SR, timbre=timbre, envelope="flat")
        assert peak_frequency(audio) == pytest.approx(f, abs=FREQ_TOL_HZ + 1e-9), (timbre, midi)


@pytest.mark.parametrize("timbre", sorted(synth.TIMBRES))
def test_chroma_maximum_is_the_pitch_class_for_every_timbre(timbre):
    midis = range(57, 69)  # A3 … G#4: all twelve pitch classes
    batch = np.stack(
        [synth.tone(float(synth.midi_to_frequency(m)), sr=SR, timbre=timbre, seed=1) for m in midis]
    )
    with warnings.catch_warnings():  # librosa's note about its internal short frames
        warnings.simplefilter("ignore", UserWarning)
        chroma = librosa.feature.chroma_cqt(y=batch, sr=SR).sum(axis=-1)
    found = [synth.NOTE_NAMES[k] for k in chroma.argmax(axis=-1)]
    assert found == [synth.NOTE_NAMES[m % 12] for m in midis]


def test_tone_peak_is_the_amplitude_and_partials_stay_below_nyquist():
    audio = synth.tone(1000.0, sr=8000, timbre="string", amplitude=0.5)
    assert np.abs(audio).max() == pytest.approx(0.5, rel=1e-5)
    freqs, _, _ = synth.partials(3000.0, timbre="string", sr=8000)
    assert freqs.max() < 0.45 * 8000


def test_bell_partials_are_inharmonic():
    freqs, _, _ = synth.partials(200.0, timbre="bell")
    ratios = freqs / 200.0
    assert np.any(np.abs(ratios - np.round(ratios * 2) / 2) > 0.05)


def test_detune_and_vibrato_move_the_pitch():
    up = synth.tone(440.0, duration=4.0, detune_cents=100.0)
    assert peak_frequency(up) == pytest.approx(440.0 * 2 ** (1 / 12), abs=0.5)
    plain = synth.tone(440.0, duration=1.0)
    wobbly = synth.tone(440.0, duration=1.0, vibrato_cents=50.0, vibrato_rate=6.0)
    assert not np.allclose(plain, wobbly)


def test_adsr_shape():
    env = synth.adsr(SR, sr=SR, attack=0.1, decay=0.1, sustain=0.5, release=0.2)
    assert env[0] == 0.0
    assert env[round(0.1 * SR)] == pytest.approx(1.0, abs=0.01)
    assert env[round(0.6 * SR)] == pytest.approx(0.5, abs=0.01)
    assert env[-1] < 0.01
    assert env.max() <= 1.0


def test_adsr_rejects_a_bad_sustain():
    with pytest.raises(ParameterError, match="sustain"):
        synth.adsr(100, sustain=1.5)


@pytest.mark.parametrize("color", ["white", "pink", "brown"])
def test_noise_is_added_at_the_requested_snr(color):
    clean = synth.sine(440.0, duration=2.0, amplitude=0.5)
    noisy = synth.add_noise(clean, snr_db=12.0, color=color, seed=3)
    noise = noisy - clean
    snr = 10 * np.log10(np.mean(clean.astype(float) ** 2) / np.mean(noise.astype(float) ** 2))
    assert snr == pytest.approx(12.0, abs=SNR_TOL_DB)


def test_reverb_keeps_length_and_adds_a_tail():
    burst = np.zeros(SR, dtype=np.float32)
    burst[:100] = 0.5
    wet = synth.reverb(burst, sr=SR, seconds=0.5, wet=0.5, seed=0)
    assert wet.shape == burst.shape
    assert np.abs(wet[SR // 10 :]).max() > 1e-3
    assert np.abs(wet).max() <= 0.5 + 1e-6


def test_chord_contains_each_note():
    audio = synth.chord(["C4", "E4", "G4"], duration=2.0)
    spectrum = np.abs(np.fft.rfft(audio))
    freqs = np.fft.rfftfreq(len(audio), 1 / SR)
    top3 = np.sort(freqs[np.argsort(spectrum)[-3:]])
    expected = [synth.note_frequency(n) for n in ("C4", "E4", "G4")]
    assert top3 == pytest.approx(expected, abs=0.6)


def test_random_melody_is_seeded():
    a, names_a = synth.random_melody(n_notes=6, seed=5)
    b, names_b = synth.random_melody(n_notes=6, seed=5)
    _, names_c = synth.random_melody(n_notes=6, seed=6)
    assert names_a == names_b and np.array_equal(a, b)
    assert names_a != names_c
    assert len(a) == 6 * round(0.5 * SR)


def test_tone_refuses_frequencies_above_nyquist():
    with pytest.raises(ParameterError, match="half the sample rate"):
        synth.tone(12000.0, sr=SR)
    with pytest.raises(ParameterError, match="timbre"):
        synth.tone(440.0, timbre="kazoo")


def test_partial_waves_in_parallel_blocks_match_the_plain_formula_to_the_bit(monkeypatch):

    rng = np.random.default_rng(3)
    n, sr = 30_001, 22050
    t = np.arange(n) / sr
    base = 2 * np.pi * t
    freqs = rng.uniform(100, 5000, 12)
    phases = rng.uniform(0, 2 * np.pi, 12)
    decays = np.where(rng.random(12) < 0.5, 0.0, rng.uniform(0.1, 5.0, 12))
    expected = np.sin(freqs[:, None] * base[None, :] + phases[:, None])
    expected *= np.exp(-decays[:, None] * t[None, :])
    for threshold in (1, 1 << 40):  # always in blocks, never in blocks
        monkeypatch.setattr(synth, "_PARALLEL_MIN", threshold)
        assert np.array_equal(synth._partial_waves(freqs, phases, decays, base, t), expected)


def test_tone_is_the_same_whether_or_not_it_is_computed_in_blocks(monkeypatch):

    kwargs = dict(duration=1.5, timbre="piano", vibrato_cents=20.0, partial_jitter_db=3.0)
    monkeypatch.setattr(synth, "_PARALLEL_MIN", 1 << 40)
    serial = synth.tone(220.0, seed=5, **kwargs)
    monkeypatch.setattr(synth, "_PARALLEL_MIN", 1)
    assert np.array_equal(synth.tone(220.0, seed=5, **kwargs), serial)
