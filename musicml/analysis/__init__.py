"""Music analysis: onsets, tempo and beats, key, separation, stretching and NMF.

The one-pass route :func:`analyze` computes the mel spectrogram, MFCC, chroma,
onsets, tempo and beats of a piece from ONE short-time Fourier transform, so a
three-minute song takes well under a second once the process is warm.

Beat tracking is Ellis' dynamic programme (2007) as in ``librosa.beat``, ported
to vectorised numpy (:func:`track_beats`). ``librosa.beat`` compiles its numba
kernels when it is first imported (one of them with ``cache=False``, so no
on-disk cache can save it): about 3 s in every fresh process and about 14 s in a
fresh install. The numpy port gives the same beats without that compile. The
remaining numba kernels librosa compiles on import are cached on disk (see
:func:`configure_numba_cache`), and :func:`warm_up` pays the import costs once
per server process, in the background.

The package's modules, one domain each: :mod:`~musicml.analysis.runtime` (numba cache,
warm-up), :mod:`~musicml.analysis.onsets`, :mod:`~musicml.analysis.beats`,
:mod:`~musicml.analysis.key`, :mod:`~musicml.analysis.onepass` (:func:`analyze`, beat-sync,
views), :mod:`~musicml.analysis.effects` (HPSS, stretch, shift) and
:mod:`~musicml.analysis.decompose` (NMF). Everything is also importable from
``musicml.analysis`` itself, and so is the constant-Q picture with a note axis
(:func:`cqt_db`, :func:`cqt_note_names`, :func:`chroma_from_cqt`), whose one home is
:mod:`musicml.features.spectrum`.
"""

from musicml.analysis._common import HOP_LENGTH, N_FFT
from musicml.analysis.beats import (
    TEMPOGRAM_COLUMNS,
    beat_times,
    click_track,
    estimate_tempo,
    refine_tempo,
    track_beats,
)
from musicml.analysis.decompose import (
    Decomposition,
    nmf_decompose,
    nmf_error,
    nmf_reconstruction,
    nmf_resynthesize,
)
from musicml.analysis.effects import harmonic_percussive, pitch_shift, time_stretch
from musicml.analysis.key import (
    KEY_NAMES,
    MAJOR_PROFILE,
    MINOR_PROFILE,
    Key,
    estimate_key,
    key_profiles,
    strongest_pitch_class,
)
from musicml.analysis.onepass import (
    Analysis,
    BeatSync,
    analyze,
    beat_sync_features,
    excerpt,
    mel_db,
    summary,
)
from musicml.analysis.onsets import (
    START_LEVEL_DB,
    note_change_times,
    onset_strength,
    onset_times,
    with_start_onset,
)
from musicml.analysis.runtime import (  # first: librosa must find numba's cache
    configure_numba_cache,
    start_warm_up,
    warm_up,
)
from musicml.examples import example_song
from musicml.features.spectrum import chroma_from_cqt, cqt_db, cqt_note_names
from musicml.pitch import PITCH_CLASSES

__all__ = [
    "HOP_LENGTH",
    "KEY_NAMES",
    "MAJOR_PROFILE",
    "MINOR_PROFILE",
    "N_FFT",
    "PITCH_CLASSES",
    "START_LEVEL_DB",
    "TEMPOGRAM_COLUMNS",
    "Analysis",
    "BeatSync",
    "Decomposition",
    "Key",
    "analyze",
    "beat_sync_features",
    "beat_times",
    "chroma_from_cqt",
    "click_track",
    "configure_numba_cache",
    "cqt_db",
    "cqt_note_names",
    "estimate_key",
    "estimate_tempo",
    "example_song",
    "excerpt",
    "harmonic_percussive",
    "key_profiles",
    "mel_db",
    "nmf_decompose",
    "nmf_error",
    "nmf_reconstruction",
    "nmf_resynthesize",
    "note_change_times",
    "onset_strength",
    "onset_times",
    "pitch_shift",
    "refine_tempo",
    "start_warm_up",
    "strongest_pitch_class",
    "summary",
    "time_stretch",
    "track_beats",
    "warm_up",
    "with_start_onset",
]
