"""Writing a data set: a folder or a zip of WAV files, ``labels.csv`` and ``settings.json``.

The same data set always gives byte-identical files, and what is written reads
back with :func:`~musicml.dataio.load_labelled_audio`.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from musicml.audio import wav_bytes
from musicml.dataio.archive import _extension
from musicml.dataio.labels import LABELS_CSV, SETTINGS_JSON
from musicml.datasets import Dataset
from musicml.errors import DataSetError


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
