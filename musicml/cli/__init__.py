"""The command line: `python -m musicml COMMAND ...`.

Each subcommand is a module in this package with ``add_parser(subparsers)``,
which adds the subcommand and sets ``func`` (``func(args) -> int``) on it; the
modules are found automatically. A failing command prints one line
``error: ...`` on stderr and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from musicml import __version__
from musicml.errors import MusicMLError

EXIT_USAGE = 2
EXIT_FAILURE = 1


class CommandError(MusicMLError):
    """A command cannot do what was asked (bad arguments, missing files)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, not usage text."""

    def error(self, message: str):
        sys.stderr.write(f"error: {message} (see --help)\n")
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m musicml",
        description="musicml: machine learning on music audio from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"musicml {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "add_parser"):
            module.add_parser(subparsers)
    return parser


def print_json(document) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what C libraries write straight to file descriptor 2 to /dev/null.

    libmpg123, for one, prints warnings of its own on a broken MP3, which would
    make a failing command print more than its one ``error:`` line. Python's
    ``sys.stderr`` keeps the real stream. Does nothing when ``sys.stderr`` is
    not the process's own (under a test's capture, say).
    """
    if sys.stderr is not sys.__stderr__ or sys.stderr is None:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    original = sys.stderr
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=original.encoding)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.stderr.close()
        sys.stderr = original


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    with native_stderr_silenced():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except MusicMLError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_FAILURE
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        sys.stderr.write(f"error: {exc.strerror or exc}{where}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except Exception as exc:
        sys.stderr.write(f"error: unexpected {type(exc).__name__}: {exc}\n")
        return EXIT_FAILURE
