"""The real app in a real browser: Playwright driving Debian's Chromium.

Run alone with ``python -m pytest -m browser``. Screenshots land in
``tests/artifacts/``.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser.harness import (
    ARTIFACTS,
    RUN_TIMEOUT_MS,
    new_page,
    streamlit_server,
    url_path,
    wait_for_run,
)
from conftest import encode, tone

from musicml.ui.layout import PAGES

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.mark.parametrize("page_info", PAGES, ids=[url_path(p.path) or "home" for p in PAGES])
def test_deep_link_on_a_fresh_server(browser, page_info):
    """Each page, opened first by its URL on a server nobody has visited yet."""
    title = "musicml" if page_info.path == "app.py" else page_info.label
    with streamlit_server() as base:
        page = new_page(browser)
        page.goto(f"{base}/{url_path(page_info.path)}")
        wait_for_run(page, title, charts=page_info.path != "app.py")
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        nav = page.get_by_test_id("stSidebar").get_by_role("link")
        expect(nav).to_have_count(len(PAGES), timeout=10_000)
        page.screenshot(
            path=ARTIFACTS / f"deep-{url_path(page_info.path) or 'home'}.png", full_page=True
        )
        page.context.close()


def test_walk_the_sidebar_and_classify_an_upload(browser, tmp_path):
    wav = tmp_path / "tone-and-silence.wav"
    audio = np.concatenate([tone(440.0), np.zeros(22050, np.float32), tone(660.0)])
    wav.write_bytes(encode(audio, 22050))
    with streamlit_server() as base:
        page = new_page(browser)
        page.goto(base)
        wait_for_run(page, "musicml", charts=False)
        sidebar = page.get_by_test_id("stSidebar")
        for info in PAGES[1:]:
            sidebar.get_by_role("link", name=info.label).click()
            wait_for_run(page, info.label)
            assert page.url.rstrip("/").endswith(url_path(info.path))
            page.screenshot(path=ARTIFACTS / f"walk-{url_path(info.path)}.png", full_page=True)

        sidebar.get_by_role("link", name="Classify").click()
        wait_for_run(page, "Classify")
        page.get_by_text("Upload a file", exact=True).click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(wav))
        expect(page.get_by_text("tone-and-silence.wav").first).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=RUN_TIMEOUT_MS)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        charts = page.get_by_test_id("stPlotlyChart")
        expect(charts.first).to_be_visible(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "classify-upload.png", full_page=True)
        # The default notes model: A4 (440 Hz), a silent second, then E5 (660 Hz).
        assert timeline_labels(page) == {"A", "silence", "E"}
        expect(page.get_by_text("3 segments over 3.0 s")).to_be_visible()

        page.get_by_test_id("stSelectbox").filter(has_text="Model").click()
        page.get_by_role("option", name="builtin:sound-silence", exact=False).click()
        wait_for_run(page, "Classify")
        expect(page.get_by_text("Mostly sound")).to_be_visible(timeout=RUN_TIMEOUT_MS)
        assert timeline_labels(page) == {"sound", "silence"}
        page.screenshot(path=ARTIFACTS / "classify-sound-silence.png", full_page=True)
        page.context.close()


def timeline_labels(page) -> set[str]:
    """The labels in the legend of the first (waveform and timeline) chart."""
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".legendtext").first).to_be_visible(timeout=30_000)
    return set(chart.locator(".legendtext").all_text_contents()) - {"waveform"}
