"""Cached wrappers around core calls, keyed on small hashable arguments."""

from __future__ import annotations

import numpy as np
import streamlit as st

from musicml import audio as audio_io
from musicml.audio import DEFAULT_SR, Clip


@st.cache_data(max_entries=16, show_spinner="Decoding audio…")
def load_uploaded(data: bytes, name: str, sr: int = DEFAULT_SR) -> Clip:
    """Decode uploaded bytes (cached per content)."""
    return audio_io.load_audio(data, sr=sr, name=name)


@st.cache_data(max_entries=32)
def wav_of(audio: np.ndarray, sr: int) -> bytes:
    """WAV bytes of a waveform, for players and downloads."""
    return audio_io.wav_bytes(audio, sr)
