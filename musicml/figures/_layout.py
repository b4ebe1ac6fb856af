"""Layout shared by the figure builders: title, axis titles, height and a tight margin."""

from __future__ import annotations

import plotly.graph_objects as go

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def finish(
    fig: go.Figure,
    *,
    title: str,
    height: int,
    x: str | dict | None = None,
    y: str | dict | None = None,
    **layout,
) -> go.Figure:
    """Give ``fig`` its title, axis titles, height and the shared tight margin.

    Parameters
    ----------
    fig : go.Figure
        Changed in place.
    title : str
        The figure's title.
    height : int
        Height in pixels.
    x, y : str or dict, optional
        An axis title, or a whole axis specification (``{"title": ..., "type": "log"}``).
    **layout
        Any further ``update_layout`` arguments.

    Returns
    -------
    go.Figure
        ``fig`` itself.
    """
    for name, axis in (("xaxis", x), ("yaxis", y)):
        if isinstance(axis, str):
            layout[f"{name}_title"] = axis
        elif axis is not None:
            layout[name] = axis
    fig.update_layout(title=title, height=height, margin=MARGIN, **layout)
    return fig
