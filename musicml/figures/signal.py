"""Figures of waveforms and spectrograms."""

from __future__ import annotations

import librosa
import numpy as np
import plotly.graph_objects as go

MAX_POINTS = 4000


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
    title: str = "Waveform",
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
        go.Scatter(x=times * scale, y=values, mode="lines", name="signal", line={"width": 1})
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
                name=f"{name} ({len(at)})",
                line={"color": color, "width": 1, "dash": "dot"},
            )
        )
    fig.update_layout(
        title=title,
        xaxis_title=f"Time ({time_unit})",
        yaxis_title="Amplitude",
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig


def spectrogram_figure(
    db: np.ndarray,
    *,
    sr: int,
    hop_length: int,
    scale: str = "mel",
    fmin: float = 0.0,
    fmax: float | None = None,
    title: str = "Mel power spectrogram",
    zmin: float | None = None,
    zmax: float | None = None,
) -> go.Figure:
    """A dB heat map with time in seconds and frequency in Hz.

    ``scale="mel"``: rows are mel bands, labelled by their centre frequency
    in Hz; ``scale="linear"``: rows are FFT bins from 0 to sr/2.
    """
    n_rows, n_frames = db.shape
    times = librosa.frames_to_time(np.arange(n_frames), sr=sr, hop_length=hop_length)
    if scale == "mel":
        freqs = librosa.mel_frequencies(n_mels=n_rows, fmin=fmin, fmax=fmax or sr / 2)
        y_title = "Frequency (Hz, mel scale)"
        y = np.arange(n_rows)
        ticks = np.linspace(0, n_rows - 1, 8).round().astype(int)
        yaxis = {"tickvals": ticks, "ticktext": [f"{freqs[t]:.0f}" for t in ticks]}
        hover = np.repeat(freqs[:, None], n_frames, axis=1).round(0)
        template = "t=%{x:.2f} s<br>f≈%{customdata:.0f} Hz<br>%{z:.1f} dB<extra></extra>"
    else:
        y = np.linspace(0, sr / 2, n_rows)
        y_title = "Frequency (Hz)"
        yaxis = {}
        hover = None
        template = "t=%{x:.2f} s<br>f=%{y:.0f} Hz<br>%{z:.1f} dB<extra></extra>"
    heat = go.Heatmap(
        x=times,
        y=y,
        z=db,
        customdata=hover,
        colorscale="Magma",
        zmin=zmin,
        zmax=zmax,
        colorbar={"title": {"text": "dB"}},
        hovertemplate=template,
    )
    fig = go.Figure(heat)
    fig.update_layout(
        title=title,
        xaxis_title="Time (s)",
        yaxis_title=y_title,
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    fig.update_yaxes(**yaxis)
    return fig
