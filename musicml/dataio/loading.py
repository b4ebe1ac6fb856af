"""Decoding a labelled data set: whole (up to an hour of audio) or batch by batch.

:func:`load_labelled_audio` loads a whole data set, with the settings a zip
written by :func:`~musicml.dataio.dataset_to_zip` carries;
:func:`labelled_clips` and :func:`labelled_batches` decode any size batch by
batch, so only one batch is in memory (the command line's ``evaluate``).
Unreadable audio is skipped with a note; if no audio is left, loading fails
with a :class:`~musicml.errors.DataSetError`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import numpy as np

from musicml.audio import DEFAULT_SR, load_audio, resample
from musicml.dataio.labels import LabelledFiles, labelled_files
from musicml.datasets import Dataset
from musicml.errors import AudioDecodeError, DataSetError
from musicml.resources import checkpoint
from musicml.validation import check_seconds, check_sr

MAX_FILE_SECONDS = 3600.0
"""Longest single file a streamed data set decodes (one file is in memory at a time)."""

STREAM_MAX_SECONDS = 24 * 3600.0
"""Most audio in total, in seconds, that :func:`labelled_batches` decodes by default."""

MAX_LOAD_BYTES = 1024 * 1024 * 1024
"""Most audio, in bytes as the zip's headers or the folder declare, that
:func:`load_labelled_audio` accepts when it decodes whole files: an hour of 48 kHz
24-bit stereo WAV is 1.04 GB, and :func:`load_labelled_audio` holds an hour at most, so
more is refused before anything is decoded (with ``max_seconds_per_file`` only the
start of each file is decoded and :data:`MAX_TOTAL_BYTES` applies)."""

MAX_SETTINGS_BYTES = 1024 * 1024
"""Largest ``settings.json`` read; a bigger one is ignored with a note, unread."""

UNREADABLE_LIMIT = 50
"""Decoding a data set stops with an error once this many of its audio files could not
be read and they outnumber the ones that could: a zip of junk named ``.mp3`` is refused
after a few seconds instead of being tried file by file to the end."""


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
