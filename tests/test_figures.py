"""Figures of long audio stay light and fast: pooled heat maps, one trace for many segments."""

from __future__ import annotations

import base64
import itertools
import json
import time

import numpy as np
import pytest

from musicml.classify import Classification, Segment
from musicml.figures.analysis import feature_figure
from musicml.figures.classify import (
    LABEL_WIDTH,
    MAX_SEGMENT_LABELS,
    boundary_lines,
    fitting_labels,
    segments_over_spectrogram,
    song_figure,
)
from musicml.figures.heatmap import MAX_COLUMNS, compact_values, pool_columns
from musicml.figures.signal import spectrogram_figure, spectrum_figure

SR = 22050
CLASSES = ["C", "D", "E", "F", "G", "A", "B", "silence"]


def decoded(value) -> np.ndarray:
    """A plotly array from a figure's JSON: plain list or base64 typed array."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def classification(n: int, seconds: float = 0.1) -> Classification:
    segments = [
        Segment(i * seconds, (i + 1) * seconds, CLASSES[i % len(CLASSES)], 0.5 + (i % 5) / 10)
        for i in range(n)
    ]
    probabilities = np.full((n, len(CLASSES)), 1 / len(CLASSES))
    return Classification(segments, CLASSES, probabilities, n * seconds)


def test_max_pooling_keeps_a_one_frame_event_visible():
    values = np.full((4, 10_000), -80.0, dtype=np.float32)
    values[2, 6_789] = -3.0  # a click lasting one frame
    pooled, times = pool_columns(values, np.arange(10_000) * 0.01, 1_000)
    assert pooled.shape == (4, 1_000) and times.shape == (1_000,)
    assert pooled.max() == -3.0 and np.argmax(pooled.max(axis=0)) == 6_789 // 10
    assert times[678] == pytest.approx(67.8)  # the first time of its block


def test_db_heat_maps_travel_as_whole_decibels_in_one_byte():
    values = np.array([[-0.4, -79.6, -200.0, np.nan]], dtype=np.float32)
    assert compact_values(values, db=True).tolist() == [[0, -80, -128, -128]]
    assert compact_values(values, db=True).dtype == np.int8
    assert compact_values(values[:, :2], db=False).dtype == np.float32


def test_a_three_minute_spectrogram_is_pooled_and_under_a_megabyte():
    n_frames = 180 * SR // 512  # a 3-minute song at the display hop
    db = np.random.default_rng(0).uniform(-80, 0, (128, n_frames)).astype(np.float32)
    spec = json.loads(spectrogram_figure(db, sr=SR, hop_length=512).to_json())
    heat = spec["data"][0]
    assert heat["z"]["dtype"] == "i1" and "customdata" not in heat
    assert len(decoded(heat["x"])) <= MAX_COLUMNS
    assert len(heat["y"]) == 128 and heat["y"][0] == "0 Hz"
    assert len(json.dumps(spec)) < 1_000_000


def test_feature_figure_names_rows_and_pools_long_pieces():
    matrix = np.random.default_rng(1).random((12, 9_000)).astype(np.float32)
    names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    spec = json.loads(
        feature_figure(
            matrix, times=np.arange(9_000) / 43, row_labels=names, title="chroma"
        ).to_json()
    )
    heat = spec["data"][0]
    assert heat["y"] == names and "%{y}" in heat["hovertemplate"]
    assert decoded(heat["z"]).size <= 12 * MAX_COLUMNS


def test_boundary_lines_are_one_trace_with_gaps():
    xs, ys = boundary_lines(np.array([1.0, 2.5]))
    assert np.allclose(xs[[0, 1, 3, 4]], [1.0, 1.0, 2.5, 2.5]) and np.isnan(xs[[2, 5]]).all()
    assert np.allclose(ys[[0, 1, 3, 4]], [0, 1, 0, 1]) and np.isnan(ys[[2, 5]]).all()


def test_segments_over_a_spectrogram_add_two_traces_whatever_their_number():
    for n, mode in ((20, "markers+text"), (MAX_SEGMENT_LABELS + 1, "markers")):
        result = classification(n)
        fig = spectrogram_figure(np.zeros((64, 400), np.float32), sr=SR, hop_length=512)
        segments_over_spectrogram(fig, result)
        assert len(fig.data) == 3 and not fig.layout.shapes and not fig.layout.annotations
        lines, labels = fig.data[1], fig.data[2]
        assert np.count_nonzero(np.isnan(np.asarray(lines.x, dtype=float))) == n - 1
        assert labels.mode == mode
        assert list(labels.hovertext) == [s.label for s in result.segments]


def printed_labels(fig) -> list[tuple[float, str]]:
    labels = fig.data[-1]
    text = labels.text if labels.text is not None and "text" in labels.mode else ()
    return [(float(x), t) for x, t in zip(labels.x, text, strict=False) if t]


@pytest.mark.parametrize("n", [40, 400])
def test_segment_labels_over_a_spectrogram_never_overlap(n):
    """40 one-second "sound" segments printed "soundsoundsound…" on one line."""
    segments = [Segment(float(i), float(i + 1), "sound", 0.9) for i in range(n)]
    result = Classification(segments, ["silence", "sound"], np.full((n, 2), 0.5), float(n))
    fig = spectrogram_figure(np.zeros((64, 400), np.float32), sr=SR, hop_length=512)
    shown = printed_labels(segments_over_spectrogram(fig, result))
    assert len(shown) <= 1  # one run of one label: printed once at most
    alternating = [
        Segment(float(i), float(i + 1), ("sound", "silence")[i % 2], 0.9) for i in range(n)
    ]
    result = Classification(alternating, ["silence", "sound"], np.full((n, 2), 0.5), float(n))
    fig = spectrogram_figure(np.zeros((64, 400), np.float32), sr=SR, hop_length=512)
    shown = printed_labels(segments_over_spectrogram(fig, result))
    char = LABEL_WIDTH * n  # seconds one character takes
    for (x0, t0), (x1, t1) in itertools.pairwise(shown):
        assert x1 - x0 >= (len(t0) + len(t1)) / 2 * char
    assert len(shown) <= 1 / (LABEL_WIDTH * len("sound"))
    assert len(fig.data[-1].hovertext) == n  # every label still shows on hover


def test_wide_segments_keep_every_label():
    segments = [Segment(float(i), float(i + 1), CLASSES[i], 0.9) for i in range(4)]
    labels = fitting_labels(np.arange(4.0), np.arange(1.0, 5.0), [s.label for s in segments])
    assert labels == ["C", "D", "E", "F"]


@pytest.mark.parametrize(
    "classes, title",
    [
        (["C", "D", "E", "silence"], "Note"),
        (["guitar", "piano", "violin"], "Class"),
        (["silence", "sound"], "Class"),
    ],
)
def test_label_axis_is_named_after_what_the_model_predicts(classes, title):
    """An instrument model's timeline said "Note"."""
    segments = [Segment(float(i), float(i + 1), classes[i % len(classes)], 0.9) for i in range(6)]
    result = Classification(segments, classes, np.full((6, len(classes)), 0.5), 6.0)
    fig = song_figure(np.zeros(6 * SR, np.float32), SR, result)
    assert fig.layout.yaxis2.title.text == title


def test_short_spectrogram_has_a_short_frequency_title():
    """The misclassified clips' 220 px spectrograms had a title longer than their plot."""
    from musicml.figures._layout import COLORBAR_BELOW_PX

    fig = spectrogram_figure(np.zeros((64, 40), np.float32), sr=SR, hop_length=512, height=220)
    assert fig.layout.height == 220 + COLORBAR_BELOW_PX  # the colour bar under it adds its own
    # about 7 px a character, vertical, beside a plot of height - margins
    assert len(fig.layout.yaxis.title.text) * 7 < 220 - 50
    assert len(fig.layout.yaxis.tickvals) <= 5


def test_drawing_two_thousand_segments_costs_less_than_a_second():
    """Complexity guard: per-segment layout calls (add_vline) made this minutes."""
    audio = np.zeros(200 * SR, dtype=np.float32)
    db = np.zeros((64, 4_000), dtype=np.float32)
    song_figure(audio[:SR], SR, classification(10)).to_json()  # plotly's own first-use cost

    def draw(result):
        song = song_figure(audio, SR, result).to_json()
        spectrum = segments_over_spectrogram(
            spectrogram_figure(db, sr=SR, hop_length=512), result
        ).to_json()
        return len(song) + len(spectrum)

    start = time.perf_counter()
    size = draw(classification(2_000))
    assert time.perf_counter() - start < 1.0
    assert size < 1_500_000


def test_cross_validation_mean_label_sits_off_the_bars():
    """The "mean" label sat on the last bar."""
    from musicml.figures.evaluation import cross_validation_figure

    scores = [0.9, 0.95, 1.0, 0.85, 0.92]
    cv = {"scores": scores, "mean": float(np.mean(scores)), "std": 0.05, "method": "5-fold"}
    (label,) = cross_validation_figure(cv).layout.annotations
    assert "mean" in label.text
    # right of the plotting area (paper x ≥ 1), where no bar is drawn
    assert label.xref == "paper" and label.x >= 1 and label.xanchor == "left"


def test_validation_curve_marks_your_c_above_the_curves_on_decades():
    """ "your C = 1" sat on the curve; the log axis labelled 2 and 5 within each decade."""
    from musicml.figures.evaluation import validation_curve_figure

    Cs = np.logspace(-3, 3, 13)
    curve = {"C": Cs, "train_mean": np.ones(13), "train_std": np.zeros(13)}
    curve |= {"test_mean": np.full(13, 0.9), "test_std": np.full(13, 0.05)}
    fig = validation_curve_figure(curve, chosen_C=1.0)
    (label,) = fig.layout.annotations
    assert "C=1" in label.text
    # above the plotting area (paper y ≥ 1, anchored by its bottom): above every curve
    assert label.yref == "paper" and label.y >= 1 and label.yanchor == "bottom"
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.dtick == 1


def test_every_log_axis_is_ticked_at_decades():
    from musicml.figures._layout import DECADES

    assert DECADES == {"type": "log", "dtick": 1}
    fig = spectrum_figure(np.linspace(0, SR / 2, 1025), np.zeros(1025), log_frequency=True)
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.dtick == 1


def test_loss_surface_opens_as_a_bowl():
    """Plotly's default camera, high over a corner, made the bowl look like a peak."""
    from musicml.figures.loss import surface_figure

    t = np.linspace(-1, 1, 21)
    surface = t[None, :] ** 2 + t[:, None] ** 2  # a bowl, loss upwards: minimum in the middle
    fig = surface_figure(t, t, surface)
    data = fig.data[0]
    z = np.asarray(data.z)
    assert z[10, 10] == z.min() and z[0, 0] == z.max()  # drawn loss up, not flipped
    eye = fig.layout.scene.camera.eye
    # looking slightly down from the side: the rim stands out above the minimum
    assert 0 < eye.z < 0.5 * np.hypot(eye.x, eye.y)
    assert fig.layout.scene.zaxis.autorange != "reversed"


def legend_figures():
    """One figure of each builder family that draws a legend."""
    from musicml.figures.evaluation import per_class_figure, validation_curve_figure
    from musicml.figures.loss import contour_figure
    from musicml.figures.signal import waveform_figure
    from musicml.figures.signals import smoothing_figure

    report = {"per_class": {"a": {"precision": 1, "recall": 1, "f1": 1}}}
    Cs = np.logspace(-3, 3, 7)
    curve = {"C": Cs, "train_mean": np.ones(7), "train_std": np.zeros(7)}
    curve |= {"test_mean": np.full(7, 0.9), "test_std": np.full(7, 0.05)}
    t = np.linspace(-1, 1, 11)
    return {
        "waveform": waveform_figure(np.zeros(SR), SR, markers={"beats": [0.5]}),
        "per_class": per_class_figure(report),
        "validation_curve": validation_curve_figure(curve, chosen_C=1.0),
        "smoothing": smoothing_figure(np.zeros(50), np.zeros(50), sigma=2.0),
        "contours": contour_figure(t, t, t[None, :] ** 2 + t[:, None] ** 2),
    }


@pytest.mark.parametrize("name", list(legend_figures()))
def test_legends_are_a_row_under_the_plot_never_a_side_column(name):
    """A side legend took a third of a phone's width (the Train page's validation curve);
    plotly's own horizontal legend (y = -0.1 of the plot) covers the x-axis title."""
    fig = legend_figures()[name]
    legend = fig.layout.legend
    assert legend.orientation == "h"
    # anchored to the bottom of the whole figure: the margin grows under the axis title
    assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"


def test_the_tool_bar_keeps_two_buttons_so_it_leaves_the_title_readable_on_a_phone():
    fig = spectrum_figure(np.linspace(0, SR / 2, 1025), np.zeros(1025))
    removed = set(fig.layout.modebar.remove)
    assert {"zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d"} <= removed
    assert not removed & {"toImage", "resetScale2d"}


def test_the_highest_peak_label_fits_inside_the_spectrum_plot():
    """The label of a 0 dB peak sat above the top of the axis, cut off."""
    f = np.linspace(0, SR / 2, 1025)
    db = np.full(1025, -100.0)
    db[40] = 0.0
    fig = spectrum_figure(f, db)
    low, high = fig.layout.yaxis.range
    assert low <= -100 and high >= 10  # room for a line of text over 0 dB


def test_long_titles_fit_a_phone():
    """Plotly never wraps a title: at 390 px these two ran off the right edge."""
    from musicml.figures.analysis import beats_figure
    from musicml.figures.signals import convolution_spectra_figure

    ones = np.ones(5)
    figures = [
        beats_figure(np.zeros(SR), SR, onset_times=[0.5], beat_times=[0.5], tempo_bpm=120.0),
        convolution_spectra_figure(np.arange(5), ones, ones, ones, ones),
    ]
    for fig in figures:
        assert len(fig.layout.title.text) <= 36, fig.layout.title.text


def test_heat_map_colour_bars_sit_under_the_plot_not_beside_it():
    """Beside the plot, bar and ticks left a phone's spectrogram a third of the width."""
    from musicml.figures.evaluation import confusion_figure

    report = {"confusion": {"labels": ["a", "b"], "matrix": [[1, 0], [0, 1]]}}
    for fig in (
        spectrogram_figure(np.zeros((64, 40), np.float32), sr=SR, hop_length=512),
        confusion_figure(report),
    ):
        bar = fig.data[0].colorbar
        assert bar.orientation == "h" and bar.yref == "container" and bar.yanchor == "bottom"
        assert not fig.layout.showlegend and all(t.showlegend is False for t in fig.data[1:])


def test_a_colour_bar_under_the_plot_adds_its_own_height():
    """Under the plot, the bar took ~70 px from a 220 px spectrogram's plot."""
    from musicml.features import representation
    from musicml.figures._layout import COLORBAR_BELOW_PX
    from musicml.figures.signal import thumbnail_figure

    fig = spectrogram_figure(np.zeros((64, 40), np.float32), sr=SR, hop_length=512, height=220)
    assert fig.layout.height == 220 + COLORBAR_BELOW_PX
    rep = representation(np.zeros(SR, np.float32), sr=SR, kind="mel", n_mels=32)
    assert thumbnail_figure(rep, title="a", height=170).layout.height == 170  # no bar


def test_one_marker_line_is_named_without_a_count():
    """The spectrogram page's one window line was listed as "window (1)"."""
    from musicml.figures.signal import waveform_figure

    fig = waveform_figure(np.zeros(SR), SR, markers={"window": [0.25], "beats": [0.1, 0.6]})
    assert [t.name for t in fig.data[1:]] == ["window", "beats (2)"]
