"""Audio features, batched over many clips.

Names used across the app and the command line: ``mel``, ``stft``, ``cqt``,
``chroma``, ``mfcc``, ``fft`` (and ``gabor`` once :mod:`musicml.gabor` exists).

Two kinds of result:

- :func:`representation`: the 2-D picture of one sound (rows × frames) for
  display, with its axis (seconds, Hz / mel / note names) and unit.
- :class:`FeatureExtractor`: a scikit-learn transformer turning clips of any
  lengths into fixed-length vectors (statistics over time of each row).

Speed comes from doing the work once for the whole batch: the frames of every
clip are stacked into one matrix, windowed and transformed by one real FFT, and
the mel (or chroma) filter bank is one matrix product; statistics per clip are
segment reductions over that matrix. Work is done in chunks of at most
``MAX_FRAMES_PER_CHUNK`` frames so memory stays bounded.
"""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass
from functools import lru_cache

import librosa
import numpy as np
import scipy.fft
import scipy.signal
from sklearn.base import BaseEstimator, TransformerMixin

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.pitch import PITCH_CLASSES
from musicml.resources import checkpoint
from musicml.validation import check_count, check_sr

_GABOR_AVAILABLE = importlib.util.find_spec("musicml.gabor") is not None

FEATURE_KINDS = ("mel", "stft", "cqt", "chroma", "mfcc", "fft") + (
    ("gabor",) if _GABOR_AVAILABLE else ()
)
"""Feature kinds :class:`FeatureExtractor` accepts. ``gabor`` is listed only when
the module :mod:`musicml.gabor` is installed (it is looked up, not imported)."""

REPRESENTATION_KINDS = ("mel", "stft", "cqt", "chroma", "mfcc")
"""2-D representations :func:`representation` can draw."""

STATS = ("mean", "std", "min", "max")
"""Statistics over time that :class:`FeatureExtractor` can summarise with."""

CHROMA_SOURCES = ("stft", "cqt")

CQT_FMIN = float(librosa.note_to_hz("C1"))
"""Lowest constant-Q bin: C1 (32.70 Hz), as in librosa."""

N_MELS = 128
"""Mel bands of every mel feature and picture unless chosen otherwise (librosa's default,
the tutorial's): the Train page, the command line and saved models agree on it."""
MAX_FRAMES_PER_CHUNK = 2048
"""Frames transformed at once: 16 MB of float32 frames at n_fft=2048 (measured a little
faster than bigger chunks, which fall out of the caches between steps)."""

FFT_WORKERS = -1
"""Threads for the batched FFT (-1 = all cores)."""

AMIN_POWER = 1e-10
"""Power floor before taking dB (-100 dB): silence stays finite."""


# --------------------------------------------------------------------------- validation


def _check_common(sr, n_fft, hop_length) -> None:
    check_sr(sr)
    check_count("n_fft", n_fft, low=16)
    check_count("hop_length", hop_length)


def _check_fmin_fmax(sr: int, fmin: float, fmax: float | None) -> float:
    fmax = sr / 2 if fmax is None else float(fmax)
    if not (0 <= fmin < fmax <= sr / 2):
        raise ParameterError(
            "need 0 <= fmin < fmax <= sr/2 ({nyquist:g} Hz); got fmin={fmin!r}, fmax={fmax!r}.",
            nyquist=sr / 2,
            fmin=fmin,
            fmax=fmax,
        )
    return fmax


def as_clip_list(clips) -> list[np.ndarray]:
    """Clips as a list of 1-D float32 arrays (from a 2-D array, a list, or one 1-D clip)."""
    if isinstance(clips, np.ndarray):
        if clips.ndim == 1:
            clips = [clips]
        elif clips.ndim == 2:
            clips = list(clips)
        else:
            raise ParameterError(
                "clips must be a 2-D array (n_clips, n_samples) or a list of 1-D arrays; "
                "got an array of shape {clips_shape}.",
                clips_shape=clips.shape,
            )
    out = []
    for i, clip in enumerate(clips):
        clip = np.asarray(clip, dtype=np.float32)
        if clip.ndim != 1 or clip.size == 0:
            raise ParameterError(
                "every clip must be a non-empty 1-D waveform; clip {i} has shape {clip_shape}.",
                i=i,
                clip_shape=clip.shape,
            )
        if not np.all(np.isfinite(clip)):
            clip = np.nan_to_num(clip, nan=0.0, posinf=0.0, neginf=0.0)
        out.append(clip)
    if not out:
        raise ParameterError("clips must hold at least one clip; got none.")
    return out


# --------------------------------------------------------------------------- filter banks


@lru_cache(maxsize=16)
def _window(n_fft: int) -> np.ndarray:
    return scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)


@lru_cache(maxsize=16)
def _mel_basis(sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return np.ascontiguousarray(basis.T.astype(np.float32))  # (n_bins, n_mels)


@lru_cache(maxsize=16)
def _chroma_basis(sr: int, n_fft: int) -> np.ndarray:
    basis = librosa.filters.chroma(sr=sr, n_fft=n_fft, n_chroma=12, tuning=0.0)
    return np.ascontiguousarray(basis.T.astype(np.float32))  # (n_bins, 12)


# --------------------------------------------------------------------------- batched STFT


def _frame_chunks(clips: list[np.ndarray], n_fft: int, hop_length: int):
    """Yield (frame counts, windowed frames) for chunks of consecutive clips.

    Frames follow librosa's ``center=True, pad_mode="constant"`` convention: each
    clip is padded with n_fft//2 zeros on both sides before framing. One frame
    buffer is reused for every chunk (the consumer must be done with a chunk
    before asking for the next).
    """
    pad = n_fft // 2
    window = _window(n_fft)
    lengths = np.array([len(c) for c in clips])
    counts_all = 1 + lengths // hop_length
    buffer = np.empty((min(int(counts_all.sum()), MAX_FRAMES_PER_CHUNK) or 1, n_fft), np.float32)
    start = 0
    while start < len(clips):
        total = np.cumsum(counts_all[start:])
        stop = start + max(1, int(np.searchsorted(total, MAX_FRAMES_PER_CHUNK, side="right")))
        counts = counts_all[start:stop]
        n_rows = int(counts.sum())
        frames = buffer[:n_rows] if n_rows <= len(buffer) else np.empty((n_rows, n_fft), np.float32)
        if np.all(lengths[start:stop] == lengths[start]):
            # Equal lengths: pad and frame the whole chunk at once.
            length = int(lengths[start])
            padded = np.zeros((stop - start, length + 2 * pad), np.float32)
            for row, clip in enumerate(clips[start:stop]):
                padded[row, pad : pad + length] = clip
            framed = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=1)
            framed = framed[:, ::hop_length][:, : counts[0]]
            np.multiply(framed, window, out=frames.reshape(len(counts), counts[0], n_fft))
        else:
            row = 0
            for clip, n_frames in zip(clips[start:stop], counts, strict=True):
                padded = np.pad(clip, pad)
                framed = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
                np.multiply(framed[:n_frames], window, out=frames[row : row + n_frames])
                row += n_frames
        checkpoint()
        yield counts, frames
        start = stop


STFT_BLOCK_FRAMES = 1024
"""Frames per block of a streamed power spectrogram (about 8 MB of spectrum at n_fft 2048)."""


def streamed_frames(n_samples: int, *, n_fft: int, hop_length: int) -> int:
    """Frames :func:`power_blocks` yields for ``n_samples`` (the signal padded by
    ``n_fft // 2`` at both ends)."""
    return 1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length


def power_blocks(
    audio: np.ndarray, *, n_fft: int, hop_length: int, block_frames: int = STFT_BLOCK_FRAMES
):
    """Yield ``(first_frame, power)`` blocks of the power spectrogram ``|STFT|²`` of one signal.

    This is musicml's one spectrogram framing, the one :func:`_frame_chunks` uses for
    batches of clips too: frames centred on multiples of ``hop_length`` (the signal
    padded with ``n_fft // 2`` zeros at both ends, as librosa's ``center=True``), a
    periodic Hann window, ``1 + len(audio) // hop_length`` frames. The whole
    spectrogram never exists at once: a three-minute song's would take 64 MB complex
    plus 32 MB of power. Each ``power`` has shape ``(n_fft // 2 + 1, frames)``, float32.
    """
    audio = np.asarray(audio, dtype=np.float32)
    padded = np.pad(audio, n_fft // 2)
    window = _window(n_fft)
    n_frames = streamed_frames(audio.size, n_fft=n_fft, hop_length=hop_length)
    for first in range(0, n_frames, block_frames):
        last = min(n_frames, first + block_frames)
        segment = padded[first * hop_length : (last - 1) * hop_length + n_fft]
        framed = np.lib.stride_tricks.sliding_window_view(segment, n_fft)[::hop_length]
        checkpoint()
        yield first, _power(framed * window).T


def projected_power(
    audio: np.ndarray, bases: tuple[np.ndarray, ...], *, n_fft: int, hop_length: int
) -> list[np.ndarray]:
    """``basis @ |STFT|²`` for each basis (mel, chroma…), from one streamed STFT of ``audio``.

    Each basis has shape ``(n_rows, n_fft // 2 + 1)``; returns one ``(n_rows, n_frames)``
    float32 array per basis. Sparse bases (mel filters overlap a few FFT bins each) are
    applied as sparse matrices.
    """
    import scipy.sparse

    n_frames = streamed_frames(len(audio), n_fft=n_fft, hop_length=hop_length)
    outs = [np.empty((basis.shape[0], n_frames), dtype=np.float32) for basis in bases]
    sparse = [np.count_nonzero(b) < 0.25 * b.size for b in bases]
    ops = [
        scipy.sparse.csr_array(b) if is_sparse else np.ascontiguousarray(b.T)
        for b, is_sparse in zip(bases, sparse, strict=True)
    ]
    for first, power in power_blocks(audio, n_fft=n_fft, hop_length=hop_length):
        last = first + power.shape[1]
        for out, op, is_sparse in zip(outs, ops, sparse, strict=True):
            out[:, first:last] = op @ power if is_sparse else (power.T @ op).T
    return outs


def power_spectrogram(audio: np.ndarray, *, n_fft: int, hop_length: int) -> np.ndarray:
    """The whole power spectrogram ``|STFT|²`` of one signal (see :func:`power_blocks`)."""
    blocks = [power for _, power in power_blocks(audio, n_fft=n_fft, hop_length=hop_length)]
    return np.concatenate(blocks, axis=1)


def _power(frames: np.ndarray) -> np.ndarray:
    """|rfft|² of each windowed frame: shape (n_frames, n_fft//2 + 1), float32."""
    spectrum = scipy.fft.rfft(frames, axis=-1, workers=FFT_WORKERS)
    power = np.abs(spectrum)
    return np.square(power, out=power)


def _db(power: np.ndarray) -> np.ndarray:
    """10·log10(max(power, AMIN_POWER)), computed in place (``power`` is consumed)."""
    out = np.maximum(power, AMIN_POWER, out=power)
    np.log10(out, out=out)
    out *= 10.0
    return out


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


# --------------------------------------------------------------------------- display


def mel_spectrogram_db(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    n_mels: int = N_MELS,
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
    n_mels = check_count("n_mels", n_mels)
    _check_common(sr, n_fft, hop_length)
    fmax = _check_fmin_fmax(sr, fmin, fmax)
    audio = np.asarray(audio, dtype=np.float32)
    basis = _mel_basis(sr, n_fft, n_mels, float(fmin), float(fmax)).T
    flat = audio.reshape(-1, audio.shape[-1])
    power = np.stack(
        [projected_power(x, (basis,), n_fft=n_fft, hop_length=hop_length)[0] for x in flat]
    )
    power = power.reshape(*audio.shape[:-1], *power.shape[-2:])
    return _relative_db(power, ref=ref, top_db=top_db)


def _relative_db(power: np.ndarray, *, ref: str | float, top_db: float | None) -> np.ndarray:
    if ref == "max":
        # A silent clip has no peak to be relative to: keep it at the absolute floor.
        peak = power.max(axis=(-2, -1), keepdims=True)
        reference = np.where(peak > AMIN_POWER, peak, 1.0)
    else:
        reference = float(ref)
    db = 10.0 * np.log10(np.maximum(power, AMIN_POWER) / reference)
    if top_db is not None:
        db = np.maximum(db, db.max(axis=(-2, -1), keepdims=True) - top_db)
    return db.astype(np.float32)


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
    if kind not in REPRESENTATION_KINDS:
        raise ParameterError(
            "kind must be one of {representation_kinds}; got {kind!r}.",
            representation_kinds=REPRESENTATION_KINDS,
            kind=kind,
        )
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
        magnitude = _cqt_magnitude(audio[None], sr, hop_length, n_bins, bins_per_octave)[0]
        freqs = librosa.cqt_frequencies(
            n_bins=n_bins, fmin=CQT_FMIN, bins_per_octave=bins_per_octave
        )
        if kind == "cqt":
            values = _relative_db(magnitude**2, ref="max", top_db=top_db)
            labels = tuple(str(n) for n in librosa.hz_to_note(freqs, unicode=False))
            axis, unit = "cqt", "dB"
        else:
            values = librosa.feature.chroma_cqt(C=magnitude, sr=sr, bins_per_octave=bins_per_octave)
            freqs, labels, axis, unit = None, _CHROMA_LABELS, "chroma", ""
    elif kind == "chroma":
        if chroma_source not in CHROMA_SOURCES:
            raise ParameterError(
                "chroma_source must be one of {chroma_sources}; got {chroma_source!r}.",
                chroma_sources=CHROMA_SOURCES,
                chroma_source=chroma_source,
            )
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
    notes = librosa.hz_to_note(np.maximum(freqs, 1e-3), unicode=False)
    return tuple(
        f"{f:.0f} Hz ({n})" if f >= 20 else f"{f:.0f} Hz" for f, n in zip(freqs, notes, strict=True)
    )


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


def _cqt_magnitude(batch, sr, hop_length, n_bins, bins_per_octave) -> np.ndarray:
    n_bins = check_count("n_bins", n_bins)
    bins_per_octave = check_count("bins_per_octave", bins_per_octave, low=12)
    top = CQT_FMIN * 2.0 ** ((n_bins - 1) / bins_per_octave)
    if top >= sr / 2:
        raise ParameterError(
            "the highest constant-Q bin ({top:.0f} Hz) must be below sr/2 ({nyquist:g} Hz); "
            "got n_bins={n_bins} at sr={sr}. Use fewer bins or a higher sample rate.",
            top=top,
            nyquist=sr / 2,
            n_bins=n_bins,
            sr=sr,
        )
    try:
        with warnings.catch_warnings():
            # librosa's CQT frames its deepest (most downsampled) octaves with an
            # n_fft longer than a short clip there and says so; the result is fine.
            warnings.filterwarnings("ignore", message="n_fft=.*too large", category=UserWarning)
            magnitude = librosa.cqt(
                np.asarray(batch, dtype=np.float32),
                sr=sr,
                hop_length=hop_length,
                fmin=CQT_FMIN,
                n_bins=n_bins,
                bins_per_octave=bins_per_octave,
            )
        return np.abs(magnitude).astype(np.float32)
    except librosa.util.exceptions.ParameterError as exc:
        raise ParameterError("constant-Q transform failed: {error}", error=exc) from exc


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
        if self.kind == "gabor" and not _GABOR_AVAILABLE:
            raise ParameterError(
                "kind 'gabor' is unavailable: the module musicml.gabor is not installed. "
                "Choose one of {feature_kinds}.",
                feature_kinds=FEATURE_KINDS,
            )
        if self.kind not in (*FEATURE_KINDS, "gabor"):
            raise ParameterError(
                "kind must be one of {feature_kinds}; got {kind!r}.",
                feature_kinds=FEATURE_KINDS,
                kind=self.kind,
            )
        _check_common(self.sr, self.n_fft, self.hop_length)
        if self.kind in ("mel", "mfcc"):
            check_count("n_mels", self.n_mels)
            _check_fmin_fmax(self.sr, self.fmin, self.fmax)
        if self.kind == "mfcc":
            check_count("n_mfcc", self.n_mfcc)
        if self.kind == "chroma" and self.chroma_source not in CHROMA_SOURCES:
            raise ParameterError(
                "chroma_source must be one of {chroma_sources}; got {chroma_source!r}.",
                chroma_sources=CHROMA_SOURCES,
                chroma_source=self.chroma_source,
            )
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


def cqt_magnitude(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = 512,
    n_bins: int = 84,
    bins_per_octave: int = 12,
) -> np.ndarray:
    """Constant-Q magnitude of one recording from C1, as the features compute it.

    Returns
    -------
    np.ndarray
        Shape ``(n_bins, 1 + n_samples // hop_length)``, float32.
    """
    audio = as_clip_list(np.asarray(audio, dtype=np.float32))[0]
    return _cqt_magnitude(audio, int(sr), int(hop_length), n_bins, bins_per_octave)


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


def _normalise_rows(chroma: np.ndarray) -> np.ndarray:
    """librosa's chroma normalisation: each frame divided by its maximum."""
    peak = chroma.max(axis=-1, keepdims=True)
    tiny = np.finfo(np.float32).tiny
    return chroma / np.where(peak > tiny, peak, 1.0)
