"""Tempo and beats: Ellis' dynamic programme in vectorised numpy, and a click track."""

from __future__ import annotations

import numpy as np

from musicml.analysis._common import HOP_LENGTH, _check_audio, _localmax
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_sr


def track_beats(
    onset_envelope: np.ndarray,
    *,
    bpm: float,
    sr: int = DEFAULT_SR,
    hop_length: int = HOP_LENGTH,
    tightness: float = 100.0,
    trim: bool = True,
) -> np.ndarray:
    """Beat frames by dynamic programming (Ellis 2007), as ``librosa.beat.beat_track``.

    Each frame's score is the smoothed onset strength plus the best score of a
    previous beat between half and twice a beat period earlier, penalised by
    ``tightness * log(interval / period)²``. Frames within half a period of each
    other never depend on each other, so whole blocks are solved at once.

    Parameters
    ----------
    onset_envelope : np.ndarray
        Shape ``(n_frames,)``, as from ``librosa.onset.onset_strength``.
    bpm : float
        Tempo estimate in beats per minute.
    tightness : float, default 100
        How strictly beats keep to the tempo.
    trim : bool, default True
        Drop weak leading and trailing beats.

    Returns
    -------
    np.ndarray
        Shape ``(n_beats,)``, int, ascending frame indices.
    """
    env = np.asarray(onset_envelope, dtype=np.float64)
    if env.ndim != 1:
        raise ParameterError(
            "onset_envelope must be 1-D; got shape {env_shape}.", env_shape=env.shape
        )
    if not np.isfinite(bpm) or bpm <= 0:
        raise ParameterError("bpm must be a positive number; got {bpm!r}.", bpm=bpm)
    if tightness <= 0:
        raise ParameterError("tightness must be positive; got {tightness!r}.", tightness=tightness)
    n = env.size
    if n == 0 or not env.any():
        return np.array([], dtype=int)
    period = float(np.round(sr / hop_length * 60.0 / bpm))
    if period < 1:
        raise ParameterError(
            "bpm={bpm:g} is too fast for hop_length={hop_length} at sr={sr}: "
            "less than one frame per beat.",
            bpm=bpm,
            hop_length=hop_length,
            sr=sr,
        )

    # Local score: onsets normalised by their spread, smoothed by a Gaussian of
    # one beat period. librosa's loop never includes frame 0; we match it.
    x = env / (env.std(ddof=1) + np.finfo(np.float64).tiny)
    x[0] = 0.0
    taps = np.arange(-period, period + 1)
    window = np.exp(-0.5 * (taps * 32.0 / period) ** 2)
    localscore = np.convolve(x, window, mode="same")

    # Dynamic programme over blocks of frames that cannot be each other's predecessors.
    gap = int(np.round(period / 2))
    distances = np.arange(max(gap, 1), int(2 * period) + 1)
    penalty = tightness * (np.log(distances) - np.log(period)) ** 2
    cumscore = np.empty(n)
    backlink = np.full(n, -1, dtype=np.int64)
    step = max(gap, 1)
    for start in range(0, n, step):
        frames = np.arange(start, min(start + step, n))
        locs = frames[:, None] - distances[None, :]
        valid = locs >= 0
        scores = np.where(valid, cumscore[np.maximum(locs, 0)] - penalty, -np.inf)
        best = scores.argmax(axis=1)  # first maximum = nearest predecessor, as librosa
        found = valid.any(axis=1)
        best_score = scores[np.arange(frames.size), best]
        cumscore[frames] = localscore[frames] + np.where(found, best_score, 0.0)
        backlink[frames] = np.where(found, locs[np.arange(frames.size), best], -1)
    # Until the first frame with a real onset, no beat links back.
    above = np.flatnonzero(localscore >= 0.01 * localscore.max())
    first = above[0] if above.size else n
    backlink[:first] = -1

    # The last beat: the last local maximum of the cumulative score above half their median.
    peaks = _localmax(cumscore)
    threshold = 0.5 * np.median(cumscore[peaks]) if peaks.any() else 0.0
    candidates = np.flatnonzero(peaks & (cumscore >= threshold))
    tail = candidates[-1] if candidates.size else n - 1
    beats = []
    while tail >= 0:
        beats.append(tail)
        tail = backlink[tail]
    beats = np.array(beats[::-1], dtype=int)

    # Trim beats in the quiet lead-in and tail.
    if trim:
        smooth = np.convolve(localscore[beats], np.hanning(5))[2 : n + 2]
        limit = 0.5 * np.sqrt(np.mean(smooth**2))
    else:
        limit = 0.0
    loud = np.flatnonzero(localscore > limit)
    if loud.size == 0:
        return np.array([], dtype=int)
    return beats[(beats >= loud[0]) & (beats <= loud[-1])]


TEMPOGRAM_COLUMNS = 2000
"""Longer onset envelopes are autocorrelated at every k-th frame only (see estimate_tempo)."""


def estimate_tempo(
    onset_envelope: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = HOP_LENGTH,
    max_columns: int = TEMPOGRAM_COLUMNS,
) -> float:
    """Global tempo in BPM from the onset envelope's autocorrelation (librosa's estimator).

    ``librosa.feature.tempo`` averages an 8-second windowed autocorrelation
    (the tempogram) centred on every frame, weights it by a log-normal prior
    around 120 BPM and takes the best lag. Neighbouring windows overlap by all
    but one frame, so for long pieces we average every k-th window, with
    ``k = ceil(n_frames / max_columns)``: the same estimate at a fraction of
    the cost (a three-minute song has 7,750 frames).
    """
    env = np.asarray(onset_envelope, dtype=np.float32)
    if env.ndim != 1:
        raise ParameterError(
            "onset_envelope must be 1-D; got shape {env_shape}.", env_shape=env.shape
        )
    if not env.any():
        return 0.0
    win_length = int(librosa.time_to_frames(8.0, sr=sr, hop_length=hop_length))
    step = max(1, int(np.ceil(env.size / max_columns)))
    padded = np.pad(env, win_length // 2, mode="linear_ramp", end_values=[0, 0])
    frames = librosa.util.frame(padded, frame_length=win_length, hop_length=1)
    frames = frames[:, : env.size : step] * librosa.filters.get_window("hann", win_length)[:, None]
    tempogram = librosa.util.normalize(librosa.autocorrelate(frames, axis=0), norm=np.inf, axis=0)
    tempo = librosa.feature.tempo(tg=tempogram, sr=sr, hop_length=hop_length)
    return float(np.atleast_1d(tempo)[0])


def refine_tempo(times: np.ndarray, coarse_bpm: float) -> float:
    """Tempo from the mean interval of steady consecutive beats.

    The autocorrelation estimate is quantised to whole frames per beat (about
    2 % steps near 120 BPM at hop 512); averaging many beat intervals is not.
    Falls back to ``coarse_bpm`` with fewer than four beats.
    """
    intervals = np.diff(np.asarray(times, dtype=float))
    if intervals.size < 3:
        return float(coarse_bpm)
    typical = np.median(intervals)
    steady = intervals[np.abs(intervals - typical) <= 0.1 * typical]
    return float(60.0 / steady.mean()) if steady.size else float(coarse_bpm)


def beat_times(
    audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = HOP_LENGTH
) -> tuple[float, np.ndarray]:
    """Tempo in BPM (see :func:`refine_tempo`) and beat times in seconds.

    Returns
    -------
    tempo : float
    times : np.ndarray
        Shape ``(n_beats,)``.
    """
    audio = _check_audio(audio)
    sr = check_sr(sr)
    from musicml.features import mel_spectrogram_db

    mel_db = mel_spectrogram_db(audio, sr=sr, hop_length=hop_length)
    tempo, frames = _tempo_and_beats(mel_db, sr=sr, hop_length=hop_length)
    times = librosa.frames_to_time(frames, sr=sr, hop_length=hop_length)
    return refine_tempo(times, tempo), times


def _tempo_and_beats(mel_db: np.ndarray, *, sr: int, hop_length: int) -> tuple[float, np.ndarray]:
    """Tempo and beat frames from the flux of a log-mel spectrogram.

    The median over mel bands (librosa's beat tracker's choice) ignores a
    sound that lights up only a few bands, such as clicks of a pure tone; when
    it finds no pulse, the mean over bands is tried.
    """
    for aggregate in (np.median, np.mean):
        env = librosa.onset.onset_strength(
            S=mel_db, sr=sr, hop_length=hop_length, aggregate=aggregate
        )
        tempo = estimate_tempo(env, sr=sr, hop_length=hop_length)
        if tempo > 0:
            return tempo, track_beats(env, bpm=tempo, sr=sr, hop_length=hop_length)
    return 0.0, np.array([], dtype=int)


def click_track(
    audio: np.ndarray,
    times: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    click_frequency: float = 1000.0,
    gain: float = 0.5,
) -> np.ndarray:
    """``audio`` with a short click at each of ``times`` mixed over it.

    Parameters
    ----------
    times : np.ndarray
        Click times in seconds (beats or onsets).
    gain : float, default 0.5
        Click loudness relative to the music's peak.

    Returns
    -------
    np.ndarray
        Same shape as ``audio``, float32, peak at most 1.
    """
    audio = _check_audio(audio)
    if not 0 <= gain <= 4:
        raise ParameterError("gain must be between 0 and 4; got {gain!r}.", gain=gain)
    clicks = librosa.clicks(
        times=np.asarray(times, dtype=float),
        sr=check_sr(sr),
        length=audio.size,
        click_freq=click_frequency,
    )
    peak = float(np.abs(audio).max()) or 1.0
    mix = audio + gain * peak * clicks
    return (mix / max(1.0, float(np.abs(mix).max()))).astype(np.float32)
