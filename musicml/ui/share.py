"""A link that reopens exactly what you see: each page's main controls mirrored in the URL.

Every page calls :func:`share_view` once, right after ``page_setup`` and before any of
its widgets exist. On each full run it

1. restores the controls the address names and this session has not set yet (a new
   session opened from a shared link), after checking every value against the widget's
   options, so a bad or outdated parameter falls back to the default with a small notice
   instead of making Streamlit raise;
2. writes the current value of every control back to ``st.query_params`` (a control on
   its default leaves the address), so the address bar always holds this view;
3. shows a "Copy link to this view" box in the sidebar.

The parameters of a page are declared once, in :data:`REGISTRY`: the widget's key, the
kind of value and what it allows, mirroring the widget call in the page. The name in the
URL is the key without the page's prefix (``synth.freq`` → ``?freq=880``). Parameters this
module does not know are left alone (``lang`` is reserved for the language picker).
Uploaded files, recordings and this session's data sets or models cannot travel in a link:
those choices are written to the URL but restored with a note saying so.

A control inside an ``st.fragment`` reruns only the fragment, not the page's first lines:
such a fragment calls :func:`mirror` at its end, or the address catches up on the page's
next full run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from musicml import builtin, synth
from musicml.audio import SAMPLE_RATES
from musicml.classify import window_seconds
from musicml.features import FEATURE_KINDS, N_MELS
from musicml.i18n import N_, english_of
from musicml.i18n import gettext as _
from musicml.lossdata import IRIS_FEATURES
from musicml.models import MODEL_NAMES
from musicml.ui.loss import BUILTIN_SOUNDS, C_VALUES, DEFAULT_VIEW, SOURCES, VIEWS
from musicml.ui.models import BUILTIN_CHOICES, UPLOAD_MODEL
from musicml.ui.sound import DATASET_KINDS, KIND_LABELS, SYNTH_NOTES
from musicml.ui.state import kept_control
from musicml.ui.widgets import DATASET_CLIP, RECORD, UPLOAD

RESERVED = frozenset({"lang", "embed", "embed_options"})
"""URL parameters no page control may use (``lang``: the language, issue 13 item 2)."""

# What a link cannot carry (English; translated where shown, in _join).
_UPLOAD_NOTE = N_("an uploaded file")
_RECORD_NOTE = N_("a recording")
_SESSION_NOTE = N_("a data set of the session it was made in")


class BadValue(ValueError):
    """A URL value a control cannot take; the message says what it expects."""


def _number_text(value: float) -> str:
    """A number as short URL text: ``880``, ``0.05``, ``inf``."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.10g}"


def _parse_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadValue(_("a number")) from None
    if math.isnan(value):
        raise BadValue(_("a number"))
    return value


@dataclass(frozen=True)
class Param:
    """One control of a page: its widget key and default.

    ``follows``, when given, computes a default that depends on other controls from
    ``st.session_state``; a default of ``None`` without it (one that depends on the
    data) means the value is always written.
    """

    key: str
    default: Any = None
    follows: Callable[[Mapping[str, Any]], Any] | None = None

    @property
    def name(self) -> str:
        """The URL parameter: the key without the page prefix."""
        return self.key.split(".", 1)[1]

    def parse(self, values: list[str]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, value: Any) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def local_note(self, value: Any) -> str | None:
        """What cannot travel with this value (an upload, a recording), else ``None``."""
        return None

    def default_now(self) -> Any:
        """The default as the other controls stand now."""
        return self.follows(st.session_state) if self.follows else self.default

    def is_default(self, value: Any) -> bool:
        default = self.default_now()
        return default is not None and self._same(value, default)

    def _same(self, value: Any, default: Any) -> bool:
        return value == default


@dataclass(frozen=True)
class Number(Param):
    """A slider or number input with one value from ``low`` to ``high``."""

    low: float = 0
    high: float = 1
    integer: bool = False

    def _expected(self) -> str:
        if self.integer:
            text = _("a whole number from {low} to {high}")
        else:
            text = _("a number from {low} to {high}")
        return text.format(low=_number_text(self.low), high=_number_text(self.high))

    def _one(self, text: str) -> int | float:
        try:
            value = _parse_number(text)
        except BadValue:
            raise BadValue(self._expected()) from None
        if not self.low <= value <= self.high or (self.integer and not value.is_integer()):
            raise BadValue(self._expected())
        return int(value) if self.integer else value

    def parse(self, values: list[str]) -> int | float:
        if len(values) != 1:
            raise BadValue(self._expected())
        return self._one(values[0])

    def encode(self, value: Any) -> list[str]:
        return [_number_text(value)]


@dataclass(frozen=True)
class Range(Number):
    """A range slider: two values ``low <= a <= b <= high``, repeated in the URL."""

    def parse(self, values: list[str]) -> tuple:
        expected = _("two values, each {expected}").format(expected=self._expected())
        if len(values) != 2:
            raise BadValue(expected)
        try:
            a, b = (self._one(v) for v in values)
        except BadValue:
            raise BadValue(expected) from None
        if a > b:
            raise BadValue(_("{expected}, the smaller first").format(expected=expected))
        return (a, b)

    def encode(self, value: Any) -> list[str]:
        return [_number_text(v) for v in value]

    def _same(self, value: Any, default: Any) -> bool:
        return tuple(value) == tuple(default)


@dataclass(frozen=True)
class Toggle(Param):
    """A toggle or checkbox: ``true`` or ``false`` in the URL."""

    default: bool = False

    def parse(self, values: list[str]) -> bool:
        words = {"true": True, "1": True, "on": True, "false": False, "0": False, "off": False}
        if len(values) != 1 or values[0].lower() not in words:
            raise BadValue(_("true or false"))
        return words[values[0].lower()]

    def encode(self, value: Any) -> list[str]:
        return ["true" if value else "false"]


@dataclass(frozen=True)
class Choice(Param):
    """A selectbox, radio, segmented control, select_slider or tabs: one of ``options``.

    ``tokens`` gives short URL names of options (default: the option as text);
    ``local`` maps options that need something the link cannot carry (an upload)
    to what that is. Values outside ``options`` (this session's data sets or
    models) are left out of the URL.
    """

    options: Sequence[Any] = ()
    tokens: Mapping[str, Any] = field(default_factory=dict)
    local: Mapping[Any, str] = field(default_factory=dict)
    other_note: str | None = None

    def _token(self, option: Any) -> str:
        for token, value in self.tokens.items():
            if value == option:
                return token
        if isinstance(option, int | float) and not isinstance(option, bool):
            return _number_text(option)
        return str(option)

    def _expected(self) -> str:
        names = [self._token(o) for o in self.options]
        shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
        return _("one of {options}").format(options=shown)

    def parse(self, values: list[str]) -> Any:
        if len(values) != 1:
            raise BadValue(self._expected())
        text = values[0]
        for option in self.options:
            if self._token(option) == text or (isinstance(option, str) and option == text):
                return option
        numeric = [
            o for o in self.options if isinstance(o, int | float) and not isinstance(o, bool)
        ]
        if numeric:
            try:
                number = _parse_number(text)
            except BadValue:
                number = None
            for option in numeric:
                if number is not None and math.isclose(option, number, rel_tol=1e-9):
                    return option
        raise BadValue(self._expected())

    def _option(self, value: Any) -> Any:
        """The option behind ``value``: itself, or the English option of a translated label."""
        if value in self.options or not isinstance(value, str):
            return value
        option = english_of(value, [o for o in self.options if isinstance(o, str)])
        return value if option is None else option

    def _same(self, value: Any, default: Any) -> bool:
        return self._option(value) == default

    def encode(self, value: Any) -> list[str]:
        value = self._option(value)
        if value not in self.options:
            raise BadValue("not shareable")
        return [self._token(value)]

    def local_note(self, value: Any) -> str | None:
        value = self._option(value)
        if value in self.local:
            return self.local[value]
        if value is not None and value not in self.options:
            return self.other_note
        return None


@dataclass(frozen=True)
class Many(Choice):
    """A multiselect: the chosen options, repeated in the URL (one blank value: none)."""

    def parse(self, values: list[str]) -> list:
        if values == [""]:
            return []
        return [Choice.parse(self, [v]) for v in values]

    def encode(self, value: Any) -> list[str]:
        value = list(value)
        if not value:
            return [""]
        return [Choice.encode(self, v)[0] for v in value]

    def _same(self, value: Any, default: Any) -> bool:
        return list(value) == list(default)

    def local_note(self, value: Any) -> str | None:
        return None


def _slug(options: Sequence[str], slugs: Sequence[str]) -> dict[str, str]:
    return dict(zip(slugs, options, strict=True))


def _source(key: str, examples: dict[str, str], *, datasets: bool) -> Choice:
    """The ``{key}.source`` control of :func:`musicml.ui.widgets.audio_picker`."""
    options = [*examples.values(), *([DATASET_CLIP] if datasets else []), UPLOAD, RECORD]
    tokens = dict(examples) | {"upload": UPLOAD, "record": RECORD}
    local = {UPLOAD: _UPLOAD_NOTE, RECORD: _RECORD_NOTE}
    if datasets:
        tokens["dataset"] = DATASET_CLIP
        local[DATASET_CLIP] = _SESSION_NOTE
    return Choice(key, options[0], options=options, tokens=tokens, local=local)


_TIMBRES = list(synth.TIMBRES)
_PITCHES = [synth.midi_to_note(m) for m in range(48, 85)]

SYNTHESIZE = (
    Number("synth.freq", 1000, low=20, high=8000, integer=True),
    Number("synth.amp", 0.8, low=0.0, high=1.0),
    Number("synth.phase", 0.0, low=0.0, high=round(2 * math.pi, 2)),
    Number("synth.duration", 1.0, low=0.1, high=5.0),
    Choice("synth.sr", 22050, options=SAMPLE_RATES),
    Toggle("synth.silence", True),
    Choice("synth.timbre", _TIMBRES[0], options=_TIMBRES),
    Choice("synth.envelope", next(iter(synth.ENVELOPES)), options=list(synth.ENVELOPES)),
    Number("synth.vibrato", 0, low=0, high=100, integer=True),
    Number("synth.vibrato_rate", 5.5, low=1.0, high=10.0),
    Number("synth.detune", 0, low=-50, high=50, integer=True),
    Toggle("synth.noise", False),
    Number("synth.snr", 20, low=-10, high=60, integer=True),
    Choice("synth.color", "white", options=["white", "pink", "brown"]),
    Number("synth.rt60", 0.0, low=0.0, high=3.0),
    Choice("synth.music_mode", "Chord", options=["Chord", "Melody"]),
    Many("synth.chord_notes", ["C4", "E4", "G4"], options=_PITCHES),
    Choice("synth.ds_kind", next(iter(DATASET_KINDS)), options=list(DATASET_KINDS)),
    Number("synth.ds_per_class", 30, low=2, high=200, integer=True),
    Number("synth.ds_seed", 0, low=0, high=1_000_000, integer=True),
    Number("synth.ds_len", 1.0, low=0.25, high=3.0),
    Choice("synth.ds_sr", 22050, options=(16000, 22050, 44100)),
    Number("synth.preview_n", 2, low=1, high=4, integer=True),
)

_KINDS = list(KIND_LABELS)
SPECTROGRAMS = (
    _source(
        "spec.source",
        {
            "tones": "Tone sequence 500…5000 Hz",
            "synth": "Synthesizer",
            "1khz": "1 kHz tone + silence",
            "sines": "400 Hz, 3000 Hz, both",
        },
        datasets=True,
    ),
    Choice("spec.synth.note", "A4", options=SYNTH_NOTES),
    Choice("spec.synth.timbre", _TIMBRES[0], options=_TIMBRES),
    Number("spec.synth.seconds", 2.0, low=0.5, high=4.0),
    Choice("spec.kind", _KINDS[0], options=_KINDS),
    Choice("spec.n_fft", 2048, options=(256, 512, 1024, 2048, 4096, 8192)),
    Choice("spec.hop", 512, options=(64, 128, 256, 512, 1024, 2048)),
    Range("spec.db_range", (-80, 0), low=-120, high=0, integer=True),
    Choice("spec.n_mels", 128, options=(32, 64, 128, 256)),
    # The pickers load every sound at 22050 Hz, so fmax goes up to 11025 Hz.
    Number("spec.fmax", 11025, low=1000, high=11025, integer=True),
    Number("spec.n_mfcc", 20, low=5, high=40, integer=True),
    Toggle("spec.log", False),
    Number("spec.octaves", 7, low=3, high=8, integer=True),
    Choice("spec.chroma_source", "stft", options=["stft", "cqt"]),
    Toggle("spec.spectrum_log", False),
    Choice(
        "spec.compare",
        "Two representations",
        options=["Two representations", "Two sounds"],
        tokens={"kinds": "Two representations", "sounds": "Two sounds"},
    ),
    Choice(
        "spec.kind2",
        options=_KINDS,
        follows=lambda state: "mel" if state.get("spec.kind") == "cqt" else "cqt",
    ),
)

LOSS_SURFACE = (
    Choice(
        "loss.source",
        next(iter(SOURCES)),
        options=list(SOURCES),
        tokens={v: k for k, v in SOURCES.items()},
    ),
    Choice("loss.iris_first", IRIS_FEATURES[0], options=IRIS_FEATURES),
    Choice("loss.iris_second", IRIS_FEATURES[1], options=IRIS_FEATURES),
    Choice(
        "loss.music_set",
        BUILTIN_SOUNDS,
        options=[BUILTIN_SOUNDS],
        tokens={"builtin": BUILTIN_SOUNDS},
        other_note=_SESSION_NOTE,
    ),
    Number("loss.overlap", 0.5, low=0.0, high=1.0),
    Number("loss.seed", 0, low=0, high=9999, integer=True),
    Choice("loss.C", 1.0, options=C_VALUES),
    Choice("loss.view", DEFAULT_VIEW, options=list(VIEWS.values()), tokens=VIEWS),
    Range("loss.zrange", (-10.0, 10.0), low=-20.0, high=20.0),
    Number("loss.threshold", 0.5, low=0.05, high=0.95),
    Number("loss.slice_half", 0.6, low=0.1, high=3.0),
    Number("loss.surface_half", 0.6, low=0.1, high=3.0),
    Number("loss.levels", 30, low=5, high=60, integer=True),
    Choice(
        "loss.method",
        "Plain",
        options=["Plain", "Momentum", "Newton"],
        tokens={"plain": "Plain", "momentum": "Momentum", "newton": "Newton"},
    ),
    Number("loss.rate", 3.0, low=0.001, high=50.0),
    Number("loss.steps", 300, low=1, high=1000, integer=True),
    Number("loss.start1", 0.0, low=-20.0, high=20.0),
    Number("loss.start2", 0.0, low=-20.0, high=20.0),
)

_TRAIN_DATA = {
    **{kind: label for label, kind in BUILTIN_CHOICES.items()},
    "upload": "Upload a labelled zip",
    "own": "Record or upload your own examples",
}
TRAIN = (
    Choice(
        "train.data",
        _TRAIN_DATA["sound-silence"],
        options=list(_TRAIN_DATA.values()),
        tokens=_TRAIN_DATA,
        local={
            _TRAIN_DATA["upload"]: N_("an uploaded zip"),
            _TRAIN_DATA["own"]: N_("recordings or files of your own"),
        },
        other_note=_SESSION_NOTE,
    ),
    Number("train.per_class", 40, low=10, high=200, integer=True),
    Number("train.data_seed", 0, low=0, high=10_000, integer=True),
    Choice("train.features", FEATURE_KINDS[0], options=FEATURE_KINDS),
    Choice("train.model", next(iter(MODEL_NAMES)), options=list(MODEL_NAMES)),
    Choice("train.C", 1.0, options=(0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)),
    Choice("train.multiclass", "own", options=["own", "ovr", "ovo", "multinomial"]),
    Number("train.l1", 0.0, low=0.0, high=1.0),
    Toggle("train.balanced", False),
    Choice("train.kernel", "rbf", options=["rbf", "linear"]),
    Choice("train.gamma", "scale", options=["scale", 0.0001, 0.001, 0.01, 0.1, 1.0]),
    Number("train.k", 5, low=1, high=25, integer=True),
    Number("train.trees", 100, low=10, high=300, integer=True),
    Choice("train.reduce", "none", options=["none", "pca", "lda"]),
    Number("train.components", 0, low=0, high=200, integer=True),
    Number("train.n_mels", N_MELS, low=16, high=128, integer=True),
    Number("train.n_mfcc", 20, low=5, high=40, integer=True),
    Choice("train.chroma_source", "stft", options=["stft", "cqt"]),
    Choice("train.fft_bins", 1000, options=(100, 250, 500, 1000, 2000)),
    Number("train.test_size", 0.25, low=0.1, high=0.5),
    Number("train.seed", 0, low=0, high=10_000, integer=True),
)

_MODEL_UPLOAD = UPLOAD_MODEL
_MODELS = {name: f"{name} — {blurb}" for name, blurb in builtin.BUILTIN_MODELS.items()}
CLASSIFY = (
    Choice(
        "classify.model",
        _MODELS["builtin:notes"],
        options=[*_MODELS.values(), _MODEL_UPLOAD],
        tokens=_MODELS | {"upload": _MODEL_UPLOAD},
        local={_MODEL_UPLOAD: N_("an uploaded model file")},
        other_note=N_("a model trained in the session it was made in"),
    ),
    _source(
        "classify.source",
        {"melody": "Example: a piano melody", "tones": "Example: tone sequence"},
        datasets=False,
    ),
    Choice(
        "classify.how",
        "Fixed windows",
        options=["Fixed windows", "At detected onsets"],
        tokens={"windows": "Fixed windows", "onsets": "At detected onsets"},
    ),
    Number("classify.seconds", low=0.25, high=10.0, follows=lambda state: _window(state)),
    Toggle("classify.hear"),
)


def _window(state: Mapping[str, Any]) -> float | None:
    """The Classify page's default window: the built-in model's clip length, to 0.25 s."""
    label = state.get("classify.model", _MODELS["builtin:notes"])
    name = next((name for name, shown in _MODELS.items() if shown == label), None)
    if name is None:
        return None  # a model of the session: its window is always written
    from musicml.ui.models import builtin_model

    return window_seconds(builtin_model(name).clip_seconds)


_ANALYSIS_VIEWS = [
    "Harmonic / percussive",
    "Stretch & shift",
    "NMF",
    "Beat-synchronous features",
    "CQT & chroma",
    "Key",
]
MUSIC_ANALYSIS = (
    _source(
        "analysis.source",
        {
            "drums": "Example: drums and melody, 120 BPM",
            "groove": "Example: slower groove, 96 BPM",
            "synth": "Synthesizer: melody",
        },
        datasets=True,
    ),
    Number("analysis.synth.bpm", 100, low=60, high=180, integer=True),
    Choice("analysis.synth.timbre", "piano", options=_TIMBRES),
    Number("analysis.synth.seed", 0, low=0, high=9999, integer=True),
    Choice("analysis.click_on", "beats", options=["beats", "onsets"]),
    Choice(
        "analysis.view",
        _ANALYSIS_VIEWS[0],
        options=_ANALYSIS_VIEWS,
        tokens=_slug(_ANALYSIS_VIEWS, ["hpss", "stretch", "nmf", "beat-sync", "cqt", "key"]),
    ),
    Number("analysis.margin", 1.0, low=1.0, high=4.0),
    Number("analysis.rate", 1.25, low=0.5, high=2.0),
    Number("analysis.semitones", 4, low=-12, high=12, integer=True),
    Number("analysis.components", 4, low=1, high=12, integer=True),
)

_LAB_VIEWS = ["Gaussian smoothing", "Power spectrum", "FIR low-pass", "Gabor filters"]
SIGNAL_LAB = (
    Choice(
        "lab.view",
        _LAB_VIEWS[0],
        options=_LAB_VIEWS,
        tokens=_slug(_LAB_VIEWS, ["smoothing", "power", "fir", "gabor"]),
    ),
    Number("lab.sigma", 5.0, low=0.5, high=30.0),
    Number("lab.noise", 0.6, low=0.0, high=2.0),
    Number("lab.period", 50, low=10, high=200, integer=True),
    Number("lab.true_period", 37.0, low=5.0, high=200.0),
    Number("lab.ps_noise", 1.5, low=0.0, high=4.0),
    Choice("lab.n_samples", 1024, options=(256, 512, 1024, 2048, 4096)),
    Number("lab.cutoff", 1000, low=100, high=8000, integer=True),
    Number("lab.taps", 101, low=11, high=401, integer=True),
    Number("lab.gabor_sigma", 5.0, low=0.5, high=20.0),
    Number("lab.gabor_freq", 440, low=50, high=5000, integer=True),
    _source(
        "lab.source",
        {"drums": "Example: drums and melody", "groove": "Example: slower groove"},
        datasets=True,
    ),
)

REGISTRY: dict[str, tuple[Param, ...]] = {
    "home": (),
    "synthesize": SYNTHESIZE,
    "spectrograms": SPECTROGRAMS,
    "loss_surface": LOSS_SURFACE,
    "train": TRAIN,
    "classify": CLASSIFY,
    "music_analysis": MUSIC_ANALYSIS,
    "signal_lab": SIGNAL_LAB,
}
"""Page (its URL path, ``home`` for app.py) → the controls a link carries."""


def restore(page: str) -> tuple[list[str], list[str]]:
    """Put the address's values into ``st.session_state`` for controls not set yet.

    Returns ``(problems, local)``: one phrase per parameter that was ignored (its
    default stays), and what the restored controls need that no link carries.
    A bad parameter is removed from the address.
    """
    problems: list[str] = []
    local: list[str] = []
    for param in REGISTRY[page]:
        if param.key in st.session_state or param.name not in st.query_params:
            continue
        if kept_control(param.key)[0]:  # set this session, drawn or not: the link is older
            continue
        values = st.query_params.get_all(param.name)
        try:
            value = param.parse(values)
        except BadValue as exc:
            # Shown as code, cut short and without backticks: the address is anyone's text.
            shown = "&".join(f"{param.name}={v}" for v in values).replace("`", "'")
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            problems.append(_("`{shown}` (expected {expected})").format(shown=shown, expected=exc))
            del st.query_params[param.name]
            continue
        st.session_state[param.key] = value
        note = param.local_note(value)
        if note:
            local.append(note)
    return problems, local


def current_params(page: str) -> dict[str, list[str]]:
    """The URL parameters of this page's controls as they are now (defaults left out)."""
    params: dict[str, list[str]] = {}
    for param in REGISTRY[page]:
        kept, value = kept_control(param.key)
        if param.key in st.session_state:
            value = st.session_state[param.key]
        elif not kept:
            if param.name in st.query_params:  # a control not drawn this run keeps its value
                params[param.name] = st.query_params.get_all(param.name)
            continue
        if value is None or param.is_default(value):
            continue
        try:
            params[param.name] = param.encode(value)
        except BadValue:
            continue  # this session's own data set or model: nothing to carry
    return params


def _write(page: str, params: dict[str, list[str]]) -> None:
    """Make this page's parameters in ``st.query_params`` exactly ``params``."""
    for param in REGISTRY[page]:
        wanted = params.get(param.name)
        if wanted is None:
            if param.name in st.query_params:
                del st.query_params[param.name]
        elif st.query_params.get_all(param.name) != wanted:
            st.query_params[param.name] = wanted


def mirror(page: str) -> None:
    """Write this page's controls, as they are now, to the address.

    :func:`share_view` does this on every full run. A control inside an
    ``st.fragment`` changes only the fragment, so a fragment with shared controls
    calls this at its end to update the address at once.
    """
    _write(page, current_params(page))
    box = st.session_state.get(LINK_BOX)
    if box is not None:
        # The sidebar's box of this full run; a fragment writes it on every run of its own
        # (Streamlit lets a fragment write outside only where it wrote in the full run).
        box.code(link(page), language=None, wrap_lines=True)


def local_notes(page: str) -> list[str]:
    """What the current view uses that a link cannot carry (an upload, a recording)."""
    notes = []
    for param in REGISTRY[page]:
        if param.key in st.session_state:
            note = param.local_note(st.session_state[param.key])
            if note:
                notes.append(note)
    return notes


LINK_BOX = "share.link_box"
"""Plain session key: the sidebar's link box of the last full run, for fragments to refresh."""


def link(page: str) -> str:
    """The address of this view: the page's own URL when known, else a relative link."""
    text = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    base = st.context.url or ("./" if page == "home" else f"./{page}")
    return f"{base}?{text}" if text else base


def share_view(page: str) -> None:
    """Restore this page's controls from the address, mirror them back and show the link.

    Call it once per page, right after ``page_setup`` and before the page's widgets.

    Parameters
    ----------
    page : str
        The page's key in :data:`REGISTRY` (its URL path; ``home`` for app.py).
    """
    problems, restored_local = restore(page)
    if problems:
        st.toast(
            _(
                "Some settings in this link could not be used, so they start at their "
                "defaults: {problems}."
            ).format(problems="; ".join(problems)),
            icon=":material/link_off:",
        )
    if restored_local:
        st.toast(
            _(
                "This link was made with {join}, which a link cannot carry: add yours "
                "again. The other settings are as they were shared."
            ).format(join=_join(restored_local)),
            icon=":material/upload_file:",
        )
    _write(page, current_params(page))
    with st.sidebar:
        st.markdown(_("**:material/link: Copy link to this view**"))
        box = st.empty()
        box.code(link(page), language=None, wrap_lines=True)
        st.session_state[LINK_BOX] = box
        notes = local_notes(page)
        if notes:
            st.caption(
                _(
                    "The link keeps every setting but not {join}: whoever opens it adds their own."
                ).format(join=_join(notes))
            )


def _join(items: list[str]) -> str:
    items = [_(item) for item in dict.fromkeys(items)]
    if len(items) == 1:
        return items[0]
    return _("{items} or {last}").format(items=_(", ").join(items[:-1]), last=items[-1])
