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
        "Make sine tones, hear them, see them and download them as WAV.",
    ),
    PageInfo(
        "pages/spectrograms.py",
        "Spectrograms",
        ":material/gradient:",
        "See sound as a mel spectrogram: a tone, the tutorial's sequence or your file.",
    ),
    PageInfo(
        "pages/loss_surface.py",
        "Loss surface",
        ":material/landscape:",
        "Logistic regression from the inside: the sigmoid, the loss and its minimum.",
    ),
    PageInfo(
        "pages/train.py",
        "Train",
        ":material/model_training:",
        "Train a classifier on sounds and score it on clips it never saw.",
    ),
    PageInfo(
        "pages/classify.py",
        "Classify",
        ":material/label:",
        "Upload or record a song and get a label for every second of it.",
    ),
    PageInfo(
        "pages/music_analysis.py",
        "Music analysis",
        ":material/music_note:",
        "Find the onsets, beats and structure of a piece of music.",
    ),
    PageInfo(
        "pages/signal_lab.py",
        "Signal lab",
        ":material/waves:",
        "Smoothing, spectra, FIR filters and Gabor features, with sliders.",
    ),
)


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
    runs as fast as later ones (see ``musicml.analysis.warm_up``).
    """

    def run() -> None:
        from musicml.analysis import warm_up

        warm_up()

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
