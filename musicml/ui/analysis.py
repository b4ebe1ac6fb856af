"""Cached glue for the Music analysis and Signal lab pages.

Heavy results are cached per clip: callers pass a content digest (small and
hashable) as the key and the waveform as an underscore argument, which
Streamlit does not hash again on every rerun.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from musicml import analysis
from musicml.audio import DEFAULT_SR, Clip
from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.resources import HEAVY_WORK
from musicml.ui.cache import digest as content_digest
from musicml.ui.cache import play, song_cache, wav_download
from musicml.ui.language import spinner
from musicml.ui.sound import timbre_name

if TYPE_CHECKING:
    from musicml.gabor import GaborBank
    from musicml.signals import LowpassEdge

EXCERPT_SECONDS = 15.0
"""Separation, stretching, shifting, NMF and CQT work on an excerpt this long."""


def digest(clip: Clip) -> str:
    """The content key of a clip's samples and rate (see :func:`musicml.ui.cache.digest`)."""
    return content_digest(clip.audio, clip.sr)


@st.cache_data(max_entries=8, show_spinner=False)
def _example_clip(bpm: float, duration: float, sr: int) -> Clip:
    return analysis.example_song(bpm=bpm, duration=duration, sr=sr)


def example_clip(bpm: float, duration: float = 8.0, sr: int = DEFAULT_SR) -> Clip:
    """The synthetic drums-and-melody example at ``bpm``, named in the session's language."""
    clip = _example_clip(bpm, duration, sr)
    name = _("Example: drums and melody at {bpm:g} BPM").format(bpm=bpm)
    return Clip(clip.audio, clip.sr, name)


@st.cache_data(max_entries=8, show_spinner=False)
def melody_clip(bpm: float, timbre: str, seed: int, sr: int = DEFAULT_SR) -> Clip:
    """A seeded random C-major melody from the synthesizer, one note per beat."""
    from musicml import synth

    notes = [f"{pc}{octave}" for octave in (4, 5) for pc in synth.NATURAL_PITCH_CLASSES]
    audio, names = synth.random_melody(
        notes, n_notes=16, note_seconds=60.0 / bpm, sr=sr, timbre=timbre, seed=seed
    )
    return Clip(audio, sr, f"{timbre} melody at {bpm:g} BPM: {' '.join(names[:4])} …")


def key_label(name: str) -> str:
    """A key's name ("A minor") in the session's language; the tonic stays a note name."""
    tonic, _space, mode = name.partition(" ")
    if mode == "major":
        return _("{tonic} major").format(tonic=tonic)
    if mode == "minor":
        return _("{tonic} minor").format(tonic=tonic)
    return name


def melody_source(key: str, *, sr: int = DEFAULT_SR) -> Clip:
    """Synthesizer controls (tempo, timbre, seed) and the melody they make."""
    from musicml import synth

    timbres = list(synth.TIMBRES)
    cols = st.columns(3)
    bpm = cols[0].slider(_("Tempo (BPM)"), 60, 180, 100, step=2, key=f"{key}.bpm")
    timbre = cols[1].selectbox(
        _("Timbre"),
        timbres,
        index=timbres.index("piano") if "piano" in timbres else 0,
        format_func=timbre_name,
        key=f"{key}.timbre",
    )
    seed = cols[2].number_input(_("Seed"), 0, 9999, 0, key=f"{key}.seed")
    clip = melody_clip(float(bpm), timbre, int(seed), sr)
    # The cached clip's name is English; the shown name is made here, in the session's language.
    notes = clip.name.split(": ", 1)[-1]
    name = _("{timbre} melody at {bpm:g} BPM: {notes}").format(
        timbre=timbre_name(timbre), bpm=float(bpm), notes=notes
    )
    return Clip(clip.audio, clip.sr, name)


@spinner(N_("Finding onsets, beats and key…"))
@song_cache()
@HEAVY_WORK
def analysis_of(key: str, sr: int, _audio: np.ndarray) -> analysis.Analysis:
    return analysis.analyze(_audio, sr=sr)


@song_cache()
@HEAVY_WORK
def clicks_of(key: str, sr: int, on: str, _audio: np.ndarray, _times: np.ndarray) -> np.ndarray:
    """The music with a click at each of ``_times`` (keyed by content, never re-hashed)."""
    return analysis.click_track(_audio, _times, sr=sr)


@song_cache(max_entries=8)
def beat_sync_of(key: str, sr: int, _result: analysis.Analysis) -> analysis.BeatSync:
    return analysis.beat_sync_features(_result)


@song_cache(max_entries=8)
def excerpt_of(key: str, sr: int, start: float, _audio: np.ndarray) -> np.ndarray:
    return analysis.excerpt(_audio, sr=sr, start=start, duration=EXCERPT_SECONDS)


@spinner(N_("Separating harmonic and percussive parts…"))
@song_cache()
@HEAVY_WORK
def hpss_of(key: str, sr: int, margin: float, _audio: np.ndarray) -> dict[str, np.ndarray]:
    harmonic, percussive = analysis.harmonic_percussive(_audio, margin=margin)
    return {
        "harmonic": harmonic,
        "percussive": percussive,
        "harmonic_db": analysis.mel_db(harmonic, sr=sr),
        "percussive_db": analysis.mel_db(percussive, sr=sr),
    }


@spinner(N_("Stretching…"))
@song_cache(max_entries=12)
def stretched_of(key: str, rate: float, _audio: np.ndarray) -> np.ndarray:
    return analysis.time_stretch(_audio, rate=rate)


@spinner(N_("Shifting…"))
@song_cache(max_entries=12)
def shifted_of(key: str, sr: int, n_steps: float, _audio: np.ndarray) -> np.ndarray:
    return analysis.pitch_shift(_audio, sr=sr, n_steps=n_steps)


@spinner(N_("Factorising the spectrogram…"))
@song_cache()
@HEAVY_WORK
def nmf_of(key: str, sr: int, n_components: int, _audio: np.ndarray) -> dict:
    decomposition = analysis.nmf_decompose(_audio, sr=sr, n_components=n_components, seed=0)
    return {
        "decomposition": decomposition,
        "error": analysis.nmf_error(decomposition),
        "parts": [
            analysis.nmf_resynthesize(decomposition, components=[i]) for i in range(n_components)
        ],
        "times": np.arange(decomposition.activations.shape[1])
        * decomposition.hop_length
        / decomposition.sr,
    }


@song_cache(max_entries=12)
def nmf_mix_of(key: str, n_components: int, chosen: tuple[int, ...], _nmf: dict) -> np.ndarray:
    return analysis.nmf_resynthesize(_nmf["decomposition"], components=list(chosen))


@spinner(N_("Computing the constant-Q transform…"))
@song_cache()
@HEAVY_WORK
def cqt_of(key: str, sr: int, _audio: np.ndarray) -> dict:
    db = analysis.cqt_db(_audio, sr=sr)
    return {
        "db": db,
        "chroma": analysis.chroma_from_cqt(db),
        "notes": analysis.cqt_note_names(),
        "times": np.arange(db.shape[1]) * analysis.HOP_LENGTH / sr,
    }


def summary_json(result: analysis.Analysis, name: str) -> bytes:
    """The command line's JSON object for this clip, as bytes for a download."""
    return json.dumps({"file": name, **analysis.summary(result)}, indent=2).encode()


# --------------------------------------------------------------------------- signal lab
# ``musicml.signals`` and ``musicml.gabor`` import scipy.signal and scipy.fft (about a
# second): imported where used, so
# that page_setup's warm-up start stays instant on every page.


@st.cache_data(max_entries=32, show_spinner=False)
def smoothing_of(period: float, noise: float, sigma: float, seed: int = 0) -> dict:
    from musicml import signals

    noisy = signals.noisy_periodic_signal(n_samples=1000, period=period, noise=noise, seed=seed)
    kernel = signals.gaussian_kernel(sigma)
    check = signals.convolution_theorem(noisy, kernel)
    return {
        "noisy": noisy,
        "smoothed": signals.gaussian_smooth(noisy, sigma=sigma),
        "check": check,
    }


@st.cache_data(max_entries=32, show_spinner=False)
def period_of(period: float, noise: float, n_samples: int, seed: int = 0) -> dict:
    from musicml import signals

    noisy = signals.noisy_periodic_signal(
        n_samples=n_samples, period=period, noise=noise, seed=seed
    )
    frequencies, power = signals.power_spectrum(noisy)
    return {
        "signal": noisy,
        "frequencies": frequencies,
        "power": power,
        "period": signals.dominant_period(noisy),
    }


@st.cache_data(max_entries=32, show_spinner=False)
def fir_of(cutoff: float, n_taps: int, sr: int = DEFAULT_SR, seed: int = 0) -> dict:
    from musicml import signals

    taps = signals.fir_lowpass(cutoff, sr=sr, n_taps=n_taps)
    noise = signals.white_noise(duration=2.0, sr=sr, seed=seed)
    filtered = signals.apply_fir(noise, taps)
    frequencies, gain_db = signals.frequency_response(taps, sr=sr)
    spectrum_f, before = signals.power_spectrum(noise, sr=sr)
    _, after = signals.power_spectrum(filtered, sr=sr)
    return {
        "sr": sr,
        "taps": taps,
        "noise": noise,
        "filtered": filtered,
        "frequencies": frequencies,
        "gain_db": gain_db,
        "spectrum_frequencies": spectrum_f,
        "before": before,
        "after": after,
        "edge": signals.lowpass_edge(taps, cutoff, sr=sr),
    }


def fir_label(edge: LowpassEdge) -> str:
    """What the filtered noise really is: the cut-off when it is sharp, the measured edge if not."""
    half = f"{edge.half_power:,.0f} Hz" if edge.half_power is not None else _("nowhere")
    if edge.sharp:
        return _("Low-passed at {cutoff:,.0f} Hz (half power, −3 dB, at {half})").format(
            cutoff=edge.cutoff, half=half
        )
    stop = f"{edge.stop:,.0f} Hz" if edge.stop is not None else _("nowhere below sr/2")
    return _("Gently low-passed: −3 dB at {half}, −20 dB at {stop}").format(half=half, stop=stop)


def fir_shortfall(edge: LowpassEdge, *, max_taps: int) -> str:
    """Why a low-pass misses its cut-off and how many taps would reach it ("" when sharp).

    ``max_taps`` is the most the page's slider offers.
    """
    if edge.sharp:
        return ""
    if edge.stop is not None:
        text = _(
            "With {n_taps} taps this filter only falls by 20 dB at {stop:,.0f} Hz, far above "
            "the {cutoff:,.0f} Hz cut-off: a Hamming-windowed sinc needs about "
            "3.3 · sr / taps = {transition:,.0f} Hz to go from pass to stop."
        )
    else:
        text = _(
            "With {n_taps} taps this filter never falls by 20 dB at all, far above the "
            "{cutoff:,.0f} Hz cut-off: a Hamming-windowed sinc needs about "
            "3.3 · sr / taps = {transition:,.0f} Hz to go from pass to stop."
        )
    text = text.format(
        n_taps=edge.n_taps, stop=edge.stop or 0.0, cutoff=edge.cutoff, transition=edge.transition
    )
    if edge.taps_needed is not None and edge.taps_needed <= max_taps:
        more = _("Use at least {taps_needed} taps for a sharp {cutoff:,.0f} Hz cut-off.")
    else:
        more = _(
            "A sharp {cutoff:,.0f} Hz cut-off needs more taps than this slider offers "
            "({max_taps}); choose a higher cut-off."
        )
    return (
        text
        + " "
        + more.format(taps_needed=edge.taps_needed, cutoff=edge.cutoff, max_taps=max_taps)
    )


def taps_csv(taps: np.ndarray) -> bytes:
    return ("tap,coefficient\n" + "".join(f"{i},{c:.10g}\n" for i, c in enumerate(taps))).encode()


@st.cache_data(max_entries=32, show_spinner=False)
def gabor_kernel_of(sigma_ms: float, frequency: float, sr: int = DEFAULT_SR) -> np.ndarray:
    from musicml import gabor

    return gabor.gabor_kernel(sigma_ms / 1000.0, frequency, sr=sr)


@st.cache_data(max_entries=4, show_spinner=False)
def gabor_bank_of(sr: int = DEFAULT_SR) -> GaborBank:
    from musicml import gabor

    return gabor.gabor_bank(sr=sr)


@spinner(N_("Filtering with the Gabor bank…"))
@song_cache(max_entries=8)
def gabor_features_of(key: str, sr: int, _audio: np.ndarray) -> dict:
    from musicml import gabor

    clip = analysis.excerpt(_audio, sr=sr, duration=5.0)
    return {
        "features": gabor.gabor_feature_vectors(clip[None, :], sr=sr)[0],
        "names": gabor.gabor_feature_names(),
    }


def features_csv(names: list[str], values: np.ndarray) -> bytes:
    buffer = io.StringIO()
    buffer.write("feature,value\n")
    for name, value in zip(names, values, strict=True):
        buffer.write(f'"{name}",{float(value):.8g}\n')
    return buffer.getvalue().encode()


def play_with_download(
    audio: np.ndarray,
    sr: int,
    *,
    label: str,
    file_name: str,
    key: str,
    caption: str | None = None,
    alt: str | None = None,
) -> None:
    """A player for ``audio`` (``alt``: what it plays), an optional caption, a WAV download."""
    play(audio, sr, alt=alt or label)
    if caption is not None:
        st.caption(caption)
    st.download_button(
        label,
        wav_download(audio, sr),
        file_name=file_name,
        mime="audio/wav",
        icon=":material/download:",
        key=key,
    )
