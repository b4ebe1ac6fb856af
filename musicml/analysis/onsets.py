"""Onsets: where notes start (spectral flux), and where they change or end without one."""

from __future__ import annotations

import numpy as np

from musicml.analysis._common import HOP_LENGTH, N_FFT, _check_audio, _localmax
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.features.spectrum import CQT_FMIN, cqt_magnitude, mel_spectrogram_db
from musicml.validation import check_sr


def onset_strength(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = HOP_LENGTH,
    flicker_percentile: float | None = None,
) -> np.ndarray:
    """Spectral-flux onset strength: how much the log-mel energy rises, per frame.

    Parameters
    ----------
    flicker_percentile : float, optional
        When given, each mel band's own flicker (this percentile of its rises over
        the recording) is taken away from its rises before the bands are averaged:
        a band that noise fills (hiss, the gaps between a quiet note's partials)
        rises a little at every frame, and that is no attack. ``None``: librosa's
        flux as it is.

    Returns
    -------
    np.ndarray
        Shape ``(n_frames,)``, float32.
    """
    audio = _check_audio(audio)
    sr = check_sr(sr)
    if flicker_percentile is None:
        return librosa.onset.onset_strength(y=audio, sr=sr, hop_length=hop_length)
    log = mel_spectrogram_db(audio, sr=sr, n_fft=N_FFT, hop_length=hop_length)
    rises = np.maximum(0.0, np.diff(log, axis=1))
    if rises.shape[1]:
        flicker = np.percentile(rises, flicker_percentile, axis=1, keepdims=True)
        rises = np.maximum(0.0, rises - flicker)
    # As librosa does: the first frame has no rise, and the flux is centred on the
    # frames (each STFT frame is centred, its rise is heard half a window late).
    lag = N_FFT // (2 * hop_length)
    envelope = np.concatenate([np.zeros(1 + lag), rises.mean(axis=0)])[: log.shape[1]]
    return envelope.astype(np.float32)


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
    sr = check_sr(sr)
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
    sr = check_sr(sr)
    if audio.size < N_FFT or not np.any(audio):
        return np.zeros(0)
    n_bins = 12 * max(1, min(7, int(np.log2(0.45 * sr / CQT_FMIN))))
    magnitude = cqt_magnitude(audio, sr=sr, hop_length=hop_length, n_bins=n_bins)
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
