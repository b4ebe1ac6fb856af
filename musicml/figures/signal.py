"""Figures of waveforms and spectrograms."""

from __future__ import annotations

import librosa
import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from musicml.figures._layout import DECADES, LAYOUT, with_colorbar_room
from musicml.figures.heatmap import MAX_COLUMNS, category_ticks, heatmap
from musicml.i18n import N_
from musicml.i18n import gettext as _

MAX_POINTS = 4000

MAGMA = [
    [i / (len(plotly.colors.sequential.Magma) - 1), "rgb({}, {}, {})".format(*hex_to_rgb(c))]
    for i, c in enumerate(plotly.colors.sequential.Magma)
]
"""Plotly's Magma written as rgb() strings. Streamlit's chart theme uses hex codes such as
``#000004`` as placeholders and swaps them for theme colours, which turned Magma's black
end pink; rgb() strings are left alone."""


def _envelope(audio: np.ndarray, sr: int, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Times and values to draw; long signals become a min/max envelope."""
    n = len(audio)
    if n <= max_points:
        return np.arange(n) / sr, audio
    block = int(np.ceil(n / (max_points // 2)))
    padded = np.pad(audio, (0, (-n) % block))
    blocks = padded.reshape(-1, block)
    values = np.stack([blocks.min(axis=1), blocks.max(axis=1)], axis=1).ravel()
    times = np.repeat(np.arange(len(blocks)) * block / sr, 2)
    return times, values


def waveform_figure(
    audio: np.ndarray,
    sr: int,
    *,
    title: str = N_("Waveform"),
    max_points: int = MAX_POINTS,
    markers: dict[str, np.ndarray] | None = None,
    time_unit: str = "s",
) -> go.Figure:
    """Amplitude against time; ``markers`` maps a legend name to times (vertical lines).

    ``time_unit`` may be ``"s"`` or ``"ms"`` (for the tutorial's first millisecond).
    """
    times, values = _envelope(np.asarray(audio), sr, max_points)
    scale = 1000.0 if time_unit == "ms" else 1.0
    fig = go.Figure(
        go.Scatter(x=times * scale, y=values, mode="lines", name=_("signal"), line={"width": 1})
    )
    colors = ["#e45756", "#54a24b", "#f58518", "#b279a2"]
    for (name, at), color in zip((markers or {}).items(), colors * 4, strict=False):
        at = np.asarray(at) * scale
        xs = np.repeat(at, 3)
        ys = np.tile([-1.0, 1.0, np.nan], len(at))
        xs = xs.astype(float)
        xs[2::3] = np.nan
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                # a count says something for many lines ("onsets (41)"), not for one ("window")
                name=_(name) if len(at) == 1 else f"{_(name)} ({len(at)})",
                line={"color": color, "width": 1, "dash": "dot"},
            )
        )
    fig.update_layout(
        title=_(title),
        xaxis_title=_("Time ({time_unit})").format(time_unit=time_unit),
        yaxis_title=_("Amplitude"),
        height=300,
        **LAYOUT,
    )
    return fig


COLOUR_MEANINGS = {
    "dB": N_("dB below the loudest point"),
    "chroma": N_("each pitch class's energy relative to the frame's strongest (0 to 1)"),
    "mfcc": N_("coefficient value (no unit: the shape of the spectrum, not loudness in dB)"),
}
"""What the colour of each representation's heat map measures."""


def colour_meaning(kind: str) -> str:
    """What the colour of a ``kind`` heat map measures, in the current language.

    Spectrograms (mel, STFT, constant-Q) are in dB below their loudest point; chroma is
    each frame's energy per pitch class scaled so its strongest is 1; MFCCs have no unit.
    """
    return _(COLOUR_MEANINGS.get(kind, COLOUR_MEANINGS["dB"]))


SHORT_FIGURE = 300
"""Pixels: a spectrogram lower than this has room for a short frequency-axis title only."""


def spectrogram_figure(
    db: np.ndarray,
    *,
    sr: int,
    hop_length: int,
    scale: str = "mel",
    fmin: float = 0.0,
    fmax: float | None = None,
    title: str = N_("Mel power spectrogram"),
    zmin: float | None = None,
    zmax: float | None = None,
    height: int = 380,
) -> go.Figure:
    """A dB heat map with time in seconds and frequency in Hz.

    ``scale="mel"``: rows are mel bands, labelled by their centre frequency
    in Hz; ``scale="linear"``: rows are FFT bins from 0 to sr/2. Below
    :data:`SHORT_FIGURE` pixels high the frequency axis gets a short title and
    fewer ticks, so that both fit beside a small plot.
    """
    short = height < SHORT_FIGURE
    n_rows, n_frames = db.shape
    times = librosa.frames_to_time(np.arange(n_frames), sr=sr, hop_length=hop_length)
    if scale == "mel":
        freqs = librosa.mel_frequencies(n_mels=n_rows, fmin=fmin, fmax=fmax or sr / 2)
        heat = heatmap(
            db,
            times=times,
            rows=[f"{f:.0f} Hz" for f in freqs],
            unit="dB",
            colorscale=MAGMA,
            zmin=zmin,
            zmax=zmax,
            y_name="f≈",
        )
        every = max(1, len(heat.y) // (4 if short else 8))
        yaxis = category_ticks(heat, lambda i, _: i % every == 0)
        y_title = _("Hz (mel)") if short else _("Frequency (Hz, mel scale)")
    else:
        heat = heatmap(
            db,
            times=times,
            rows=np.linspace(0, sr / 2, n_rows),
            unit="dB",
            colorscale=MAGMA,
            zmin=zmin,
            zmax=zmax,
            y_name="f",
        )
        yaxis = {"nticks": 4} if short else {}
        y_title = _("Hz") if short else _("Frequency (Hz)")
    fig = go.Figure(heat)
    fig.update_layout(
        title=_(title),
        xaxis_title=_("Time (s)"),
        yaxis_title=y_title,
        height=with_colorbar_room(fig, height),
        **LAYOUT,
    )
    fig.update_yaxes(**yaxis)
    return fig


MAX_FRAMES = MAX_COLUMNS
"""Heat maps wider than this are max-pooled over time (see :mod:`musicml.figures.heatmap`)."""


def representation_figure(
    rep,
    *,
    title: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    height: int = 380,
    max_frames: int = MAX_FRAMES,
    colorbar: bool = True,
) -> go.Figure:
    """A heat map of a :class:`~musicml.features.Representation`.

    Time in seconds across; rows labelled by what they are: Hz (linear or
    logarithmic STFT), Hz at mel-spaced rows, note names (CQT), pitch classes
    (chroma) or coefficient numbers (MFCC). The colour bar is in the
    representation's unit (dB for spectrograms) between ``zmin`` and ``zmax``.
    """
    values = np.asarray(rep.values)
    options = {
        "times": np.asarray(rep.times),
        "unit": rep.unit,
        "colorscale": MAGMA,
        "zmin": zmin,
        "zmax": zmax,
        "showscale": colorbar,
        "max_columns": max_frames,
    }
    yaxis: dict = {}
    if rep.axis in ("linear", "log"):
        frequencies = np.asarray(rep.frequencies, dtype=float)
        if rep.axis == "log":
            # 0 Hz has no place on a log axis.
            values, frequencies = values[1:], frequencies[1:]
            yaxis = dict(DECADES)
        heat = heatmap(values, rows=frequencies, y_name="f", **options)
        y_title = _("Frequency (Hz, log scale)") if rep.axis == "log" else _("Frequency (Hz)")
    else:
        heat = heatmap(values, rows=list(rep.row_labels), **options)
        n_rows = len(heat.y)
        if rep.axis == "mel":
            every = max(1, n_rows // 8)
            yaxis = category_ticks(heat, lambda i, _: i % every == 0)
            y_title = _("Frequency (Hz, mel scale)")
        elif rep.axis == "cqt":
            yaxis = category_ticks(heat, lambda _, name: name.startswith("C") and "#" not in name)
            y_title = _("Note (constant-Q)")
        elif rep.axis == "chroma":
            yaxis = category_ticks(heat, lambda *_: True)
            y_title = _("Pitch class")
        else:
            every = max(1, n_rows // 10)
            yaxis = category_ticks(heat, lambda i, _: i % every == 0)
            y_title = _("MFCC coefficient")
    fig = go.Figure(heat)
    names = {
        "mel": N_("Mel"),
        "stft": "STFT",
        "cqt": N_("Constant-Q"),
        "chroma": N_("Chroma"),
        "mfcc": "MFCC",
    }
    fig.update_layout(
        title=title or _("{name} spectrogram").format(name=_(names.get(rep.kind, rep.kind))),
        xaxis_title=_("Time (s)"),
        yaxis_title=y_title,
        height=with_colorbar_room(fig, height),
        **LAYOUT,
    )
    fig.update_yaxes(**yaxis)
    return fig


def thumbnail_figure(rep, *, title: str, height: int = 170) -> go.Figure:
    """A small heat map without axes titles or colour bar, for preview grids."""
    db = rep.unit == "dB"
    fig = representation_figure(
        rep,
        title=_(title),
        height=height,
        colorbar=False,
        max_frames=200,
        zmin=-80.0 if db else None,
        zmax=0.0 if db else None,
    )
    fig.update_layout(
        xaxis_title=None,
        yaxis_title=None,
        margin={"l": 5, "r": 5, "t": 30, "b": 5},
        title={"font": {"size": 13}},
    )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


def spectrum_figure(
    frequencies: np.ndarray,
    magnitude_db: np.ndarray,
    *,
    title: str = N_("Spectrum of one window"),
    log_frequency: bool = False,
    floor_db: float = -100.0,
    peaks: int = 3,
) -> go.Figure:
    """Magnitude (dB) against frequency, with the strongest ``peaks`` marked."""
    frequencies = np.asarray(frequencies)
    db = np.maximum(np.asarray(magnitude_db), floor_db)
    start = 1 if log_frequency else 0
    fig = go.Figure(
        go.Scatter(
            x=frequencies[start:],
            y=db[start:],
            mode="lines",
            name=_("spectrum"),
            line={"width": 1},
            hovertemplate="%{x:.1f} Hz<br>%{y:.1f} dB<extra></extra>",
        )
    )
    if peaks:
        # Local maxima, strongest first.
        local = np.flatnonzero((db[1:-1] > db[:-2]) & (db[1:-1] >= db[2:])) + 1
        top = local[np.argsort(db[local])[::-1][:peaks]]
        fig.add_trace(
            go.Scatter(
                x=frequencies[top],
                y=db[top],
                mode="markers+text",
                text=[f"{f:.0f} Hz" for f in frequencies[top]],
                textposition="top center",
                name=_("peaks"),
                marker={"color": "#e45756", "size": 8},
            )
        )
    fig.update_layout(
        title=_(title),
        xaxis_title=_("Frequency (Hz, log scale)") if log_frequency else _("Frequency (Hz)"),
        yaxis_title=_("Magnitude (dB re full scale)"),
        height=320,
        **LAYOUT,
        showlegend=False,
    )
    if peaks:
        # Headroom over the highest peak: its label sat half outside the plot, cut off.
        fig.update_yaxes(range=[floor_db - 2.0, float(db.max()) + 0.15 * (db.max() - floor_db)])
    if log_frequency:
        fig.update_xaxes(**DECADES)
    return fig
