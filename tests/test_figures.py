"""Figures of long audio stay light and fast: pooled heat maps, one trace for many segments."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
import pytest

from musicml.classify import Classification, Segment
from musicml.figures.analysis import feature_figure
from musicml.figures.classify import (
    MAX_SEGMENT_LABELS,
    boundary_lines,
    segments_over_spectrogram,
    song_figure,
)
from musicml.figures.heatmap import MAX_COLUMNS, compact_values, pool_columns
from musicml.figures.signal import spectrogram_figure

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
    for n, mode in ((20, "text"), (MAX_SEGMENT_LABELS + 1, "markers")):
        result = classification(n)
        fig = spectrogram_figure(np.zeros((64, 400), np.float32), sr=SR, hop_length=512)
        segments_over_spectrogram(fig, result)
        assert len(fig.data) == 3 and not fig.layout.shapes and not fig.layout.annotations
        lines, labels = fig.data[1], fig.data[2]
        assert np.count_nonzero(np.isnan(np.asarray(lines.x, dtype=float))) == n - 1
        assert labels.mode == mode and list(labels.text) == [s.label for s in result.segments]


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
