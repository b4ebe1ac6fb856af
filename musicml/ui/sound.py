"""Streamlit glue of the sound lab (Synthesize and Spectrograms pages).

Cached wrappers around synthesis, representations and data-set I/O, keyed on
small hashable arguments, plus the widgets those pages share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import streamlit as st

from musicml import datasets, synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.dataio import dataset_to_zip, load_labelled_audio
from musicml.datasets import Dataset, notes_dataset
from musicml.errors import MusicMLError
from musicml.features import Representation, representation
from musicml.resources import HEAVY_WORK
from musicml.ui.cache import SONG_TTL

DATASET_KINDS = {name: kind.title for name, kind in datasets.DATASET_KINDS.items()}
"""The synthetic data-set kinds by name, with how the Synthesize page lists them."""

KIND_LABELS = {
    "mel": "Mel spectrogram",
    "stft": "STFT (linear or log frequency)",
    "cqt": "Constant-Q (notes)",
    "chroma": "Chroma (pitch classes)",
    "mfcc": "MFCC",
}

MAX_VIEW_SECONDS = 60.0
"""The Spectrograms page analyses at most this much of a sound at once (memory and speed)."""

SYNTH_NOTES = tuple(synth.midi_to_note(m) for m in range(36, 97))
"""Notes the Spectrograms page's synthesizer offers: C2 … C7."""


@st.cache_data(max_entries=16, show_spinner=False)
def synthesized(frequency: float, **options) -> np.ndarray:
    """:func:`musicml.synth.synthesize`, cached on its (scalar) arguments."""
    return synth.synthesize(frequency, **options)


@contextmanager
def errors_shown_here() -> Iterator[None]:
    """Show a :class:`MusicMLError` as ``st.error`` and skip the rest of the block only.

    Unlike ``friendly_errors`` the page goes on, so one section's bad setting
    (a tone above the Nyquist frequency, a chord of no notes) does not hide the
    sections below it.
    """
    try:
        yield
    except MusicMLError as exc:
        st.error(str(exc), icon=":material/error:")


@st.cache_data(max_entries=1, show_spinner=False)
def sines_demo(sr: int = DEFAULT_SR) -> np.ndarray:
    """The lecture's FFT pictures as one sound: 1 s of 400 Hz, 1 s of 3000 Hz, 1 s of both."""
    low = synth.sine(400.0, sr=sr, amplitude=0.5)
    high = synth.sine(3000.0, sr=sr, amplitude=0.5)
    return np.concatenate([low, high, low + high])


@st.cache_data(max_entries=12, ttl=SONG_TTL, show_spinner="Computing the spectrogram…")
@HEAVY_WORK
def cached_representation(audio: np.ndarray, sr: int, kind: str, **params) -> Representation:
    """:func:`musicml.features.representation`, cached per audio content and parameters."""
    return representation(audio, sr=sr, kind=kind, **params)


@st.cache_data(max_entries=4, ttl=SONG_TTL, show_spinner="Reading the data set…")
@HEAVY_WORK
def load_dataset_upload(
    data: bytes, name: str, sr: int = DEFAULT_SR, seconds_per_file: float | None = None
) -> Dataset:
    """A labelled data set from an uploaded zip (cached per content and settings)."""
    return load_labelled_audio(data, sr=sr, max_seconds_per_file=seconds_per_file)


def dataset_from_upload(
    upload, *, sr: int = DEFAULT_SR, seconds_per_file: float | None = None
) -> tuple[str, Dataset]:
    """(name, data set) of an uploaded zip; the name carries a hash of content and settings."""
    data = upload.getvalue()
    digest = hashlib.sha1(data + repr(seconds_per_file).encode()).hexdigest()[:6]
    dataset = load_dataset_upload(data, upload.name, sr, seconds_per_file)
    return f"upload: {upload.name} ({digest})", dataset


@st.cache_data(max_entries=2, show_spinner="Making an example data set…")
def example_dataset() -> Dataset:
    """A small notes data set to preview before the user builds one."""
    return notes_dataset(per_class=3, seed=0)


def build_dataset(kind: str, options: dict, progress) -> Dataset:
    """Build a synthetic data set of ``kind``, reporting progress (0–1) to ``progress``."""
    return datasets.build_dataset(kind, **options, progress=progress)


def dataset_name(kind: str, dataset: Dataset) -> str:
    """A short name for a built data set (unique per settings)."""
    digest = hashlib.sha1(repr(sorted(dataset.settings.items())).encode()).hexdigest()[:4]
    per_class = max(dataset.counts.values())
    return f"{kind}: {len(dataset.classes)} classes × {per_class} ({digest})"


def zip_download(dataset: Dataset):
    """A callable for ``st.download_button``: the zip is made only when clicked."""
    return lambda: dataset_to_zip(dataset)


def synth_source(key: str, *, sr: int = DEFAULT_SR) -> Clip:
    """A small synthesizer as a sound source: note, timbre and length."""
    cols = st.columns(3)
    note = cols[0].selectbox("Note", SYNTH_NOTES, index=SYNTH_NOTES.index("A4"), key=f"{key}.note")
    timbre = cols[1].selectbox("Timbre", list(synth.TIMBRES), index=0, key=f"{key}.timbre")
    seconds = cols[2].slider("Length (s)", 0.5, 4.0, 2.0, step=0.5, key=f"{key}.seconds")
    audio = synthesized(
        synth.note_frequency(note),
        duration=seconds,
        sr=sr,
        timbre=timbre,
        envelope=None if timbre != "pure" else "flat",
        silence_seconds=0.5,
    )
    return Clip(audio, sr, f"{note} ({timbre})")


def excerpt(clip: Clip, *, start: float, seconds: float = MAX_VIEW_SECONDS) -> Clip:
    """The part of ``clip`` from ``start`` seconds, at most ``seconds`` long."""
    first = max(0, round(start * clip.sr))
    audio = clip.audio[first : first + round(seconds * clip.sr)]
    return Clip(audio, clip.sr, f"{clip.name} from {start:.0f} s")


def view_window(clip: Clip, key: str) -> Clip:
    """Long sounds: let the user pick which minute to look at; short ones pass through."""
    if clip.duration <= MAX_VIEW_SECONDS:
        return clip
    last = float(int(clip.duration - MAX_VIEW_SECONDS) + 1)
    start = st.slider(
        f"Show {MAX_VIEW_SECONDS:.0f} s starting at (s)",
        0.0,
        last,
        0.0,
        step=1.0,
        key=key,
        help="Long sounds are shown a minute at a time, so the page stays quick.",
    )
    return excerpt(clip, start=start)
