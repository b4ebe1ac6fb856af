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
from musicml.i18n import N_, error_text
from musicml.i18n import gettext as _
from musicml.resources import HEAVY_WORK
from musicml.ui.cache import digest, song_cache
from musicml.ui.language import spinner

DATASET_KINDS = {name: kind.title for name, kind in datasets.DATASET_KINDS.items()}
"""The synthetic data-set kinds by name, with how the Synthesize page lists them."""

KIND_LABELS = {
    "mel": N_("Mel spectrogram"),
    "stft": N_("STFT (linear or log frequency)"),
    "cqt": N_("Constant-Q (notes)"),
    "chroma": N_("Chroma (pitch classes)"),
    "mfcc": "MFCC",
}

TIMBRE_NAMES = {
    "pure": N_("pure"),
    "flute": N_("flute"),
    "clarinet": N_("clarinet"),
    "string": N_("string"),
    "organ": N_("organ"),
    "voice": N_("voice"),
    "brass": N_("brass"),
    "guitar": N_("guitar"),
    "piano": N_("piano"),
    "bell": N_("bell"),
}
"""Timbre (a key of ``synth.TIMBRES``, the widget value) → its English name to show."""

ENVELOPE_NAMES = {
    "none": N_("none"),
    "flat": N_("flat"),
    "organ": N_("organ"),
    "breath": N_("breath"),
    "reed": N_("reed"),
    "bowed": N_("bowed"),
    "voice": N_("voice"),
    "brass": N_("brass"),
    "pluck": N_("pluck"),
    "piano": N_("piano"),
    "bell": N_("bell"),
}
"""Envelope (a key of ``synth.ENVELOPES``) → its English name to show."""


def timbre_name(timbre: str) -> str:
    """A timbre's name in the current language (``format_func`` of timbre widgets)."""
    return _(TIMBRE_NAMES.get(timbre, timbre))


def envelope_name(envelope: str) -> str:
    """An envelope's name in the current language."""
    return _(ENVELOPE_NAMES.get(envelope, envelope))


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
        st.error(error_text(exc), icon=":material/error:")


@st.cache_data(max_entries=1, show_spinner=False)
def sines_demo(sr: int = DEFAULT_SR) -> np.ndarray:
    """The lecture's FFT pictures as one sound: 1 s of 400 Hz, 1 s of 3000 Hz, 1 s of both."""
    low = synth.sine(400.0, sr=sr, amplitude=0.5)
    high = synth.sine(3000.0, sr=sr, amplitude=0.5)
    return np.concatenate([low, high, low + high])


@spinner(N_("Computing the spectrogram…"))
@song_cache(max_entries=12)
@HEAVY_WORK
def cached_representation(audio: np.ndarray, sr: int, kind: str, **params) -> Representation:
    """:func:`musicml.features.representation`, cached per audio content and parameters."""
    return representation(audio, sr=sr, kind=kind, **params)


@spinner(N_("Reading the labelled audio…"))
@song_cache(max_entries=4, resource=True)
@HEAVY_WORK
def _uploaded_dataset(
    key: str, _data: bytes, name: str, sr: int, seconds_per_file: float | None
) -> Dataset:
    return load_labelled_audio(_data, sr=sr, max_seconds_per_file=seconds_per_file)


def uploaded_dataset(
    data: bytes, name: str, *, sr: int = DEFAULT_SR, seconds_per_file: float | None = None
) -> Dataset:
    """A labelled data set from an uploaded zip, read once per content and settings for
    every session (Synthesize's preview and Train's training use this one cache)."""
    return _uploaded_dataset(digest(data), data, name, sr, seconds_per_file)


def dataset_from_upload(
    upload, *, sr: int = DEFAULT_SR, seconds_per_file: float | None = None
) -> tuple[str, Dataset]:
    """(name, data set) of an uploaded zip; the name carries a hash of content and settings."""
    data = upload.getvalue()
    dataset = uploaded_dataset(data, upload.name, sr=sr, seconds_per_file=seconds_per_file)
    tag = digest(data + repr(seconds_per_file).encode())[:6]
    return f"upload: {upload.name} ({tag})", dataset


@spinner(N_("Making an example data set…"))
@st.cache_data(max_entries=2, show_spinner=False)
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
    note = cols[0].selectbox(
        _("Note"), SYNTH_NOTES, index=SYNTH_NOTES.index("A4"), key=f"{key}.note"
    )
    timbre = cols[1].selectbox(
        _("Timbre"), list(synth.TIMBRES), index=0, format_func=timbre_name, key=f"{key}.timbre"
    )
    seconds = cols[2].slider(_("Length (s)"), 0.5, 4.0, 2.0, step=0.5, key=f"{key}.seconds")
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
        _("Show {seconds:.0f} s starting at (s)").format(seconds=MAX_VIEW_SECONDS),
        0.0,
        last,
        0.0,
        step=1.0,
        key=key,
        help=_("Long sounds are shown a minute at a time, so the page stays quick."),
    )
    return excerpt(clip, start=start)
