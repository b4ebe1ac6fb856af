"""A visitor that speaks Streamlit's own protocol: what one browser tab costs the server.

The load test (``benchmarks/load_test.py``) runs its visitors on the same machine as
the server. A headless Chromium per visitor spends far more CPU drawing Streamlit's
React frontend and the plotly charts than the server spends on the visit, so it
measures the clients. A :class:`StreamVisitor` sends and receives exactly what the
browser does over the network, and draws nothing:

1. ``GET /<page>`` (the HTML, bytes counted), then ``GET /_stcore/host-config`` and
   ``GET /_stcore/health``, as the frontend does before it connects; the health
   answer sets the XSRF cookie ``_streamlit_xsrf``. The JavaScript and CSS bundle,
   fonts and icons are *not* fetched: Streamlit serves them ``Cache-Control: public,
   immutable``, so a student's browser fetches them on its first visit only. That
   first visit does cost the server: a fresh Chromium context's page load (about
   150 static responses, gzipped on the fly) was measured at about 0.5 CPU s more
   than this visitor's on the 2-core machine; a repeat visit costs what this one does.
2. A WebSocket to ``/_stcore/stream`` with the browser's headers: ``Origin`` (the
   server refuses a foreign one), the cookie, and the subprotocols
   ``["streamlit", <xsrf cookie>]`` (the second entry is how the frontend passes
   the XSRF token; ``starlette_websocket._parse_subprotocols``).
3. ``BackMsg(rerun_script=ClientState(...))`` for the page: on a fresh visit the
   browser knows only the URL, so it sends ``page_script_hash=""`` and
   ``page_name=<url path>`` (``PagesManager`` resolves it by ``url_pathname``);
   later reruns send the ``page_script_hash`` of the ``navigation`` message, the
   query string the server last set (``page_info_changed``), every widget value
   set so far, a ``ContextInfo`` like a browser in UTC, and the hashes of the
   cacheable messages it holds (below).
4. ForwardMsgs are decoded: ``new_session`` (session id, pages, the cache's maximum
   age), ``delta`` elements by their ``delta_path`` (widgets with their ids, which
   end in the widget's key; headings, markdown, alerts, plotly specs, audio),
   ``navigation`` (the pages of a ``pages/`` folder and the hash of the page that ran,
   which the browser uses for its next reruns), ``page_info_changed``,
   ``file_urls_response`` and ``script_finished``. The
   elements of the last finished run are what the page shows (:class:`Shown`).
5. The ForwardMsg cache, as the frontend's ``ForwardMessageCache`` keeps it: every
   message with ``metadata.cacheable`` is stored under its ``hash``; its hashes go
   with every rerun (``cached_message_hashes``), so the server sends a ``ref_hash``
   in place of an element the visitor already has, which is resolved here; an
   entry not used for ``max_cached_message_age`` runs is dropped.
6. Widgets are set by key with the value in the field the widget registers
   (``st.segmented_control``/``st.pills``: ``string_array_value`` of formatted
   options; ``st.selectbox``/``st.radio``: ``string_value``; a file uploader:
   ``file_uploader_state_value``).
7. An upload: ``BackMsg(file_urls_request)`` → ``ForwardMsg(file_urls_response)``
   → ``PUT`` of a multipart form whose one field is named after the file (as the
   frontend's ``FormData.append(name, file, name)``), header ``X-Xsrftoken`` equal
   to the cookie → a rerun with the uploader's state.
8. Media: as soon as an ``audio`` or a ``download_button`` element arrives, its
   ``/media/...`` URL is fetched whole, bytes counted (Chromium fetches both at
   once, the players and the downloads' files, as a recording of its requests on
   Classify shows).

Differences from a browser, none of which changes the server's work: the
frontend also asks ``/<page>/_stcore/health`` and ``host-config`` before the
root ones, the favicon and icon fonts; it keeps one HTTP connection alive, this
visitor opens one per request. Like the browser, a rerun carries the state of
every widget on the page (:func:`shown_value` for those not touched), checked
against the BackMsgs Chromium sends on Classify.

An action is timed as ``tests/browser/harness.py``'s ``RunWatcher`` times it: from
sending to the ``script_finished`` (``FINISHED_SUCCESSFULLY`` or
``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``) of the last run it causes, once
``RUN_QUIET_S`` has passed without a new run. An ``exception`` element in those runs
is an error (:attr:`StreamVisitor.exceptions`).

No pytest here: the load test runs without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# One rule for when a visitor's runs have ended, for browser and protocol clients alike.
from browser.harness import FINISHED, RUN_QUIET_S, last_finished, settled
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

POLL_S = 0.05
XSRF_COOKIE = "_streamlit_xsrf"
USER_AGENT = "musicml-stream-client/1 (like a browser tab, drawing nothing)"
MEDIA_ELEMENTS = frozenset({"audio", "download_button"})
"""Elements whose ``url`` Chromium fetches as soon as they are shown (seen in its requests)."""
_ARRAY_FIELDS = {"string_array_value", "double_array_value", "int_array_value"}


class StreamError(RuntimeError):
    """The server answered something a browser would not have accepted."""


# ----------------------------------------------------------------------------- HTTP


@dataclass
class HttpAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


async def http_request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout_s: float = 60.0,
) -> HttpAnswer:
    """One HTTP/1.1 request on its own connection (raw asyncio: no thread per request)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("PUT", "POST"):
        lines.append(f"Content-Length: {len(body)}")

    async def exchange() -> HttpAnswer:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            status_line = (await reader.readline()).decode("latin-1")
            status = int(status_line.split()[1])
            answer_headers = []
            while (line := (await reader.readline()).decode("latin-1").strip()) != "":
                name, _, value = line.partition(":")
                answer_headers.append((name.strip(), value.strip()))
            answer = HttpAnswer(status, answer_headers, b"")
            if method == "HEAD" or status in (204, 304):
                return answer
            if "chunked" in ",".join(answer.header("Transfer-Encoding")).lower():
                chunks = []
                while size := int((await reader.readline()).split(b";")[0], 16):
                    chunks.append(await reader.readexactly(size))
                    await reader.readline()
                answer.body = b"".join(chunks)
            elif length := answer.header("Content-Length"):
                answer.body = await reader.readexactly(int(length[0]))
            else:
                answer.body = await reader.read()
            return answer
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    return await asyncio.wait_for(exchange(), timeout_s)


def multipart_form(field_name: str, filename: str, data: bytes, mime: str) -> tuple[bytes, str]:
    """A multipart/form-data body with one file field; returns the body and its Content-Type."""
    boundary = f"----musicml{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


# ----------------------------------------------------------------------------- what is shown


@dataclass
class Frame:
    """One ForwardMsg received (as the browser harness records them)."""

    t: float
    kind: str
    detail: str = ""
    running: bool | None = None


def widget_of(element: Element):
    """The widget proto inside an element, or ``None`` for a non-widget element."""
    kind = element.WhichOneof("type")
    inner = getattr(element, kind) if kind else None
    return inner if inner is not None and hasattr(inner, "id") and inner.id else None


def shown_value(element: Element) -> WidgetState | None:
    """The state a browser holds for a widget it has just drawn and nobody has touched.

    The frontend registers every widget's value as it mounts (the server's value when
    ``set_value``, else the default) and sends them all with the next rerun. ``None``
    for widgets without a value until used (buttons, uploaders) or not handled here.
    """
    kind = element.WhichOneof("type")
    widget = widget_of(element)
    if widget is None:
        return None
    state = WidgetState(id=widget.id)
    if kind in ("selectbox", "radio"):
        if widget.set_value:
            state.string_value = widget.raw_value
        elif widget.HasField("default") and widget.default < len(widget.options):
            state.string_value = widget.options[widget.default]
        else:
            return None
    elif kind == "slider" and not widget.options:
        state.double_array_value.data.extend(widget.value if widget.set_value else widget.default)
    elif kind == "slider":  # st.select_slider: formatted options, the default as indices
        if widget.set_value:
            chosen = list(widget.raw_value)
        else:
            chosen = [widget.options[int(i)] for i in widget.default if i < len(widget.options)]
        state.string_array_value.data.extend(chosen)
    elif kind == "checkbox":
        state.bool_value = widget.value if widget.set_value else widget.default
    elif kind == "number_input":
        if not (widget.set_value or widget.HasField("default")):
            return None
        value = widget.value if widget.set_value else widget.default
        if widget.data_type == type(widget).DataType.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "text_input":
        if not (widget.set_value or widget.HasField("default")):
            return None
        state.string_value = widget.value if widget.set_value else widget.default
    elif kind == "button_group":
        if widget.set_value:
            chosen = list(widget.raw_values)
        else:
            chosen = [widget.options[i].content for i in widget.default if i < len(widget.options)]
        state.string_array_value.data.extend(chosen)
    else:
        return None
    return state


def plain_text(markdown: str) -> str:
    """Markdown as a reader sees it (bold, italics and code marks removed)."""
    return markdown.replace("**", "").replace("`", "").strip()


@dataclass
class Shown:
    """The elements of one finished run, by delta path (document order)."""

    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)

    def ordered(self, kind: str | None = None) -> list[Element]:
        return [
            self.elements[path]
            for path in sorted(self.elements)
            if kind is None or self.elements[path].WhichOneof("type") == kind
        ]

    def widget(self, key: str):
        """The widget proto whose element id ends in ``key`` (``None`` when absent)."""
        for element in self.ordered():
            widget = widget_of(element)
            if widget is not None and widget.id.endswith(f"-{key}"):
                return widget
        return None

    def headings(self, tag: str = "h3") -> list[str]:
        return [plain_text(e.heading.body) for e in self.ordered("heading") if e.heading.tag == tag]

    def markdown(self) -> list[str]:
        return [plain_text(e.markdown.body) for e in self.ordered("markdown")]

    def alerts(self, kind: str = "ERROR") -> list[str]:
        return [
            e.alert.body
            for e in self.ordered("alert")
            if e.alert.format == type(e.alert).Format.Value(kind)
        ]

    def chart_titles(self) -> list[str]:
        titles = []
        for element in self.ordered("plotly_chart"):
            spec = json.loads(element.plotly_chart.spec or "{}")
            title = spec.get("layout", {}).get("title", "")
            titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
        return titles

    def media_urls(self) -> list[str]:
        return [e.audio.url for e in self.ordered("audio") if e.audio.url]


# ----------------------------------------------------------------------------- the visitor


class StreamVisitor:
    """One browser tab on one Streamlit session, spoken at the protocol level.

    Use as ``async with StreamVisitor(base) as v: await v.open("classify")``; then
    :meth:`set_widget`, :meth:`upload`; read :attr:`shown`. Every action returns the
    seconds it took (see the module doc) and raises :class:`TimeoutError` past
    ``timeout_s``.
    """

    def __init__(self, base: str, *, timeout_s: float = 300.0) -> None:
        self.base = base.rstrip("/")
        self.timeout_s = timeout_s
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.frames: list[Frame] = []
        self.shown = Shown()
        self._running = Shown()
        self.session_id = ""
        self.page_script_hash = ""
        self.app_pages: dict[str, str] = {}
        """url_pathname → page_script_hash, from new_session."""
        self.query_string = ""
        self.widget_states: dict[str, WidgetState] = {}
        self.exceptions: list[str] = []
        self.http_bytes = 0
        self.ws_bytes = 0
        self.media_bytes = 0
        self.media_failures: list[str] = []
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}
        self._run_count = 0
        self._max_cache_age = 2
        self._file_urls: dict[str, asyncio.Future] = {}
        self._tasks: set[asyncio.Task] = set()
        self._reader: asyncio.Task | None = None
        self._page = ""

    async def __aenter__(self) -> StreamVisitor:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ------------------------------------------------------------------ HTTP helpers

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    async def _get(self, path: str, *, accept: str = "*/*") -> HttpAnswer:
        answer = await http_request(
            "GET",
            f"{self.base}{path}",
            headers={
                "User-Agent": USER_AGENT,
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",
                **self._cookie_header(),
            },
            timeout_s=self.timeout_s,
        )
        self.http_bytes += len(answer.body)
        for cookie in answer.header("Set-Cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return answer

    # ------------------------------------------------------------------ actions

    async def open(self, page: str) -> float:
        """Open ``/<page>`` as a fresh tab does: HTML, host config, health, WebSocket, run."""
        from websockets.asyncio.client import connect

        async def load() -> None:
            html = await self._get(f"/{page}", accept="text/html")
            if html.status != 200:
                raise StreamError(f"GET /{page}: HTTP {html.status}")
            await self._get("/_stcore/host-config", accept="application/json")
            health = await self._get("/_stcore/health")
            if health.status != 200:
                raise StreamError(f"health: HTTP {health.status}")
            ws_url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
            token = self.cookies.get(XSRF_COOKIE, "PLACEHOLDER_AUTH_TOKEN")
            self.ws = await connect(
                ws_url,
                subprotocols=["streamlit", token],
                origin=self.base,
                additional_headers={"User-Agent": USER_AGENT, **self._cookie_header()},
                max_size=None,
                open_timeout=self.timeout_s,
                ping_interval=None,  # the browser sends no WebSocket pings
            )
            self._reader = asyncio.create_task(self._read())
            self._page = page
            await self._rerun(page_name=page)

        return await self.measure(load)

    async def set_widget(self, key: str, field_name: str, value) -> float:
        """Set the widget whose key is ``key`` (value in ``field_name``) and rerun."""
        widget = self.shown.widget(key)
        if widget is None:
            raise StreamError(f"no widget with key {key!r} on the page")
        state = WidgetState(id=widget.id)
        if field_name in _ARRAY_FIELDS:
            getattr(state, field_name).data.extend(value)
        elif isinstance(value, bool | int | float | str | bytes):
            setattr(state, field_name, value)
        else:
            getattr(state, field_name).CopyFrom(value)
        self.widget_states[widget.id] = state
        return await self.measure(self._rerun)

    async def upload(self, key: str, name: str, data: bytes, mime: str) -> float:
        """Upload ``data`` as ``name`` through the file uploader ``key`` and rerun."""
        widget = self.shown.widget(key)
        if widget is None:
            raise StreamError(f"no file uploader with key {key!r} on the page")

        async def send() -> None:
            request_id = uuid.uuid4().hex
            answer = asyncio.get_running_loop().create_future()
            self._file_urls[request_id] = answer
            message = BackMsg()
            message.file_urls_request.request_id = request_id
            message.file_urls_request.file_names.append(name)
            message.file_urls_request.session_id = self.session_id
            await self._send(message)
            response = await asyncio.wait_for(answer, self.timeout_s)
            if response.error_msg:
                raise StreamError(f"file URLs refused: {response.error_msg}")
            urls: FileURLs = response.file_urls[0]
            body, content_type = multipart_form(name, name, data, mime)
            put = await http_request(
                "PUT",
                urls.upload_url
                if urls.upload_url.startswith("http")
                else f"{self.base}{urls.upload_url}",
                headers={
                    "User-Agent": USER_AGENT,
                    "Content-Type": content_type,
                    "X-Xsrftoken": self.cookies.get(XSRF_COOKIE, ""),
                    **self._cookie_header(),
                },
                body=body,
                timeout_s=self.timeout_s,
            )
            if put.status not in (200, 204):
                raise StreamError(f"upload PUT: HTTP {put.status} {put.body[:200]!r}")
            state = WidgetState(id=widget.id)
            state.file_uploader_state_value.CopyFrom(
                FileUploaderState(
                    uploaded_file_info=[
                        UploadedFileInfo(
                            name=name, size=len(data), file_id=urls.file_id, file_urls=urls
                        )
                    ]
                )
            )
            self.widget_states[widget.id] = state
            await self._rerun()

        return await self.measure(send)

    async def measure(self, action) -> float:
        """Await ``action()``, then the end of the runs it caused; returns the seconds taken."""
        t0 = time.monotonic()
        first = len(self.frames)
        await action()
        while True:
            await asyncio.sleep(POLL_S)
            now = time.monotonic()
            frames = self.frames[first:]
            last = last_finished(frames)
            if last is not None and settled(frames, last, now, RUN_QUIET_S):
                return frames[last].t - t0
            if self._reader is not None and self._reader.done():
                error = self._reader.exception()
                raise StreamError(f"the WebSocket closed: {error!r}")
            if now - t0 > self.timeout_s:
                raise TimeoutError(f"the run had not ended after {self.timeout_s:.0f} s")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ------------------------------------------------------------------ the protocol

    async def _send(self, message: BackMsg) -> None:
        await self.ws.send(message.SerializeToString())

    def _active_widget_states(self) -> list[WidgetState]:
        """What the browser sends: a state for every widget on the page, set or drawn.

        A value the server has just set (``set_value``) replaces the visitor's own.
        """
        states = []
        for element in self.shown.ordered():
            widget = widget_of(element)
            if widget is None:
                continue
            drawn = shown_value(element)
            if drawn is not None and getattr(widget, "set_value", False):
                self.widget_states[widget.id] = drawn
            state = self.widget_states.get(widget.id, drawn)
            if state is not None:
                states.append(state)
        return states

    async def _rerun(self, *, page_name: str = "") -> None:
        state = ClientState(
            query_string=self.query_string,
            widget_states=WidgetStates(widgets=self._active_widget_states()),
            page_script_hash="" if page_name else self.page_script_hash,
            page_name=page_name,
            cached_message_hashes=list(self._cache),
            context_info=ContextInfo(
                timezone="UTC",
                timezone_offset=0,
                locale="en-US",
                url=f"{self.base}/{self._page}"
                + (f"?{self.query_string}" if self.query_string else ""),
                is_embedded=False,
                color_scheme="light",
            ),
        )
        await self._send(BackMsg(rerun_script=state))

    async def _read(self) -> None:
        async for data in self.ws:
            if isinstance(data, str):
                raise StreamError("a text frame on the stream (Streamlit sends protobuf only)")
            self.ws_bytes += len(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            self._handle(self._resolve(message))

    def _resolve(self, message: ForwardMsg) -> ForwardMsg:
        """Keep cacheable messages; replace a ``ref_hash`` by the message it names."""
        if message.WhichOneof("type") == "ref_hash":
            cached = self._cache.get(message.ref_hash)
            if cached is None:
                raise StreamError(f"cached ForwardMsg miss for {message.ref_hash}")
            self._cache[message.ref_hash] = (cached[0], self._run_count)
            resolved = ForwardMsg()
            resolved.CopyFrom(cached[0])
            resolved.metadata.CopyFrom(message.metadata)
            return resolved
        if message.metadata.cacheable and message.hash:
            self._cache[message.hash] = (message, self._run_count)
        return message

    def _handle(self, message: ForwardMsg) -> None:
        now = time.monotonic()
        kind = message.WhichOneof("type") or "none"
        frame = Frame(now, kind)
        if kind == "new_session":
            session = message.new_session
            if session.initialize.session_id:
                self.session_id = session.initialize.session_id
            self.page_script_hash = session.page_script_hash
            self.app_pages = {p.url_pathname: p.page_script_hash for p in session.app_pages}
            if session.config.max_cached_message_age:
                self._max_cache_age = session.config.max_cached_message_age
            self._running = Shown()
        elif kind == "navigation":
            # Pages (a pages/ folder or st.navigation) are announced here; the
            # browser takes its current page from this message, not new_session's.
            navigation = message.navigation
            self.page_script_hash = navigation.page_script_hash
            self.app_pages = {p.url_pathname: p.page_script_hash for p in navigation.app_pages}
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            frame.detail = element.WhichOneof("type") or ""
            self._running.elements[tuple(message.metadata.delta_path)] = element
            if frame.detail == "exception":
                self.exceptions.append(
                    f"{element.exception.type}: {element.exception.message}".strip()
                )
            elif frame.detail in MEDIA_ELEMENTS:
                url = getattr(element, frame.detail).url
                if url:
                    self._spawn(self._fetch_media(url))
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "file_urls_response":
            response = message.file_urls_response
            waiting = self._file_urls.pop(response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(response)
        elif kind == "session_status_changed":
            frame.running = message.session_status_changed.script_is_running
        elif kind == "script_finished":
            frame.detail = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            if frame.detail in FINISHED:
                if frame.detail == "FINISHED_SUCCESSFULLY":
                    self.shown = self._running
                    self._running = Shown(dict(self.shown.elements))
                self._age_cache()
        self.frames.append(frame)

    def _age_cache(self) -> None:
        """Drop cached messages unused for more runs than the server's maximum age."""
        self._run_count += 1
        for digest, (_, seen) in list(self._cache.items()):
            if self._run_count - seen > self._max_cache_age:
                del self._cache[digest]

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fetch_media(self, url: str) -> None:
        try:
            answer = await self._get(url if url.startswith("/") else f"/{url}")
        except (OSError, TimeoutError) as exc:
            self.media_failures.append(f"{url}: {exc!r}")
            return
        if answer.status == 200:
            self.media_bytes += len(answer.body)
        else:
            self.media_failures.append(f"{url}: HTTP {answer.status}")
