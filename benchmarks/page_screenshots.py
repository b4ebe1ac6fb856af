"""A full-page screenshot of every page, at a desktop width and at a phone's width.

Run from the project root: ``python benchmarks/page_screenshots.py`` (about five
minutes here), or ``--pages train synthesize``, ``--widths 390``, ``--out DIR``,
``--suffix -before`` (to keep a copy of the state before a layout change).

Each page is opened by its URL on one fresh server, in a new browser context per
shot, and photographed once its run has finished and every chart is drawn:

- ``<page>-<width>.png``: the page's defaults;
- ``<page>-action-<width>.png``: after the page's main action, where it has one
  (Synthesize: "Build data set"; Train: the "Train" button).

Streamlit scrolls inside its main container, so a "full page" screenshot shows
only the viewport: the page is measured, the viewport made as tall as the
content, and the charts given time to redraw before the shot. Widths are CSS
pixels at a device scale factor of 1 (1400: a laptop; 390: a phone, with a
mobile user agent and touch), saved with a 256-colour palette to keep the files small.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser.harness import (  # noqa: E402
    RUN_TIMEOUT_MS,
    launch_chromium,
    streamlit_server,
    url_path,
    wait_for_charts_drawn,
    wait_for_quiet_status,
    wait_for_run,
)

from musicml.ui.layout import PAGES  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "issue15" / "pages"
WIDTHS = (1400, 390)
HEIGHT = {1400: 1000, 390: 844}
"""The first viewport height; the shot itself is as tall as the page."""
COLOURS = 256
"""Palette size of the saved PNGs (see :func:`shrink`)."""
MAX_HEIGHT = 30_000
"""Chromium cannot capture taller; longer pages are cut here."""
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
SLUGS = {url_path(p.path) or "home": p for p in PAGES}

_CONTENT_HEIGHT = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const h = Math.max(main ? main.scrollHeight : 0, block ? block.scrollHeight : 0,
                     document.documentElement.scrollHeight);
  return Math.ceil(h);
}
"""


def title_of(slug: str) -> str:
    return "musicml" if slug == "home" else SLUGS[slug].label


def new_visitor(browser, width: int):
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT.get(width, 1000)},
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
        user_agent=PHONE_AGENT if phone else None,
        permissions=["microphone"],
    )
    return context.new_page()


def settle(page, slug: str) -> None:
    wait_for_run(page, title_of(slug), charts=slug != "home")
    wait_for_charts_drawn(page, frames=10)


def shoot(page, width: int, path: Path) -> None:
    """Make the viewport as tall as the content, let the charts redraw, then capture."""
    for _ in range(3):  # a taller viewport can re-flow the page once or twice
        height = min(page.evaluate(_CONTENT_HEIGHT), MAX_HEIGHT)
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(800)
    wait_for_charts_drawn(page, frames=10)
    page.wait_for_timeout(500)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, animations="disabled")
    shrink(path)
    print(f"  {path.relative_to(ROOT)}  {width}×{page.viewport_size['height']}", flush=True)


def shrink(path: Path, *, colours: int = COLOURS) -> None:
    """Re-save a screenshot with a palette of ``colours`` (a third of the bytes; flat UI
    colours stay exact, only the colour bars' gradients band slightly)."""
    from PIL import Image

    with Image.open(path) as image:
        quantized = image.convert("RGB").quantize(
            colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    quantized.save(path, optimize=True)


def press(page, slug: str) -> None:
    """The page's main action, then wait for the run it starts."""
    if slug == "synthesize":
        button = page.get_by_role("button", name="Build data set")
    else:  # train
        button = page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Train")
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_timeout(500)
    wait_for_fresh(page, timeout_ms=RUN_TIMEOUT_MS * 3)
    settle(page, slug)


def wait_for_fresh(page, *, quiet_s: float = 1.5, timeout_ms: int) -> None:
    """Wait until no element has been left from the previous run (Streamlit greys those
    out with ``data-stale``) for ``quiet_s`` seconds: a long run can keep the status
    widget hidden, a stale element cannot hide."""
    stale = page.locator('[data-stale="true"]')
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        if stale.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > quiet_s:
            wait_for_quiet_status(page, timeout_ms=timeout_ms)
            return
        page.wait_for_timeout(250)
    raise TimeoutError(f"the page was still running after {timeout_ms / 1000:.0f} s")


ACTIONS = ("synthesize", "train")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", default=list(SLUGS), choices=list(SLUGS))
    parser.add_argument("--widths", nargs="*", type=int, default=list(WIDTHS))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--suffix", default="", help="added to every file name, e.g. -before")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as p, streamlit_server() as base:
        browser = launch_chromium(p)
        try:
            for slug in args.pages:
                for width in args.widths:
                    page = new_visitor(browser, width)
                    try:
                        page.goto(f"{base}/{url_path(SLUGS[slug].path)}")
                        settle(page, slug)
                        shoot(page, width, args.out / f"{slug}-{width}{args.suffix}.png")
                        if slug in ACTIONS:
                            page.set_viewport_size({"width": width, "height": HEIGHT[width]})
                            press(page, slug)
                            name = f"{slug}-action-{width}{args.suffix}.png"
                            shoot(page, width, args.out / name)
                    finally:
                        page.context.close()
        finally:
            browser.close()
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
