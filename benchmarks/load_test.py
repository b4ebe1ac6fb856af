"""A classroom at once: N sessions on one real server, plus a trainer and an attacker.

Run from the project root: ``python benchmarks/load_test.py --sessions 10 20 40``.

For each N: a fresh ``streamlit run app.py`` on 127.0.0.1 (loopback only) and
``--rounds`` rounds (3 by default). The visitors are one of two kinds
(``--clients``):

- ``protocol`` (the default): :class:`stream_client.StreamVisitor`, which speaks
  Streamlit's own WebSocket protocol and HTTP as a browser tab does (the page,
  the stream, reruns with widget states, uploads, the ForwardMsg cache, audio
  fetched) but draws nothing. In a classroom each student's browser runs on their
  own computer; on this machine a Chromium per visitor eats the cores the server
  needs, and the timings would measure the clients. This one measures the server.
- ``browser``: one headless Chromium with one browser context per visitor, the
  realism check (it also proves the pages draw).

In every round, all at once:

- N visitors open Classify, choose "Upload a file" and upload their own
  1-minute piano melody (a different file per visitor and round, named after
  the visitor, in which one known note sounds 60 % of the time; with
  ``--same-file`` all of a round's visitors upload the same file, forty students
  trying the same example, which the content caches should compute once). Each checks
  that the page shows *its* answer: its file name in the chart title, the
  headline "Mostly <its note>" and "60 segments over 60.0 s" (no cross-talk).
- one visitor opens Train, which trains on the built-in sound/silence set;
- one attacker uploads hostile files: a non-audio file named .wav and an OGG cut
  inside its headers on Classify (each must get an ``st.error``), an OGG cut in
  half (a result or an ``st.error``), and a labelled zip whose ``labels.csv``
  inflates to ``--bomb-mb`` MB on Train (must get an ``st.error``).

Errors counted: a traceback on a page (an exception element), an action past
``--timeout``, a wrong or missing answer, a hostile file not refused. Printed:
p50/p95 seconds per action (to the Streamlit ``script_finished`` frame of the
last run, see ``tests/browser/harness.py``; the protocol client times the same
way), the latency of
``/_stcore/health`` polled every 0.25 s during the rounds, and the resident
memory of the server's process tree at start, after warm-up, at its peak, at the
end of each round (the visitors have just closed their tabs) and after it (their
sessions closed by the app's janitor and their songs forgotten: see
``musicml/ui/sessions.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(ROOT / "benchmarks")]

from browser.harness import (  # noqa: E402
    AsyncRunWatcher,
    Server,
    launch_chromium,
    streamlit_process,
)
from songs import dominant_melody, ogg_bytes  # noqa: E402
from stream_client import StreamVisitor  # noqa: E402

NOTES = ("C", "D", "E", "F", "G", "A", "B")
HEALTH_EVERY_S = 0.25
HEALTH_TIMEOUT_S = 10.0
DRAW_WAIT_S = 60.0
"""How long a visitor waits for the browser to draw the chart after the run has ended."""
MAX_SESSIONS = 64
"""Bound on N: this runs on one machine, against itself."""
CLIENTS = ("protocol", "browser")
MIME = {".ogg": "audio/ogg", ".wav": "audio/wav", ".zip": "application/zip"}
"""The types Chromium gives these files when a page uploads them."""


@dataclass
class Report:
    sessions: int
    clients: str = "protocol"
    same_file: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    cross_talk: list[str] = field(default_factory=list)
    hostile: list[str] = field(default_factory=list)
    health_s: list[float] = field(default_factory=list)
    health_failures: int = 0
    rss_mb: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    round_cpu_s: list[float] = field(default_factory=list)
    """Server CPU seconds per round (all visitors of the round together)."""
    round_wall_s: list[float] = field(default_factory=list)
    client_cpu_s: list[float] = field(default_factory=list)
    """CPU seconds of this process per round (the protocol visitors; Chromium runs apart)."""
    seconds: float = 0.0
    media_mb: float = 0.0
    """Audio fetched from /media by the protocol visitors (all rounds)."""


# ----------------------------------------------------------------------------- monitoring


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live children."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children, in MB."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total / 1e6


class Monitor(threading.Thread):
    """Polls the health endpoint and the server's memory every 0.25 s while ``recording``."""

    def __init__(self, server: Server, report: Report) -> None:
        super().__init__(daemon=True)
        self.server, self.report = server, report
        self.recording = threading.Event()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.report.peak_rss_mb = max(self.report.peak_rss_mb, tree_rss_mb(self.server.pid))
            if self.recording.is_set():
                start = time.monotonic()
                try:
                    url = f"{self.server.url}/_stcore/health"
                    with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT_S) as answer:
                        answer.read()
                    self.report.health_s.append(time.monotonic() - start)
                except OSError:
                    self.report.health_failures += 1
                    self.report.health_s.append(time.monotonic() - start)
            self.stopped.wait(HEALTH_EVERY_S)


# ----------------------------------------------------------------------------- files


def hostile_files(folder: Path, *, bomb_mb: float) -> dict[str, Path]:
    """The attacker's files (made here, small on disk)."""
    song = ogg_bytes(dominant_melody("A", seconds=20, seed=99))
    files = {
        "not-audio.wav": b"%PDF-1.4 this is not audio at all\n" * 400,
        "cut-in-headers.ogg": song[:1500],
        "cut-in-half.ogg": song[: len(song) // 2],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.wav", b"RIFF")
        rows = int(bomb_mb * 1e6 / 8)
        archive.writestr("labels.csv", "file,label\n" + "a.wav,x\n" * rows)
    files["labels-bomb.zip"] = buffer.getvalue()
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


# ----------------------------------------------------------------------------- visitors


class Visitor:
    """One browser context (one Streamlit session)."""

    def __init__(self, context, page, base: str, timeout_s: float, report: Report) -> None:
        self.context, self.page, self.base = context, page, base
        self.timeout_s, self.report = timeout_s, report
        self.watcher = AsyncRunWatcher(page)

    @classmethod
    async def open(cls, browser, base, timeout_s, report) -> Visitor:
        context = await browser.new_context(viewport={"width": 1400, "height": 1400})
        context.set_default_timeout(timeout_s * 1000)
        return cls(context, await context.new_page(), base, timeout_s, report)

    async def act(self, name: str, action) -> bool:
        """Time one action (to the end of its run); a timeout or a traceback is an error."""
        try:
            seconds = await self.watcher.measure(action, timeout_s=self.timeout_s)
        except TimeoutError:
            self.report.errors.append(f"{name}: timeout after {self.timeout_s:.0f} s")
            return False
        except Exception as exc:  # Playwright's own timeouts and a page that went away
            self.report.errors.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return False
        self.report.latencies[name].append(seconds)
        if await self.page.get_by_test_id("stException").count():
            self.report.errors.append(f"{name}: stException")
            return False
        return True

    async def goto(self, path: str) -> bool:
        url = f"{self.base}/{path}"
        return await self.act(f"open {path}", lambda: self.page.goto(url, wait_until="commit"))

    async def upload(self, name: str, path: Path) -> bool:
        if not await self.act(
            "choose 'Upload a file'",
            lambda: self.page.get_by_text("Upload a file", exact=True).first.click(),
        ):
            return False
        dropzone = self.page.get_by_test_id("stFileUploaderDropzoneInput").first
        return await self.act(name, lambda: dropzone.set_input_files(str(path)))

    async def close(self) -> None:
        await self.context.close()


async def classify_visitor(browser, base, timeout_s, report, path: Path, note: str) -> None:
    visitor = await Visitor.open(browser, base, timeout_s, report)
    try:
        if not (await visitor.goto("classify") and await visitor.upload("upload melody", path)):
            return
        page = visitor.page
        # The server has sent everything; on a loaded machine the browser may
        # still be drawing the chart, so wait (bounded) for its title.
        gtitle = page.get_by_test_id("stPlotlyChart").first.locator(".gtitle")
        title, deadline = "", time.monotonic() + DRAW_WAIT_S
        while not title.strip() and time.monotonic() < deadline:
            title = " ".join(await gtitle.all_text_contents())
            if not title.strip():
                await page.wait_for_timeout(250)
        headings = await page.locator("h3").all_inner_texts()
        summary = await page.get_by_text("segments over").all_inner_texts()
        problems = []
        if not title.strip():
            report.errors.append(f"{path.name}: chart not drawn {DRAW_WAIT_S:g} s after the run")
            return
        if path.name not in title:
            problems.append(f"chart title {title!r}")
        if f"Mostly {note}" not in [h.strip() for h in headings]:
            problems.append(f"headline {headings!r}")
        if not any("60 segments over 60.0 s" in s for s in summary):
            problems.append(f"summary {summary!r}")
        if problems:
            report.cross_talk.append(f"{path.name} (expected {note}): " + "; ".join(problems))
    finally:
        await visitor.close()


async def train_visitor(browser, base, timeout_s, report) -> None:
    visitor = await Visitor.open(browser, base, timeout_s, report)
    try:
        page = visitor.page
        opened = await visitor.act(
            "open train (trains)", lambda: page.goto(f"{base}/train", wait_until="commit")
        )
        results = page.get_by_role("heading", name="3. Results", level=3)
        if opened and not await results.count():
            shown = await page.locator("h1, h3, [data-testid=stAlert]").all_inner_texts()
            report.errors.append(f"train: no results shown; page shows {shown!r}")
    finally:
        await visitor.close()


async def hostile_visitor(browser, base, timeout_s, report, files: dict[str, Path]) -> None:
    visitor = await Visitor.open(browser, base, timeout_s, report)
    page = visitor.page
    try:
        for name in ("not-audio.wav", "cut-in-headers.ogg", "cut-in-half.ogg"):
            if not await visitor.goto("classify"):
                return
            if not await visitor.upload(f"hostile {name}", files[name]):
                continue
            refused = await page.get_by_test_id("stAlertContentError").count()
            answered = await page.get_by_text("segments over").count()
            if name == "cut-in-half.ogg" and (refused or answered):
                report.hostile.append(f"{name}: {'refused' if refused else 'classified'}")
            elif refused:
                report.hostile.append(f"{name}: refused")
            else:
                report.errors.append(f"hostile {name}: no st.error")
        if not await visitor.goto("train"):
            return
        await page.get_by_test_id("stSelectbox").filter(has_text="Data set").first.click()
        option = page.get_by_role("option", name="Upload a labelled zip")
        if not await visitor.act("choose 'Upload a labelled zip'", option.click):
            return
        dropzone = page.get_by_test_id("stFileUploaderDropzoneInput").first
        name = "labels-bomb.zip"
        if await visitor.act(f"hostile {name}", lambda: dropzone.set_input_files(str(files[name]))):
            if await page.get_by_test_id("stAlertContentError").count():
                report.hostile.append(f"{name}: refused")
            else:
                report.errors.append(f"hostile {name}: no st.error")
    finally:
        await visitor.close()


# ----------------------------------------------------------------------------- protocol visitors


class ProtocolVisitor:
    """One :class:`StreamVisitor` (one Streamlit session) that records into a report."""

    def __init__(self, base: str, timeout_s: float, report: Report) -> None:
        self.client = StreamVisitor(base, timeout_s=timeout_s)
        self.timeout_s, self.report = timeout_s, report

    async def act(self, name: str, action) -> bool:
        """Time one action (to the end of its run); a timeout or a traceback is an error."""
        seen = len(self.client.exceptions)
        try:
            seconds = await action()
        except TimeoutError:
            self.report.errors.append(f"{name}: timeout after {self.timeout_s:.0f} s")
            return False
        except Exception as exc:  # the server refused or closed the stream
            self.report.errors.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return False
        self.report.latencies[name].append(seconds)
        if self.client.exceptions[seen:]:
            self.report.errors.append(f"{name}: exception {self.client.exceptions[seen]}")
            return False
        return True

    async def goto(self, path: str) -> bool:
        return await self.act(f"open {path}", lambda: self.client.open(path))

    async def upload(self, name: str, path: Path, *, key: str = "classify") -> bool:
        if not await self.act(
            "choose 'Upload a file'",
            lambda: self.client.set_widget(
                f"{key}.source", "string_array_value", ["Upload a file"]
            ),
        ):
            return False
        data = path.read_bytes()
        mime = MIME.get(path.suffix, "application/octet-stream")
        return await self.act(
            name, lambda: self.client.upload(f"{key}.upload", path.name, data, mime)
        )

    async def close(self) -> None:
        await self.client.close()
        self.report.media_mb += self.client.media_bytes / 1e6
        self.report.errors += [f"media {line}" for line in self.client.media_failures]


async def protocol_classify_visitor(base, timeout_s, report, path: Path, note: str) -> None:
    visitor = ProtocolVisitor(base, timeout_s, report)
    try:
        if not (await visitor.goto("classify") and await visitor.upload("upload melody", path)):
            return
        shown = visitor.client.shown
        titles, headings = shown.chart_titles(), shown.headings("h3")
        summary = [text for text in shown.markdown() if "segments over" in text]
        problems = []
        if not titles:
            report.errors.append(f"{path.name}: no chart after the run")
            return
        if path.name not in titles[0]:
            problems.append(f"chart title {titles[0]!r}")
        if f"Mostly {note}" not in headings:
            problems.append(f"headline {headings!r}")
        if not any("60 segments over 60.0 s" in s for s in summary):
            problems.append(f"summary {summary!r}")
        if problems:
            report.cross_talk.append(f"{path.name} (expected {note}): " + "; ".join(problems))
    finally:
        await visitor.close()


async def protocol_train_visitor(base, timeout_s, report) -> None:
    visitor = ProtocolVisitor(base, timeout_s, report)
    try:
        opened = await visitor.act("open train (trains)", lambda: visitor.client.open("train"))
        shown = visitor.client.shown
        if opened and "3. Results" not in shown.headings("h3"):
            seen = shown.headings("h1") + shown.headings("h3") + shown.alerts()
            report.errors.append(f"train: no results shown; page shows {seen!r}")
    finally:
        await visitor.close()


async def protocol_hostile_visitor(base, timeout_s, report, files: dict[str, Path]) -> None:
    for name in ("not-audio.wav", "cut-in-headers.ogg", "cut-in-half.ogg"):
        visitor = ProtocolVisitor(base, timeout_s, report)  # page.goto: a new session
        try:
            if not await visitor.goto("classify"):
                return
            if not await visitor.upload(f"hostile {name}", files[name]):
                continue
            shown = visitor.client.shown
            refused = shown.alerts("ERROR")
            answered = any("segments over" in text for text in shown.markdown())
            if name == "cut-in-half.ogg" and (refused or answered):
                report.hostile.append(f"{name}: {'refused' if refused else 'classified'}")
            elif refused:
                report.hostile.append(f"{name}: refused")
            else:
                report.errors.append(f"hostile {name}: no st.error")
        finally:
            await visitor.close()
    visitor = ProtocolVisitor(base, timeout_s, report)
    try:
        if not await visitor.goto("train"):
            return
        if not await visitor.act(
            "choose 'Upload a labelled zip'",
            lambda: visitor.client.set_widget(
                "train.data", "string_value", "Upload a labelled zip"
            ),
        ):
            return
        name = "labels-bomb.zip"
        data = files[name].read_bytes()
        if await visitor.act(
            f"hostile {name}",
            lambda: visitor.client.upload("train.upload", name, data, MIME[".zip"]),
        ):
            if visitor.client.shown.alerts("ERROR"):
                report.hostile.append(f"{name}: refused")
            else:
                report.errors.append(f"hostile {name}: no st.error")
    finally:
        await visitor.close()


class Visitors:
    """The three kinds of visitor, for one kind of client; ``browser`` is None for protocol."""

    def __init__(self, browser=None) -> None:
        self.browser = browser

    def classify(self, base, timeout_s, report, path, note):
        if self.browser is None:
            return protocol_classify_visitor(base, timeout_s, report, path, note)
        return classify_visitor(self.browser, base, timeout_s, report, path, note)

    def train(self, base, timeout_s, report):
        if self.browser is None:
            return protocol_train_visitor(base, timeout_s, report)
        return train_visitor(self.browser, base, timeout_s, report)

    def hostile(self, base, timeout_s, report, files):
        if self.browser is None:
            return protocol_hostile_visitor(base, timeout_s, report, files)
        return hostile_visitor(self.browser, base, timeout_s, report, files)


# ----------------------------------------------------------------------------- rounds


def melody_file(folder: Path, round_: int, index: int) -> tuple[Path, str]:
    note = NOTES[index % len(NOTES)]
    path = folder / f"visitor-{index:02d}-round-{round_}-{note}.ogg"
    if not path.exists():
        path.write_bytes(ogg_bytes(dominant_melody(note, seed=1000 * round_ + index)))
    return path, note


def round_melodies(folder: Path, round_: int, sessions: int, *, same_file: bool):
    """The (file, note) of each visitor in a round; one file for all with ``same_file``.

    The shared file is one no visitor and not the warm-up uploads otherwise (index
    ``sessions``), so its first computation happens during the round.
    """
    if same_file:
        return [melody_file(folder, round_, sessions)] * sessions
    return [melody_file(folder, round_, i) for i in range(sessions)]


@contextlib.asynccontextmanager
async def visitors_of(clients: str):
    """:class:`Visitors` of the given kind (a Chromium is launched for ``browser``)."""
    if clients == "protocol":
        yield Visitors()
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await launch_chromium(p)
        try:
            yield Visitors(browser)
        finally:
            await browser.close()


RECONNECT_S = 3.0
"""The server's window for a closed tab to come back (Streamlit's is 2 minutes): short,
so that the memory a round leaves behind can be read seconds after it."""


async def run_load(
    sessions: int,
    *,
    rounds: int = 3,
    timeout_s: float = 300.0,
    train: bool = True,
    hostile: bool = True,
    bomb_mb: float = 20.0,
    settle_s: float = 3.0,
    clients: str = "protocol",
    same_file: bool = False,
    server: Server | None = None,
) -> Report:
    """One load test at ``sessions`` visitors on a fresh server; see the module doc.

    ``server``: a running server to use instead (a test that has one already).
    Memory "after round k" is read when the round's visitors have left: the server
    is started with a reconnect window of :data:`RECONNECT_S` (see
    ``musicml.ui.sessions``), and ``left_s`` is waited beyond ``settle_s``, which is
    time for its janitor to close the sessions and empty the song caches.
    """
    left_s = 0.0 if server else RECONNECT_S + 3.0
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be between 1 and {MAX_SESSIONS}; got {sessions}")
    if clients not in CLIENTS:
        raise ValueError(f"clients must be one of {CLIENTS}; got {clients!r}")
    report = Report(sessions, clients=clients, same_file=same_file)
    started = time.monotonic()
    running = (
        contextlib.nullcontext(server)
        if server
        else streamlit_process(env={"MUSICML_RECONNECT_S": str(RECONNECT_S)})
    )
    with tempfile.TemporaryDirectory() as tmp, running as server:
        folder = Path(tmp)
        files = hostile_files(folder, bomb_mb=bomb_mb) if hostile else {}
        melodies = [round_melodies(folder, r, sessions, same_file=same_file) for r in range(rounds)]
        monitor = Monitor(server, report)
        monitor.start()
        report.rss_mb["start"] = tree_rss_mb(server.pid)
        try:
            async with visitors_of(clients) as visitors:
                # Warm-up: Classify with a melody and Train once, so imports,
                # built-in models and the built-in data set are loaded.
                warm = Report(0)
                warm_file = melody_file(folder, 0, 0)
                await visitors.classify(server.url, timeout_s, warm, *warm_file)
                await visitors.train(server.url, timeout_s, warm)
                report.errors += [f"warm-up: {e}" for e in warm.errors + warm.cross_talk]
                await asyncio.sleep(settle_s + left_s)
                report.rss_mb["after warm-up"] = tree_rss_mb(server.pid)
                for r in range(rounds):
                    monitor.recording.set()
                    cpu0, wall0 = tree_cpu_s(server.pid), time.monotonic()
                    own0 = time.process_time()
                    tasks = [
                        visitors.classify(server.url, timeout_s, report, path, note)
                        for path, note in melodies[r]
                    ]
                    if train:
                        tasks.append(visitors.train(server.url, timeout_s, report))
                    if hostile:
                        tasks.append(visitors.hostile(server.url, timeout_s, report, files))
                    try:
                        await asyncio.wait_for(asyncio.gather(*tasks), timeout=6 * timeout_s)
                    except TimeoutError:
                        report.errors.append(f"round {r + 1}: not over after {6 * timeout_s:.0f} s")
                    monitor.recording.clear()
                    report.round_cpu_s.append(tree_cpu_s(server.pid) - cpu0)
                    report.round_wall_s.append(time.monotonic() - wall0)
                    report.client_cpu_s.append(time.process_time() - own0)
                    await asyncio.sleep(settle_s)
                    report.rss_mb[f"end of round {r + 1}"] = tree_rss_mb(server.pid)
                    await asyncio.sleep(left_s)
                    report.rss_mb[f"after round {r + 1}"] = tree_rss_mb(server.pid)
        finally:
            monitor.stopped.set()
            monitor.join(timeout=HEALTH_TIMEOUT_S + 1)
    report.seconds = time.monotonic() - started
    return report


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def print_report(report: Report) -> None:
    same = ", all uploading the same file" if report.same_file else ""
    print(
        f"\n=== {report.sessions} sessions (+ trainer, + attacker): {report.seconds:.0f} s; "
        f"{report.clients} clients{same} ==="
    )
    print(f"{'action':<34} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for name, values in report.latencies.items():
        print(
            f"{name:<34} {len(values):>4} {percentile(values, 50):>7.2f} "
            f"{percentile(values, 95):>7.2f} {max(values):>7.2f}"
        )
    if report.health_s:
        print(
            f"{'/_stcore/health during load':<34} {len(report.health_s):>4} "
            f"{percentile(report.health_s, 50):>7.3f} {percentile(report.health_s, 95):>7.3f} "
            f"{max(report.health_s):>7.3f}  ({report.health_failures} failed)"
        )
    memory = ", ".join(f"{k} {v:.0f}" for k, v in report.rss_mb.items())
    print(f"server RSS MB: {memory}, peak {report.peak_rss_mb:.0f}")
    warm = report.rss_mb.get("after warm-up")
    if warm:
        growth = [
            f"{k}: {100 * (v / warm - 1):+.0f} %" for k, v in report.rss_mb.items() if "round" in k
        ]
        print("memory against after warm-up: " + ", ".join(growth))
        print(
            '  ("end of round": the visitors have just closed their tabs; "after round": '
            f"{RECONNECT_S:.0f} s later, their sessions closed and their songs forgotten)"
        )
    if report.round_cpu_s:
        per_visitor = statistics.median(report.round_cpu_s) / (report.sessions + 2)
        print(
            "server CPU s per round: "
            + ", ".join(
                f"{c:.0f} (in {w:.0f} s)"
                for c, w in zip(report.round_cpu_s, report.round_wall_s, strict=True)
            )
            + f"; about {per_visitor:.1f} CPU s per visitor"
        )
        whose = "the visitors themselves" if report.clients == "protocol" else "Chromium apart"
        print(
            "load-test process CPU s per round: "
            + ", ".join(f"{c:.1f}" for c in report.client_cpu_s)
            + f" ({whose})"
        )
    if report.clients == "protocol":
        print(f"audio fetched from /media by the visitors: {report.media_mb:.0f} MB")
    print(f"errors: {len(report.errors)}; cross-talk: {len(report.cross_talk)}")
    for line in report.errors[:20] + report.cross_talk[:20]:
        print(f"  {line}")
    print("hostile files: " + ("; ".join(report.hostile) or "none refused"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per action")
    parser.add_argument("--bomb-mb", type=float, default=20.0, help="labels.csv inflated size")
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument(
        "--clients",
        choices=CLIENTS,
        default="protocol",
        help="protocol: Streamlit's protocol without a browser (measures the server); "
        "browser: one headless Chromium context per visitor (the realism check)",
    )
    parser.add_argument(
        "--same-file", action="store_true", help="every visitor of a round uploads one melody"
    )
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    worst = 0
    reports = []
    for n in args.sessions:
        report = asyncio.run(
            run_load(
                n,
                rounds=args.rounds,
                timeout_s=args.timeout,
                train=not args.no_train,
                hostile=not args.no_hostile,
                bomb_mb=args.bomb_mb,
                clients=args.clients,
                same_file=args.same_file,
            )
        )
        print_report(report)
        reports.append(report)
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        worst = max(worst, len(report.errors) + len(report.cross_talk))
    print_capacity(reports)
    return 1 if worst else 0


P95_TARGET_S = 15.0


def print_capacity(reports: list[Report]) -> None:
    """How many visitors this server holds at p95 <= 15 s for a 1-minute melody on Classify.

    The largest N measured that met the target; past it (or when none did),
    linear in N from the nearest measurement: on a CPU-bound server a round's
    work, so its p95, grows with the number of visitors sharing the cores.
    """
    points = sorted(
        (r.sessions, percentile(r.latencies["upload melody"], 95))
        for r in reports
        if r.latencies.get("upload melody")
    )
    if not points:
        return
    print("\nupload-melody p95 by visitors: " + ", ".join(f"{n}: {p:.1f} s" for n, p in points))
    met = [n for n, p in points if p <= P95_TARGET_S]
    n, p95 = next(((n, p) for n, p in points if n == max(met)), points[0]) if met else points[0]
    estimate = n * P95_TARGET_S / p95
    held = f"{max(met)} measured" if met else "none measured"
    print(
        f"visitors at p95 <= {P95_TARGET_S:g} s on this machine: {held}; linear estimate "
        f"from {n} visitors (p95 {p95:.1f} s): about {estimate:.0f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
