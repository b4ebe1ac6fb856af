"""The one small exception hierarchy of musicml.

Pages and the command line catch :class:`MusicMLError` and show its message in
plain words; any other exception is a bug.

Every error carries its English *template* (a string literal at the raise site,
with ``{name}`` placeholders, so Babel extracts it; see
:mod:`musicml.locale.extract_errors`) and the *params* that fill it::

    raise ParameterError("sr must be at most {limit:,} Hz; got {sr:,}.", limit=..., sr=...)

``str(exc)`` is the English text; a translated page shows
``gettext(exc.template).format(**exc.params)``, or :func:`translated` (which
also translates the :class:`Phrase` params, e.g. "the uploaded zip").
"""

from __future__ import annotations

from collections.abc import Callable


class Phrase(str):
    """A piece of English text that fills an error's placeholder and is translated with it.

    It is a ``str`` in every way (it compares, hashes and joins like its text);
    the class only marks it for extraction and for :func:`translated`.
    """

    __slots__ = ()


def _filled(template: str, params: dict) -> str:
    # A template without params is shown as written: its braces are literal.
    return template.format(**params) if params else template


class MusicMLError(Exception):
    """Base class of every error musicml raises on purpose.

    Parameters
    ----------
    template : str
        The English message, with ``{name}`` (or ``{name:spec}``) placeholders.
    **params
        The values of the placeholders.
    """

    def __init__(self, template: str, /, **params) -> None:
        self.template = template
        self.params = params
        super().__init__(_filled(template, params))

    def __reduce__(self):
        return (_restore, (type(self), self.template, self.params), self.__dict__)


def _restore(cls: type[MusicMLError], template: str, params: dict) -> MusicMLError:
    return cls(template, **params)


def translated(error: MusicMLError | Phrase, gettext: Callable[[str], str]) -> str:
    """The message of ``error`` in the language of ``gettext``.

    :class:`Phrase` params and nested :class:`MusicMLError` params are translated too;
    any other param (a number, a file name) is shown as given.
    """
    if isinstance(error, Phrase):
        return gettext(error)
    params = {
        key: translated(value, gettext) if isinstance(value, (Phrase, MusicMLError)) else value
        for key, value in error.params.items()
    }
    return _filled(gettext(error.template), params)


class ParameterError(MusicMLError, ValueError):
    """A parameter has a value musicml cannot use."""


class AudioDecodeError(MusicMLError):
    """Bytes or a file could not be turned into audio."""


class DataSetError(MusicMLError):
    """A labelled data set (zip, folder, CSV) is malformed or unsafe."""


class ModelFileError(MusicMLError):
    """A saved model file is unreadable, foreign or unsafe."""


class WorkLimitError(MusicMLError):
    """One visitor's job went past the server's ceiling on time or memory and was stopped."""
