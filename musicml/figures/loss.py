"""Figures of the logistic-regression lab."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from musicml.loss import sigmoid


def sigmoid_figure(*, lo: float = -10.0, hi: float = 10.0, threshold: float = 0.5) -> go.Figure:
    """The S-curve σ(z) over [lo, hi] with the decision threshold and z = 0 marked."""
    z = np.linspace(lo, hi, 401)
    fig = go.Figure(go.Scatter(x=z, y=sigmoid(z), mode="lines", name="σ(z)"))
    fig.add_hline(
        y=threshold,
        line_dash="dash",
        line_color="#e45756",
        annotation_text=f"threshold {threshold:g}",
    )
    fig.add_vline(x=0, line_dash="dot", line_color="gray", annotation_text="θᵀx = 0")
    fig.update_layout(
        title="The sigmoid σ(z) = 1 / (1 + e⁻ᶻ)",
        xaxis_title="z = θᵀx",
        yaxis_title="σ(z) = P(y = 1 | x)",
        height=340,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig
