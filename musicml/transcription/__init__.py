"""Note tracking: a recording of a melody turned into notes (start, end, pitch).

The road, frame by frame (one frame every ``hop_length`` samples, 23 ms at 22050 Hz):

1. **Frame probabilities.** Every frame is classified by a trained model
   from a short window centred on it (``context_s``, 0.25 s by default: long
   enough to hear a pitch, short enough not to blur notes together). For models
   whose features are statistics over time of mel / STFT / chroma / CQT rows
   (the built-in ones) the rows of the whole recording are computed once and
   the statistics of every window are running sums; any other model gets each
   window's audio.
2. **Sound or rest.** The model is level-invariant by design, so a release tail
   60 dB below the melody still sounds like the note to it. The recording's own
   dynamics decide too: a frame is sound when its RMS level is well above the
   recording's noise floor and not far below its loud parts
   (:func:`sound_probability`; in a noisy room, :func:`noisy_room`, a few dB
   above its hiss or hum), and not in a release tail: where the level
   suddenly falls faster than the note's own decay (:func:`released_frames`),
   until a new note sounds in it (:func:`tails_with_new_pitch`), or a step of
   the note's own decay that holds (a vibraphone's).
3. **Smoothing.** Viterbi passes with a switching penalty, first over sound /
   rest, then over the notes within each sounding stretch, turn frames into
   runs (a note ends where it ends, blips vanish). Note starts move to the
   nearest attack (spectral-flux onsets), runs of one label are split at strong
   attacks (repeated notes), and notes shorter than ``min_note_s`` are dropped.
4. **Pitch.** Each note's MIDI number comes from its constant-Q spectrum: among
   the octaves of its pitch class that have odd partials of their own (a
   sub-octave organ rank does not make the note an octave lower), the one whose
   harmonic series holds the most energy (:func:`note_midi`).

Scores against the truth (frame accuracy, note precision / recall / F1 with
mir_eval) and MIDI files in and out (with mido) live here too, for the page and
the command line alike.

The package: :mod:`.tracker` (steps 1–4 and :func:`transcribe`), :mod:`.notes` (the note
types, MIDI and truth files) and :mod:`.scores` (against the truth). Everything public
is importable from here.
"""

from __future__ import annotations

from musicml.pitch import PITCH_CLASSES  # noqa: F401  (re-exported, as before)
from musicml.transcription.notes import (  # noqa: F401
    MAX_TRUTH_BYTES,
    SILENCE,
    TEMPO_US,
    TICKS_PER_BEAT,
    Note,
    Transcription,
    notes_from_csv,
    notes_from_midi,
    notes_of,
    notes_to_midi,
    pitch_class_of,
    read_truth,
)
from musicml.transcription.scores import (  # noqa: F401
    FRAME_STEP_SECONDS,
    ONSET_TOLERANCE_SECONDS,
    frame_accuracy,
    midi_accuracy,
    note_scores,
    transcription_scores,
)
from musicml.transcription.tracker import (  # noqa: F401
    ATTACK_GAP_FRAMES,
    ATTACK_LAG_FRAMES,
    CHANGE_FALL_DB,
    CONTEXT_SECONDS,
    CQT_BINS,
    FLOOR_MARGIN_DB,
    FLOOR_PERCENTILE,
    GAP_DROP_DB,
    HARMONICS,
    HELD_FRAMES,
    HOP_LENGTH,
    LEGATO_DIP_DB,
    LEGATO_FRAMES,
    LEGATO_REACH_SECONDS,
    LOUD_PERCENTILE,
    MAX_GAIN_DB,
    MIDI_OF_CQT_BIN0,
    MIN_NOTE_SECONDS,
    MODEL_LOUD_DB,
    MODEL_QUIET_DB,
    NEW_PITCH_DIP_DB,
    NEW_PITCH_FRAMES,
    NEW_PITCH_PROBABILITY,
    NEW_PITCH_REACH_FRAMES,
    NOISY_ROOM_DB,
    ODD_PARTIALS_DB,
    QUIET_GAIN_DB,
    RANGE_DB,
    RELEASE_DROP_DB,
    RELEASE_FRAMES,
    RELEASE_MARGIN_DB,
    RELEASE_RATIO,
    RISE_DB,
    SOUND_SLOPE_DB,
    SPLIT_RISE_DB,
    SPLIT_STRENGTH,
    SWITCH_PROBABILITY,
    attack_frames,
    frame_levels_db,
    frame_probabilities,
    model_gain,
    noisy_room,
    note_midi,
    octave_scores,
    odd_partials_db,
    released_frames,
    smooth_path,
    sound_probability,
    tails_with_new_pitch,
    transcribe,
)
