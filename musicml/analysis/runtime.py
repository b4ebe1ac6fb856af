"""The analysis runtime: numba's on-disk cache for librosa's kernels, and the warm-up.

Imported before librosa anywhere in musicml.analysis, so librosa compiles into (and
loads from) one writable cache; :func:`warm_up` pays the import and compile costs
once per process, in the background.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np


def configure_numba_cache(path: str | Path | None = None) -> Path | None:
    """Make numba keep compiled librosa kernels in a writable on-disk cache.

    Numba caches next to the package (``site-packages/librosa/__pycache__``)
    and falls back to a user cache when that is read-only; setting
    ``NUMBA_CACHE_DIR`` makes the place explicit and the same for every
    process. An existing ``NUMBA_CACHE_DIR`` is respected.

    Returns
    -------
    Path or None
        The cache directory in use, or ``None`` if none could be created.
    """
    if os.environ.get("NUMBA_CACHE_DIR") and path is None:
        return Path(os.environ["NUMBA_CACHE_DIR"])
    target = Path(path or Path.home() / ".cache" / "musicml" / "numba")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(target)
    import sys

    if "numba" in sys.modules:  # already configured from the environment: update it too
        sys.modules["numba"].config.CACHE_DIR = str(target)
    return target


configure_numba_cache()

import librosa  # noqa: E402  (after the cache directory is set; the modules import it here)

_warm_lock = threading.Lock()
_warm_seconds: float | None = None


def warm_up() -> float:
    """Import librosa's modules and run a tiny :func:`analyze` once per process.

    Safe to call from several threads; later calls return at once.

    Returns
    -------
    float
        Seconds the first call took (the one-off cost paid in this process).
    """
    global _warm_seconds
    with _warm_lock:
        if _warm_seconds is None:
            start = time.perf_counter()
            from musicml.analysis.onepass import analyze
            from musicml.examples import example_song

            clip = example_song(bpm=120.0, duration=3.0)
            analyze(clip.audio, sr=clip.sr)
            # The note tracker's Viterbi passes (musicml.transcription) compile too.
            librosa.sequence.viterbi_discriminative(
                np.full((2, 4), 0.5), librosa.sequence.transition_loop(2, 0.9)
            )
            _warm_seconds = time.perf_counter() - start
    return _warm_seconds


def start_warm_up() -> threading.Thread:
    """Run :func:`warm_up` in a daemon thread and return it."""
    thread = threading.Thread(target=warm_up, name="musicml-warm-up", daemon=True)
    thread.start()
    return thread
