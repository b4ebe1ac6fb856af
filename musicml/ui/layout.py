"""Page set-up: every page calls :func:`page_setup` first, so it works opened alone."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from musicml.errors import MusicMLError
from musicml.i18n import N_, error_text
from musicml.i18n import gettext as _
from musicml.resources import limit_malloc_arenas, release_memory
from musicml.ui.language import language_picker, setup_language
from musicml.ui.sessions import start_janitor


@dataclass(frozen=True)
class PageInfo:
    path: str
    label: str
    icon: str
    blurb: str


PAGES = (
    PageInfo("app.py", N_("Home"), ":material/home:", N_("What musicml is and where to start.")),
    PageInfo(
        "pages/synthesize.py",
        N_("Synthesize"),
        ":material/graphic_eq:",
        N_(
            "Make tones, notes, chords and melodies with real-sounding timbres; build labelled "
            "data sets, preview them and download them as zip."
        ),
    ),
    PageInfo(
        "pages/spectrograms.py",
        N_("Spectrograms"),
        ":material/gradient:",
        N_(
            "See sound as mel, STFT, constant-Q, chroma or MFCC pictures, side by side, with "
            "the spectrum of any moment."
        ),
    ),
    PageInfo(
        "pages/loss_surface.py",
        N_("Loss surface"),
        ":material/landscape:",
        N_(
            "Logistic regression from the inside: the loss surface in 3-D, gradient descent "
            "step by step, C and the multiclass strategies."
        ),
    ),
    PageInfo(
        "pages/train.py",
        N_("Train"),
        ":material/model_training:",
        N_(
            "Train a classifier with your choice of features, model, C and multiclass "
            "strategy; see where it goes wrong; download it."
        ),
    ),
    PageInfo(
        "pages/classify.py",
        N_("Classify"),
        ":material/label:",
        N_(
            "Upload or record a song and get a label for every stretch of it: notes as a "
            "piano roll you can listen back to."
        ),
    ),
    PageInfo(
        "pages/music_analysis.py",
        N_("Music analysis"),
        ":material/music_note:",
        N_(
            "Tempo and beats with a click track, onsets, harmonic/percussive parts, stretch "
            "and shift, NMF, beat-synchronous chroma and key."
        ),
    ),
    PageInfo(
        "pages/signal_lab.py",
        N_("Signal lab"),
        ":material/waves:",
        N_("Smoothing, spectra, FIR filters and Gabor features, with sliders."),
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


def browser_title(title: str) -> str:
    """The browser tab's text: the page's title and the app's name, the name once."""
    return title if title.strip().lower() == "musicml" else f"{title} · musicml"


def page_setup(title: str, icon: str, intro: str) -> None:
    """Configure the page, draw the navigation, the title and a short introduction.

    ``title`` and ``intro`` are English (marked with ``N_`` by the page) and shown in
    the session's language: it is settled here, before anything is translated.
    """
    setup_language()
    title, intro = _(title), _(intro)
    st.set_page_config(page_title=browser_title(title), page_icon=icon, layout="wide")
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
    It also limits the C allocator's heaps (``musicml.resources.limit_malloc_arenas``)
    and starts the janitor that shuts down the sessions of closed tabs and, when
    the last visitor has left, empties the song caches (:mod:`musicml.ui.sessions`).
    """

    def run() -> None:
        # Two threads importing the same packages at once can meet inside a circular
        # import (scipy has some) and one of them then gets a half-made module. So the
        # first page's own imports of the core (and with it librosa and scipy) finish
        # before this thread imports anything of its own.
        _wait_until_imported(FIRST_IMPORT, timeout_s=60.0)
        from musicml.analysis import warm_up
        from musicml.resources import freeze_long_lived

        warm_up()
        freeze_long_lived(LONG_LIVED_MODULES)

    limit_malloc_arenas()
    thread = threading.Thread(target=run, name="musicml-warm-up", daemon=True)
    thread.start()
    start_janitor(_visitors_gone)
    return thread


def _visitors_gone() -> None:
    """The last visitor has left: forget their songs and give the memory back."""
    from musicml.ui.cache import forget_songs  # not at the top: it loads numpy and audio

    forget_songs()
    release_memory()


FIRST_IMPORT = "musicml.ui.share"
"""The module every page imports right after :func:`page_setup` (it loads the core)."""


def _wait_until_imported(name: str, *, timeout_s: float) -> bool:
    """Wait until module ``name`` is fully imported (by any thread); False on time-out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        module = sys.modules.get(name)
        spec = getattr(module, "__spec__", None)
        if module is not None and not getattr(spec, "_initializing", False):
            return True
        time.sleep(0.05)
    return False


def _navigation() -> None:
    with st.sidebar:
        language_picker()
        st.markdown("### :material/equalizer: musicml")
        try:
            for page in PAGES:
                st.page_link(page.path, label=_(page.label), icon=page.icon, help=_(page.blurb))
        except StreamlitPageNotFoundError:
            # The page runs as its own entry script (a test of one page):
            # there are no sibling pages to link to.
            st.caption(_("Navigation is available when the app runs from app.py."))
        st.divider()
        st.caption(_("Machine learning on music audio, in your browser."))


@contextmanager
def friendly_errors(*, stop: bool = True) -> Iterator[None]:
    """Show a :class:`MusicMLError` as a plain ``st.error`` and stop the page run.

    With ``stop=False`` the run goes on after the message (the page draws the rest of
    its inputs before it stops, so Streamlit does not forget them).
    """
    try:
        yield
    except MusicMLError as exc:
        st.error(error_text(exc), icon=":material/error:")
        if stop:
            st.stop()
