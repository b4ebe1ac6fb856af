"""The note tracker: frame probabilities, sound or rest, smoothing, attacks and
octaves, and :func:`transcribe`, which joins them (the road is in
:mod:`musicml.transcription`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import librosa
import numpy as np

from musicml.analysis import onset_strength
from musicml.audio import Clip, resample
from musicml.errors import ParameterError
from musicml.features import FeatureExtractor, cqt_magnitude
from musicml.models import as_trained_model, class_probabilities
from musicml.pitch import PITCH_CLASSES
from musicml.transcription.notes import SILENCE, Note, Transcription

HOP_LENGTH = 512
"""Samples between frames (23 ms at 22050 Hz)."""
CONTEXT_SECONDS = 0.25
"""Audio each frame's window sees, centred on the frame."""
MIN_NOTE_SECONDS = 0.07
"""Notes shorter than this are dropped."""
SWITCH_PROBABILITY = 0.02
"""Chance per frame of leaving a state in the Viterbi pass (the switching penalty)."""
LOUD_PERCENTILE = 95.0
FLOOR_PERCENTILE = 5.0
RANGE_DB = 45.0
"""A frame this far below the recording's loud parts is a rest, whatever the model says."""
FLOOR_MARGIN_DB = 5.0
"""A frame must be this far above the noise floor to be sound (a soft note, a
vibraphone struck at velocity 40, rings only 7-10 dB above a quiet room)."""
SOUND_SLOPE_DB = 3.0
"""Width (dB) of the soft step from rest to sound around the threshold."""
NOISY_ROOM_DB = 28.0
"""A recording whose noise floor (its quietest frames, in which the model hears no
note) is within this of its loud parts was made in a noisy room (hiss, mains hum)."""
NOISY_MARGIN_DB = 5.0
NOISY_RANGE_DB = 6.0
"""In a noisy room a frame is sound :data:`NOISY_MARGIN_DB` above the noise floor, or
at least within :data:`NOISY_RANGE_DB` of the loud parts."""
HARMONICS = 6
"""Partials summed when choosing a note's octave."""
CQT_BINS = 84
"""Semitone CQT bins from C1 (MIDI 24) to B7."""
MIDI_OF_CQT_BIN0 = 24


# --------------------------------------------------------------------------- frames


def _extractors(pipeline) -> list[FeatureExtractor] | None:
    """The pipeline's feature extractors if every one has frame rows, else None."""
    steps = getattr(pipeline, "steps", None)
    if not steps or steps[0][0] != "features":
        return None
    step = steps[0][1]
    parts = [p for _, p in step.transformer_list] if hasattr(step, "transformer_list") else [step]
    if getattr(step, "transformer_weights", None):
        return None
    for part in parts:
        if not isinstance(part, FeatureExtractor) or part.kind not in (
            "mel",
            "stft",
            "chroma",
            "cqt",
        ):
            return None
        if int(part.hop_length) != HOP_LENGTH:
            return None
    return parts


def frame_probabilities(
    model,
    audio: np.ndarray,
    *,
    sr: int,
    hop_length: int = HOP_LENGTH,
    context_s: float = CONTEXT_SECONDS,
    cqt: np.ndarray | None = None,
) -> np.ndarray:
    """Class probabilities of the window centred on every frame of ``audio``.

    Parameters
    ----------
    model : TrainedModel or fitted Pipeline
    audio : np.ndarray
        Shape ``(n_samples,)`` at the model's rate ``sr``.
    hop_length : int, default 512
    context_s : float, default 0.25
        Window length in seconds.
    cqt : np.ndarray, optional
        The audio's CQT magnitude (:func:`musicml.features.cqt_magnitude`), reused.

    Returns
    -------
    np.ndarray
        Shape ``(1 + n_samples // hop_length, n_classes)``, rows summing to 1.
    """
    model = as_trained_model(model)
    if not (np.isfinite(context_s) and context_s > 0):
        raise ParameterError(
            "context_s must be a positive number of seconds; got {context_s!r}.",
            context_s=context_s,
        )
    n_frames = 1 + len(audio) // hop_length
    width = max(3, round(context_s * sr / hop_length) | 1)
    parts = _extractors(model.pipeline) if hop_length == HOP_LENGTH else None
    if parts is not None:
        features = np.concatenate(
            [part.window_features(audio, width=width, cqt=cqt) for part in parts], axis=1
        )
        head = model.pipeline[1:]
        return class_probabilities(head, features)[:n_frames]
    n = width * hop_length
    padded = np.pad(np.asarray(audio, dtype=np.float32), (n // 2, n // 2))
    starts = np.arange(n_frames) * hop_length
    out = np.zeros((n_frames, len(model.classes)))
    batch_frames = 512
    for begin in range(0, n_frames, batch_frames):
        rows = starts[begin : begin + batch_frames]
        batch = padded[rows[:, None] + np.arange(n)[None, :]]
        out[begin : begin + len(rows)] = class_probabilities(model.pipeline, batch)
    return out


def frame_levels_db(
    audio: np.ndarray, *, hop_length: int = HOP_LENGTH, width: int | None = None
) -> np.ndarray:
    """RMS level in dB full scale of the ``width`` samples (default ``4 * hop_length``)
    centred on every frame.

    Returns
    -------
    np.ndarray
        Shape ``(1 + n_samples // hop_length,)``.
    """
    audio = np.asarray(audio, dtype=np.float32)
    n = len(audio)
    n_frames = 1 + n // hop_length
    half = (4 * hop_length if width is None else int(width)) // 2
    # Energy in blocks of samples, then running sums of blocks: a few thousand
    # additions per second of audio instead of one per sample.
    block = int(np.gcd(half, hop_length)) or 1
    n_blocks = -(-n // block)
    squares = np.zeros(n_blocks * block)
    squares[:n] = np.square(audio, dtype=np.float64)
    total = np.concatenate([[0.0], np.cumsum(squares.reshape(n_blocks, block).sum(axis=1))])
    centres = np.arange(n_frames) * (hop_length // block)
    lo = np.clip(centres - half // block, 0, n_blocks)
    hi = np.clip(centres + half // block, 0, n_blocks)
    count = np.clip(hi * block, 0, n) - lo * block
    power = (total[hi] - total[lo]) / np.maximum(count, 1)
    return 10 * np.log10(np.maximum(power, 1e-20))


def _loud_and_floor(levels_db: np.ndarray) -> tuple[float, float]:
    """A recording's loud parts and its noise floor: the :data:`LOUD_PERCENTILE` and
    :data:`FLOOR_PERCENTILE` of its frame levels."""
    loud, floor = np.percentile(levels_db, [LOUD_PERCENTILE, FLOOR_PERCENTILE])
    return float(loud), float(floor)


def sound_probability(
    levels_db: np.ndarray,
    *,
    range_db: float = RANGE_DB,
    floor_margin_db: float = FLOOR_MARGIN_DB,
    slope_db: float = SOUND_SLOPE_DB,
    noisy: bool = False,
) -> tuple[np.ndarray, float]:
    """The chance each frame is sound rather than rest, from the recording's own dynamics.

    The loud parts are the 95th percentile of the frame levels, the noise floor
    the 5th. A frame is sound when it is more than ``floor_margin_db`` above the
    floor and less than ``range_db`` below the loud parts (a release tail dies
    below that); if the two limits cross (a recording with no rests, whose
    "floor" is its quietest note) the range wins, unless the room is ``noisy``
    (:func:`noisy_room`): then the floor is noise, and a frame
    :data:`NOISY_MARGIN_DB` above it is sound.

    Returns
    -------
    probability : np.ndarray
        Shape ``(n_frames,)``, in 0–1.
    threshold_db : float
        The level where the probability is one half.
    """
    levels_db = np.asarray(levels_db, dtype=float)
    loud, floor = _loud_and_floor(levels_db)
    margin, span = (NOISY_MARGIN_DB, NOISY_RANGE_DB) if noisy else (floor_margin_db, 20.0)
    threshold = max(loud - range_db, min(floor + margin, loud - span), -100.0)
    probability = 1.0 / (1.0 + np.exp(-(levels_db - threshold) / slope_db))
    return probability, threshold


def noisy_room(levels_db: np.ndarray, silence: np.ndarray) -> bool:
    """Whether a recording was made in a noisy room: its quietest frames (the
    :data:`FLOOR_PERCENTILE`), in which the model mostly hears silence
    (``silence``: its probability per frame), lie within :data:`NOISY_ROOM_DB` of
    its loud parts, and at least :data:`NOISY_RANGE_DB` below them (digital silence, or
    noise alone, is no room with music in it). (In a recording with no rests the
    quietest frames are a note.)"""
    levels_db = np.asarray(levels_db, dtype=float)
    if levels_db.size < 2:
        return False
    loud, floor = _loud_and_floor(levels_db)
    quiet = levels_db <= floor
    heard = NOISY_RANGE_DB <= loud - floor < NOISY_ROOM_DB  # music above the noise
    return heard and float(np.mean(silence[quiet])) >= 0.5


MODEL_LOUD_DB = -14.0
"""The level (dB full scale) the model hears a recording's loud parts at."""
MAX_GAIN_DB = 30.0
"""The most a recording is turned up or down for the model."""
QUIET_GAIN_DB = 20.0
"""A recording the model hears turned up this much or more is a quiet one (the page
says so)."""
MODEL_QUIET_DB = -55.0
"""The loudest a recording's noise floor is turned up to for the model: the loudest
room it learnt as silence (-52 dBFS RMS) less 3 dB (turned up into a note's levels,
hiss and hum would sound like notes to it)."""


def model_gain(levels_db: np.ndarray) -> float:
    """The gain that brings a recording's loud parts to :data:`MODEL_LOUD_DB` for the model.

    The notes models learnt silence as a quiet room, so a quiet recording (a
    phone across the room, a soft passage) would be all silence to them; turned
    up so that its loud parts are where a well-recorded melody's are, its notes
    and rests are told by their own dynamics. Within :data:`MAX_GAIN_DB`, and
    never lifting its noise floor above :data:`MODEL_QUIET_DB`; a recording
    whose levels span less than :data:`NOISY_RANGE_DB` (noise, or
    digital silence, with no music in it) is left as it is.

    Returns
    -------
    float
        The factor to multiply the samples by.
    """
    levels_db = np.asarray(levels_db, dtype=float)
    if levels_db.size < 2:
        return 1.0
    loud, floor = _loud_and_floor(levels_db)
    if loud - floor < NOISY_RANGE_DB:
        return 1.0
    # Never so far that the room becomes louder than the silence the model learnt.
    gain_db = min(MODEL_LOUD_DB - loud, max(0.0, MODEL_QUIET_DB - floor))
    return float(10 ** (np.clip(gain_db, -MAX_GAIN_DB, MAX_GAIN_DB) / 20))


RELEASE_DROP_DB = 4.0
"""A level falling this much within :data:`RELEASE_FRAMES` frames, at least
:data:`RELEASE_RATIO` times as fast as the note decayed since its peak and
:data:`RELEASE_MARGIN_DB` per frame faster, is a note being released."""
RELEASE_FRAMES = 4
RELEASE_RATIO = 1.5
RELEASE_MARGIN_DB = 0.8
HELD_FRAMES = 6
"""Frames before a release over which the note's own decay rate is measured."""
SUSTAIN_FRAMES = 8
SUSTAIN_RANGE_DB = 4.5
"""A level staying within this over :data:`SUSTAIN_FRAMES` frames is a note held at a
steady level, whose own decay is its fall over those frames."""
STEADY_MARGIN_DB = 0.4
"""For such a note, falling that far, the margin (dB per frame) its release must fall
faster than its own decay (:data:`RELEASE_MARGIN_DB` for any other)."""
FADE_FRAMES = 16
FLAT_DB = 1.5
FADE_KNEE_DB = 2.0
ATTACK_OVERSHOOT_DB = 3.0
"""A note held flat (its level within :data:`FLAT_DB` of its top over the
:data:`SUSTAIN_FRAMES` before, and since its attack no more than
:data:`ATTACK_OVERSHOOT_DB` above it) whose level then falls :data:`LEGATO_DIP_DB` within
:data:`FADE_FRAMES` frames (370 ms), never coming back up, is let go where it has
fallen :data:`FADE_KNEE_DB` (see :func:`released_frames`), however slowly it falls."""
SECOND_FALL_DB = 10.0
"""Such a fade that, within this of where it began, starts to fall fast (a release by
the other rules) was the note's own decay: it is let go there instead."""
LEGATO_FRAMES = 6
"""A release tail this short (140 ms) that ends in an attack and falls less than
:data:`LEGATO_DIP_DB` is one note handing over to the next, not a rest."""
LEGATO_DIP_DB = 10.0
SHARP_LEGATO_FRAMES = 3
"""A tail ending in a sharp attack (the level rising :data:`RISE_DB` within one frame;
a bowed note swelling in rises slower) is a handover only when this short: the window
of the level (4 hops) blurs it no longer; a longer one was a rest before a struck or
plucked note."""
PLATEAU_FRAMES = 4
PLATEAU_DB = 1.0
PLATEAU_ABOVE_DB = 6.0
"""A release tail whose level holds within :data:`PLATEAU_DB` for :data:`PLATEAU_FRAMES`
frames, :data:`PLATEAU_ABOVE_DB` or more above the level of rests and less than
:data:`LEGATO_DIP_DB` below where it began, was no release: a step of the note's own
decay (a vibraphone's, beating with its motor) or a dip of a bowed note."""
RISE_DB = 3.0
"""A level rising this much within two frames (an attack) ends a release tail."""
TREMOLO_RISE_DB = 2.0
TREMOLO_FRAMES = 4
"""A release tail less than :data:`LEGATO_DIP_DB` deep whose level rises
:data:`TREMOLO_RISE_DB` again within this many frames of its lowest, slower than
an attack and with none near, was no release: the note's tremolo (a level that
holds at the bottom, then swells, is a new note coming in)."""


def released_frames(
    levels_db: np.ndarray,
    *,
    drop_db: float = RELEASE_DROP_DB,
    frames: int = RELEASE_FRAMES,
    attacks: np.ndarray | None = None,
    quiet_db: float | None = None,
) -> np.ndarray:
    """Frames of a release tail: from where the level starts to fall fast until it rises again.

    A held note decays at a steady rate (not at all for an organ, slowly for a
    low piano string, fast for a high one, fastest just after its attack); a
    released one suddenly falls faster. The tail that follows may stay above
    the noise floor for a while, but it is rest. A release starts where the
    fall over the next ``frames`` frames is at least ``drop_db`` and at least
    :data:`RELEASE_RATIO` times, and :data:`RELEASE_MARGIN_DB` per frame more
    than, the note's own decay: the slowest, over the last ``frames`` frames,
    of the fall per frame since the level's peak in the :data:`HELD_FRAMES`
    before (measured from the peak so that the fast fall just after an attack
    counts as the note's, and the slowest so that a release that begins softly
    does not); for a note held at a steady level (within :data:`SUSTAIN_RANGE_DB`
    over :data:`SUSTAIN_FRAMES`: an organ, a bowed or blown note, whose peak may
    be where it is let go) that then falls :data:`LEGATO_DIP_DB` within
    ``3 * frames``, its fall per frame over those frames if slower, and a
    margin of only :data:`STEADY_MARGIN_DB`; and a note held flat since its
    attack (an organ, see :data:`FADE_FRAMES`) that then fades away, however
    slowly (FluidR3_GM's organ: 0.7 dB a frame), from where it has fallen
    :data:`FADE_KNEE_DB`, unless it falls fast soon after (:data:`SECOND_FALL_DB`).
    The previous frames must not be an attack, and the level must go on falling for another
    ``frames`` frames unless a note is attacked then (a tremolo's dip comes
    back). It lasts until the level rises by
    :data:`RISE_DB` within two frames, comes back to where the release began,
    or a note is attacked (``attacks``: frame indices, which a slowly swelling
    bowed or blown note in legato reaches before its level rises). A tail of at
    most :data:`LEGATO_FRAMES` that falls less than :data:`LEGATO_DIP_DB` is
    no rest: one note handing over to the next; nor is one that shallow whose
    level rises :data:`TREMOLO_RISE_DB` again soon, with no attack (a tremolo).

    Returns
    -------
    np.ndarray
        Shape ``(n_frames,)``, bool.
    """
    levels_db = np.asarray(levels_db, dtype=float)
    n = len(levels_db)
    index = np.arange(n)
    ahead = levels_db - levels_db[np.minimum(index + frames, n - 1)]
    before = levels_db[np.maximum(index - 3, 0)] - levels_db
    # recent[:, j] is the level j frames ago; the note's decay since its recent peak.
    recent = np.stack(
        [
            np.where(index >= j, levels_db[np.maximum(index - j, 0)], -np.inf)
            for j in range(HELD_FRAMES + 1)
        ],
        axis=1,
    )
    since = HELD_FRAMES - np.argmax(recent[:, ::-1], axis=1)  # of equal peaks, the oldest
    rate = np.where(since > 1, (recent[index, since] - levels_db) / np.maximum(since, 1), np.inf)
    # The note's own decay is the slowest of the last few frames' (a release
    # that has begun softly must not count as the note's), where that is
    # known: two frames or more after a peak (just after one, no release starts).
    held_rate = np.min(np.stack([rate[np.maximum(index - j, 0)] for j in range(frames)]), axis=0)
    # A sustained note (an organ, a bowed or blown note) holds its level: its
    # peak may be where it is let go, so no fall since a peak tells its decay.
    # Its own decay is then its fall over the last SUSTAIN_FRAMES, none if it
    # rose, when the level stayed within SUSTAIN_RANGE_DB all that while.
    past = np.stack([levels_db[np.maximum(index - j, 0)] for j in range(SUSTAIN_FRAMES + 1)])
    steady = (index >= SUSTAIN_FRAMES) & (np.ptp(past, axis=0) <= SUSTAIN_RANGE_DB)
    sustain_rate = np.maximum(past[-1] - levels_db, 0.0) / SUSTAIN_FRAMES
    # Let go, it falls far (a legato handover dips a few dB and comes back).
    deep = levels_db - np.min(
        np.stack([levels_db[np.minimum(index + j, n - 1)] for j in range(3 * frames)]), axis=0
    )
    # A note held flat (an organ: its level within FLAT_DB of its top over the
    # SUSTAIN_FRAMES before) that then fades away, falling LEGATO_DIP_DB within
    # FADE_FRAMES and never coming back up, however slowly (1 dB a frame), is
    # let go where it has fallen FADE_KNEE_DB below that top.
    held_top = np.max(past[1:], axis=0)
    flat = np.min(past[3:], axis=0) >= held_top - FLAT_DB
    coming = np.stack([levels_db[np.minimum(index + j, n - 1)] for j in range(FADE_FRAMES + 1)])
    # Held flat since it began: a struck or plucked note that has settled for a
    # while (a vibraphone, a piano) peaked well above that at its attack.
    low2 = np.minimum(levels_db[np.maximum(index - 1, 0)], levels_db[np.maximum(index - 2, 0)])
    begun = levels_db - low2 >= RISE_DB
    if attacks is not None:
        struck_at = np.asarray(attacks, dtype=int)
        begun[struck_at[(struck_at >= 0) & (struck_at < n)]] = True
    # The running maximum since the last start: each start lifts what follows
    # above all before it (levels span far less than 1000 dB).
    lift = 1000.0 * np.cumsum(begun)
    peak = np.maximum.accumulate(levels_db + lift) - lift
    fades = (
        (index >= SUSTAIN_FRAMES)
        & flat
        & (peak <= held_top + ATTACK_OVERSHOOT_DB)
        & (levels_db <= held_top - FADE_KNEE_DB)
        & (past[1] > held_top - FADE_KNEE_DB)
        & (held_top - np.min(coming, axis=0) >= LEGATO_DIP_DB)
        & (np.max(coming[1:], axis=0) <= levels_db + 0.5)
    )
    steady &= deep >= LEGATO_DIP_DB
    held_rate = np.where(steady, np.minimum(sustain_rate, held_rate), held_rate)
    # That deep fall is proof enough: a smaller margin over the note's own decay.
    margin = np.where(steady, STEADY_MARGIN_DB, RELEASE_MARGIN_DB)
    starts = (
        (ahead >= drop_db)
        & (ahead / frames >= RELEASE_RATIO * held_rate)
        & (ahead / frames >= held_rate + margin)
        & (before > -1.0)
    )

    # The release begins at the first of those frames that falls faster than the note did.
    step = levels_db - levels_db[np.minimum(index + 1, n - 1)]
    faster = np.minimum(held_rate + margin, RELEASE_RATIO * held_rate)
    begins = np.zeros(n, dtype=bool)
    for t in np.flatnonzero(starts):
        fast = np.flatnonzero(step[t : t + frames] >= faster[t])
        begins[t + (int(fast[0]) if fast.size else 0)] = True
    starts = begins | fades
    low2 = np.minimum(levels_db[np.maximum(index - 1, 0)], levels_db[np.maximum(index - 2, 0)])
    rising = levels_db - low2 >= RISE_DB
    attacked = np.zeros(n, dtype=bool)
    if attacks is not None:
        attacks = np.asarray(attacks, dtype=int)
        attacked[attacks[(attacks >= 0) & (attacks < n)]] = True
    # A release goes on falling (or rests at the floor) until the next note;
    # a tremolo's dip comes back up without one.
    later = levels_db[np.minimum(index + 2 * frames, n - 1)]
    falling = later <= levels_db[np.minimum(index + frames, n - 1)] + 1.0
    total = np.concatenate([[0], np.cumsum(rising | attacked)])
    struck = total[np.minimum(index + 2 * frames + 1, n)] - total[np.minimum(index + 1, n)] > 0
    starts &= falling | struck
    out = np.zeros(n, dtype=bool)
    inside, start_level, began, slow = False, 0.0, 0, False
    for t in range(n):
        # (A release's own click is a weak onset: an attack ends the tail only
        # once it has lasted longer than that.)
        # Nor does a reverberant bump in a deep tail: only an attack in a
        # shallow one (a slow note in legato), or one after which the level
        # comes back up near where the release began (a new note swelling).
        struck_now = (
            attacked[t]
            and t - began >= ATTACK_GAP_FRAMES
            and max(levels_db[began:t].min(), levels_db[t : t + 2 * frames].max())
            > start_level - LEGATO_DIP_DB
        )
        # (A slow fade stays within 1 dB for a frame or two: it comes back
        # only once it has fallen.)
        back = levels_db[t] >= start_level - 1.0 and (
            not slow or levels_db[began:t].min() < start_level - 1.0
        )
        # A shallow dip that rises again slowly, without an attack, was the
        # note's own tremolo (a vibraphone's motor): no release.
        if (
            inside
            and not slow
            and t - began >= 2
            and levels_db[t] - levels_db[began:t].min() >= TREMOLO_RISE_DB
            and t - began - int(np.argmin(levels_db[began:t])) <= TREMOLO_FRAMES
            and levels_db[began:t].min() > start_level - LEGATO_DIP_DB
            and not (rising[t] or attacked[max(0, t - 2) : t + 3].any())
        ):
            out[began:t] = False
            inside = False
        if inside and (rising[t] or struck_now or back):
            inside = False
            # A short, shallow dip that ends in an attack is one note handing
            # over to the next (legato), not a rest between them.
            # A sharp attack (the level rising at once) is heard where it is:
            # its handover dips only as long as the level's window is wide.
            sharp = t > 0 and levels_db[t] - levels_db[t - 1] >= RISE_DB
            longest = SHARP_LEGATO_FRAMES if sharp else LEGATO_FRAMES
            if t - began <= longest and levels_db[began:t].min() > start_level - LEGATO_DIP_DB:
                out[began:t] = False
        # A fade that then falls fast, within SECOND_FALL_DB of where it began,
        # was the note's own decay (a low piano string's), the fast fall its release.
        second = begins[t] and levels_db[t] > start_level - SECOND_FALL_DB
        if inside and slow and second:
            out[began:t] = False
            inside = False
        # A tail that stops falling, well above the rests' level, was a step of
        # the note's own decay (a vibraphone's, with its motor's beat): it goes on.
        if (
            inside
            and quiet_db is not None
            and t - began >= PLATEAU_FRAMES
            and levels_db[t] >= quiet_db + PLATEAU_ABOVE_DB
            and levels_db[t] > start_level - LEGATO_DIP_DB
            and np.ptp(levels_db[t - PLATEAU_FRAMES + 1 : t + 1]) <= PLATEAU_DB
        ):
            out[began:t] = False
            inside = False
        if not inside and starts[t]:
            inside, start_level, began = True, levels_db[t], t
            slow = bool(fades[t] and not begins[t])
        out[t] = inside
    # The level's window (4 hops) hears the fall one frame before it happens.
    return np.concatenate([[False], out[:-1]]) if n else out


NEW_PITCH_FRAMES = 3
"""Frames in a row the model must name one other note, with the level no longer
falling, for a release tail to end in a new note (see :func:`tails_with_new_pitch`)."""
NEW_PITCH_PROBABILITY = 0.5
NEW_PITCH_REACH_FRAMES = 6
"""How far (140 ms) before the model names the new note its attack may lie."""
NEW_PITCH_DIP_DB = 12.0
HELD_LOOKBACK_FRAMES = 6
"""A note attacked this close (140 ms) before a release tail is the new note; the tail
belongs to the note named before that attack (see :func:`tails_with_new_pitch`)."""
"""A tail ending in a new note that falls less than this was no rest at all: the new
note began where the old one was let go."""


def tails_with_new_pitch(
    released: np.ndarray,
    probabilities: np.ndarray,
    levels_db: np.ndarray,
    sound: np.ndarray,
    *,
    silence: int,
    attacks: np.ndarray | None = None,
) -> np.ndarray:
    """``released`` with each release tail cut short where a new note sounds in it.

    A tail keeps the pitch of the note that is dying, and a level-invariant model
    hears it as that note. When, inside a tail, the model names another note for
    :data:`NEW_PITCH_FRAMES` frames in a row (each at least
    :data:`NEW_PITCH_PROBABILITY`) while the level stops falling, loud enough to be
    sound (``sound`` at least one half: not the room after the tail), a new note is
    swelling in without an attack of its own (a bowed or blown note in legato):
    the tail ends there, or at the last attack in the tail before it (the model's
    window hears the new note only once it has begun; at most
    :data:`NEW_PITCH_REACH_FRAMES` before). A tail that fell less than
    :data:`NEW_PITCH_DIP_DB` by then is no tail at all: the new note began as
    the old one was let go.

    Parameters
    ----------
    released : np.ndarray
        Shape ``(n_frames,)``, bool (:func:`released_frames`).
    probabilities : np.ndarray
        Shape ``(n_frames, n_classes)``: the model's frame probabilities.
    levels_db : np.ndarray
        Shape ``(n_frames,)``.
    sound : np.ndarray
        Shape ``(n_frames,)``: the chance of sound from the levels
        (:func:`sound_probability`).
    silence : int
        Index of the ``silence`` class.
    attacks : np.ndarray, optional
        Frames of attacks (:func:`attack_frames`).

    Returns
    -------
    np.ndarray
        Shape ``(n_frames,)``, bool.
    """
    out = np.asarray(released, dtype=bool).copy()
    n, k = len(out), NEW_PITCH_FRAMES
    notes = np.delete(np.arange(probabilities.shape[1]), silence)
    top = notes[np.argmax(probabilities[:, notes], axis=1)]
    sure = probabilities[np.arange(n), top] >= NEW_PITCH_PROBABILITY
    for start, stop, state in _runs(out.astype(int)):
        if not state or start == 0:
            continue
        # The dying note is the one named before the tail, or, when a note was
        # attacked just before it while the old one sounded (a quieter note
        # taking over, whose pitch the model already names), before that attack.
        end = start
        if attacks is not None:
            struck = attacks[(attacks >= start - HELD_LOOKBACK_FRAMES) & (attacks < start)]
            if struck.size and struck.max() >= 3 and not out[struck.max() - 3 : struck.max()].any():
                end = int(struck.max())
        held = notes[np.argmax(probabilities[max(0, end - 3) : end][:, notes].sum(axis=0))]
        for t in range(start, min(stop, n - k + 1)):
            if (
                np.all(top[t : t + k] == top[t])
                and top[t] != held
                and sure[t : t + k].all()
                and np.all(sound[t : t + k] >= 0.5)
                and levels_db[min(n - 1, t + k)] >= levels_db[t] - 1.0
            ):
                struck = (
                    attacks[(attacks >= max(start, t - NEW_PITCH_REACH_FRAMES)) & (attacks < t)]
                    if attacks is not None
                    else []
                )
                cut = int(max(struck, default=t))
                if levels_db[start : t + 1].min() > levels_db[start] - NEW_PITCH_DIP_DB:
                    cut = start  # a shallow dip: the old note was let go as the new one began
                out[cut:stop] = False
                break
    return out


# --------------------------------------------------------------------------- smoothing


def _runs(path: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, stop, state) of each run of equal states."""
    edges = np.flatnonzero(np.diff(path)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(path)]])
    return [(int(a), int(b), int(path[a])) for a, b in zip(starts, stops, strict=True)]


def smooth_path(
    probabilities: np.ndarray, *, switch_probability: float = SWITCH_PROBABILITY
) -> np.ndarray:
    """Viterbi path (class index per frame) through frame probabilities.

    Staying in a class costs nothing, switching costs ``log(switch_probability)``.
    """
    probabilities = np.clip(np.asarray(probabilities, dtype=float), 1e-9, 1.0)
    n_states = probabilities.shape[1]
    if n_states == 1:
        return np.zeros(len(probabilities), dtype=int)
    transition = librosa.sequence.transition_loop(n_states, 1.0 - switch_probability)
    return librosa.sequence.viterbi_discriminative(
        np.ascontiguousarray((probabilities / probabilities.sum(axis=1, keepdims=True)).T),
        transition,
        p_state=np.full(n_states, 1.0 / n_states),
    )


def _two_level_path(
    probabilities: np.ndarray, silence: int, *, switch_probability: float
) -> np.ndarray:
    """Viterbi first over sound / rest, then over the notes within each sounding stretch.

    Deciding *whether* something sounds apart from *which* note it is keeps a
    note's start where the sound starts, even while the model (whose window
    still hears the rest before it) is unsure of its pitch.
    """
    sound = 1.0 - probabilities[:, silence]
    path = np.full(len(probabilities), silence)
    sounding = smooth_path(np.stack([1.0 - sound, sound], axis=1), switch_probability=0.05) == 1
    notes = np.delete(np.arange(probabilities.shape[1]), silence)
    for start, stop, state in _runs(sounding.astype(int)):
        if state:
            chunk = probabilities[start:stop][:, notes]
            chunk = chunk / np.maximum(chunk.sum(axis=1, keepdims=True), 1e-12)
            path[start:stop] = notes[smooth_path(chunk, switch_probability=switch_probability)]
    return path


ATTACK_LAG_FRAMES = 1.5
"""Frames from a note's start to the peak of its onset strength (at 512 / 22050 Hz)."""


ATTACK_GAP_FRAMES = 3
"""Onset peaks closer than this (70 ms) are one attack."""


FLICKER_PERCENTILE = 90.0
"""Each mel band's rises up to this percentile of them are its flicker, not attacks."""


def attack_frames(
    audio: np.ndarray, *, sr: int, hop_length: int = HOP_LENGTH
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frames where notes are attacked and how strongly.

    Peaks of the spectral-flux onset strength
    (:func:`musicml.analysis.onset_strength`), each with its height relative to
    the recording's strongest attack (0–1). Each band's own flicker
    (:data:`FLICKER_PERCENTILE` of its rises) is taken away first: hiss, and the
    room between a quiet note's partials, rise a little at every frame.

    Returns
    -------
    frames : np.ndarray
        Shape ``(n_attacks,)``, int.
    strengths : np.ndarray
        Shape ``(n_attacks,)``, float.
    times : np.ndarray
        Shape ``(n_attacks,)``: where each note begins, in seconds (between frames).
    """
    envelope = onset_strength(
        audio, sr=sr, hop_length=hop_length, flicker_percentile=FLICKER_PERCENTILE
    )
    peak = float(envelope.max()) if envelope.size else 0.0
    if peak <= 0:
        return np.zeros(0, dtype=int), np.zeros(0), np.zeros(0)
    envelope = envelope / peak
    peaks = librosa.onset.onset_detect(
        onset_envelope=envelope, sr=sr, hop_length=hop_length, units="frames", normalize=False
    ).astype(int)
    # One attack, one peak: of peaks closer than a short note, the first (a
    # blown or bowed note's first transient comes before its strongest), as
    # strong as the strongest.
    kept: list[int] = []
    strength: list[float] = []
    for frame in peaks.tolist():
        if kept and frame - kept[-1] < ATTACK_GAP_FRAMES:
            strength[-1] = max(strength[-1], float(envelope[frame]))
            continue
        kept.append(frame)
        strength.append(float(envelope[frame]))
    peaks = np.array(kept, dtype=int)
    # The flux peaks once the attack is under way: on sampled instruments
    # 36 ms (median) after the note begins, sooner for a sharp attack.
    times = np.maximum(peaks - ATTACK_LAG_FRAMES, 0.0) * hop_length / sr
    frames = np.round(times * sr / hop_length).astype(int)
    return frames, np.array(strength), times


# --------------------------------------------------------------------------- pitch


def octave_scores(spectra: np.ndarray) -> np.ndarray:
    """How well each semitone bin explains a spectrum as a note's fundamental.

    The score of bin ``b`` is the (square-root) energy of its first
    :data:`HARMONICS` partials, weighted 1/h, so a weak fundamental with strong
    overtones still wins over the octave above; minus half the energy at 1.5,
    2.5 and 3.5 times its frequency, partials that would be there if the note
    were an octave lower.

    Parameters
    ----------
    spectra : np.ndarray
        Shape ``(n, 84)``: constant-Q magnitudes, semitone bins from C1.

    Returns
    -------
    np.ndarray
        Shape ``(n, 84)``.
    """
    spectra = np.sqrt(np.maximum(np.atleast_2d(np.asarray(spectra, dtype=float)), 0.0))
    n_bins = spectra.shape[1]
    padded = np.pad(spectra, ((0, 0), (0, 48)))
    score = np.zeros_like(spectra)
    for h in range(1, HARMONICS + 1):
        shift = round(12 * np.log2(h))
        score += padded[:, shift : shift + n_bins] / h
    for ratio in (1.5, 2.5, 3.5):
        shift = round(12 * np.log2(ratio))
        score -= 0.5 * padded[:, shift : shift + n_bins] / ratio
    return score


ODD_PARTIALS_DB = -20.0
"""A candidate octave whose third and fifth partials both lie this far (dB) below
their even neighbours is no harmonic series of its own (see :func:`odd_partials_db`)."""


def odd_partials_db(spectrum: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """How strong the odd partials of a note at each of ``bins`` are: the larger, over
    the third and fifth partials, of a partial's level minus the mean level (dB) of
    the even partials beside it (2 and 4 for the third, 4 and 6 for the fifth).

    A note of the key's pitch sounding with a quiet tone an octave below it (a
    16' organ rank, a sub-harmonic of the recording) puts energy at half its
    frequency but none at 1.5 and 2.5 times it: read as a note an octave
    lower, its odd partials are missing (tens of dB below the even ones),
    whereas every instrument's own series has them (a clarinet's even ones are
    the weak ones). NaN where the partials lie above the spectrum.

    Parameters
    ----------
    spectrum : np.ndarray
        Shape ``(84,)``: constant-Q magnitudes, semitone bins from C1.
    bins : np.ndarray
        Candidate fundamentals, bin indices.

    Returns
    -------
    np.ndarray
        Shape ``(len(bins),)``, dB.
    """
    spectrum = np.asarray(spectrum, dtype=float)
    level = 20 * np.log10(np.maximum(spectrum, 1e-4 * max(float(spectrum.max()), 1e-12)))
    out = np.full(len(bins), np.nan)
    for i, b in enumerate(np.asarray(bins, dtype=int)):
        ratios = []
        for h in (3, 5):
            odd, below, above = (b + round(12 * np.log2(k)) for k in (h, h - 1, h + 1))
            if above < len(level):
                ratios.append(level[odd] - 0.5 * (level[below] + level[above]))
        if ratios:
            out[i] = max(ratios)
    return out


def note_midi(spectrum: np.ndarray, pitch_class: str) -> int | None:
    """The MIDI number of a note of ``pitch_class`` whose CQT magnitude is ``spectrum``:
    of the octaves of that pitch class whose own odd partials are there
    (:func:`odd_partials_db`), the best by :func:`octave_scores`.

    Parameters
    ----------
    spectrum : np.ndarray
        Shape ``(84,)``: mean constant-Q magnitude of the note, semitone bins from C1.

    Returns
    -------
    int or None
        None when ``pitch_class`` is not one.
    """
    if pitch_class not in PITCH_CLASSES:
        return None
    score = octave_scores(spectrum)[0]
    candidates = np.arange(PITCH_CLASSES.index(pitch_class), len(score), 12)
    odd = odd_partials_db(spectrum, candidates)
    kept = candidates[~(odd < ODD_PARTIALS_DB)]  # NaN (cannot tell) keeps a candidate
    if kept.size:
        candidates = kept
    return MIDI_OF_CQT_BIN0 + int(candidates[np.argmax(score[candidates])])


# --------------------------------------------------------------------------- the tracker


def transcribe(
    clip: Clip,
    model,
    *,
    context_s: float = CONTEXT_SECONDS,
    min_note_s: float = MIN_NOTE_SECONDS,
    switch_probability: float = SWITCH_PROBABILITY,
    range_db: float = RANGE_DB,
) -> Transcription:
    """The notes of a recording: frame probabilities → sound/rest → Viterbi → notes with pitch.

    Parameters
    ----------
    clip : Clip
        Any sample rate; resampled to the model's.
    model : TrainedModel or fitted Pipeline
        Best a notes model (pitch classes and ``silence``, e.g. ``builtin:chromatic``);
        the dynamics can only turn frames into rests for a model with a
        ``silence`` class; otherwise every frame gets one of its labels.
    context_s : float, default 0.25
        Audio each frame's window sees.
    min_note_s : float, default 0.07
        Shorter notes are dropped.
    switch_probability : float, default 0.02
        The Viterbi pass's chance per frame of changing label (smaller: smoother).
    range_db : float, default 45
        Frames this far below the recording's loud parts are rests.

    Returns
    -------
    Transcription
    """
    model = as_trained_model(model)
    if not 0 < switch_probability < 1:
        raise ParameterError(
            "switch_probability must be between 0 and 1; got {switch_probability!r}.",
            switch_probability=switch_probability,
        )
    if not (np.isfinite(min_note_s) and min_note_s >= 0):
        raise ParameterError(
            "min_note_s must be zero or more seconds; got {min_note_s!r}.", min_note_s=min_note_s
        )
    sr = model.sr or clip.sr
    audio = clip.audio if clip.sr == sr else resample(clip.audio, clip.sr, sr)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size < 1:
        raise ParameterError("the audio must hold at least one sample; got none.")
    hop = HOP_LENGTH
    n_frames = 1 + len(audio) // hop
    duration = len(audio) / sr
    classes = list(model.classes)
    times = np.arange(n_frames) * hop / sr

    cqt = (
        cqt_magnitude(audio, sr=sr, hop_length=hop, n_bins=CQT_BINS)
        if _has_pitch(classes)
        else None
    )
    if cqt is not None:
        cqt = _fit_frames(cqt, n_frames)
    levels = frame_levels_db(audio, hop_length=hop)
    gain = model_gain(levels)
    raw = frame_probabilities(
        model,
        audio * np.float32(gain),
        sr=sr,
        hop_length=hop,
        context_s=context_s,
        cqt=None if cqt is None else cqt * gain,
    )
    noisy = SILENCE in classes and noisy_room(levels, raw[:, classes.index(SILENCE)])
    sound, threshold = sound_probability(levels, range_db=range_db, noisy=noisy)
    attacks = attack_frames(audio, sr=sr, hop_length=hop)
    released = released_frames(levels, attacks=attacks[0], quiet_db=threshold)
    if SILENCE in classes:
        released = tails_with_new_pitch(
            released, raw, levels, sound, silence=classes.index(SILENCE), attacks=attacks[0]
        )
    sound = np.where(released, 0.0, sound)
    combined = raw.copy()
    if SILENCE in classes:
        # Sound needs both the model (a note, not silence) and the dynamics (loud
        # enough): silence is the model's silence plus the rest of the note share
        # the dynamics turn down.
        s = classes.index(SILENCE)
        combined = raw * sound[:, None]
        combined[:, s] = 0.0
        combined[:, s] = 1.0 - combined.sum(axis=1)
        combined = np.clip(combined, 0.0, 1.0)
        path = _two_level_path(combined, s, switch_probability=switch_probability)
    else:
        path = smooth_path(combined, switch_probability=switch_probability)
    # Boundaries set at an attack keep its time between frames.
    exact = dict(zip(attacks[0].tolist(), attacks[2].tolist(), strict=True))
    fine = frame_levels_db(audio, hop_length=hop, width=hop)
    path = _split_and_clean(
        path,
        attacks,
        levels,
        fine,
        exact,
        sr=sr,
        classes=classes,
        min_frames=min_note_s * sr / hop,
    )
    if SILENCE in classes:
        path = _ends_at_knees(path, levels, silence=classes.index(SILENCE), floor_db=threshold)
    # A note that ends in a rest ends where it was let go, between frames.
    for (_, stop, state), following in itertools.pairwise(path):
        if (
            SILENCE in classes
            and following[2] == classes.index(SILENCE) != state
            and stop not in exact
        ):
            end = _release_start(stop, fine)
            if end is not None:
                exact[stop] = end * hop / sr

    notes = []
    silence = classes.index(SILENCE) if SILENCE in classes else -1
    for start, stop, state in path:
        if state == silence:
            continue
        label = classes[state]
        midi = None
        if cqt is not None and label in PITCH_CLASSES:
            midi = note_midi(cqt[:, start:stop].mean(axis=1), label)
        notes.append(
            Note(
                start_s=float(min(duration, exact.get(start, start * hop / sr))),
                end_s=float(min(duration, exact.get(stop, stop * hop / sr))),
                label=label,
                midi=midi,
                confidence=float(combined[start:stop, state].mean()),
            )
        )
    frame_path = np.full(n_frames, silence if silence >= 0 else 0)
    for start, stop, state in path:
        frame_path[start:stop] = state
    return Transcription(
        notes=[n for n in notes if n.end_s > n.start_s],
        classes=classes,
        times=times,
        probabilities=raw,
        sound=sound,
        combined=combined,
        path=frame_path,
        duration_s=duration,
        model_name=model.name,
        settings={
            "hop_s": hop / sr,
            "context_s": context_s,
            "min_note_s": min_note_s,
            "switch_probability": switch_probability,
            "range_db": range_db,
            "sound_threshold_db": round(threshold, 2),
            "noisy_room": bool(noisy),
            "model_gain_db": round(20 * float(np.log10(gain)), 2),
        },
    )


RELEASE_KNEE_DB = 1.5
"""A note ending in a rest ends where its short-window level leaves its own decay by
this much, traced back along the fall (see :func:`_release_start`)."""


def _release_start(stop: int, fine: np.ndarray) -> float | None:
    """Where (in frames, between them) a note whose tail the tracker cut at ``stop``
    was let go: where the short-window level (``fine``, one hop) leaves the note's
    own decay (its trend over the frames before) by :data:`RELEASE_KNEE_DB`, the
    fall's line traced back to that trend."""
    lo = stop - 4
    if lo < 8 or stop + 3 > len(fine):
        return None
    held = float(np.median(fine[lo - 2 : lo + 1]))
    decay = max(0.0, (float(np.median(fine[lo - 8 : lo - 5])) - held) / 6)
    frames = np.arange(lo, stop + 2)
    trend = held - decay * (frames - lo)
    below = np.flatnonzero(fine[lo : stop + 2] < trend - RELEASE_KNEE_DB)
    if not below.size:
        return None
    g = lo + int(below[0])
    slope = (fine[g] - fine[g + 2]) / 2
    if slope <= decay + 0.5:
        return None
    # The fall's line, fine[g] - slope * (t - g), meets the trend at the knee.
    knee = g - (held - decay * (g - lo) - fine[g]) / (slope - decay)
    return float(np.clip(knee, max(g - 1, lo), stop + 1))


KNEE_RATIO = 1.6
KNEE_MARGIN_DB = 0.35
"""A note's level falling this many times, and this much per frame, faster after a
bend of its decay than before is a note let go there (see :func:`_ends_at_knees`)."""
KNEE_FIT = 0.6
"""The bend must be real: two lines fit the level with at most this share of the
residual (RMS) one line leaves."""
KNEE_FALL_DB = 6.0
"""And the level must fall this far from the bend to the note's end."""
KNEE_REACH_FRAMES = 8
"""Frames of the rest after a note that the fit sees (the fall goes on there)."""
KNEE_SPAN_FRAMES = 48
"""The most frames of a note's decay the fit sees, back from its end."""


def _hinge(y: np.ndarray) -> tuple[int, float, float, float, float]:
    """The best continuous two-line fit of ``y`` (least squares, the bend at a frame
    at least three from either end).

    Returns
    -------
    tuple
        The bend's index, the slopes before and after it, the two lines' residual
        RMS and one line's.
    """
    n = len(y)
    t = np.arange(n, dtype=float)
    line = np.polyfit(t, y, 1)
    rms_line = float(np.sqrt(np.mean((np.polyval(line, t) - y) ** 2)))
    bends = np.arange(3, n - 3)
    if not bends.size:
        return 0, float(line[0]), float(line[0]), rms_line, rms_line
    offset = t[None, :] - bends[:, None]
    design = np.stack(
        [np.ones_like(offset), np.minimum(offset, 0.0), np.maximum(offset, 0.0)], axis=2
    )
    normal = np.einsum("bni,bnj->bij", design, design)
    coef = np.linalg.solve(normal, np.einsum("bni,n->bi", design, y)[..., None])[..., 0]
    rms = np.sqrt(np.mean((np.einsum("bni,bi->bn", design, coef) - y) ** 2, axis=1))
    best = int(np.argmin(rms))
    return int(bends[best]), float(coef[best, 1]), float(coef[best, 2]), float(rms[best]), rms_line


def _ends_at_knees(
    runs: list[tuple[int, int, int]], levels: np.ndarray, *, silence: int, floor_db: float
) -> list[tuple[int, int, int]]:
    """Runs whose notes that end in a rest end where their decay bends down instead,
    when it does so before: a guitar string or a reverberant room let go falls
    only twice as fast as the note decayed, too little for
    :func:`released_frames` to tell from frame to frame, but a line through the
    level before the bend and another after it tell it
    (:data:`KNEE_RATIO`, :data:`KNEE_MARGIN_DB`, :data:`KNEE_FIT`,
    :data:`KNEE_FALL_DB`). The fit sees the note from two frames after its
    loudest (of its first eight) to :data:`KNEE_REACH_FRAMES` into the rest,
    at most :data:`KNEE_SPAN_FRAMES`, and no level below ``floor_db``."""
    out = list(runs)
    if out and out[-1][2] != silence:  # the recording ends in a note: rest after it
        out.append((out[-1][1], out[-1][1], silence))
    for i in range(len(out) - 1):
        start, stop, state = out[i]
        _, rest_stop, following = out[i + 1]
        if state == silence or following != silence:
            continue
        lo = start + int(np.argmax(levels[start : min(stop, start + 8)])) + 2
        hi = min(rest_stop, stop + KNEE_REACH_FRAMES, len(levels))
        below = np.flatnonzero(levels[lo:hi] < floor_db)
        if below.size:
            hi = lo + int(below[0])
        lo = max(lo, hi - KNEE_SPAN_FRAMES)
        if hi - lo < 10:
            continue
        bend, before, after, rms, rms_line = _hinge(levels[lo:hi])
        knee = lo + bend
        decay = max(0.0, -before)  # a level still rising (a swell) counts as held
        if (
            knee < stop - 1
            and -after >= max(KNEE_RATIO * decay, decay + KNEE_MARGIN_DB)
            and rms <= KNEE_FIT * rms_line
            and levels[knee] - levels[min(hi, stop) - 1] >= KNEE_FALL_DB
        ):
            out[i], out[i + 1] = (start, knee, state), (knee, rest_stop, following)
    return [run for run in out if run[1] > run[0]]


def _has_pitch(classes: Sequence[str]) -> bool:
    return any(c in PITCH_CLASSES for c in classes)


def _fit_frames(matrix: np.ndarray, n_frames: int) -> np.ndarray:
    matrix = matrix[:, :n_frames]
    if matrix.shape[1] < n_frames:
        matrix = np.pad(matrix, ((0, 0), (0, n_frames - matrix.shape[1])), mode="edge")
    return matrix


def _attack_start(frame: int, levels: np.ndarray, reach: int) -> int:
    """The frame within ``reach`` of ``frame`` where the level jumps most (a note's
    first loud frame), or ``frame`` when nothing jumps."""
    lo, hi = max(1, frame - reach), min(len(levels), frame + reach + 1)
    if hi <= lo:
        return frame
    jumps = levels[lo:hi] - levels[lo - 1 : hi - 1]
    best = int(np.argmax(jumps))
    return lo + best if jumps[best] >= RELEASE_DROP_DB else frame


GAP_DROP_DB = 6.0
"""Between repeated notes, a fall of the short-window level (one hop) this far below the
note is the gap before the next attack."""
SPLIT_STRENGTH = 0.1
"""An attack this strong (relative to the recording's strongest) splits a run of one note."""
SPLIT_RISE_DB = 3.0
"""An attack inside a run of one note splits it (a repeated note) when the level rises
this much over it."""


def _rise_db(frame: int, levels: np.ndarray) -> float:
    """How much the level rises at ``frame``: the next two frames' peak over the
    previous three frames' dip."""
    before = levels[max(0, frame - 3) : frame + 1]
    after = levels[frame : frame + 3]
    if not len(before) or not len(after):
        return 0.0
    return float(after.max() - before.min())


STRUCK_STRENGTH = 0.18
"""An attack this strong inside a note is the note struck again without more proof;
a weaker one (down to :data:`SPLIT_STRENGTH`) must show it (:func:`_struck_again`)."""
REPEAT_DIP_DB = 3.0
"""A dip of the short-window level this deep just before an attack inside a note is
the old note let go before it is struck again."""
WOBBLE_FRAMES = 20
"""Frames before an attack over which a note's own wobble (its level's median change
from frame to frame) is measured."""


def _struck_again(frame: int, rise_db: float, levels: np.ndarray, fine: np.ndarray) -> bool:
    """Whether an attack at ``frame`` inside a note of one pitch is that note struck
    again: the short-window level (``fine``) dipped :data:`REPEAT_DIP_DB` just
    before it, or the level rises there (``rise_db``, :func:`_rise_db`) more than
    twice the note's own wobble plus 1 dB."""
    if frame < 6 or frame + 2 > len(fine):
        return True
    dip = float(fine[frame - 6 : frame - 1].max() - fine[frame - 2 : frame + 2].min())
    before = levels[max(0, frame - WOBBLE_FRAMES) : frame - 2]
    wobble = float(np.median(np.abs(np.diff(before)))) if len(before) > 3 else 0.0
    return dip >= REPEAT_DIP_DB or rise_db > 2 * wobble + 1.0


LEGATO_REACH_SECONDS = 0.15
"""How far before the model's change of note (in continuous sound) the attack that
began the new note may lie: the window (0.25 s) still hears the old note for
about half its length, and the Viterbi pass waits for the evidence."""


CHANGE_FALL_DB = 3.0
"""Where a change of note in continuous sound has no attack, a fall of the level this
much within three frames (the old note let go as the new one swells in) is where it
changed."""


def _changes_at_attacks(
    runs: list[tuple[int, int, int]],
    starts: np.ndarray,
    *,
    silence: int,
    sr: int,
    min_frames: float,
    levels: np.ndarray | None = None,
) -> list[tuple[int, int, int]]:
    """Runs whose changes from one note straight to another are moved back to the
    attack that began the new note, when there is one within
    :data:`LEGATO_REACH_SECONDS` before the change and none at it; failing an
    attack, to where the level (``levels``) fell most, at least
    :data:`CHANGE_FALL_DB` within three frames, in that reach: a bowed or blown
    note that swells in makes no attack, but the note before it is let go then."""
    if not starts.size and levels is None:
        return runs
    snap = max(1, round(0.07 * sr / HOP_LENGTH))
    reach = round(LEGATO_REACH_SECONDS * sr / HOP_LENGTH)
    out = list(runs)
    for i in range(1, len(out)):
        a0, _, s0 = out[i - 1]
        a1, b1, s1 = out[i]
        if silence in (s0, s1) or s0 == s1 or np.any(np.abs(starts - a1) <= snap):
            continue
        before = starts[(starts >= a1 - reach) & (starts < a1) & (starts >= a0 + min_frames)]
        if before.size:
            new = int(before.max())
            out[i - 1], out[i] = (a0, new, s0), (new, b1, s1)
        elif levels is not None:
            lo = int(max(a1 - reach, a0 + min_frames))
            if lo < a1:
                fall = levels[lo:a1] - levels[np.minimum(np.arange(lo, a1) + 3, len(levels) - 1)]
                best = int(np.argmax(fall))
                if fall[best] >= CHANGE_FALL_DB:
                    new = lo + best + 1  # the level's window hears the fall a frame early
                    out[i - 1], out[i] = (a0, new, s0), (new, b1, s1)
    return out


def _split_and_clean(
    path: np.ndarray,
    attacks: tuple[np.ndarray, np.ndarray, np.ndarray],
    levels: np.ndarray,
    fine: np.ndarray,
    exact: dict,
    *,
    sr: int,
    classes: list[str],
    min_frames: float,
) -> list[tuple[int, int, int]]:
    """Runs of the Viterbi path, split at attacks inside a note, note starts moved to
    the attack that begins them, short notes dropped."""
    silence = classes.index(SILENCE) if SILENCE in classes else -1
    snap = max(1, round(0.07 * sr / HOP_LENGTH))
    frames, strengths, _ = attacks
    starts = np.asarray(frames, dtype=int)
    # Inside a note only a real attack splits it (a strong onset, or the level
    # rising again), not a wobble of the spectrum.
    rises = np.array([_rise_db(int(a), levels) for a in starts])
    strong = (strengths >= SPLIT_STRENGTH) | (rises >= SPLIT_RISE_DB) if starts.size else []
    # A weaker one must show that the note was struck again: the level dips just
    # before (the old note let go), or rises well beyond its own wobble (a bowed
    # or blown note's level moves with its bow and breath, and the loop in its
    # sample makes a flux peak).
    if starts.size:
        strong &= (strengths >= STRUCK_STRENGTH) | np.array(
            [_struck_again(int(a), r, levels, fine) for a, r in zip(starts, rises, strict=True)],
            dtype=bool,
        )
    splits = starts[strong] if starts.size else starts
    runs = []
    for start, stop, state in _changes_at_attacks(
        _runs(path), starts, silence=silence, sr=sr, min_frames=min_frames, levels=levels
    ):
        if state != silence and starts.size:
            inner = splits[(splits >= start + min_frames) & (splits <= stop - min_frames)]
            bounds = [start]
            for at in inner:
                if at - bounds[-1] >= min_frames:
                    bounds.append(int(at))
            bounds.append(stop)
            for a, b in itertools.pairwise(bounds):
                # A repeated note released just before it is struck again ends
                # where its release begins: the short gap is rest.
                first = max(a + 2, b - 3)
                if b < stop and first < b and silence >= 0:
                    held = fine[first - 1]
                    tail = np.flatnonzero(fine[first:b] < held - GAP_DROP_DB)
                    if tail.size:
                        gap = first + int(tail[0])
                        # Where the level crossed the drop, between frames.
                        above, below = fine[gap - 1], fine[gap]
                        share = (above - held + GAP_DROP_DB) / max(above - below, 1e-9)
                        exact[gap] = (gap - 1 + float(np.clip(share, 0, 1))) * HOP_LENGTH / sr
                        runs.extend([(a, gap, state), (gap, b, silence)])
                        continue
                runs.append((a, b, state))
        else:
            runs.append((start, stop, state))
    # A note starts at its attack when one is close: the windows blur the start.
    moved: list[tuple[int, int, int]] = []
    for start, stop, state in runs:
        if state != silence:
            new = start
            near = starts[np.abs(starts - start) <= snap] if starts.size else starts
            if near.size:
                new = int(near[np.argmin(np.abs(near - start))])
            else:
                new = _attack_start(start, levels, snap)
            # A fragment too short to be a note, of the note before the rest,
            # between the attack and this note's start (the window still
            # hearing the old note's tail) is the start of this one.
            if (
                len(moved) >= 3
                and new <= moved[-1][0]
                and moved[-1][1] - moved[-1][0] < min_frames
                and moved[-2][2] == silence
                and moved[-3][2] == moved[-1][2]
                and moved[-2][0] < new
            ):
                moved.pop()
            previous_start = moved[-1][0] if moved else -1
            if previous_start < new < stop:
                if moved:
                    a, _, s = moved[-1]
                    moved[-1] = (a, new, s)
                start = new
        moved.append((start, stop, state))
    runs = [r for r in moved if r[1] > r[0]]
    # A note cannot come back without an attack: the same pitch sounding again
    # after a short dip with no attack is the note going on (a sample's loop, a
    # swell), so the dip is filled.
    if silence >= 0 and starts.size:
        merged: list[tuple[int, int, int]] = []
        for start, stop, state in runs:
            if (
                state != silence
                and len(merged) >= 2
                and merged[-1][2] == silence
                and merged[-2][2] == state
                and merged[-1][1] - merged[-1][0] <= 0.5 * sr / HOP_LENGTH
                and not np.any(np.abs(starts - start) <= snap)
            ):
                merged.pop()
                a, _, _ = merged.pop()
                start = a
            merged.append((start, stop, state))
        runs = merged
    # Tiny notes vanish: into the rest (or the note) around them.
    cleaned: list[tuple[int, int, int]] = []
    for start, stop, state in runs:
        if state != silence and stop - start < min_frames:
            state = silence if silence >= 0 else (cleaned[-1][2] if cleaned else state)
        if cleaned and cleaned[-1][2] == state and state == silence:
            cleaned[-1] = (cleaned[-1][0], stop, state)
        else:
            cleaned.append((start, stop, state))
    return cleaned
