"""The note tracker: melodies back note for note, rests as rests, pitch, MIDI and scores."""

from __future__ import annotations

import io
import itertools

import mido
import numpy as np
import pytest
from instruments import instrument_note, room_tone

from musicml.audio import Clip
from musicml.builtin import builtin_model
from musicml.errors import ParameterError
from musicml.features import cqt_magnitude, window_stats
from musicml.transcription import (
    Note,
    frame_accuracy,
    noisy_room,
    note_midi,
    note_scores,
    notes_from_csv,
    notes_from_midi,
    notes_to_midi,
    odd_partials_db,
    read_truth,
    released_frames,
    sound_probability,
    tails_with_new_pitch,
    transcribe,
    transcription_scores,
)
from musicml.transcription.notes import SILENCE
from musicml.transcription.tracker import (
    HOP_LENGTH,
    MAX_GAIN_DB,
    MODEL_LOUD_DB,
    MODEL_QUIET_DB,
    _ends_at_knees,
    _split_and_clean,
    model_gain,
)

SR = 22050
TOLERANCE_S = 0.03
"""How close a transcribed note's start and end must be to the truth."""
ROOM_RMS = 10 ** (-60 / 20)


@pytest.fixture(scope="module")
def chromatic():
    return builtin_model("builtin:chromatic")


def melody(notes: list[tuple[float, float, int]], *, seconds: float, seed: int = 0) -> np.ndarray:
    """Additive tones (six partials, 10 ms attack, a slow decay while held, then a 25 ms
    exponential release from the note's end) over room noise 60 dB below full scale."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SR)
    out = rng.normal(0.0, ROOM_RMS, n)
    for start_s, end_s, midi in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start, end = round(start_s * SR), round(end_s * SR)
        stop = min(n, end + round(0.3 * SR))
        t = np.arange(stop - start) / SR
        envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 1.5)
        held = end - start
        envelope[held:] *= np.exp(-(t[held:] - t[held]) / 0.025)
        tone = sum(
            np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 6)) / k
            for k in range(1, 7)
            if k * f0 < SR / 2
        )
        out[start:stop] += 0.25 * envelope * tone
    return out.astype(np.float32)


# A rest, a tie (legato: the next note begins as this one ends), repeated notes 50 ms
# apart, a sharp, notes in octaves 2 to 5.
MELODY = [
    (0.30, 0.80, 60),  # C4, then a rest
    (1.30, 1.80, 64),  # E4 tied to
    (1.80, 2.40, 67),  # G4 tied to
    (2.40, 2.90, 61),  # C#4, then a rest
    (3.40, 3.80, 57),  # A3 repeated
    (3.85, 4.25, 57),  # A3 again
    (4.30, 4.70, 57),  # and again, then a rest
    (5.20, 5.80, 42),  # F#2
    (6.20, 6.70, 76),  # E5
]
NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def bowed_legato(notes: list[tuple[float, float, int]], *, seconds: float, fade_s: float):
    """Bowed-like tones (eight partials, 5.5 Hz vibrato) in legato: each note swells in
    over ``fade_s`` as the one before fades out over the same time."""
    rng = np.random.default_rng(0)
    n = round(seconds * SR)
    out = rng.normal(0.0, ROOM_RMS, n)
    for start_s, end_s, midi in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start, stop = round(start_s * SR), min(n, round((end_s + fade_s) * SR))
        t = np.arange(stop - start) / SR
        envelope = np.minimum(1.0, t / fade_s) * np.clip(
            (end_s + fade_s - start_s - t) / fade_s, 0, 1
        )
        phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.004 * np.sin(2 * np.pi * 5.5 * t))) / SR
        out[start:stop] += 0.2 * envelope * sum(np.sin(k * phase) / k for k in range(1, 9))
    return out.astype(np.float32)


LEGATO = [(0.3, 0.62, 62), (0.62, 0.9, 69), (0.9, 1.3, 65), (1.3, 1.55, 72), (1.55, 2.0, 59)]
LEGATO += [(2.0, 2.3, 64), (2.3, 2.8, 52), (2.8, 3.1, 57), (3.1, 3.6, 62)]


def test_legato_note_changes_are_found_at_their_attacks_within_30_ms(chromatic):
    # The window still hears the old note for a while after a crossfade of 0.1 s;
    # the change of note goes back to the attack that began it.
    audio = bowed_legato(LEGATO, seconds=4.2, fade_s=0.1)
    got = transcribe(Clip(audio, SR), chromatic).notes
    truth = [Note(s, e, NAMES[m % 12], m) for s, e, m in LEGATO]
    scores = note_scores(truth, got, onset_tolerance=TOLERANCE_S)
    assert scores["note_recall"] == 1.0, [(round(n.start_s, 3), n.label) for n in got]
    assert scores["note_precision"] >= 0.8  # a vibrato may still split a long note


def swelling_legato(notes: list[tuple[float, float, int]], *, seconds: float, swell_s: float):
    """Steady tones (eight partials) in legato without attacks: each note swells in
    (quadratically, over ``swell_s``) as the one before is let go (an 80 ms
    exponential release), over room noise."""
    rng = np.random.default_rng(0)
    n = round(seconds * SR)
    out = rng.normal(0.0, 1e-3, n)
    for start_s, end_s, midi in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start, stop = round(start_s * SR), min(n, round((end_s + 0.64) * SR))
        t = np.arange(stop - start) / SR
        envelope = np.minimum(1.0, t / swell_s) ** 2
        envelope *= np.exp(-np.maximum(t - (end_s - start_s), 0.0) / 0.08)
        out[start:stop] += (
            0.2 * envelope * sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 9))
        )
    return out.astype(np.float32)


SWELLING = [(0.3, 0.9, 50), (0.9, 1.5, 52), (1.5, 2.1, 55), (2.1, 2.6, 53), (2.6, 3.2, 57)]
SWELLING += [(3.2, 3.8, 48)]


def test_notes_swelling_in_as_the_one_before_is_let_go_start_where_it_was_let_go(chromatic):
    # No attack marks the changes, and the dip between the notes looks like a release
    # tail; the model naming the new note in it, loud, ends the tail at its start.
    audio = swelling_legato(SWELLING, seconds=4.4, swell_s=0.15)
    got = transcribe(Clip(audio, SR), chromatic).notes
    truth = [Note(s, e, NAMES[m % 12], m) for s, e, m in SWELLING]
    scores = note_scores(truth, got)
    assert scores["note_recall"] == 1.0, [(round(n.start_s, 3), n.label) for n in got]
    assert scores["note_precision"] >= 0.8  # the first note's own swell may split it


def test_a_tail_ends_where_a_new_note_sounds_in_it_not_in_the_room_after_it():
    classes = 3  # silence, C, D
    n = 40
    probabilities = np.zeros((n, classes))
    probabilities[:20, 1] = 1.0  # C, then the model hears D from frame 24 on
    probabilities[20:24, 1] = 0.9
    probabilities[20:24, 0] = 0.1
    probabilities[24:, 2] = 0.95
    probabilities[24:, 0] = 0.05
    released = np.zeros(n, dtype=bool)
    released[20:32] = True
    loud = np.ones(n)
    # C let go at frame 20, falling 2 dB a frame, then D swelling in from frame 24.
    levels = np.concatenate([np.full(20, -20.0), -20 - 2.0 * np.arange(1, 5), np.full(16, -26.0)])
    # A shallow dip (6 dB): no tail at all, the new note began where C was let go.
    assert not tails_with_new_pitch(released, probabilities, levels, loud, silence=0).any()
    # A deep one (30 dB) ends at the new note, or at an attack just before it.
    deep = levels.copy()
    deep[20:] = np.minimum(deep[20:], -20 - 10.0 * np.arange(1, 21))
    deep[24:] = -50.0
    cut = tails_with_new_pitch(released, probabilities, deep, loud, silence=0)
    assert cut[20:24].all() and not cut[24:].any()
    cut = tails_with_new_pitch(
        released, probabilities, deep, loud, silence=0, attacks=np.array([22])
    )
    assert cut[20:22].all() and not cut[22:].any()
    # In the room after the tail (not loud enough to be sound) the tail goes on,
    # and so it does while the level is still falling.
    quiet = np.where(np.arange(n) >= 24, 0.1, 1.0)
    assert (tails_with_new_pitch(released, probabilities, deep, quiet, silence=0) == released).all()
    falling = -20 - 2.0 * np.clip(np.arange(n) - 19, 0, None)
    assert (
        tails_with_new_pitch(released, probabilities, falling, loud, silence=0) == released
    ).all()


def test_a_melody_with_rests_ties_and_repeated_notes_comes_back_note_for_note(chromatic):
    audio = melody(MELODY, seconds=7.3)
    result = transcribe(Clip(audio, SR), chromatic)
    got = [(round(n.start_s, 3), round(n.end_s, 3), n.label, n.midi) for n in result.notes]
    assert len(result.notes) == len(MELODY), got
    for note, (start, end, midi) in zip(result.notes, MELODY, strict=True):
        assert note.label == NAMES[midi % 12], got
        assert note.midi == midi, got
        assert note.start_s == pytest.approx(start, abs=TOLERANCE_S), got
        assert note.end_s == pytest.approx(end, abs=TOLERANCE_S), got
        assert 0.5 < note.confidence <= 1.0
    truth = [Note(s, e, NAMES[m % 12], m) for s, e, m in MELODY]
    scores = transcription_scores(truth, result.notes, duration_s=result.duration_s)
    assert scores["note_f1"] == 1.0 and scores["midi_accuracy"] == 1.0
    assert scores["frame_accuracy"] > 0.97


def test_bowed_legato_in_a_noisy_room_is_not_split_by_its_hiss(chromatic):
    # Hiss 40 dB below full scale, about 22 dB under the melody: the flux that the
    # noise makes by itself in every band is no attack, so no note is cut in two.
    audio = bowed_legato(LEGATO, seconds=4.2, fade_s=0.05)
    hiss = np.random.default_rng(1).normal(0.0, 10 ** (-40 / 20), len(audio))
    result = transcribe(Clip((audio + hiss).astype(np.float32), SR), chromatic)
    assert result.settings["noisy_room"] is True
    truth = [Note(s, e, NAMES[m % 12], m) for s, e, m in LEGATO]
    scores = transcription_scores(truth, result.notes, duration_s=result.duration_s)
    assert [n.label for n in result.notes] == [t.label for t in truth]
    assert scores["note_f1"] == 1.0 and scores["frame_accuracy"] > 0.97
    # The same melody in a quiet room is no noisy room.
    assert transcribe(Clip(audio, SR), chromatic).settings["noisy_room"] is False


def test_a_noisy_room_is_a_noise_floor_close_to_the_loud_parts_where_no_note_sounds():
    levels = np.concatenate([np.full(20, -45.0), np.full(60, -25.0), np.full(20, -45.0)])
    hears_silence = np.where(levels < -40, 0.9, 0.0)
    assert noisy_room(levels, hears_silence)
    # A recording with no rests: its quietest frames are a quiet note.
    assert not noisy_room(levels, np.zeros_like(levels))
    # Digital silence is no room at all.
    assert not noisy_room(np.full(50, -200.0), np.ones(50))
    # A quiet room, 40 dB under the melody.
    assert not noisy_room(np.where(levels < -40, -65.0, levels), hears_silence)
    # With a noisy room, rests are frames a few dB above the hiss, not 20 dB below
    # the loud parts (which lies under the hiss).
    _, quiet = sound_probability(levels)
    _, noisy = sound_probability(levels, noisy=True)
    assert quiet == pytest.approx(-45.0) and noisy == pytest.approx(-40.0)


def test_frame_probabilities_and_path_for_the_heat_map(chromatic):
    audio = melody(MELODY[:2], seconds=2.2)
    result = transcribe(Clip(audio, SR), chromatic)
    n_frames = 1 + len(audio) // 512
    assert result.times.shape == (n_frames,)
    assert result.hop_s == pytest.approx(512 / SR)
    assert result.probabilities.shape == (n_frames, 13) == result.combined.shape
    assert np.allclose(result.probabilities.sum(axis=1), 1.0)
    assert np.allclose(result.combined.sum(axis=1), 1.0)
    assert result.classes == chromatic.classes
    middle = np.argmin(np.abs(result.times - 0.55))
    assert result.classes[result.path[middle]] == "C"
    assert result.classes[result.path[np.argmin(np.abs(result.times - 1.0))]] == "silence"
    pieces = result.with_rests()
    assert pieces[0].start_s == 0 and pieces[-1].end_s == pytest.approx(result.duration_s)
    for a, b in itertools.pairwise(pieces):
        assert a.end_s == pytest.approx(b.start_s)
    assert [p.label for p in pieces] == ["silence", "C", "silence", "E", "silence"]


def test_a_release_tail_followed_by_room_noise_is_silence(chromatic):
    """A piano-like note released at 0.6 s: its tail falls 60 dB in 0.3 s, then the room.
    The level-invariant model alone would hear the tail as the note."""
    note = instrument_note("D", 4, "piano-like", seconds=0.6, seed=2, loudness=0.5)
    t = np.arange(round(0.3 * SR)) / SR
    ring = instrument_note("D", 4, "piano-like", seconds=0.9, seed=2, loudness=0.5)[
        len(note) : len(note) + len(t)
    ]
    tail = ring * 10 ** (-60 * t / 0.3 / 20)
    room = room_tone(1.5, seed=4, level=0.003)
    audio = np.concatenate([note, tail, room]).astype(np.float32)
    result = transcribe(Clip(audio, SR), chromatic)
    assert [n.label for n in result.notes] == ["D"]
    assert result.notes[0].end_s == pytest.approx(0.6, abs=0.05)
    after = result.times > 0.7
    assert np.all(np.array(result.classes)[result.path[after]] == "silence")
    # The model on its own calls part of the tail a note; the dynamics overrule it.
    raw = np.array(result.classes)[result.probabilities.argmax(axis=1)]
    tail_frames = (result.times > 0.65) & (result.times < 0.9)
    assert np.any(raw[tail_frames] != "silence")


def sustained_notes(notes: list[tuple[float, float, int]], *, seconds: float, release_s: float):
    """Organ-like tones (eight partials) that swell in over 80 ms and are held at a steady
    level until their note-off, then fade exponentially (``release_s`` per 8.7 dB, a
    slow release), over room noise 60 dB below full scale."""
    rng = np.random.default_rng(5)
    n = round(seconds * SR)
    out = rng.normal(0.0, ROOM_RMS, n)
    for start_s, end_s, midi in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start, stop = round(start_s * SR), min(n, round((end_s + 1.5) * SR))
        t = np.arange(stop - start) / SR
        envelope = np.minimum(1.0, t / 0.08) * np.exp(
            -np.maximum(t - (end_s - start_s), 0) / release_s
        )
        out[start:stop] += (
            0.15
            * envelope
            * sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 9) if k * f0 < SR / 2)
        )
    return out.astype(np.float32)


SUSTAINED = [(0.3, 0.66, 59), (1.1, 1.7, 55), (2.3, 2.98, 48), (3.55, 4.0, 67), (4.5, 5.2, 62)]
RELEASE_TOLERANCE_S = 0.04


def test_a_sustained_note_with_a_slow_release_ends_at_its_note_off(chromatic):
    # Released at its peak, the note fades 45 dB a second (an organ's slow release):
    # its tail stays loud enough to sound for 0.4 s, and the model hears it as the note.
    audio = sustained_notes(SUSTAINED, seconds=7.0, release_s=0.19)
    result = transcribe(Clip(audio, SR), chromatic)
    got = result.notes
    assert [n.label for n in got] == [NAMES[m % 12] for _, _, m in SUSTAINED]
    for note, (_, end_s, _) in zip(got, SUSTAINED, strict=True):
        assert note.end_s == pytest.approx(end_s, abs=RELEASE_TOLERANCE_S), note
    # The model alone names the note in the tail: the level tells it is let go.
    raw = np.array(result.classes)[result.probabilities.argmax(axis=1)]
    tail = (result.times > 0.72) & (result.times < 0.9)
    assert np.all(raw[tail] == "B")


def test_a_slow_release_ends_the_note_where_its_decay_bends(chromatic):
    # A guitar string that decays 28 dB a second while held, and only 55 dB a
    # second once let go (FluidR3_GM's nylon guitar): too small a change from
    # frame to frame, but a bend in the line of its level. The second note
    # is let go the same way as the recording ends.
    rng = np.random.default_rng(0)
    audio = rng.normal(0.0, ROOM_RMS, round(3.0 * SR))
    notes = [(0.3, 1.2, 55), (1.9, 2.5, 64)]
    for start_s, end_s, midi in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        start = round(start_s * SR)
        t = np.arange(min(len(audio) - start, round((end_s - start_s + 1.0) * SR))) / SR
        held = end_s - start_s
        db = np.where(t < held, -28.0 * t, -28.0 * held - 55.0 * (t - held))
        envelope = np.minimum(1.0, t / 0.005) * 10 ** (db / 20)
        tone = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 7))
        audio[start : start + len(t)] += 0.25 * envelope * tone
    result = transcribe(Clip(audio.astype(np.float32), SR), chromatic)
    got = [(round(n.start_s, 3), round(n.end_s, 3), n.label, n.midi) for n in result.notes]
    assert [(n.label, n.midi) for n in result.notes] == [("G", 55), ("E", 64)], got
    for note, (start, end, _) in zip(result.notes, notes, strict=True):
        assert note.start_s == pytest.approx(start, abs=TOLERANCE_S), got
        assert note.end_s == pytest.approx(end, abs=TOLERANCE_S), got


def test_a_swell_then_a_diminuendo_is_one_note_not_cut_at_its_top():
    # A bowed note swelling in 10 dB, then fading 8 dB slowly (0.25 dB a frame)
    # before it stops: its level bends at the top, but a swell is no decay that
    # a release falls faster than.
    swell = -40 + 0.5 * np.arange(20)
    fade = swell[-1] - 0.25 * np.arange(1, 33)
    levels = np.concatenate([[-66.0, -66.0], swell, fade, np.full(20, -66.0)])
    runs = [(0, 2, 12), (2, 54, 3), (54, 74, 12)]
    assert _ends_at_knees(runs, levels, silence=12, floor_db=-61.0) == runs


def test_a_quiet_recording_comes_back_note_for_note_like_a_loud_one(chromatic):
    # 50 dB down (a phone across the room): the models learnt silence as a quiet
    # room, and without being turned up first they heard 12 of these held-note
    # frames as silence.
    quiet = 0.003 * melody(MELODY, seconds=7.3)
    result = transcribe(Clip(quiet, SR), chromatic)
    got = [(round(n.start_s, 3), round(n.end_s, 3), n.label, n.midi) for n in result.notes]
    assert len(result.notes) == len(MELODY), got
    for note, (start, end, midi) in zip(result.notes, MELODY, strict=True):
        assert (note.label, note.midi) == (NAMES[midi % 12], midi), got
        assert note.start_s == pytest.approx(start, abs=TOLERANCE_S), got
        assert note.end_s == pytest.approx(end, abs=TOLERANCE_S), got
    assert result.settings["model_gain_db"] == pytest.approx(MAX_GAIN_DB)
    raw = np.array(result.classes)[result.probabilities.argmax(axis=1)]
    times = np.arange(len(raw)) * result.settings["hop_s"]
    held = np.zeros(len(raw), dtype=bool)
    for start, end, _ in MELODY:
        held |= (times >= start + TOLERANCE_S) & (times <= end - TOLERANCE_S)
    assert not np.any(raw[held] == SILENCE)


def test_model_gain_brings_the_loud_parts_to_one_level_and_leaves_noise_alone():
    levels = np.r_[np.full(50, -90.0), np.full(50, -34.0)]
    assert 20 * np.log10(model_gain(levels)) == pytest.approx(MODEL_LOUD_DB + 34.0)
    assert model_gain(levels - 100.0) == pytest.approx(10 ** (MAX_GAIN_DB / 20))
    assert model_gain(np.full(100, -70.0)) == 1.0  # noise alone: no music to turn up
    # A mains hum at -43 dB: turned up, it would sound like a note to the model.
    assert model_gain(np.r_[np.full(50, -43.0), np.full(50, -22.0)]) == 1.0
    # A quiet room at -66 dB is turned up only to -55 dB.
    levels = np.r_[np.full(50, -66.0), np.full(50, -28.0)]
    assert 20 * np.log10(model_gain(levels)) == pytest.approx(MODEL_QUIET_DB + 66.0)
    assert model_gain(np.full(100, -200.0)) == 1.0  # digital silence


def test_silence_only_has_no_notes(chromatic):
    audio = room_tone(2.0, seed=1)
    result = transcribe(Clip(audio, SR), chromatic)
    assert result.notes == []
    assert [p.label for p in result.with_rests()] == ["silence"]


def test_builtin_chromatic_names_sharps(chromatic):
    assert chromatic.classes == sorted([*NAMES, "silence"])
    clips, labels = [], []
    for i, name in enumerate(("C#", "D#", "F#", "G#", "A#")):
        for octave in (3, 4, 5):
            clips.append(
                instrument_note(name, octave, ("plucked string", "reed-like")[i % 2], seed=i)
            )
            labels.append(name)
    assert list(chromatic.predict(np.stack(clips))) == labels


def test_builtin_notes_stays_the_tutorials_seven():
    assert builtin_model("builtin:notes").classes == [*"ABCDEFG", "silence"]


def test_note_midi_picks_the_octave_whose_partials_explain_the_spectrum():
    spectrum = np.zeros(84)
    f0 = 36 - 24  # C3 with a weak fundamental: the second partial is the strongest
    for h, level in zip((1, 2, 3, 4, 5), (0.2, 1.0, 0.8, 0.5, 0.4), strict=True):
        spectrum[f0 + round(12 * np.log2(h))] = level
    assert note_midi(spectrum, "C") == 36
    pure = np.zeros(84)
    pure[76 - 24] = 1.0  # a pure E5
    assert note_midi(pure, "E") == 76
    assert note_midi(pure, "sound") is None
    clarinet = np.zeros(84)  # G3 with odd partials only: its own series
    for h, level in zip((1, 3, 5, 7), (1.0, 0.6, 0.4, 0.3), strict=True):
        clarinet[55 - 24 + round(12 * np.log2(h))] = level
    assert note_midi(clarinet, "G") == 55


def test_a_sub_octave_rank_without_odd_partials_keeps_the_keys_octave():
    # An organ's 8' principal (partials 1-6 of G3) with a 16' bourdon an octave
    # below that is nearly a pure tone, as loud as the fundamental: a note read an
    # octave lower would lack its own 3rd and 5th partials (1.5 and 2.5 x G3).
    t = np.arange(SR) / SR
    f0 = 440.0 * 2 ** ((55 - 69) / 12)
    tone = np.sin(2 * np.pi * f0 / 2 * t)
    tone += sum(np.sin(2 * np.pi * h * f0 * t) / h**0.7 for h in range(1, 7))
    spectrum = cqt_magnitude(tone.astype(np.float32), sr=SR, n_bins=84)[:, 10:-10].mean(axis=1)
    assert note_midi(spectrum, "G") == 55
    assert odd_partials_db(spectrum, np.array([55 - 12 - 24]))[0] < -20


def test_sound_probability_follows_the_recordings_own_dynamics():
    levels = np.r_[np.full(50, -20.0), np.full(50, -70.0), np.full(20, -45.0), np.full(20, -61.0)]
    probability, threshold = sound_probability(levels)
    assert threshold == pytest.approx(-65.0)  # the floor (-70) + 5 dB
    assert np.all(probability[:50] > 0.99) and np.all(probability[50:100] < 0.2)
    assert np.all(probability[100:120] > 0.99)
    # A soft note (a vibraphone at velocity 40) 9 dB above the room is sound.
    assert np.all(probability[120:] > 0.75)
    legato = np.full(100, -20.0) + np.sin(np.arange(100))  # no rests at all
    probability, threshold = sound_probability(legato)
    assert np.all(probability > 0.99) and threshold < -35


def test_released_frames_tell_a_release_from_a_steady_decay():
    held = -20 - 0.3 * np.arange(30)  # a held note decaying 13 dB a second
    release = held[-1] - 3.0 * np.arange(1, 21)  # then 130 dB a second
    steep = -20 - 2.5 * np.arange(30)  # a high string decaying fast from the start
    marked = released_frames(np.concatenate([held, release]))
    assert not marked[:29].any() and marked[32:].all()
    assert not released_frames(np.concatenate([[-40.0, -30.0], steep])).any()
    # A recording that starts in a decaying note: no earlier level to call a peak.
    assert not released_frames(-13 - 1.1 * np.arange(40)).any()
    # A struck string falls fast just after its attack, then slowly: no release.
    prompt = np.concatenate(
        [[-66.0, -30.0], -30 - 2.0 * np.arange(1, 9), -46 - 0.3 * np.arange(20)]
    )
    assert not released_frames(prompt).any()
    # An organ pipe held level, then fading at 1.2 dB a frame once its key is let go.
    organ = np.concatenate([np.full(20, -24.0), -24 - 1.2 * np.arange(1, 21)])
    marked = released_frames(organ)
    assert not marked[:20].any() and marked[22:].all()
    # One still swelling in when its key is let go, at its peak, fading as fast.
    swelled = np.concatenate([-27 + 0.3 * np.arange(12), -23.7 - 1.2 * np.arange(1, 21)])
    marked = released_frames(swelled)
    assert not marked[:12].any() and marked[14:].all()
    # A tail ends at the next attack, even one whose level swells too slowly to rise
    # 3 dB in two frames, when the level comes back near the note's ...
    # (a bowed note in legato: the old one let go by 8 dB, the new one swelling at
    # 1 dB a frame) ...
    let_go = np.concatenate([held, release[:3], np.full(7, release[2])])
    swell = np.concatenate([let_go, release[2] + 1.0 * np.arange(1, 21)])
    assert released_frames(swell)[32:38].all()
    assert not released_frames(swell, attacks=np.array([40]))[41:].any()
    # ... but not at a reverberant bump of the old note that stays far below it.
    bump = np.concatenate([held, release[:10], release[9] + np.minimum(np.arange(1, 21), 4)])
    assert released_frames(bump, attacks=np.array([40]))[41:].all()


def test_released_frames_let_go_of_a_note_held_flat_that_fades_slowly():
    # An organ pipe held level, then fading at 0.7 dB a frame once its key is let
    # go: never 4 dB within four frames, yet 10 dB within sixteen, never coming back.
    flat = np.concatenate([[-66.0, -40.0], np.full(20, -24.0)])
    organ = np.concatenate([flat, -24 - 0.7 * np.arange(1, 41), np.full(10, -66.0)])
    marked = released_frames(organ)
    # Let go where it has fallen 2 dB (three frames in), a frame later for the window.
    assert not marked[:24].any() and marked[26:62].all()
    # A struck note that rang 10 dB louder at its attack and has settled: its slow
    # fade is the note's own decay.
    struck = np.concatenate(
        [[-66.0, -14.0], -14 - 2.0 * np.arange(1, 6), np.full(15, -24.0), organ[22:]]
    )
    assert not released_frames(struck)[:40].any()
    # A note held flat that sags 5 dB (a low string's own decay) and then falls
    # fast is let go where the fast fall begins, not where it began to sag.
    sag = np.concatenate([flat, -24 - 0.5 * np.arange(1, 11), -29 - 3.0 * np.arange(1, 13)])
    marked = released_frames(sag)
    assert not marked[:32].any() and marked[33:].all()


def test_a_vibraphone_decaying_in_steps_is_let_go_only_at_its_note_off():
    # A vibraphone bar's level (FluidR3_GM's E6, one value a hop), as
    # measured: it decays in steps with its motor's beat (falls of 6-7 dB, each
    # held within 1 dB for four frames), then is let go at frame 37 and falls to
    # the room. Knowing where rests lie (-58 dB), the steps are the note's own.
    level = [-62.9, -63.5, -47.9, -36.6, -33.4, -31.7, -30.7, -31.1, -32.0, -33.3, -34.8]
    level += [-36.1, -36.9, -37.0, -36.6, -36.2, -36.4, -36.9, -37.9, -39.4, -41.1, -42.4]
    level += [-43.3, -43.7, -43.5, -43.2, -43.2, -43.5, -44.1, -45.2, -46.5, -47.9, -48.9]
    level += [-49.6, -49.7, -49.7, -49.9, -50.6, -52.0, -54.2, -57.0, -59.4, -61.2, -62.8]
    level += [-63.9, -64.5, -65.0]
    levels = np.array(level)
    assert released_frames(levels)[20:30].all()
    marked = released_frames(levels, quiet_db=-58.0)
    assert not marked[:37].any() and marked[39:].all()


def test_a_tremolo_dip_is_no_release():
    # A vibraphone's motor (as MuseScore_General's G5 in a 0.5 s room): the level
    # of a decaying note dips 9 dB, rises 2.4 dB again, slower than an attack and
    # with none near, then goes on decaying until the next note is struck.
    held = -38 - 0.3 * np.arange(8)
    dip = held[-1] - 1.8 * np.arange(1, 6)
    up = dip[-1] + 0.8 * np.arange(1, 4)
    fade = up[-1] - 0.8 * np.arange(1, 8)
    level = np.concatenate([[-65.0, -65.0, -42.0], held, dip, up, fade, [-41.0, -39.0]])
    attacks = np.array([2, len(level) - 2])
    assert not released_frames(level, attacks=attacks, quiet_db=-60.0).any()


def test_a_rest_before_a_sharp_attack_is_a_rest_even_when_short_and_shallow():
    # A plucked note let go (1.5 dB a frame, 7.5 dB in all) five frames before the
    # next note is plucked (the level jumping at once): a rest, not a handover.
    held = -20 - 0.3 * np.arange(30)
    plucked = np.full(15, -18.0)
    rest = np.concatenate([held, held[-1] - 1.5 * np.arange(1, 6), plucked])
    assert released_frames(rest)[30:35].all()
    # Two frames of fall before it: a legato handover, as blurred by the level's window.
    handover = np.concatenate([held, held[-1] - 1.5 * np.arange(1, 3), plucked])
    assert not released_frames(handover).any()


def test_a_tail_just_after_an_attack_is_the_old_note_not_the_new_one():
    # Note A (class 0) hands over to B (class 1, attacked at frame 10) with a dip
    # the level never comes back from (a quieter vibraphone bar): the model names B
    # from its attack, two frames before the dip, yet the tail is A's, and B
    # sounding steadily in it ends it.
    n = 40
    probabilities = np.zeros((n, 3))
    probabilities[:10, 0] = probabilities[10:, 1] = 0.9
    probabilities[:, 2] = 0.1
    levels = np.concatenate([np.full(12, -20.0), -20 - 2.0 * np.arange(1, 5), np.full(24, -28.0)])
    released = np.zeros(n, dtype=bool)
    released[12:] = True
    out = tails_with_new_pitch(
        released, probabilities, levels, np.ones(n), silence=2, attacks=np.array([0, 10])
    )
    assert not out.any()


def test_a_fragment_of_the_old_note_before_an_attack_starts_the_new_one():
    # The window hears the old note (A, until frame 10) for two frames after the
    # new one (B) is attacked at frame 19 after a rest: B starts at its attack.
    classes = ["A", "B", SILENCE]
    path = np.array([0] * 10 + [2] * 10 + [0] * 2 + [1] * 20 + [2] * 10)
    frames = np.arange(len(path))
    levels = np.where((frames < 10) | (frames >= 19) & (frames < 42), -20.0, -60.0)
    attacks = (np.array([0, 19]), np.ones(2), np.array([0, 19]) * HOP_LENGTH / SR)
    min_frames = 0.07 * SR / HOP_LENGTH
    runs = _split_and_clean(
        path, attacks, levels, levels, {}, sr=SR, classes=classes, min_frames=min_frames
    )
    assert runs[1:3] == [(10, 19, 2), (19, 42, 1)]


def test_a_weak_flux_peak_splits_a_note_only_when_it_was_struck_again():
    # One note (class A) held 60 frames with a weak flux peak (0.15 of the
    # strongest) at frame 30. On a blown note whose level wobbles 1 dB from frame
    # to frame and rises 2 dB there (breath, a loop in the sample), it stays one
    # note; after a 4 dB dip (the old note let go), it is struck again.
    classes = ["A", SILENCE]
    path = np.array([0] * 60 + [1] * 10)
    attacks = (np.array([0, 30]), np.array([1.0, 0.15]), np.array([0, 30]) * HOP_LENGTH / SR)
    min_frames = 0.07 * SR / HOP_LENGTH
    frames = np.arange(len(path))
    wobble = np.where(frames < 60, -20.0 + (frames % 2), -70.0)
    wobble[30:33] += 2.0
    runs = _split_and_clean(
        path, attacks, wobble, wobble, {}, sr=SR, classes=classes, min_frames=min_frames
    )
    assert [r for r in runs if r[2] == 0] == [(0, 60, 0)]
    dipped = np.where(frames < 60, -20.0, -70.0)
    dipped[27:30] = -24.0
    exact: dict = {}
    runs = _split_and_clean(
        path, attacks, dipped, dipped, exact, sr=SR, classes=classes, min_frames=min_frames
    )
    assert [r[:2] for r in runs if r[2] == 0] == [(0, 30), (30, 60)]


def test_window_stats_are_the_stats_of_each_centred_window():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(40, 3))
    out = window_stats(rows, width=5, stats=("mean", "std", "max", "min"))
    assert out.shape == (40, 12)
    for t in (0, 1, 20, 39):
        window = rows[max(0, t - 2) : t + 3]
        expected = np.concatenate([window.mean(0), window.std(0), window.max(0), window.min(0)])
        assert out[t] == pytest.approx(expected, abs=1e-5)


def test_midi_round_trips_through_mido():
    notes = [
        Note(0.25, 0.75, "C", 60, 0.9),
        Note(0.75, 1.5, "F#", 54, 0.8),
        Note(1.5, 1.6, "F#", 54, 0.7),  # repeated at once
        Note(2.0, 3.125, "A#", 94, 1.0),
        Note(3.2, 3.4, "D", None, 1.0),  # no octave known: D4
    ]
    data = notes_to_midi(notes)
    parsed = mido.MidiFile(file=io.BytesIO(data))
    assert parsed.type == 1 and parsed.ticks_per_beat == 480
    assert parsed.length == pytest.approx(3.4, abs=1e-3)
    back = notes_from_midi(data)
    assert [(n.label, n.midi) for n in back] == [
        ("C", 60),
        ("F#", 54),
        ("F#", 54),
        ("A#", 94),
        ("D", 62),
    ]
    for got, want in zip(back, notes, strict=True):
        assert got.start_s == pytest.approx(want.start_s, abs=1 / 960)
        assert got.end_s == pytest.approx(want.end_s, abs=1 / 960)
    assert read_truth(data, name="truth.mid") == back
    with pytest.raises(ParameterError, match="not a readable MIDI file"):
        notes_from_midi(b"MThd\x00\x00")


def test_midi_notes_keep_their_own_velocities():
    notes = [Note(0.0, 0.5, "C", 60, 1.0), Note(0.5, 1.0, "E", 64, 1.0)]
    parsed = mido.MidiFile(file=io.BytesIO(notes_to_midi(notes, velocity=[40, 110])))
    ons = [m.velocity for m in parsed.tracks[0] if m.type == "note_on"]
    assert ons == [40, 110]
    with pytest.raises(ParameterError, match="velocity must be 1-127"):
        notes_to_midi(notes, velocity=0)


def test_truth_from_csv():
    text = "start_s,end_s,label\n0.5,1.0,C#4\n0,0.5,silence\n1.0,1.5,Eb\n\n2,3,G\n"
    notes = notes_from_csv(text)
    assert [(n.start_s, n.end_s, n.label, n.midi) for n in notes] == [
        (0.5, 1.0, "C#", 61),
        (1.0, 1.5, "D#", None),
        (2.0, 3.0, "G", None),
    ]
    assert read_truth(text.encode(), name="truth.csv") == notes
    with pytest.raises(ParameterError, match="row 2 must be start_s,end_s,label"):
        notes_from_csv("start_s,end_s,label\n0.5,1.0\n")
    with pytest.raises(ParameterError, match="row 1: start_s and end_s must be seconds"):
        notes_from_csv("a,b,C\n")
    with pytest.raises(ParameterError, match="0 <= start_s < end_s; got 2, 1"):
        notes_from_csv("2,1,C\n")
    with pytest.raises(ParameterError, match="neither a MIDI file nor UTF-8"):
        read_truth(b"\xff\xfe\x00bad", name="x.csv")


def test_scores_against_the_truth_on_a_known_case():
    truth = [
        Note(0.0, 1.0, "C", 60),
        Note(1.0, 2.0, "D", 62),
        Note(2.0, 3.0, "E", 64),
        Note(3.0, 4.0, "F", 65),
    ]
    estimate = [
        Note(0.04, 1.0, "C", 48),  # onset 40 ms late: a match (wrong octave)
        Note(1.06, 2.0, "D", 62),  # 60 ms late: no match
        Note(2.0, 3.0, "G", 67),  # wrong pitch class
        Note(3.0, 3.5, "F", 65),  # right (offsets are not scored)
        Note(4.2, 4.6, "A", 69),  # extra, during the rest after the truth ends
    ]
    scores = transcription_scores(truth, estimate, duration_s=5.0)
    assert scores["note_precision"] == pytest.approx(2 / 5, abs=1e-6)
    assert scores["note_recall"] == pytest.approx(2 / 4, abs=1e-6)
    assert scores["note_f1"] == pytest.approx(2 * 0.4 * 0.5 / 0.9, abs=1e-6)
    assert scores["midi_accuracy"] == pytest.approx(1 / 2, abs=1e-6)
    assert scores["reference_notes"] == 4 and scores["estimated_notes"] == 5
    # Time right: C 0.96 s, D 0.94 s, E none, F 0.5 s, rest 4-5 s less the extra 0.4 s.
    expected = (0.96 + 0.94 + 0.0 + 0.5 + 0.6) / 5.0
    assert scores["frame_accuracy"] == pytest.approx(expected, abs=0.005)
    assert frame_accuracy(truth, truth, duration_s=5.0) == 1.0
    assert note_scores([], [])["note_f1"] == 1.0
    assert note_scores(truth, [])["note_f1"] == 0.0
    with pytest.raises(ParameterError, match="duration_s must be positive"):
        frame_accuracy(truth, estimate, duration_s=0)


def test_any_pipeline_gets_frame_probabilities_from_its_own_windows():
    """A model whose features need each window's audio (MFCC deltas) goes the slow road."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from musicml.datasets import notes_dataset
    from musicml.features import FeatureExtractor
    from musicml.transcription import frame_probabilities

    data = notes_dataset(per_class=6, pitch_classes=["C", "G"], clip_seconds=0.3, seed=1)
    pipeline = Pipeline(
        [("features", FeatureExtractor(kind="mfcc")), ("model", LogisticRegression(max_iter=5000))]
    ).fit(data.as_array(), data.labels)
    audio = melody([(0.2, 0.7, 60)], seconds=1.2)
    probabilities = frame_probabilities(pipeline, audio, sr=SR)
    assert probabilities.shape == (1 + len(audio) // 512, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    result = transcribe(Clip(audio, SR), pipeline)
    assert result.classes == ["C", "G", "silence"]
    assert all(n.label in ("C", "G") for n in result.notes)
