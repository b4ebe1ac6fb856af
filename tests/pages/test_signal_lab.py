"""Signal lab page: defaults, every experiment, controls, and a bad upload."""

from __future__ import annotations

from conftest import chart_spec, open_page
from streamlit.testing.v1 import AppTest

from musicml.gabor import GABOR_FEATURE_LENGTH

TIMEOUT = 120


def _open() -> AppTest:
    return open_page("pages/signal_lab.py", timeout=TIMEOUT)


def test_defaults_smooth_and_check_the_convolution_theorem():
    at = _open()
    assert not at.error
    assert float(at.metric[0].value) < 1e-10
    before = chart_spec(at, 0)["data"][1]
    at.slider(key="lab.sigma").set_value(15.0).run()
    assert not at.exception
    after = chart_spec(at, 0)["data"][1]
    assert after["name"] == "smoothed (σ=15)" and after["y"] != before["y"]


def test_power_spectrum_finds_the_period():
    at = _open()
    at.segmented_control(key="lab.view").set_value("Power spectrum").run()
    assert not at.exception
    assert abs(float(at.metric[0].value.split()[0]) - 37.0) < 1.0
    at.slider(key="lab.true_period").set_value(80.0).run()
    assert abs(float(at.metric[0].value.split()[0]) - 80.0) < 2.0


def test_fir_lowpass_changes_with_the_cutoff():
    at = _open()
    at.segmented_control(key="lab.view").set_value("FIR low-pass").run()
    assert not at.exception and len(at.get("audio")) == 2
    assert at.download_button(key="lab.download_taps")
    before = chart_spec(at, 0)["layout"]["annotations"][0]["text"]
    at.slider(key="lab.cutoff").set_value(3000).run()
    assert chart_spec(at, 0)["layout"]["annotations"][0]["text"] != before == "cut-off 1000 Hz"


def test_fir_lowpass_warns_when_too_few_taps_and_labels_the_player_truthfully():
    """QA: 100 Hz with 11 taps is still −3 dB near 1.4 kHz but was labelled "at 100 Hz"."""
    at = _open()
    at.segmented_control(key="lab.view").set_value("FIR low-pass").run()
    assert not at.warning, "1000 Hz with 101 taps is sharp"
    assert "Low-passed at 1,000 Hz" in " ".join(c.value for c in at.caption)
    at.slider(key="lab.cutoff").set_value(100).run()
    at.slider(key="lab.taps").set_value(11).run()
    assert not at.exception and not at.error
    warning = at.warning[0].value
    assert warning.startswith("With 11 taps this filter only falls by 20 dB at 3,39")
    assert "Use at least 219 taps for a sharp 100 Hz cut-off" in warning
    captions = " ".join(c.value for c in at.caption)
    assert "Low-passed at 100 Hz" not in captions
    assert "Gently low-passed: −3 dB at 1,386 Hz, −20 dB at 3,39" in captions
    at.slider(key="lab.taps").set_value(221).run()
    assert not at.warning
    assert "Low-passed at 100 Hz" in " ".join(c.value for c in at.caption)


def test_gabor_features_and_a_bad_upload():
    at = _open()
    at.segmented_control(key="lab.view").set_value("Gabor filters").run()
    assert not at.exception and not at.error
    bars = chart_spec(at, 2)["data"]
    assert sum(len(bar["x"]) if isinstance(bar["x"], list) else 18 for bar in bars) == (
        GABOR_FEATURE_LENGTH
    )
    at.slider(key="lab.gabor_freq").set_value(1000).run()
    assert not at.exception
    at.segmented_control(key="lab.source").set_value("Upload a file").run()
    at.file_uploader(key="lab.upload").set_value(("noise.mp3", b"\x00" * 400, "audio/mpeg"))
    at.run()
    assert not at.exception
    assert at.error and "could not be read as audio" in at.error[0].value
