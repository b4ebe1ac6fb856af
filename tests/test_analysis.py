"""Music analysis on synthetic signals with known answers."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from musicml import analysis
from musicml.errors import ParameterError

SR = 22050
TEMPO_TOLERANCE = 0.02  # relative
BEAT_TOLERANCE = 0.050  # seconds
ONSET_TOLERANCE = 0.030  # seconds


def click_track(
    bpm: float, *, seconds: float = 12.0, start: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    truth = np.arange(start, seconds, 60.0 / bpm)
    audio = librosa.clicks(times=truth, sr=SR, length=int(seconds * SR)).astype(np.float32)
    return audio, truth


def nearest_error(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(found)[:, None] - truth[None, :]).min(axis=1)


def note_sequence(onsets: np.ndarray, *, seconds: float = 4.0) -> np.ndarray:
    """Decaying notes of different pitches starting at ``onsets`` (seconds)."""
    audio = np.zeros(int(seconds * SR))
    t = np.arange(int(0.3 * SR)) / SR
    pitches = librosa.note_to_hz(["C4", "E4", "G4", "A3", "D5", "F4", "B3", "C5"])
    for i, at in enumerate(onsets):
        start = int(at * SR)
        fade = np.minimum(1.0, (t[-1] - t) / 0.1)  # no click when the note ends
        note = 0.5 * np.exp(-t / 0.08) * fade * np.sin(2 * np.pi * pitches[i % len(pitches)] * t)
        audio[start : start + t.size] += note[: audio.size - start]
    return audio.astype(np.float32)


@pytest.mark.parametrize("bpm", [90.0, 120.0, 150.0])
def test_click_track_tempo_and_beats(bpm):
    audio, truth = click_track(bpm)
    result = analysis.analyze(audio, sr=SR)
    assert result.tempo_bpm == pytest.approx(bpm, rel=TEMPO_TOLERANCE)
    assert len(result.beat_times) >= 0.8 * len(truth)
    assert nearest_error(result.beat_times, truth).max() <= BEAT_TOLERANCE
    tempo, times = analysis.beat_times(audio, sr=SR)
    assert tempo == pytest.approx(bpm, rel=TEMPO_TOLERANCE)
    np.testing.assert_allclose(times, result.beat_times)


@pytest.mark.parametrize("bpm", [90.0, 140.0])
def test_clicks_of_a_pure_tone_have_a_tempo(bpm):
    """Short 1 kHz bursts light up a few mel bands only; the median flux misses them."""
    n = int(0.02 * SR)
    burst = np.hanning(n) * np.sin(2 * np.pi * 1000.0 * np.arange(n) / SR)
    truth = np.arange(0.0, 11.5, 60.0 / bpm)
    audio = np.zeros(12 * SR, np.float32)
    for t in truth:
        audio[int(t * SR) : int(t * SR) + n] += burst
    result = analysis.analyze(audio, sr=SR)
    assert result.tempo_bpm == pytest.approx(bpm, rel=TEMPO_TOLERANCE)
    assert nearest_error(result.beat_times, truth).max() <= BEAT_TOLERANCE
    assert analysis.beat_times(audio, sr=SR)[0] == pytest.approx(bpm, rel=TEMPO_TOLERANCE)


def test_example_song_has_its_tempo_beats_and_key():
    clip = analysis.example_song(bpm=120.0, duration=8.0)
    result = analysis.analyze(clip.audio, sr=clip.sr)
    truth = np.arange(0, 8.0, 0.5)
    assert result.tempo_bpm == pytest.approx(120.0, rel=TEMPO_TOLERANCE)
    assert nearest_error(result.beat_times, truth).max() <= BEAT_TOLERANCE
    assert result.key is not None and result.key.name == "C major"
    assert analysis.strongest_pitch_class(result.chroma) in {"C", "E", "G"}


def test_a_note_on_the_first_sample_is_an_onset():
    truth = np.array([0.0, 0.5, 1.0, 1.5])
    audio = note_sequence(truth, seconds=2.0)
    for found in (analysis.onset_times(audio, sr=SR), analysis.analyze(audio, sr=SR).onset_times):
        assert len(found) == len(truth)
        assert found[0] == 0.0
        assert nearest_error(found, truth).max() <= ONSET_TOLERANCE
    assert analysis.onset_times(np.zeros(SR, np.float32), sr=SR).size == 0


def test_backtracked_onsets_sit_just_before_the_attacks():
    truth = np.array([0.25, 0.6, 1.1, 1.45, 2.0, 2.3, 2.9, 3.4])
    found = analysis.onset_times(note_sequence(truth), sr=SR, backtrack=True)
    assert len(found) == len(truth)
    early = truth - found
    assert np.all(early >= -0.005) and np.all(early <= ONSET_TOLERANCE)


def test_onsets_of_a_note_sequence():
    truth = np.array([0.25, 0.6, 1.1, 1.45, 2.0, 2.3, 2.9, 3.4])
    audio = note_sequence(truth)
    for found in (analysis.onset_times(audio, sr=SR), analysis.analyze(audio, sr=SR).onset_times):
        assert len(found) == len(truth)
        assert nearest_error(found, truth).max() <= ONSET_TOLERANCE


def test_note_changes_of_a_slur_and_the_end_of_a_note():
    """Phase-continuous sines C4 → G4 → E4 (no attack anywhere), then a quiet room."""
    freqs = np.repeat([261.63, 392.0, 329.63], SR)
    audio = 0.5 * np.sin(2 * np.pi * np.cumsum(freqs) / SR)
    audio = np.concatenate([audio, np.zeros(SR)]) + 1e-4 * np.random.default_rng(0).standard_normal(
        4 * SR
    )
    found = analysis.note_change_times(audio.astype(np.float32), sr=SR)
    assert nearest_error(np.array([1.0, 2.0, 3.0]), found).max() <= 0.05
    assert len(found) == 3
    steady = analysis.note_change_times(audio[:SR].astype(np.float32), sr=SR)
    assert steady.size == 0
    assert analysis.note_change_times(np.zeros(SR, np.float32), sr=SR).size == 0


def test_one_stft_route_matches_the_naive_route():
    clip = analysis.example_song(bpm=120.0, duration=4.0)
    result = analysis.analyze(clip.audio, sr=SR)
    naive_env = librosa.onset.onset_strength(y=clip.audio, sr=SR)
    np.testing.assert_allclose(result.onset_envelope, naive_env, atol=1e-4)
    naive_chroma = librosa.feature.chroma_stft(y=clip.audio, sr=SR, tuning=0.0)
    np.testing.assert_allclose(result.chroma, naive_chroma, atol=1e-4)
    # MFCC 0 differs by the dB reference (peak vs 1.0); the shape coefficients agree.
    naive_mfcc = librosa.feature.mfcc(y=clip.audio, sr=SR)
    np.testing.assert_allclose(result.mfcc[1:], naive_mfcc[1:], atol=1e-2)
    assert result.mel_db.shape == (128, naive_env.size)
    assert result.duration == pytest.approx(4.0)


@pytest.mark.slow
def test_numpy_beat_tracker_equals_librosa():
    """The port gives librosa.beat.beat_track's beats (importing librosa.beat compiles numba)."""
    for bpm in (96.0, 120.0, 140.0):
        clip = analysis.example_song(bpm=bpm, duration=10.0, seed=1)
        env = librosa.onset.onset_strength(y=clip.audio, sr=SR, aggregate=np.median)
        tempo = analysis.estimate_tempo(env, sr=SR)
        _, expected = librosa.beat.beat_track(onset_envelope=env, sr=SR, bpm=tempo)
        np.testing.assert_array_equal(analysis.track_beats(env, bpm=tempo, sr=SR), expected)


def test_silence_has_no_beats_and_no_key():
    result = analysis.analyze(np.zeros(SR, dtype=np.float32), sr=SR)
    assert result.tempo_bpm == 0.0
    assert result.beat_times.size == 0 and result.onset_times.size == 0
    assert result.key is None


def test_click_track_mix_keeps_length_and_range():
    clip = analysis.example_song(duration=3.0)
    mixed = analysis.click_track(clip.audio, np.array([0.5, 1.0, 1.5]), sr=SR, gain=1.0)
    assert mixed.shape == clip.audio.shape and np.abs(mixed).max() <= 1.0
    assert np.abs(mixed - clip.audio)[int(0.5 * SR) : int(0.52 * SR)].max() > 0.1


def test_beat_sync_features_have_one_column_per_segment():
    clip = analysis.example_song(bpm=120.0, duration=6.0)
    result = analysis.analyze(clip.audio, sr=SR, n_mfcc=13)
    sync = analysis.beat_sync_features(result)
    n_segments = len(result.beat_frames) + 1
    assert sync.mfcc.shape == (13, n_segments)
    assert sync.delta.shape == (13, n_segments)
    assert sync.chroma.shape == (12, n_segments)
    assert sync.times.shape == (n_segments,) and sync.times[0] == 0.0


def test_key_profiles_rotate_to_the_right_tonic():
    profiles = analysis.key_profiles()
    a_minor = profiles[12 + analysis.PITCH_CLASSES.index("A")]
    assert analysis.estimate_key(a_minor).name == "A minor"
    g_major = np.tile(profiles[analysis.PITCH_CLASSES.index("G")][:, None], (1, 5))
    key = analysis.estimate_key(g_major)
    assert key.name == "G major" and key.confidence == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="12 rows"):
        analysis.estimate_key(np.ones((10, 4)))


def test_hpss_separates_tone_from_clicks():
    seconds = 3.0
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.3 * np.sin(2 * np.pi * 440.0 * t)
    rng = np.random.default_rng(0)
    clicks = np.zeros_like(t)
    for at in np.arange(0.25, seconds, 0.5):
        start = int(at * SR)
        clicks[start : start + 64] += 0.8 * rng.standard_normal(64) * np.exp(-np.arange(64) / 16)
    harmonic, percussive = analysis.harmonic_percussive((tone + clicks).astype(np.float32))
    freqs = librosa.fft_frequencies(sr=SR)
    tone_band = (freqs > 420) & (freqs < 460)
    high_band = freqs > 2000  # the tone has no energy here, the clicks do

    def band_energy(audio, band):
        return float((np.abs(librosa.stft(audio)) ** 2)[band].sum())

    tone_h, tone_p = band_energy(harmonic, tone_band), band_energy(percussive, tone_band)
    click_h, click_p = band_energy(harmonic, high_band), band_energy(percussive, high_band)
    assert tone_h / (tone_h + tone_p) > 0.9
    assert click_p / (click_h + click_p) > 0.9


@pytest.mark.parametrize("rate", [0.5, 1.5, 2.0])
def test_time_stretch_changes_duration_by_its_factor(rate):
    audio = analysis.example_song(duration=2.0).audio
    stretched = analysis.time_stretch(audio, rate=rate)
    assert stretched.size / audio.size == pytest.approx(1 / rate, rel=0.01)


def peak_frequency(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(audio.size), 8 * audio.size))
    return float(np.fft.rfftfreq(8 * audio.size, 1 / SR)[spectrum.argmax()])


@pytest.mark.parametrize("n_steps", [-5, 3, 12])
def test_pitch_shift_moves_the_peak_by_semitones(n_steps):
    t = np.arange(SR) / SR
    audio = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    shifted = analysis.pitch_shift(audio, sr=SR, n_steps=n_steps)
    assert shifted.size == audio.size
    assert peak_frequency(shifted) == pytest.approx(440.0 * 2 ** (n_steps / 12), rel=0.005)


def test_nmf_error_falls_with_more_components_and_resynthesis_is_linear():
    audio = analysis.example_song(duration=3.0).audio
    errors = [
        analysis.nmf_error(analysis.nmf_decompose(audio, n_components=k, seed=0))
        for k in (1, 2, 4, 8)
    ]
    assert all(np.diff(errors) < 0), errors
    decomposition = analysis.nmf_decompose(audio, n_components=3, seed=0)
    assert decomposition.components.shape == (1025, 3)
    assert decomposition.activations.shape == (3, decomposition.magnitude.shape[1])
    parts = [analysis.nmf_resynthesize(decomposition, components=[i]) for i in range(3)]
    whole = analysis.nmf_resynthesize(decomposition)
    assert whole.shape == audio.shape
    np.testing.assert_allclose(np.sum(parts, axis=0), whole, atol=2e-3)
    with pytest.raises(ParameterError, match="components"):
        analysis.nmf_resynthesize(decomposition, components=[3])


def test_cqt_note_axis_puts_a4_on_440_hz():
    t = np.arange(SR) / SR
    audio = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    db = analysis.cqt_db(audio, sr=SR)
    names = analysis.cqt_note_names()
    assert db.shape[0] == len(names) == 84 and names[0] == "C1"
    assert names[int(db.mean(axis=1).argmax())] == "A4"
    chroma = analysis.chroma_from_cqt(db)
    assert analysis.PITCH_CLASSES[int(chroma.mean(axis=1).argmax())] == "A"


def test_parameters_are_validated():
    with pytest.raises(ParameterError, match="mono"):
        analysis.analyze(np.zeros((2, SR), dtype=np.float32), sr=SR)
    with pytest.raises(ParameterError, match="sr"):
        analysis.analyze(np.zeros(SR, dtype=np.float32), sr=0)
    with pytest.raises(ParameterError, match="rate"):
        analysis.time_stretch(np.zeros(SR, dtype=np.float32), rate=10)
    with pytest.raises(ParameterError, match="n_steps"):
        analysis.pitch_shift(np.zeros(SR, dtype=np.float32), sr=SR, n_steps=40)
    with pytest.raises(ParameterError, match="bpm"):
        analysis.track_beats(np.ones(100), bpm=0)


def test_warm_up_runs_once():
    first = analysis.warm_up()
    assert first > 0
    assert analysis.warm_up() == first
    thread = analysis.start_warm_up()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_numba_cache_dir_is_writable(tmp_path, monkeypatch):
    import numba

    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    where = analysis.configure_numba_cache(tmp_path / "numba")
    assert where == tmp_path / "numba" and where.is_dir()


def test_subsampled_tempogram_gives_librosas_tempo():
    clip = analysis.example_song(bpm=108.0, duration=30.0, seed=2)
    env = librosa.onset.onset_strength(y=clip.audio, sr=SR, aggregate=np.median)
    expected = float(librosa.feature.tempo(onset_envelope=env, sr=SR)[0])
    assert analysis.estimate_tempo(env, sr=SR) == expected  # 1292 frames: every window
    assert analysis.estimate_tempo(env, sr=SR, max_columns=200) == expected  # every 7th


SHORTEST = round(0.05 * SR)
"""The shortest sound load_audio accepts: 50 ms, three STFT frames."""

RECONSTRUCTION_ATOL = 1e-5


def test_hpss_of_the_shortest_sound_is_finite_and_sums_back():
    audio = (0.1 * np.random.default_rng(1).standard_normal(SHORTEST)).astype(np.float32)
    harmonic, percussive = analysis.harmonic_percussive(audio)
    assert harmonic.shape == percussive.shape == audio.shape
    assert np.isfinite(harmonic).all() and np.isfinite(percussive).all()
    np.testing.assert_allclose(harmonic + percussive, audio, atol=RECONSTRUCTION_ATOL)


def test_nmf_of_the_shortest_sound_takes_more_components_than_frames():
    audio = (0.1 * np.random.default_rng(1).standard_normal(SHORTEST)).astype(np.float32)
    decomposition = analysis.nmf_decompose(audio, n_components=12, seed=0)
    assert decomposition.magnitude.shape[1] == 3
    assert decomposition.components.shape == (1025, 12)
    assert np.isfinite(decomposition.activations).all()
    again = analysis.nmf_decompose(audio, n_components=12, seed=0)
    np.testing.assert_array_equal(again.components, decomposition.components)


def test_onset_strength_without_each_bands_flicker_hears_an_attack_through_hiss():
    # A tone attacked at 1 s in hiss 20 dB under it: the bands the hiss fills rise
    # a little at every frame. Without each band's flicker, the hiss alone is
    # nearly no flux and the attack stands out.
    rng = np.random.default_rng(0)
    t = np.arange(2 * SR) / SR
    tone = np.where(t >= 1.0, 0.3 * np.sin(2 * np.pi * 440 * t), 0.0)
    audio = (tone + rng.normal(0.0, 0.02, len(t))).astype(np.float32)
    plain = analysis.onset_strength(audio, sr=SR)
    steady = analysis.onset_strength(audio, sr=SR, flicker_percentile=90)
    assert steady.shape == plain.shape
    attack = round(1.0 * SR / 512)
    for envelope in (plain, steady):
        assert abs(int(np.argmax(envelope[10:])) + 10 - attack) <= 3
    hiss = slice(10, attack - 5)
    assert np.median(plain[hiss]) / plain.max() > 0.15  # the hiss: a fifth of the attack
    assert np.median(steady[hiss]) / steady.max() < 0.05
    # With no flicker taken away it is librosa's flux.
    unchanged = analysis.onset_strength(audio, sr=SR, flicker_percentile=0)
    np.testing.assert_allclose(unchanged, plain, atol=1e-4)
