"""The files of a data set, from a folder or a zip, every one bounded before it is read.

Zips are never extracted (a zip file on disk is read member by member, an
uploaded one in memory): unsafe names (``../``, absolute paths), symbolic
links, too many members, members larger than declared or than the limits, and
suspicious compression ratios are refused. A folder is walked without following
links, and only regular files are read.
"""

from __future__ import annotations

import io
import lzma
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from musicml.errors import DataSetError, ParameterError, Phrase

MAX_MEMBERS = 10_000
"""A zip with more entries than this is refused outright."""

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed size of one member."""

MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
"""Largest uncompressed size of all members read together."""

MAX_RATIO = 200
"""Largest compression ratio of a sizeable member (a zip bomb compresses far more)."""

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
