"""A short load test in real browsers: four visitors on Classify at once, a trainer and an attacker.

The full one (10, 20 and 40 visitors, three rounds) is ``python
benchmarks/load_test.py --sessions 10 20 40`` (protocol-level visitors; add
``--clients browser`` for Chromium). The protocol visitors are tested in
``tests/test_stream_client.py``.
"""

from __future__ import annotations

import asyncio

import pytest
from browser.harness import chromium_available

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("playwright.async_api")
pytest.importorskip("psutil")


def test_four_visitors_at_once_each_get_their_own_answer():
    if not chromium_available():
        pytest.skip("Chromium is not installed (tests/run.sh installs it)")
    from benchmarks.load_test import run_load

    report = asyncio.run(run_load(4, rounds=1, timeout_s=240, bomb_mb=2, clients="browser"))
    assert not report.errors, report.errors
    assert not report.cross_talk, report.cross_talk
    assert len(report.latencies["upload melody"]) == 4
    refused = {line.split(":")[0] for line in report.hostile if line.endswith("refused")}
    assert {"not-audio.wav", "cut-in-headers.ogg", "labels-bomb.zip"} <= refused, report.hostile
    assert report.health_s and not report.health_failures
