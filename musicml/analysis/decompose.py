"""NMF of a spectrogram: templates and activations, and the audio of chosen templates.

The constant-Q picture with a note axis is :func:`musicml.features.cqt_db`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from musicml.analysis._common import HOP_LENGTH, N_FFT, _check_audio
from musicml.analysis.runtime import librosa
from musicml.audio import DEFAULT_SR
from musicml.errors import ParameterError
from musicml.validation import check_sr


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
    # The complex STFT, not the power of features.spectrum's framing: resynthesis needs
    # its phase, and librosa.istft inverts exactly librosa.stft's frames.
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
