"""What you see is what runs, in a real browser: a control shows the value the page uses.

AppTest reads session state and did not see the shown value drift, the browser did. Each
page stops for a run while an uploaded file is missing, and its widgets are drawn again
afterwards; the frontend must then show the value the page uses.

- Classify: window 0.5 s on the example, then an upload: the slider still shows 0.5 and the
  page cuts half-second windows. Then a model trained on 3 s clips: the slider shows 3 and
  the page cuts 3 s windows, on the song uploaded before (its uploader stays drawn while the
  page waits for the model file).
- Spectrograms: n_fft 4096, then an upload: the slider shows 4096 and the caption says
  "frames of 4096 samples".
- Music analysis: clicks on onsets, then an upload: the control shows onsets and the caption
  talks of onsets.

One server for the module; every test is a new visitor (its own browser context).
Run alone with ``python -m pytest -m browser tests/browser/test_controls_browser.py``.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from browser.harness import ARTIFACTS, new_page, streamlit_server, wait_for_run

from musicml.audio import wav_bytes
from musicml.builtin import builtin_model, example_melody
from musicml.persistence import model_bytes

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

SR = 22050
TITLE = "Classify"
WINDOW = "Window length (s)"


@pytest.fixture(scope="module")
def base():
    with streamlit_server() as url:
        yield url


def _shown_window(page) -> float:
    """The value the slider shows: its thumb's text, which its ``<input type=range>`` holds."""
    widget = page.get_by_test_id("stSlider").filter(has_text=WINDOW)
    text = float(widget.get_by_test_id("stSliderThumbValue").first.inner_text())
    assert float(page.get_by_role("slider", name=WINDOW).first.input_value()) == text
    return text


def _segments(page) -> tuple[int, float]:
    """The page's "N segments over S s" line: the number cut and the audio's length."""
    text = page.get_by_text(re.compile(r"\d+ segments? over [\d.]+ s")).first.inner_text()
    n, seconds = re.search(r"(\d+) segments? over ([\d.]+) s", text).groups()
    return int(n), float(seconds)


def test_window_shown_is_the_window_used_across_an_upload_and_a_model(browser, base, tmp_path):
    song = tmp_path / "four_seconds.wav"
    audio, _ = example_melody(sr=SR, notes=("A4", "C5", "E5", "A4"))
    song.write_bytes(wav_bytes(audio, SR))
    long = dataclasses.replace(builtin_model("builtin:notes"), clip_seconds=3.0)
    model_file = tmp_path / "three_seconds.skops"
    model_file.write_bytes(model_bytes(long))

    page = new_page(browser, height=1600)
    page.goto(f"{base}/classify")
    wait_for_run(page, TITLE)
    assert _shown_window(page) == 1.0
    thumb = page.get_by_role("slider", name=WINDOW).first
    thumb.focus()
    thumb.press("ArrowLeft")
    thumb.press("ArrowLeft")
    wait_for_run(page, TITLE)
    assert _shown_window(page) == 0.5

    page.get_by_role("radiogroup", name="Song or recording", exact=True).get_by_text(
        "Upload a file", exact=True
    ).click()
    wait_for_run(page, TITLE, charts=False)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(song)
    wait_for_run(page, TITLE)
    page.screenshot(path=ARTIFACTS / "classify-window-upload.png", full_page=True)
    assert _shown_window(page) == 0.5, "the window chosen stays over new audio"
    assert _segments(page) == (8, 4.0), "and it is the window used"

    page.get_by_role("combobox", name="Model", exact=True).click()
    page.get_by_role("option", name="Upload a .skops model", exact=True).click()
    wait_for_run(page, TITLE, charts=False)
    uploaders = page.get_by_test_id("stFileUploaderDropzoneInput")
    assert uploaders.count() == 2, "the song's uploader stays beside the model's"
    uploaders.first.set_input_files(model_file)
    wait_for_run(page, TITLE)
    # The song's uploader stayed drawn while the page waited for the model file.
    assert page.get_by_text("four_seconds.wav").count() >= 1, "the song is still uploaded"
    page.screenshot(path=ARTIFACTS / "classify-window-model.png", full_page=True)
    assert _shown_window(page) == 3.0, "a new model sets its own clip length"
    assert _segments(page) == (1, 4.0), "one 3 s window; the 1 s left over joins it"


def _tone_file(tmp_path):
    """Four seconds of plucked A4s, one a second: a sound with onsets and beats."""
    t = np.arange(SR) / SR
    pluck = 0.4 * np.sin(2 * np.pi * 440 * t) * np.exp(-6 * t)
    path = tmp_path / "plucks.wav"
    path.write_bytes(wav_bytes(np.tile(pluck, 4), SR))
    return path


def _upload(page, title: str, song) -> None:
    sources = page.get_by_role("radiogroup", name="Sound", exact=True)
    sources.get_by_role("radio", name="Upload a file", exact=True).click()
    wait_for_run(page, title, charts=False)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(song)
    wait_for_run(page, title)


def _thumb(page, label: str) -> str:
    widget = page.get_by_test_id("stSlider").filter(has_text=label)
    return widget.get_by_test_id("stSliderThumbValue").first.inner_text()


def test_spectrograms_n_fft_stays_over_an_upload(browser, base, tmp_path):
    song = _tone_file(tmp_path)
    page = new_page(browser, height=1600)
    page.goto(f"{base}/spectrograms")
    wait_for_run(page, "Spectrograms")
    assert _thumb(page, "Frame n_fft") == "2048"
    thumb = page.get_by_role("slider", name="Frame n_fft").first
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_run(page, "Spectrograms")
    assert _thumb(page, "Frame n_fft") == "4096"
    _upload(page, "Spectrograms", song)
    assert _thumb(page, "Frame n_fft") == "4096", "the frame chosen stays over new audio"
    expect(page.get_by_text("frames of 4096 samples").first).to_be_visible()
    assert page.get_by_text("frames of 2048 samples").count() == 0


def test_music_analysis_clicks_on_onsets_stay_over_an_upload(browser, base, tmp_path):
    song = _tone_file(tmp_path)
    page = new_page(browser, height=1600)
    page.goto(f"{base}/music_analysis")
    wait_for_run(page, "Music analysis")
    onsets = page.get_by_role("radiogroup", name="Clicks on", exact=True).get_by_role(
        "radio", name="onsets", exact=True
    )
    onsets.click()
    wait_for_run(page, "Music analysis")
    expect(page.get_by_text("a click on every detected onset").first).to_be_visible()
    _upload(page, "Music analysis", song)
    assert onsets.get_attribute("aria-checked") == "true", "the control still shows onsets"
    expect(page.get_by_text("a click on every detected onset").first).to_be_visible()
    assert page.get_by_text("a click on every detected beat").count() == 0
