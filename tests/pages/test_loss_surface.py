"""The loss-surface page: its views, its controls and its agreement with scikit-learn."""

from __future__ import annotations

import io
import json

import conftest
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from musicml.datasets import sound_silence_dataset

TIMEOUT = 120
PAGE = "pages/loss_surface.py"


def open_page(**state) -> AppTest:
    """The page reached through the app, with widget values seeded before its first run."""
    return conftest.open_page(PAGE, timeout=TIMEOUT, state=state)


def chart_types(at: AppTest) -> list[list[str]]:
    return [
        [trace["type"] for trace in json.loads(chart.proto.spec)["data"]]
        for chart in at.get("plotly_chart")
    ]


def show(at: AppTest, view: str) -> AppTest:
    at.session_state["loss.view"] = view
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_defaults_show_contours_at_the_lecture_optimum_and_the_3d_surface_a_tab_away():
    at = open_page()
    assert not at.error
    types = chart_types(at)
    assert types == [["contour", "scatter", "scatter"]], "the default view draws no WebGL"
    assert "(-3.5462, -0.8340)" in captions(at)
    assert any("(−3.96, −0.89)" in i.value for i in at.info), "the lecture's off-centre note"
    assert at.download_button(key="loss.download_surface")
    assert at.get("tabs") or at.tabs
    at.slider(key="loss.surface_half").set_value(1.2).run()
    show(at, "3-D surface")
    assert chart_types(at) == [["surface", "scatter3d"]], "the bowl and its optimum"
    lo, hi = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["scene"]["xaxis"]["range"]
    assert hi - lo == pytest.approx(2.4, abs=0.05), "the window chosen on the contour tab"


def test_contour_is_centred_on_sklearn_and_reacts_to_window_and_levels():
    at = open_page()
    at.slider(key="loss.surface_half").set_value(1.5).run()
    at.slider(key="loss.levels").set_value(10).run()
    assert not at.exception
    contour = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "contour"
    )
    x = contour["data"][0]["x"]
    first, last = (x[0], x[-1]) if isinstance(x, list) else (None, None)
    if first is not None:
        assert last - first == pytest.approx(3.0)
    optimum = contour["data"][1]
    assert optimum["x"][0] == pytest.approx(-3.54625, abs=1e-4)


def charts(at: AppTest) -> dict[str, dict]:
    """Each figure on the page by the type of its first trace."""
    specs = (json.loads(chart.proto.spec) for chart in at.get("plotly_chart"))
    return {spec["data"][0]["type"]: spec for spec in specs}


def test_a_strong_penalty_keeps_the_contour_framed_on_its_grid():
    """QA: at C = 0.001 the no-penalty marker at (−3.96, −0.89) squeezed the bowl to a strip."""
    at = open_page(**{"loss.C": 0.001})
    assert not at.exception and not at.error
    contour = charts(at)["contour"]
    surface = charts(show(open_page(**{"loss.C": 0.001}), "3-D surface"))["surface"]
    optimum = (-0.1724, -0.0933)
    for axis, centre in zip(("xaxis", "yaxis"), optimum, strict=True):
        lo, hi = contour["layout"][axis]["range"]
        assert lo == pytest.approx(centre - 0.6, abs=1e-3)
        assert hi == pytest.approx(centre + 0.6, abs=1e-3)
        assert surface["layout"]["scene"][axis]["range"] == pytest.approx([lo, hi])
    names = [trace.get("name") for trace in contour["data"]]
    assert names == ["J", "optimum at C = 0.001"], "the off-window marker is not drawn"
    assert "no penalty (C = ∞) at θ = (−3.96, −0.89)" in captions(at)
    assert "outside this window" in captions(at).lower()
    at.select_slider(key="loss.C").set_value(1.0).run()
    names = [trace.get("name") for trace in charts(at)["contour"]["data"]]
    assert "no penalty (C = ∞)" in names, "near its optimum at C = 1 it is drawn again"
    assert "outside this window" not in captions(at).lower()


def test_a_diverging_descent_is_named_and_stays_framed():
    at = show(open_page(**{"loss.C": 0.001}), "Gradient descent")
    assert at.warning and "diverged" in at.warning[0].value
    assert at.metric[0].value == "diverged"
    contour = charts(at)["contour"]
    lo, hi = contour["layout"]["xaxis"]["range"]
    assert hi - lo < 100, "the window is capped around the start, not stretched to infinity"
    at.number_input(key="loss.rate").set_value(0.001).run()
    assert not at.exception
    names = [trace.get("name") for trace in charts(at)["contour"]["data"]]
    assert "no penalty (C = ∞)" not in names
    assert "no penalty (C = ∞) at θ = (−3.96, −0.89)" in captions(at)


def test_C_moves_the_optimum():
    at = open_page(**{"loss.C": float("inf")})
    assert "(-3.9643, -0.8930)" in captions(at)
    at.select_slider(key="loss.C").set_value(0.01).run()
    assert "(-0.8758, -0.3720)" in captions(at)


def test_every_view_renders():
    at = open_page()
    show(at, "Sigmoid")
    assert chart_types(at) == [["scatter"]]
    show(at, "Slices")
    assert chart_types(at) == [["scatter", "scatter"]]
    show(at, "Decision boundary")
    assert chart_types(at)[0][:2] == ["heatmap", "contour"]
    show(at, "Multiclass")
    assert at.info, "two-class data falls back to iris with a note"
    assert [m.label for m in at.metric][:1] == ["One-vs-rest: accuracy / 5-fold CV"]


def test_gradient_descent_agrees_with_sklearn_on_defaults_and_warns_when_short():
    at = show(open_page(), "Gradient descent")
    assert at.success and "agree" in at.success[0].value
    assert chart_types(at)[0][-1] == "scatter"  # the path drawn on the contour
    spec = conftest.chart_spec(at)
    assert spec["frames"], "the path is animated step by step"
    at.slider(key="loss.steps").set_value(3).run()
    assert at.warning and "Not there yet" in at.warning[0].value
    at.session_state["loss.method"] = "Newton"
    at.slider(key="loss.steps").set_value(10).run()
    assert not at.exception and at.success, "Newton converges in a handful of steps"


def test_iris_multiclass_and_a_bad_feature_choice():
    at = open_page(**{"loss.source": "Iris"})
    assert not at.error
    show(at, "Multiclass")
    assert not at.info, "iris has three classes of its own"
    titles = conftest.chart_spec(at)["layout"]["annotations"]
    assert "One-vs-rest" in titles[0]["text"] and "softmax" in titles[1]["text"]
    at.selectbox(key="loss.iris_second").set_value("sepal length").run()
    assert not at.exception
    assert at.error and "two different" in at.error[0].value


def test_synthetic_data_without_penalty_is_refused_when_separable():
    at = open_page(**{"loss.source": "Synthetic 2-D", "loss.overlap": 0.0, "loss.C": 1.0})
    assert not at.error
    at.select_slider(key="loss.C").set_value(float("inf")).run()
    assert not at.exception
    assert at.error and "finite C" in at.error[0].value


@pytest.mark.slow
def test_your_sounds_uses_the_session_data_set_or_the_built_in_one():
    at = open_page(**{"loss.source": "Your sounds"})
    assert not at.error
    assert "built-in" in captions(at)
    assert any(t[0] == "contour" for t in chart_types(at))
    small = sound_silence_dataset(per_class=5, clip_seconds=0.25, seed=1)
    at.session_state["datasets"] = {"tones": small}
    at.run()
    assert at.selectbox(key="loss.music_set").options[0] == "tones"
    at.selectbox(key="loss.music_set").set_value("tones").run()
    assert not at.exception and not at.error
    assert "12 samples" not in captions(at) and "10 samples" in captions(at)


def test_surface_download_is_made_on_click_at_the_lecture_resolution():
    from musicml.ui import loss as lab

    spec = lab.DataSpec(kind="lecture")
    theta = lab.optimum(spec, 1, 1.0)
    make = lab.surface_csv(spec, 1, 1.0, tuple(theta), 0.6)
    assert callable(make), "the CSV is built only when the button is clicked"
    table = np.loadtxt(io.StringIO(make().decode()), delimiter=",", skiprows=1)
    assert table.shape == (lab.GRID * lab.GRID, 3)
    lowest = table[np.argmin(table[:, 2]), :2]
    assert lowest == pytest.approx(theta, abs=2 * 1.2 / (lab.GRID - 1))
    drawn = lab.surface(spec, 1, 1.0, tuple(theta), 0.6)[2]
    assert drawn.shape == (lab.DRAWN_GRID, lab.DRAWN_GRID)


@pytest.mark.slow
def test_class_1_follows_the_data_set_of_your_sounds():
    """Class 1 is the second of two classes, set again when another data set is chosen."""
    from musicml.datasets import notes_dataset

    at = open_page(**{"loss.source": "Your sounds"})
    at.session_state["datasets"] = {
        "tones": sound_silence_dataset(per_class=5, clip_seconds=0.25, seed=1),
        "notes": notes_dataset(per_class=2, clip_seconds=0.25, seed=1),
    }
    at.run()
    at.selectbox(key="loss.music_set").set_value("notes").run()
    assert not at.exception and not at.error
    notes = at.selectbox(key="loss.positive.music")
    assert notes.options[0] == "A" and notes.value == "A"
    notes.set_value("C").run()
    at.selectbox(key="loss.music_set").set_value("tones").run()
    assert not at.exception and not at.error
    tones = at.selectbox(key="loss.positive.music")
    assert tones.value == tones.options[1] and len(tones.options) == 2
    at.selectbox(key="loss.music_set").set_value("notes").run()
    assert at.selectbox(key="loss.positive.music").value == "A"
