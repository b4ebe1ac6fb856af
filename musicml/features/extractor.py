"""Feature sets: clips of any lengths to fixed-length vectors, a scikit-learn transformer.

:class:`FeatureExtractor` summarises each row of a clip's spectrogram (mel, STFT,
chroma, constant-Q, MFCC; or the whole clip's FFT, or Gabor features) by
statistics over time. The frames of every clip go through the one framing of
:mod:`musicml.features.spectrum` together, and the statistics per clip are
segment reductions over the stacked matrix.
"""

from __future__ import annotations

import librosa
import numpy as np
import scipy.fft
from sklearn.base import BaseEstimator, TransformerMixin

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.features.spectrum import (
    CHROMA_SOURCES,
    N_MELS,
    _check_common,
    _check_fmin_fmax,
    _chroma_basis,
    _cqt_magnitude,
    _db,
    _frame_chunks,
    _mel_basis,
    _normalise_rows,
    _power,
    as_clip_list,
    cqt_magnitude,
    mel_spectrogram_db,
)
from musicml.validation import check_choice, check_count

FEATURE_KINDS = ("mel", "stft", "cqt", "chroma", "mfcc", "fft", "gabor")
"""Feature kinds :class:`FeatureExtractor` accepts (``gabor``: :mod:`musicml.gabor`,
imported when first used)."""

STATS = ("mean", "std", "min", "max")
"""Statistics over time that :class:`FeatureExtractor` can summarise with."""


def _segment_stats(rows: np.ndarray, counts: np.ndarray, stats: tuple[str, ...]) -> np.ndarray:
    """Statistics over consecutive segments of ``rows`` (one segment per clip).

    Returns shape (n_clips, len(stats) * n_columns), stats side by side.
    """
    if np.all(counts == counts[0]):
        # Equal lengths (the common case): a reshape instead of segment reductions.
        blocks = rows.reshape(len(counts), int(counts[0]), rows.shape[-1])
        reducers = {"mean": np.mean, "std": np.std, "max": np.max, "min": np.min}
        out = [reducers[stat](blocks, axis=1) for stat in stats]
        return np.concatenate(out, axis=1).astype(np.float32)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = []
    mean = np.add.reduceat(rows, starts, axis=0, dtype=np.float64) / counts[:, None]
    for stat in stats:
        if stat == "mean":
            out.append(mean)
        elif stat == "std":
            # Two passes (deviations from the mean), so float32 dB values keep precision.
            deviation = rows - np.repeat(mean, counts, axis=0).astype(np.float32)
            var = np.add.reduceat(deviation**2, starts, axis=0, dtype=np.float64)
            out.append(np.sqrt(var / counts[:, None]))
        elif stat == "max":
            out.append(np.maximum.reduceat(rows, starts, axis=0))
        elif stat == "min":
            out.append(np.minimum.reduceat(rows, starts, axis=0))
    return np.concatenate(out, axis=1).astype(np.float32)


def _stacked_stats(clips, *, n_fft, hop_length, stats, rows_of) -> np.ndarray:
    """Stats of ``rows_of(power_frames)`` for every clip, chunk by chunk."""
    parts = []
    for counts, frames in _frame_chunks(clips, n_fft, hop_length):
        rows = rows_of(_power(frames))
        parts.append(_segment_stats(rows, counts, stats))
    return np.concatenate(parts, axis=0)


def _by_length(clips: list[np.ndarray]):
    """Yield (indices, 2-D batch) for each group of equal-length clips."""
    lengths = np.array([len(c) for c in clips])
    for length in np.unique(lengths):
        index = np.flatnonzero(lengths == length)
        yield index, np.stack([clips[i] for i in index])


def _delta(matrix: np.ndarray) -> np.ndarray:
    """librosa's delta over the last axis, with a width that fits short clips."""
    n = matrix.shape[-1]
    width = min(9, n if n % 2 else n - 1)
    if width < 3:
        return np.zeros_like(matrix)
    return librosa.feature.delta(matrix, width=width, axis=-1)


# --------------------------------------------------------------------------- transformer


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Turn clips of any lengths into fixed-length feature vectors.

    A scikit-learn transformer: ``__init__`` only stores its parameters (all
    plain numbers, strings and tuples), so it clones and saves with a Pipeline.

    Parameters
    ----------
    kind : str, default "mel"
        One of :data:`FEATURE_KINDS`.
    sr : int, default 22050
        Sample rate of the clips.
    n_fft, hop_length : int, default 2048, 512
        Frame size and hop in samples (mel, stft, chroma, mfcc; hop also cqt).
    n_mels, fmin, fmax : int, float, float or None
        Mel bands and their range (mel, mfcc).
    n_mfcc : int, default 20
        MFCC coefficients.
    deltas : bool, default True
        ``mfcc``: also summarise the coefficients' deltas (change per frame).
    n_bins, bins_per_octave : int, default 84, 12
        Constant-Q bins from C1 (cqt; and chroma from CQT).
    chroma_source : {"stft", "cqt"}, default "stft"
        What ``chroma`` is folded from.
    n_fft_bins : int, default 1000
        ``fft``: the tutorial's magnitudes of the first N bins of the whole
        clip's FFT (zero-padded if the clip is shorter than 2N samples).
    stats : tuple of str, default ("mean", "std")
        Statistics over time of each row (from :data:`STATS`).

    Notes
    -----
    Output widths: mel ``len(stats)·n_mels``, stft ``len(stats)·(n_fft/2+1)``,
    cqt ``len(stats)·n_bins``, chroma ``len(stats)·12``, mfcc
    ``len(stats)·n_mfcc·(2 if deltas else 1)``, fft ``n_fft_bins``. Spectra are
    in dB relative to full scale (``ref=1``), so silence stays quiet.
    """

    # Saved model files name the class by its public path, as they did before the
    # features were a package: files stay the same and load in either version.
    __module__ = "musicml.features"

    def __init__(
        self,
        kind: str = "mel",
        sr: int = DEFAULT_SR,
        n_fft: int = 2048,
        hop_length: int = 512,
        n_mels: int = N_MELS,
        fmin: float = 0.0,
        fmax: float | None = None,
        n_mfcc: int = 20,
        deltas: bool = True,
        n_bins: int = 84,
        bins_per_octave: int = 12,
        chroma_source: str = "stft",
        n_fft_bins: int = 1000,
        stats: tuple[str, ...] = ("mean", "std"),
    ):
        self.kind = kind
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.n_mfcc = n_mfcc
        self.deltas = deltas
        self.n_bins = n_bins
        self.bins_per_octave = bins_per_octave
        self.chroma_source = chroma_source
        self.n_fft_bins = n_fft_bins
        self.stats = stats

    def _validate(self) -> tuple[str, ...]:
        check_choice("kind", self.kind, FEATURE_KINDS)
        _check_common(self.sr, self.n_fft, self.hop_length)
        if self.kind in ("mel", "mfcc"):
            check_count("n_mels", self.n_mels)
            _check_fmin_fmax(self.sr, self.fmin, self.fmax)
        if self.kind == "mfcc":
            check_count("n_mfcc", self.n_mfcc)
        if self.kind == "chroma":
            check_choice("chroma_source", self.chroma_source, CHROMA_SOURCES)
        if self.kind == "fft":
            check_count("n_fft_bins", self.n_fft_bins)
        stats = (self.stats,) if isinstance(self.stats, str) else tuple(self.stats)
        if not stats or any(s not in STATS for s in stats):
            raise ParameterError(
                "stats must be a tuple drawn from {choices}; got {stats!r}.",
                choices=STATS,
                stats=self.stats,
            )
        return stats

    def fit(self, clips, labels=None):
        """Check the parameters (nothing is learnt); returns self."""
        self._validate()
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def transform(self, clips) -> np.ndarray:
        """Feature vectors of clips.

        Parameters
        ----------
        clips : np.ndarray of shape (n_clips, n_samples) or list of 1-D arrays
            Clips at ``sr``, of equal or different lengths.

        Returns
        -------
        np.ndarray
            Shape ``(n_clips, n_features)``, float32.
        """
        stats = self._validate()
        clips = as_clip_list(clips)
        kind, sr, n_fft, hop = self.kind, int(self.sr), int(self.n_fft), int(self.hop_length)
        if kind == "mel":
            basis = _mel_basis(
                sr,
                n_fft,
                int(self.n_mels),
                float(self.fmin),
                _check_fmin_fmax(sr, self.fmin, self.fmax),
            )
            return _stacked_stats(
                clips,
                n_fft=n_fft,
                hop_length=hop,
                stats=stats,
                rows_of=lambda power: _db(power @ basis),
            )
        if kind == "stft":
            return _stacked_stats(clips, n_fft=n_fft, hop_length=hop, stats=stats, rows_of=_db)
        if kind == "chroma" and self.chroma_source == "stft":
            basis = _chroma_basis(sr, n_fft)
            return _stacked_stats(
                clips,
                n_fft=n_fft,
                hop_length=hop,
                stats=stats,
                rows_of=lambda power: _normalise_rows(power @ basis),
            )
        if kind == "fft":
            return self._fft(clips)
        return self._grouped(clips, stats)

    def _fft(self, clips) -> np.ndarray:
        n_bins = int(self.n_fft_bins)
        out = np.zeros((len(clips), n_bins), dtype=np.float32)
        for index, batch in _by_length(clips):
            magnitude = np.abs(scipy.fft.rfft(batch, axis=-1))[:, :n_bins]
            out[index, : magnitude.shape[1]] = magnitude
        return out

    def _grouped(self, clips, stats) -> np.ndarray:
        """cqt, CQT chroma, mfcc and gabor: batched per group of equal-length clips."""
        rows = [None] * len(clips)
        for index, batch in _by_length(clips):
            for i, vector in zip(index, self._batch_vectors(batch, stats), strict=True):
                rows[i] = vector
        return np.stack(rows).astype(np.float32)

    def _batch_vectors(self, batch: np.ndarray, stats) -> np.ndarray:
        sr, hop = int(self.sr), int(self.hop_length)
        if self.kind == "gabor":
            from musicml.gabor import gabor_feature_vectors

            return np.asarray(gabor_feature_vectors(batch, sr=sr), dtype=np.float32)
        if self.kind == "mfcc":
            mel = mel_spectrogram_db(
                batch,
                sr=sr,
                n_mels=int(self.n_mels),
                n_fft=int(self.n_fft),
                hop_length=hop,
                fmin=float(self.fmin),
                fmax=self.fmax,
                ref=1.0,
                top_db=80.0,  # as librosa.feature.mfcc: 80 dB below each clip's peak
            )
            matrix = scipy.fft.dct(mel, axis=-2, type=2, norm="ortho")[:, : int(self.n_mfcc)]
            if self.deltas:
                matrix = np.concatenate([matrix, _delta(matrix)], axis=-2)
        else:
            magnitude = _cqt_magnitude(batch, sr, hop, self.n_bins, self.bins_per_octave)
            if self.kind == "cqt":
                matrix = _db(magnitude**2)
            else:
                matrix = librosa.feature.chroma_cqt(
                    C=magnitude, sr=sr, bins_per_octave=int(self.bins_per_octave)
                )
        n_clips, n_rows, n_frames = matrix.shape
        frames = np.ascontiguousarray(np.swapaxes(matrix, 1, 2)).reshape(-1, n_rows)
        counts = np.full(n_clips, n_frames)
        return _segment_stats(frames.astype(np.float32), counts, stats)

    def frame_rows(self, audio: np.ndarray, *, cqt: np.ndarray | None = None) -> np.ndarray:
        """The rows of one long recording, frame by frame, before statistics over time.

        :meth:`transform` of a clip is :func:`window_stats` of these rows over
        its frames (up to the clip's edges), so a song's rows computed once give
        the features of every window of it.

        Parameters
        ----------
        audio : np.ndarray
            Shape ``(n_samples,)`` at ``sr``.
        cqt : np.ndarray, optional
            This audio's constant-Q magnitude, shape ``(n_bins, n_frames)`` (see
            :func:`cqt_magnitude`), so a caller that needs it too computes it once.

        Returns
        -------
        np.ndarray
            Shape ``(1 + n_samples // hop_length, n_rows)``, float32.

        Raises
        ------
        ParameterError
            For ``mfcc``, ``fft`` and ``gabor``, whose values depend on the clip as a whole.
        """
        self._validate()
        if self.kind not in ("mel", "stft", "chroma", "cqt"):
            raise ParameterError(
                "frame rows exist for mel, stft, chroma and cqt features; got {kind!r}.",
                kind=self.kind,
            )
        audio = as_clip_list(np.asarray(audio, dtype=np.float32))[0]
        sr, n_fft, hop = int(self.sr), int(self.n_fft), int(self.hop_length)
        n_frames = 1 + len(audio) // hop
        if self.kind == "cqt" or (self.kind == "chroma" and self.chroma_source == "cqt"):
            if cqt is None:
                cqt = cqt_magnitude(
                    audio,
                    sr=sr,
                    hop_length=hop,
                    n_bins=self.n_bins,
                    bins_per_octave=self.bins_per_octave,
                )
            magnitude = np.asarray(cqt, dtype=np.float32)
            if self.kind == "cqt":
                matrix = _db(magnitude**2)
            else:
                matrix = librosa.feature.chroma_cqt(
                    C=magnitude, sr=sr, bins_per_octave=int(self.bins_per_octave)
                )
            rows = np.ascontiguousarray(matrix.T)
        else:
            if self.kind == "mel":
                basis = _mel_basis(
                    sr,
                    n_fft,
                    int(self.n_mels),
                    float(self.fmin),
                    _check_fmin_fmax(sr, self.fmin, self.fmax),
                )

                def rows_of(power):
                    return _db(power @ basis)
            elif self.kind == "stft":
                rows_of = _db
            else:
                chroma_basis = _chroma_basis(sr, n_fft)

                def rows_of(power):
                    return _normalise_rows(power @ chroma_basis)

            rows = np.concatenate(
                [rows_of(_power(frames)) for _, frames in _frame_chunks([audio], n_fft, hop)]
            )
        rows = rows[:n_frames]
        if len(rows) < n_frames:
            rows = np.pad(rows, ((0, n_frames - len(rows)), (0, 0)), mode="edge")
        return rows.astype(np.float32)

    def window_features(
        self, audio: np.ndarray, *, width: int, cqt: np.ndarray | None = None
    ) -> np.ndarray:
        """Feature vectors of the ``width``-frame window centred on every frame of ``audio``.

        Equivalent (up to the windows' edges) to :meth:`transform` of each window
        cut from the audio, at a fraction of the cost: the rows are computed once.

        Returns
        -------
        np.ndarray
            Shape ``(1 + n_samples // hop_length, n_features)``, float32.
        """
        stats = self._validate()
        return window_stats(self.frame_rows(audio, cqt=cqt), width=width, stats=stats)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names like ``mel_mean_0`` … (statistic, then row index)."""
        stats = self._validate()
        if self.kind == "fft":
            return np.array([f"fft_{i}" for i in range(int(self.n_fft_bins))], dtype=object)
        n_rows = {
            "mel": int(self.n_mels),
            "stft": int(self.n_fft) // 2 + 1,
            "cqt": int(self.n_bins),
            "chroma": 12,
            "mfcc": int(self.n_mfcc) * (2 if self.deltas else 1),
        }.get(self.kind)
        if n_rows is None:
            raise ParameterError("feature names are not known for kind {kind!r}.", kind=self.kind)
        return np.array(
            [f"{self.kind}_{s}_{i}" for s in stats for i in range(n_rows)], dtype=object
        )


def window_stats(rows: np.ndarray, *, width: int, stats: tuple[str, ...]) -> np.ndarray:
    """Statistics of ``rows`` over a window of ``width`` frames centred on each frame.

    Windows are cut short at the ends. Stats are laid side by side as in
    :meth:`FeatureExtractor.transform`.

    Parameters
    ----------
    rows : np.ndarray
        Shape ``(n_frames, n_rows)``.
    width : int
        Frames per window (odd widths are centred exactly).

    Returns
    -------
    np.ndarray
        Shape ``(n_frames, len(stats) * n_rows)``, float32.
    """
    from scipy.ndimage import maximum_filter1d, minimum_filter1d

    width = check_count("width", width)
    rows = np.asarray(rows, dtype=np.float64)
    n = len(rows)
    half = width // 2
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) - half + width, 0, n)
    counts = (hi - lo)[:, None]
    total = np.concatenate([np.zeros((1, rows.shape[1])), np.cumsum(rows, axis=0)])
    mean = (total[hi] - total[lo]) / counts
    out = []
    for stat in stats:
        if stat == "mean":
            out.append(mean)
        elif stat == "std":
            centred = rows - rows.mean(axis=0)  # keeps the squares' sums precise
            sq = np.concatenate([np.zeros((1, rows.shape[1])), np.cumsum(centred**2, axis=0)])
            shifted = mean - rows.mean(axis=0)
            var = (sq[hi] - sq[lo]) / counts - shifted**2
            out.append(np.sqrt(np.maximum(var, 0.0)))
        elif stat == "max":
            origin = (width - 1) // 2 - half
            out.append(maximum_filter1d(rows, width, axis=0, mode="nearest", origin=origin))
        elif stat == "min":
            origin = (width - 1) // 2 - half
            out.append(minimum_filter1d(rows, width, axis=0, mode="nearest", origin=origin))
    return np.concatenate(out, axis=1).astype(np.float32)
