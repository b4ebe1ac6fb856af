"""Figures of the signal lab: smoothing, spectra, FIR responses and Gabor filters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from musicml.figures._layout import DECADES, finish
from musicml.i18n import N_
from musicml.i18n import gettext as _


def smoothing_figure(noisy: np.ndarray, smoothed: np.ndarray, *, sigma: float) -> go.Figure:
    """The noisy signal and its Gaussian-smoothed version against the sample index."""
    n = np.arange(len(noisy))
    fig = go.Figure(
        [
            go.Scatter(
                x=n, y=noisy, mode="lines", name=_("noisy"), line={"width": 1, "color": "#bab0ac"}
            ),
            go.Scatter(
                x=n,
                y=smoothed,
                mode="lines",
                name=_("smoothed (σ={sigma:g})").format(sigma=sigma),
                line={"width": 2, "color": "#e45756"},
            ),
        ]
    )
    return finish(
        fig,
        title=_("Gaussian smoothing"),
        x=_("Sample"),
        y=_("Value"),
        height=320,
    )


def signal_figure(values: np.ndarray, *, title: str) -> go.Figure:
    """A sampled signal against the sample index."""
    fig = go.Figure(go.Scatter(x=np.arange(len(values)), y=values, mode="lines", line={"width": 1}))
    return finish(fig, title=title, x=_("Sample"), y=_("Value"), height=280)


def _db(values: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return 20 * np.log10(np.maximum(values, floor * max(values.max(), 1e-300)))


def convolution_spectra_figure(
    frequencies: np.ndarray,
    signal_spectrum: np.ndarray,
    kernel_spectrum: np.ndarray,
    product_spectrum: np.ndarray,
    output_spectrum: np.ndarray,
) -> go.Figure:
    """|X|, |K|, |X|·|K| and the smoothed signal's |Y| (the last two coincide)."""
    fig = go.Figure(
        [
            go.Scatter(
                x=frequencies,
                y=_db(signal_spectrum),
                name=_("signal |X|"),
                line={"width": 1, "color": "#bab0ac"},
            ),
            go.Scatter(
                x=frequencies,
                y=_db(kernel_spectrum),
                name=_("Gaussian |K|"),
                line={"width": 2, "color": "#54a24b"},
            ),
            go.Scatter(
                x=frequencies,
                y=_db(product_spectrum),
                name=_("product |X|·|K|"),
                line={"width": 4, "color": "#f58518"},
            ),
            go.Scatter(
                x=frequencies,
                y=_db(output_spectrum),
                name=_("smoothed |Y|"),
                line={"width": 1.5, "color": "#1f1f1f", "dash": "dot"},
            ),
        ]
    )
    return finish(
        fig,
        title=_("Spectra: smoothed |Y| = |X|·|K|"),
        x=_("Frequency (cycles per sample)"),
        y={"title": _("Magnitude (dB)"), "range": [-120, None]},
        height=360,
    )


def power_spectrum_figure(
    frequencies: np.ndarray, power: np.ndarray, *, period: float, unit: str = N_("samples")
) -> go.Figure:
    """The FFT power spectrum with the strongest peak marked by its period."""
    fig = go.Figure(
        go.Scatter(
            x=frequencies,
            y=power,
            mode="lines",
            name=_("power"),
            hovertemplate=_(
                "f=%{x:.4f}<br>period=%{customdata:.1f}<br>power=%{y:.3g}<extra></extra>"
            ),
            customdata=1.0 / np.maximum(frequencies, 1e-12),
        )
    )
    fig.add_vline(
        x=1.0 / period,
        line_dash="dot",
        line_color="#e45756",
        annotation_text=_("period ≈ {period:.1f} {unit}").format(period=period, unit=_(unit)),
    )
    return finish(
        fig,
        title=_("FFT power spectrum"),
        x=_("Frequency (cycles per sample)") if unit == "samples" else _("Frequency (Hz)"),
        y=_("Power |X(f)|² / n"),
        height=320,
    )


def fir_response_figure(
    frequencies: np.ndarray, gain_db: np.ndarray, *, cutoff: float
) -> go.Figure:
    """Gain of the FIR filter against frequency, with the cut-off marked."""
    fig = go.Figure(go.Scatter(x=frequencies, y=gain_db, mode="lines", name=_("gain")))
    fig.add_vline(
        x=cutoff,
        line_dash="dot",
        line_color="#e45756",
        annotation_text=_("cut-off {cutoff:g} Hz").format(cutoff=cutoff),
    )
    return finish(
        fig,
        title=_("Frequency response of the low-pass filter"),
        x=_("Frequency (Hz)"),
        y={"title": _("Gain (dB)"), "range": [-120, 10]},
        height=320,
    )


def noise_spectra_figure(
    frequencies: np.ndarray, before: np.ndarray, after: np.ndarray, *, max_points: int = 2000
) -> go.Figure:
    """Power spectra (dB) of the noise before and after filtering."""
    step = max(1, len(frequencies) // max_points)

    def smooth(power: np.ndarray) -> np.ndarray:
        n = len(power) // step * step
        return power[:n].reshape(-1, step).mean(axis=1)

    f = frequencies[: len(frequencies) // step * step : step]
    fig = go.Figure(
        [
            go.Scatter(
                x=f,
                y=10 * np.log10(smooth(before) + 1e-20),
                name=_("white noise"),
                line={"width": 1, "color": "#bab0ac"},
            ),
            go.Scatter(
                x=f,
                y=10 * np.log10(smooth(after) + 1e-20),
                name=_("filtered"),
                line={"width": 1.5, "color": "#4c78a8"},
            ),
        ]
    )
    return finish(
        fig,
        title=_("Power spectrum before and after the filter"),
        x=_("Frequency (Hz)"),
        y=_("Power (dB)"),
        height=320,
    )


def gabor_kernel_figure(kernel: np.ndarray, *, sr: int) -> go.Figure:
    """Real part, imaginary part and envelope of one complex Gabor filter (time in ms)."""
    t = (np.arange(kernel.size) - kernel.size // 2) / sr * 1000.0
    scale = 1.0 / max(np.abs(kernel).max(), 1e-300)
    fig = go.Figure(
        [
            go.Scatter(x=t, y=kernel.real * scale, name=_("real (cosine)"), line={"width": 1.5}),
            go.Scatter(x=t, y=kernel.imag * scale, name=_("imaginary (sine)"), line={"width": 1}),
            go.Scatter(
                x=t,
                y=np.abs(kernel) * scale,
                name=_("Gaussian envelope"),
                line={"width": 1, "dash": "dot", "color": "#1f1f1f"},
            ),
        ]
    )
    return finish(
        fig,
        title=_("A Gabor filter: a sinusoid under a Gaussian"),
        x=_("Time (ms)"),
        y=_("Amplitude (normalised)"),
        height=300,
    )


def gabor_bank_figure(kernels: np.ndarray, labels: Sequence[str], *, sr: int) -> go.Figure:
    """Frequency response of every filter of the bank (linear gain, log frequency)."""
    n_fft = int(2 ** np.ceil(np.log2(max(kernels.shape[1], 4096))))
    responses = np.abs(np.fft.fft(kernels, n_fft, axis=1))[:, : n_fft // 2]
    frequencies = np.arange(n_fft // 2) * sr / n_fft
    fig = go.Figure(
        [
            go.Scatter(x=frequencies[1:], y=row[1:], mode="lines", name=label, line={"width": 1})
            for row, label in zip(responses, labels, strict=True)
        ]
    )
    return finish(
        fig,
        title=_("The filter bank: each (σ, f) passes a band around f, narrower for larger σ"),
        x={"title": _("Frequency (Hz)"), **DECADES},
        y=_("Gain"),
        height=340,
        showlegend=False,
    )


def gabor_features_figure(features: np.ndarray, names: Sequence[str]) -> go.Figure:
    """The pooled feature vector as bars, coloured by pooling statistic."""
    features = np.asarray(features, dtype=float)
    pools = [name.split(" ", 1)[0] for name in names]
    palette = {"mean": "#4c78a8", "std": "#f58518", "max": "#54a24b"}
    fig = go.Figure()
    for pool in dict.fromkeys(pools):
        index = [i for i, p in enumerate(pools) if p == pool]
        fig.add_trace(
            go.Bar(
                x=index,
                y=features[index],
                name=pool,
                marker_color=palette.get(pool, "#b279a2"),
                customdata=[names[i] for i in index],
                hovertemplate="%{customdata}: %{y:.4f}<extra></extra>",
            )
        )
    return finish(
        fig,
        title=_("Pooled Gabor features ({len} numbers)").format(len=len(features)),
        x=_("Feature index"),
        y=_("Value"),
        height=320,
    )
