"""Sessions that have ended give their memory back.

When a browser tab closes, Streamlit keeps its session for a while so that a tab whose
network blinked can come back to it (two minutes in Streamlit 1.67). When that window
passes, Streamlit drops the session from its storage without shutting it down, so the
files the visitor uploaded and the media of its players stay in the server's memory
for as long as the process lives: forty students leave some hundreds of megabytes
behind after every class.

:class:`SessionJanitor` closes such sessions properly (``Runtime.close_session``: the
uploads and media go) once they have been gone for :data:`RECONNECT_S`, and when the
last visitor has left it empties the song-sized caches (the results of uploaded songs,
:func:`musicml.ui.cache.forget_songs`) and hands the freed memory back to the system
(:func:`musicml.resources.release_memory`). Built-in examples and models stay cached.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

RECONNECT_S = float(os.environ.get("MUSICML_RECONNECT_S", "120"))
"""Seconds a closed tab's session is kept for it to come back (Streamlit's own window);
the environment variable ``MUSICML_RECONNECT_S`` changes it (the load test uses a few
seconds so that a round's memory can be read soon after its visitors have left)."""

_LOG = logging.getLogger(__name__)


class SessionJanitor:
    """Shuts down the sessions of tabs that have been closed for ``reconnect_s`` seconds,
    and calls ``on_idle`` when the last of them has gone.

    ``runtime`` is Streamlit's ``Runtime``; :meth:`sweep` must run on its event loop
    (see :func:`start_janitor`). It reads the session manager's active and stored
    sessions and keeps its own reference to each stored one, so it can shut a session
    down even after Streamlit's storage has dropped it.
    """

    def __init__(
        self, runtime, *, reconnect_s: float = RECONNECT_S, on_idle: Callable[[], None]
    ) -> None:
        self.runtime = runtime
        self.reconnect_s = float(reconnect_s)
        self.on_idle = on_idle
        self._gone_since: dict[str, tuple[float, object]] = {}
        self.closed = 0
        """Sessions shut down so far."""

    def sweep(self, now: float | None = None) -> list[str]:
        """One pass: returns the ids of the sessions shut down."""
        now = time.monotonic() if now is None else now
        manager = self.runtime._session_mgr
        active = {info.session.id for info in manager.list_active_sessions()}
        for info in manager.list_sessions():
            if info.session.id not in active:
                self._gone_since.setdefault(info.session.id, (now, info.session))
        closed = []
        for session_id, (since, session) in list(self._gone_since.items()):
            if session_id in active:  # the tab came back
                del self._gone_since[session_id]
            elif now - since >= self.reconnect_s:
                del self._gone_since[session_id]
                if manager.get_session_info(session_id) is not None:
                    self.runtime.close_session(session_id)
                else:  # Streamlit's storage let it go without shutting it down
                    session.shutdown()
                closed.append(session_id)
        self.closed += len(closed)
        if closed and not active and not self._gone_since:
            self.on_idle()
        return closed


def start_janitor(on_idle: Callable[[], None], *, period_s: float | None = None) -> bool:
    """Sweep every ``period_s`` seconds (a quarter of :data:`RECONNECT_S`, at most 10 s)
    on Streamlit's event loop, in a daemon thread; False where no Streamlit server runs
    (tests, the command line) or its internals are not the ones this was written for."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return False
    runtime = Runtime.instance()
    manager = getattr(runtime, "_session_mgr", None)
    get_loop = getattr(runtime, "_get_async_objs", None)
    needed = ("list_active_sessions", "list_sessions", "get_session_info")
    if get_loop is None or not all(hasattr(manager, name) for name in needed):
        _LOG.warning("musicml: this Streamlit keeps closed sessions; not cleaning them up")
        return False
    janitor = SessionJanitor(runtime, on_idle=on_idle)
    period_s = min(10.0, max(0.5, RECONNECT_S / 4)) if period_s is None else period_s

    def sweep() -> None:
        try:
            janitor.sweep()
        except Exception:  # a janitor must never take the server down
            _LOG.exception("musicml: cleaning up closed sessions failed")

    def run() -> None:
        while True:
            time.sleep(period_s)
            try:
                loop = get_loop().eventloop
            except Exception:
                continue  # the runtime is not running yet (or any more)
            if loop.is_closed():
                return
            loop.call_soon_threadsafe(sweep)

    threading.Thread(target=run, name="musicml-janitor", daemon=True).start()
    return True
