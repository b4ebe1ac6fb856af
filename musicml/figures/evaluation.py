"""Figures that judge a classifier: confusion matrix, scores, validation curve, projections."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from musicml.figures._layout import COLORBAR_BELOW, DECADES, MARGIN, finish
from musicml.figures.classify import PALETTE
from musicml.i18n import N_
from musicml.i18n import gettext as _


def confusion_figure(report: dict, *, title: str = N_("Confusion matrix")) -> go.Figure:
    """Heat map of true (rows) against predicted (columns) labels.

    Colours are row shares (recall per cell), the text is the clip count, so a
    perfect model is a bright diagonal whatever the class sizes.
    """
    labels = report["confusion"]["labels"]
    matrix = np.asarray(report["confusion"]["matrix"], dtype=float)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=labels,
            y=labels,
            text=matrix.astype(int),
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={
                **COLORBAR_BELOW,
                "title": {**COLORBAR_BELOW["title"], "text": _("share of row")},
                "tickformat": ".0%",
            },
            hovertemplate=(
                _(
                    "true %{y}, predicted %{x}<br>%{text} clips (%{z:.0%} of the %{y} clips)"
                    "<extra></extra>"
                )
            ),
        )
    )
    finish(
        fig,
        title=_(title),
        x=_("Predicted label"),
        y=_("True label"),
        yaxis_autorange="reversed",
        height=max(320, 40 * len(labels) + 120),
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def per_class_figure(report: dict, *, title: str = N_("Scores per class")) -> go.Figure:
    """Grouped bars of precision, recall and F1 for each class."""
    labels = list(report["per_class"])
    fig = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[report["per_class"][c][score] for c in labels],
                name=score if score != "f1" else "F1",
                marker_color=color,
                hovertemplate=f"%{{x}}: {score} %{{y:.0%}}<extra></extra>",
            )
            for score, color in zip(
                ("precision", "recall", "f1"), ("#4c78a8", "#f58518", "#54a24b"), strict=True
            )
        ]
    )
    return _grouped_shares(fig, title=title)


def validation_curve_figure(
    curve: dict, *, chosen_C: float | None = None, title: str = N_("Accuracy against C")
) -> go.Figure:
    """Training and cross-validated accuracy against C on a log axis, with ±1 std bands."""
    Cs = np.asarray(curve["C"])
    fig = go.Figure()
    for key, name, color in (
        ("train", _("training accuracy"), "#4c78a8"),
        ("test", _("held-out accuracy"), "#e45756"),
    ):
        mean = np.asarray(curve[f"{key}_mean"])
        std = np.asarray(curve[f"{key}_std"])
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([Cs, Cs[::-1]]),
                y=np.concatenate([mean + std, (mean - std)[::-1]]),
                fill="toself",
                fillcolor=color,
                opacity=0.15,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=Cs,
                y=mean,
                mode="lines+markers",
                name=name,
                line={"color": color},
                hovertemplate=f"C=%{{x:g}}<br>{name} %{{y:.1%}}<extra></extra>",
            )
        )
    if chosen_C is not None:
        # The label goes above the plotting area, where no curve can run under it.
        fig.add_vline(x=chosen_C, line={"dash": "dot", "color": "#888"})
        fig.add_annotation(
            x=float(np.log10(chosen_C)),
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=_("your C={chosen_C:g}").format(chosen_C=chosen_C),
            font={"color": "#666"},
        )
    finish(
        fig,
        title=_(title),
        x=_("C (log scale; smaller = stronger regularisation)"),
        y=_("Accuracy"),
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.05],
        height=340,
        margin={**MARGIN, "t": 60},
    )
    fig.update_xaxes(**DECADES)
    return fig


def projection_figure(projection: dict, labels, *, names=None, title: str | None = None):
    """Scatter of the 2-D PCA or LDA projection, one colour per class."""
    points = np.asarray(projection["points"])
    labels = np.asarray(labels).astype(str)
    method = projection["method"].upper()
    explained = projection.get("explained") or []
    axis = [
        f"{method} {i + 1}" + (f" ({explained[i]:.0%})" if i < len(explained) else "")
        for i in range(2)
    ]
    fig = go.Figure()
    for i, label in enumerate(sorted(set(labels.tolist()))):
        mine = np.flatnonzero(labels == label)
        fig.add_trace(
            go.Scattergl(
                x=points[mine, 0],
                y=points[mine, 1],
                mode="markers",
                name=label,
                marker={"size": 6, "color": PALETTE[i % len(PALETTE)], "opacity": 0.75},
                text=None if names is None else [names[j] for j in mine],
                hovertemplate=f"{label}<br>%{{text}}<extra></extra>"
                if names is not None
                else f"{label}<extra></extra>",
            )
        )
    return finish(
        fig,
        title=title or _("{method} projection of the features").format(method=method),
        x=axis[0],
        y=axis[1],
        height=380,
    )


def cross_validation_figure(cv: dict, *, title: str | None = None) -> go.Figure:
    """Accuracy of each fold, with the mean as a line."""
    scores = np.asarray(cv["scores"])
    if cv.get("method") == "leave-one-out":
        fig = go.Figure(go.Histogram(x=scores, xbins={"start": -0.25, "end": 1.25, "size": 0.5}))
        fig.update_xaxes(tickvals=[0, 1], ticktext=[_("wrong"), _("right")])
        fig.update_layout(xaxis_title=_("Held-out clip"), yaxis_title=_("Clips"))
    else:
        fig = go.Figure(
            go.Bar(
                x=[_("fold {n}").format(n=i + 1) for i in range(len(scores))],
                y=scores,
                marker_color="#4c78a8",
                hovertemplate="%{x}: %{y:.1%}<extra></extra>",
            )
        )
        # The label sits in the right margin, level with its line, off every bar.
        fig.add_hline(y=cv["mean"], line={"dash": "dot"})
        fig.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            y=cv["mean"],
            yref="y",
            showarrow=False,
            text=_("mean {cv:.1%}").format(cv=cv["mean"]),
        )
        fig.update_layout(yaxis_title=_("Accuracy"), yaxis_tickformat=".0%", yaxis_range=[0, 1.05])
    fig = finish(
        fig,
        title=title
        or f"{cv.get('method', 'cross-validation')}: {cv['mean']:.1%} ± {cv['std']:.1%}",
        height=300,
    )
    if cv.get("method") != "leave-one-out":
        fig.update_layout(margin={**MARGIN, "r": 90})
    return fig


def comparison_figure(rows: list[dict], *, title: str = N_("Models of this session")) -> go.Figure:
    """Held-out and training accuracy of several models side by side.

    ``rows``: dicts with ``name``, ``accuracy`` and ``train_accuracy``.
    """
    names = [r["name"] for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                x=names,
                y=[r.get("train_accuracy") for r in rows],
                name=_("training accuracy"),
                marker_color="#4c78a8",
            ),
            go.Bar(
                x=names,
                y=[r.get("accuracy") for r in rows],
                name=_("held-out accuracy"),
                marker_color="#e45756",
            ),
        ]
    )
    return _grouped_shares(fig, title=title)


def _grouped_shares(fig: go.Figure, *, title: str) -> go.Figure:
    """Bars side by side per category, on a 0–100 % axis."""
    finish(
        fig,
        title=_(title),
        barmode="group",
        yaxis_range=[0, 1.05],
        yaxis_tickformat=".0%",
        height=320,
    )
    fig.update_xaxes(type="category")
    return fig
