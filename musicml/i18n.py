"""The app's languages: English, Chinese (简体中文) and Japanese, from gettext catalogs.

Every user-visible string is written in English in the source and looked up here at
display time::

    from musicml.i18n import _, N_

    st.header(_("A tone"))
    st.caption(_("Frequency {f} Hz").format(f=frequency))   # format *after* translating
    KINDS = {"notes": N_("Notes")}                          # marked now, translated on display
    st.radio(_("Kind"), list(KINDS), format_func=lambda k: _(KINDS[k]))

The catalogs are ``musicml/locale/<lang>/LC_MESSAGES/*.po`` (``musicml.po`` for the
app's text, ``errors.po`` for the core's error messages); every ``.po`` file of a
language is merged into that language's one catalog, read with Babel on first use.

Which language is *current* is asked of a **language source**: a callable the UI
registers with :func:`set_language_source` (the Streamlit glue reads the session's
choice). A source rather than a thread-local value, because Streamlit runs each rerun,
and each ``st.fragment`` rerun, on whichever thread it likes without re-running the
page's set-up. With no source (the command line, tests of the core) the language is
English. This module does not import Streamlit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文", "ja": "日本語"}
"""Language code → its name in that language (as the picker shows it)."""

DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
"""``<lang>/LC_MESSAGES/*.po`` for every language but English (the source language)."""

_source: Callable[[], str | None] | None = None


def set_language_source(source: Callable[[], str | None] | None) -> None:
    """Register the callable that says which language is current (``None``: English).

    The callable returns a code of :data:`LANGUAGES`; anything else, or an
    exception raised by it, means English.
    """
    global _source
    _source = source


def current_language() -> str:
    """The code of the current language (``"en"`` when no source is registered)."""
    if _source is None:
        return DEFAULT_LANGUAGE
    try:
        lang = _source()
    except Exception:  # a source outside its context (a thread with no session)
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def catalog(lang: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid → translation of ``lang``, merged from every ``.po`` file of that language.

    Untranslated (empty) and fuzzy entries are left out, so they fall back to English.
    Plural entries are keyed by ``(singular, plural)`` with a tuple of forms.
    """
    from babel.messages.pofile import read_po  # imported on first use: startup stays quick

    messages: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            po = read_po(handle, locale=lang)
        for message in po:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                forms = tuple(message.string)
                if all(forms):
                    messages[tuple(message.id)[:2]] = forms
            elif message.string:
                messages[message.id] = message.string
    return messages


def translate(message: str, lang: str) -> str:
    """``message`` in ``lang`` (English, the message itself, when not translated)."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return message
    found = catalog(lang).get(message)
    return found if isinstance(found, str) else message


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translate(message, current_language())


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for count ``n``, in the current language.

    Chinese and Japanese have one form; English has two (``n == 1`` or not).
    """
    lang = current_language()
    found = catalog(lang).get((singular, plural)) if lang != DEFAULT_LANGUAGE else None
    if isinstance(found, tuple) and found:
        return found[0] if len(found) == 1 else found[0 if n == 1 else 1]
    return singular if n == 1 else plural


def english_of(text: object, messages) -> str | None:
    """The message of ``messages`` that ``text`` is, in English or any translation, else ``None``.

    For widgets whose state is their shown label (``st.tabs``): the English option
    behind a label shown in any language.
    """
    for message in messages:
        if text == message or any(translate(message, lang) == text for lang in LANGUAGES):
            return message
    return None


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (translated on display)."""
    return message


def error_text(exc: BaseException) -> str:
    """The user-facing text of a core exception, in the current language.

    An exception with a ``template`` (English, with ``{name}`` placeholders) and
    ``params`` is shown as the translated template filled with its parameters;
    any other as the translation of its message (itself when not in the catalog).
    """
    from musicml.errors import MusicMLError, translated

    if isinstance(exc, MusicMLError):
        try:
            # Its Phrase params ("the uploaded zip"…) are translated with it.
            return translated(exc, gettext)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
            return str(exc)
    return gettext(str(exc))


_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:[-_][A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def preferred_language(*preferences: str | None) -> str | None:
    """The first of :data:`LANGUAGES` a browser asks for, else ``None``.

    Each preference is a locale (``"ja-JP"``, ``navigator.language``) or an
    ``Accept-Language`` header (``"zh-CN,zh;q=0.9,en;q=0.8"``); they are tried in order.
    """
    for preference in preferences:
        if not preference:
            continue
        ranked: list[tuple[float, int, str]] = []
        for position, part in enumerate(str(preference).split(",")):
            match = _TAG.match(part)
            if not match:
                continue
            try:
                weight = float(match.group(2)) if match.group(2) else 1.0
            except ValueError:
                continue
            ranked.append((-weight, position, match.group(1).lower()))
        for weight, _position, code in sorted(ranked):
            if weight < 0 and code in LANGUAGES:
                return code
    return None
