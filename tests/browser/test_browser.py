"""The real app in a real browser: Playwright driving Debian's Chromium.

Run alone with ``python -m pytest -m browser``. Screenshots land in
``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, encode, tone

from musicml.ui.layout import PAGES

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
RUN_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server() -> Iterator[str]:
    """A fresh `streamlit run app.py` on a free port; yields its base URL."""
    port = _free_port()
    log = open(ARTIFACTS / f"server-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode() == "ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def url_path(page_path: str) -> str:
    return "" if page_path == "app.py" else Path(page_path).stem


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (tests/run.sh installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["microphone"]
    )
    return context.new_page()


def wait_for_run(page, title: str, *, charts: bool = True) -> None:
    """Wait until the page shows its title and its script run has finished.

    The status widget appears only once a run has lasted a moment, so "absent"
    must hold for a while; pages other than Home must also draw a plotly chart.
    """
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible(timeout=RUN_TIMEOUT_MS)
    status = page.get_by_test_id("stStatusWidget")
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        if status.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            break
        page.wait_for_timeout(250)
    if charts:
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)


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
