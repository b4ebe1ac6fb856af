"""Figures of the logistic-regression lab."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from musicml.figures._layout import COLORBAR, LAYOUT, finish
from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.loss import MulticlassComparison, sigmoid


def sigmoid_figure(*, lo: float = -10.0, hi: float = 10.0, threshold: float = 0.5) -> go.Figure:
    """The S-curve σ(z) over [lo, hi] with the decision threshold and z = 0 marked."""
    z = np.linspace(lo, hi, 401)
    fig = go.Figure(go.Scatter(x=z, y=sigmoid(z), mode="lines", name="σ(z)"))
    fig.add_hline(
        y=threshold,
        line_dash="dash",
        line_color="#e45756",
        annotation_text=_("threshold {threshold:g}").format(threshold=threshold),
    )
    fig.add_vline(x=0, line_dash="dot", line_color="gray", annotation_text="θᵀx = 0")
    return finish(
        fig,
        title=_("The sigmoid σ(z) = 1 / (1 + e⁻ᶻ)"),
        x="z = θᵀx",
        y="σ(z) = P(y = 1 | x)",
        height=340,
    )


OPTIMUM_STYLE = {"symbol": "x", "size": 12, "color": "#e45756", "line": {"width": 2}}
COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d")


def _window(theta1: np.ndarray, theta2: np.ndarray) -> tuple[list[float], list[float]]:
    """``([θ1 min, θ1 max], [θ2 min, θ2 max])`` of a grid's axes."""
    t1, t2 = np.asarray(theta1, dtype=float), np.asarray(theta2, dtype=float)
    return [float(t1.min()), float(t1.max())], [float(t2.min()), float(t2.max())]


def outside_window(
    points: dict[str, np.ndarray] | None, theta1: np.ndarray, theta2: np.ndarray
) -> dict[str, np.ndarray]:
    """The named θ points that fall outside the grid ``theta1 × theta2`` (or are not finite).

    The contour and descent figures leave these out so that their axes stay on the grid;
    a page can name them in a caption instead.
    """
    (x0, x1), (y0, y1) = _window(theta1, theta2)
    outside = {}
    for name, point in (points or {}).items():
        p1, p2 = (float(v) for v in np.asarray(point, dtype=float).reshape(2))
        if not (x0 <= p1 <= x1 and y0 <= p2 <= y1):
            outside[name] = np.array([p1, p2])
    return outside


def _points(
    points: dict[str, np.ndarray] | None, theta1: np.ndarray, theta2: np.ndarray
) -> list[go.Scatter]:
    """Marker traces for the named θ points inside the grid (the first gets the optimum's cross).

    Each point keeps its style whether or not an earlier one was left out.
    """
    symbols = ("x", "circle-open", "diamond-open", "square-open")
    hidden = outside_window(points, theta1, theta2)
    traces = []
    for i, (name, point) in enumerate((points or {}).items()):
        if name in hidden:
            continue
        marker = dict(OPTIMUM_STYLE) if i == 0 else {"symbol": symbols[i % 4], "size": 11}
        if i:
            marker["color"] = COLORS[(i + 2) % len(COLORS)]
            marker["line"] = {"width": 2}
        traces.append(
            go.Scatter(
                x=[float(point[0])],
                y=[float(point[1])],
                mode="markers",
                name=name,
                marker=marker,
                hovertemplate=f"{name}<br>θ1 %{{x:.4f}}<br>θ2 %{{y:.4f}}<extra></extra>",
            )
        )
    return traces


def _samples(points: np.ndarray, name: str, color: str, *, outline: str, **trace) -> go.Scatter:
    """The samples of one class, ``points`` of shape ``(n, 2)``, as outlined markers."""
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        name=name,
        marker={"color": color, "size": 6, "line": {"color": outline, "width": 0.5}},
        **trace,
    )


def slices_figure(
    theta1: np.ndarray,
    loss1: np.ndarray,
    theta2: np.ndarray,
    loss2: np.ndarray,
    *,
    center: np.ndarray,
) -> go.Figure:
    """J(θ1) with θ2 fixed and J(θ2) with θ1 fixed, side by side, the optimum marked."""
    c1, c2 = (float(v) for v in center)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(f"J(θ1) at θ2 = {c2:.3f}", f"J(θ2) at θ1 = {c1:.3f}"),
    )
    fig.add_trace(go.Scatter(x=theta1, y=loss1, mode="lines", name="J(θ1)"), row=1, col=1)
    fig.add_trace(go.Scatter(x=theta2, y=loss2, mode="lines", name="J(θ2)"), row=1, col=2)
    fig.add_vline(x=c1, line_dash="dot", line_color="#e45756", row=1, col=1)
    fig.add_vline(x=c2, line_dash="dot", line_color="#e45756", row=1, col=2)
    fig.update_xaxes(title_text="θ1", row=1, col=1)
    fig.update_xaxes(title_text="θ2", row=1, col=2)
    fig.update_yaxes(title_text=_("J (mean loss)"), row=1, col=1)
    fig.update_layout(height=340, showlegend=False, **LAYOUT)
    return fig


def contour_figure(
    theta1: np.ndarray,
    theta2: np.ndarray,
    surface: np.ndarray,
    *,
    levels: int = 30,
    points: dict[str, np.ndarray] | None = None,
    title: str = N_("Contours of J(θ1, θ2)"),
) -> go.Figure:
    """Contour lines of a loss grid (rows follow θ2) with named θ points marked.

    The axes are fixed to the grid, so a point outside it is left out rather than
    stretching the picture (see :func:`outside_window`).
    """
    lo, hi = float(np.nanmin(surface)), float(np.nanmax(surface))
    size = (hi - lo) / max(int(levels), 1) or 1.0
    fig = go.Figure(
        go.Contour(
            x=theta1,
            y=theta2,
            z=np.asarray(surface, dtype=np.float32),
            contours={"start": lo, "end": hi, "size": size, "coloring": "heatmap"},
            colorscale="Viridis",
            colorbar={**COLORBAR, "title": "J"},
            line={"width": 0.6},
            name="J",
            hovertemplate="θ1 %{x:.3f}<br>θ2 %{y:.3f}<br>J %{z:.5f}<extra></extra>",
        )
    )
    for trace in _points(points, theta1, theta2):
        fig.add_trace(trace)
    x_range, y_range = _window(theta1, theta2)
    fig.update_layout(
        title=_(title),
        xaxis_title="θ1",
        yaxis_title="θ2",
        xaxis_range=x_range,
        yaxis_range=y_range,
        height=480,
        **LAYOUT,
    )
    return fig


MAX_SURFACE_POINTS = 100
"""Points per side of a drawn 3-D loss surface (finer grids are thinned for the browser)."""


BOWL_CAMERA = {"eye": {"x": 1.7, "y": -1.7, "z": 0.5}, "center": {"x": 0, "y": 0, "z": -0.1}}
"""A low side view, loss upwards: the rim of the surface stands above its minimum, so it
reads as a bowl (plotly's default eye, high over a corner, makes it look like a peak)."""


def surface_figure(
    theta1: np.ndarray,
    theta2: np.ndarray,
    surface: np.ndarray,
    *,
    optimum: np.ndarray | None = None,
    optimum_loss: float | None = None,
) -> go.Figure:
    """The loss grid as a 3-D surface, with the optimum as a point on it when inside the grid.

    The θ axes are fixed to the grid. A smooth bowl needs no more than
    :data:`MAX_SURFACE_POINTS` points a side to look smooth: a finer grid is thinned
    (a 200 × 200 grid is drawn from every second point), so the browser draws it quickly.
    """
    step = max(1, int(np.ceil(len(theta1) / MAX_SURFACE_POINTS)))
    fig = go.Figure(
        go.Surface(
            x=np.asarray(theta1, dtype=np.float32)[::step],
            y=np.asarray(theta2, dtype=np.float32)[::step],
            z=np.asarray(surface, dtype=np.float32)[::step, ::step],
            colorscale="Viridis",
            colorbar={**COLORBAR, "title": "J"},
            name="J",
            hovertemplate="θ1 %{x:.3f}<br>θ2 %{y:.3f}<br>J %{z:.5f}<extra></extra>",
        )
    )
    x_range, y_range = _window(theta1, theta2)
    inside = optimum is not None and not outside_window({"": optimum}, theta1, theta2)
    if inside and optimum_loss is not None:
        fig.add_trace(
            go.Scatter3d(
                x=[float(optimum[0])],
                y=[float(optimum[1])],
                z=[float(optimum_loss)],
                mode="markers",
                name=_("optimum"),
                marker={"size": 5, "color": "#e45756"},
            )
        )
    fig.update_layout(
        title=_("The loss surface J(θ1, θ2)"),
        scene={
            "xaxis": {"title": {"text": "θ1"}, "range": x_range},
            "yaxis": {"title": {"text": "θ2"}, "range": y_range},
            "zaxis": {"title": {"text": "J"}},
            "camera": BOWL_CAMERA,
        },
        height=520,
        **LAYOUT,
    )
    return fig


def descent_figure(
    theta1: np.ndarray,
    theta2: np.ndarray,
    surface: np.ndarray,
    thetas: np.ndarray,
    *,
    levels: int = 30,
    points: dict[str, np.ndarray] | None = None,
    max_frames: int = 60,
) -> go.Figure:
    """A descent path on the contours, with a play button that draws it step by step.

    Parameters
    ----------
    thetas : np.ndarray
        Shape ``(n, 2)``: the path.
    max_frames : int, default 60
        Long paths are shown in at most this many animation frames.
    """
    fig = contour_figure(
        theta1, theta2, surface, levels=levels, points=points, title=_("Gradient descent on J")
    )
    path = np.asarray(thetas, dtype=float)
    fig.add_trace(
        go.Scatter(
            x=path[:, 0],
            y=path[:, 1],
            mode="lines+markers",
            name=_("descent path"),
            line={"color": "white", "width": 2},
            marker={"size": 5, "color": "white", "line": {"color": "black", "width": 1}},
            hovertemplate="θ1 %{x:.4f}<br>θ2 %{y:.4f}<extra></extra>",
        )
    )
    path_index = len(fig.data) - 1
    ends = np.unique(np.linspace(1, len(path), min(max_frames, len(path))).round().astype(int))
    fig.frames = [
        go.Frame(
            data=[go.Scatter(x=path[:end, 0], y=path[:end, 1])],
            traces=[path_index],
            name=str(end - 1),
        )
        for end in ends
    ]
    fig.update_layout(
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        updatemenus=[
            {
                "type": "buttons",
                "showactive": False,
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {
                        "label": _("▶ Play"),
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 80, "redraw": False},
                                "transition": {"duration": 0},
                                "fromcurrent": False,
                            },
                        ],
                    }
                ],
            }
        ],
        sliders=[
            {
                "active": len(fig.frames) - 1,
                "currentvalue": {"prefix": _("step ")},
                "x": 0.1,
                "len": 0.9,
                "y": -0.1,
                "yanchor": "top",
                "steps": [
                    {
                        "label": frame.name,
                        "method": "animate",
                        "args": [[frame.name], {"mode": "immediate", "frame": {"duration": 0}}],
                    }
                    for frame in fig.frames
                ],
            }
        ],
        height=600,
        margin={"l": 10, "r": 10, "t": 60, "b": 110},
    )
    return fig


def loss_curve_figure(losses: np.ndarray, *, optimum_loss: float | None = None) -> go.Figure:
    """The loss after each step (log scale of the gap to the optimum when it is known)."""
    steps = np.arange(len(losses))
    fig = go.Figure(go.Scatter(x=steps, y=losses, mode="lines", name="J(θₖ)"))
    if optimum_loss is not None:
        fig.add_hline(
            y=optimum_loss,
            line_dash="dash",
            line_color="#e45756",
            annotation_text=_("scikit-learn's minimum"),
        )
    fig.update_layout(
        title=_("Loss per step"), xaxis_title=_("step k"), yaxis_title="J(θₖ)", height=340, **LAYOUT
    )
    return fig


def decision_boundary_figure(
    features: np.ndarray,
    labels: np.ndarray,
    theta: np.ndarray,
    *,
    feature_names: tuple[str, str] = ("x₁", "x₂"),
    class_names: tuple[str, str] = (N_("class 0"), N_("class 1")),
) -> go.Figure:
    """The samples, the probability σ(θᵀx) as shading and the boundary θᵀx = 0."""
    class_names = (_(class_names[0]), _(class_names[1]))
    X = np.asarray(features, dtype=float)
    labels = np.asarray(labels)
    theta = np.asarray(theta, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo) + 1e-9
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 120)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 120)
    prob = sigmoid(theta[0] * gx[None, :] + theta[1] * gy[:, None]).astype(np.float32)
    fig = go.Figure(
        go.Heatmap(
            x=gx,
            y=gy,
            z=prob,
            colorscale=[[0, "#f3c6a5"], [0.5, "#ffffff"], [1, "#b4cbe3"]],
            zmin=0,
            zmax=1,
            colorbar={**COLORBAR, "title": f"P({class_names[1]})"},
            hovertemplate="P = %{z:.2f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Contour(
            x=gx,
            y=gy,
            z=prob,
            contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "lines"},
            line={"color": "black", "width": 2, "dash": "dash"},
            showscale=False,
            name=_("boundary θᵀx = 0"),
            hoverinfo="skip",
        )
    )
    for value, color in ((0, COLORS[1]), (1, COLORS[0])):
        mine = labels == value
        fig.add_trace(_samples(X[mine], class_names[value], color, outline="white"))
    fig.update_layout(
        title=_("Decision boundary θᵀx = 0 at θ = ({theta:.3f}, {theta2:.3f})").format(
            theta=theta[0], theta2=theta[1]
        ),
        xaxis_title=feature_names[0],
        yaxis_title=feature_names[1],
        xaxis_range=[gx[0], gx[-1]],
        yaxis_range=[gy[0], gy[-1]],
        height=480,
        **LAYOUT,
    )
    return fig


def multiclass_figure(
    comparison: MulticlassComparison,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    class_names: tuple[str, ...],
    feature_names: tuple[str, str] = ("x₁", "x₂"),
) -> go.Figure:
    """Decision regions of one-vs-rest and of softmax side by side, with the samples."""
    X = np.asarray(features, dtype=float)
    labels = np.asarray(labels)
    k = len(class_names)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=(
            _("One-vs-rest · accuracy {accuracy:.1%}").format(accuracy=comparison.accuracy_ovr),
            _("Multinomial (softmax) · accuracy {accuracy:.1%}").format(
                accuracy=comparison.accuracy_softmax
            ),
        ),
    )
    colorscale = []
    for i in range(k):
        color = COLORS[i % len(COLORS)]
        colorscale += [[i / k, color], [(i + 1) / k, color]]
    for col, regions in enumerate((comparison.regions_ovr, comparison.regions_softmax), start=1):
        fig.add_trace(
            go.Heatmap(
                x=comparison.grid_x,
                y=comparison.grid_y,
                z=np.asarray(regions, dtype=np.int8),
                zmin=-0.5,
                zmax=k - 0.5,
                colorscale=colorscale,
                opacity=0.35,
                showscale=False,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        for i, name in enumerate(class_names):
            mine = labels == i
            fig.add_trace(
                _samples(
                    X[mine],
                    name,
                    COLORS[i % len(COLORS)],
                    outline="black",
                    legendgroup=name,
                    showlegend=col == 1,
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(title_text=feature_names[0], row=1, col=col)
    fig.update_yaxes(title_text=feature_names[1], row=1, col=1)
    fig.update_layout(height=460, **LAYOUT)
    return fig
