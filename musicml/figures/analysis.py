"""Figures of music analysis: beats, features over time, keys and NMF."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from musicml.figures._layout import DECADES, finish
from musicml.figures.heatmap import MAX_COLUMNS, category_ticks, heatmap, pool_columns
from musicml.figures.signal import MAGMA, waveform_figure
from musicml.i18n import N_
from musicml.i18n import gettext as _


def beats_figure(
    audio: np.ndarray,
    sr: int,
    *,
    onset_times: np.ndarray,
    beat_times: np.ndarray,
    tempo_bpm: float,
) -> go.Figure:
    """The waveform with onsets and beats as vertical lines; the tempo in the title."""
    tempo = f"{tempo_bpm:.1f} BPM" if tempo_bpm > 0 else _("no steady beat")
    return waveform_figure(
        audio,
        sr,
        title=_("Onsets and beats · {tempo}").format(tempo=tempo),
        markers={N_("onsets"): onset_times, N_("beats"): beat_times},
    )


def feature_figure(
    matrix: np.ndarray,
    *,
    times: np.ndarray,
    row_labels: Sequence[str] | None = None,
    title: str,
    y_title: str = "",
    colorbar_title: str = "",
    colorscale: str | list = MAGMA,
    zmid: float | None = None,
    max_columns: int = MAX_COLUMNS,
    height: int = 340,
) -> go.Figure:
    """A heat map of features (rows) over time (columns at ``times`` seconds).

    Parameters
    ----------
    matrix : np.ndarray
        Shape ``(n_rows, n_columns)``.
    times : np.ndarray
        Shape ``(n_columns,)``: the time of each column (they may be uneven, e.g. beats).
    row_labels : sequence of str, optional
        A name per row (note names, pitch classes); numbers when omitted.
    colorbar_title : str
        ``"dB"`` sends whole decibels (see :func:`musicml.figures.heatmap.heatmap`).
    colorscale : str or list, default Magma as rgb() stops
        (Streamlit's chart theme replaces the hex black of plotly's named Magma.)
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    labels = list(row_labels) if row_labels is not None else list(range(matrix.shape[0]))
    heat = heatmap(
        matrix,
        times=times,
        rows=[str(v) for v in labels],
        unit=colorbar_title,
        colorscale=colorscale,
        zmid=zmid,
        max_columns=max_columns,
    )
    fig = go.Figure(heat)
    every = max(1, len(heat.y) // 12)
    fig.update_yaxes(title=y_title, **category_ticks(heat, lambda i, _: i % every == 0))
    return finish(fig, title=title, x=_("Time (s)"), height=height)


def mfcc_figure(mfcc: np.ndarray, *, times: np.ndarray, title: str) -> go.Figure:
    """MFCCs 1… over time; coefficient 0 (overall loudness) would swamp the colour scale."""
    mfcc = np.asarray(mfcc)
    return feature_figure(
        mfcc[1:],
        times=times,
        row_labels=[str(i) for i in range(1, mfcc.shape[0])],
        title=_(title),
        y_title=_("Coefficient"),
        colorscale="RdBu_r",
        zmid=0.0,
    )


def key_figure(correlations: np.ndarray, names: Sequence[str]) -> go.Figure:
    """Correlation of the piece's mean chroma with each of the 24 key profiles."""
    correlations = np.asarray(correlations, dtype=float)
    best = int(correlations.argmax())
    colors = ["#e45756" if i == best else "#4c78a8" for i in range(len(names))]
    fig = go.Figure(
        go.Bar(
            x=list(names),
            y=correlations,
            marker_color=colors,
            hovertemplate="%{x}: r=%{y:.2f}<extra></extra>",
        )
    )
    return finish(
        fig,
        title=_("Key profile correlations · best: {names}").format(names=names[best]),
        y=_("Correlation"),
        height=320,
    )


def nmf_components_figure(components: np.ndarray, *, sr: int, n_fft: int) -> go.Figure:
    """Each NMF component's spectrum (its template), in dB against frequency."""
    frequencies = np.linspace(0, sr / 2, components.shape[0])
    fig = go.Figure()
    peak = max(float(components.max()), 1e-12)
    for i in range(components.shape[1]):
        db = 20 * np.log10(np.maximum(components[:, i], peak * 1e-5) / peak)
        fig.add_trace(
            go.Scatter(
                x=frequencies[1:],
                y=db[1:],
                mode="lines",
                name=_("component {value}").format(value=i + 1),
                line={"width": 1},
            )
        )
    return finish(
        fig,
        title=_("Component spectra (templates W)"),
        x={"title": _("Frequency (Hz)"), **DECADES},
        y=_("dB (relative to the peak)"),
        height=340,
    )


def nmf_activations_figure(activations: np.ndarray, *, times: np.ndarray) -> go.Figure:
    """How loud each component is over time (the activations H), one line each."""
    fig = go.Figure()
    for i, row in enumerate(np.asarray(activations)):
        pooled, t = pool_columns(row[None, :], np.asarray(times, dtype=np.float32))
        fig.add_trace(
            go.Scatter(
                x=t,
                y=pooled[0].astype(np.float32),
                mode="lines",
                name=_("component {value}").format(value=i + 1),
                line={"width": 1},
            )
        )
    return finish(
        fig,
        title=_("Activations (H)"),
        x=_("Time (s)"),
        y=_("Gain"),
        height=300,
    )
