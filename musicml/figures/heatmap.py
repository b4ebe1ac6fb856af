"""One heat-map builder for every picture of something over time (spectrograms, features).

A whole song at full frame rate is far more than a screen can show and tens of MB of
JSON, so every heat map goes through :func:`heatmap`: columns are max-pooled to at
most :data:`MAX_COLUMNS` (a short loud event stays visible), rows to at most
:data:`MAX_ROWS`, and the values travel as compact typed arrays: dB values as whole
decibels in one byte each (``int8``), anything else as ``float32``. Rows are named by
category (a frequency, a note, a pitch class), so hovering shows the row's name
without a per-cell ``customdata`` matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from musicml.figures._layout import COLORBAR_BELOW

MAX_COLUMNS = 1500
"""Heat maps wider than this are max-pooled over time (about what a screen shows)."""

MAX_ROWS = 512
"""Heat maps taller than this are max-pooled over neighbouring rows."""

DB_RANGE = (-128, 127)
"""Whole decibels that fit one signed byte: heat maps in dB are sent as ``int8``."""


def pool_columns(
    values: np.ndarray, times: np.ndarray, max_columns: int = MAX_COLUMNS
) -> tuple[np.ndarray, np.ndarray]:
    """Max-pool columns so that at most ``max_columns`` remain.

    Parameters
    ----------
    values : np.ndarray
        Shape ``(n_rows, n_columns)``.
    times : np.ndarray
        Shape ``(n_columns,)``: the time of each column.

    Returns
    -------
    values, times
        Shape ``(n_rows, m)`` and ``(m,)`` with ``m <= max_columns``; each kept time
        is the first of its block.
    """
    values = np.asarray(values)
    times = np.asarray(times)
    n = values.shape[1]
    if n <= max_columns:
        return values, times
    block = int(np.ceil(n / max_columns))
    pad = (-n) % block
    padded = np.pad(values, ((0, 0), (0, pad)), mode="edge")
    pooled = padded.reshape(values.shape[0], -1, block).max(axis=2)
    return pooled, times[::block][: pooled.shape[1]]


def pool_rows(
    values: np.ndarray, rows: Sequence, max_rows: int = MAX_ROWS
) -> tuple[np.ndarray, list]:
    """Max-pool neighbouring rows so that at most ``max_rows`` remain (first name kept)."""
    values = np.asarray(values)
    rows = list(rows)
    n = values.shape[0]
    if n <= max_rows:
        return values, rows
    block = int(np.ceil(n / max_rows))
    pad = (-n) % block
    padded = np.pad(values, ((0, pad), (0, 0)), mode="edge")
    pooled = padded.reshape(-1, block, values.shape[1]).max(axis=1)
    return pooled, rows[::block][: pooled.shape[0]]


def compact_values(values: np.ndarray, *, db: bool) -> np.ndarray:
    """The values as they travel to the browser: whole dB as ``int8``, else ``float32``."""
    values = np.asarray(values, dtype=np.float32)
    if db:
        finite = np.nan_to_num(values, nan=DB_RANGE[0], posinf=DB_RANGE[1], neginf=DB_RANGE[0])
        return np.clip(np.rint(finite), *DB_RANGE).astype(np.int8)
    return values


def unique_names(names: Sequence) -> list[str]:
    """Row names as distinct strings (a category axis merges rows of the same name)."""
    out, seen = [], {}
    for name in map(str, names):
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name} ({count + 1})")
    return out


def heatmap(
    values: np.ndarray,
    *,
    times: np.ndarray,
    rows: Sequence | np.ndarray,
    unit: str = "",
    colorscale: str | list = "Viridis",
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    showscale: bool = True,
    max_columns: int = MAX_COLUMNS,
    max_rows: int = MAX_ROWS,
    y_name: str = "",
) -> go.Heatmap:
    """A compact heat-map trace of ``values`` (rows) over ``times`` (columns).

    Parameters
    ----------
    values : np.ndarray
        Shape ``(n_rows, n_columns)``.
    times : np.ndarray
        Shape ``(n_columns,)``, seconds (they may be uneven, e.g. beats).
    rows : sequence of str, or np.ndarray of numbers
        Row names (a category axis: notes, pitch classes, "440 Hz") or row
        coordinates (a numeric axis: Hz of a linear or log STFT).
    unit : str
        ``"dB"`` sends whole decibels as ``int8``; the unit also labels the colour bar.
    y_name : str
        What a row is, for the hover text (``"f"``, ``"note"``…).

    Returns
    -------
    go.Heatmap
        At most ``max_rows × max_columns`` cells.
    """
    values, x = pool_columns(values, np.asarray(times, dtype=np.float32), max_columns)
    numeric = isinstance(rows, np.ndarray) and np.issubdtype(rows.dtype, np.number)
    values, y = pool_rows(values, list(rows), max_rows)
    db = unit == "dB"
    y = np.asarray(y, dtype=np.float32) if numeric else unique_names(y)
    row = f"{y_name}=%{{y:.0f}} Hz" if numeric else (f"{y_name} %{{y}}" if y_name else "%{y}")
    value = "%{z}" if db else "%{z:.2f}"
    return go.Heatmap(
        x=np.asarray(x, dtype=np.float32),
        y=y,
        z=compact_values(values, db=db),
        colorscale=colorscale,
        zmin=zmin,
        zmax=zmax,
        zmid=zmid,
        showscale=showscale,
        colorbar={**COLORBAR_BELOW, "title": {**COLORBAR_BELOW["title"], "text": unit}},
        hovertemplate=f"t=%{{x:.2f}} s<br>{row}<br>{value} {unit}<extra></extra>".replace(
            "  ", " "
        ),
    )


def category_ticks(trace: go.Heatmap, keep) -> dict:
    """``update_yaxes`` arguments that label only the rows ``keep(index, name)`` picks.

    ``trace`` is a :func:`heatmap` with named rows (after any pooling).
    """
    chosen = [name for i, name in enumerate(trace.y) if keep(i, name)]
    return {"type": "category", "tickmode": "array", "tickvals": chosen, "ticktext": chosen}
