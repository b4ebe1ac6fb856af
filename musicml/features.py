"""Audio features, batched over many clips.

Names used across the app and the command line: ``mel``, ``stft``, ``cqt``,
``chroma``, ``mfcc``, ``fft``.
"""

from __future__ import annotations

import librosa
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError

FEATURE_KINDS = ("mel", "stft", "cqt", "chroma", "mfcc", "fft")


def mel_spectrogram_db(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    n_mels: int = 128,
    n_fft: int = 2048,
    hop_length: int = 512,
    fmin: float = 0.0,
    fmax: float | None = None,
    top_db: float | None = 80.0,
    ref: str | float = "max",
) -> np.ndarray:
    """Mel power spectrogram in dB.

    Parameters
    ----------
    audio : np.ndarray
        Shape ``(..., n_samples)``; leading axes are a batch.
    ref : "max" or float, default "max"
        ``"max"``: dB relative to each spectrogram's peak (the tutorial's
        picture); a number: an absolute reference (1.0 for features, so
        silence stays quiet instead of being normalised up).

    Returns
    -------
    np.ndarray
        Shape ``(..., n_mels, n_frames)``, float32.
    """
    if n_mels < 1:
        raise ParameterError(f"n_mels must be at least 1; got {n_mels!r}.")
    power = librosa.feature.melspectrogram(
        y=np.asarray(audio, dtype=np.float32),
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        n_mels=n_mels,
        fmin=fmin,
        fmax=fmax,
    )
    if ref == "max":
        peak = power.max(axis=(-2, -1), keepdims=True)
        reference = np.maximum(peak, 1e-10)
    else:
        reference = float(ref)
    db = 10.0 * np.log10(np.maximum(power, 1e-10) / reference)
    if top_db is not None:
        floor = db.max(axis=(-2, -1), keepdims=True) - top_db
        db = np.maximum(db, floor)
    return db.astype(np.float32)


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Turn clips into fixed-length feature vectors (a scikit-learn transformer).

    Parameters
    ----------
    kind : {"mel", "stft", "cqt", "chroma", "mfcc", "fft"}, default "mel"
        Which representation.
    sr : int, default 22050
        Sample rate of the clips.
    n_mels : int, default 128
        Mel bands (``mel``).
    n_fft, hop_length : int
        Frame size and hop in samples.
    """

    def __init__(
        self,
        kind: str = "mel",
        sr: int = DEFAULT_SR,
        n_mels: int = 128,
        n_fft: int = 2048,
        hop_length: int = 512,
    ):
        self.kind = kind
        self.sr = sr
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.hop_length = hop_length

    def fit(self, clips, labels=None):
        if self.kind not in FEATURE_KINDS:
            raise ParameterError(f"kind must be one of {FEATURE_KINDS}; got {self.kind!r}.")
        return self

    def transform(self, clips) -> np.ndarray:
        """Features of each clip.

        Parameters
        ----------
        clips : np.ndarray of shape (n_clips, n_samples)
            Equal-length clips.

        Returns
        -------
        np.ndarray
            Shape ``(n_clips, 2 * n_mels)``: mean and standard deviation over
            time of each band's dB level.
        """
        batch = np.atleast_2d(np.asarray(clips, dtype=np.float32))
        db = mel_spectrogram_db(
            batch,
            sr=self.sr,
            n_mels=self.n_mels,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            ref=1.0,
            top_db=None,
        )
        return np.concatenate([db.mean(axis=-1), db.std(axis=-1)], axis=-1)
