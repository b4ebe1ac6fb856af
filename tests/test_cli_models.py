"""train → evaluate → classify on the command line, with the JSON contracts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import encode, run_cli, tone

SR = 22050


def musicml(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = run_cli(*args, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _write_class_folders(root: Path) -> None:
    """Two classes of one-second clips: low hums and high whistles, in GTZAN layout."""
    rng = np.random.default_rng(0)
    t = np.arange(SR) / SR
    for label, base in (("low", 200.0), ("high", 2500.0)):
        (root / label).mkdir(parents=True)
        for i in range(8):
            f = base * rng.uniform(0.9, 1.1)
            audio = 0.4 * np.sin(2 * np.pi * f * t) + 0.01 * rng.standard_normal(SR)
            sf.write(root / label / f"{label}{i}.wav", audio.astype(np.float32), SR)


@pytest.mark.slow
def test_train_evaluate_classify_end_to_end(tmp_path):
    data = tmp_path / "data"
    _write_class_folders(data)
    model = tmp_path / "tones.skops"
    trained = musicml(
        "train",
        str(data),
        "--features",
        "mel",
        "--model",
        "logreg",
        "--C",
        "1.0",
        "--multiclass",
        "ovr",
        "--out",
        str(model),
        "--json",
    )
    document = json.loads(trained.stdout)
    assert document["classes"] == ["high", "low"]
    assert document["accuracy"] == 1.0
    assert model.is_file()

    evaluated = json.loads(musicml("evaluate", str(model), str(data), "--json").stdout)
    assert set(evaluated) == {"accuracy", "per_class", "confusion"}
    assert evaluated["accuracy"] == 1.0
    assert evaluated["confusion"] == {"labels": ["high", "low"], "matrix": [[8, 0], [0, 8]]}
    assert set(evaluated["per_class"]["low"]) >= {"precision", "recall", "f1", "support"}

    t = np.arange(SR) / SR
    song = np.concatenate([0.4 * np.sin(2 * np.pi * 210 * t), 0.4 * np.sin(2 * np.pi * 2400 * t)])
    song += 0.01 * np.random.default_rng(1).standard_normal(len(song))  # as in training
    song_path = tmp_path / "song.wav"
    sf.write(song_path, np.concatenate([song, song[: SR // 2]]).astype(np.float32), SR)
    done = musicml("classify", str(song_path), "--model", str(model), "--segment", "1", "--json")
    (result,) = json.loads(done.stdout)
    assert set(result) == {"file", "duration_s", "model", "segments", "summary"}
    assert result["duration_s"] == pytest.approx(2.5)
    labels = [s["label"] for s in result["segments"]]
    assert labels == ["low", "high", "low"]
    assert result["segments"][0]["start_s"] == 0
    assert result["segments"][-1]["end_s"] == pytest.approx(2.5)
    for a, b in zip(result["segments"], result["segments"][1:], strict=False):
        assert a["end_s"] == b["start_s"]
    assert set(result["summary"]) == {"label", "distribution"}
    assert result["summary"]["label"] == "low"
    assert sum(result["summary"]["distribution"].values()) == pytest.approx(1.0)


@pytest.mark.slow
def test_builtin_notes_from_the_command_line(capsys, tmp_path):
    from musicml.builtin import example_melody

    audio, _ = example_melody(sr=SR, notes=("E4", "silence", "A3"))
    path = tmp_path / "melody.wav"
    sf.write(path, audio, SR)
    done = musicml("classify", str(path), str(path), "--model", "builtin:notes", "--json")
    results = json.loads(done.stdout)
    assert len(results) == 2
    assert [s["label"] for s in results[0]["segments"]] == ["E", "silence", "A"]
    code, out, _ = run_in_process(capsys, "classify", str(path), "--segment", "onsets", "--json")
    assert code == 0
    onsets = json.loads(out)
    assert onsets[0]["model"] == "builtin:notes"
    assert onsets[0]["segments"][0]["start_s"] == 0
    assert onsets[0]["segments"][-1]["end_s"] == pytest.approx(3.0)


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    """The command line's main() in this process (same code path, no interpreter start-up)."""
    from musicml.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_failure_in_a_real_process_is_one_line_without_traceback():
    done = musicml("classify", "missing.wav", "--json", check=False)
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify", "x.wav", "--segment", "beats", "--json"], "--segment must be"),
        (["classify", "x.wav", "--segment", "-1", "--json"], "from 0.1 to 86400 seconds"),
        (["classify", "x.wav", "--segment", "0.00001", "--json"], "from 0.1 to 86400 seconds"),
        (
            ["synth-dataset", "--kind", "notes", "--per-class", "100000", "--out", "never"],
            "at most 3,600 s are written",
        ),
        (
            ["synth-dataset", "--kind", "sound-silence", "--silence-noise-db=nan", "--out", "x"],
            "below 0 dB",
        ),
        (
            ["synth-dataset", "--kind", "notes", "--clip-seconds", "1000", "--out", "never"],
            "--clip-seconds must be at most 60",
        ),
        (
            ["synth-dataset", "--kind", "timbre", "--timbres", "flute", "--out", "never"],
            "at least two presets",
        ),
        (["evaluate", "nothere.skops", "builtin:notes", "--json"], "no model file"),
        (["evaluate", "builtin:chords", "builtin:notes", "--json"], "unknown built-in model"),
        (["train", "builtin:notes", "--C", "0", "--out", "m.skops"], "C must be a positive"),
        (["train", "builtin:notes", "--out", "m.pkl"], "--out must name a .skops file"),
    ],
)
def test_failures_are_one_line_on_stderr(capsys, args, message):
    code, out, err = run_in_process(capsys, *args)
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]


class _OpensAFile:
    """Unpickling this would create ``path`` (builtins.open): proof that code ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickle_model_is_refused_on_the_command_line(capsys, tmp_path):
    import pickle

    marker = tmp_path / "ran.txt"
    bad = tmp_path / "evil.skops"
    bad.write_bytes(pickle.dumps(_OpensAFile(str(marker))))
    code, out, err = run_in_process(capsys, "classify", str(bad), "--model", str(bad), "--json")
    assert code != 0 and out == "" and "pickle" in err
    assert not marker.exists()


def test_train_refuses_multinomial_for_svm(capsys, tmp_path):
    code, _, err = run_in_process(
        capsys,
        "train",
        "builtin:sound-silence",
        "--model",
        "svm",
        "--multiclass",
        "multinomial",
        "--out",
        str(tmp_path / "m.skops"),
        "--json",
    )
    assert code != 0
    assert "only applies to logistic regression" in err
    assert not (tmp_path / "m.skops").exists()


def test_train_on_a_builtin_data_set_in_process(capsys, tmp_path):
    out_path = tmp_path / "ss.skops"
    code, out, _ = run_in_process(
        capsys,
        "train",
        "builtin:sound-silence",
        "--per-class",
        "12",
        "--features",
        "mfcc",
        "--model",
        "knn",
        "--multiclass",
        "ovr",
        "--out",
        str(out_path),
        "--json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["classes"] == ["silence", "sound"]
    assert document["spec"]["model"] == "knn" and document["features"]["kind"] == "mfcc"
    code, out, _ = run_in_process(
        capsys, "evaluate", str(out_path), "builtin:sound-silence", "--json"
    )
    assert code == 0 and json.loads(out)["accuracy"] > 0.9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "builtin:notes", "--seed", "-1", "--out", "m.skops"], "between 0 and"),
        (["evaluate", "builtin:notes", "builtin:notes", "--per-class", "0"], "from 1 to 2,000"),
        (["train", "builtin:notes", "--sr", "0", "--out", "m.skops"], "from 1,000 to 192,000"),
        (["synth-dataset", "--kind", "notes", "--clip-seconds", "inf", "--out", "x"], "finite"),
    ],
)
def test_bad_numbers_are_usage_errors(capsys, args, message):
    from musicml.cli import main

    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_a_folder_given_as_audio_is_named_as_such(capsys, tmp_path):
    code, _, err = run_in_process(capsys, "info", str(tmp_path))
    assert code == 1
    assert err.strip() == f"error: '{tmp_path}' is a folder, not an audio file."


def test_evaluate_streams_a_folder_to_the_same_report_and_notes_skipped_files(capsys, tmp_path):
    from musicml.builtin import load_any_model
    from musicml.dataio import load_labelled_audio
    from musicml.evaluation import evaluate_model

    for label, audio in (("sound", tone(440.0)), ("silence", np.zeros(SR, np.float32))):
        (tmp_path / label).mkdir()
        for i in range(2):
            (tmp_path / label / f"{i}.wav").write_bytes(encode(audio, SR))
    (tmp_path / "sound" / "zz_bad.wav").write_bytes(b"not audio")
    args = ("evaluate", "builtin:sound-silence", str(tmp_path))
    code, out, err = run_in_process(capsys, *args, "--json")
    assert code == 0
    assert json.loads(out)["accuracy"] == 1.0
    assert err.startswith("note: skipped 'sound/zz_bad.wav'")
    # Byte for byte the document of the in-memory evaluation.
    model = load_any_model("builtin:sound-silence")
    in_memory = evaluate_model(model, load_labelled_audio(tmp_path, sr=model.sr))
    assert out == json.dumps(in_memory, indent=2) + "\n"
    code, out, _ = run_in_process(capsys, *args)
    assert code == 0
    assert out.splitlines()[0] == f"builtin:sound-silence on {tmp_path}: accuracy 100.0% (4 clips)"


def test_a_new_data_set_replaces_an_old_one_in_the_same_folder(capsys, tmp_path):
    out = tmp_path / "data"
    base = ["synth-dataset", "--out", str(out), "--per-class", "2", "--json"]
    assert run_in_process(capsys, *base, "--kind", "sound-silence")[0] == 0
    (out / "mine.txt").write_text("keep me")
    assert run_in_process(capsys, *base, "--kind", "timbre", "--timbres", "flute,organ")[0] == 0
    wavs = sorted(p.name for p in out.rglob("*.wav"))
    assert len(wavs) == 4
    rows = (out / "labels.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[1] for row in rows) == ["flute", "flute", "organ", "organ"]
    assert (out / "mine.txt").read_text() == "keep me"
