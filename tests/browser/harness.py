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
from collections.abc import Iterator, Mapping, Sequence
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
    *,
    extra_args: Sequence[str] = (),
    start_timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """A fresh ``streamlit run app.py`` on a free loopback port, stopped on exit;
    ``env``: variables set for the server on top of this process's environment.

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
        env={**os.environ, **(env or {})},
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


# --------------------------------------------------------------------------- measuring runs

FINISHED = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}
"""script_finished statuses that end a run (an interrupted run ends FINISHED_EARLY_FOR_RERUN)."""

RUN_QUIET_S = 1.0
"""A run counts as the last one when no new run starts within this long after it ends."""


def last_finished(frames) -> int | None:
    """Index of the last ``script_finished`` frame that ended a run, or ``None``."""
    done = [i for i, f in enumerate(frames) if f.kind == "script_finished" and f.detail in FINISHED]
    return done[-1] if done else None


def settled(frames, last: int, now: float, quiet_s: float) -> bool:
    """Whether the run ended at ``frames[last]`` is the last one: no run has started
    after it, and ``quiet_s`` has passed since it ended."""
    started_again = any(f.kind in ("delta", "new_session") or f.running for f in frames[last + 1 :])
    return not started_again and now - frames[last].t >= quiet_s


_CONTROLS = ", ".join(
    f'[data-testid="stMain"] [data-testid="{kind}"]'
    for kind in (
        "stSlider",
        "stSelectbox",
        "stMultiSelect",
        "stRadio",
        "stSegmentedControl",
        "stButtonGroup",
        "stCheckbox",
        "stNumberInput",
        "stTextInput",
        "stFileUploader",
        "stButton",
        "stPageLink",
    )
)
"""A control a visitor can use in the page's main area (a page link on Home)."""

_H1_OBSERVER = f"""
window.__musicml = {{h1: null, ready: null}};
new MutationObserver(() => {{
  const m = window.__musicml;
  if (m.h1 === null && document.querySelector('h1')) m.h1 = performance.now();
  if (m.h1 !== null && m.ready === null && document.querySelector({_CONTROLS!r}))
    m.ready = performance.now();
}}).observe(document, {{subtree: true, childList: true}});
"""

_CHARTS_DRAWN = """
([timeoutMs, frames]) => new Promise(resolve => {
  const start = performance.now();
  let good = 0;
  const check = () => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    const drawn = [...charts].filter(c => c.querySelector('.main-svg')).length;
    good = drawn === charts.length ? good + 1 : 0;
    if (good >= frames || performance.now() - start > timeoutMs) resolve(charts.length);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})
"""


def wait_for_charts_drawn(page, *, frames: int = 2, timeout_ms: int = 30_000) -> int:
    """Wait until every plotly chart on the page has drawn its SVG, ``frames`` animation
    frames in a row (or ``timeout_ms`` passed); returns the number of charts."""
    return page.evaluate(_CHARTS_DRAWN, [timeout_ms, frames])


@dataclass
class Frame:
    """One websocket frame the browser received, decoded as a Streamlit ForwardMsg."""

    t: float
    nbytes: int
    kind: str
    """ForwardMsg type (``delta``, ``script_finished``, ...) or ``text``."""
    detail: str = ""
    """For deltas: the element type; for script_finished: its status."""
    figure_bytes: int = 0
    """For a plotly chart: the length of its JSON spec."""
    media_url: str = ""
    """For an audio element: its media URL."""
    running: bool | None = None
    """For session_status_changed: whether a script is running."""


def decode_frame(t: float, data: bytes) -> Frame:
    """What a websocket frame from the Streamlit server says (see ForwardMsg.proto)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(data)
    except Exception:  # anything that is not a ForwardMsg
        return Frame(t, len(data), "unknown")
    kind = msg.WhichOneof("type") or "none"
    frame = Frame(t, len(data), kind)
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        frame.detail = element.WhichOneof("type") or ""
        if frame.detail == "plotly_chart":
            frame.figure_bytes = len(element.plotly_chart.spec)
        elif frame.detail == "audio":
            frame.media_url = element.audio.url
    elif kind == "script_finished":
        frame.detail = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
    elif kind == "session_status_changed":
        frame.running = msg.session_status_changed.script_is_running
    return frame


@dataclass
class HttpResponse:
    t: float
    url: str
    status: int
    nbytes: int
    """Content-Length (the bytes of this response's body; 0 when not stated)."""


@dataclass
class RunMeasure:
    """One action on a page, measured from the action to the end of the last run it caused."""

    run_s: float
    """To the script_finished frame of the last run (the server has sent everything)."""
    drawn_s: float
    """To the browser having drawn every plotly chart after that run (two quiet frames)."""
    title_s: float | None
    """For a page load: to the first ``h1`` in the document."""
    ready_s: float | None
    """For a page load: to the title and a first control of the main area (a widget,
    or on Home a page link) being in the document."""
    ws_bytes: int
    figure_bytes: int
    media_urls: list[str]
    http_bytes: int
    frames: int


def received_frame(payload) -> Frame:
    """A websocket frame the browser received, stamped now (text frames by size only)."""
    t = time.monotonic()
    if isinstance(payload, str):
        return Frame(t, len(payload.encode()), "text")
    return decode_frame(t, payload)


class RunWatcher:
    """Records what one page receives: websocket frames (decoded) and HTTP responses.

    End of a run: Streamlit sends a ``script_finished`` ForwardMsg when a script
    run ends. An action has ended when the last such frame (finished
    successfully, not interrupted for a rerun) was followed by ``RUN_QUIET_S`` of
    no new run (no delta, no "script running" status). Times are taken in this
    process when Playwright delivers the frame, a few ms after the browser got it.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[Frame] = []
        self.responses: list[HttpResponse] = []
        page.add_init_script(_H1_OBSERVER)
        page.on("websocket", self._on_websocket)
        page.on("response", self._on_response)

    def _on_websocket(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        self.frames.append(received_frame(payload))

    def _on_response(self, response) -> None:
        t = time.monotonic()
        headers = response.headers
        size = headers.get("content-length")
        self.responses.append(
            HttpResponse(t, response.url, response.status, int(size) if size else 0)
        )

    def measure(
        self,
        action,
        *,
        timeout_s: float = 600.0,
        quiet_s: float = RUN_QUIET_S,
        page_load: bool = False,
    ) -> RunMeasure:
        """Do ``action()`` and wait until the runs it causes have ended; see the class doc."""
        t0 = time.monotonic()
        first = len(self.frames)
        first_response = len(self.responses)
        action()
        deadline = t0 + timeout_s
        handled = None
        drawn = None
        while True:
            self.page.wait_for_timeout(50)
            now = time.monotonic()
            frames = self.frames[first:]
            last = last_finished(frames)
            if last is not None:
                if last != handled:
                    handled = last
                    wait_for_charts_drawn(self.page)
                    drawn = time.monotonic()
                    continue
                if settled(frames, last, now, quiet_s):
                    break
            if now > deadline:
                raise TimeoutError(f"the run had not ended after {timeout_s:.0f} s")
        frames = self.frames[first : first + last + 1]
        title_s = ready_s = None
        if page_load:
            marks = self.page.evaluate("() => window.__musicml") or {}
            title_s = None if marks.get("h1") is None else marks["h1"] / 1000
            ready_s = None if marks.get("ready") is None else marks["ready"] / 1000
        return RunMeasure(
            run_s=frames[-1].t - t0,
            drawn_s=drawn - t0,
            title_s=title_s,
            ready_s=ready_s,
            ws_bytes=sum(f.nbytes for f in frames),
            figure_bytes=sum(f.figure_bytes for f in frames),
            media_urls=[f.media_url for f in frames if f.media_url],
            http_bytes=sum(r.nbytes for r in self.responses[first_response:]),
            frames=len(frames),
        )


class AsyncRunWatcher:
    """:class:`RunWatcher` for Playwright's async API (many sessions in one process).

    Only the end of the run is detected (no drawing, no HTTP bytes): the load
    test checks what the page shows itself.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[Frame] = []
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        self.frames.append(received_frame(payload))

    async def measure(self, action, *, timeout_s: float, quiet_s: float = RUN_QUIET_S) -> float:
        """Await ``action()``, then the end of the runs it caused; returns the seconds taken."""
        t0 = time.monotonic()
        first = len(self.frames)
        await action()
        while True:
            await self.page.wait_for_timeout(100)
            now = time.monotonic()
            frames = self.frames[first:]
            last = last_finished(frames)
            if last is not None and settled(frames, last, now, quiet_s):
                return frames[last].t - t0
            if now - t0 > timeout_s:
                raise TimeoutError(f"the run had not ended after {timeout_s:.0f} s")
