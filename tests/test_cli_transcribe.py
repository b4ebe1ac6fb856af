"""`python -m musicml transcribe`: the JSON contract, MIDI files and scores against the truth."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from conftest import run_cli

from musicml.transcription import notes_from_midi

SR = 22050
NOTES = [(0.3, 0.8, 60, "C"), (1.3, 1.9, 66, "F#"), (2.4, 2.9, 52, "E")]


def write_melody(path, *, seed: int = 0):
    """Three notes (C4, F#4, E3) with rests between them, over a quiet room."""
    rng = np.random.default_rng(seed)
    audio = rng.normal(0.0, 1e-3, round(3.5 * SR))
    for start_s, end_s, midi, _ in NOTES:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start, end = round(start_s * SR), round(end_s * SR)
        t = np.arange(end - start + round(0.2 * SR)) / SR
        envelope = np.minimum(1.0, t / 0.01)
        envelope[end - start :] *= np.exp(-(t[end - start :] - t[end - start]) / 0.02)
        tone = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 6))
        audio[start : start + len(t)] += 0.2 * envelope * tone
    sf.write(path, audio.astype(np.float32), SR)
    return path


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    from musicml.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_transcribe_json_is_exactly_the_documented_format(capsys, tmp_path):
    path = write_melody(tmp_path / "melody.wav")
    code, out, err = run_in_process(capsys, "transcribe", str(path), str(path), "--json")
    assert code == 0, err
    documents = json.loads(out)
    assert isinstance(documents, list) and len(documents) == 2
    for document in documents:
        assert list(document) == ["file", "duration_s", "model", "notes"]
        assert document["file"] == str(path)
        assert document["duration_s"] == pytest.approx(3.5)
        assert document["model"] == "builtin:chromatic"
        for note in document["notes"]:
            assert list(note) == ["start_s", "end_s", "label", "midi", "confidence"]
            assert isinstance(note["midi"], int) and 0 < note["confidence"] <= 1
        assert [(n["label"], n["midi"]) for n in document["notes"]] == [
            (label, midi) for _, _, midi, label in NOTES
        ]
        for note, (start, end, _, _) in zip(document["notes"], NOTES, strict=True):
            assert note["start_s"] == pytest.approx(start, abs=0.03)
            assert note["end_s"] == pytest.approx(end, abs=0.03)


def test_transcribe_writes_midi_and_scores_against_the_truth(capsys, tmp_path):
    path = write_melody(tmp_path / "melody.wav")
    truth = tmp_path / "truth.csv"
    rows = ["start_s,end_s,label", "0,0.3,silence"]
    rows += [f"{s},{e},{label}{midi // 12 - 1}" for s, e, midi, label in NOTES]
    rows += ["3.0,3.4,G4"]  # a note the recording does not have
    truth.write_text("\n".join(rows) + "\n")
    out_dir = tmp_path / "midi"
    code, out, err = run_in_process(
        capsys,
        "transcribe",
        str(path),
        "--midi",
        str(out_dir),
        "--truth",
        str(truth),
        "--json",
    )
    assert code == 0, err
    [document] = json.loads(out)
    assert list(document) == ["file", "duration_s", "model", "notes", "scores"]
    scores = document["scores"]
    assert scores["note_precision"] == 1.0
    assert scores["note_recall"] == pytest.approx(0.75)
    assert scores["note_f1"] == pytest.approx(2 * 0.75 / 1.75, abs=1e-6)
    assert scores["midi_accuracy"] == 1.0
    assert scores["reference_notes"] == 4 and scores["estimated_notes"] == 3
    assert 0.8 < scores["frame_accuracy"] < 0.9  # 0.4 s of 3.5 s is the missing G
    written = notes_from_midi((out_dir / "melody.mid").read_bytes())
    assert [(n.label, n.midi) for n in written] == [(label, midi) for _, _, midi, label in NOTES]
    for note, row in zip(written, document["notes"], strict=True):
        assert note.start_s == pytest.approx(row["start_s"], abs=1e-3)

    # The MIDI file is a truth too: scored against itself, everything is right.
    code, out, _ = run_in_process(
        capsys, "transcribe", str(path), "--truth", str(out_dir / "melody.mid"), "--json"
    )
    scores = json.loads(out)[0]["scores"]
    assert scores["note_f1"] == 1.0 and scores["midi_accuracy"] == 1.0
    assert scores["frame_accuracy"] > 0.99


def test_transcribe_text_output(capsys, tmp_path):
    path = write_melody(tmp_path / "melody.wav")
    code, out, _ = run_in_process(capsys, "transcribe", str(path))
    assert code == 0
    assert "3 notes" in out.splitlines()[0]
    assert "(MIDI 60)" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--truth", "nothere.csv"], "no truth file at 'nothere.csv'"),
        (["--model", "builtin:chords"], "unknown built-in model"),
    ],
)
def test_transcribe_failures_are_one_line(capsys, tmp_path, extra, message):
    path = write_melody(tmp_path / "melody.wav")
    code, out, err = run_in_process(capsys, "transcribe", str(path), *extra, "--json")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("error: ") and message in err


def test_midi_dir_that_is_a_file_is_refused(capsys, tmp_path):
    path = write_melody(tmp_path / "melody.wav")
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, _, err = run_in_process(capsys, "transcribe", str(path), "--midi", str(blocker))
    assert code == 1 and "--midi must name a folder" in err


def test_transcribe_in_a_real_process(tmp_path):
    path = write_melody(tmp_path / "melody.wav")
    done = run_cli("transcribe", str(path), "--json")
    assert done.returncode == 0, done.stderr
    [document] = json.loads(done.stdout)
    assert [n["label"] for n in document["notes"]] == ["C", "F#", "E"]
