"""Cached wrappers around core calls, keyed on small hashable arguments."""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable

import numpy as np
import streamlit as st

from musicml import audio as audio_io
from musicml.audio import DEFAULT_SR, Clip
from musicml.i18n import N_
from musicml.resources import HEAVY_WORK, cache_entries
from musicml.ui.language import spinner

SONG_ENTRIES = cache_entries(50 * 2**20)
"""Entries a song-sized cache keeps: a share of this machine's memory over 50 MB (ten
minutes of audio at 22,050 Hz), between 2 and 64."""

SONG_TTL = "1h"
"""Song-sized results leave memory an hour after their last use (the class has gone)."""

SONG_CACHES: list = []
"""Every cache made by :func:`song_cache`, for :func:`forget_songs`."""


def song_cache(*, max_entries: int = SONG_ENTRIES, resource: bool = False) -> Callable:
    """``st.cache_data`` (or ``st.cache_resource``) for results of a visitor's song:
    at most ``max_entries`` entries, each gone :data:`SONG_TTL` after its last use, and
    all of them gone when the last visitor has left (:func:`forget_songs`)."""
    cache = st.cache_resource if resource else st.cache_data

    def decorate(func: Callable) -> Callable:
        cached = cache(max_entries=max_entries, ttl=SONG_TTL, show_spinner=False)(func)
        SONG_CACHES.append(cached)
        return cached

    return decorate


def forget_songs() -> int:
    """Empty every song-sized cache (built-in examples and models stay); returns how
    many caches were emptied. Called when the server has no visitors left
    (:mod:`musicml.ui.sessions`)."""
    for cached in SONG_CACHES:
        cached.clear()
    _originals.clear()
    return len(SONG_CACHES)


def digest(audio: np.ndarray | bytes, sr: int | None = None) -> str:
    """The content key of a waveform (and its rate) or of uploaded bytes: one hash for
    every cache of the app."""
    content = audio if isinstance(audio, bytes) else np.ascontiguousarray(audio).view(np.uint8)
    h = hashlib.blake2b(content, digest_size=16)
    if sr is not None:
        h.update(str(int(sr)).encode())
    return h.hexdigest()


@spinner(N_("Decoding audio…"))
@song_cache()
@HEAVY_WORK
def _decode(data: bytes, name: str, sr: int) -> Clip:
    return audio_io.load_audio(data, sr=sr, name=name)


COMPRESSED_TYPES = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac"}
"""Uploads already compressed for the web: their players play the file itself."""

MAX_REPLAYED_BYTES = 8 * 2**20
"""Compressed uploads up to this size are played as they are, not encoded again."""


class Recent:
    """A small thread-safe mapping that forgets its oldest entries past ``size``."""

    def __init__(self, size: int):
        self.size = size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))


class Memo:
    """Values computed once about an object (a model's file, a result's validation curve),
    kept as long as the object lives, without writing anything into the object."""

    def __init__(self) -> None:
        self._values: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, owner: object, name: str, compute: Callable[[], object]):
        """``compute()`` the first time ``name`` is asked of ``owner``; the same value after."""
        with self._lock:
            known = self._values.get(owner, {})
            if name in known:
                return known[name]
        value = compute()
        with self._lock:
            return self._values.setdefault(owner, {}).setdefault(name, value)


MEMO = Memo()
"""The app's one :class:`Memo`, shared by all sessions (the objects are shared too)."""


@st.cache_resource(show_spinner=False)
def _originals() -> Recent:
    """Content digest of decoded audio → its compressed upload, for all sessions."""
    return Recent(16)


def load_uploaded(data: bytes, name: str, sr: int = DEFAULT_SR) -> Clip:
    """Decode uploaded bytes (cached per content).

    A compressed upload (MP3, OGG, FLAC) of at most :data:`MAX_REPLAYED_BYTES` is
    remembered, so :func:`play` plays the file itself instead of encoding the song again.
    """
    clip = _decode(data, name, sr)
    mime = COMPRESSED_TYPES.get(name.rsplit(".", 1)[-1].lower())
    if mime and len(data) <= MAX_REPLAYED_BYTES:
        _originals().put(digest(clip.audio, clip.sr), (data, mime))
    return clip


@st.cache_data(max_entries=32)
def wav_of(audio: np.ndarray, sr: int) -> bytes:
    """WAV bytes of a waveform, for downloads of short sounds."""
    return audio_io.wav_bytes(audio, sr)


@song_cache()
@HEAVY_WORK
def _player_of(key: str, sr: int, _audio: np.ndarray) -> tuple[bytes, str]:
    return audio_io.player_bytes(_audio, sr)


def play(audio: np.ndarray, sr: int, *, alt: str | None = None) -> None:
    """A player for ``audio``: WAV when short, compact OGG/Vorbis when long.

    The encoding is cached by content, so a rerun sends the same small file
    again (the browser already has it) instead of a new multi-megabyte WAV; a
    compressed upload is played as it came (see :func:`load_uploaded`).
    """
    key = digest(audio, sr)
    data, mime = _originals().get(key) or _player_of(key, int(sr), audio)
    st.audio(data, format=mime, alt=alt)


def wav_download(audio: np.ndarray, sr: int):
    """A callable for ``st.download_button``: the WAV is made only when clicked."""
    return lambda: audio_io.wav_bytes(audio, sr)
