"""One rule for parameters: their type, their range or choices, and a message that gives both.

Every user-supplied number that sizes work (a sample rate, a number of trees,
seconds of audio) passes through :func:`check_int` or :func:`check_float`
before any work is sized from it, so nothing reaches ``int(x * sr)`` or an
allocation unchecked. A bool is never a number here (``True`` is not 1 tree).
The command line's argparse types (:func:`int_type`, :func:`float_type`) use
the same checks, so a flag and the library refuse a value in the same words.
"""

from __future__ import annotations

import argparse
import math
import numbers

from musicml.errors import ParameterError

MAX_SAMPLE_RATE = 192_000
"""Highest sample rate accepted anywhere (studio masters)."""

MIN_SAMPLE_RATE = 1000
"""Lowest analysis sample rate accepted (a model, a data set, ``--sr``)."""

MAX_AUDIO_SECONDS = 24 * 3600.0
"""Longest duration, in seconds, any parameter may ask for (a day of audio)."""


def check_int(name: str, value, *, minimum: int = 1, maximum: int) -> int:
    """``value`` as an ``int`` if it is a whole number in ``[minimum, maximum]``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message (``"n_trees"``, ``"--trees"``).
    value : int
        Any integral number (numpy integers too); bools and floats are refused.
    minimum, maximum : int
        Inclusive bounds.

    Raises
    ------
    ParameterError
        Naming the parameter, the range and the value given.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(
            "{name} must be a whole number from {minimum:,} to {maximum:,}; got {value!r}.",
            name=name,
            minimum=minimum,
            maximum=maximum,
            value=value,
        )
    value = int(value)
    if not minimum <= value <= maximum:
        raise ParameterError(
            "{name} must be a whole number from {minimum:,} to {maximum:,}; got {value:,}.",
            name=name,
            minimum=minimum,
            maximum=maximum,
            value=value,
        )
    return value


def check_float(
    name: str, value, *, minimum: float = 0.0, maximum: float, inclusive_minimum: bool = False
) -> float:
    """``value`` as a ``float`` if it is a finite number in ``(minimum, maximum]``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : float
        Any real number (ints and numpy numbers too); bools, NaN and infinities are refused.
    minimum : float, default 0
        Lower bound, excluded unless ``inclusive_minimum``.
    maximum : float
        Upper bound (inclusive).

    Raises
    ------
    ParameterError
        Naming the parameter, the range and the value given.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _float_refusal(name, value, minimum, maximum, inclusive_minimum)
    number = float(value)
    low_ok = number >= minimum if inclusive_minimum else number > minimum
    if not (math.isfinite(number) and low_ok and number <= maximum):
        raise _float_refusal(name, value, minimum, maximum, inclusive_minimum)
    return number


def _float_refusal(
    name: str, value, minimum: float, maximum: float, inclusive_minimum: bool
) -> ParameterError:
    """The refusal of :func:`check_float`: one whole sentence per kind of lower bound."""
    if inclusive_minimum:
        return ParameterError(
            "{name} must be a number at least {minimum:g} and at most {maximum:g}; got {value!r}.",
            name=name,
            minimum=minimum,
            maximum=maximum,
            value=value,
        )
    return ParameterError(
        "{name} must be a number above {minimum:g} and at most {maximum:g}; got {value!r}.",
        name=name,
        minimum=minimum,
        maximum=maximum,
        value=value,
    )


def check_count(name: str, value, *, low: int = 1) -> int:
    """``value`` as an ``int`` if it is a whole number of at least ``low`` (no upper bound:
    for sizes the caller bounds otherwise, such as frame lengths and band counts)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ParameterError(
            "{name} must be an integer >= {low}; got {value!r}.", name=name, low=low, value=value
        )
    return int(value)


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices``; else a message that lists them.

    Parameters
    ----------
    name : str
        The parameter's name, for the message (``"kind"``, ``"model"``).
    choices : collection
        The accepted values, listed in the message in their order.
    """
    try:
        known = value in choices
    except (TypeError, ValueError):  # an unhashable value or an array is no choice
        known = False
    if not known:
        raise ParameterError(
            "{name} must be one of {choices}; got {value!r}.",
            name=name,
            choices=", ".join(map(str, choices)),
            value=value,
        )
    return value


def check_rate(sr) -> float:
    """A positive, finite sampling rate of a plain signal (the Signal lab's samples need
    not be audio, so any positive rate goes; audio uses :func:`check_sr`)."""
    if isinstance(sr, bool) or not isinstance(sr, numbers.Real) or not math.isfinite(sr) or sr <= 0:
        raise ParameterError("sr must be a positive sample rate; got {sr!r}.", sr=sr)
    return float(sr)


def check_sr(sr, *, name: str = "sr") -> int:
    """A sample rate from :data:`MIN_SAMPLE_RATE` to :data:`MAX_SAMPLE_RATE` Hz."""
    return check_int(name, sr, minimum=MIN_SAMPLE_RATE, maximum=MAX_SAMPLE_RATE)


def check_seconds(name: str, value, *, maximum: float = MAX_AUDIO_SECONDS) -> float:
    """A positive, finite number of seconds, at most ``maximum``."""
    return check_float(name, value, maximum=maximum)


def _argparse_type(name: str, convert, check, expected: str):
    """An argparse ``type``: ``convert`` the text, then ``check`` it, in the library's words."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {expected}; got {text!r}") from None
        try:
            return check(name, value)
        except ParameterError as exc:
            # argparse names the flag itself: "argument --sr: must be ...".
            raise argparse.ArgumentTypeError(
                str(exc).removeprefix(f"{name} ").rstrip(".")
            ) from None

    parse.__name__ = name.lstrip("-").replace("-", "_")
    return parse


def int_type(name: str, *, minimum: int = 1, maximum: int):
    """An argparse ``type`` for a whole number in ``[minimum, maximum]``."""
    return _argparse_type(
        name,
        int,
        lambda n, v: check_int(n, v, minimum=minimum, maximum=maximum),
        f"a whole number from {minimum:,} to {maximum:,}",
    )


def float_type(name: str, *, minimum: float = 0.0, maximum: float):
    """An argparse ``type`` for a finite number in ``(minimum, maximum]``."""
    return _argparse_type(
        name,
        float,
        lambda n, v: check_float(n, v, minimum=minimum, maximum=maximum),
        f"a number above {minimum:g} and at most {maximum:g}",
    )


def sr_type(name: str = "--sr"):
    """An argparse ``type`` for a sample rate: :func:`check_sr`'s rule, in its words."""
    return _argparse_type(
        name,
        int,
        lambda n, v: check_sr(v, name=n),
        f"a whole number from {MIN_SAMPLE_RATE:,} to {MAX_SAMPLE_RATE:,}",
    )
