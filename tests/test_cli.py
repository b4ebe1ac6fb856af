"""The command line's shared behaviour: help, one-line errors, JSON output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_cli

from musicml.cli import main


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "usage: python -m musicml" in result.stdout
    assert "info" in result.stdout


def test_unknown_command_is_one_error_line_without_traceback():
    result = run_cli("no-such-command")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_info_json_is_one_document(tmp_path, tone_wav_bytes, capsys):
    path = tmp_path / "a.wav"
    path.write_bytes(tone_wav_bytes)
    assert main(["info", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == [{"file": str(path), "duration_s": 2.0, "sr": 22050}]


@pytest.mark.slow
def test_warm_up_fills_the_numba_cache_it_names(tmp_path):
    """A fresh cache folder (a fresh install, or the image's build step): the command
    compiles librosa's kernels into it, index files and all."""
    import os

    result = run_cli("warm-up", "--json", env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["numba_cache"] == str(tmp_path)
    assert document["seconds"] > 0
    assert any(path.suffix == ".nbc" for path in tmp_path.rglob("*"))
    assert list(tmp_path.rglob("*.nbi")), "numba wrote its index files"


@pytest.mark.parametrize("content", [b"", b"not audio at all" * 10])
def test_bad_audio_fails_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    assert main(["info", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: bad.wav could not be read as audio")


def test_a_broken_mp3_is_one_line_even_when_the_decoder_complains(tmp_path):
    """libmpg123 writes warnings of its own to stderr; the command still prints one line."""
    path = tmp_path / "noise.mp3"
    path.write_bytes(np.random.default_rng(0).bytes(50_000))
    result = run_cli("info", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: noise.mp3 could not be read as audio. Please use a WAV, MP3, FLAC or OGG file."
    ]


def test_the_top_level_help_loads_neither_librosa_nor_scikit_learn():
    """`python -m musicml --help` lists every command from one line each; only the
    command asked for builds its options (they need the library)."""
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io\n"
        "from musicml.cli import commands, main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert all(name in out.getvalue() for name in commands()), out.getvalue()\n"
        "print(sorted(m for m in ('librosa', 'sklearn') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
