"""The one registry of synthetic data-set kinds, read by every page, the builtins and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from musicml.datasets.dataset import Dataset
from musicml.datasets.synthetic import (
    TIMBRE_CLASSES,
    _pitch_classes,
    _timbres,
    notes_dataset,
    sound_silence_dataset,
    timbre_dataset,
)
from musicml.errors import ParameterError
from musicml.i18n import N_

# --------------------------------------------------------------------------- the kinds


@dataclass(frozen=True)
class DatasetKind:
    """One kind of synthetic data set, as every page, the builtins and the CLI know it.

    Attributes
    ----------
    name : str
        The kind's name: ``builtin:<name>`` on the command line.
    title : str
        How a page lists it ("Notes (pitch classes + silence)").
    short : str
        What a page says it is making ("notes C–B and silence").
    build : callable
        ``build(**options) -> Dataset`` (``per_class``, ``seed``, ``sr``, …).
    features : str
        The features that suit it best, which Train opens on: ``chroma`` for notes (the
        energy per pitch class is what a note is, whatever the instrument), ``mel`` for
        timbres and sound vs silence (the spectrum's shape and level).
    """

    name: str
    title: str
    short: str
    build: Callable[..., Dataset]
    features: str = "mel"

    def n_classes(self, **options) -> int:
        """How many classes ``build(**options)`` makes (without making anything)."""
        if self.name == "sound-silence":
            return 2
        if self.name == "notes":
            classes = _pitch_classes(options.get("pitch_classes", "natural"))
            return len(classes) + bool(options.get("include_silence", True))
        return len(_timbres(options.get("timbres"), TIMBRE_CLASSES))


DATASET_KINDS: dict[str, DatasetKind] = {
    kind.name: kind
    for kind in (
        DatasetKind(
            "notes",
            N_("Notes (pitch classes + silence)"),
            N_("notes C–B and silence"),
            notes_dataset,
            features="chroma",
        ),
        DatasetKind(
            "sound-silence",
            N_("Sound vs silence (the tutorial's)"),
            N_("sound vs silence"),
            sound_silence_dataset,
        ),
        DatasetKind("timbre", N_("Timbres (which instrument?)"), N_("timbres"), timbre_dataset),
    )
}
"""The one list of synthetic data-set kinds (pages, built-in data sets, command line)."""


def dataset_kind(name: str) -> DatasetKind:
    """The :class:`DatasetKind` called ``name`` (``"notes"``, ``"builtin:notes"``)."""
    kind = DATASET_KINDS.get(str(name).removeprefix("builtin:"))
    if kind is None:
        raise ParameterError(
            "unknown data-set kind {name!r}; choose one of {choices}.",
            name=name,
            choices=", ".join(DATASET_KINDS),
        )
    return kind


def build_dataset(kind: str, **options) -> Dataset:
    """Make a synthetic data set of ``kind`` (see :data:`DATASET_KINDS`) with ``options``.

    Examples
    --------
    >>> data = build_dataset("sound-silence", per_class=2, seed=0)
    >>> sorted(data.counts.items())
    [('silence', 2), ('sound', 2)]
    """
    return dataset_kind(kind).build(**options)


def suggested_features(dataset: Dataset) -> str:
    """The features that suit ``dataset``: its kind's, or ``mel`` for an uploaded set.

    Examples
    --------
    >>> suggested_features(build_dataset("notes", per_class=1, seed=0))
    'chroma'
    >>> suggested_features(build_dataset("sound-silence", per_class=1, seed=0))
    'mel'
    """
    kind = DATASET_KINDS.get(str(dataset.settings.get("kind", "")))
    return kind.features if kind is not None else "mel"
