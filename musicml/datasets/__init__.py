"""Labelled data sets of audio clips.

A :class:`Dataset` is clips + labels + the settings that made them. The
generators here make synthetic ones: the tutorial's sound-vs-silence set, notes
(pitch classes, with realistic variation so a model learns pitch rather than one
waveform) and timbres. :mod:`musicml.dataio` loads users' own labelled audio.

The modules: :mod:`~musicml.datasets.dataset` (:class:`Dataset`),
:mod:`~musicml.datasets.synthetic` (the generators and the one note and silence
renderer) and :mod:`~musicml.datasets.kinds` (:data:`DATASET_KINDS`, the one list of
data-set kinds). Everything public imports from ``musicml.datasets``.
"""

from musicml.datasets.dataset import Dataset
from musicml.datasets.kinds import (
    DATASET_KINDS,
    DatasetKind,
    build_dataset,
    dataset_kind,
    suggested_features,
)
from musicml.datasets.synthetic import (
    MAX_CLIP_SECONDS,
    MAX_SYNTH_SECONDS,
    NOTE_TIMBRES,
    SILENCE,
    TIMBRE_CLASSES,
    Progress,
    Variation,
    notes_dataset,
    sound_silence_dataset,
    timbre_dataset,
)

__all__ = [
    "DATASET_KINDS",
    "MAX_CLIP_SECONDS",
    "MAX_SYNTH_SECONDS",
    "NOTE_TIMBRES",
    "SILENCE",
    "TIMBRE_CLASSES",
    "Dataset",
    "DatasetKind",
    "Progress",
    "Variation",
    "build_dataset",
    "dataset_kind",
    "notes_dataset",
    "sound_silence_dataset",
    "suggested_features",
    "timbre_dataset",
]
