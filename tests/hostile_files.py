"""Builders of the hostile files of issue 10: small files that would cost minutes or gigabytes.

Shared by tests/test_hostile_inputs.py and benchmarks/bench_hostile.py. Each builder
writes a real file (a zip, a skops model) the way an attacker would, streaming the
big parts so building stays cheap.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
NOTES_MODEL = ROOT / "musicml" / "models_data" / "notes.skops"


def wav(seconds: float = 0.5, *, sr: int = 8000, frequency: float = 440.0) -> bytes:
    """A short mono 16-bit WAV tone."""
    t = np.arange(int(seconds * sr)) / sr
    buffer = io.BytesIO()
    sf.write(buffer, 0.5 * np.sin(2 * np.pi * frequency * t), sr, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _stream_member(archive: zipfile.ZipFile, name: str, chunks) -> None:
    """Write a deflated member from an iterable of byte chunks (never all in memory)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as handle:
        for chunk in chunks:
            handle.write(chunk)


def labelled_zip_with_big_csv(path: Path, *, csv_bytes: int) -> Path:
    """Four labelled WAVs plus a ``labels.csv`` of about ``csv_bytes`` short rows."""
    block = b"".join(b"a%d.wav,x\n" % (i % 300) for i in range(100_000))  # ~1 MB, deflates 86x
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(4):
            archive.writestr(f"{'ab'[i % 2]}{i}.wav", wav(frequency=300.0 + 200 * i))

        def rows():
            yield b"file,label\na0.wav,a\nb1.wav,b\na2.wav,a\nb3.wav,b\n"
            written = 0
            while written < csv_bytes:
                piece = block[: csv_bytes - written]
                written += len(piece)
                yield piece

        _stream_member(archive, "labels.csv", rows())
    return path


def labelled_zip_with_many_rows(path: Path, *, rows: int) -> Path:
    """Four labelled WAVs plus a small ``labels.csv`` with ``rows`` rows (most name no file)."""
    lines = ["file,label", "a0.wav,a", "b1.wav,b", "a2.wav,a", "b3.wav,b"]
    lines += [f"m{i}.wav,a" for i in range(rows - 4)]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(4):
            archive.writestr(f"{'ab'[i % 2]}{i}.wav", wav(frequency=300.0 + 200 * i))
        archive.writestr("labels.csv", "\n".join(lines) + "\n")
    return path


def zip_of_many_megabyte_members(path: Path, *, n: int = 1900, size: int = 1_000_000) -> Path:
    """``n`` WAV files of ``size`` bytes of silence each, in two class folders.

    1,000,000 bytes is just under the size from which a ratio counts as a zip bomb.
    The member is deflated once and its bytes written ``n`` times (by hand: zipfile
    would deflate every copy again).
    """
    frames = (size - 44) // 2
    buffer = io.BytesIO()
    sf.write(buffer, np.zeros(frames, dtype=np.int16), 44100, format="WAV", subtype="PCM_16")
    member = buffer.getvalue()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(member) + packer.flush()
    crc = zlib.crc32(member)
    central = []
    offset = 0
    with open(path, "wb") as out:
        for i in range(n):
            name = f"{'ab'[i % 2]}/{i:05d}.wav".encode()
            fields = (20, 0, 8, 0, 0x21, crc, len(packed), len(member), len(name))
            header = b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields, 0) + name
            out.write(header + packed)
            central.append(
                b"PK\x01\x02"
                + struct.pack("<HHHHHHIIIHHHHHII", 20, *fields, 0, 0, 0, 0, 0o644 << 16, offset)
                + name
            )
            offset += len(header) + len(packed)
        directory = b"".join(central)
        out.write(directory)
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, n, n, len(directory), offset, 0))
    return path


def labelled_zip(path: Path, *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A small valid labelled zip: two classes of two WAV files each."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for i in range(4):
            archive.writestr(f"{'ab'[i % 2]}/{i}.wav", wav(frequency=300.0 + 200 * i))
    return path


def _central_entries(data: bytes):
    """Per member: (offset of its central-directory entry, of its local header, its info)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    start = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", data, start + 16)
    entries, at = [], cd_offset
    for info in infos:
        assert data[at : at + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, at + 28)
        entries.append((at, info.header_offset, info))
        at += 46 + name_len + extra_len + comment_len
    return entries


def _body(data: bytes, local: int) -> int:
    """Offset of a member's (compressed) data, after its local header."""
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    return local + 30 + name_len + extra_len


def with_method(data: bytes, method: int) -> bytes:
    """The zip with every member's compression method set to ``method`` (both headers)."""
    out = bytearray(data)
    for central, local, _ in _central_entries(data):
        struct.pack_into("<H", out, central + 10, method)
        struct.pack_into("<H", out, local + 8, method)
    return bytes(out)


def with_undecodable_name(data: bytes) -> bytes:
    """The zip whose first member's name is flagged UTF-8 but is not valid UTF-8."""
    out = bytearray(data)
    central, local, _ = _central_entries(data)[0]
    for flags_at, name_at in ((central + 8, central + 46), (local + 6, local + 30)):
        (flags,) = struct.unpack_from("<H", out, flags_at)
        struct.pack_into("<H", out, flags_at, flags | 0x800)
        out[name_at] = 0xFF
    return bytes(out)


def with_bad_crc(data: bytes) -> bytes:
    """The zip (of stored members) with one byte in the middle of each member changed."""
    out = bytearray(data)
    for _, local, info in _central_entries(data):
        assert info.compress_type == zipfile.ZIP_STORED
        out[_body(data, local) + info.compress_size // 2] ^= 0xFF
    return bytes(out)


def with_corrupt_deflate(data: bytes) -> bytes:
    """The zip (of deflated members) with each member's compressed data overwritten."""
    out = bytearray(data)
    for _, local, info in _central_entries(data):
        assert info.compress_type == zipfile.ZIP_DEFLATED
        body = _body(data, local)
        out[body : body + min(64, info.compress_size)] = b"\xff" * min(64, info.compress_size)
    return bytes(out)


def restored(data: bytes, *, compression: int) -> bytes:
    """The same archive rewritten with every member compressed by ``compression``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=compression)
    return buffer.getvalue()


def zip_of_junk_audio(path: Path, *, n: int = 120) -> Path:
    """``n`` files named like MP3s in two class folders, none of them audio."""
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(n):
            archive.writestr(f"{'ab'[i % 2]}/{i:04d}.mp3", rng.bytes(4096))
    return path


def labelled_zip_with_big_settings(path: Path, *, settings_bytes: int = 2 << 20) -> Path:
    """A small valid labelled zip whose ``settings.json`` is ``settings_bytes`` long."""
    labelled_zip(path)
    noise = np.random.default_rng(1).bytes(settings_bytes // 2).hex()
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("settings.json", json.dumps({"settings": {"junk": noise}}))
    return path


# --------------------------------------------------------------------------- model files


def model_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def model_from_members(members: dict[str, bytes], *, big: dict | None = None) -> bytes:
    """A skops archive of ``members``; ``big`` maps names to chunk iterables streamed in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if big and name in big:
                _stream_member(archive, name, big[name])
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def model_with_huge_schema(model: bytes, *, schema_bytes: int = 380 * 2**20) -> bytes:
    """The model with ``schema.json`` replaced by a JSON list of zeros of that size."""
    block = b"0," * (1 << 19)

    def chunks():
        yield b"["
        written = 1
        while written < schema_bytes - 2:
            piece = block[: schema_bytes - 2 - written]
            written += len(piece)
            yield piece
        yield b"0]"

    members = model_members(model)
    return model_from_members(members, big={"schema.json": chunks()})


def _find(node, test):
    """The first dict in a schema for which ``test(dict)`` holds (depth first)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if test(item):
                return item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    raise LookupError("no such node")


def _ref(node: dict, *, bare: bool) -> dict:
    """A skops reference to ``node``: its id, with or without its type names."""
    if bare:
        return {"__id__": node["__id__"]}
    keys = ("__class__", "__module__", "__loader__", "__id__")
    return {key: node[key] for key in keys}


def forest_with_shared_trees(model: bytes, *, references: int, bare: bool = False) -> bytes:
    """A forest model whose ``estimators_`` lists its first tree ``references`` times.

    skops builds the tree once and gives the same object for every reference, so the
    file stays small while the forest predicts with ``references`` trees.
    """
    members = model_members(model)
    schema = json.loads(members["schema.json"])
    estimators = _find(
        schema,
        lambda d: (
            d.get("__loader__") == "ListNode"
            and any(
                isinstance(x, dict) and x.get("__class__") == "DecisionTreeClassifier"
                for x in d.get("content", [])
            )
        ),
    )
    tree = estimators["content"][0]
    estimators["content"] = [tree, "REFERENCES"]
    head, tail = json.dumps(schema).split(', "REFERENCES"')
    ref = (", " + json.dumps(_ref(tree, bare=bare))).encode()

    def chunks():  # the JSON text of the schema, the references repeated in blocks
        yield head.encode()
        left = references - 1
        while left:
            count = min(left, 10_000)
            yield ref * count
            left -= count
        yield tail.encode()

    return model_from_members(members, big={"schema.json": chunks()})


def union_of_shared_extractors(model: bytes, *, references: int) -> bytes:
    """A model whose FeatureUnion lists one extractor ``references`` times (by reference)."""
    members = model_members(model)
    schema = json.loads(members["schema.json"])
    union = _find(schema, lambda d: d.get("__class__") == "FeatureUnion")
    parts = _find(union, lambda d: d.get("__loader__") == "ListNode")
    first = parts["content"][0]
    entry = _ref(first, bare=False)
    parts["content"] = [first] + [entry] * (references - 1)
    members["schema.json"] = json.dumps(schema).encode()
    return model_from_members(members)
