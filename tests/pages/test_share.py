"""Shared links: each page's controls live in the URL and come back from it.

Every page is opened first by URL (its own script, as on a fresh server), with query
parameters seeded the way a shared link carries them.
"""

from __future__ import annotations

import math

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from musicml.i18n import english_of, translate
from musicml.ui import share
from musicml.ui.share import REGISTRY, Choice, Many, Number, Range, Toggle

TIMEOUT = 180
PATHS = {"home": "app.py", **{page: f"pages/{page}.py" for page in REGISTRY if page != "home"}}


def _open(page: str, params: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PATHS[page]), default_timeout=TIMEOUT)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _query(at: AppTest) -> dict[str, str | list[str]]:
    return dict(at.query_params)


def _link(at: AppTest) -> str:
    (box,) = [c for c in at.sidebar.code]
    return box.value


# ----------------------------------------------------------------------------- the registry


def test_every_page_has_a_registry_and_no_page_uses_a_reserved_name():
    assert set(PATHS.values()) == {"app.py", *(f"pages/{p.name}" for p in ROOT.glob("pages/*.py"))}
    for page, params in REGISTRY.items():
        names = [p.name for p in params]
        assert len(names) == len(set(names)), f"{page}: two controls share a URL name"
        assert not set(names) & share.RESERVED, page
        for param in params:
            if param.default is not None and not isinstance(param, Many | Range):
                assert param.parse(param.encode(param.default)) == param.default, param.key


@pytest.mark.parametrize(
    ("param", "values", "expected"),
    [
        (Number("x.f", 1, low=20, high=8000, integer=True), ["880"], 880),
        (Number("x.f", 1, low=20, high=8000, integer=True), ["880.0"], 880),
        (Number("x.a", 0.5, low=0.0, high=1.0), ["0.25"], 0.25),
        (Range("x.r", (-80, 0), low=-120, high=0, integer=True), ["-60", "-5"], (-60, -5)),
        (Toggle("x.t", False), ["true"], True),
        (Toggle("x.t", False), ["0"], False),
        (Choice("x.c", 1.0, options=(0.001, 1.0, math.inf)), ["inf"], math.inf),
        (Choice("x.c", 1.0, options=(0.001, 1.0, math.inf)), ["1e-3"], 0.001),
        (Choice("x.g", "scale", options=["scale", 0.01]), ["0.01"], 0.01),
        (Choice("x.m", "A", options=["A", "B"], tokens={"b": "B"}), ["b"], "B"),
        (Many("x.n", [], options=["C4", "E4"]), ["E4", "C4"], ["E4", "C4"]),
        (Many("x.n", ["C4"], options=["C4", "E4"]), [""], []),
    ],
)
def test_a_good_url_value_becomes_the_widget_value(param, values, expected):
    value = param.parse(values)
    assert value == expected and type(value) is type(expected)
    assert param.parse(param.encode(value)) == value


@pytest.mark.parametrize(
    ("param", "values", "message"),
    [
        (
            Number("x.f", 1, low=20, high=8000, integer=True),
            ["9000"],
            "whole number from 20 to 8000",
        ),
        (Number("x.f", 1, low=20, high=8000, integer=True), ["440.5"], "whole number"),
        (Number("x.a", 0.5, low=0.0, high=1.0), ["nan"], "a number from 0 to 1"),
        (Number("x.a", 0.5, low=0.0, high=1.0), ["1", "2"], "a number from 0 to 1"),
        (Range("x.r", (-80, 0), low=-120, high=0, integer=True), ["0", "-60"], "smaller first"),
        (Range("x.r", (-80, 0), low=-120, high=0, integer=True), ["-60"], "two values"),
        (Toggle("x.t", False), ["maybe"], "true or false"),
        (Choice("x.c", 1.0, options=(0.001, 1.0)), ["3"], "one of 0.001, 1"),
        (Many("x.n", [], options=["C4", "E4"]), ["C4", "H9"], "one of C4, E4"),
    ],
)
def test_a_bad_url_value_is_refused_with_what_was_expected(param, values, message):
    with pytest.raises(share.BadValue, match=message):
        param.parse(values)


# ----------------------------------------------------------------------------- pages

# page → (a link's parameters, the widget values they give, three changes → the URL after).
CASES = {
    "synthesize": (
        {"freq": "440", "amp": "0.5", "timbre": "piano", "noise": "true", "ds_kind": "timbre"},
        {
            "synth.freq": 440,
            "synth.amp": 0.5,
            "synth.timbre": "piano",
            "synth.noise": True,
            "synth.ds_kind": "timbre",
        },
        {"synth.duration": 2.0, "synth.envelope": "pluck", "synth.silence": False},
        {"duration": "2", "envelope": "pluck", "silence": "false"},
    ),
    "spectrograms": (
        {
            "source": "1khz",
            "kind": "mfcc",
            "n_fft": "1024",
            "db_range": ["-60", "0"],
            "n_mfcc": "13",
        },
        {
            "spec.source": "1 kHz tone + silence",
            "spec.kind": "mfcc",
            "spec.n_fft": 1024,
            "spec.db_range": (-60, 0),
            "spec.n_mfcc": 13,
        },
        {"spec.hop": 256, "spec.n_mels": 64, "spec.spectrum_log": True},
        {"hop": "256", "n_mels": "64", "spectrum_log": "true"},
    ),
    "loss_surface": (
        {
            "source": "synthetic",
            "overlap": "0.2",
            "C": "0.01",
            "view": "descent",
            "method": "newton",
            "rate": "0.5",
            "steps": "50",
        },
        {
            "loss.source": "Synthetic 2-D",
            "loss.overlap": 0.2,
            "loss.C": 0.01,
            "loss.view": "Gradient descent",
            "loss.method": "Newton",
            "loss.rate": 0.5,
            "loss.steps": 50,
        },
        {"loss.C": 100.0, "loss.steps": 80, "loss.start1": 1.5},
        {"C": "100", "steps": "80", "start1": "1.5"},
    ),
    "train": (
        {
            "data": "notes",
            "per_class": "10",
            "features": "mfcc",
            "model": "svm",
            "C": "10",
            "multiclass": "ovr",
        },
        {
            "train.data": "Built-in: notes C–B and silence",
            "train.model": "svm",
            "train.per_class": 10,
            "train.features": "mfcc",
            "train.C": 10.0,
            "train.multiclass": "ovr",
        },
        {"train.features": "chroma", "train.C": 0.1, "train.multiclass": "ovo"},
        {"features": "chroma", "C": "0.1", "multiclass": "ovo"},
    ),
    "classify": (
        {"model": "builtin:sound-silence", "source": "tones", "how": "onsets"},
        {
            "classify.model": share._MODELS["builtin:sound-silence"],
            "classify.source": "Example: tone sequence",
            "classify.how": "At detected onsets",
        },
        {
            "classify.how": "Fixed windows",
            "classify.source": "Example: a piano melody",
            "classify.model": share._MODELS["builtin:notes"],
        },
        {"how": None, "source": None, "model": None},
    ),
    "music_analysis": (
        {
            "source": "synth",
            "synth.bpm": "120",
            "view": "stretch",
            "rate": "1.5",
            "semitones": "-3",
            "click_on": "onsets",
        },
        {
            "analysis.source": "Synthesizer: melody",
            "analysis.synth.bpm": 120,
            "analysis.view": "Stretch & shift",
            "analysis.rate": 1.5,
            "analysis.semitones": -3,
            "analysis.click_on": "onsets",
        },
        {"analysis.rate": 0.75, "analysis.semitones": 7, "analysis.synth.timbre": "flute"},
        {"rate": "0.75", "semitones": "7", "synth.timbre": "flute"},
    ),
    "signal_lab": (
        {"view": "fir", "cutoff": "2000", "taps": "51"},
        {"lab.view": "FIR low-pass", "lab.cutoff": 2000, "lab.taps": 51},
        {"lab.view": "Power spectrum", "lab.true_period": 50.0, "lab.n_samples": 2048},
        {"view": "power", "true_period": "50", "n_samples": "2048"},
    ),
}


def _set(at: AppTest, key: str, value) -> None:
    widget = at.get_by_key(key)
    widget.set_value(value)


@pytest.mark.parametrize("page", list(CASES))
def test_a_link_restores_the_view_and_changes_update_the_address(page):
    params, restored, changes, after = CASES[page]
    at = _open(page, {**params, "lang": "ja", "unknown": "1"})
    for key, value in restored.items():
        state = at.session_state[key]
        if isinstance(value, str) and state != value:
            state = english_of(state, [value])  # tabs keep their label, in the page's language
        assert state == value, key
    assert not at.toast, [t.value for t in at.toast]
    query = _query(at)
    assert query["lang"] == "ja" and query["unknown"] == "1", "other parameters are left alone"
    for name, value in params.items():
        assert query[name] == value, name
    link = _link(at)
    assert link.startswith(f"./{page}?") and "lang=ja" in link

    for key, value in changes.items():
        _set(at, key, value)
        if page != "train":  # one change at a time: a change can bring up the next control
            at.run()
            assert not at.exception, at.exception
            assert not at.error, [e.value for e in at.error]
    if page == "train":  # the settings form applies its values together
        at.form_submit_button[0].click().run()
        assert not at.exception, at.exception
    query = _query(at)
    for name, value in after.items():
        if value is None:
            assert name not in query, f"{name} is back on its default, so off the address"
        else:
            assert query[name] == value, name
    for key, value in changes.items():
        assert at.session_state[key] == value, key
    assert all(f"{name}=" in _link(at) for name, value in after.items() if value is not None)


def _bad_params(page: str) -> dict[str, list[str]]:
    return {
        param.name: ["%%bad", "x"] if isinstance(param, Range) else ["%%bad"]
        for param in REGISTRY[page]
    }


@pytest.mark.parametrize("page", [p for p in REGISTRY if p != "home"])
def test_bad_parameters_fall_back_to_the_defaults_with_a_notice(page):
    at = _open(page, {**_bad_params(page), "lang": "zh", "zzz": "1"})
    (toast,) = at.toast
    # In the link's language (``lang=zh``): the notice, not only the page, is translated.
    notice = "Some settings in this link could not be used, so they start at their defaults: "
    assert translate(notice + "{problems}.", "zh").split("{problems}")[0] in toast.value
    for param in REGISTRY[page]:
        assert f"`{param.name}=%%bad" in toast.value, param.name
    assert _query(at) == {"lang": "zh", "zzz": "1"}, "bad parameters leave the address"

    # On its defaults the page writes nothing: the registry's defaults are the widgets'.
    at.run()
    assert not at.exception, at.exception
    assert not at.toast
    assert _query(at) == {"lang": "zh", "zzz": "1"}
    drawn = 0
    for param in REGISTRY[page]:
        if param.key not in at.session_state:
            continue
        drawn += 1
        default = param.default_now()
        if default is not None:
            assert param._same(at.session_state[param.key], default), param.key
        try:
            widget = at.get_by_key(param.key)
        except KeyError:  # tabs are blocks, not elements with a key
            continue
        if isinstance(param, Number):
            assert (widget.proto.min, widget.proto.max) == (param.low, param.high), param.key
        elif isinstance(param, Choice) and getattr(widget, "options", None):
            assert len(widget.options) == len(param.options), param.key
    assert drawn >= 3


def test_a_link_made_with_an_upload_keeps_its_settings_and_says_the_file_did_not_travel():
    at = _open("classify", {"source": "upload", "how": "onsets", "model": "builtin:notes"})
    assert at.session_state["classify.how"] == "At detected onsets"
    assert at.file_uploader(key="classify.upload")
    (toast,) = at.toast
    assert "an uploaded file" in toast.value and "other settings" in toast.value
    assert any("not an uploaded file" in c.value for c in at.sidebar.caption)
    assert _query(at)["source"] == "upload"


def test_a_crafted_value_is_shown_as_short_plain_code():
    at = _open("signal_lab", {"view": "fir", "cutoff": "`[click](http://x.example)`" + "9" * 100})
    (toast,) = at.toast
    assert "`cutoff='[click](http://x.example)'99" in toast.value
    assert "…` (expected a whole number from 100 to 8000)" in toast.value
    assert at.session_state["lab.cutoff"] == 1000


def test_the_home_page_shows_a_link_too():
    at = _open("home", {"lang": "zh"})
    assert _link(at) == "./?lang=zh"
