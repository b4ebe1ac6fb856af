"""Figures of classification results."""

from __future__ import annotations

import plotly.graph_objects as go

from musicml.classify import Segment

PALETTE = [
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
    "#1f77b4",
    "#2ca02c",
]


def timeline_figure(segments: list[Segment], *, title: str = "Timeline") -> go.Figure:
    """One bar per segment, coloured by label, bar height = confidence."""
    labels = sorted({s.label for s in segments})
    fig = go.Figure()
    for i, label in enumerate(labels):
        mine = [s for s in segments if s.label == label]
        fig.add_trace(
            go.Bar(
                x=[(s.start_s + s.end_s) / 2 for s in mine],
                y=[s.confidence for s in mine],
                width=[s.end_s - s.start_s for s in mine],
                name=label,
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate=f"{label}<br>%{{x:.2f}} s<br>confidence %{{y:.0%}}<extra></extra>",
            )
        )
    fig.update_layout(
        title=title,
        xaxis_title="Time (s)",
        yaxis_title="Confidence",
        yaxis_range=[0, 1],
        height=260,
        bargap=0,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig
