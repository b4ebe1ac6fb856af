"""A shared link in a real browser: change three controls, copy the address, open it in a
new browser context on a fresh server, and find the same controls and the same figure.

Run alone with ``python -m pytest tests/browser/test_share_browser.py``.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from browser.harness import (  # the browser fixture is tests/browser/conftest.py's
    ARTIFACTS,
    RUN_TIMEOUT_MS,
    new_page,
    streamlit_server,
    wait_for_run,
)

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def select(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def choose(page, label: str, option: str) -> None:
    """A segmented control or a radio group: both are radio groups to assistive tech."""
    group = page.get_by_role("radiogroup", name=label, exact=True)
    group.get_by_text(option, exact=True).click()  # a radio's own input is hidden


def slide(page, label: str, steps: int) -> None:
    """Move a slider by ``steps`` steps with the arrow keys."""
    thumb = page.get_by_role("slider", name=label).first
    thumb.focus()
    for _ in range(abs(steps)):
        thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")


# page → (title, [(action, label, argument)], parameters the address must then hold)
FLOWS = {
    "synthesize": (
        "Synthesize",
        [
            (select, "Timbre", "piano"),
            (select, "Sample rate sr (Hz)", "44100"),
            (slide, "Frequency f (Hz)", 3),
        ],
        {"timbre": "piano", "sr": "44100", "freq": "1030"},
    ),
    "spectrograms": (
        "Spectrograms",
        [
            (choose, "Sound", "1 kHz tone + silence"),
            (select, "Representation", "MFCC"),
            (slide, "Hop length (samples)", -1),
        ],
        {"source": "1khz", "kind": "mfcc", "hop": "256"},
    ),
    "loss_surface": (
        "Loss surface",
        [
            (choose, "Data", "Iris"),
            (slide, "C, the inverse penalty strength", -2),
            (slide, "Contour levels", 5),
        ],
        {"source": "iris", "C": "0.2", "levels": "35"},
    ),
    "train": (
        "Train",
        [
            (select, "Features", "chroma"),
            (select, "Model", "Support vector machine"),
            (slide, "C (inverse regularisation)", -1),
        ],
        {"features": "chroma", "model": "svm", "C": "0.1"},
    ),
    "classify": (
        "Classify",
        [
            (
                select,
                "Model",
                "builtin:sound-silence — Sound or silence (silence = a quiet room, not only zeros)",
            ),
            (choose, "Song or recording", "Example: tone sequence"),
            (choose, "Cut the audio", "At detected onsets"),
        ],
        {"model": "builtin:sound-silence", "source": "tones", "how": "onsets"},
    ),
    "music_analysis": (
        "Music analysis",
        [
            (choose, "Sound", "Example: slower groove, 96 BPM"),
            (choose, "Clicks on", "onsets"),
            (choose, "Explore", "NMF"),
        ],
        {"source": "groove", "click_on": "onsets", "view": "nmf"},
    ),
    "signal_lab": (
        "Signal lab",
        [(choose, "Experiment", "FIR low-pass"), (slide, "Cut-off (Hz)", 4), (slide, "Taps", -3)],
        {"view": "fir", "cutoff": "1200", "taps": "71"},
    ),
}

FIGURE_JS = r"""el => {
    // plotly gives each trace a random uid when it draws it, and Streamlit's chart wraps
    // the title in one more <b> each time it redraws it: neither is part of the figure.
    const skip = (key, value) => {
        if (key === "uid" || key.startsWith("_")) return undefined;
        return typeof value === "string" ? value.replace(/<\/?b>/g, "") : value;
    };
    const text = JSON.stringify({data: el.data, layout: el.layout}, skip);
    let hash = 2166136261;
    for (let i = 0; i < text.length; i++) {
        hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
    }
    return {length: text.length, hash: hash, text: text};
}"""


def first_figure(page, name: str) -> dict:
    """The first chart's data and layout once drawn and steady: length and hash.

    A run's status widget shows only once the run has lasted a moment, so the figure is
    read until two readings two seconds apart agree (its JSON is kept in artifacts).
    """
    chart = page.locator(".js-plotly-plot").first
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    previous = None
    while True:
        expect(chart).to_be_visible(timeout=RUN_TIMEOUT_MS)
        figure = chart.evaluate(FIGURE_JS)
        steady = figure == previous and not page.get_by_test_id("stStatusWidget").count()
        if steady or time.monotonic() > deadline:
            break
        previous = figure
        page.wait_for_timeout(2000)
    (ARTIFACTS / f"{name}.json").write_text(figure.pop("text"))
    return figure


def wait_for_address(page, expected: dict[str, str]) -> str:
    """The address once it holds ``expected`` (the run that wrote it has started)."""
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while {k: query(page.url).get(k) for k in expected} != expected:
        assert time.monotonic() < deadline, page.url
        page.wait_for_timeout(250)
    return page.url


def shared_link(page) -> str:
    """The sidebar's "Copy link to this view" text, without the server's address."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stCode")
    text = box.inner_text().strip()
    parts = urlsplit(text)
    return parts.path + "?" + parts.query


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


@pytest.fixture(scope="module")
def base():
    """The server where every link is made (each visitor its own session); each link is
    then opened on a server of its own, started for it."""
    with streamlit_server() as url:
        yield url


@pytest.mark.parametrize("path", list(FLOWS))
def test_a_copied_address_reopens_the_same_view_on_a_fresh_server(browser, base, path):
    title, actions, expected = FLOWS[path]
    page = new_page(browser)
    page.goto(f"{base}/{path}")
    wait_for_run(page, title)
    for action, label, argument in actions:
        action(page, label, argument)
        if path == "train":
            continue
        wait_for_run(page, title)
    if path == "train":
        page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
        wait_for_run(page, title)
    address = wait_for_address(page, expected)
    wait_for_run(page, title)
    link = shared_link(page)
    figure = first_figure(page, f"share-{path}-made")
    page.screenshot(path=ARTIFACTS / f"share-{path}-made.png", full_page=True)
    page.context.close()

    shared = address.replace(base, "")
    with streamlit_server() as fresh:
        page = new_page(browser)
        page.goto(fresh + shared)
        wait_for_run(page, title)
        expect(page.get_by_test_id("stToast")).to_have_count(0)
        assert query(page.url) == query(address), "the address is kept as it was shared"
        assert shared_link(page) == link, "the same controls"
        assert first_figure(page, f"share-{path}-opened") == figure, "the same figure"
        page.screenshot(path=ARTIFACTS / f"share-{path}-opened.png", full_page=True)
        page.context.close()
