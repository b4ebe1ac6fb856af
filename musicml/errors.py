"""The one small exception hierarchy of musicml.

Pages and the command line catch :class:`MusicMLError` and show its message in
plain words; any other exception is a bug.
"""

from __future__ import annotations


class MusicMLError(Exception):
    """Base class of every error musicml raises on purpose."""


class ParameterError(MusicMLError, ValueError):
    """A parameter has a value musicml cannot use."""


class AudioDecodeError(MusicMLError):
    """Bytes or a file could not be turned into audio."""


class DataSetError(MusicMLError):
    """A labelled data set (zip, folder, CSV) is malformed or unsafe."""


class ModelFileError(MusicMLError):
    """A saved model file is unreadable, foreign or unsafe."""
