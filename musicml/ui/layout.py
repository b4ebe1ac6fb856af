"""Page set-up: every page calls :func:`page_setup` first, so it works opened alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from musicml.errors import MusicMLError


@dataclass(frozen=True)
class PageInfo:
    path: str
    label: str
    icon: str
    blurb: str


PAGES = (
    PageInfo("app.py", "Home", ":material/home:", "What musicml is and where to start."),
    PageInfo(
        "pages/synthesize.py",
        "Synthesize",
        ":material/graphic_eq:",
        "Make tones, notes, chords and melodies with real-sounding timbres; build labelled "
        "data sets, preview them and download them as zip.",
    ),
    PageInfo(
        "pages/spectrograms.py",
        "Spectrograms",
        ":material/gradient:",
        "See sound as mel, STFT, constant-Q, chroma or MFCC pictures, side by side, with "
        "the spectrum of any moment.",
    ),
    PageInfo(
        "pages/loss_surface.py",
        "Loss surface",
        ":material/landscape:",
        "Logistic regression from the inside: the loss surface in 3-D, gradient descent "
        "step by step, C and the multiclass strategies.",
    ),
    PageInfo(
        "pages/train.py",
        "Train",
        ":material/model_training:",
        "Train a classifier with your choice of features, model, C and multiclass "
        "strategy; see where it goes wrong; download it.",
    ),
    PageInfo(
        "pages/classify.py",
        "Classify",
        ":material/label:",
        "Upload or record a song and get a label for every stretch of it: notes as a "
        "piano roll you can listen back to.",
    ),
    PageInfo(
        "pages/music_analysis.py",
        "Music analysis",
        ":material/music_note:",
        "Tempo and beats with a click track, onsets, harmonic/percussive parts, stretch "
        "and shift, NMF, beat-synchronous chroma and key.",
    ),
    PageInfo(
        "pages/signal_lab.py",
        "Signal lab",
        ":material/waves:",
        "Smoothing, spectra, FIR filters and Gabor features, with sliders.",
    ),
)


LONG_LIVED_MODULES = (
    "plotly.graph_objects",
    "sklearn.linear_model",
    "musicml.figures.signal",
    "musicml.figures.classify",
    "musicml.figures.analysis",
    "musicml.figures.loss",
    "musicml.figures.evaluation",
    "musicml.transcription",
    "musicml.ui.share",
    "musicml.ui.analysis",
)
"""What the pages import, loaded by the warm-up so that its objects are frozen with the
rest (see :func:`musicml.resources.freeze_long_lived`)."""


def page_setup(title: str, icon: str, intro: str) -> None:
    """Configure the page, draw the navigation, the title and a short introduction."""
    st.set_page_config(page_title=f"{title} · musicml", page_icon=icon, layout="wide")
    _start_warm_up()
    _navigation()
    st.title(title, anchor=False)
    st.markdown(intro)


@st.cache_resource(show_spinner=False)
def _start_warm_up() -> threading.Thread:
    """Once per server process, pay librosa's import and compile costs in the background.

    Whichever page a visitor opens first, the first analysis of a song then
    runs as fast as later ones (see ``musicml.analysis.warm_up``). Then the objects
    of every library loaded are frozen out of the garbage collector's walks, which
    otherwise cost 0.14 s after every page run (``musicml.resources.freeze_long_lived``).
    """

    def run() -> None:
        # Imported here, in the thread: librosa's import is part of the cost paid.
        from musicml.analysis import warm_up
        from musicml.resources import freeze_long_lived

        warm_up()
        freeze_long_lived(LONG_LIVED_MODULES)

    thread = threading.Thread(target=run, name="musicml-warm-up", daemon=True)
    thread.start()
    return thread


def _navigation() -> None:
    with st.sidebar:
        st.markdown("### :material/equalizer: musicml")
        try:
            for page in PAGES:
                st.page_link(page.path, label=page.label, icon=page.icon, help=page.blurb)
        except StreamlitPageNotFoundError:
            # The page runs as its own entry script (a test of one page):
            # there are no sibling pages to link to.
            st.caption("Navigation is available when the app runs from app.py.")
        st.divider()
        st.caption("Machine learning on music audio, in your browser.")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show a :class:`MusicMLError` as a plain ``st.error`` and stop the page run."""
    try:
        yield
    except MusicMLError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
