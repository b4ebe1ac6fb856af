"""What a visitor waits for: every page of the real app, driven in headless Chromium.

Run from the project root: ``python benchmarks/bench_pages.py`` (everything: 32 minutes
for today's app on a busy 2-core machine, actions cut at ``--timeout``), ``--quick``
(one fresh visit, 3 slider steps, no 10-minute song, no onsets), ``--pages classify
spectrograms``, ``--flows slider heavy``. ``--json out.json`` also writes the rows.

Per page and flow it prints the seconds from the action to the end of the run and
the bytes the browser received:

- ``run s``: from the action (``goto``, key press, file chosen, click) to the
  Streamlit ``script_finished`` frame of the last run the action caused, i.e. the
  server has sent everything. The websocket frames are decoded as Streamlit
  ForwardMsg protobufs; the action has ended when a run finished successfully
  and no new run started within ``RUN_QUIET_S`` (1 s) after it. The quiet
  period is not part of the time: the end is the frame itself.
- ``drawn s``: to the browser having drawn every plotly chart after that frame
  (all ``stPlotlyChart`` elements have an svg, two animation frames in a row).
- ``title s``: for a page load, to the first ``h1`` in the document; ``ready s``: to
  the title and a first control of the main area (a widget; on Home a page link).
- ``t/target``: the time a target applies to over the target: ``drawn s`` (what a
  visitor sees updated), and for first visits ``ready s`` (issue 14: "show their
  title and controls within 2 s on a warm server and 3 s on a fresh one").
- ``ws MB``: websocket frames received (decompressed payloads); ``fig MB``: the
  plotly JSON inside them; ``audio MB``: full size of the audio files the run's
  players point at that this visitor was not given before (what playing them
  downloads); ``http MB``: Content-Length of every HTTP response the browser got
  in the window (media ranges, static assets).

Timings are wall-clock on whatever else the machine runs: the load average is
printed with the table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser.harness import (  # noqa: E402
    RunMeasure,
    RunWatcher,
    launch_chromium,
    new_page,
    streamlit_process,
    url_path,
)
from songs import long_song, ogg_bytes  # noqa: E402

from musicml.ui.layout import PAGES  # noqa: E402

MB = 1e6
ACTION_TIMEOUT_MS = 600_000
"""Playwright's own waits (navigation, clicks) on a busy machine."""
SLUGS = {url_path(p.path) or "home": p for p in PAGES}
SLIDERS = {
    "synthesize": "Frequency f (Hz)",
    "spectrograms": "Window start (s)",
    "loss_surface": "C, the inverse penalty strength (log scale)",
    "signal_lab": "σ (samples)",
}
"""Each page's main slider, found by its label; one step is one ArrowRight."""
HEAVY_PAGES = ("classify", "spectrograms", "music_analysis", "synthesize", "train")
FLOWS = ("fresh", "warm", "slider", "heavy", "growth")

# Targets of issue 14 (seconds, or MB for a 3-minute song).
FIRST_VISIT_FRESH_S = 3.0
FIRST_VISIT_WARM_S = 2.0
SLIDER_STEP_S = 0.3
CLASSIFY_FIXED_S = 3.0
CLASSIFY_ONSETS_S = 5.0
SONG_PAGE_S = 5.0
FIGURES_MB = 3.0
AUDIO_MB = 4.0


@dataclass
class Row:
    flow: str
    page: str
    run_s: float | None = None
    drawn_s: float | None = None
    title_s: float | None = None
    ready_s: float | None = None
    ws_mb: float | None = None
    fig_mb: float | None = None
    audio_mb: float | None = None
    http_mb: float | None = None
    target_s: float | None = None
    timed: str = "drawn"
    """Which time the target applies to: ``drawn`` (the updated page drawn in the
    browser) or, for a first visit, ``ready`` (its title and controls shown)."""
    song_minutes: float | None = None
    """Set for rows of a 3-minute song (the bytes targets apply)."""
    note: str = ""


class Visitor:
    """One browser context (one Streamlit session) with its watcher."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.page = new_page(browser, height=1400)
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.watcher = RunWatcher(self.page)
        self.seen_media: set[str] = set()

    def close(self) -> None:
        self.page.context.close()

    def audio_bytes(self, measure: RunMeasure) -> int:
        """Full size of the audio files this run references that this visitor had not seen."""
        total = 0
        for url in dict.fromkeys(measure.media_urls):
            if url in self.seen_media:
                continue
            self.seen_media.add(url)
            try:
                total += media_size(self.base + url)
            except urllib.error.HTTPError:
                # Gone already: a later run of the same action replaced it. Count
                # what the browser fetched of it, if anything.
                total += sum(r.nbytes for r in self.watcher.responses if r.url.endswith(url))
        return total

    def row(self, flow: str, page: str, measure: RunMeasure, **extra) -> Row:
        return Row(
            flow,
            page,
            run_s=measure.run_s,
            drawn_s=measure.drawn_s,
            title_s=measure.title_s,
            ready_s=measure.ready_s,
            ws_mb=measure.ws_bytes / MB,
            fig_mb=measure.figure_bytes / MB,
            audio_mb=self.audio_bytes(measure) / MB,
            http_mb=measure.http_bytes / MB,
            **extra,
        )

    def open(self, slug: str, *, timeout_s: float) -> RunMeasure:
        url = f"{self.base}/{url_path(SLUGS[slug].path)}"
        return self.watcher.measure(
            lambda: self.page.goto(url), timeout_s=timeout_s, page_load=True
        )

    def upload(self, path: Path, *, timeout_s: float) -> RunMeasure:
        """Choose "Upload a file" in the page's audio picker, then the file."""
        self.watcher.measure(
            lambda: self.page.get_by_text("Upload a file", exact=True).first.click(),
            timeout_s=timeout_s,
        )
        dropzone = self.page.get_by_test_id("stFileUploaderDropzoneInput").first
        return self.watcher.measure(
            lambda: dropzone.set_input_files(str(path)), timeout_s=timeout_s
        )


def media_size(url: str) -> int:
    """The full size of a media file, asked for with a one-byte range."""
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        span = answer.headers.get("Content-Range", "")
        if "/" in span:
            return int(span.rsplit("/", 1)[1])
        return len(answer.read())


def checked(visitor: Visitor) -> str:
    """A note when the page shows a traceback or an error message."""
    notes = []
    if visitor.page.get_by_test_id("stException").count():
        notes.append("EXCEPTION shown")
    if visitor.page.get_by_test_id("stAlertContentError").count():
        notes.append("st.error shown")
    return "; ".join(notes)


def attempt(rows: list[Row], flow: str, page: str, run, **extra) -> None:
    """Run one measurement; a failure becomes a row with its reason, not a crash."""
    started = time.monotonic()
    try:
        rows.extend(run())
    except Exception as exc:  # a timeout or a missing control: report it and go on
        reason = str(exc).splitlines()[0][:90]
        rows.append(
            Row(
                flow,
                page,
                note=f"FAILED after {time.monotonic() - started:.0f} s: "
                f"{type(exc).__name__}: {reason}",
                **extra,
            )
        )
    print_row(rows[-1])


# ----------------------------------------------------------------------------- flows


def first_visit_fresh(p, pages, timeout_s) -> list[Row]:
    rows = []
    for slug in pages:

        def run(slug=slug):
            with streamlit_process() as server:
                browser = launch_chromium(p)
                try:
                    visitor = Visitor(browser, server.url)
                    measure = visitor.open(slug, timeout_s=timeout_s)
                    return [
                        visitor.row(
                            "first visit, fresh server",
                            slug,
                            measure,
                            target_s=FIRST_VISIT_FRESH_S,
                            timed="ready",
                            note=checked(visitor),
                        )
                    ]
                finally:
                    browser.close()

        attempt(rows, "first visit, fresh server", slug, run)
    return rows


def first_visit_warm(browser, base, pages, timeout_s) -> list[Row]:
    rows = []
    for slug in pages:

        def run(slug=slug):
            visitor = Visitor(browser, base)
            try:
                measure = visitor.open(slug, timeout_s=timeout_s)
                return [
                    visitor.row(
                        "first visit, warm server",
                        slug,
                        measure,
                        target_s=FIRST_VISIT_WARM_S,
                        timed="ready",
                        note=checked(visitor),
                    )
                ]
            finally:
                visitor.close()

        attempt(rows, "first visit, warm server", slug, run)
    return rows


def slider_steps(browser, base, pages, steps, timeout_s) -> list[Row]:
    rows = []
    for slug in [s for s in pages if s in SLIDERS]:

        def run(slug=slug):
            visitor = Visitor(browser, base)
            try:
                visitor.open(slug, timeout_s=timeout_s)
                slider = (
                    visitor.page.get_by_test_id("stSlider")
                    .filter(has_text=SLIDERS[slug])
                    .get_by_role("slider")
                    .first
                )
                measures = []
                for _ in range(steps):
                    slider.focus()
                    measures.append(
                        visitor.watcher.measure(
                            lambda: visitor.page.keyboard.press("ArrowRight"),
                            timeout_s=timeout_s,
                        )
                    )
                median = sorted(measures, key=lambda m: m.run_s)[len(measures) // 2]
                times = ", ".join(f"{m.run_s:.2f}" for m in measures)
                return [
                    visitor.row(
                        f"slider step (median of {steps})",
                        slug,
                        median,
                        target_s=SLIDER_STEP_S,
                        note=f"{SLIDERS[slug]!r}: {times} s " + checked(visitor),
                    )
                ]
            finally:
                visitor.close()

        attempt(rows, f"slider step (median of {steps})", slug, run)
    return rows


def song_file(folder: Path, minutes: float, seed: int) -> Path:
    """A synthesized song as OGG; each flow gets its own seed, so no cache is shared."""
    path = folder / f"song-{minutes:g}min-{seed}.ogg"
    if not path.exists():
        path.write_bytes(ogg_bytes(long_song(minutes, seed=seed)))
    return path


def heavy(browser, base, pages, folder, timeout_s, onsets) -> list[Row]:
    rows = []
    if "classify" in pages:
        visitor = Visitor(browser, base)
        song = song_file(folder, 3, seed=1)

        def fixed():
            visitor.open("classify", timeout_s=timeout_s)
            measure = visitor.upload(song, timeout_s=timeout_s)
            return [
                visitor.row(
                    "3-min song, fixed windows",
                    "classify",
                    measure,
                    target_s=CLASSIFY_FIXED_S,
                    song_minutes=3,
                    note=checked(visitor),
                )
            ]

        def at_onsets():
            measure = visitor.watcher.measure(
                lambda: visitor.page.get_by_text("At detected onsets", exact=True).click(),
                timeout_s=timeout_s,
            )
            return [
                visitor.row(
                    "3-min song, then onsets",
                    "classify",
                    measure,
                    target_s=CLASSIFY_ONSETS_S,
                    song_minutes=3,
                    note=checked(visitor),
                )
            ]

        try:
            attempt(rows, "3-min song, fixed windows", "classify", fixed, song_minutes=3)
            if onsets and rows[-1].run_s is not None:
                attempt(rows, "3-min song, then onsets", "classify", at_onsets, song_minutes=3)
        finally:
            visitor.close()
    for slug, seed in (("spectrograms", 2), ("music_analysis", 3)):
        if slug not in pages:
            continue

        def run(slug=slug, seed=seed):
            visitor = Visitor(browser, base)
            try:
                visitor.open(slug, timeout_s=timeout_s)
                measure = visitor.upload(song_file(folder, 3, seed), timeout_s=timeout_s)
                return [
                    visitor.row(
                        "3-min song uploaded",
                        slug,
                        measure,
                        target_s=SONG_PAGE_S,
                        song_minutes=3,
                        note=checked(visitor),
                    )
                ]
            finally:
                visitor.close()

        attempt(rows, "3-min song uploaded", slug, run, song_minutes=3)
    if "synthesize" in pages or "train" in pages:
        visitor = Visitor(browser, base)

        def build():
            visitor.open("synthesize", timeout_s=timeout_s)
            page = visitor.page
            measure = visitor.watcher.measure(
                lambda: page.get_by_role("button", name="Build data set").click(),
                timeout_s=timeout_s,
            )
            return [
                visitor.row(
                    "build notes set, 30 per class",
                    "synthesize",
                    measure,
                    note=checked(visitor),
                )
            ]

        def train():
            page = visitor.page
            opened = visitor.watcher.measure(
                lambda: page.get_by_test_id("stSidebar").get_by_role("link", name="Train").click(),
                timeout_s=timeout_s,
            )
            first = visitor.row(
                "open (built-in data, trains)", "train", opened, note=checked(visitor)
            )
            page.get_by_test_id("stSelectbox").filter(has_text="Data set").first.click()
            option = page.get_by_role("option").filter(has_text="This session:").first
            measure = visitor.watcher.measure(option.click, timeout_s=timeout_s)
            return [
                first,
                visitor.row(
                    "train on the session's notes set", "train", measure, note=checked(visitor)
                ),
            ]

        try:
            attempt(rows, "build notes set, 30 per class", "synthesize", build)
            if "train" in pages and rows[-1].run_s is not None:
                attempt(rows, "train on the session's notes set", "train", train)
        finally:
            visitor.close()
    return rows


def growth(browser, base, folder, minutes, timeout_s) -> list[Row]:
    rows = []
    for length in minutes:

        def run(length=length):
            visitor = Visitor(browser, base)
            try:
                visitor.open("classify", timeout_s=timeout_s)
                measure = visitor.upload(
                    song_file(folder, length, seed=10 + int(length)), timeout_s=timeout_s
                )
                return [
                    visitor.row(
                        f"growth: {length:g}-min song, fixed",
                        "classify",
                        measure,
                        note=checked(visitor),
                    )
                ]
            finally:
                visitor.close()

        attempt(rows, f"growth: {length:g}-min song, fixed", "classify", run)
    return rows


# ----------------------------------------------------------------------------- printing

HEADER = (
    f"{'flow':<34} {'page':<15} {'run s':>7} {'drawn s':>7} {'title s':>7} {'ready s':>7} "
    f"{'ws MB':>6} {'fig MB':>6} {'audio MB':>8} {'http MB':>7}  {'t/target':>8} "
    f"{'fig/3MB':>7} {'aud/4MB':>7}  note"
)


def fmt(value, spec: str) -> str:
    """``value`` formatted by ``spec``, or a dash of the same width when missing."""
    if value is None:
        return "—".rjust(int(spec.split(".")[0] or 0))
    return format(value, spec)


def timed_s(row: Row) -> float | None:
    """The time a row's target applies to (see :attr:`Row.timed`)."""
    return getattr(row, f"{row.timed}_s")


def ratios(row: Row) -> tuple[float | None, float | None, float | None]:
    waited = timed_s(row)
    time_ratio = None if waited is None or row.target_s is None else waited / row.target_s
    fig = aud = None
    if row.song_minutes == 3 and row.fig_mb is not None:
        fig, aud = row.fig_mb / FIGURES_MB, row.audio_mb / AUDIO_MB
    return time_ratio, fig, aud


def print_row(row: Row) -> None:
    t, fig, aud = ratios(row)
    print(
        f"{row.flow:<34} {row.page:<15} {fmt(row.run_s, '7.2f')} {fmt(row.drawn_s, '7.2f')} "
        f"{fmt(row.title_s, '7.2f')} {fmt(row.ready_s, '7.2f')} "
        f"{fmt(row.ws_mb, '6.2f')} {fmt(row.fig_mb, '6.2f')} "
        f"{fmt(row.audio_mb, '8.2f')} {fmt(row.http_mb, '7.2f')}  {fmt(t, '8.1f')} "
        f"{fmt(fig, '7.2f')} {fmt(aud, '7.2f')}  {row.note}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", choices=list(SLUGS), default=list(SLUGS))
    parser.add_argument("--flows", nargs="+", choices=FLOWS, default=list(FLOWS))
    parser.add_argument("--quick", action="store_true", help="a short run (see the docstring)")
    parser.add_argument("--steps", type=int, default=5, help="slider steps (median taken)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per action")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    steps = 3 if args.quick else args.steps
    minutes = (1,) if args.quick else (1, 10)
    fresh_pages = args.pages[:1] if args.quick else args.pages
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(HEADER)
    rows: list[Row] = []
    started = time.monotonic()
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "fresh" in args.flows:
            rows += first_visit_fresh(p, fresh_pages, args.timeout)
        with streamlit_process() as server:
            browser = launch_chromium(p)
            try:
                # Warm the server: each page once, so imports and built-ins are loaded.
                for slug in dict.fromkeys(["home", *args.pages]):
                    warm = Visitor(browser, server.url)
                    try:
                        warm.open(slug, timeout_s=args.timeout)
                    except Exception as exc:
                        print(f"warm-up of {slug} failed: {exc}")
                    warm.close()
                if "warm" in args.flows:
                    rows += first_visit_warm(browser, server.url, args.pages, args.timeout)
                if "slider" in args.flows:
                    rows += slider_steps(browser, server.url, args.pages, steps, args.timeout)
                if "heavy" in args.flows:
                    rows += heavy(
                        browser,
                        server.url,
                        [s for s in args.pages if s in HEAVY_PAGES],
                        folder,
                        args.timeout,
                        onsets=not args.quick,
                    )
                if "growth" in args.flows and "classify" in args.pages:
                    rows += growth(browser, server.url, folder, minutes, args.timeout)
            finally:
                browser.close()
    print()
    print(
        f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        f"{time.monotonic() - started:.0f} s in all"
    )
    print(HEADER)
    for row in rows:
        print_row(row)
    summary(rows)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


def summary(rows: list[Row]) -> None:
    """The issue's targets, met or not."""
    timed = [r for r in rows if timed_s(r) is not None and r.target_s is not None]
    over = [r for r in timed if timed_s(r) > r.target_s]
    print(f"\ntime targets met: {len(timed) - len(over)} of {len(timed)}")
    for r in over:
        print(f"  over: {r.flow}, {r.page}: {r.timed} {timed_s(r):.2f} s > {r.target_s} s")
    sliders = [r.drawn_s for r in timed if r.flow.startswith("slider")]
    if sliders:
        print(
            f"slider step medians (drawn): {statistics.median(sliders):.2f} s over pages "
            f"(target {SLIDER_STEP_S} s)"
        )
    song = [r for r in rows if r.song_minutes == 3 and r.fig_mb is not None]
    for r in song:
        print(
            f"3-min song on {r.page} ({r.flow}): figures {r.fig_mb:.2f} MB (≤ {FIGURES_MB}), "
            f"audio {r.audio_mb:.2f} MB (≤ {AUDIO_MB})"
        )
    grow = [r for r in rows if "min song" in r.flow and r.page == "classify" and r.run_s]
    grow = sorted({r.flow.split(":")[-1]: r for r in grow if "then onsets" not in r.flow}.items())
    if grow:
        print(
            "growth on Classify (fixed windows): "
            + "; ".join(
                f"{k.strip()}: {r.run_s:.1f} s, {r.ws_mb:.1f} MB ws, {r.audio_mb:.1f} MB audio"
                for k, r in grow
            )
        )


if __name__ == "__main__":
    raise SystemExit(main())
