"""Labelled audio in and out: zip round trip, layouts, and hostile or broken archives."""

from __future__ import annotations

import io
import os
import stat
import tracemalloc
import zipfile

import numpy as np
import pytest
import soundfile as sf

from musicml.dataio import (
    dataset_to_zip,
    labelled_batches,
    labelled_files,
    load_labelled_audio,
)
from musicml.datasets import Dataset, notes_dataset
from musicml.errors import DataSetError

SR = 22050


def wav(frequency: float = 440.0, *, sr: int = SR, seconds: float = 0.5) -> bytes:
    t = np.arange(round(seconds * sr)) / sr
    buffer = io.BytesIO()
    sf.write(buffer, 0.5 * np.sin(2 * np.pi * frequency * t), sr, format="WAV")
    return buffer.getvalue()


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def small_notes() -> Dataset:
    return notes_dataset(per_class=2, pitch_classes="chromatic", seed=4)


def test_zip_round_trip_keeps_audio_labels_names_and_settings(small_notes):
    data = dataset_to_zip(small_notes)
    back = load_labelled_audio(data)
    assert back.sr == small_notes.sr
    assert back.labels.tolist() == small_notes.labels.tolist()
    assert back.names == small_notes.names
    assert back.settings == small_notes.settings
    assert all(np.array_equal(a, b) for a, b in zip(back.clips, small_notes.clips, strict=True))
    assert back.notes == []


def test_zip_bytes_are_deterministic_and_hold_csv_and_settings(small_notes):
    data = dataset_to_zip(small_notes)
    assert data == dataset_to_zip(small_notes)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names[:2] == ["labels.csv", "settings.json"]
    csv = zipfile.ZipFile(io.BytesIO(data)).read("labels.csv").decode().splitlines()
    assert csv[0] == "file,label" and len(csv) == len(small_notes) + 1
    # libsndfile's float WAVs carry a PEAK chunk with a time stamp: bytes would
    # change from one second to the next. Ours are written without it.
    assert b"PEAK" not in data


def test_unequal_lengths_and_odd_names_survive_the_round_trip():
    data = Dataset(
        [np.full(100, 0.25, np.float32), np.full(333, -0.5, np.float32)],
        ["a", "b"],
        8000,
        names=["../evil.wav", "song.mp3"],
    )
    back = load_labelled_audio(dataset_to_zip(data), sr=None)
    assert back.sr == 8000
    assert back.names == ["evil.wav", "song.wav"]
    assert [len(c) for c in back.clips] == [100, 333]


def test_gtzan_layout_with_top_folder_and_junk():
    data = make_zip(
        {
            "genres/blues/blues.00000.wav": wav(220),
            "genres/blues/blues.00001.wav": wav(230),
            "genres/jazz/jazz.00000.wav": wav(440),
            "genres/README.txt": b"the GTZAN data set",
            "__MACOSX/genres/._blues.00000.wav": b"junk",
            "genres/.DS_Store": b"junk",
        }
    )
    back = load_labelled_audio(data)
    assert back.labels.tolist() == ["blues", "blues", "jazz"]
    assert back.names[0] == "genres/blues/blues.00000.wav"
    assert any("not audio" in note for note in back.notes)


def test_folder_with_class_subfolders(tmp_path):
    for label, freq in (("low", 200), ("high", 2000)):
        (tmp_path / label).mkdir()
        for i in range(2):
            (tmp_path / label / f"{i}.wav").write_bytes(wav(freq + i))
    back = load_labelled_audio(tmp_path)
    assert back.counts == {"high": 2, "low": 2}


def test_folder_with_labels_csv_ignores_extra_columns(tmp_path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "x.wav").write_bytes(wav(300))
    (tmp_path / "audio" / "y.wav").write_bytes(wav(600))
    (tmp_path / "audio" / "z.wav").write_bytes(wav(900))
    (tmp_path / "labels.csv").write_text(
        "file,label,speaker\naudio/x.wav,yes,ann\naudio/y.wav,no,bob\nmissing.wav,no,cy\n"
    )
    back = load_labelled_audio(tmp_path)
    assert back.labels.tolist() == ["yes", "no"]
    assert back.names == ["audio/x.wav", "audio/y.wav"]
    assert any("missing.wav" in note for note in back.notes)
    assert any("not listed" in note for note in back.notes)


def test_mixed_sample_rates_are_resampled_with_a_note():
    data = make_zip({"a/1.wav": wav(sr=44100), "b/2.wav": wav(sr=16000), "b/3.wav": wav()})
    back = load_labelled_audio(data)
    assert back.sr == SR
    assert {len(c) for c in back.clips} == {SR // 2}
    assert any("resampled" in note for note in back.notes)
    native = load_labelled_audio(data, sr=None)
    assert native.sr in (44100, 16000, SR)


def test_unreadable_members_are_skipped_with_a_note():
    data = make_zip({"a/good.wav": wav(), "a/bad.wav": b"RIFF....nonsense", "b/ok.flac": wav()})
    back = load_labelled_audio(data)
    assert back.names == ["a/good.wav", "b/ok.flac"]
    assert any("bad.wav" in note for note in back.notes)


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ({"notes.txt": b"hello", "pic/cat.png": b"\x89PNG"}, "no labelled audio"),
        ({"a/x.wav": b"junk", "b/y.wav": b"more junk"}, "none of the 2 audio files"),
        ({"../outside/x.wav": wav()}, "climbs out"),
        ({"ok/../../x.wav": wav()}, "climbs out"),
        ({"/etc/x.wav": wav()}, "absolute path"),
        ({"loose.wav": wav()}, "no labelled audio"),
        ({"labels.csv": b"name,class\nx.wav,a\n", "x.wav": wav()}, "header"),
        ({"labels.csv": b"file,label\nx.wav," + b"a" * 200_000, "x.wav": wav()}, "line of 200,006"),
    ],
)
def test_bad_zips_are_refused_with_clear_messages(members, match):
    with pytest.raises(DataSetError, match=match):
        load_labelled_audio(make_zip(members))


def test_not_a_zip_and_a_missing_path():
    with pytest.raises(DataSetError, match="not a readable zip"):
        load_labelled_audio(b"PK\x03\x04 but not really")
    with pytest.raises(DataSetError, match="no folder or zip"):
        load_labelled_audio("/no/such/place.zip")


def test_huge_member_counts_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"a/{i}.txt", b"")
    with pytest.raises(DataSetError, match="entries"):
        load_labelled_audio(buffer.getvalue())
    # A larger max_files (streamed evaluation) raises the member limit with it.
    with pytest.raises(DataSetError, match="no labelled audio"):
        labelled_files(buffer.getvalue(), max_files=20_000)


def test_zip_bombs_are_refused():
    bomb = make_zip({"a/x.wav": bytes(20_000_000)}, compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(DataSetError, match="zip bomb"):
        load_labelled_audio(bomb)


def test_symbolic_links_in_zips_are_skipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/real.wav", wav())
        archive.writestr("b/other.wav", wav(880))
        link = zipfile.ZipInfo("a/link.wav")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    back = load_labelled_audio(buffer.getvalue())
    assert back.names == ["a/real.wav", "b/other.wav"]
    assert any("symbolic link" in note for note in back.notes)


def test_limits_on_file_count_and_total_duration():
    data = make_zip({f"{c}/{i}.wav": wav(seconds=1.0) for c in "ab" for i in range(3)})
    with pytest.raises(DataSetError, match="at most 4"):
        load_labelled_audio(data, max_files=4)
    with pytest.raises(DataSetError, match="more than 5 seconds"):
        load_labelled_audio(data, max_total_seconds=5)
    short = load_labelled_audio(data, max_seconds_per_file=0.25)
    assert {len(c) for c in short.clips} == {round(0.25 * SR)}


@pytest.fixture
def class_folder(tmp_path):
    """Two classes of three half-second tones (one file at 44.1 kHz each) and a broken file."""
    for label, freq in (("low", 200), ("high", 2000)):
        (tmp_path / label).mkdir()
        for i in range(3):
            (tmp_path / label / f"{i}.wav").write_bytes(wav(freq + i, sr=44100 if i else SR))
    (tmp_path / "low" / "broken.wav").write_bytes(b"RIFF....nonsense")
    return tmp_path


def test_batches_hold_the_clips_and_notes_of_the_whole_data_set(class_folder):
    whole = load_labelled_audio(class_folder)
    files = labelled_files(class_folder)
    batches = list(labelled_batches(files, sr=SR, batch_seconds=1.0))
    assert [len(b) for b in batches] == [2, 2, 2]
    assert all(b.sr == SR for b in batches)
    assert [n for b in batches for n in b.names] == whole.names
    assert [x for b in batches for x in b.labels.tolist()] == whole.labels.tolist()
    clips = [c for b in batches for c in b.clips]
    assert all(np.array_equal(a, b) for a, b in zip(clips, whole.clips, strict=True))
    assert files.notes == whole.notes
    assert files.notes[0].startswith("skipped 'low/broken.wav'")
    assert "resampled to 22050 Hz" in files.notes[1]


def test_batches_keep_a_limit_of_their_own_and_need_readable_audio(class_folder):
    with pytest.raises(DataSetError, match="more than 2 seconds"):
        list(labelled_batches(labelled_files(class_folder), max_total_seconds=2))
    short = labelled_batches(labelled_files(class_folder), max_seconds_per_file=0.1)
    assert {len(c) for batch in short for c in batch.clips} == {round(0.1 * SR)}
    broken = labelled_files(make_zip({"a/x.wav": b"junk", "b/y.wav": b"more junk"}))
    with pytest.raises(DataSetError, match="none of the 2 audio files"):
        list(labelled_batches(broken))


def test_pipes_in_a_folder_are_skipped_not_read(class_folder):
    """A FIFO named like audio would block a read forever."""
    os.mkfifo(class_folder / "high" / "pipe.wav")
    loaded = load_labelled_audio(class_folder)
    assert len(loaded) == 6
    assert "skipped 'high/pipe.wav': not a regular file" in loaded.notes


def test_a_hostile_settings_json_is_ignored_and_the_rate_is_the_clips_own(small_notes):
    nested = b'{"settings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    data = make_zip({"settings.json": nested, "a/x.wav": wav(), "b/y.wav": wav(880.0)})
    assert "ignored settings.json: it is not valid JSON" in load_labelled_audio(data).notes
    archive = dataset_to_zip(small_notes)
    assert load_labelled_audio(archive, sr=16000).settings["sr"] == 16000


def test_only_the_kept_seconds_of_each_file_are_decoded(tmp_path):
    """Ten minutes at 192 kHz (a 0.5 MB FLAC) with 1 s per file kept: no 460 MB decode."""
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        sf.write(tmp_path / label / "long.flac", np.zeros(192_000 * 600), 192_000)
    tracemalloc.start()
    try:
        loaded = load_labelled_audio(tmp_path, max_seconds_per_file=1.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert {len(c) for c in loaded.clips} == {SR}
    assert peak < 20 * 2**20
