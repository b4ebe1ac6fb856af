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
import math
import os
import pkgutil
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from musicml import __version__
from musicml.errors import MusicMLError

EXIT_USAGE = 2
EXIT_FAILURE = 1


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, not usage text."""

    def error(self, message: str):
        sys.stderr.write(f"error: {message} (see --help)\n")
        sys.exit(EXIT_USAGE)


def seed(text: str) -> int:
    """argparse type: a random seed, an integer from 0 to 2**32 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed must be a whole number; got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"a seed must be between 0 and 4294967295; got {text}")
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {text}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0; got {text}")
    return value


def commands() -> dict[str, object]:
    """Each subcommand's name → its module (cheap: a module imports its heavy parts only
    in ``add_parser`` and ``run``)."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "add_parser"):
            found[module.COMMAND] = module
    return found


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser.

    Only the subcommand that ``argv`` names gets its full parser (its options need
    the library: feature kinds, model limits…); the others are listed with their one
    line of help, so ``python -m musicml --help`` answers without loading librosa or
    scikit-learn. With ``argv=None`` every subcommand is built in full.
    """
    parser = _Parser(
        prog="python -m musicml",
        description="musicml: machine learning on music audio from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"musicml {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    found = commands()
    wanted = None if argv is None else next((a for a in argv if a in found), "")
    for name, module in found.items():
        if wanted is None or name == wanted:
            module.add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=module.HELP)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    with native_stderr_silenced(), warnings.catch_warnings():
        # Libraries' warnings (a large n_fft on a short clip, say) are not errors;
        # stderr stays for progress and the one error line.
        warnings.simplefilter("ignore")
        return _run(args)


def print_notes(notes: Sequence[str]) -> None:
    """Tell the user, on stderr, what loading a data set skipped or changed."""
    for note in notes:
        sys.stderr.write(f"note: {note}\n")


def load_dataset(args: argparse.Namespace, *, sr: int | None):
    """The data set named by ``args.data`` (with ``--seed``, ``--per-class`` and
    ``--seconds-per-file``), its notes printed on stderr."""
    from musicml.builtin import dataset_from_source

    dataset = dataset_from_source(
        args.data,
        sr=sr,
        seed=args.seed,
        per_class=args.per_class,
        seconds_per_file=args.seconds_per_file,
    )
    print_notes(dataset.notes)
    return dataset


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
