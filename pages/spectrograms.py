"""Spectrograms: see sound as energy over time and frequency, in five representations."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Spectrograms"),
    ":material/gradient:",
    N_(
        "A spectrogram cuts the sound into short overlapping frames and measures how much energy "
        "each frequency band has in each frame. The **mel scale** spaces the bands the way we hear "
        "pitch, and **decibels (dB)** relative to the loudest point show quiet detail: a pure tone "
        "is one bright line, silence is dark."
    ),
)

from musicml.ui.share import mirror, share_view  # after the title: it imports the core

share_view("spectrograms")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.features import window_spectrum
from musicml.figures.signal import (
    colour_meaning,
    representation_figure,
    spectrum_figure,
    waveform_figure,
)
from musicml.ui.cache import play
from musicml.ui.layout import friendly_errors
from musicml.ui.sound import (
    KIND_LABELS,
    cached_representation,
    sines_demo,
    synth_source,
    view_window,
)
from musicml.ui.state import control_default, session_datasets
from musicml.ui.widgets import audio_picker


def examples(key: str) -> dict:
    """Example sources of a picker; the synthesizer's widgets take the picker's key."""
    return {
        N_("Tone sequence 500…5000 Hz"): lambda: Clip(
            synth.tone_silence_sequence(sr=DEFAULT_SR), DEFAULT_SR, N_("tone sequence")
        ),
        N_("Synthesizer"): lambda: synth_source(f"{key}.synth"),
        N_("1 kHz tone + silence"): lambda: Clip(
            synth.append_silence(synth.sine(1000.0, sr=DEFAULT_SR), sr=DEFAULT_SR),
            DEFAULT_SR,
            N_("1 kHz tone"),
        ),
        N_("400 Hz, 3000 Hz, both"): lambda: Clip(
            sines_demo(), DEFAULT_SR, N_("400 Hz, then 3000 Hz, then both")
        ),
    }


with friendly_errors():
    clip = audio_picker("spec", examples=examples("spec"), datasets=session_datasets())
if clip is None:
    st.stop()
clip = view_window(clip, "spec.offset")

# ---------------------------------------------------------------- parameters
kinds = list(KIND_LABELS)
SPEC_DEFAULTS = {
    "spec.n_fft": 2048,
    "spec.hop": 512,
    "spec.db_range": (-80, 0),
    "spec.n_mels": 128,
    "spec.n_mfcc": 20,
    "spec.octaves": 7,
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind])


# Values live in session state, set once (kept while an upload is missing); fmax follows
# the clip's rate, the rest stay as the user set them when the audio changes.
for key, default in SPEC_DEFAULTS.items():
    control_default(key, default)
control_default("spec.fmax", clip.sr // 2, follows=clip.sr)
top = st.columns([2, 1, 1, 2])
kind = top[0].selectbox(_("Representation"), kinds, format_func=kind_label, key="spec.kind")
n_fft = top[1].select_slider(
    _("Frame n_fft"), [256, 512, 1024, 2048, 4096, 8192], key="spec.n_fft", persist_state="page"
)
hop = top[2].select_slider(
    _("Hop length (samples)"), [64, 128, 256, 512, 1024, 2048], key="spec.hop", persist_state="page"
)
db_low, db_high = top[3].slider(
    _("Colour range (dB below the peak)"),
    -120,
    0,
    step=5,
    key="spec.db_range",
    persist_state="page",
)

params = {"n_fft": n_fft, "hop_length": hop, "top_db": float(-db_low) if db_low < 0 else None}
extra = st.columns(3)
if kind in ("mel", "mfcc"):
    params["n_mels"] = extra[0].select_slider(
        _("Mel bands"), [32, 64, 128, 256], key="spec.n_mels", persist_state="page"
    )
    fmax = extra[1].slider(
        _("Highest frequency fmax (Hz)"),
        1000,
        clip.sr // 2,
        step=100,
        key="spec.fmax",
        persist_state="page",
    )
    params["fmax"] = float(fmax)
if kind == "mfcc":
    params["n_mfcc"] = extra[2].slider(
        _("Coefficients"), 5, 40, key="spec.n_mfcc", persist_state="page"
    )
if kind == "stft":
    params["log_frequency"] = extra[0].toggle(_("Logarithmic frequency axis"), key="spec.log")
if kind in ("cqt", "chroma"):
    octaves = extra[0].slider(_("Octaves from C1"), 3, 8, key="spec.octaves", persist_state="page")
    params["n_bins"] = 12 * octaves
if kind == "chroma":
    params["chroma_source"] = extra[1].radio(
        _("Chroma from"),
        ["stft", "cqt"],
        format_func=str.upper,
        horizontal=True,
        key="spec.chroma_source",
    )

EXPLAIN = {
    "mel": N_(
        "Rows are mel bands: equal steps of perceived pitch, so low frequencies get more "
        "rows than high ones."
    ),
    "stft": N_(
        "Rows are the FFT bins of each frame, evenly spaced from 0 Hz to sr/2 "
        "(sr/n_fft Hz apart); the log axis shows low notes better."
    ),
    "cqt": N_(
        "The constant-Q transform has the same number of bins in every octave (12 = one per "
        "semitone), so each row is a note name."
    ),
    "chroma": N_(
        "Chroma folds every octave onto twelve pitch classes: C, C#, … B. A chord lights "
        "up its notes whatever octave they are played in."
    ),
    "mfcc": N_(
        "MFCCs are a cosine transform of the mel spectrogram in dB: the first few "
        "coefficients describe the broad shape of the spectrum (timbre)."
    ),
}


def draw(clip: Clip, kind: str, *, key: str, title: str | None = None) -> None:
    """One heat map of ``clip`` with the page's parameters."""
    with friendly_errors():
        rep = cached_representation(
            clip.audio, clip.sr, kind, **{k: v for k, v in params.items() if ok(k, kind)}
        )
    db = rep.unit == "dB"
    st.plotly_chart(
        representation_figure(
            rep,
            title=title or f"{kind_label(kind)} of {_(clip.name)}",
            zmin=float(db_low) if db else None,
            zmax=float(db_high) if db else None,
        ),
        key=key,
        alt=_("{representation} heat map of {sound}").format(
            representation=kind_label(kind), sound=_(clip.name)
        ),
    )


def ok(param: str, kind: str) -> bool:
    """Whether a parameter means something for this representation."""
    needs = {
        "n_mels": ("mel", "mfcc"),
        "fmax": ("mel",),
        "n_mfcc": ("mfcc",),
        "log_frequency": ("stft",),
        "n_bins": ("cqt", "chroma"),
        "chroma_source": ("chroma",),
    }
    return kind in needs.get(param, (kind,))


# ---------------------------------------------------------------- the views
st.markdown(_(EXPLAIN[kind]))
draw(clip, kind, key="spec.heatmap")
st.caption(
    _(
        "{duration:.1f} s at {sr} Hz · frames of {n_fft} samples ({frame_ms:.0f} "
        "ms) every {hop} samples ({hop_ms:.0f} ms) · colour = {colour}."
    ).format(
        colour=colour_meaning(kind),
        duration=clip.duration,
        sr=clip.sr,
        n_fft=n_fft,
        frame_ms=n_fft / clip.sr * 1000,
        hop=hop,
        hop_ms=hop / clip.sr * 1000,
    )
)
play(clip.audio, clip.sr, alt=_(clip.name))


@st.fragment
def one_window(clip: Clip, n_fft: int) -> None:
    """The waveform and the spectrum of one window: its slider redraws only these two."""
    wave_col, spec_col = st.columns(2)
    last_start = round(clip.duration - 0.01, 2)
    with spec_col:
        start = 0.0
        if last_start > 0:
            start = st.slider(
                _("Window start (s)"),
                0.0,
                last_start,
                min(0.25, last_start),
                step=0.01,
                key="spec.window_start",
            )
    with wave_col:
        st.plotly_chart(
            waveform_figure(
                clip.audio, clip.sr, title=_("Waveform"), markers={N_("window"): [start]}
            ),
            key="spec.wave",
            alt=_("Waveform of the sound with the analysed window marked"),
        )
    with spec_col:
        with friendly_errors():
            freqs, magnitude = window_spectrum(clip.audio, sr=clip.sr, start=start, n_fft=n_fft)
        log_axis = st.toggle(_("Log frequency"), key="spec.spectrum_log")
        st.plotly_chart(
            spectrum_figure(
                freqs,
                magnitude,
                title=_("FFT of the {n_fft}-sample window at {start:.2f} s").format(
                    n_fft=n_fft, start=start
                ),
                log_frequency=log_axis,
            ),
            key="spec.spectrum",
            alt=_("Magnitude spectrum of one window"),
        )
    mirror("spectrograms")  # the address follows this fragment's controls too


one_window(clip, n_fft)
st.markdown(
    _(
        "The spectrum is one column of the spectrogram seen from the side: the Fourier "
        "transform of one Hann-windowed frame. Bins are sr/n_fft Hz apart, so a longer frame "
        "separates close frequencies better but blurs quick changes in time."
    )
)
st.latex(r"X_m[k] = \sum_{n=0}^{N-1} w[n]\, x[n + mH]\, e^{-2\pi i k n / N}")

# ---------------------------------------------------------------- side by side
st.header(_("Side by side"), anchor=False)
mode = st.segmented_control(
    _("Compare"),
    [N_("Two representations"), N_("Two sounds")],
    format_func=_,
    default="Two representations",
    key="spec.compare",
)
if mode == "Two sounds":
    left, right = st.columns(2)
    with right, friendly_errors():
        other = audio_picker(
            "spec2",
            examples=examples("spec2"),
            label=N_("Second sound"),
            datasets=session_datasets(),
        )
    with left:
        draw(clip, kind, key="spec.left")
    if other is not None:
        with right:
            draw(view_window(other, "spec2.offset"), kind, key="spec.right")
else:
    # Another view than the first: set again when the first representation changes.
    control_default("spec.kind2", "cqt" if kind != "cqt" else "mel", follows=kind)
    second = st.selectbox(
        _("Second representation"),
        kinds,
        format_func=kind_label,
        key="spec.kind2",
    )
    left, right = st.columns(2)
    with left:
        draw(clip, kind, key="spec.left")
    with right:
        draw(clip, second, key="spec.right")
