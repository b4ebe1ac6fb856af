"""The one-pass analysis: mel, MFCC, chroma, onsets, tempo, beats and key from ONE STFT."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicml.analysis._common import HOP_LENGTH, N_FFT, _check_audio
from musicml.analysis.beats import _tempo_and_beats, refine_tempo
from musicml.analysis.key import Key, estimate_key
from musicml.analysis.onsets import with_start_onset
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.features import projected_power
from musicml.validation import check_sr


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
    sr = check_sr(sr)
    if n_mels < 1 or not 1 <= n_mfcc <= n_mels:
        raise ParameterError(
            "need n_mels >= 1 and 1 <= n_mfcc <= n_mels; got n_mels={n_mels}, n_mfcc={n_mfcc}.",
            n_mels=n_mels,
            n_mfcc=n_mfcc,
        )
    mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
    # Tuning 0: pitch-class bins at equal temperament (estimating the tuning
    # costs more than all the rest of the analysis).
    chroma_basis = librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=0.0)
    mel_power, raw_chroma = projected_power(
        audio, (mel_basis, chroma_basis), n_fft=n_fft, hop_length=hop_length
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
        raise ParameterError("duration must be positive; got {duration!r}.", duration=duration)
    first = int(np.clip(round(start * sr), 0, max(audio.size - 1, 0)))
    return audio[first : first + round(duration * sr)]


def mel_db(audio: np.ndarray, *, sr: int = DEFAULT_SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Mel power spectrogram in dB (128 bands, relative to the peak), float32."""
    from musicml.features import mel_spectrogram_db

    return mel_spectrogram_db(_check_audio(audio), sr=check_sr(sr), hop_length=hop_length)
