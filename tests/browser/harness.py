"""One set-up for every tool that drives the real app in headless Chromium.

The browser test (``tests/browser/test_browser.py``), the page benchmark
(``benchmarks/bench_pages.py``) and the load test (``benchmarks/load_test.py``)
all start a fresh ``streamlit run app.py`` on 127.0.0.1 and launch Debian's
Chromium the same way, from here. No pytest in this module: the benchmarks run
without it.
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
STATUS_QUIET_S = 1.5
"""How long the status widget must stay absent before a run counts as finished."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``: its base URL and its process (a group leader)."""

    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def health(url: str, *, timeout: float = 2.0) -> bool:
    """Whether ``/_stcore/health`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as answer:
            return answer.read().decode() == "ok"
    except OSError:
        return False


@contextmanager
def streamlit_process(
    *, extra_args: Sequence[str] = (), start_timeout: float = 60.0
) -> Iterator[Server]:
    """A fresh ``streamlit run app.py`` on a free loopback port, stopped on exit.

    The server runs in its own process group (SIGTERM, then SIGKILL, to the
    whole group on exit); its output goes to ``tests/artifacts/server-<port>.log``.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = ARTIFACTS / f"server-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
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
            *extra_args,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while not health(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: see {log_path}")
            time.sleep(0.3)
        yield Server(url, process, log_path)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@contextmanager
def streamlit_server() -> Iterator[str]:
    """A fresh ``streamlit run app.py`` on a free port; yields its base URL."""
    with streamlit_process() as server:
        yield server.url


def url_path(page_path: str) -> str:
    """The URL path of a page (``""`` for Home)."""
    return "" if page_path == "app.py" else Path(page_path).stem


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def launch_chromium(playwright, *, extra_args: Sequence[str] = ()):
    """Debian's Chromium, headless, through Playwright (never ``playwright install``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


def new_page(browser, *, width: int = 1400, height: int = 1000):
    """A page in a new browser context (a new visitor: its own cookies and session)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, permissions=["microphone"]
    )
    return context.new_page()


def wait_for_quiet_status(page, *, quiet_s: float = STATUS_QUIET_S, timeout_ms: int) -> float:
    """Wait until the status widget has been absent for ``quiet_s`` seconds.

    The widget appears only once a run has lasted a moment, so "absent" must
    hold for a while. Returns the monotonic time at which it was last seen
    (or the time the quiet period began).
    """
    status = page.get_by_test_id("stStatusWidget")
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        if status.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > quiet_s:
            return quiet_since
        page.wait_for_timeout(250)
    raise TimeoutError(f"the page was still running after {timeout_ms / 1000:.0f} s")


def wait_for_run(
    page, title: str, *, charts: bool = True, timeout_ms: int = RUN_TIMEOUT_MS
) -> None:
    """Wait until the page shows its title and its script run has finished.

    Pages other than Home must also draw a plotly chart; no traceback and no
    "Page not found" may show.
    """
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible(timeout=timeout_ms)
    wait_for_quiet_status(page, timeout_ms=timeout_ms)
    if charts:
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=timeout_ms)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
