"""The protocol-level visitor of the load test against a real ``streamlit run app.py``.

``benchmarks/stream_client.py`` speaks Streamlit's WebSocket protocol without a
browser. One visitor shows that it speaks it as a browser does; then the load test
runs three such visitors at once (plus its trainer and attacker), each uploading
its own 1-minute melody, and each must get its own note. No Chromium is needed (so
this is not marked ``browser``), but real servers are started: marked ``slow``.
"""

from __future__ import annotations

import asyncio

import pytest
from browser import harness
from browser.harness import streamlit_process
from songs import dominant_melody, ogg_bytes

from benchmarks.stream_client import FINISHED, RUN_QUIET_S, StreamVisitor

pytestmark = pytest.mark.slow

TIMEOUT_S = 120.0


def test_a_run_ends_as_the_browser_harness_says():
    assert FINISHED == harness.FINISHED
    assert RUN_QUIET_S == harness.RUN_QUIET_S


async def classify_upload(base: str, note: str, data: bytes) -> dict:
    """One visitor: open Classify, choose "Upload a file", upload, rerun unchanged."""
    name = f"visitor-{note}.ogg"
    async with StreamVisitor(base, timeout_s=TIMEOUT_S) as visitor:
        await visitor.open("classify")
        opened_hash = visitor.page_script_hash
        sent = {w.id.rsplit("-", 1)[-1]: w for w in visitor._active_widget_states()}
        await visitor.set_widget("classify.source", "string_array_value", ["Upload a file"])
        uploader = visitor.shown.widget("classify.upload")
        await visitor.upload("classify.upload", name, data, "audio/ogg")
        shown = visitor.shown
        bytes_before = visitor.ws_bytes
        await visitor.measure(visitor._rerun)  # the same view again: the charts are cached
        await asyncio.sleep(0.5)  # the audio players' fetches
        return {
            "name": name,
            "xsrf": visitor.cookies.get("_streamlit_xsrf", ""),
            "page_hash": opened_hash,
            "pages": visitor.app_pages,
            "uploader": uploader,
            "sent": sent,
            "titles": shown.chart_titles(),
            "headings": shown.headings("h3"),
            "summary": [t for t in shown.markdown() if "segments over" in t],
            "query": visitor.query_string,
            "exceptions": visitor.exceptions,
            "rerun_bytes": visitor.ws_bytes - bytes_before,
            "upload_bytes": bytes_before,
            "media_bytes": visitor.media_bytes,
            "media_failures": visitor.media_failures,
        }


@pytest.fixture(scope="module")
def server():
    with streamlit_process() as running:
        yield running


def test_the_visitor_speaks_the_protocol_like_a_browser(server):
    visit = asyncio.run(classify_upload(server.url, "E", ogg_bytes(dominant_melody("E"))))
    assert not visit["exceptions"], visit["exceptions"]
    assert visit["headings"] == ["Mostly E"], visit["headings"]
    assert visit["name"] in visit["titles"][0], visit["titles"]
    assert any("60 segments over 60.0 s" in s for s in visit["summary"]), visit["summary"]
    assert visit["xsrf"].startswith("2|"), "the health answer sets the XSRF cookie"
    # The page ran is the Classify page of the pages/ folder, named by its URL path.
    assert visit["page_hash"] == visit["pages"]["classify"]
    assert visit["uploader"] is not None, "choosing 'Upload a file' showed the uploader"
    # The widget states of the next rerun: what Chromium sends on this page (recorded).
    sent = visit["sent"]
    assert list(sent)[:5] == [
        "classify.model",
        "classify.source",
        "classify.how",
        "classify.seconds",
        "classify.check_truth",
    ]
    # Controls added since the recording: the resynthesis toggle and the language picker.
    assert set(list(sent)[5:]) <= {"classify.hear", "lang"}, list(sent)
    assert list(sent["classify.source"].string_array_value.data) == ["Example: a piano melody"]
    assert sent["classify.how"].string_value == "Fixed windows"
    assert list(sent["classify.seconds"].double_array_value.data) == [1.0]
    assert sent["classify.check_truth"].WhichOneof("value") == "bool_value"
    assert "source=upload" in visit["query"], "the page wrote its view into the address"
    # A rerun of the same view: the server sends references to the cached charts.
    assert visit["rerun_bytes"] < visit["upload_bytes"] / 5, visit
    # The song's player and the downloads (the resynthesis is made only on request).
    assert visit["media_bytes"] > 500_000 and not visit["media_failures"], visit


def test_three_protocol_visitors_at_once_each_get_their_own_note(server):
    pytest.importorskip("psutil")
    from benchmarks.load_test import run_load

    report = asyncio.run(
        run_load(3, rounds=1, timeout_s=TIMEOUT_S, bomb_mb=2, settle_s=1, server=server)
    )
    assert report.clients == "protocol"
    assert not report.errors, report.errors
    assert not report.cross_talk, report.cross_talk  # each checked its own note, name, length
    assert len(report.latencies["upload melody"]) == 3
    refused = {line.split(":")[0] for line in report.hostile if line.endswith("refused")}
    assert {"not-audio.wav", "cut-in-headers.ogg", "labels-bomb.zip"} <= refused, report.hostile
    assert report.health_s and not report.health_failures


async def media_status(base: str, url: str) -> int:
    from benchmarks.stream_client import http_request

    return (await http_request("GET", f"{base}{url}", timeout_s=TIMEOUT_S)).status


async def upload_song(visitor: StreamVisitor, note: str) -> list[str]:
    await visitor.open("classify")
    await visitor.set_widget("classify.source", "string_array_value", ["Upload a file"])
    data = ogg_bytes(dominant_melody(note, seed=ord(note)))
    await visitor.upload("classify.upload", f"visitor-{note}.ogg", data, "audio/ogg")
    urls = visitor.shown.media_urls()
    assert urls, "the page plays the uploaded song"
    return urls


async def leave_and_stay(base: str, window_s: float) -> dict:
    async with StreamVisitor(base, timeout_s=TIMEOUT_S) as staying:
        leaving = StreamVisitor(base, timeout_s=TIMEOUT_S)
        await leaving.__aenter__()
        gone_urls = await upload_song(leaving, "E")
        kept_urls = await upload_song(staying, "G")
        await leaving.close()
        left = asyncio.get_running_loop().time()
        within_window = await media_status(base, gone_urls[0])
        while await media_status(base, gone_urls[0]) == 200:
            assert asyncio.get_running_loop().time() - left < window_s + 20, "never closed"
            await asyncio.sleep(0.5)
        closed_after = asyncio.get_running_loop().time() - left
        return {
            "within_window": within_window,
            "closed_after": closed_after,
            "gone": [await media_status(base, u) for u in gone_urls],
            "kept": [await media_status(base, u) for u in kept_urls],
        }


def test_a_closed_tab_gives_back_its_song_and_players_after_the_reconnect_window():
    # Streamlit keeps a closed tab's session two minutes for it to come back, then drops
    # it without shutting it down: its upload and players would stay in memory for good.
    # The app's janitor (musicml.ui.sessions) shuts it down; the window is 2 s here.
    with streamlit_process(env={"MUSICML_RECONNECT_S": "2"}) as server:
        result = asyncio.run(leave_and_stay(server.url, 2.0))
    assert result["within_window"] == 200, "a tab that comes back quickly finds its song"
    assert 1.5 <= result["closed_after"] <= 10, result
    assert set(result["gone"]) == {404}, result  # the closed tab's media are gone
    assert set(result["kept"]) == {200}, result  # the open tab's are not
