"""The session's language: chosen in the sidebar, kept in the URL as ``?lang=``.

The choice lives under a plain session key (:data:`LANGUAGE`), which survives page
switches and fragment reruns; :func:`musicml.i18n.gettext` reads it through the
language source registered here. A new session takes the language from the address
(``?lang=ja``), else from the browser's preferred language, else English.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from musicml.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    english_of,
    preferred_language,
    set_language_source,
)
from musicml.i18n import gettext as _

LANGUAGE = "i18n.lang"
"""Plain session key: this session's language code (kept across pages)."""
PICKER = "lang"
"""The sidebar picker's widget key."""
PARAM = "lang"
"""The URL parameter (reserved in :mod:`musicml.ui.share`)."""
_BROWSER = "i18n.browser"
"""Plain session key: the browser's preferred language of ours, or ``None``."""
_BAD = "i18n.bad"
"""Plain session key: an unknown ``?lang=`` value to mention once."""


_last_run_language = DEFAULT_LANGUAGE
"""The language of the latest script run of this process, for calls outside any run."""


def session_language() -> str:
    """The language source: this session's choice, English before one is made.

    Outside a script run there is no session to ask. The only caller there is
    Streamlit's test harness, which formats a widget's options again between runs
    with the page's ``format_func``: it gets the language of the latest run.
    """
    global _last_run_language
    if get_script_run_ctx(suppress_warning=True) is None:
        return _last_run_language
    lang = st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _last_run_language = lang
    return lang


def _browser_language() -> str | None:
    try:
        locale = st.context.locale
    except Exception:  # no browser behind this run (a test of one page)
        locale = None
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:
        header = None
    return preferred_language(locale, header)


def setup_language() -> str:
    """Settle this run's language, before anything is drawn; return its code."""
    set_language_source(session_language)
    state = st.session_state
    if LANGUAGE not in state:
        wanted = st.query_params.get(PARAM)
        browser = _browser_language()
        state[_BROWSER] = browser
        if wanted in LANGUAGES:
            state[LANGUAGE] = wanted
        else:
            if wanted is not None:
                state[_BAD] = wanted
            state[LANGUAGE] = browser or DEFAULT_LANGUAGE
    lang = session_language()
    # The address carries the language whenever it is not what the browser would give
    # anyway (and always when not English), so a shared link opens in it; page links
    # drop the query string, so it is written again on every run.
    if lang != DEFAULT_LANGUAGE or state.get(_BROWSER) not in (None, DEFAULT_LANGUAGE):
        if st.query_params.get(PARAM) != lang:
            st.query_params[PARAM] = lang
    elif PARAM in st.query_params:
        del st.query_params[PARAM]
    return lang


def _picked() -> None:
    choice = st.session_state.get(PICKER)
    if choice in LANGUAGES:
        st.session_state[LANGUAGE] = choice


def language_picker() -> None:
    """English / 中文 / 日本語 in the sidebar (call inside ``st.sidebar``)."""
    lang = session_language()
    if st.session_state.get(PICKER) != lang:
        st.session_state[PICKER] = lang  # a new page of the session: the widget follows
    st.segmented_control(
        _(":material/translate: Language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        required=True,
        key=PICKER,
        on_change=_picked,
        label_visibility="collapsed",
    )
    bad = st.session_state.pop(_BAD, None)
    if bad is not None:
        shown = str(bad).replace("`", "'")[:20]
        st.caption(
            _("The address asked for a language this app does not have (`{code}`).").format(
                code=shown
            )
        )


def translated_tabs(options: list[str], *, default: str, key: str, **kwargs: Any) -> list:
    """``st.tabs`` with translated labels whose selection survives a change of language.

    A keyed ``st.tabs`` keeps its *label* as its state, so the selected tab is
    re-labelled in the current language before the tabs are drawn (a shared link
    restores the English option; :mod:`musicml.ui.share` reads labels in any language).
    """
    value = st.session_state.get(key)
    if value is not None:
        option = english_of(value, options)
        st.session_state[key] = _(option if option is not None else default)
    return st.tabs([_(option) for option in options], default=_(default), key=key, **kwargs)


def spinner(message: str) -> Callable:
    """Show ``message``, translated at call time, while the decorated function runs.

    For cached functions: ``show_spinner`` takes its text once, at import, in no
    language, so cached wrappers use ``show_spinner=False`` under this decorator.
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with st.spinner(_(message)):
                return function(*args, **kwargs)

        for name in ("clear",):  # keep the cache's controls reachable
            if hasattr(function, name):
                setattr(run, name, getattr(function, name))
        return run

    return decorate
