"""`python -m musicml analyze AUDIO... --json` end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import encode, run_cli

from musicml.analysis import example_song
from musicml.cli import main

KEYS = {"file", "duration_s", "sr", "tempo_bpm", "beat_times", "onset_times", "key"}


@pytest.fixture
def songs(tmp_path):
    """A 120 BPM example at 22.05 kHz mono and a 100 BPM one as 44.1 kHz stereo FLAC."""
    first = example_song(bpm=120.0, duration=6.0)
    second = example_song(bpm=100.0, duration=6.0, sr=44100)
    a = tmp_path / "a.wav"
    a.write_bytes(encode(first.audio, first.sr))
    b = tmp_path / "b.flac"
    b.write_bytes(encode(np.stack([second.audio, second.audio], axis=1), 44100, fmt="FLAC"))
    return a, b


@pytest.mark.slow
def test_analyze_json_end_to_end(songs):
    a, b = songs
    result = run_cli("analyze", str(a), str(b), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["file"] for row in rows] == [str(a), str(b)]
    for row, bpm in zip(rows, (120.0, 100.0), strict=True):
        assert set(row) == KEYS
        assert row["sr"] == 22050
        assert row["duration_s"] == pytest.approx(6.0, abs=1e-3)
        assert row["tempo_bpm"] == pytest.approx(bpm, rel=0.02)
        assert row["key"] == "C major"
        beats = np.array(row["beat_times"])
        assert beats.size >= 8 and np.all(np.diff(beats) > 0)
        assert np.abs(beats[:, None] - np.arange(0, 6, 60 / bpm)).min(axis=1).max() < 0.05
        assert len(row["onset_times"]) >= beats.size


def test_text_output_and_errors(songs, capsys, tmp_path):
    a, _ = songs
    assert main(["analyze", str(a)]) == 0
    assert "BPM" in capsys.readouterr().out
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    assert main(["analyze", str(a), str(bad), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "bad.wav" in lines[0]
    assert main(["analyze", str(tmp_path / "missing.wav")]) == 1
    assert capsys.readouterr().err.startswith("error: No audio file")
