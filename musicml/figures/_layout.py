"""Layout shared by the figure builders: title, axis titles, height and a tight margin."""

from __future__ import annotations

import plotly.graph_objects as go

from musicml.i18n import gettext as _

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
DECADES = {"type": "log", "dtick": 1}
"""A log axis ticked and labelled at whole decades only (0.01, 0.1, 1, 10 …): plotly's
default also labels 2 and 5 within each decade, which crowds a narrow chart."""
FONT = {
    "family": '"Open Sans", verdana, arial, "Noto Sans CJK SC", "Noto Sans CJK JP", '
    '"Noto Sans SC", "Noto Sans JP", "PingFang SC", "Hiragino Sans", "Microsoft YaHei", '
    '"Yu Gothic", sans-serif'
}
"""Plotly's own font first (Latin text looks as before), then CJK fonts before the generic
sans-serif, so Chinese and Japanese titles and labels never fall back to boxes."""
LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}
"""A legend as rows under the x-axis title, from the left: the bottom margin grows to make
room, so it never narrows the plot (plotly's side column took a third of a phone's width)
nor covers the axis title (plotly's own horizontal legend, at y = -0.1 of the plot, does)."""
MODEBAR = {
    "remove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]
}
"""Only "download as PNG" and "reset axes" in plotly's tool bar (dragging still zooms):
phones show the bar all the time, and the full row of nine icons covered the titles."""
COLORBAR = {"thickness": 12}
"""A thin colour bar (plotly's default is 30 px): on a phone every pixel of width counts."""
COLORBAR_BELOW = {
    **COLORBAR,
    "orientation": "h",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
    "len": 200,
    "lenmode": "pixels",
    "title": {"side": "bottom"},
}
"""A colour bar as a short row under the x-axis title, for heat maps without a legend (a
legend takes that place): beside the plot, bar and ticks left a phone's spectrogram
a third of the screen's width. Its title goes under the ticks (merge ``title`` rather than
replace it): plotly draws a "top" title over a bar anchored this way."""
COLORBAR_BELOW_PX = 70
"""The height a colour bar under the plot takes (bar, ticks, title): a figure that draws one
grows by this much, so its plot keeps the height it had with the bar beside it."""


def with_colorbar_room(fig: go.Figure, height: int) -> int:
    """``height``, plus :data:`COLORBAR_BELOW_PX` when ``fig`` shows a colour bar under its plot."""
    for trace in fig.data:
        bar = getattr(trace, "colorbar", None)
        if bar is not None and bar.orientation == "h" and trace.showscale is not False:
            return height + COLORBAR_BELOW_PX
    return height


LAYOUT = {"margin": MARGIN, "font": FONT, "legend": LEGEND, "modebar": MODEBAR}
"""What every figure shares; :func:`finish` applies it, builders that do not use
``finish`` pass it to ``update_layout``."""


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
        The figure's title (English, shown in the current language; a title
        that is already translated is left as it is).
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
            layout[f"{name}_title"] = _(axis)
        elif axis is not None:
            layout[name] = axis
    for key, value in LAYOUT.items():
        layout.setdefault(key, value)
    fig.update_layout(title=_(title), height=with_colorbar_room(fig, height), **layout)
    return fig


def stacked_rows(heights: tuple[float, ...], *, spacing: float) -> dict:
    """Layout of rows stacked top to bottom on one shared time axis.

    Row 1 (the top) is ``yaxis``, row 2 ``yaxis2`` and so on; every trace keeps
    ``xaxis="x"``, whose ticks and title sit under the bottom row. This is what
    ``make_subplots(rows=n, shared_xaxes=True)`` draws, without its cost (about
    35 ms a figure, paid on every page run that draws one).

    Parameters
    ----------
    heights : tuple of float
        Relative heights of the rows, top first.
    spacing : float
        Gap between rows, as a fraction of the plot's height.
    """
    usable = 1.0 - spacing * (len(heights) - 1)
    total = float(sum(heights))
    layout: dict = {"xaxis": {"anchor": f"y{len(heights)}" if len(heights) > 1 else "y"}}
    top = 1.0
    for i, height in enumerate(heights, start=1):
        bottom = max(0.0, top - usable * height / total)
        layout["yaxis" if i == 1 else f"yaxis{i}"] = {"domain": [round(bottom, 6), round(top, 6)]}
        top = bottom - spacing
    return layout
