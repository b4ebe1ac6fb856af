"""The English templates of every error musicml shows users, as Babel extracts them.

An error's template is the first argument of its constructor (a plain string
literal at the raise site, see :mod:`musicml.errors`), and a :class:`~musicml.errors.Phrase`
is a piece of text that fills one of its placeholders; both are extracted by name.
Run ``python -m musicml.locale.extract_errors`` to list them (or ``--pot FILE`` to
write a gettext template for translators).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``musicml`` package folder, whose ``.py`` files are scanned."""

LOCALE_DIR = Path(__file__).resolve().parent
"""Where the catalogs live: ``<lang>/LC_MESSAGES/errors.po``."""

ERROR_CLASSES = (
    "MusicMLError",
    "ParameterError",
    "AudioDecodeError",
    "DataSetError",
    "ModelFileError",
    "WorkLimitError",
)
"""The classes whose first argument is a message template."""

KEYWORDS = {name: None for name in (*ERROR_CLASSES, "Phrase")}
"""Babel's keyword spec: ``None`` means the first argument is the message."""


def extracted_messages(package_dir: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, int]]]:
    """Every error template and phrase under ``package_dir``, with where it occurs.

    Returns
    -------
    dict
        ``{template: [(path relative to the package's parent, line), ...]}``.
    """
    found: dict[str, list[tuple[str, int]]] = {}
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        package_dir, method_map, keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            where = f"{package_dir.name}/{filename}"
            found.setdefault(message, []).append((where, lineno))
    return found


def error_templates(package_dir: Path = PACKAGE_DIR) -> set[str]:
    """The set of error templates and phrases under ``package_dir``."""
    return set(extracted_messages(package_dir))


def template_catalog(package_dir: Path = PACKAGE_DIR) -> Catalog:
    """A gettext template (``.pot``) of the error messages, for translators."""
    catalog = Catalog(project="musicml", domain="errors", charset="utf-8")
    for message, places in sorted(extracted_messages(package_dir).items()):
        # A template without placeholders is shown as written, so it is no format string.
        flags = ("python-brace-format",) if "{" in message else ()
        catalog.add(message, locations=places, flags=flags)
    return catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pot", type=Path, help="write a gettext template to this file")
    args = parser.parse_args(argv)
    if args.pot:
        with args.pot.open("wb") as handle:
            write_po(handle, template_catalog(), width=100)
    else:
        for message in sorted(error_templates()):
            sys.stdout.write(message + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
