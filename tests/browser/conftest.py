"""What every browser test shares: one headless Chromium per test module."""

from __future__ import annotations

import pytest
from browser.harness import ARTIFACTS, chromium_available, launch_chromium


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright; the module is skipped where it is missing."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not chromium_available():
        pytest.skip("Chromium is not installed (tests/run.sh installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()
