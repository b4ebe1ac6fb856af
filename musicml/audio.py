"""Loading, validating and writing audio.

Every road into musicml (an upload's bytes, a file path, a microphone
recording) goes through :func:`load_audio`: decode with soundfile, mix to mono,
resample to the analysis rate, float32, and refuse what is not usable audio.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf
import soxr

from musicml import validation as _validation
from musicml.errors import AudioDecodeError, ParameterError, Phrase

DEFAULT_SR = 22050
"""The analysis sample rate (librosa's default)."""

MAX_SECONDS = 600.0
"""Default cap on the duration of one loaded file, in seconds."""

MIN_SECONDS = 0.05
"""Default shortest audio accepted, in seconds: below it no spectrogram frame, onset
or label would mean anything."""

MAX_INVALID_SHARE = 0.01
"""Files with more than this share of NaN or infinite samples are refused as damaged;
fewer are repaired by setting those samples to zero."""

MAX_SAMPLE_RATE = _validation.MAX_SAMPLE_RATE
"""Highest sample rate accepted (studio masters), of a file or asked for. Refusing higher
rates before decoding keeps the memory of the longest accepted file bounded, whatever its
header claims."""

MAX_DURATION_SECONDS = _validation.MAX_AUDIO_SECONDS
"""Largest ``max_seconds`` or ``duration`` :func:`load_audio` takes (a day): a bigger
number could not size any read, and 1e308 seconds would overflow ``int(seconds * sr)``."""

_BLOCK_SAMPLES = 1 << 22
"""Samples (frames × channels) decoded per read: about 16 MB of float32."""

_UNKNOWN_FRAMES = 2**62
"""libsndfile reports about 2**63 frames when a stream does not declare its length."""

AUDIO_EXTENSIONS = ("wav", "mp3", "flac", "ogg")
"""File types the app accepts for songs and recordings."""

SAMPLE_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)

AudioSource = bytes | bytearray | str | Path | BinaryIO


@dataclass(frozen=True, eq=False)
class Clip:
    """A mono float32 waveform with its sample rate and a display name."""

    audio: np.ndarray
    sr: int
    name: str = ""
    source_sr: int | None = None
    """The file's own sample rate, for a clip decoded by :func:`load_audio`."""

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.audio.shape[-1] / self.sr


def _read_source(source: AudioSource) -> tuple[io.BytesIO | str, str]:
    """Return something soundfile can open and a name for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), Phrase("the upload")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            raise AudioDecodeError("'{path}' is a folder, not an audio file.", path=path)
        if not path.is_file():
            raise AudioDecodeError("No audio file at '{path}'.", path=path)
        return str(path), path.name
    if hasattr(source, "getvalue"):  # Streamlit's UploadedFile, BytesIO
        return io.BytesIO(source.getvalue()), getattr(source, "name", Phrase("the upload"))
    if hasattr(source, "read"):
        return io.BytesIO(source.read()), getattr(source, "name", Phrase("the upload"))
    raise ParameterError(
        "source must be bytes, a path or a file-like object; got {type_name}.",
        type_name=type(source).__name__,
    )


def load_audio(
    source: AudioSource,
    *,
    sr: int | None = DEFAULT_SR,
    max_seconds: float | None = MAX_SECONDS,
    min_seconds: float = MIN_SECONDS,
    name: str | None = None,
    duration: float | None = None,
) -> Clip:
    """Decode audio into a mono float32 :class:`Clip`.

    Parameters
    ----------
    source : bytes, str, Path or file-like
        Encoded audio (WAV, FLAC, OGG, MP3) or a path to it.
    sr : int or None, default 22050
        Target sample rate, from 1,000 to 192,000 Hz (the rule of every ``sr``,
        :func:`musicml.validation.check_sr`); ``None`` keeps the file's own rate,
        whatever it is up to :data:`MAX_SAMPLE_RATE`.
    max_seconds : float or None, default 600
        Longer audio is refused; ``None`` accepts any length.
    min_seconds : float, default 0.05
        Shorter audio is refused.
    name : str, optional
        Display name; defaults to the file name.
    duration : float or None, default None
        Read only the first ``duration`` seconds (as ``librosa.load``): the
        rest is never decoded, and a longer file is not refused.

    Returns
    -------
    Clip
        ``audio`` has shape ``(n_samples,)`` and dtype float32.

    Raises
    ------
    AudioDecodeError
        If the data is not audio, is empty, too short or too long, or is
        damaged (more than 1 % of its samples are NaN or infinite).
    """
    if sr is not None:
        sr = _validation.check_sr(sr)
    if duration is not None:
        _validation.check_seconds("duration", duration, maximum=MAX_DURATION_SECONDS)
    if max_seconds is not None:
        _validation.check_seconds("max_seconds", max_seconds, maximum=MAX_DURATION_SECONDS)
    handle, default_name = _read_source(source)
    label = name or default_name
    try:
        with sf.SoundFile(handle) as f:
            file_sr = f.samplerate
            if file_sr > MAX_SAMPLE_RATE:
                raise AudioDecodeError(
                    "{label} is sampled at {file_sr:,} Hz; musicml reads audio sampled at up "
                    "to {max_sample_rate:,} Hz. Please export it at 44,100 or 48,000 Hz.",
                    label=label,
                    file_sr=file_sr,
                    max_sample_rate=MAX_SAMPLE_RATE,
                )
            limit = None if max_seconds is None else int(max_seconds * file_sr)
            stop = None if duration is None else max(1, round(duration * file_sr))
            if stop is not None and (limit is None or stop <= limit):
                limit = None  # only the first `duration` seconds are read: within the cap
            if limit is not None and limit < f.frames < _UNKNOWN_FRAMES:
                audio, n_read, invalid = None, f.frames, 0  # too long: refused undecoded
            else:
                audio, n_read, invalid = _read_mono(f, limit, sr, stop=stop)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, EOFError) as exc:
        raise AudioDecodeError(
            "{label} could not be read as audio. Please use a WAV, MP3, FLAC or OGG file.",
            label=label,
        ) from exc
    if audio is None:
        raise AudioDecodeError(
            "{label} is longer than the limit of {max_seconds:g} seconds. "
            "Please trim it or use a shorter file.",
            label=label,
            max_seconds=max_seconds,
        )
    if n_read == 0:
        raise AudioDecodeError("{label} contains no sound (it is empty).", label=label)
    if invalid > MAX_INVALID_SHARE * n_read:
        raise AudioDecodeError(
            "{label} looks damaged: {share:.0%} of its samples are not valid "
            "numbers. Please export it again or use another file.",
            label=label,
            share=invalid / n_read,
        )
    if n_read < int(min_seconds * file_sr):
        raise AudioDecodeError(
            "{label} is only {length_ms:.0f} ms long; musicml needs at "
            "least {min_ms:.0f} ms of audio.",
            label=label,
            length_ms=n_read / file_sr * 1000,
            min_ms=min_seconds * 1000,
        )
    return Clip(audio=audio, sr=int(sr or file_sr), name=label, source_sr=int(file_sr))


def _read_mono(
    f: sf.SoundFile, limit: int | None, sr: int | None, *, stop: int | None = None
) -> tuple[np.ndarray | None, int, int]:
    """Decode ``f`` block by block into one clean mono float32 array at ``sr``.

    Each block is mixed down, cleaned and resampled at once (soxr's stream
    gives the same samples as resampling the whole file), so peak memory stays
    near the size of the result at ``sr``, not of the multichannel file at its
    own rate. Returns ``None`` as soon as more than ``limit`` frames arrive (a
    hostile header cannot make us decode an unbounded stream, nor more than
    one frame past the limit), the number of frames read, and the number of
    mono samples that were NaN or infinite (set to zero). Reading ends after
    ``stop`` frames, when given.
    """
    block = max(4096, _BLOCK_SAMPLES // max(1, f.channels))
    stream = None
    if sr is not None and sr != f.samplerate:
        stream = soxr.ResampleStream(f.samplerate, sr, 1, dtype="float32")
    # At the file's own rate, blocks go straight into one array of the declared
    # length (at most ``limit``: longer files were refused unread), not into a
    # list joined at the end, which would hold the audio twice.
    bounded = limit is not None or stop is not None
    declared = stream is None and bounded and f.frames < _UNKNOWN_FRAMES
    out = np.empty(min(f.frames, stop or f.frames) if declared else 0, dtype=np.float32)
    parts, total, filled, invalid = [], 0, 0, 0
    while stop is None or total < stop:
        # Never ask for more than one frame past the limit: reaching it is enough.
        frames = block if limit is None else min(block, limit + 1 - total)
        if stop is not None:
            frames = min(frames, stop - total)
        data = f.read(frames=frames, dtype="float32", always_2d=True)
        if not len(data):
            break
        mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0].copy()
        finite = np.isfinite(mono)
        if not finite.all():
            invalid += len(mono) - int(np.count_nonzero(finite))
            mono[~finite] = 0.0
        np.clip(mono, -1.0, 1.0, out=mono)
        total += len(mono)
        if limit is not None and total > limit:
            return None, total, invalid
        if stream is not None:
            parts.append(stream.resample_chunk(mono))
        elif not parts and filled + len(mono) <= len(out):
            out[filled : filled + len(mono)] = mono
            filled += len(mono)
        else:  # more than the header declared
            parts.append(mono)
    if stream is not None:
        parts.append(stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
    head = out[:filled] if filled == len(out) else out[:filled].copy()
    audio = np.concatenate([head, *parts]) if parts else head
    return audio.astype(np.float32, copy=False), total, invalid


def resample(audio: np.ndarray, orig_sr: int, sr: int) -> np.ndarray:
    """Resample along the last axis with soxr (high quality); float32 out."""
    if orig_sr == sr:
        return np.asarray(audio, dtype=np.float32)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        return soxr.resample(audio, orig_sr, sr).astype(np.float32, copy=False)
    # soxr treats columns as channels: resample all rows in one call.
    out = soxr.resample(audio.reshape(-1, audio.shape[-1]).T, orig_sr, sr)
    return out.T.reshape(*audio.shape[:-1], -1).astype(np.float32, copy=False)


def wav_bytes(audio: np.ndarray, sr: int, *, subtype: str = "PCM_16") -> bytes:
    """Encode a mono or (channels, samples) waveform as WAV bytes."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 2:
        audio = audio.T
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), sr, format="WAV", subtype=subtype)
    return buffer.getvalue()


PLAYER_WAV_SECONDS = 20.0
"""Players of audio up to this long get WAV (instant, universal); longer audio is sent as
OGG/Vorbis, about a tenth of the bytes (a 3-minute song: 0.9 MB instead of 8 MB)."""

_ENCODE_BLOCK = 1 << 16
"""Samples written per call when encoding: libsndfile 1.2.2 crashes the process when
asked to encode minutes of OGG/Vorbis in one call, and is fine block by block."""


def ogg_bytes(audio: np.ndarray, sr: int, *, quality: float = 0.6) -> bytes:
    """Encode a mono waveform as OGG/Vorbis bytes (``quality`` 0 = best … 1 = smallest).

    Written block by block (see :data:`_ENCODE_BLOCK`), so any length is safe.
    """
    audio = np.clip(np.asarray(audio, dtype=np.float32).reshape(-1), -1.0, 1.0)
    if not 0.0 <= quality <= 1.0:
        raise ParameterError("quality must be between 0 and 1; got {quality!r}.", quality=quality)
    buffer = io.BytesIO()
    with sf.SoundFile(
        buffer, "w", int(sr), 1, format="OGG", subtype="VORBIS", compression_level=quality
    ) as f:
        for start in range(0, len(audio), _ENCODE_BLOCK):
            f.write(audio[start : start + _ENCODE_BLOCK])
    return buffer.getvalue()


def player_bytes(audio: np.ndarray, sr: int) -> tuple[bytes, str]:
    """Bytes and MIME type for a browser player: WAV when short, OGG/Vorbis when long.

    Returns
    -------
    data, mime : bytes, str
        ``"audio/wav"`` up to :data:`PLAYER_WAV_SECONDS`, else ``"audio/ogg"``.
    """
    audio = np.asarray(audio, dtype=np.float32)
    if audio.shape[-1] <= PLAYER_WAV_SECONDS * sr:
        return wav_bytes(audio, sr), "audio/wav"
    return ogg_bytes(audio, sr), "audio/ogg"


def write_wav(path: str | Path, audio: np.ndarray, sr: int) -> Path:
    """Write a waveform as a 16-bit WAV file and return its path."""
    path = Path(path)
    path.write_bytes(wav_bytes(audio, sr))
    return path
