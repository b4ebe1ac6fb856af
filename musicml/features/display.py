"""The 2-D picture of one sound for display, and the spectrum of one window.

:func:`representation` gives the rows × frames picture (mel, STFT, constant-Q,
chroma, MFCC) with its axis (seconds, Hz / mel / note names) and unit, through
the one framing of :mod:`musicml.features.spectrum`.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.features.spectrum import (
    CHROMA_SOURCES,
    CQT_FMIN,
    N_MELS,
    _check_common,
    _check_fmin_fmax,
    _relative_db,
    _window,
    as_clip_list,
    cqt_db,
    cqt_magnitude,
    cqt_note_names,
    mel_spectrogram_db,
    power_spectrogram,
)
from musicml.pitch import PITCH_CLASSES, note_name
from musicml.validation import check_choice, check_count

REPRESENTATION_KINDS = ("mel", "stft", "cqt", "chroma", "mfcc")
"""2-D representations :func:`representation` can draw."""


@dataclass(frozen=True, eq=False)
class Representation:
    """A 2-D representation of one sound, ready to draw.

    Attributes
    ----------
    values : np.ndarray
        Shape ``(n_rows, n_frames)``, float32 (dB for mel/stft/cqt).
    kind : str
        One of :data:`REPRESENTATION_KINDS`.
    times : np.ndarray
        Shape ``(n_frames,)``: the centre of each frame in seconds.
    frequencies : np.ndarray or None
        Shape ``(n_rows,)``: centre frequency of each row in Hz (None for MFCC).
    row_labels : tuple of str
        A readable name per row (Hz, note names, pitch classes, coefficient numbers).
    axis : str
        How rows are spaced: ``"linear"``, ``"log"``, ``"mel"``, ``"cqt"``,
        ``"chroma"`` or ``"mfcc"``.
    unit : str
        ``"dB"`` for spectrograms, ``""`` for chroma (0–1) and MFCC.
    """

    values: np.ndarray
    kind: str
    sr: int
    hop_length: int
    times: np.ndarray
    frequencies: np.ndarray | None
    row_labels: tuple[str, ...]
    axis: str
    unit: str


def representation(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    kind: str = "mel",
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = N_MELS,
    fmin: float = 0.0,
    fmax: float | None = None,
    log_frequency: bool = False,
    n_bins: int = 84,
    bins_per_octave: int = 12,
    chroma_source: str = "stft",
    n_mfcc: int = 20,
    top_db: float | None = 80.0,
) -> Representation:
    """The 2-D picture of one sound for display (dB relative to its peak).

    Parameters
    ----------
    audio : np.ndarray
        Shape ``(n_samples,)``.
    kind : {"mel", "stft", "cqt", "chroma", "mfcc"}, default "mel"
        Which representation.
    log_frequency : bool, default False
        ``stft`` only: label the rows for a logarithmic frequency axis.
    n_bins, bins_per_octave : int
        ``cqt`` (and CQT chroma): bins from C1 and bins per octave.
    chroma_source : {"stft", "cqt"}, default "stft"
        What chroma folds into twelve pitch classes.
    top_db : float or None, default 80
        Floor of the dB range below the peak.

    Returns
    -------
    Representation
    """
    check_choice("kind", kind, REPRESENTATION_KINDS)
    audio = as_clip_list(np.asarray(audio, dtype=np.float32).reshape(-1))[0]
    _check_common(sr, n_fft, hop_length)
    kwargs = {"sr": sr, "hop_length": hop_length}
    if kind == "mel":
        fmax_ = _check_fmin_fmax(sr, fmin, fmax)
        values = mel_spectrogram_db(
            audio,
            sr=sr,
            n_mels=n_mels,
            n_fft=n_fft,
            hop_length=hop_length,
            fmin=fmin,
            fmax=fmax_,
            top_db=top_db,
        )
        freqs = librosa.mel_frequencies(n_mels=n_mels, fmin=fmin, fmax=fmax_)
        labels = _hz_labels(freqs)
        axis, unit = "mel", "dB"
    elif kind == "stft":
        power = power_spectrogram(audio, n_fft=n_fft, hop_length=hop_length)
        values = _relative_db(power, ref="max", top_db=top_db)
        freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
        labels = _hz_labels(freqs)
        axis, unit = ("log" if log_frequency else "linear"), "dB"
    elif kind == "cqt" or (kind == "chroma" and chroma_source == "cqt"):
        cqt = {"sr": sr, "hop_length": hop_length, "n_bins": n_bins}
        freqs = librosa.cqt_frequencies(
            n_bins=n_bins, fmin=CQT_FMIN, bins_per_octave=bins_per_octave
        )
        if kind == "cqt":
            values = cqt_db(audio, **cqt, bins_per_octave=bins_per_octave, top_db=top_db)
            labels = tuple(cqt_note_names(n_bins=n_bins, bins_per_octave=bins_per_octave))
            axis, unit = "cqt", "dB"
        else:
            magnitude = cqt_magnitude(audio, **cqt, bins_per_octave=bins_per_octave)
            values = librosa.feature.chroma_cqt(C=magnitude, sr=sr, bins_per_octave=bins_per_octave)
            freqs, labels, axis, unit = None, _CHROMA_LABELS, "chroma", ""
    elif kind == "chroma":
        check_choice("chroma_source", chroma_source, CHROMA_SOURCES)
        power = power_spectrogram(audio, n_fft=n_fft, hop_length=hop_length)
        values = librosa.feature.chroma_stft(S=power, sr=sr, tuning=0.0)
        freqs, labels, axis, unit = None, _CHROMA_LABELS, "chroma", ""
    else:
        mel = mel_spectrogram_db(
            audio, sr=sr, n_mels=n_mels, n_fft=n_fft, hop_length=hop_length, ref=1.0, top_db=80.0
        )
        values = librosa.feature.mfcc(S=mel, n_mfcc=check_count("n_mfcc", n_mfcc))
        freqs, labels, axis, unit = None, tuple(str(i) for i in range(n_mfcc)), "mfcc", ""
    values = np.asarray(values, dtype=np.float32)
    times = librosa.frames_to_time(np.arange(values.shape[-1]), **kwargs)
    return Representation(values, kind, sr, hop_length, times, freqs, labels, axis, unit)


def _hz_labels(freqs: np.ndarray) -> tuple[str, ...]:
    """'440 Hz (A4)' for each frequency; 0 Hz has no note."""
    return tuple(f"{f:.0f} Hz ({note_name(f)})" if f >= 20 else f"{f:.0f} Hz" for f in freqs)


_CHROMA_LABELS = PITCH_CLASSES


def window_spectrum(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    start: float = 0.0,
    n_fft: int = 2048,
) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectrum (dB re. full scale) of one Hann window starting at ``start`` s.

    Returns
    -------
    frequencies : np.ndarray
        Shape ``(n_fft // 2 + 1,)``, Hz.
    magnitude_db : np.ndarray
        Same shape; a full-scale sine peaks near 0 dB.
    """
    _check_common(sr, n_fft, 1)
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    first = round(max(0.0, float(start)) * sr)
    if first >= len(audio):
        raise ParameterError(
            "start must be inside the sound (0 to {duration:.2f} s); got {start!r} s.",
            duration=len(audio) / sr,
            start=start,
        )
    frame = np.zeros(n_fft, dtype=np.float32)
    piece = audio[first : first + n_fft]
    frame[: len(piece)] = piece
    window = _window(n_fft)
    magnitude = np.abs(np.fft.rfft(frame * window)) * 2.0 / window.sum()
    db = 20.0 * np.log10(np.maximum(magnitude, 1e-6))
    return np.fft.rfftfreq(n_fft, 1.0 / sr), db.astype(np.float32)
