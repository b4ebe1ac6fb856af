"""Shared fixtures: small, seeded audio made with numpy + soundfile."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _project_root_cwd():
    """Streamlit reads .streamlit/config.toml from the working directory."""
    previous = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(previous)


def encode(audio: np.ndarray, sr: int, *, fmt: str = "WAV", subtype: str | None = None) -> bytes:
    """Encode a waveform ((n,) or (n, channels)) into bytes of an audio format."""
    buffer = io.BytesIO()
    sf.write(buffer, audio, sr, format=fmt, subtype=subtype)
    return buffer.getvalue()


def tone(
    frequency: float = 440.0, *, seconds: float = 1.0, sr: int = 22050, amplitude: float = 0.5
) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


@pytest.fixture
def tone_wav_bytes() -> bytes:
    """Two seconds at 22050 Hz: one second of 440 Hz, then one second of silence."""
    audio = np.concatenate([tone(440.0), np.zeros(22050, dtype=np.float32)])
    return encode(audio, 22050)


@pytest.fixture
def stereo_44k_wav_bytes() -> bytes:
    """One second of stereo at 44.1 kHz: 440 Hz left, 880 Hz right."""
    left, right = tone(440.0, sr=44100), tone(880.0, sr=44100)
    return encode(np.stack([left, right], axis=1), 44100)


@pytest.fixture
def not_audio_bytes() -> bytes:
    return b"%PDF-1.4 this is not audio at all\n" * 20


def open_page(page: str, *, timeout: float = 120, state: dict | None = None):
    """``page`` reached through app.py as a visitor would, widget values seeded first.

    Asserts that neither run raised, and returns the ``AppTest``.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def chart_spec(at, index: int = 0) -> dict:
    """The plotly figure of the ``index``-th chart of an ``AppTest`` run, as a dict."""
    import json

    return json.loads(at.get("plotly_chart")[index].proto.spec)


def run_cli(*args: str, timeout: float = 120, env: dict | None = None):
    """``python -m musicml ARGS...`` from the project root, output captured as text."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "musicml", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def media_bytes(monkeypatch):
    """``media_bytes(url)``: the bytes an AppTest run served at a media URL.

    AppTest keeps players' and downloads' files in a ``MemoryMediaFileStorage`` per
    run; this records those storages so a test can read what a user would download.
    """
    from streamlit.testing.v1 import app_test

    storages = []

    class Recording(app_test.MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            storages.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    def read(url: str) -> bytes:
        name = url.rsplit("/", 1)[-1]
        for storage in reversed(storages):
            try:
                return bytes(storage.get_file(name).content)
            except Exception:  # not in this run's storage
                continue
        raise KeyError(f"no media file {url!r} was served")

    return read
