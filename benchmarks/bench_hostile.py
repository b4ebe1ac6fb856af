"""Time and peak memory of refusing issue 10's hostile inputs on the command line.

Builds each hostile file (as tests/test_hostile_inputs.py does, with the builders of
tests/hostile_files.py) in a temporary folder, then runs ``python -m musicml ...`` on it
in a fresh process and prints, per input, the wall time, the process's peak resident
memory and its one line of stderr. Goal (issue 10): every input refused in one plain
``error:`` line within 10 s and under 1 GB. Times include the interpreter's start-up and
imports (about 2 s here) and, for model files, nothing else: they are refused before any
model is built.

Run: ``python benchmarks/bench_hostile.py`` from the project root.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hostile  # noqa: E402

TIMEOUT = 120.0
"""Seconds after which a command is stopped and reported as not answering."""


def run_measured(args: list[str]) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, last stderr line) of ``python -m musicml ARGS``.

    CPU time and peak are read with ``wait4`` for exactly this child. On a shared,
    loaded machine the wall time mostly measures waiting for a core: CPU time is the
    cost the input makes the server pay.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "musicml", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        deadline = start + TIMEOUT
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                process.returncode = -9
                late = f"no answer in {TIMEOUT:g} s"
                return time.perf_counter() - start, float("nan"), float("nan"), late
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        lines = err.read().strip().splitlines()
    line = lines[-1] if lines else ""
    if len(lines) > 1:
        line = f"[{len(lines)} lines] {line}"
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, line


def build(folder: Path) -> list[tuple[str, list[str]]]:
    """The hostile inputs and the command run on each."""
    from musicml.datasets import sound_silence_dataset
    from musicml.models import fit_model
    from musicml.persistence import model_bytes, model_metadata

    notes = hostile.NOTES_MODEL.read_bytes()
    data = sound_silence_dataset(per_class=12, sr=8000, seed=1, frequencies=(500.0, 1000.0))
    forest = model_bytes(fit_model(data, feature_params={"n_mels": 16}, model="forest", n_trees=3))
    song = folder / "song.wav"
    song.write_bytes(hostile.wav(2.0))

    def model_file(name: str, content: bytes) -> str:
        path = folder / f"{name}.skops"
        path.write_bytes(content)
        return str(path)

    def classify(path: str) -> list[str]:
        return ["classify", str(song), "--model", path]

    out = str(folder / "m.skops")
    csv190 = str(hostile.labelled_zip_with_big_csv(folder / "csv190.zip", csv_bytes=190 * 2**20))
    csv20 = str(hostile.labelled_zip_with_big_csv(folder / "csv20.zip", csv_bytes=20 * 2**20))
    many = str(hostile.zip_of_many_megabyte_members(folder / "many.zip"))
    good_stored = hostile.labelled_zip(folder / "stored.zip", compression=zipfile.ZIP_STORED)
    good = hostile.labelled_zip(folder / "deflated.zip").read_bytes()

    def zip_file(name: str, content: bytes) -> str:
        path = folder / f"{name}.zip"
        path.write_bytes(content)
        return str(path)

    import skops.io as sio

    model = fit_model(data, feature_params={"n_mels": 16})
    meta = {**model_metadata(model), "clip_seconds": 1e308}
    buffer = io.BytesIO()
    sio.dump({"pipeline": model.pipeline, "meta": json.dumps(meta)}, buffer)
    (folder / "dir.skops").mkdir()
    return [
        ("(baseline: --version, start-up and imports)", ["--version"]),
        ("labels.csv of 190 MB (train)", ["train", csv190, "--out", out]),
        ("labels.csv of 190 MB (evaluate)", ["evaluate", "builtin:sound-silence", csv190]),
        ("labels.csv of 20 MB (train)", ["train", csv20, "--out", out]),
        ("labels.csv of 20 MB (evaluate)", ["evaluate", "builtin:sound-silence", csv20]),
        (
            "schema.json of 380 MB",
            classify(model_file("schema380", hostile.model_with_huge_schema(notes))),
        ),
        (
            "forest, 2,000,000 refs to one tree",
            classify(
                model_file("refs2m", hostile.forest_with_shared_trees(forest, references=2_000_000))
            ),
        ),
        (
            "forest, 20,000 refs to one tree",
            classify(
                model_file("refs20k", hostile.forest_with_shared_trees(forest, references=20_000))
            ),
        ),
        (
            "FeatureUnion, 200,000 refs",
            classify(
                model_file(
                    "union200k", hostile.union_of_shared_extractors(notes, references=200_000)
                )
            ),
        ),
        (
            "FeatureUnion, 2,000 refs",
            classify(
                model_file("union2k", hostile.union_of_shared_extractors(notes, references=2_000))
            ),
        ),
        ("clip_seconds = 1e308", classify(model_file("clip", buffer.getvalue()))),
        (
            "--seconds-per-file 1e308",
            ["train", str(folder / "deflated.zip"), "--out", out, "--seconds-per-file", "1e308"],
        ),
        (
            "data-set zip, bad CRC",
            [
                "train",
                zip_file("crc", hostile.with_bad_crc(good_stored.read_bytes())),
                "--out=" + out,
            ],
        ),
        (
            "data-set zip, corrupt deflate",
            ["train", zip_file("deflate", hostile.with_corrupt_deflate(good)), "--out", out],
        ),
        (
            "data-set zip, compression method 99",
            ["train", zip_file("method", hostile.with_method(good, 99)), "--out", out],
        ),
        (
            "data-set zip, non-UTF-8 name",
            ["train", zip_file("name", hostile.with_undecodable_name(good)), "--out", out],
        ),
        (
            "model file, bad CRC",
            classify(
                model_file(
                    "crc",
                    hostile.with_bad_crc(hostile.restored(notes, compression=zipfile.ZIP_STORED)),
                )
            ),
        ),
        (
            "model file, corrupt deflate",
            classify(model_file("deflate", hostile.with_corrupt_deflate(notes))),
        ),
        (
            "model file, compression method 99",
            classify(model_file("method", hostile.with_method(notes, 99))),
        ),
        (
            "model file, non-UTF-8 name",
            classify(model_file("name", hostile.with_undecodable_name(notes))),
        ),
        ("train --sr 100000000", ["train", "builtin:notes", "--out", out, "--sr", "100000000"]),
        ("train --sr 2147483648", ["train", "builtin:notes", "--out", out, "--sr", "2147483648"]),
        (
            "train --model forest --trees 1e9",
            ["train", "builtin:notes", "--out", out, "--model", "forest", "--trees", "1000000000"],
        ),
        ("zip of 1,900 x 1 MB (train)", ["train", many, "--out", out]),
        (
            "1,900 x 1 MB, 1 s each (accepted: 32 min)",
            ["train", many, "--out", out, "--seconds-per-file", "1"],
        ),
        ("train --out in a missing folder", ["train", "builtin:notes", "--out", "/no/m.skops"]),
        ("train --out onto a folder", ["train", "builtin:notes", "--out", f"{folder}/dir.skops"]),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        cases = build(folder)
        print(f"built {len(cases)} hostile inputs in {time.perf_counter() - start:.0f} s\n")
        print(f"| {'input':<44} | wall s | CPU s | peak MB | one line of stderr |")
        print(f"|{'-' * 46}|--------|-------|---------|---|")
        worst_cpu = worst_mb = 0.0
        for label, args in cases:
            seconds, cpu, mb, line = run_measured(args)
            if not label.startswith("(") and "accepted" not in label:
                worst_cpu, worst_mb = max(worst_cpu, cpu), max(worst_mb, mb)
            shown = line if len(line) <= 150 else line[:147] + "..."
            print(
                f"| {label:<44} | {seconds:6.1f} | {cpu:5.1f} | {mb:7.0f} | {shown} |", flush=True
            )
        print(f"\nworst refusal: {worst_cpu:.1f} CPU s, {worst_mb:.0f} MB")


if __name__ == "__main__":
    main()
