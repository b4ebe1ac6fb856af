"""Layout shared by the figure builders: title, axis titles, height and a tight margin."""

from __future__ import annotations

import plotly.graph_objects as go

from musicml.i18n import gettext as _

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
FONT = {
    "family": '"Open Sans", verdana, arial, "Noto Sans CJK SC", "Noto Sans CJK JP", '
    '"Noto Sans SC", "Noto Sans JP", "PingFang SC", "Hiragino Sans", "Microsoft YaHei", '
    '"Yu Gothic", sans-serif'
}
"""Plotly's own font first (Latin text looks as before), then CJK fonts before the generic
sans-serif, so Chinese and Japanese titles and labels never fall back to boxes."""


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
    layout.setdefault("font", FONT)
    fig.update_layout(title=_(title), height=height, margin=MARGIN, **layout)
    return fig
