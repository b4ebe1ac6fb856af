"""Decompositions of a spectrogram: constant-Q with a note axis, and NMF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from musicml.analysis._common import HOP_LENGTH, N_FFT, _check_audio
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_sr


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
            "the top CQT bin ({top:.0f} Hz) must be below sr/2 ({nyquist:g} Hz); "
            "use fewer bins or a higher sample rate.",
            top=top,
            nyquist=sr / 2,
        )
    magnitude = np.abs(
        librosa.cqt(
            audio,
            sr=check_sr(sr),
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
        raise ParameterError(
            "n_components must be between 1 and 32; got {n_components!r}.",
            n_components=n_components,
        )
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
        sr=check_sr(sr),
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
            "components must be indices between 0 and {highest}; got {components!r}.",
            highest=k - 1,
            components=components,
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
