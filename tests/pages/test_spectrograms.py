"""Spectrograms page: every representation, every source, the spectrum and comparisons."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from musicml.datasets import notes_dataset

TIMEOUT = 120


def _open() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/spectrograms.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """Plotly figures of the page by title."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def figure(at: AppTest, starts: str) -> dict:
    matches = [spec for title, spec in figures(at).items() if title.startswith(starts)]
    assert matches, f"no figure titled {starts!r}; have {list(figures(at))}"
    return matches[0]


def array(value) -> np.ndarray:
    """A plotly array, plain or base64 ``bdata``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def test_defaults_show_mel_spectrogram_waveform_spectrum_and_player():
    at = _open()
    heat = figure(at, "Mel spectrogram of tone sequence")["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["zmin"] == -80 and heat["zmax"] == 0
    assert heat["colorbar"]["title"]["text"] == "dB"
    assert "Waveform" in figures(at)
    assert figure(at, "FFT of the 2048-sample window")
    assert at.get("audio")
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert titles.count("Mel spectrogram of tone sequence") == 2  # the main view and the left
    assert "Constant-Q (notes) of tone sequence" in titles


@pytest.mark.parametrize(
    ("kind", "title", "tick"),
    [
        ("stft", "STFT", None),
        ("cqt", "Constant-Q", "C4"),
        ("chroma", "Chroma", "C#"),
        ("mfcc", "MFCC", "0"),
    ],
)
def test_each_representation_draws_with_its_own_axis(kind, title, tick):
    at = _open()
    at.selectbox(key="spec.kind").set_value(kind).run()
    assert not at.exception and not at.error
    spec = figure(at, f"{title} (" if kind == "stft" else title)
    if tick is not None:
        assert tick in spec["layout"]["yaxis"]["ticktext"]


def test_log_frequency_stft_and_colour_range():
    at = _open()
    at.selectbox(key="spec.kind").set_value("stft").run()
    at.toggle(key="spec.log").set_value(True).run()
    at.slider(key="spec.db_range").set_value((-60, -10)).run()
    spec = figure(at, "STFT")
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert spec["data"][0]["zmin"] == -60 and spec["data"][0]["zmax"] == -10
    heat = spec["data"][0]
    n_rows = len(array(heat["y"]))
    assert n_rows <= 512  # tall STFTs are pooled for the browser
    # Whole decibels in one byte each, no per-cell hover matrix: light for the browser.
    assert heat["z"]["dtype"] == "i1" and "customdata" not in heat
    assert "Hz" in heat["hovertemplate"]


def test_synthesizer_source_puts_the_spectrum_peak_at_the_note():
    at = _open()
    at.segmented_control(key="spec.source").set_value("Synthesizer").run()
    at.selectbox(key="spec.synth.note").set_value("A4").run()
    assert not at.exception
    peaks = figure(at, "FFT of")["data"][1]
    assert array(peaks["x"])[0] == pytest.approx(440.0, abs=22050 / 2048)
    at.selectbox(key="spec.synth.timbre").set_value("bell").run()
    assert not at.exception


def test_dataset_clip_source_reads_the_session_data_sets():
    at = _open()
    at.session_state["datasets"] = {"tiny": notes_dataset(per_class=2, seed=1)}
    at.segmented_control(key="spec.source").set_value("Data-set clip").run()
    at.selectbox(key="spec.class").set_value("E").run()
    assert not at.exception and not at.error
    assert "(E)" in figure(at, "Mel spectrogram of")["layout"]["title"]["text"]


def test_dataset_clip_source_without_data_sets_explains_where_to_get_one():
    at = _open()
    at.segmented_control(key="spec.source").set_value("Data-set clip").run()
    assert not at.exception
    assert "Synthesize page" in at.info[0].value


def test_upload_and_recording_and_a_bad_upload(tone_wav_bytes, not_audio_bytes):
    at = _open()
    at.segmented_control(key="spec.source").set_value("Upload a file").run()
    at.file_uploader(key="spec.upload").set_value(("song.wav", tone_wav_bytes, "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    assert figure(at, "Mel spectrogram of song.wav")
    at.file_uploader(key="spec.upload").set_value(("broken.wav", not_audio_bytes, "audio/wav"))
    at.run()
    assert not at.exception
    assert "could not be read as audio" in at.error[0].value
    at.segmented_control(key="spec.source").set_value("Record").run()
    at.audio_input(key="spec.record").set_value(("rec.wav", tone_wav_bytes, "audio/wav")).run()
    assert not at.exception and not at.error
    assert figure(at, "Mel spectrogram of recording.wav")


def test_two_sounds_side_by_side():
    at = _open()
    at.segmented_control(key="spec.compare").set_value("Two sounds").run()
    at.segmented_control(key="spec2.source").set_value("1 kHz tone + silence").run()
    assert not at.exception and not at.error
    titles = list(figures(at))
    assert any("1 kHz tone" in t for t in titles) and any("tone sequence" in t for t in titles)


def test_window_start_moves_the_spectrum():
    at = _open()
    at.slider(key="spec.window_start").set_value(2.5).run()  # 1000 Hz in the sequence
    peaks = figure(at, "FFT of the 2048-sample window at 2.50 s")["data"][1]
    assert np.isclose(array(peaks["x"])[0], 1000.0, atol=22050 / 2048)


def test_long_sounds_are_shown_a_minute_at_a_time():
    import io

    import soundfile as sf

    sr = 8000
    t = np.arange(75 * sr) / sr
    buffer = io.BytesIO()
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * 300 * t), sr, format="WAV")
    at = _open()
    at.segmented_control(key="spec.source").set_value("Upload a file").run()
    at.file_uploader(key="spec.upload").set_value(("long.wav", buffer.getvalue(), "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    at.slider(key="spec.offset").set_value(15.0).run()
    assert not at.exception
    assert figure(at, "Mel spectrogram of long.wav from 15 s")


def test_the_lectures_fft_demo_shows_both_peaks_in_the_mix():
    at = _open()
    at.segmented_control(key="spec.source").set_value("400 Hz, 3000 Hz, both").run()
    at.slider(key="spec.window_start").set_value(2.5).run()
    assert not at.exception and not at.error
    peaks = np.sort(array(figure(at, "FFT of")["data"][1]["x"])[:2])
    assert peaks == pytest.approx([400.0, 3000.0], abs=22050 / 2048)


@pytest.mark.parametrize(
    "kind, unit",
    [("mel", "dB below"), ("stft", "dB below"), ("cqt", "dB below"), ("chroma", "0 to 1")],
)
def test_caption_names_the_colour_unit_of_each_representation(kind, unit):
    """The MFCC caption said "dB below the loudest point": MFCCs have no unit."""
    at = _open()
    at.selectbox(key="spec.kind").set_value(kind).run()
    captions = " ".join(c.value for c in at.caption)
    assert "colour = " in captions and unit in captions


def test_mfcc_caption_says_the_colour_has_no_unit():
    at = _open()
    at.selectbox(key="spec.kind").set_value("mfcc").run()
    captions = " ".join(c.value for c in at.caption)
    assert "no unit" in captions and "dB below the loudest point" not in captions


def _upload_a_tone(at: AppTest, sr: int) -> None:
    """Switch the page to "Upload a file" and upload one second of A4 at ``sr``."""
    from conftest import encode

    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
    at.segmented_control(key="spec.source").set_value("Upload a file").run()
    at.file_uploader(key="spec.upload").set_value(("a.wav", encode(tone, sr), "audio/wav"))
    at.run()


def test_n_fft_stays_over_an_upload_and_the_caption_says_it():
    """n_fft 4096, then an upload: the slider shows 4096 and the caption uses it."""
    at = _open()
    at.select_slider(key="spec.n_fft").set_value(4096).run()
    _upload_a_tone(at, 22050)
    assert not at.exception and not at.error
    assert at.select_slider(key="spec.n_fft").value == 4096
    assert any("frames of 4096 samples" in c.value for c in at.caption)


def test_fmax_stays_over_an_upload_decoded_at_the_page_rate():
    """The page decodes every sound at one rate, so a chosen fmax stays over an upload."""
    at = _open()
    at.slider(key="spec.fmax").set_value(5000).run()
    _upload_a_tone(at, 16000)
    assert not at.exception and not at.error
    assert at.slider(key="spec.fmax").value == 5000


def test_the_second_representation_is_another_view_than_the_first():
    """First CQT: the second (CQT by default) becomes mel, not the same view twice."""
    at = _open()
    assert at.selectbox(key="spec.kind2").value == "cqt"
    at.selectbox(key="spec.kind").set_value("cqt").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="spec.kind2").value == "mel"
    at.selectbox(key="spec.kind2").set_value("chroma").run()
    assert at.selectbox(key="spec.kind2").value == "chroma", "the user's choice stays"
    at.selectbox(key="spec.kind").set_value("mfcc").run()
    assert at.selectbox(key="spec.kind2").value == "cqt", "a new first view sets it again"
