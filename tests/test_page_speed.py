"""A 3-minute song on the Classify page, at AppTest level: a guard against O(n²) pages.

The timing targets of issue 14 (3 s with fixed windows, 5 s at onsets, in a
real browser) live in ``benchmarks/bench_pages.py``. Here the limits are
generous, so only a page whose cost grows with the square of the segments
fails: the whole run within ``RUN_LIMIT_S`` on a busy 2-core machine, and at
most ``FIGURES_LIMIT_BYTES`` of plotly JSON for the song.
"""

from __future__ import annotations

import time

import pytest
from conftest import open_page
from songs import long_song, ogg_bytes

pytestmark = pytest.mark.slow

SONG_MINUTES = 3
RUN_LIMIT_S = 60.0
"""Generous: the classification itself takes about 1 s; 20× that is still a healthy page."""
FIGURES_LIMIT_BYTES = 3_000_000
"""Issue 14: no page sends more than 3 MB of figures for a 3-minute song."""
NAME = "song-3min.ogg"


@pytest.fixture(scope="module")
def song() -> bytes:
    """Three minutes of drums, arpeggio, piano melody and rests, as OGG/Vorbis."""
    return ogg_bytes(long_song(SONG_MINUTES, seed=7))


def _classify(song: bytes, how: str):
    """Classify with ``how`` chosen, upload the song; returns (AppTest, seconds of the run)."""
    at = open_page("pages/classify.py", timeout=RUN_LIMIT_S, state={"classify.how": how})
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value((NAME, song, "audio/ogg"))
    start = time.perf_counter()
    try:
        at.run(timeout=RUN_LIMIT_S)
    except RuntimeError as exc:  # AppTest's "script run timed out"
        pytest.fail(f"Classify ({how}) on a {SONG_MINUTES}-minute song: {exc} ({RUN_LIMIT_S} s)")
    seconds = time.perf_counter() - start
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at, seconds


def _figure_bytes(at) -> int:
    return sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))


@pytest.mark.parametrize("how", ["Fixed windows", "At detected onsets"])
def test_a_three_minute_song_is_classified_within_bounds(song, how):
    at, seconds = _classify(song, how)
    summary = next(m.value for m in at.markdown if " segments over " in m.value)
    assert f"over {SONG_MINUTES * 60:.1f} s" in summary
    assert seconds <= RUN_LIMIT_S, f"{how}: {seconds:.1f} s"
    figures = _figure_bytes(at)
    assert figures <= FIGURES_LIMIT_BYTES, (
        f"{how}: {figures / 1e6:.2f} MB of figures for a {SONG_MINUTES}-minute song "
        f"(at most {FIGURES_LIMIT_BYTES / 1e6:g} MB)"
    )
