"""Every page renders on its defaults, reached through the app or opened alone."""

from __future__ import annotations

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from musicml.ui.layout import PAGES

TIMEOUT = 120
PAGE_PATHS = [page.path for page in PAGES]


def test_home_links_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "musicml"
    labels = {el.proto.label for el in at.get("page_link")}
    assert {page.label for page in PAGES} <= labels


@pytest.mark.parametrize("path", PAGE_PATHS[1:])
def test_page_renders_through_the_app(path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"


@pytest.mark.parametrize("path", PAGE_PATHS[1:])
def test_page_renders_opened_alone(path):
    """A page is its own entry script (a deep link before app.py ever ran)."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_the_warm_up_waits_for_a_module_another_thread_is_still_importing():
    import sys
    import threading
    import time
    import types

    from musicml.ui.layout import _wait_until_imported

    module = types.ModuleType("musicml_half_made")
    module.__spec__ = types.SimpleNamespace(_initializing=True)
    sys.modules["musicml_half_made"] = module
    try:
        threading.Timer(0.3, lambda: setattr(module.__spec__, "_initializing", False)).start()
        started = time.monotonic()
        assert _wait_until_imported("musicml_half_made", timeout_s=5.0)
        assert time.monotonic() - started >= 0.25, "it waited for the import to finish"
        assert not _wait_until_imported("musicml_never_imported", timeout_s=0.1)
    finally:
        del sys.modules["musicml_half_made"]


def test_browser_tab_names_the_app_once(monkeypatch):
    """Home's tab read "musicml · musicml"."""
    import streamlit

    from musicml.ui.layout import browser_title

    titles = []
    real = streamlit.set_page_config

    def record(*args, **kwargs):
        titles.append(kwargs.get("page_title"))
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", record)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert titles and titles[-1] == "musicml"
    assert browser_title("Train") == "Train · musicml"
    assert browser_title("musicml") == "musicml"
