"""Audio features, batched over many clips.

Names used across the app and the command line: ``mel``, ``stft``, ``cqt``,
``chroma``, ``mfcc``, ``fft`` and ``gabor`` (:mod:`musicml.gabor`).

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

The modules:

- :mod:`musicml.features.spectrum`: the one framing, windows, filter banks, power,
  dB, the mel spectrogram and the constant-Q (magnitude, dB, note names, chroma);
- :mod:`musicml.features.display`: :func:`representation` and :func:`window_spectrum`;
- :mod:`musicml.features.extractor`: :class:`FeatureExtractor` and :func:`window_stats`.

Everything public imports from ``musicml.features``.
"""

from musicml.features.display import (
    REPRESENTATION_KINDS,
    Representation,
    representation,
    window_spectrum,
)
from musicml.features.extractor import FEATURE_KINDS, STATS, FeatureExtractor, window_stats
from musicml.features.spectrum import (
    AMIN_POWER,
    CHROMA_SOURCES,
    CQT_FMIN,
    FFT_WORKERS,
    MAX_FRAMES_PER_CHUNK,
    N_MELS,
    STFT_BLOCK_FRAMES,
    as_clip_list,
    chroma_from_cqt,
    cqt_db,
    cqt_magnitude,
    cqt_note_names,
    mel_spectrogram_db,
    power_blocks,
    power_spectrogram,
    projected_power,
    streamed_frames,
)

__all__ = [
    "AMIN_POWER",
    "CHROMA_SOURCES",
    "CQT_FMIN",
    "FEATURE_KINDS",
    "FFT_WORKERS",
    "MAX_FRAMES_PER_CHUNK",
    "N_MELS",
    "REPRESENTATION_KINDS",
    "STATS",
    "STFT_BLOCK_FRAMES",
    "FeatureExtractor",
    "Representation",
    "as_clip_list",
    "chroma_from_cqt",
    "cqt_db",
    "cqt_magnitude",
    "cqt_note_names",
    "mel_spectrogram_db",
    "power_blocks",
    "power_spectrogram",
    "projected_power",
    "representation",
    "streamed_frames",
    "window_spectrum",
    "window_stats",
]
