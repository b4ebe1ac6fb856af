"""The embedded notes model on notes of sampled real instruments (a General MIDI soundfont).

fluidsynth renders TimGM6mb (Debian's timgm6mb-soundfont, 6 MB) in one call: 15
instruments × octaves 2, 4 and 6 × the seven natural notes, one second from each onset,
plus eight silences (zeros and room noise at -60 dBFS). The renderer and the tutorial's
recipe (MISSION.md §1: pure sines C4–B4 + silence, mel-spectrogram pixels, RBF SVM
gamma=0.001) come from benchmarks/bench_real_instruments.py, which measures all three
Debian soundfonts in octaves 1-7.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.bench_real_instruments import fluidsynth_missing, sampled_notes, tutorial_recipe
from musicml.builtin import builtin_model

pytestmark = pytest.mark.slow

SOUNDFONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
INSTRUMENTS = (
    "piano",
    "harpsichord",
    "nylon_guitar",
    "clean_guitar",
    "acoustic_bass",
    "violin",
    "viola",
    "cello",
    "harp",
    "trumpet",
    "trombone",
    "alto_sax",
    "clarinet",
    "flute",
    "organ",
)
OCTAVES = (2, 4, 6)
MIN_ACCURACY = 0.95
"""builtin:notes measured 1.00 on these 323 clips (315 notes + 8 silences)."""
MAX_TUTORIAL_ACCURACY = 0.45
"""The tutorial's recipe measured 0.38: right in its own octave 4, lost in 2 and 6."""
MAX_TUTORIAL_OFF_OCTAVE = 0.25
"""The tutorial's recipe on octaves 2 and 6: measured 0.08, chance is 1/8."""
MIN_TUTORIAL_OWN_OCTAVE = 0.8
"""The tutorial's recipe in octave 4, the octave of its sines: measured 1.00."""


@pytest.fixture(scope="module")
def sampled():
    missing = fluidsynth_missing()
    if missing or not SOUNDFONT.is_file():
        pytest.skip(
            f"{missing or f'{SOUNDFONT} is missing'}; "
            "install the Debian packages fluidsynth and timgm6mb-soundfont"
        )
    return sampled_notes(SOUNDFONT, instruments=INSTRUMENTS, octaves=OCTAVES, silences=8)


def test_every_note_sounded(sampled):
    assert sampled.skipped == 0
    assert len(sampled.labels) == len(INSTRUMENTS) * len(OCTAVES) * 7 + 8


def test_notes_model_names_notes_of_sampled_instruments(sampled):
    predicted = builtin_model("builtin:notes").predict(sampled.clips)
    accuracy = float(np.mean(predicted == sampled.labels))
    wrong = sorted(
        f"{instrument} {label}{octave}→{guess}"
        for instrument, label, octave, guess in zip(
            sampled.instruments, sampled.labels, sampled.octaves, predicted, strict=True
        )
        if label != guess
    )
    assert accuracy >= MIN_ACCURACY, f"accuracy {accuracy:.3f}; wrong: {wrong}"


def test_tutorial_recipe_fails_outside_its_octave(sampled):
    predicted = tutorial_recipe().predict(sampled.clips)
    correct = predicted == sampled.labels
    off_octave = np.isin(sampled.octaves, [2, 6])
    assert correct.mean() < MAX_TUTORIAL_ACCURACY
    assert correct[off_octave].mean() < MAX_TUTORIAL_OFF_OCTAVE
    # A fair comparison: the recipe does work on real instruments in the octave it saw.
    assert correct[sampled.octaves == 4].mean() >= MIN_TUTORIAL_OWN_OCTAVE
