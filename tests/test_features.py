"""Features: batched results equal per-clip librosa; analytic peaks; transformer API."""

from __future__ import annotations

import warnings
from pathlib import Path

import librosa
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from musicml import features, synth
from musicml.errors import ParameterError
from musicml.features import (
    FEATURE_KINDS,
    REPRESENTATION_KINDS,
    FeatureExtractor,
    mel_spectrogram_db,
    representation,
    window_spectrum,
)

ROOT = Path(__file__).resolve().parent.parent
SR = 22050
DB_TOL = 0.05
"""dB, for rows within DEEP_DB of the clip's loudest row: float32 batched FFT vs librosa's."""
DEEP_DB = 60.0
DEEP_TOL = 3.0
"""dB, for rows deeper than DEEP_DB below the loudest: float32 rounding of the two FFTs."""
UNIT_TOL = 1e-4
"""Chroma (0–1) and MFCC coefficients."""


@pytest.fixture(scope="module")
def clips() -> list[np.ndarray]:
    """Clips of different lengths: tones, noise and silence."""
    rng = np.random.default_rng(0)
    return [
        synth.tone(440.0, duration=1.0, timbre="string"),
        (0.1 * rng.standard_normal(SR)).astype(np.float32),
        synth.tone(261.63, duration=0.7, timbre="piano"),
        np.zeros(SR // 2, dtype=np.float32),
        synth.tone(1000.0, duration=1.3, timbre="flute"),
        synth.tone(523.25, duration=1.0, timbre="clarinet"),
    ]


def _stats(matrix: np.ndarray) -> np.ndarray:
    return np.concatenate([matrix.mean(axis=-1), matrix.std(axis=-1)])


def _reference(kind: str, clip: np.ndarray) -> np.ndarray:
    """The same features computed the slow way: librosa on one clip."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if kind == "mel":
            power = librosa.feature.melspectrogram(y=clip, sr=SR)
            return _stats(librosa.power_to_db(power, ref=1.0, amin=1e-10, top_db=None))
        if kind == "stft":
            power = np.abs(librosa.stft(clip)) ** 2
            return _stats(librosa.power_to_db(power, ref=1.0, amin=1e-10, top_db=None))
        if kind == "chroma":
            return _stats(librosa.feature.chroma_stft(y=clip, sr=SR, tuning=0.0))
        if kind == "mfcc":
            mfcc = librosa.feature.mfcc(y=clip, sr=SR, n_mfcc=20)
            return _stats(np.concatenate([mfcc, librosa.feature.delta(mfcc)]))
        if kind == "cqt":
            magnitude = np.abs(librosa.cqt(clip, sr=SR))
            return _stats(librosa.power_to_db(magnitude**2, ref=1.0, amin=1e-10, top_db=None))
        if kind == "fft":
            return np.abs(np.fft.rfft(clip))[:1000]
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["mel", "stft", "chroma", "mfcc", "cqt", "fft"])
def test_batched_features_equal_per_clip_librosa(kind, clips):
    batched = FeatureExtractor(kind=kind, sr=SR).fit_transform(clips)
    reference = np.stack([_reference(kind, c) for c in clips])
    assert batched.shape == reference.shape
    assert batched.dtype == np.float32
    if kind in ("chroma", "mfcc"):
        np.testing.assert_allclose(batched, reference, atol=UNIT_TOL * np.abs(reference).max())
    elif kind == "fft":
        np.testing.assert_allclose(batched, reference, rtol=1e-4, atol=1e-3)
    else:
        level = reference[:, : reference.shape[1] // 2]  # mean dB of each row
        deep = level < level.max(axis=1, keepdims=True) - DEEP_DB
        tolerance = np.where(np.concatenate([deep, deep], axis=1), DEEP_TOL, DB_TOL)
        assert np.all(np.abs(batched - reference) <= tolerance)


def test_two_d_array_and_list_give_the_same_features():
    batch = np.stack([synth.tone(f) for f in (220.0, 330.0, 440.0)])
    extractor = FeatureExtractor(kind="mel")
    np.testing.assert_array_equal(extractor.transform(batch), extractor.transform(list(batch)))
    one = extractor.transform(batch[0])
    assert one.shape == (1, 256)


def test_chroma_from_cqt_peaks_at_the_pitch_class():
    batch = [synth.tone(synth.note_frequency(n), timbre="piano") for n in ("C4", "E3", "G#5")]
    features = FeatureExtractor(kind="chroma", chroma_source="cqt").transform(batch)
    assert [synth.NOTE_NAMES[k] for k in features[:, :12].argmax(axis=1)] == ["C", "E", "G#"]


def test_feature_widths_match_feature_names():
    clip = [synth.tone(440.0)]
    for kind in ("mel", "stft", "cqt", "chroma", "mfcc", "fft"):
        extractor = FeatureExtractor(kind=kind, stats=("mean", "std", "max"))
        assert extractor.transform(clip).shape[1] == len(extractor.get_feature_names_out())


def test_statistics_other_than_mean_and_std():
    clip = synth.append_silence(synth.tone(440.0), seconds=1.0)
    lo, hi = np.split(FeatureExtractor(kind="mel", stats=("min", "max")).transform([clip]), 2, 1)
    assert np.all(hi >= lo)
    assert lo.min() == pytest.approx(-100.0)  # the silent half sits at the power floor


def test_extractor_clones_and_sits_in_a_pipeline():
    extractor = FeatureExtractor(kind="mfcc", n_mfcc=13, stats=("mean",))
    copy = clone(extractor)
    assert copy.get_params() == extractor.get_params()
    for value in copy.get_params().values():
        assert value is None or isinstance(value, (int, float, str, bool, tuple))
    clips = [synth.sine(f, duration=0.5) for f in (300, 320, 2000, 2100)]
    pipe = make_pipeline(FeatureExtractor(kind="mel"), StandardScaler(), LogisticRegression())
    pipe.fit(clips, ["low", "low", "high", "high"])
    assert list(pipe.predict([synth.sine(310, duration=0.8)])) == ["low"]


def test_extractor_survives_skops():
    sio = pytest.importorskip("skops.io")
    extractor = FeatureExtractor(kind="cqt", n_bins=72, stats=("mean", "max"))
    blob = sio.dumps(extractor)
    loaded = sio.loads(blob, trusted=sio.get_untrusted_types(data=blob))
    assert loaded.get_params() == extractor.get_params()


def test_gabor_is_a_feature_kind_like_the_others():
    assert "gabor" in FEATURE_KINDS
    out = FeatureExtractor(kind="gabor").transform(
        [synth.tone(440.0), synth.tone(880.0, duration=0.5)]
    )
    assert out.shape[0] == 2 and np.all(np.isfinite(out))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"kind": "wavelet"}, "kind must be one of"),
        ({"n_mels": 0}, "n_mels"),
        ({"fmin": 5000.0, "fmax": 1000.0}, "fmin"),
        ({"stats": ("median",)}, "stats"),
        ({"kind": "chroma", "chroma_source": "mel"}, "chroma_source"),
        ({"kind": "cqt", "sr": 8000}, "constant-Q"),
    ],
)
def test_bad_parameters_are_refused_with_the_parameter_named(params, match):
    with pytest.raises(ParameterError, match=match):
        FeatureExtractor(**params).fit_transform([np.zeros(8000, np.float32)])


def test_empty_input_is_refused():
    with pytest.raises(ParameterError, match="at least one clip"):
        FeatureExtractor().transform([])
    with pytest.raises(ParameterError, match="non-empty"):
        FeatureExtractor().transform([np.zeros(0)])


def test_representations_put_a_440_hz_tone_where_it_belongs():
    audio = synth.tone(440.0, timbre="pure")
    stft = representation(audio, sr=SR, kind="stft")
    assert stft.frequencies[stft.values.mean(axis=1).argmax()] == pytest.approx(440, abs=11)
    cqt = representation(audio, sr=SR, kind="cqt")
    assert cqt.row_labels[cqt.values.mean(axis=1).argmax()] == "A4"
    chroma = representation(audio, sr=SR, kind="chroma")
    assert chroma.row_labels[chroma.values.mean(axis=1).argmax()] == "A"
    mel = representation(audio, sr=SR, kind="mel")
    assert mel.frequencies[mel.values.mean(axis=1).argmax()] == pytest.approx(440, rel=0.1)
    for kind in REPRESENTATION_KINDS:
        rep = representation(audio, sr=SR, kind=kind, hop_length=256)
        assert rep.values.shape == (len(rep.row_labels), len(rep.times))
        assert rep.times[1] == pytest.approx(256 / SR)


CQT_PARITY_DB = 1e-3
"""dB: the one constant-Q picture against the Music analysis page's former own path."""


def test_the_constant_q_picture_is_the_one_the_analysis_page_drew():
    rng = np.random.default_rng(0)
    audio = synth.tone(440.0, duration=2.0, timbre="piano") + 0.01 * rng.standard_normal(2 * SR)
    audio = np.concatenate([np.zeros(5000), audio]).astype(np.float32)
    # The former analysis.cqt_db: librosa's CQT from C1 and librosa's dB relative to the peak.
    before = librosa.amplitude_to_db(np.abs(librosa.cqt(audio, sr=SR, hop_length=512)), ref=np.max)
    db = features.cqt_db(audio, sr=SR)
    assert db.shape == before.shape == (84, 1 + audio.size // 512) and db.dtype == np.float32
    np.testing.assert_allclose(db, before, atol=CQT_PARITY_DB)
    np.testing.assert_allclose(representation(audio, sr=SR, kind="cqt").values, db)
    names = features.cqt_note_names()
    former = [str(n) for n in librosa.midi_to_note(24 + np.arange(84), unicode=False)]
    assert names == former == list(representation(audio, sr=SR, kind="cqt").row_labels)
    folded = np.zeros((12, db.shape[1]))
    np.add.at(folded, np.arange(84) % 12, librosa.db_to_amplitude(db))
    np.testing.assert_allclose(
        features.chroma_from_cqt(db), librosa.util.normalize(folded, axis=0), atol=1e-6
    )
    assert features.cqt_db(np.zeros(SR, np.float32), sr=SR).max() == pytest.approx(-100.0)
    with pytest.raises(ParameterError, match="highest constant-Q bin"):
        features.cqt_db(audio, sr=6000)


def test_mel_spectrogram_relative_to_peak_is_zero_at_the_top():
    db = mel_spectrogram_db(synth.append_silence(synth.sine(1000.0)), top_db=80.0)
    assert db.max() == pytest.approx(0.0, abs=1e-4)
    assert db.min() == pytest.approx(-80.0, abs=1e-4)


def test_window_spectrum_of_a_full_scale_sine_peaks_near_zero_db():
    freqs, db = window_spectrum(synth.sine(3000.0), sr=SR, start=0.5, n_fft=4096)
    assert freqs[db.argmax()] == pytest.approx(3000.0, abs=SR / 4096)
    assert db.max() == pytest.approx(0.0, abs=1.5)
    with pytest.raises(ParameterError, match="start"):
        window_spectrum(synth.sine(3000.0), start=5.0)


def test_one_framing_streamed_batched_and_librosa_give_the_same_power_spectrogram():
    import librosa

    from musicml.features import power_blocks, power_spectrogram
    from musicml.features.spectrum import _frame_chunks, _power

    rng = np.random.default_rng(3)
    audio = rng.standard_normal(22050 * 3 + 123).astype(np.float32)
    reference = np.abs(librosa.stft(audio, n_fft=2048, hop_length=512)) ** 2
    streamed = power_spectrogram(audio, n_fft=2048, hop_length=512)
    assert streamed.shape == reference.shape
    np.testing.assert_allclose(streamed, reference, rtol=1e-3, atol=1e-3 * reference.max())
    small_blocks = np.concatenate(
        [p for _, p in power_blocks(audio, n_fft=2048, hop_length=512, block_frames=7)], axis=1
    )
    np.testing.assert_array_equal(small_blocks, streamed)
    (counts, frames), *_ = list(_frame_chunks([audio], 2048, 512))
    assert int(counts[0]) == streamed.shape[1]
    np.testing.assert_allclose(_power(frames).T, streamed, rtol=1e-4, atol=1e-4 * streamed.max())


def test_mel_spectrogram_db_matches_librosa_on_a_batch():
    import librosa

    rng = np.random.default_rng(4)
    batch = rng.standard_normal((2, 11025)).astype(np.float32)
    ours = features.mel_spectrogram_db(batch, sr=22050, n_mels=64)
    for row, clip in zip(ours, batch, strict=True):
        power = librosa.feature.melspectrogram(y=clip, sr=22050, n_mels=64)
        theirs = librosa.power_to_db(power, ref=np.max, top_db=80.0)
        np.testing.assert_allclose(row, theirs, atol=0.05)


ONE_HOME = {
    "librosa.cqt(": {"musicml/features/spectrum.py"},
    "librosa.vqt(": set(),
    "librosa.hybrid_cqt(": set(),
    "librosa.pseudo_cqt(": set(),
    "librosa.feature.melspectrogram(": set(),
    # NMF resynthesis needs the complex STFT and its exact inverse (librosa.istft).
    "librosa.stft(": {"musicml/analysis/decompose.py"},
}
"""Calls that compute a spectrogram, and the one module each may appear in."""


def test_each_spectrogram_has_one_home():
    for call, homes in ONE_HOME.items():
        found = {
            str(path.relative_to(ROOT))
            for path in (ROOT / "musicml").rglob("*.py")
            if call in path.read_text(encoding="utf-8")
        }
        assert found == homes, call
