"""Music analysis: onsets, tempo and beats, key, separation, stretching and NMF.

The one-pass route :func:`analyze` computes the mel spectrogram, MFCC, chroma,
onsets, tempo and beats of a piece from ONE short-time Fourier transform, so a
three-minute song takes well under a second once the process is warm.

Beat tracking is Ellis' dynamic programme (2007) as in ``librosa.beat``, ported
to vectorised numpy (:func:`track_beats`). ``librosa.beat`` compiles its numba
kernels when it is first imported (one of them with ``cache=False``, so no
on-disk cache can save it): about 3 s in every fresh process and about 14 s in a
fresh install. The numpy port gives the same beats without that compile. The
remaining numba kernels librosa compiles on import are cached on disk (see
:func:`configure_numba_cache`), and :func:`warm_up` pays the import costs once
per server process, in the background.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musicml.audio import DEFAULT_SR, Clip
from musicml.errors import ParameterError

N_FFT = 2048
HOP_LENGTH = 512
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

# Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
KEY_NAMES = tuple(f"{p} major" for p in PITCH_CLASSES) + tuple(f"{p} minor" for p in PITCH_CLASSES)
"""The 24 keys in the order of :attr:`Key.correlations`."""


def configure_numba_cache(path: str | Path | None = None) -> Path | None:
    """Make numba keep compiled librosa kernels in a writable on-disk cache.

    Numba caches next to the package (``site-packages/librosa/__pycache__``)
    and falls back to a user cache when that is read-only; setting
    ``NUMBA_CACHE_DIR`` makes the place explicit and the same for every
    process. An existing ``NUMBA_CACHE_DIR`` is respected.

    Returns
    -------
    Path or None
        The cache directory in use, or ``None`` if none could be created.
    """
    if os.environ.get("NUMBA_CACHE_DIR") and path is None:
        return Path(os.environ["NUMBA_CACHE_DIR"])
    target = Path(path or Path.home() / ".cache" / "musicml" / "numba")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(target)
    import sys

    if "numba" in sys.modules:  # already configured from the environment: update it too
        sys.modules["numba"].config.CACHE_DIR = str(target)
    return target


configure_numba_cache()

import librosa  # noqa: E402  (after the cache directory is set)


def _check_audio(audio: np.ndarray, *, name: str = "audio", min_samples: int = 1) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise ParameterError(
            f"{name} must be a mono waveform of shape (n_samples,); got shape {audio.shape}. "
            "Load it with musicml.audio.load_audio, which mixes to mono."
        )
    if audio.size < min_samples:
        raise ParameterError(
            f"{name} is too short: need at least {min_samples} samples, got {audio.size}. "
            "Use a longer recording."
        )
    if not np.all(np.isfinite(audio)):
        raise ParameterError(f"{name} contains NaN or infinite samples; clean the signal first.")
    return audio


def _check_sr(sr: int) -> int:
    if not isinstance(sr, (int, np.integer)) or sr <= 0:
        raise ParameterError(f"sr must be a positive integer (Hz); got {sr!r}.")
    return int(sr)


# --------------------------------------------------------------------------- onsets


def onset_strength(
    audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = HOP_LENGTH
) -> np.ndarray:
    """Spectral-flux onset strength: how much the log-mel energy rises, per frame.

    Returns
    -------
    np.ndarray
        Shape ``(n_frames,)``, float32.
    """
    audio = _check_audio(audio)
    return librosa.onset.onset_strength(y=audio, sr=_check_sr(sr), hop_length=hop_length)


START_LEVEL_DB = -25.0
"""Audio whose first 50 ms are louder than this (RMS, dB below its peak sample) starts
with a note: an onset at 0 s, which a spectral-flux detector cannot see (it has no
earlier frame to compare with)."""


def with_start_onset(onsets: np.ndarray, audio: np.ndarray, sr: int) -> np.ndarray:
    """``onsets`` (seconds), with 0.0 added when the audio starts with sound."""
    onsets = np.asarray(onsets, dtype=float)
    if onsets.size and onsets[0] <= 0.1:
        return onsets
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak <= 0:
        return onsets
    head = np.asarray(audio[: max(1, int(0.05 * sr))], dtype=np.float64)
    level = 20 * np.log10(max(float(np.sqrt(np.mean(head**2))), 1e-12) / peak)
    return np.concatenate([[0.0], onsets]) if level > START_LEVEL_DB else onsets


def onset_times(
    audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = 512, backtrack: bool = False
) -> np.ndarray:
    """Times in seconds of detected note onsets (librosa's spectral-flux detector).

    A note that starts on the very first sample counts as an onset at 0 s.
    ``backtrack=True`` moves each onset back to the quiet moment just before
    it (where a note's attack begins): the right place to cut audio.

    Returns
    -------
    np.ndarray
        Shape ``(n_onsets,)``, ascending.
    """
    audio = _check_audio(audio)
    sr = _check_sr(sr)
    found = librosa.onset.onset_detect(
        y=audio, sr=sr, hop_length=hop_length, units="time", backtrack=backtrack
    )
    return with_start_onset(found, audio, sr)


def note_change_times(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = HOP_LENGTH,
    width: int = 4,
    threshold: float = 0.25,
    floor_db: float = -35.0,
) -> np.ndarray:
    """Times where a note changes without an attack, or where sound starts or stops.

    A slurred violin or a legato flute moves from note to note with no burst of
    energy for an onset detector to see. Here the constant-Q chroma (one row
    per pitch class) of the ``width`` frames before each frame is compared with
    that of the ``width`` frames after it; a peak of their cosine distance above
    ``threshold``, where both sides are louder than ``floor_db`` (RMS, relative
    to the loudest frame), is a note change. Every crossing of that floor is a
    boundary too: a note fading out into silence ends there.

    Returns
    -------
    np.ndarray
        Shape ``(n_changes,)``, ascending seconds.
    """
    audio = _check_audio(audio)
    sr = _check_sr(sr)
    if audio.size < N_FFT or not np.any(audio):
        return np.zeros(0)
    fmin = float(librosa.note_to_hz("C1"))
    n_bins = 12 * max(1, min(7, int(np.log2(0.45 * sr / fmin))))
    magnitude = np.abs(
        librosa.cqt(audio, sr=sr, hop_length=hop_length, fmin=fmin, n_bins=n_bins)
    ).astype(np.float32)
    chroma = magnitude.reshape(n_bins // 12, 12, -1).sum(axis=0)
    n = chroma.shape[1]
    rms = librosa.feature.rms(y=audio, frame_length=2 * hop_length, hop_length=hop_length)[0][:n]
    loud = 20 * np.log10(np.maximum(rms, 1e-10) / max(float(rms.max()), 1e-10)) > floor_db

    # Means of the windows before and after every frame, from one cumulative sum.
    total = np.concatenate([np.zeros((12, 1), np.float32), np.cumsum(chroma, axis=1)], axis=1)
    t = np.arange(width, n - width + 1)
    before = total[:, t] - total[:, t - width]
    after = total[:, t + width] - total[:, t]
    cosine = np.sum(before * after, axis=0) / (
        np.linalg.norm(before, axis=0) * np.linalg.norm(after, axis=0) + 1e-12
    )
    novelty = np.zeros(n)
    novelty[t] = 1.0 - cosine
    loud_sides = np.zeros(n, dtype=bool)
    window_loud = np.concatenate([[0], np.cumsum(loud)])
    loud_sides[t] = (window_loud[t] - window_loud[t - width] == width) & (
        window_loud[t + width] - window_loud[t] == width
    )
    changes = np.flatnonzero(_localmax(novelty) & (novelty > threshold) & loud_sides)
    edges = np.flatnonzero(np.diff(loud.astype(np.int8))) + 1
    frames = np.union1d(changes, edges)
    return librosa.frames_to_time(frames, sr=sr, hop_length=hop_length)


# --------------------------------------------------------------------------- beats


def _localmax(x: np.ndarray) -> np.ndarray:
    """librosa.util.localmax for 1-D input (the first frame is never a maximum)."""
    peak = np.zeros(x.shape, dtype=bool)
    peak[1:-1] = (x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:])
    if x.size > 1:
        peak[-1] = x[-1] > x[-2]
    return peak


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
        raise ParameterError(f"onset_envelope must be 1-D; got shape {env.shape}.")
    if not np.isfinite(bpm) or bpm <= 0:
        raise ParameterError(f"bpm must be a positive number; got {bpm!r}.")
    if tightness <= 0:
        raise ParameterError(f"tightness must be positive; got {tightness!r}.")
    n = env.size
    if n == 0 or not env.any():
        return np.array([], dtype=int)
    period = float(np.round(sr / hop_length * 60.0 / bpm))
    if period < 1:
        raise ParameterError(
            f"bpm={bpm:g} is too fast for hop_length={hop_length} at sr={sr}: "
            "less than one frame per beat."
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
        raise ParameterError(f"onset_envelope must be 1-D; got shape {env.shape}.")
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
    sr = _check_sr(sr)
    mel_db = librosa.power_to_db(
        librosa.feature.melspectrogram(y=audio, sr=sr, hop_length=hop_length), ref=np.max
    )
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
        raise ParameterError(f"gain must be between 0 and 4; got {gain!r}.")
    clicks = librosa.clicks(
        times=np.asarray(times, dtype=float),
        sr=_check_sr(sr),
        length=audio.size,
        click_freq=click_frequency,
    )
    peak = float(np.abs(audio).max()) or 1.0
    mix = audio + gain * peak * clicks
    return (mix / max(1.0, float(np.abs(mix).max()))).astype(np.float32)


# --------------------------------------------------------------------------- key


@dataclass(frozen=True, eq=False)
class Key:
    """A key estimate: tonic and mode with the correlation of all 24 keys."""

    tonic: str
    mode: str
    correlations: np.ndarray
    """Shape ``(24,)``: Pearson correlation of the mean chroma with each key's
    profile, in the order of :data:`KEY_NAMES`."""

    @property
    def name(self) -> str:
        return f"{self.tonic} {self.mode}"

    @property
    def confidence(self) -> float:
        """Correlation of the chosen key (between -1 and 1)."""
        return float(self.correlations.max())


def key_profiles() -> np.ndarray:
    """The 24 rotated Krumhansl–Kessler key profiles, shape ``(24, 12)``."""
    shifts = np.arange(12)
    index = (np.arange(12)[None, :] - shifts[:, None]) % 12
    return np.concatenate([MAJOR_PROFILE[index], MINOR_PROFILE[index]])


def estimate_key(chroma: np.ndarray) -> Key | None:
    """The key whose Krumhansl–Schmuckler profile best matches the mean chroma.

    Parameters
    ----------
    chroma : np.ndarray
        Shape ``(12, n_frames)`` (C first) or ``(12,)``.

    Returns
    -------
    Key or None
        ``None`` when there is no pitched energy (silence).
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.shape[0] != 12:
        raise ParameterError(f"chroma must have 12 rows (C … B); got shape {chroma.shape}.")
    mean = chroma.reshape(12, -1).mean(axis=1)
    if not np.isfinite(mean).all() or np.ptp(mean) <= 1e-12:
        return None
    profiles = key_profiles()
    z = (mean - mean.mean()) / mean.std()
    zp = (profiles - profiles.mean(axis=1, keepdims=True)) / profiles.std(axis=1, keepdims=True)
    correlations = zp @ z / 12.0
    best = int(correlations.argmax())
    return Key(PITCH_CLASSES[best % 12], "major" if best < 12 else "minor", correlations)


def strongest_pitch_class(chroma: np.ndarray) -> str:
    """Name of the pitch class with the most energy over the whole chroma."""
    chroma = np.asarray(chroma)
    if chroma.shape[0] != 12:
        raise ParameterError(f"chroma must have 12 rows (C … B); got shape {chroma.shape}.")
    return PITCH_CLASSES[int(chroma.reshape(12, -1).sum(axis=1).argmax())]


# --------------------------------------------------------------------------- one-pass analysis


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything :func:`analyze` finds in one piece (frames at ``sr / hop_length`` Hz)."""

    sr: int
    hop_length: int
    duration: float
    mel_db: np.ndarray
    """Shape ``(n_mels, n_frames)``: mel power in dB relative to the peak (80 dB range)."""
    mfcc: np.ndarray
    """Shape ``(n_mfcc, n_frames)``."""
    chroma: np.ndarray
    """Shape ``(12, n_frames)``, C first, each frame's maximum 1."""
    onset_envelope: np.ndarray
    """Shape ``(n_frames,)``: spectral flux (mean over mel bands)."""
    onset_times: np.ndarray
    tempo_bpm: float
    beat_frames: np.ndarray
    beat_times: np.ndarray
    key: Key | None

    @property
    def frame_times(self) -> np.ndarray:
        return librosa.frames_to_time(
            np.arange(self.mel_db.shape[1]), sr=self.sr, hop_length=self.hop_length
        )


STFT_BLOCK_FRAMES = 1024
"""Frames per block of the streamed STFT in :func:`analyze` (≈ 8 MB of spectrum)."""


def _mel_and_chroma_power(
    audio: np.ndarray,
    mel_basis: np.ndarray,
    chroma_basis: np.ndarray,
    *,
    n_fft: int,
    hop_length: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``mel_basis @ |STFT|²`` and ``chroma_basis @ |STFT|²``, streaming the STFT in blocks.

    The frames are exactly those of ``librosa.stft(audio, center=True)`` (zero
    padding at the ends), but the full spectrogram never exists at once: a
    three-minute song's would take 64 MB complex plus 32 MB of power. The mel
    filters are sparse (each overlaps a few FFT bins), so they are applied as a
    sparse matrix; the dense 12-row chroma product runs faster transposed.
    """
    import scipy.sparse

    mel_sparse = scipy.sparse.csr_array(mel_basis)
    chroma_t = np.ascontiguousarray(chroma_basis.T)
    padded = np.pad(audio, n_fft // 2)
    n_frames = 1 + (padded.size - n_fft) // hop_length
    mel = np.empty((mel_basis.shape[0], n_frames), dtype=np.float32)
    chroma = np.empty((chroma_basis.shape[0], n_frames), dtype=np.float32)
    for first in range(0, n_frames, STFT_BLOCK_FRAMES):
        last = min(n_frames, first + STFT_BLOCK_FRAMES)
        segment = padded[first * hop_length : (last - 1) * hop_length + n_fft]
        spectrum = librosa.stft(segment, n_fft=n_fft, hop_length=hop_length, center=False)
        power = np.abs(spectrum)
        power *= power
        mel[:, first:last] = mel_sparse @ power
        chroma[:, first:last] = (power.T @ chroma_t).T
    return mel, chroma


def analyze(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = 128,
    n_mfcc: int = 20,
) -> Analysis:
    """Mel, MFCC, chroma, onsets, tempo, beats and key from one STFT.

    Parameters
    ----------
    audio : np.ndarray
        Shape ``(n_samples,)``, mono.
    sr : int, default 22050
    n_fft, hop_length : int, default 2048, 512
    n_mels, n_mfcc : int, default 128, 20

    Returns
    -------
    Analysis
    """
    audio = _check_audio(audio, min_samples=n_fft // 4)
    sr = _check_sr(sr)
    if n_mels < 1 or not 1 <= n_mfcc <= n_mels:
        raise ParameterError(
            f"need n_mels >= 1 and 1 <= n_mfcc <= n_mels; got n_mels={n_mels}, n_mfcc={n_mfcc}."
        )
    mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
    # Tuning 0: pitch-class bins at equal temperament (estimating the tuning
    # costs more than all the rest of the analysis).
    chroma_basis = librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=0.0)
    mel_power, raw_chroma = _mel_and_chroma_power(
        audio, mel_basis, chroma_basis, n_fft=n_fft, hop_length=hop_length
    )
    mel_db = librosa.power_to_db(mel_power, ref=np.max, top_db=80.0)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=n_mfcc)
    chroma = librosa.util.normalize(raw_chroma, norm=np.inf, axis=0)  # as chroma_stft
    # Flux of the log-mel spectrogram: mean over bands for onsets, median for
    # beats (the detectors librosa's onset_detect and beat_track use by default).
    env_mean = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=hop_length)
    onsets = with_start_onset(
        librosa.onset.onset_detect(
            onset_envelope=env_mean, sr=sr, hop_length=hop_length, units="time"
        ),
        audio,
        sr,
    )
    tempo, frames = _tempo_and_beats(mel_db, sr=sr, hop_length=hop_length)
    times = librosa.frames_to_time(frames, sr=sr, hop_length=hop_length)
    return Analysis(
        sr=sr,
        hop_length=hop_length,
        duration=audio.size / sr,
        mel_db=mel_db.astype(np.float32),
        mfcc=mfcc.astype(np.float32),
        chroma=chroma.astype(np.float32),
        onset_envelope=env_mean,
        onset_times=np.asarray(onsets, dtype=float),
        tempo_bpm=refine_tempo(times, tempo),
        beat_frames=frames,
        beat_times=times,
        key=estimate_key(chroma),
    )


# --------------------------------------------------------------------------- beat-synchronous


@dataclass(frozen=True, eq=False)
class BeatSync:
    """Features aggregated between consecutive beats."""

    times: np.ndarray
    """Shape ``(n_segments,)``: start time of each segment (0 and then each beat)."""
    mfcc: np.ndarray
    """Shape ``(n_mfcc, n_segments)``: mean MFCC per segment."""
    delta: np.ndarray
    """Shape ``(n_mfcc, n_segments)``: mean first-order MFCC difference per segment."""
    chroma: np.ndarray
    """Shape ``(12, n_segments)``: median chroma per segment."""


def beat_sync_features(analysis: Analysis) -> BeatSync:
    """MFCC (mean), MFCC deltas (mean) and chroma (median) per beat segment."""
    n_frames = analysis.mfcc.shape[1]
    bounds = librosa.util.fix_frames(analysis.beat_frames, x_min=0, x_max=n_frames)
    width = min(9, n_frames - (1 - n_frames % 2))
    delta = (
        librosa.feature.delta(analysis.mfcc, width=width)
        if width >= 3
        else np.zeros_like(analysis.mfcc)
    )
    mfcc = librosa.util.sync(analysis.mfcc, bounds, aggregate=np.mean)
    return BeatSync(
        times=librosa.frames_to_time(bounds[:-1], sr=analysis.sr, hop_length=analysis.hop_length),
        mfcc=mfcc,
        delta=librosa.util.sync(delta, bounds, aggregate=np.mean),
        chroma=librosa.util.sync(analysis.chroma, bounds, aggregate=np.median),
    )


# --------------------------------------------------------------------------- effects


def harmonic_percussive(
    audio: np.ndarray, *, kernel_size: int = 31, margin: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Split into a harmonic part (horizontal lines) and a percussive part (vertical lines).

    Median filtering the spectrogram across time keeps sustained tones, across
    frequency keeps clicks and drums (Fitzgerald 2010).

    Returns
    -------
    harmonic, percussive : np.ndarray
        Each of ``audio``'s shape, float32; with ``margin=1`` they sum to ``audio``.
    """
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if kernel_size < 3:
        raise ParameterError(f"kernel_size must be at least 3; got {kernel_size!r}.")
    if margin < 1:
        raise ParameterError(f"margin must be at least 1; got {margin!r}.")
    # librosa's HPSS returns NaN for fewer than four frames: pad a short sound to one window.
    padded = np.pad(audio, (0, max(0, N_FFT - audio.size)))
    harmonic, percussive = librosa.effects.hpss(padded, kernel_size=kernel_size, margin=margin)
    return harmonic[: audio.size].astype(np.float32), percussive[: audio.size].astype(np.float32)


def time_stretch(audio: np.ndarray, *, rate: float) -> np.ndarray:
    """Play faster (``rate > 1``) or slower without changing the pitch (phase vocoder).

    Returns
    -------
    np.ndarray
        About ``len(audio) / rate`` samples, float32.
    """
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if not 0.25 <= rate <= 4:
        raise ParameterError(f"rate must be between 0.25 and 4; got {rate!r}.")
    return librosa.effects.time_stretch(audio, rate=float(rate)).astype(np.float32)


def pitch_shift(audio: np.ndarray, *, sr: int = DEFAULT_SR, n_steps: float) -> np.ndarray:
    """Move every frequency by ``n_steps`` semitones (× 2^(n/12)), keeping the duration."""
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    if not -24 <= n_steps <= 24:
        raise ParameterError(f"n_steps must be between -24 and 24 semitones; got {n_steps!r}.")
    shifted = librosa.effects.pitch_shift(audio, sr=_check_sr(sr), n_steps=float(n_steps))
    return shifted.astype(np.float32)


# --------------------------------------------------------------------------- CQT


def cqt_db(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = HOP_LENGTH,
    fmin: float | None = None,
    n_bins: int = 84,
    bins_per_octave: int = 12,
) -> np.ndarray:
    """Constant-Q magnitude in dB (relative to the peak): one row per note from C1.

    Returns
    -------
    np.ndarray
        Shape ``(n_bins, n_frames)``, float32; see :func:`cqt_note_names`.
    """
    audio = _check_audio(audio, min_samples=N_FFT // 4)
    fmin = float(librosa.note_to_hz("C1")) if fmin is None else float(fmin)
    top = fmin * 2 ** ((n_bins - 1) / bins_per_octave)
    if top >= sr / 2:
        raise ParameterError(
            f"the top CQT bin ({top:.0f} Hz) must be below sr/2 ({sr / 2:g} Hz); "
            "use fewer bins or a higher sample rate."
        )
    magnitude = np.abs(
        librosa.cqt(
            audio,
            sr=_check_sr(sr),
            hop_length=hop_length,
            fmin=fmin,
            n_bins=n_bins,
            bins_per_octave=bins_per_octave,
        )
    )
    return librosa.amplitude_to_db(magnitude, ref=np.max).astype(np.float32)


def cqt_note_names(*, fmin: float | None = None, n_bins: int = 84) -> list[str]:
    """Note names of the semitone CQT rows, e.g. ``["C1", "C#1", …]``."""
    fmin = float(librosa.note_to_hz("C1")) if fmin is None else float(fmin)
    midi = librosa.hz_to_midi(fmin) + np.arange(n_bins)
    return [str(n).replace("♯", "#") for n in librosa.midi_to_note(midi, unicode=False)]


def chroma_from_cqt(cqt_db_values: np.ndarray) -> np.ndarray:
    """Chroma (12, n_frames) by folding semitone CQT rows (from C) onto pitch classes."""
    magnitude = librosa.db_to_amplitude(np.asarray(cqt_db_values, dtype=np.float32))
    n_bins = magnitude.shape[0]
    folded = np.zeros((12, magnitude.shape[1]), dtype=np.float32)
    np.add.at(folded, np.arange(n_bins) % 12, magnitude)
    return librosa.util.normalize(folded, axis=0)


# --------------------------------------------------------------------------- NMF


@dataclass(frozen=True, eq=False)
class Decomposition:
    """NMF of a magnitude spectrogram: ``magnitude ≈ components @ activations``."""

    sr: int
    n_fft: int
    hop_length: int
    length: int
    magnitude: np.ndarray
    """Shape ``(1 + n_fft // 2, n_frames)``."""
    phase: np.ndarray
    """Shape like ``magnitude``: unit complex phase of the original STFT."""
    components: np.ndarray
    """Shape ``(1 + n_fft // 2, n_components)``: spectral templates, sorted by peak frequency."""
    activations: np.ndarray
    """Shape ``(n_components, n_frames)``: how loud each template is over time."""

    @property
    def n_components(self) -> int:
        return self.components.shape[1]


def nmf_decompose(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    n_components: int = 4,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    max_iter: int = 300,
    seed: int = 0,
) -> Decomposition:
    """Non-negative matrix factorisation of the STFT magnitude.

    Parameters
    ----------
    n_components : int, default 4
        Number of spectral templates (1 … 32).
    seed : int, default 0
        Random state of scikit-learn's NMF.

    Returns
    -------
    Decomposition
    """
    audio = _check_audio(audio, min_samples=n_fft // 4)
    if not 1 <= n_components <= 32:
        raise ParameterError(f"n_components must be between 1 and 32; got {n_components!r}.")
    spectrum = librosa.stft(audio, n_fft=n_fft, hop_length=hop_length)
    magnitude, phase = librosa.magphase(spectrum)
    # NNDSVD needs at least as many frames as components; a short sound starts at random.
    init = "nndsvda" if n_components <= min(magnitude.shape) else "random"
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        components, activations = librosa.decompose.decompose(
            magnitude,
            n_components=n_components,
            sort=True,
            random_state=seed,
            max_iter=max_iter,
            init=init,
        )
    return Decomposition(
        sr=_check_sr(sr),
        n_fft=n_fft,
        hop_length=hop_length,
        length=audio.size,
        magnitude=magnitude.astype(np.float32),
        phase=phase.astype(np.complex64),
        components=components.astype(np.float32),
        activations=activations.astype(np.float32),
    )


def _selection(decomposition: Decomposition, components: Sequence[int] | None) -> np.ndarray:
    k = decomposition.n_components
    chosen = np.arange(k) if components is None else np.atleast_1d(np.asarray(components))
    if chosen.size == 0 or chosen.min() < 0 or chosen.max() >= k:
        raise ParameterError(
            f"components must be indices between 0 and {k - 1}; got {components!r}."
        )
    return chosen.astype(int)


def nmf_reconstruction(
    decomposition: Decomposition, *, components: Sequence[int] | None = None
) -> np.ndarray:
    """Magnitude spectrogram rebuilt from the chosen components (default: all)."""
    chosen = _selection(decomposition, components)
    return decomposition.components[:, chosen] @ decomposition.activations[chosen]


def nmf_error(decomposition: Decomposition) -> float:
    """Relative Frobenius error ‖V − WH‖ / ‖V‖ of the full reconstruction."""
    residual = decomposition.magnitude - nmf_reconstruction(decomposition)
    return float(np.linalg.norm(residual) / max(np.linalg.norm(decomposition.magnitude), 1e-12))


def nmf_resynthesize(
    decomposition: Decomposition, *, components: Sequence[int] | None = None
) -> np.ndarray:
    """Audio of the chosen components, using the original phase (inverse STFT), float32."""
    magnitude = nmf_reconstruction(decomposition, components=components)
    audio = librosa.istft(
        magnitude * decomposition.phase,
        hop_length=decomposition.hop_length,
        n_fft=decomposition.n_fft,
        length=decomposition.length,
    )
    return np.clip(audio, -1.0, 1.0).astype(np.float32)


# --------------------------------------------------------------------------- examples


def example_song(
    *, bpm: float = 120.0, duration: float = 8.0, sr: int = DEFAULT_SR, seed: int = 0
) -> Clip:
    """A synthetic piece with a known beat: kick and snare alternating on the beats,
    hi-hat on every eighth, a C-major arpeggio with one note per beat, from time 0.

    Returns
    -------
    Clip
        Beats at ``k * 60 / bpm`` seconds.
    """
    sr = _check_sr(sr)
    if not 30 <= bpm <= 300:
        raise ParameterError(f"bpm must be between 30 and 300; got {bpm!r}.")
    if not 1 <= duration <= 600:
        raise ParameterError(f"duration must be between 1 and 600 seconds; got {duration!r}.")
    rng = np.random.default_rng(seed)
    n = round(duration * sr)
    period = 60.0 / bpm
    beat_starts = np.round(np.arange(0, duration, period) * sr).astype(int)
    out = np.zeros(n, dtype=np.float64)

    t = np.arange(round(0.15 * sr)) / sr
    kick = np.sin(2 * np.pi * (50 * t + 60 * (1 - np.exp(-t / 0.03)) * 0.03)) * np.exp(-t / 0.05)
    kick += 0.3 * rng.standard_normal(t.size) * np.exp(-t / 0.004)  # the beater's click
    snare_t = np.arange(round(0.12 * sr)) / sr
    snare = rng.standard_normal(snare_t.size) * np.exp(-snare_t / 0.03) * 0.35
    hat_t = np.arange(round(0.04 * sr)) / sr
    hat = np.diff(rng.standard_normal(hat_t.size + 1)) * np.exp(-hat_t / 0.008) * 0.08
    arpeggio = librosa.note_to_hz(["C4", "E4", "G4", "C5", "G4", "E4", "C4", "G3"])
    note_t = np.arange(round(min(period, 1.0) * 0.9 * sr)) / sr
    envelope = np.minimum(1.0, note_t / 0.005) * np.exp(-note_t / (period * 0.4))
    notes = 0.3 * envelope * np.sin(2 * np.pi * arpeggio[:, None] * note_t)
    notes += 0.1 * envelope * np.sin(4 * np.pi * arpeggio[:, None] * note_t)

    def add(at: int, wave: np.ndarray) -> None:
        stop = min(n, at + wave.size)
        if at < stop:
            out[at:stop] += wave[: stop - at]

    half_beat = round(period * sr / 2)
    for i, at in enumerate(beat_starts):
        # Rock pattern: kick on beats 1 and 3, snare on 2 and 4, hi-hat on every eighth.
        add(at, 0.9 * kick if i % 2 == 0 else snare)
        add(at, hat)
        add(at + half_beat, hat)
        add(at, notes[i % len(arpeggio)])
    out *= 0.9 / np.abs(out).max()
    return Clip(out.astype(np.float32), sr, f"Example: drums and melody at {bpm:g} BPM")


# --------------------------------------------------------------------------- warm-up

_warm_lock = threading.Lock()
_warm_seconds: float | None = None


def warm_up() -> float:
    """Import librosa's modules and run a tiny :func:`analyze` once per process.

    Safe to call from several threads; later calls return at once.

    Returns
    -------
    float
        Seconds the first call took (the one-off cost paid in this process).
    """
    global _warm_seconds
    with _warm_lock:
        if _warm_seconds is None:
            start = time.perf_counter()
            clip = example_song(bpm=120.0, duration=3.0)
            analyze(clip.audio, sr=clip.sr)
            # The note tracker's Viterbi passes (musicml.transcription) compile too.
            librosa.sequence.viterbi_discriminative(
                np.full((2, 4), 0.5), librosa.sequence.transition_loop(2, 0.9)
            )
            _warm_seconds = time.perf_counter() - start
    return _warm_seconds


def start_warm_up() -> threading.Thread:
    """Run :func:`warm_up` in a daemon thread and return it."""
    thread = threading.Thread(target=warm_up, name="musicml-warm-up", daemon=True)
    thread.start()
    return thread


# --------------------------------------------------------------------------- helpers for views


def summary(result: Analysis) -> dict:
    """The analysis as plain JSON-ready values (the command line's per-file fields).

    Returns
    -------
    dict
        ``duration_s``, ``sr``, ``tempo_bpm``, ``beat_times``, ``onset_times`` and ``key``
        (a name such as ``"A minor"``, or ``None`` for silence).
    """
    return {
        "duration_s": round(float(result.duration), 6),
        "sr": int(result.sr),
        "tempo_bpm": round(float(result.tempo_bpm), 3),
        "beat_times": [round(float(t), 4) for t in result.beat_times],
        "onset_times": [round(float(t), 4) for t in result.onset_times],
        "key": result.key.name if result.key else None,
    }


def excerpt(
    audio: np.ndarray, *, sr: int = DEFAULT_SR, start: float = 0.0, duration: float = 15.0
) -> np.ndarray:
    """``duration`` seconds of ``audio`` from ``start`` (clamped to the signal)."""
    audio = _check_audio(audio)
    if duration <= 0:
        raise ParameterError(f"duration must be positive; got {duration!r}.")
    first = int(np.clip(round(start * sr), 0, max(audio.size - 1, 0)))
    return audio[first : first + round(duration * sr)]


def mel_db(audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Mel power spectrogram in dB (128 bands, relative to the peak), float32."""
    from musicml.features import mel_spectrogram_db

    return mel_spectrogram_db(_check_audio(audio), sr=_check_sr(sr), hop_length=hop_length)
