"""Labelling a data set's files: one sub-folder per class, or a ``labels.csv``.

- one sub-folder per class (the GTZAN layout), possibly under a top-level
  folder: ``genres/blues/blues.00000.wav`` is labelled ``blues``;
- audio files plus a ``labels.csv`` with columns ``file,label`` (extra columns
  are ignored; ``file`` is relative to the CSV).

``labels.csv`` is bounded before it is parsed (bytes, line length, rows).
"""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from musicml.audio import AUDIO_EXTENSIONS
from musicml.dataio.archive import MAX_MEMBERS, _entries, _Entry, _extension
from musicml.errors import DataSetError
from musicml.validation import check_int

LABELS_CSV = "labels.csv"
SETTINGS_JSON = "settings.json"

STREAM_MAX_FILES = 20_000
"""Most audio files :func:`labelled_batches` is meant for (``evaluate`` on the command line)."""

MAX_CSV_BYTES = 8 * 1024 * 1024
"""Largest ``labels.csv`` read, in bytes, checked from the zip's header (or the file's
size) before it is unpacked: 20,000 files with 400-character paths."""

CSV_ROWS_PER_FILE = 4
"""``labels.csv`` may have at most this many rows per audio file the data set may hold
(``max_files``); rows are counted while the file is parsed, which stops at the limit."""

MAX_CSV_LINE_CHARS = 4096
"""Longest line of ``labels.csv``, in characters (a path and a label, plus extra columns)."""


# --------------------------------------------------------------------------- labelling


def _find_labels_csv(entries: list[_Entry]) -> _Entry | None:
    """The shallowest ``labels.csv`` (case-insensitive), if any."""
    found = [e for e in entries if PurePosixPath(e.path).name.lower() == LABELS_CSV]
    return min(found, key=lambda e: e.path.count("/")) if found else None


def _bounded_lines(text: str, path: str) -> Iterator[str]:
    """The lines of ``text``, refusing one longer than :data:`MAX_CSV_LINE_CHARS`."""
    for line in io.StringIO(text):
        if len(line) > MAX_CSV_LINE_CHARS:
            raise DataSetError(
                "'{path}' has a line of {n_line:,} characters; at most "
                "{max_csv_line_chars:,} are accepted. It needs lines 'file,label'.",
                path=path,
                n_line=len(line),
                max_csv_line_chars=MAX_CSV_LINE_CHARS,
            )
        yield line


def _csv_rows(entry: _Entry, *, max_rows: int) -> list[tuple[str, str]]:
    if entry.size > MAX_CSV_BYTES:
        raise DataSetError(
            "'{path}' is {size_mb:.1f} MB; at most "
            "{limit_mb} MB are read (one line 'file,label' per audio file).",
            path=entry.path,
            size_mb=entry.size / 2**20,
            limit_mb=MAX_CSV_BYTES // 2**20,
        )
    data = entry.read()
    if len(data) > MAX_CSV_BYTES:  # a folder's file that grew since it was listed
        raise DataSetError(
            "'{path}' is larger than {limit_mb} MB; it needs one line 'file,label' per audio file.",
            path=entry.path,
            limit_mb=MAX_CSV_BYTES // 2**20,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataSetError(
            "'{path}' is not UTF-8 text (byte {start:,} is not valid); save it as UTF-8.",
            path=entry.path,
            start=exc.start,
        ) from exc
    del data
    reader = csv.reader(_bounded_lines(text, entry.path))
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) > max_rows:  # the header plus max_rows rows are allowed
                raise DataSetError(
                    "'{path}' has more than {max_rows:,} rows; at most {max_rows:,} are "
                    "accepted for this data set. Use fewer files.",
                    path=entry.path,
                    max_rows=max_rows,
                )
            rows.append(row)
    except csv.Error as exc:
        raise DataSetError(
            "'{path}' is not a readable CSV file: a line is too long or badly quoted. "
            "It needs lines 'file,label'.",
            path=entry.path,
        ) from exc
    if not rows:
        raise DataSetError("'{path}' is empty; it needs a header 'file,label'.", path=entry.path)
    header = [c.strip().lower() for c in rows[0]]
    if "file" not in header or "label" not in header:
        raise DataSetError(
            "'{path}' must start with a header naming the columns 'file' and 'label'; "
            "got {header!r}.",
            path=entry.path,
            header=",".join(rows[0]),
        )
    fi, li = header.index("file"), header.index("label")
    out = []
    for row in rows[1:]:
        if len(row) <= max(fi, li):
            continue
        out.append((row[fi].strip(), row[li].strip()))
    return out


def _labelled_from_csv(entries, csv_entry, notes, *, max_rows) -> list[tuple[_Entry, str, str]]:
    base = posixpath.dirname(csv_entry.path)
    rows = _csv_rows(csv_entry, max_rows=max_rows)
    by_path = {e.path: e for e in entries}
    chosen = []
    listed = set()
    for file, label in rows:
        rel = posixpath.normpath(posixpath.join(base, file.replace("\\", "/")))
        if rel.startswith("../") or rel == ".." or file.startswith("/"):
            raise DataSetError("labels.csv names a file outside the data set: '{file}'.", file=file)
        if not label:
            notes.append(f"skipped '{file}': no label in labels.csv")
            continue
        entry = by_path.get(rel)
        if entry is None:
            notes.append(f"skipped '{file}': listed in labels.csv but not found")
            continue
        listed.add(rel)
        chosen.append((entry, label, posixpath.relpath(rel, base or ".")))
    unlisted = [
        e.path for e in entries if _extension(e.path) in AUDIO_EXTENSIONS and e.path not in listed
    ]
    if unlisted:
        notes.append(f"skipped {len(unlisted)} audio file(s) not listed in labels.csv")
    return chosen


def _labelled_from_folders(entries, notes) -> list[tuple[_Entry, str, str]]:
    chosen = []
    loose = 0
    for entry in entries:
        parts = PurePosixPath(entry.path).parts
        if len(parts) < 2:
            loose += 1
            continue
        chosen.append((entry, parts[-2], entry.path))
    if loose:
        notes.append(
            f"skipped {loose} audio file(s) at the top level: their class is unknown "
            "(put them in a folder named after the class, or add labels.csv)"
        )
    return chosen


# --------------------------------------------------------------------------- public


@dataclass
class LabelledFiles:
    """The labelled audio files of a data set, listed and checked but not decoded.

    Attributes
    ----------
    files : list of (entry, label, name)
        Per audio file: how to read its bytes, its label, its path in the data set.
    source_name : str
        The folder's or zip's name, for messages.
    settings_entry : entry or None
        ``settings.json`` at the top, if any.
    notes : list of str
        What was skipped so far; decoding adds to it.
    """

    files: list[tuple[_Entry, str, str]]
    source_name: str
    settings_entry: _Entry | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.files)


def labelled_files(source, *, max_files: int = 2000) -> LabelledFiles:
    """List and label the audio files of a folder or a zip, without decoding them.

    Parameters
    ----------
    source : str, Path, bytes or file-like
        A folder, a path to a zip, the bytes of a zip, or an uploaded zip.
    max_files : int, default 2000
        Refuse data sets with more audio files than this (and folders or zips
        with more than ``max(max_files, MAX_MEMBERS)`` entries).

    Returns
    -------
    LabelledFiles
        The files in data-set order, with notes on what was skipped.

    Raises
    ------
    DataSetError
        Unsafe or malformed archives, no labelled audio, too many files.
    """
    max_files = check_int("max_files", max_files, maximum=STREAM_MAX_FILES)
    notes: list[str] = []
    entries, source_name = _entries(source, notes, max(MAX_MEMBERS, max_files))
    csv_entry = _find_labels_csv(entries)
    settings_entry = next((e for e in entries if e.path == SETTINGS_JSON), None)
    if csv_entry is not None:
        labelled = _labelled_from_csv(
            entries, csv_entry, notes, max_rows=CSV_ROWS_PER_FILE * max_files
        )
    else:
        audio_entries = []
        skipped = []
        for e in entries:
            if _extension(e.path) in AUDIO_EXTENSIONS:
                audio_entries.append(e)
            elif e is not settings_entry:
                skipped.append(e.path)
        if skipped:
            notes.append(
                f"skipped {len(skipped)} file(s) that are not audio "
                f"({', '.join(skipped[:3])}{'…' if len(skipped) > 3 else ''})"
            )
        labelled = _labelled_from_folders(audio_entries, notes)
    if not labelled:
        raise DataSetError(
            "{source_name} holds no labelled audio. Use one folder per class with WAV, MP3, "
            "FLAC or OGG files inside (e.g. blues/song1.wav), or add a labels.csv with "
            "columns file,label.",
            source_name=source_name,
        )
    if len(labelled) > max_files:
        raise DataSetError(
            "{source_name} has {n_labelled} audio files; at most {max_files} are accepted. "
            "Use fewer files per class.",
            source_name=source_name,
            n_labelled=len(labelled),
            max_files=max_files,
        )
    return LabelledFiles(labelled, source_name, settings_entry, notes)
