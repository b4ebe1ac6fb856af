"""Classifying long audio: segments cover the clip, a melody is followed over time."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from musicml import synth
from musicml.audio import Clip
from musicml.builtin import builtin_model, example_melody
from musicml.classify import (
    classify_clip,
    fixed_segments,
    is_note_model,
    onset_segments,
    resynthesize,
    segments_csv,
)
from musicml.errors import ParameterError

SR = 22050


def test_fixed_segments_cover_everything_and_merge_a_short_tail():
    assert fixed_segments(10, 1, seconds=3) == [(0, 3), (3, 6), (6, 10)]
    assert fixed_segments(11, 1, seconds=3) == [(0, 3), (3, 6), (6, 9), (9, 11)]
    assert fixed_segments(2, 1, seconds=3) == [(0, 2)]
    with pytest.raises(ParameterError, match="segment length"):
        fixed_segments(10, 1, seconds=0)


def test_onset_segments_start_at_notes():
    audio, _truth = example_melody(sr=SR, notes=("C4", "E4", "G4", "C5"), note_seconds=0.5)
    ranges = onset_segments(audio, SR)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(audio)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    starts = np.array([start for start, _ in ranges]) / SR
    for t in (0.5, 1.0, 1.5):
        assert np.min(np.abs(starts - t)) < 0.06


@pytest.fixture(scope="module")
def notes_model():
    return builtin_model("builtin:notes")


def test_classified_melody_matches_its_ground_truth_over_time(notes_model):
    audio, truth = example_melody(sr=SR)
    result = classify_clip(Clip(audio, SR, "melody"), notes_model, segment=1.0)
    assert [s.label for s in result.segments] == [label for _, _, label in truth]
    assert result.segments[-1].end_s == pytest.approx(len(audio) / SR)
    shares = result.distribution
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-5)
    assert shares["C"] == pytest.approx(2 / 9, abs=1e-6)  # C4 and C5


def test_onset_segmentation_follows_a_melody_of_uneven_notes(notes_model):
    notes = ("D4", "F4", "A4", "E5")
    seconds = (0.6, 0.9, 0.4, 1.1)
    parts, truth, t = [], [], 0.0
    for name, length in zip(notes, seconds, strict=True):
        part, _ = example_melody(sr=SR, notes=(name,), note_seconds=length, timbre="string")
        parts.append(part)
        truth.append((t + length / 2, name[0]))
        t += length
    result = classify_clip(Clip(np.concatenate(parts), SR), notes_model, segment="onsets")
    for middle, label in truth:
        covering = [s for s in result.segments if s.start_s <= middle < s.end_s]
        assert covering[0].label == label


def test_onset_segments_keep_a_rest_as_silence(notes_model):
    """Note by note, the rest in the example melody is one silent segment that ends at
    the next attack; each synthesised tone's own release (its last 0.1 s) is rest too,
    so every note is followed by a short silence."""
    audio, truth = example_melody(sr=SR)
    result = classify_clip(Clip(audio, SR, "melody"), notes_model, segment="onsets")
    notes = [s for s in result.segments if s.end_s - s.start_s > 0.3]
    assert [s.label for s in notes] == [label for _, _, label in truth]
    assert all(s.label == "silence" for s in result.segments if s.end_s - s.start_s <= 0.3)
    rest = notes[[s.label for s in notes].index("silence")]
    assert rest.end_s == pytest.approx(4.0, abs=0.05)
    assert rest.confidence > 0.8
    assert [s.midi for s in notes if s.label != "silence"] == [60, 64, 67, 57, 65, 74, 71, 72]


def slurred(notes: tuple[str, ...], *, seconds: float = 0.8, fade_out: bool = False):
    """A bowed-like tone that glides from note to note with no attack: one continuous
    phase, constant loudness, five partials; optionally released (30 ms decay) into a quiet
    room (noise 70 dB below full scale)."""
    f0 = np.repeat([synth.note_frequency(n) for n in notes], round(seconds * SR))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    audio = sum(np.sin(k * phase) / k for k in range(1, 6)) * 0.3
    if fade_out:
        release = np.exp(-np.arange(round(0.2 * SR)) / (0.03 * SR))
        audio[-release.size :] *= release
        audio = np.concatenate([audio, np.zeros(round(seconds * SR))])
        audio += 3e-4 * np.random.default_rng(0).standard_normal(audio.size)
    return audio.astype(np.float32)


def test_a_slur_without_attacks_is_cut_at_each_note_change(notes_model):
    notes = ("C4", "E4", "G4", "D4", "A4")
    audio = slurred(notes)
    starts = np.array([start for start, _ in onset_segments(audio, SR)]) / SR
    for i in range(1, len(notes)):
        assert np.min(np.abs(starts - 0.8 * i)) < 0.06
    result = classify_clip(Clip(audio, SR), notes_model, segment="onsets")
    for i, name in enumerate(notes):
        middle = 0.8 * i + 0.4
        covering = next(s for s in result.segments if s.start_s <= middle < s.end_s)
        assert covering.label == name[0]


def test_a_note_that_stops_ends_its_segment(notes_model):
    audio = slurred(("F4",), seconds=1.0, fade_out=True)
    result = classify_clip(Clip(audio, SR), notes_model, segment="onsets")
    runs = [label for label, _ in itertools.groupby(s.label for s in result.segments)]
    assert runs == ["F", "silence"]
    # The release starts at 0.8 s: the note ends there, its tail is rest.
    assert result.segments[-1].start_s == pytest.approx(0.8, abs=0.04)


def test_the_summary_of_a_notes_model_names_the_note_not_the_room(notes_model):
    """One second of E4, then three of a quiet room: the summary is E, silence 75 %."""
    audio, _ = example_melody(sr=SR, notes=("E4", "silence", "silence", "silence"))
    result = classify_clip(Clip(audio, SR), notes_model, segment=1.0)
    assert result.distribution["silence"] == pytest.approx(0.75)
    assert result.summary()["label"] == "E"
    quiet = classify_clip(Clip(audio[SR:], SR), notes_model, segment=1.0)
    assert quiet.label == "silence"
    rooms = classify_clip(Clip(audio, SR), builtin_model("builtin:sound-silence"), segment=1.0)
    assert rooms.label == "silence"  # other models keep the plain majority


def test_a_different_sample_rate_is_resampled(notes_model):
    audio, _truth = example_melody(sr=16000, notes=("G3", "silence", "E4"))
    result = classify_clip(Clip(audio, 16000), notes_model, segment=1.0)
    assert [s.label for s in result.segments] == ["G", "silence", "E"]


def test_csv_and_resynthesis(notes_model):
    audio, _ = example_melody(sr=SR, notes=("A4", "silence"))
    result = classify_clip(Clip(audio, SR), notes_model)
    text = segments_csv(result)
    assert text.splitlines()[0].startswith("start_s,end_s,label,confidence,")
    assert len(text.splitlines()) == 3
    assert is_note_model(result.classes)
    played = resynthesize(result, sr=SR)
    assert len(played) == len(audio)
    spectrum = np.abs(np.fft.rfft(played[:SR]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # A4 at 1 Hz per bin
    assert np.abs(played[SR:]).max() == 0


def test_bad_segment_is_refused(notes_model):
    with pytest.raises(ParameterError, match="onsets"):
        classify_clip(Clip(np.zeros(SR, np.float32), SR), notes_model, segment="beats")


def test_a_model_of_tiny_clips_still_gets_windows_of_a_tenth_of_a_second(notes_model):
    from dataclasses import replace

    from musicml.classify import MIN_SEGMENT_SECONDS

    drums = replace(notes_model, clip_seconds=0.0002)  # trained on 4-sample clips
    result = classify_clip(Clip(np.zeros(3 * SR, np.float32), SR), drums)
    assert len(result.segments) == round(3 / MIN_SEGMENT_SECONDS)
    with pytest.raises(ParameterError, match=r"at least 0\.1 seconds"):
        classify_clip(Clip(np.zeros(SR, np.float32), SR), notes_model, segment=0.001)


def test_window_seconds_rounds_the_clip_length_to_the_slider():
    from musicml.classify import window_seconds

    assert window_seconds(1.0) == 1.0
    assert window_seconds(3.1) == 3.0
    assert window_seconds(0.05) == 0.25
    assert window_seconds(30.0) == 10.0
