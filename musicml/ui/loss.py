"""Cached glue of the loss-surface page: data sets, optima, grids, descent paths.

Every wrapper is keyed on a :class:`DataSpec` and a few numbers. A session data set
travels as ``_dataset`` (not hashed); its content hash in ``DataSpec.fingerprint``
keys the cache instead.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from musicml import loss, lossdata
from musicml.datasets import Dataset, sound_silence_dataset
from musicml.errors import ParameterError
from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.language import spinner

SOURCES = {
    N_("Lecture: breast cancer"): "lecture",
    N_("Iris"): "iris",
    N_("Your sounds"): "music",
    N_("Synthetic 2-D"): "synthetic",
}
"""Data-source option (English, shown translated) → kind."""
BUILTIN_SOUNDS = N_("Built-in: sound vs silence")
C_VALUES = (
    *(m * 10.0**e for e in range(-3, 4) for m in (1, 2, 5)),
    10_000.0,
    math.inf,
)
"""The C slider's stops: 1-2-5 steps on a log scale from 0.001 to 10 000, then no penalty."""
VIEWS = {
    "sigmoid": N_("Sigmoid"),
    "slices": N_("Slices"),
    "surface": N_("Contours"),
    "surface3d": N_("3-D surface"),
    "descent": N_("Gradient descent"),
    "boundary": N_("Decision boundary"),
    "multiclass": N_("Multiclass"),
}
"""The page's views (tabs): the token a shared link uses for each, and its label."""
DEFAULT_VIEW = VIEWS["surface"]
GRID = 200
"""Points per axis of the downloadable loss grid (200 × 200, the lecture's picture)."""
DRAWN_GRID = 100
"""Points per axis of the loss grid drawn on the page: a smooth bowl needs no more, and
a quarter of the points keeps a slider step quick (the download has the full grid)."""


@dataclass(frozen=True)
class DataSpec:
    """Which lab data set, as a small hashable key.

    ``kind`` is ``lecture``, ``iris``, ``music`` or ``synthetic``; ``fingerprint`` is the
    content hash of a session data set (empty for the built-in sound-vs-silence set).
    """

    kind: str = "lecture"
    iris_features: tuple[int, int] = (0, 1)
    overlap: float = 0.5
    seed: int = 0
    fingerprint: str = ""


# Names inside the lab data sets (musicml.lossdata, scikit-learn's data), shown translated.
_DATA_NAMES = (
    N_("breast cancer (lecture recipe)"),
    N_("iris"),
    N_("your sounds (2 principal components of mel features)"),
    N_("mean radius"),
    N_("mean texture"),
    N_("sepal length"),
    N_("sepal width"),
    N_("petal length"),
    N_("petal width"),
    N_("malignant"),
    N_("benign"),
    N_("setosa"),
    N_("versicolor"),
    N_("virginica"),
    N_("class 0"),
    N_("class 1"),
)
_STANDARDISED = " (standardised)"
_SYNTHETIC = "synthetic (overlap "


def shown(name: str) -> str:
    """A lab data set's, feature's or class's name in the session's language.

    :func:`lab_data` is cached with English names; pages translate them here.
    Names of the session's own data (its class labels) are shown as they are.
    """
    name = str(name)
    if name.endswith(_STANDARDISED):
        feature = _(name.removesuffix(_STANDARDISED))
        return _("{feature} (standardised)").format(feature=feature)
    if name.startswith(_SYNTHETIC) and name.endswith(")"):
        overlap = name.removeprefix(_SYNTHETIC).removesuffix(")")
        return _("synthetic (overlap {overlap})").format(overlap=overlap)
    return _(name)


def format_C(C: float) -> str:
    """``∞ (no penalty)`` for inf, otherwise the number."""
    return _("∞ (no penalty)") if math.isinf(C) else f"{C:g}"


def dataset_fingerprint(dataset: Dataset) -> str:
    """A hash of a data set's labels, names, settings and (every 101st sample of) its clips.

    Striding keeps this cheap on every rerun even for minutes of audio per clip, while
    any realistic edit (another clip, another label, other settings) changes it.
    """
    digest = hashlib.blake2b(digest_size=16)
    # Clips may differ in length (Dataset.clips is a list), so hash them one by one.
    digest.update(repr((len(dataset.clips), dataset.sr)).encode())
    for clip in dataset.clips:
        clip = np.asarray(clip)
        digest.update(repr((clip.shape, str(clip.dtype))).encode())
        digest.update(np.ascontiguousarray(clip.reshape(-1)[::101]).tobytes())
    digest.update("\0".join(dataset.labels.tolist()).encode())
    digest.update("\0".join(dataset.names).encode())
    digest.update(repr(sorted(dataset.settings.items())).encode())
    return digest.hexdigest()


@spinner(N_("Preparing the data…"))
@st.cache_data(max_entries=8, show_spinner=False)
def lab_data(spec: DataSpec, _dataset: Dataset | None = None) -> lossdata.LabData:
    """The two-feature data set ``spec`` names (``_dataset`` for kind ``music``)."""
    if spec.kind == "lecture":
        return lossdata.breast_cancer_data()
    if spec.kind == "iris":
        return lossdata.iris_data(features=spec.iris_features)
    if spec.kind == "synthetic":
        return lossdata.synthetic_data(overlap=spec.overlap, seed=spec.seed)
    if spec.kind == "music":
        dataset = _dataset if _dataset is not None else sound_silence_dataset(seed=spec.seed)
        return lossdata.music_data(dataset)
    raise ParameterError(
        "kind must be one of {choices}; got {kind!r}.",
        choices=sorted(SOURCES.values()),
        kind=spec.kind,
    )


def _problem(spec, positive, dataset) -> tuple[np.ndarray, np.ndarray]:
    data = lab_data(spec, dataset)
    return data.features, data.binary_labels(positive)


@st.cache_data(max_entries=64)
def optimum(spec: DataSpec, positive: int, C: float, _dataset: Dataset | None = None) -> np.ndarray:
    """scikit-learn's θ for the binary problem ``positive`` vs the rest at this C."""
    return loss.logistic_optimum(*_problem(spec, positive, _dataset), C=C)


@st.cache_data(max_entries=64)
def unpenalised_optimum(
    spec: DataSpec, positive: int, _dataset: Dataset | None = None
) -> np.ndarray | None:
    """scikit-learn's θ with no penalty, or ``None`` when it does not exist (separable)."""
    try:
        return loss.logistic_optimum(*_problem(spec, positive, _dataset), C=math.inf)
    except ParameterError:
        return None


@st.cache_data(max_entries=16, show_spinner=False)
def surface(
    spec: DataSpec,
    positive: int,
    C: float,
    center: tuple[float, float],
    half_width: float,
    _dataset: Dataset | None = None,
    *,
    resolution: int = DRAWN_GRID,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(theta1, theta2, J)`` on a ``resolution`` × ``resolution`` grid around ``center``."""
    t1, t2 = loss.window_axes(center, half_width=half_width, resolution=resolution)
    return t1, t2, loss.loss_surface(*_problem(spec, positive, _dataset), t1, t2, C=C)


@st.cache_data(max_entries=16, show_spinner=False)
def slices(
    spec: DataSpec,
    positive: int,
    C: float,
    center: tuple[float, float],
    half_width: float,
    _dataset: Dataset | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """J(θ1) and J(θ2) through ``center`` (see :func:`musicml.loss.loss_slices`)."""
    features, labels = _problem(spec, positive, _dataset)
    return loss.loss_slices(features, labels, center, half_width=half_width, C=C)


@st.cache_data(max_entries=16, show_spinner=False)
def loss_at(
    spec: DataSpec,
    positive: int,
    C: float,
    theta: tuple[float, float],
    _dataset: Dataset | None = None,
) -> float:
    """The mean-form loss at one θ."""
    return loss.log_loss(np.array(theta), *_problem(spec, positive, _dataset), C=C)


@spinner(N_("Descending…"))
@st.cache_data(max_entries=16, show_spinner=False)
def descent(
    spec: DataSpec,
    positive: int,
    C: float,
    *,
    start: tuple[float, float],
    learning_rate: float,
    steps: int,
    method: str,
    _dataset: Dataset | None = None,
) -> tuple[loss.DescentPath, np.ndarray, np.ndarray, np.ndarray]:
    """A descent path and a loss grid that covers it and scikit-learn's optimum."""
    features, labels = _problem(spec, positive, _dataset)
    path = loss.gradient_descent(
        features,
        labels,
        start=start,
        learning_rate=learning_rate,
        steps=steps,
        C=C,
        method=method,
    )
    target = optimum(spec, positive, C, _dataset)
    t1, t2 = loss.path_axes(np.vstack([path.thetas, target]), resolution=150)
    return path, t1, t2, loss.loss_surface(features, labels, t1, t2, C=C)


@spinner(N_("Fitting both multiclass models…"))
@st.cache_data(max_entries=8, show_spinner=False)
def multiclass(
    spec: DataSpec, C: float, _dataset: Dataset | None = None
) -> loss.MulticlassComparison:
    """One-vs-rest against softmax on the data set's own classes."""
    data = lab_data(spec, _dataset)
    return loss.compare_multiclass(data.features, data.labels, C=C)


def surface_csv(
    spec: DataSpec,
    positive: int,
    C: float,
    center: tuple[float, float],
    half_width: float,
    _dataset: Dataset | None = None,
) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: the CSV of the :data:`GRID` × :data:`GRID`
    loss grid around ``center``, computed only when the button is clicked."""

    def make() -> bytes:
        grid = surface(spec, positive, C, center, half_width, _dataset, resolution=GRID)
        return loss.surface_csv(*grid)

    return make


def endpoint_gap(path: loss.DescentPath, theta: np.ndarray) -> float:
    """The largest coordinate difference between the path's end and ``theta`` (inf if lost)."""
    gap = float(np.max(np.abs(path.end - np.asarray(theta))))
    return gap if math.isfinite(gap) else math.inf


def diverged(path: loss.DescentPath) -> bool:
    """Whether a descent blew up: its last loss is not finite or is above its first."""
    first, last = float(path.losses[0]), float(path.losses[-1])
    return not math.isfinite(last) or last > first


def format_point(point: np.ndarray, *, limit: float = 1e6) -> str:
    """``(θ1, θ2)`` to five decimals, or ``diverged`` when a coordinate is huge or not finite."""
    values = np.asarray(point, dtype=float).ravel()
    if not (np.isfinite(values).all() and np.abs(values).max() < limit):
        return "diverged"
    return "(" + ", ".join(f"{v:.5f}" for v in values) + ")"


def off_window_note(outside: dict[str, np.ndarray], *, hint: str = "") -> str:
    """A sentence naming the θ points a figure left out because they lie outside its grid.

    Empty when nothing was left out; ``hint`` (e.g. how to widen the window) is appended.
    """
    if not outside:
        return ""
    where = "; ".join(
        f"{name} at θ = ({_signed(point[0])}, {_signed(point[1])})"
        for name, point in outside.items()
    )
    return (
        _("Outside this window, so not drawn: {where}.").format(where=where) + " " + hint
    ).strip()


def _signed(value: float) -> str:
    """Two decimals with a typographic minus, as in the page's prose."""
    return f"{float(value):.2f}".replace("-", "−")


def path_csv(path: loss.DescentPath) -> bytes:
    """CSV bytes of a descent path."""
    return loss.path_csv(path)
