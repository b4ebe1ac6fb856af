"""Controls chosen before an upload still show, and are still used, over the upload.

In a real browser: Spectrograms with n_fft 4096, then an upload: the slider shows 4096 and
the caption says "frames of 4096 samples". Music analysis with clicks on onsets, then an
upload: the control shows onsets and the caption talks of onsets. The page stops for a run
while the file is missing, and the widgets are drawn again afterwards; the frontend must
show the value the page uses (AppTest reads session state and cannot see that).

Run alone with ``python -m pytest -m browser tests/browser/test_controls_over_uploads_browser.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser.harness import new_page, streamlit_server, wait_for_run

from musicml.audio import wav_bytes

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

SR = 22050


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


def test_spectrograms_n_fft_stays_over_an_upload(browser, tmp_path):
    song = _tone_file(tmp_path)
    with streamlit_server() as base:
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


def test_music_analysis_clicks_on_onsets_stay_over_an_upload(browser, tmp_path):
    song = _tone_file(tmp_path)
    with streamlit_server() as base:
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
