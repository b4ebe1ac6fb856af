"""Every page in Chinese and Japanese on the real server, in headless Chromium.

Screenshots land in ``tests/artifacts/i18n-<page>-<lang>.png`` (a tall viewport, after the
figures are drawn), to look at: CJK text must render as characters, not boxes.
Run alone with ``python -m pytest -m browser tests/browser/test_i18n_browser.py``.
"""

from __future__ import annotations

import re

import pytest
from browser.harness import (
    ARTIFACTS,
    streamlit_server,
    url_path,
    wait_for_run,
)

from musicml.i18n import translate
from musicml.ui.layout import PAGES

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def visit(browser, url: str, *, locale: str = "en-US"):
    context = browser.new_context(viewport={"width": 1400, "height": 3000}, locale=locale)
    page = context.new_page()
    page.goto(url)
    return page


def title_of(page_info, lang: str) -> str:
    return "musicml" if page_info.path == "app.py" else translate(page_info.label, lang)


@pytest.mark.parametrize("lang", ["zh", "ja"])
@pytest.mark.parametrize("page_info", PAGES, ids=[url_path(p.path) or "home" for p in PAGES])
def test_every_page_in_chinese_and_japanese(browser, server, page_info, lang):
    page = visit(browser, f"{server}/{url_path(page_info.path)}?lang={lang}")
    try:
        title = title_of(page_info, lang)
        wait_for_run(page, title, charts=page_info.path != "app.py")
        heading = page.get_by_role("heading", level=1).first.inner_text()
        assert page_info.path == "app.py" or (CJK.search(heading) and heading != page_info.label)
        # The sidebar's page links, the picker and the main text are in the language too.
        nav = page.get_by_test_id("stSidebar").get_by_role("link")
        labels = nav.all_inner_texts()
        assert translate("Loss surface", lang) in " ".join(labels), labels
        assert "Loss surface" not in " ".join(labels)
        main = page.get_by_test_id("stMain").inner_text()
        assert len(CJK.findall(main)) > 50
        if page_info.path != "app.py":
            # Figures carry translated titles (Plotly draws them as SVG text).
            svg_text = " ".join(
                page.eval_on_selector_all(
                    ".js-plotly-plot .gtitle", "titles => titles.map(t => t.textContent)"
                )
            )
            assert CJK.search(svg_text), svg_text
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.screenshot(
            path=ARTIFACTS / f"i18n-{url_path(page_info.path) or 'home'}-{lang}.png",
            full_page=True,
        )
        assert f"lang={lang}" in page.url
    finally:
        page.context.close()


def test_a_japanese_browser_opens_in_japanese_and_the_sidebar_keeps_it(browser, server):
    """No ``?lang=`` in the address: the browser's preferred language decides."""
    page = visit(browser, f"{server}/", locale="ja-JP")
    try:
        wait_for_run(page, "musicml", charts=False)
        expect(page.get_by_text(translate("A five-minute tour", "ja"))).to_be_visible()
        assert "lang=ja" in page.url
        nav = page.get_by_test_id("stSidebar")
        nav.get_by_role("link", name=translate("Signal lab", "ja")).click()
        wait_for_run(page, translate("Signal lab", "ja"))
        assert "lang=ja" in page.url, "a page link drops the query string; the session keeps it"
    finally:
        page.context.close()


def test_the_picker_switches_the_language_in_place(browser, server):
    page = visit(browser, f"{server}/synthesize?lang=zh&freq=880")
    try:
        wait_for_run(page, translate("Synthesize", "zh"))
        page.get_by_test_id("stSidebar").get_by_text("日本語", exact=True).click()
        wait_for_run(page, translate("Synthesize", "ja"))
        assert "lang=ja" in page.url and "freq=880" in page.url
        expect(page.get_by_role("slider").first).to_have_value("880")
    finally:
        page.context.close()
