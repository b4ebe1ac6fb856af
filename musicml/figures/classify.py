"""Figures of classification results."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from musicml.classify import Classification
from musicml.figures._layout import finish, stacked_rows
from musicml.figures.heatmap import heatmap, pool_columns
from musicml.i18n import N_
from musicml.i18n import gettext as _

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


def _label_order(classes: list[str]) -> list[str]:
    """Classes bottom-to-top: notes in pitch order with silence at the bottom."""
    from musicml.classify import NOTE_FREQUENCIES, is_note_model

    if is_note_model(classes):
        notes = [n for n in NOTE_FREQUENCIES if n in classes]
        return (["silence"] if "silence" in classes else []) + notes
    return list(classes)


def class_axis_title(classes: list[str]) -> str:
    """The title of an axis of predicted labels: "Note" for a notes model, else "Class"."""
    from musicml.classify import is_note_model

    return _("Note") if is_note_model(classes) else _("Class")


def song_figure(
    audio: np.ndarray,
    sr: int,
    result: Classification,
    *,
    title: str = N_("What the model hears"),
) -> go.Figure:
    """The waveform on top and the label timeline under it on a shared time axis.

    For a notes model the timeline is a piano roll: one row per note, in its own
    octave where the note tracker found its pitch (``C#4``), else per pitch class;
    for other models one row per class. Bar opacity grows with the segment's confidence.
    """
    from musicml.figures.signal import _envelope
    from musicml.synth import midi_to_note

    order = _label_order(result.classes)
    pitched = sorted({s.midi for s in result.segments if s.midi is not None})
    rows = np.array(
        [midi_to_note(s.midi) if s.midi is not None else s.label for s in result.segments],
        dtype=object,
    )
    row_order = order
    if pitched:  # real pitch upwards, silence at the bottom
        row_order = (["silence"] if "silence" in order else []) + [midi_to_note(m) for m in pitched]
        row_order += [r for r in dict.fromkeys(rows) if r not in row_order]
    traces = []
    times, values = _envelope(np.asarray(audio), sr, 4000)
    traces.append(
        go.Scatter(
            x=times.astype(np.float32),
            y=np.asarray(values, dtype=np.float32),
            mode="lines",
            name=_("waveform"),
            line={"width": 1, "color": "#888"},
        )
    )
    colors = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(order)}
    starts = np.array([s.start_s for s in result.segments], dtype=np.float32)
    ends = np.array([s.end_s for s in result.segments], dtype=np.float32)
    confidence = np.array([s.confidence for s in result.segments], dtype=np.float32)
    labels = np.array([s.label for s in result.segments], dtype=object)
    for label in order:
        mine = np.flatnonzero(labels == label)
        if not mine.size:
            continue
        traces.append(
            go.Bar(
                base=starts[mine],
                x=ends[mine] - starts[mine],
                y=rows[mine],
                orientation="h",
                name=label,
                marker={
                    "color": colors[label],
                    "opacity": 0.35 + 0.65 * confidence[mine],
                    "line": {"width": 0.5, "color": "white"},
                },
                customdata=np.stack([starts[mine], ends[mine], confidence[mine]], axis=1),
                hovertemplate=(
                    _(
                        "{label}<br>%{{customdata[0]:.2f}}–%{{customdata[1]:.2f}} "
                        "s<br>confidence %{{customdata[2]:.0%}}<extra></extra>"
                    ).format(label=label)
                ),
                yaxis="y2",
            )
        )
    layout = stacked_rows((0.4, 0.6), spacing=0.04)
    layout["xaxis"]["title"] = {"text": _("Time (s)")}
    layout["yaxis"]["title"] = {"text": _("Amplitude")}
    layout["yaxis2"].update(
        title={"text": class_axis_title(result.classes)},
        categoryorder="array",
        categoryarray=row_order,
        type="category",
    )
    return finish(
        go.Figure(traces, layout),
        title=title,
        height=460,
        barmode="overlay",
        bargap=0.15,
    )


MAX_SEGMENT_LABELS = 80
"""Above this many segments no label is printed over a spectrogram: hover shows them."""

LABEL_WIDTH = 1 / 90
"""Share of the plot's width one label character needs (about 7 px of a 630 px plot, a
phone's chart); a label is printed only where it has this much room per character."""


def fitting_labels(
    starts: np.ndarray, ends: np.ndarray, labels: list[str], *, width: float = LABEL_WIDTH
) -> list[str]:
    """The labels to print over segments, ``""`` where a label would not fit.

    One pass, left to right: a run of segments with the same label is labelled once, at
    the first segment of the run, and a label is printed only if it does not overlap the
    previous printed one (each character takes ``width`` of the whole time span).
    The run's label sits at the centre of its first segment.
    """
    span = float(ends[-1] - starts[0]) if len(starts) else 1.0
    char = width * (span or 1.0)
    centres = (np.asarray(starts) + np.asarray(ends)) / 2
    shown = [""] * len(labels)
    right = -np.inf
    for i, label in enumerate(labels):
        if i and label == labels[i - 1]:
            continue
        half = len(label) * char / 2
        if centres[i] - half >= right:
            shown[i] = label
            right = centres[i] + half + char
    return shown


def boundary_lines(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of one line trace drawing a vertical line from 0 to 1 at each time.

    Lines are separated by NaN (a gap), so any number of them is one trace.
    """
    times = np.asarray(times, dtype=np.float32)
    xs = np.repeat(times, 3)
    xs[2::3] = np.nan
    ys = np.tile(np.array([0.0, 1.0, np.nan], dtype=np.float32), len(times))
    return xs, ys


def segments_over_spectrogram(fig: go.Figure, result: Classification) -> go.Figure:
    """Mark segment boundaries and labels on a spectrogram figure (in place).

    Boundaries are one dotted line trace and labels one text trace, both on an
    overlaid axis from 0 to 1 (``yaxis2``), so the cost does not grow with the
    number of segments beyond the arrays themselves. Labels are printed only where they
    fit (:func:`fitting_labels`), and above :data:`MAX_SEGMENT_LABELS` segments not at
    all; every segment's label shows on hover over its marker.
    """
    segments = result.segments
    starts = np.array([s.start_s for s in segments], dtype=np.float32)
    ends = np.array([s.end_s for s in segments], dtype=np.float32)
    xs, ys = boundary_lines(starts[1:])
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            yaxis="y2",
            mode="lines",
            line={"color": "white", "width": 1, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
            name=_("boundaries"),
        )
    )
    labels = [s.label for s in segments]
    few = len(segments) <= MAX_SEGMENT_LABELS
    fig.add_trace(
        go.Scatter(
            x=(starts + ends) / 2,
            y=np.full(len(segments), 0.97, dtype=np.float32),
            yaxis="y2",
            mode="markers+text" if few else "markers",
            text=fitting_labels(starts, ends, labels) if few else None,
            hovertext=labels,
            textposition="bottom center",
            textfont={"color": "white", "size": 11},
            marker={"size": 6, "color": "rgba(255,255,255,0.6)", "symbol": "triangle-down"},
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name=_("labels"),
        )
    )
    fig.update_layout(
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
    )
    return fig


def distribution_figure(result: Classification, *, title: str = N_("Whole song")) -> go.Figure:
    """Share of time per class next to the mean class probability."""
    order = _label_order(result.classes)
    shares = result.distribution
    probabilities = result.song_probabilities
    fig = go.Figure(
        [
            go.Bar(
                x=order,
                y=[shares[c] for c in order],
                name=_("share of time"),
                marker_color="#4c78a8",
                hovertemplate=_("%{x}: %{y:.0%} of the time<extra></extra>"),
            ),
            go.Bar(
                x=order,
                y=[probabilities[c] for c in order],
                name=_("mean probability"),
                marker_color="#f58518",
                hovertemplate=_("%{x}: mean probability %{y:.0%}<extra></extra>"),
            ),
        ]
    )
    return finish(
        fig,
        title=_(title),
        y=_("Share"),
        yaxis_tickformat=".0%",
        barmode="group",
        height=300,
    )


def tracking_figure(transcription, *, title: str = N_("Frame by frame")) -> go.Figure:
    """How the note tracker decided: the model's raw class probabilities on every short
    frame (a heat map, one row per class) over the chance each frame is sound at all,
    judged from the recording's own loudness.

    Parameters
    ----------
    transcription : musicml.transcription.Transcription
    """
    order = _label_order(transcription.classes)
    columns = [transcription.classes.index(c) for c in order]
    layout = stacked_rows((0.75, 0.25), spacing=0.06)
    fig = go.Figure(layout=layout)
    fig.add_trace(
        heatmap(
            np.asarray(transcription.probabilities, dtype=np.float32)[:, columns].T,
            times=transcription.times,
            rows=order,
            unit=_("probability"),
            colorscale="Blues",
            zmin=0.0,
            zmax=1.0,
            y_name=_("class"),
        )
    )
    sound, times = pool_columns(
        np.asarray(transcription.sound, dtype=np.float32)[None, :], transcription.times
    )
    fig.add_trace(
        go.Scatter(
            x=np.asarray(times, dtype=np.float32),
            y=sound[0],
            mode="lines",
            name=_("sound (from loudness)"),
            line={"width": 1, "color": "#e45756"},
            hovertemplate=_("t=%{x:.2f} s<br>sound %{y:.0%}<extra></extra>"),
            showlegend=False,
            yaxis="y2",
        )
    )
    return finish(
        fig,
        title=title,
        height=420,
        x=_("Time (s)"),
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": order},
        yaxis2={"title": {"text": _("Sound?")}, "range": [0, 1], "tickformat": ".0%"},
    )


def truth_figure(reference, estimate, *, title: str = N_("Truth and prediction")) -> go.Figure:
    """The true notes (top row) over the predicted ones (bottom row), on one time axis.

    Parameters
    ----------
    reference, estimate : sequence of musicml.transcription.Note
    """
    fig = go.Figure()
    for row, notes, color in (("truth", reference, "#54a24b"), ("predicted", estimate, "#4c78a8")):
        starts = np.array([n.start_s for n in notes], dtype=np.float32)
        ends = np.array([n.end_s for n in notes], dtype=np.float32)
        names = [
            f"{n.label}{'' if n.midi is None else n.midi // 12 - 1}" if n.label else ""
            for n in notes
        ]
        fig.add_trace(
            go.Bar(
                base=starts,
                x=ends - starts,
                y=np.full(len(notes), row, dtype=object),
                orientation="h",
                name=row,
                text=names,
                textposition="inside",
                insidetextanchor="middle",
                marker={"color": color, "line": {"width": 0.5, "color": "white"}},
                hovertemplate=_("%{text}<br>%{base:.2f} s, %{x:.2f} s long<extra></extra>"),
            )
        )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=["predicted", "truth"])
    return finish(fig, title=title, x=_("Time (s)"), height=220, barmode="overlay", bargap=0.3)
