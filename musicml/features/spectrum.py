"""The spectrogram foundation: framing, windows, filter banks, power and dB.

One framing serves every spectrogram musicml computes: :func:`power_blocks`
streams ``|STFT|²`` of one long signal block by block, and :func:`_frame_chunks`
frames a batch of clips the same way, stacked into one matrix so one real FFT
transforms them all; the mel (or chroma) filter bank is then one matrix product.
Display (:mod:`musicml.features.display`), the feature sets
(:mod:`musicml.features.extractor`) and the MIR analysis build on these.
Work is done in chunks of at most ``MAX_FRAMES_PER_CHUNK`` frames so memory
stays bounded.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import librosa
import numpy as np
import scipy.fft
import scipy.signal

from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.pitch import frequency_to_midi, midi_to_note, note_frequency
from musicml.resources import checkpoint
from musicml.validation import check_count, check_sr

CHROMA_SOURCES = ("stft", "cqt")

CQT_FMIN = note_frequency("C1")
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


# --------------------------------------------------------------------------- mel and dB


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


# --------------------------------------------------------------------------- constant-Q


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


def cqt_db(
    audio: np.ndarray,
    *,
    sr: int = DEFAULT_SR,
    hop_length: int = 512,
    n_bins: int = 84,
    bins_per_octave: int = 12,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Constant-Q magnitude in dB relative to its peak: one row per bin from C1.

    The picture the display and the Music analysis page draw, from the same
    :func:`cqt_magnitude` the features use, with the same floor as every other
    dB of musicml (:data:`AMIN_POWER`; a silent recording stays at -100 dB).

    Parameters
    ----------
    audio : np.ndarray
        Shape ``(n_samples,)``.
    top_db : float or None, default 80
        Floor of the dB range below the peak.

    Returns
    -------
    np.ndarray
        Shape ``(n_bins, 1 + n_samples // hop_length)``, float32; rows named by
        :func:`cqt_note_names`.

    Examples
    --------
    >>> from musicml import synth
    >>> cqt_db(synth.tone(440.0), sr=22050).shape
    (84, 44)
    """
    magnitude = cqt_magnitude(
        audio, sr=sr, hop_length=hop_length, n_bins=n_bins, bins_per_octave=bins_per_octave
    )
    return _relative_db(magnitude**2, ref="max", top_db=top_db)


def cqt_note_names(*, n_bins: int = 84, bins_per_octave: int = 12) -> list[str]:
    """Note names of the constant-Q rows from C1, e.g. ``["C1", "C#1", …]`` (nearest note
    when there are more bins than semitones)."""
    n_bins = check_count("n_bins", n_bins)
    bins_per_octave = check_count("bins_per_octave", bins_per_octave, low=12)
    midi = frequency_to_midi(CQT_FMIN) + np.arange(n_bins) * 12.0 / bins_per_octave
    return [midi_to_note(m) for m in midi]


def chroma_from_cqt(cqt_db_values: np.ndarray, *, bins_per_octave: int = 12) -> np.ndarray:
    """Chroma ``(12, n_frames)`` folded from :func:`cqt_db` rows (from C), as the features'
    CQT chroma folds the magnitude (each frame divided by its maximum)."""
    magnitude = librosa.db_to_amplitude(np.asarray(cqt_db_values, dtype=np.float32))
    chroma = librosa.feature.chroma_cqt(C=magnitude, bins_per_octave=bins_per_octave)
    return chroma.astype(np.float32)


def _normalise_rows(chroma: np.ndarray) -> np.ndarray:
    """librosa's chroma normalisation: each frame divided by its maximum."""
    peak = chroma.max(axis=-1, keepdims=True)
    tiny = np.finfo(np.float32).tiny
    return chroma / np.where(peak > tiny, peak, 1.0)
