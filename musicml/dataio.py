"""Users' labelled audio in and out: folders, zips and ``labels.csv``.

Accepted layouts (as a folder, or a zip of one):

- one sub-folder per class (the GTZAN layout), possibly under a top-level
  folder: ``genres/blues/blues.00000.wav`` is labelled ``blues``;
- audio files plus a ``labels.csv`` with columns ``file,label`` (extra columns
  are ignored; ``file`` is relative to the CSV).

Zips are never extracted (a zip file on disk is read member by member, an
uploaded one in memory): unsafe names (``../``, absolute paths), symbolic
links, too many members, members larger than declared or than the limits, and
suspicious compression ratios are refused. Members that are not
audio are skipped with a note; unreadable audio is skipped with a note; if no
audio is left, loading fails with a :class:`~musicml.errors.DataSetError`.

:func:`load_labelled_audio` loads a whole data set (up to an hour of audio);
:func:`labelled_files` with :func:`labelled_batches` decode any size batch by
batch, so only one batch is in memory (the command line's ``evaluate``).
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import os
import posixpath
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np

from musicml.audio import AUDIO_EXTENSIONS, DEFAULT_SR, load_audio, resample, wav_bytes
from musicml.datasets import Dataset
from musicml.errors import AudioDecodeError, DataSetError, ParameterError, Phrase
from musicml.resources import checkpoint
from musicml.validation import check_int, check_seconds, check_sr

LABELS_CSV = "labels.csv"
SETTINGS_JSON = "settings.json"

MAX_MEMBERS = 10_000
"""A zip with more entries than this is refused outright."""

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed size of one member."""

MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
"""Largest uncompressed size of all members read together."""

MAX_RATIO = 200
"""Largest compression ratio of a sizeable member (a zip bomb compresses far more)."""

MAX_FILE_SECONDS = 3600.0
"""Longest single file a streamed data set decodes (one file is in memory at a time)."""

STREAM_MAX_FILES = 20_000
"""Most audio files :func:`labelled_batches` is meant for (``evaluate`` on the command line)."""

STREAM_MAX_SECONDS = 24 * 3600.0
"""Most audio in total, in seconds, that :func:`labelled_batches` decodes by default."""

MAX_LOAD_BYTES = 1024 * 1024 * 1024
"""Most audio, in bytes as the zip's headers or the folder declare, that
:func:`load_labelled_audio` accepts when it decodes whole files: an hour of 48 kHz
24-bit stereo WAV is 1.04 GB, and :func:`load_labelled_audio` holds an hour at most, so
more is refused before anything is decoded (with ``max_seconds_per_file`` only the
start of each file is decoded and :data:`MAX_TOTAL_BYTES` applies)."""

MAX_CSV_BYTES = 8 * 1024 * 1024
"""Largest ``labels.csv`` read, in bytes, checked from the zip's header (or the file's
size) before it is unpacked: 20,000 files with 400-character paths."""

CSV_ROWS_PER_FILE = 4
"""``labels.csv`` may have at most this many rows per audio file the data set may hold
(``max_files``); rows are counted while the file is parsed, which stops at the limit."""

MAX_CSV_LINE_CHARS = 4096
"""Longest line of ``labels.csv``, in characters (a path and a label, plus extra columns)."""

MAX_SETTINGS_BYTES = 1024 * 1024
"""Largest ``settings.json`` read; a bigger one is ignored with a note, unread."""

UNREADABLE_LIMIT = 50
"""Decoding a data set stops with an error once this many of its audio files could not
be read and they outnumber the ones that could: a zip of junk named ``.mp3`` is refused
after a few seconds instead of being tried file by file to the end."""

READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
"""Compression methods Python's zipfile unpacks; others are refused from the header."""

UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    OSError,
    ValueError,
    struct.error,
)
"""What unpacking a damaged zip member raises: a bad checksum, corrupt deflate, bz2 or
lzma data, a truncated archive."""

_IGNORED_PARTS = ("__MACOSX",)


@dataclass(frozen=True)
class _Entry:
    """One candidate file: its relative POSIX path and a way to read its bytes."""

    path: str
    read: object  # () -> bytes
    size: int = 0
    """Declared size in bytes (the zip header's, or the file's on disk)."""


def _is_junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    return (
        any(p in _IGNORED_PARTS for p in parts)
        or name.startswith("._")
        or name in (".DS_Store", "Thumbs.db", "desktop.ini")
    )


def _extension(path: str) -> str:
    return PurePosixPath(path).suffix.lower().lstrip(".")


# --------------------------------------------------------------------------- sources


def _zip_entries(
    data: bytes | Path, label: str, notes: list[str], max_members: int = MAX_MEMBERS
) -> list[_Entry]:
    # A zip on disk is read member by member when asked, never whole into memory.
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except UnicodeDecodeError as exc:
        raise DataSetError(
            "{label} names a file in a way that is not valid UTF-8 text, so it cannot be "
            "read; make the zip again with a current zip tool.",
            label=label,
        ) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise DataSetError(
            "{label} is not a readable zip file (it is damaged or not a zip at all).", label=label
        ) from exc
    infos = archive.infolist()
    if len(infos) > max_members:
        raise DataSetError(
            "{label} has {n_infos} entries; at most {max_members} are accepted. "
            "Split the data set into smaller zips.",
            label=label,
            n_infos=len(infos),
            max_members=max_members,
        )
    total_declared = 0
    entries = []
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            raise DataSetError(
                "{label} contains an absolute path ('{filename}'), which is unsafe; "
                "make the zip from inside the data-set folder.",
                label=label,
                filename=info.filename,
            )
        if ".." in PurePosixPath(name).parts:
            raise DataSetError(
                "{label} contains a path that climbs out of the archive ('{filename}'), "
                "which is unsafe; rebuild the zip without '..' in member names.",
                label=label,
                filename=info.filename,
            )
        if info.is_dir() or _is_junk(name):
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            notes.append(f"skipped '{name}': symbolic links are not followed")
            continue
        if info.flag_bits & 0x1:
            notes.append(f"skipped '{name}': it is encrypted")
            continue
        if info.compress_type not in READABLE_METHODS:
            raise DataSetError(
                "'{name}' in {label} is compressed with a method musicml cannot unpack "
                "(number {compress_type}); make the zip again with ordinary (deflate) "
                "compression.",
                name=name,
                label=label,
                compress_type=info.compress_type,
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise DataSetError(
                "'{name}' in {label} is {size_mb:.0f} MB uncompressed; the "
                "limit per file is {limit_mb} MB.",
                name=name,
                label=label,
                size_mb=info.file_size / 2**20,
                limit_mb=MAX_MEMBER_BYTES // 2**20,
            )
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DataSetError(
                "'{name}' in {label} expands {ratio:.0f}"
                " times when unpacked, which looks like a zip bomb; refusing the archive.",
                name=name,
                label=label,
                ratio=info.file_size / max(info.compress_size, 1),
            )
        total_declared += info.file_size
        if total_declared > MAX_TOTAL_BYTES:
            raise DataSetError(
                "{label} unpacks to more than {limit_gb} GB; use a smaller data set.",
                label=label,
                limit_gb=MAX_TOTAL_BYTES // 2**30,
            )
        entries.append(_Entry(name, _member_reader(archive, info, label), info.file_size))
    return entries


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str):
    def read() -> bytes:
        # Read at most one byte past the declared size: a lying header cannot
        # make us inflate an unbounded stream.
        try:
            with archive.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except UNPACK_ERRORS as exc:
            what = (
                Phrase("its checksum does not match")
                if "CRC" in str(exc)
                else Phrase("its data is corrupt")
            )
            raise DataSetError(
                "'{filename}' in {label} is damaged and cannot be unpacked ({what}); "
                "make the zip again.",
                filename=info.filename,
                label=label,
                what=what,
            ) from exc
        if len(data) > info.file_size:
            raise DataSetError(
                "'{filename}' holds more data than its header declares; the zip is "
                "corrupt or hostile.",
                filename=info.filename,
            )
        return data

    return read


def _folder_entries(root: Path, notes: list[str], max_members: int = MAX_MEMBERS) -> list[_Entry]:
    entries = []
    total = 0
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in _IGNORED_PARTS)
        for name in sorted(files):
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            if _is_junk(rel):
                continue
            if path.is_symlink():
                notes.append(f"skipped '{rel}': symbolic links are not followed")
                continue
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                # A pipe or a device named *.wav would block reading forever.
                notes.append(f"skipped '{rel}': not a regular file")
                continue
            size = status.st_size
            if size > MAX_MEMBER_BYTES:
                notes.append(f"skipped '{rel}': larger than {MAX_MEMBER_BYTES // 2**20} MB")
                continue
            total += size
            if total > MAX_TOTAL_BYTES:
                raise DataSetError(
                    "the folder '{root}' holds more than {limit_gb} GB; use a smaller data set.",
                    root=root,
                    limit_gb=MAX_TOTAL_BYTES // 2**30,
                )
            entries.append(_Entry(rel, path.read_bytes, size))
        if len(entries) > max_members:
            raise DataSetError(
                "the folder '{root}' has more than {max_members} files; use a smaller data set.",
                root=root,
                max_members=max_members,
            )
    return entries


def _entries(source, notes: list[str], max_members: int) -> tuple[list[_Entry], str]:
    """(entries, display name) of a folder, a zip path, zip bytes or an uploaded file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        entries = _zip_entries(bytes(source), Phrase("the uploaded zip"), notes, max_members)
        return entries, Phrase("the uploaded zip")
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        name = getattr(source, "name", "upload.zip")
        return _zip_entries(bytes(data), f"'{name}'", notes, max_members), str(name)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return _folder_entries(path, notes, max_members), path.name
        if path.is_file():
            if path.stat().st_size > MAX_TOTAL_BYTES:
                raise DataSetError(
                    "'{path_name}' is larger than {limit_gb} GB.",
                    path_name=path.name,
                    limit_gb=MAX_TOTAL_BYTES // 2**30,
                )
            return _zip_entries(path, f"'{path.name}'", notes, max_members), path.name
        raise DataSetError("there is no folder or zip file at '{path}'.", path=path)
    raise ParameterError(
        "source must be a folder, a zip path, zip bytes or an uploaded file; got {type_name}.",
        type_name=type(source).__name__,
    )


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


def labelled_clips(
    files: LabelledFiles,
    *,
    max_total_seconds: float = 3600.0,
    max_seconds_per_file: float | None = None,
    max_file_seconds: float = MAX_FILE_SECONDS,
    sr: int | None = None,
) -> Iterator[tuple[np.ndarray, int, str, str, int]]:
    """Decode the files one at a time, at ``sr`` or at their own sample rate.

    Unreadable files are skipped with a note in ``files.notes``.

    Parameters
    ----------
    files : LabelledFiles
        From :func:`labelled_files`.
    max_total_seconds : float, default 3600
        Stop with an error once the clips add up to more than this.
    max_seconds_per_file : float or None
        Keep only the first seconds of each file (the rest is not decoded).
    max_file_seconds : float, default 3600
        Skip, with a note, files longer than this (with ``max_seconds_per_file``
        only the part that is kept counts).
    sr : int or None, default None
        Resample while decoding (memory follows ``sr``, not the file's rate);
        ``None`` keeps each file's rate.

    Yields
    ------
    tuple
        ``(audio, sr, label, name, file_sr)``; ``audio`` has shape
        ``(n_samples,)``, float32; ``file_sr`` is the file's own rate.

    Raises
    ------
    DataSetError
        Too much audio in total, or none of the files could be read.
    """
    max_total_seconds = check_seconds(
        "max_total_seconds", max_total_seconds, maximum=STREAM_MAX_SECONDS
    )
    max_file_seconds = check_seconds("max_file_seconds", max_file_seconds, maximum=MAX_FILE_SECONDS)
    if max_seconds_per_file is not None:
        max_seconds_per_file = check_seconds(
            "max_seconds_per_file", max_seconds_per_file, maximum=MAX_FILE_SECONDS
        )
    if sr is not None:
        sr = check_sr(sr)
    total_seconds = 0.0
    decoded = failed = 0
    for entry, label, name in files.files:
        checkpoint()
        if failed >= UNREADABLE_LIMIT and failed > decoded:
            raise DataSetError(
                "{failed} of the first {tried} audio files in {source_name} "
                "could not be read, so the rest were not tried; use WAV, MP3, FLAC or OGG files.",
                failed=failed,
                tried=failed + decoded,
                source_name=files.source_name,
            )
        try:
            # min_seconds=0: a data set keeps short clips (drum hits) exactly as saved.
            clip = load_audio(
                entry.read(),
                sr=sr,
                max_seconds=max_file_seconds,
                min_seconds=0,
                name=name,
                duration=max_seconds_per_file,
            )
        except AudioDecodeError as exc:
            files.notes.append(f"skipped '{name}': {exc}")
            failed += 1
            continue
        audio = clip.audio
        total_seconds += len(audio) / clip.sr
        if total_seconds > max_total_seconds:
            raise DataSetError(
                "{source_name} holds more than {max_total_seconds:g} seconds of audio; "
                "use fewer or shorter files, or keep only the first seconds of each (the "
                "command line's --seconds-per-file).",
                source_name=files.source_name,
                max_total_seconds=max_total_seconds,
            )
        decoded += 1
        yield audio, clip.sr, label, name, clip.source_sr
    if not decoded:
        raise DataSetError(
            "none of the {n_files} audio files in {source_name} could be read; "
            "use WAV, MP3, FLAC or OGG files.",
            n_files=len(files),
            source_name=files.source_name,
        )


def _resampling_note(rates: Counter, target: int) -> str | None:
    if len(rates) > 1 or target not in rates:
        found = ", ".join(f"{r} Hz" for r in sorted(rates))
        return f"resampled to {target} Hz (files were at {found})"
    return None


def labelled_batches(
    files: LabelledFiles,
    *,
    sr: int = DEFAULT_SR,
    batch_seconds: float = 120.0,
    max_total_seconds: float = STREAM_MAX_SECONDS,
    max_seconds_per_file: float | None = None,
) -> Iterator[Dataset]:
    """The files decoded and resampled in batches, so only one batch is in memory.

    Parameters
    ----------
    files : LabelledFiles
        From :func:`labelled_files`; skipped files and resampling are noted in
        ``files.notes``.
    sr : int, default 22050
        Sample rate of the clips.
    batch_seconds : float, default 120
        A batch is yielded once its clips add up to this much audio.
    max_total_seconds : float, default 24 h
        Stop with an error once the clips add up to more than this.
    max_seconds_per_file : float or None
        Keep only the first seconds of each file.

    Yields
    ------
    Dataset
        Consecutive clips in file order, at ``sr``, with their labels and names.

    Raises
    ------
    DataSetError
        Too much audio in total, or none of the files could be read.
    """
    sr = check_sr(sr)
    batch_seconds = check_seconds("batch_seconds", batch_seconds, maximum=STREAM_MAX_SECONDS)
    clips = labelled_clips(
        files,
        max_total_seconds=max_total_seconds,
        max_seconds_per_file=max_seconds_per_file,
        max_file_seconds=min(max_total_seconds, MAX_FILE_SECONDS),
        sr=int(sr),
    )
    rates: Counter = Counter()
    batch: list[tuple[np.ndarray, str, str]] = []
    seconds = 0.0
    for audio, rate, label, name, file_rate in clips:
        rates[file_rate] += 1
        batch.append((audio, label, name))
        seconds += len(audio) / rate
        if seconds >= batch_seconds:
            yield _batch_dataset(batch, sr)
            batch, seconds = [], 0.0
    if batch:
        yield _batch_dataset(batch, sr)
    note = _resampling_note(rates, int(sr))
    if note:
        files.notes.append(note)


def _batch_dataset(batch: list[tuple[np.ndarray, str, str]], sr: int) -> Dataset:
    clips, labels, names = zip(*batch, strict=True)
    return Dataset(clips=list(clips), labels=list(labels), sr=int(sr), names=list(names))


def load_labelled_audio(
    source,
    *,
    sr: int | None = DEFAULT_SR,
    max_files: int = 2000,
    max_total_seconds: float = 3600.0,
    max_seconds_per_file: float | None = None,
) -> Dataset:
    """Load a labelled data set from a folder or a zip.

    Parameters
    ----------
    source : str, Path, bytes or file-like
        A folder, a path to a zip, the bytes of a zip, or an uploaded zip.
    sr : int or None, default 22050
        Sample rate of the clips; files at other rates are resampled. ``None``
        keeps the files' rate (the most common one if they differ).
    max_files : int, default 2000
        Refuse data sets with more audio files than this.
    max_total_seconds : float, default 3600
        Refuse data sets longer than this in total (memory: 1 hour ≈ 320 MB);
        :func:`labelled_batches` streams larger ones.
    max_seconds_per_file : float or None
        Keep only the first seconds of each file (e.g. 5 s of each GTZAN song).

    Returns
    -------
    Dataset
        Clips in file order; ``names`` are the paths relative to the data
        set; ``notes`` say what was skipped or resampled. A zip written by
        :func:`dataset_to_zip` comes back with its settings.

    Raises
    ------
    DataSetError
        Unsafe or malformed archives, no usable audio, too much audio.
    """
    if sr is not None:
        sr = check_sr(sr)
    max_total_seconds = check_seconds(
        "max_total_seconds", max_total_seconds, maximum=STREAM_MAX_SECONDS
    )
    if max_seconds_per_file is not None:
        max_seconds_per_file = check_seconds(
            "max_seconds_per_file", max_seconds_per_file, maximum=MAX_FILE_SECONDS
        )
    files = labelled_files(source, max_files=max_files)
    notes = files.notes
    if max_seconds_per_file is None:
        # Whole files are decoded: refuse more bytes of audio than an hour can take,
        # from the declared sizes, before decoding any.
        declared = sum(entry.size for entry, _, _ in files.files)
        if declared > MAX_LOAD_BYTES:
            raise DataSetError(
                "the audio files in {source_name} add up to {size_mb:,.0f} MB; "
                "at most {limit_mb:,} MB (about an hour of audio) are loaded. "
                "Use fewer files, or keep only the first seconds of each (the command "
                "line's --seconds-per-file).",
                source_name=files.source_name,
                size_mb=declared / 2**20,
                limit_mb=MAX_LOAD_BYTES // 2**20,
            )
    decoded = list(
        labelled_clips(
            files,
            max_total_seconds=max_total_seconds,
            max_seconds_per_file=max_seconds_per_file,
            max_file_seconds=max_total_seconds,
            sr=sr,
        )
    )
    rates = Counter(file_rate for *_, file_rate in decoded)
    target = int(sr) if sr is not None else rates.most_common(1)[0][0]
    note = _resampling_note(rates, target)
    if note:
        notes.append(note)
    clips = [resample(audio, rate, target) for audio, rate, *_ in decoded]
    labels = [label for _, _, label, _, _ in decoded]
    names = [name for _, _, _, name, _ in decoded]

    settings = {"kind": "user", "source": files.source_name, "sr": target}
    if files.settings_entry is not None and files.settings_entry.size > MAX_SETTINGS_BYTES:
        notes.append(f"ignored settings.json: it is larger than {MAX_SETTINGS_BYTES // 2**20} MB")
    elif files.settings_entry is not None:
        try:
            saved = json.loads(files.settings_entry.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            notes.append("ignored settings.json: it is not valid JSON")
        else:
            if isinstance(saved, dict) and isinstance(saved.get("settings"), dict):
                # What made the data set, as saved; the rate is the clips' own.
                settings = {**saved["settings"], "sr": target}
    if len(set(labels)) < 2:
        notes.append(f"only one class was found ({labels[0]!r}); training needs two or more")
    return Dataset(
        clips=clips, labels=labels, sr=target, settings=settings, names=names, notes=notes
    )


def _safe_name(name: str, index: int, used: set[str]) -> str:
    """A relative .wav path without '..' or absolute parts, unique within the zip."""
    parts = [
        p
        for p in PurePosixPath(str(name).replace("\\", "/")).parts
        if p not in ("", ".", "..", "/")
    ]
    path = "/".join(parts) or f"clip_{index:05d}.wav"
    if path.lower() == LABELS_CSV or path == SETTINGS_JSON:
        path = f"clip_{index:05d}_{path}"
    if _extension(path) != "wav":
        stem, dot, ext = path.rpartition(".")
        path = f"{stem if dot and '/' not in ext else path}.wav"
    stem = path
    k = 1
    while path in used:
        path = f"{stem[:-4]}_{k}.wav"
        k += 1
    used.add(path)
    return path


def _labels_csv(names: list[str], labels) -> bytes:
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["file", "label"])
    writer.writerows(zip(names, list(labels), strict=True))
    return rows.getvalue().encode("utf-8")


def _settings_json(dataset: Dataset) -> bytes:
    meta = {
        "settings": dataset.settings,
        "sr": int(dataset.sr),
        "classes": dataset.classes,
        "n_clips": len(dataset),
    }
    return json.dumps(meta, indent=2, default=_json_default).encode("utf-8")


def save_dataset_folder(
    dataset: Dataset, folder: str | Path, *, subtype: str = "PCM_16"
) -> list[Path]:
    """Write the clips as WAV files plus ``labels.csv`` and ``settings.json`` into ``folder``.

    Parameters
    ----------
    subtype : str, default "PCM_16"
        WAV sample format (``"FLOAT"`` keeps float32 samples exactly). Either
        way the same data set gives byte-identical files.

    Returns
    -------
    list of Path
        The WAV files written, in data-set order. The same data set always
        gives byte-identical files.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DataSetError(
            "'{folder}' exists and is not a folder; choose another --out.", folder=folder
        )
    folder.mkdir(parents=True, exist_ok=True)
    _remove_previous_dataset(folder)
    used: set[str] = set()
    names = [_safe_name(n, i, used) for i, n in enumerate(dataset.names)]
    written = []
    for name, clip in zip(names, dataset.clips, strict=True):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if subtype == "FLOAT":
            path.write_bytes(float_wav_bytes(clip, dataset.sr))
        else:
            path.write_bytes(wav_bytes(clip, dataset.sr, subtype=subtype))
        written.append(path)
    (folder / LABELS_CSV).write_bytes(_labels_csv(names, dataset.labels.tolist()))
    (folder / SETTINGS_JSON).write_bytes(_settings_json(dataset))
    return written


def _remove_previous_dataset(folder: Path) -> None:
    """Delete the WAV files an earlier data set listed in ``folder/labels.csv``.

    Writing a data set into the folder of an earlier one then replaces it
    instead of leaving a mix of both. Only .wav files inside the folder that
    the old labels.csv names are removed; anything else stays.
    """
    labels = folder / LABELS_CSV
    if not labels.is_file():
        return
    try:
        rows = list(csv.reader(io.StringIO(labels.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error):
        return
    root = folder.resolve()
    for row in rows[1:]:
        if not row or not row[0].lower().endswith(".wav"):
            continue
        path = (folder / row[0]).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()


def dataset_to_zip(dataset: Dataset) -> bytes:
    """A zip of the data set: WAV files, ``labels.csv`` (``file,label``) and ``settings.json``.

    Audio is stored as 32-bit float WAV so :func:`load_labelled_audio` gives it
    back unchanged; the archive's bytes depend only on the data set.

    Returns
    -------
    bytes
        The zip archive.
    """
    used: set[str] = set()
    names = [_safe_name(n, i, used) for i, n in enumerate(dataset.names)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:

        def put(path: str, data: bytes, compress: int) -> None:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        put(LABELS_CSV, _labels_csv(names, dataset.labels.tolist()), zipfile.ZIP_DEFLATED)
        put(SETTINGS_JSON, _settings_json(dataset), zipfile.ZIP_DEFLATED)
        for name, clip in zip(names, dataset.clips, strict=True):
            put(name, float_wav_bytes(clip, dataset.sr), zipfile.ZIP_STORED)
    return buffer.getvalue()


def float_wav_bytes(audio: np.ndarray, sr: int) -> bytes:
    """A mono 32-bit float WAV, byte-for-byte reproducible.

    libsndfile adds a PEAK chunk with a time stamp to float WAVs, so the same
    audio written a second later gives different bytes; this writes the plain
    RIFF/WAVE layout (fmt with IEEE float, fact, data) itself.
    """
    samples = np.clip(np.asarray(audio, dtype="<f4").reshape(-1), -1.0, 1.0)
    data = samples.tobytes()
    fmt = struct.pack("<HHIIHHH", 3, 1, int(sr), int(sr) * 4, 4, 32, 0)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"fact"
        + struct.pack("<II", 4, len(samples))
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
