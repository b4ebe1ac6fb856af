"""Music analysis: onsets, beats, tempo, key, separation, stretching and NMF."""

import streamlit as st

from musicml.ui.layout import page_setup

page_setup(
    "Music analysis",
    ":material/music_note:",
    "An **onset** is the moment a note starts: the energy in some frequencies jumps. Beats are "
    "the regular pulse you tap your foot to; the **tempo** counts them per minute (BPM). Below, "
    "listen with clicks on the beats, split the sound into parts, change its speed and pitch, "
    "and look at its harmony beat by beat.",
)

from musicml.ui.share import share_view  # after the title: it imports the core

share_view("music_analysis")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml.analysis import KEY_NAMES, PITCH_CLASSES, strongest_pitch_class
from musicml.figures.analysis import (
    beats_figure,
    feature_figure,
    key_figure,
    mfcc_figure,
    nmf_activations_figure,
    nmf_components_figure,
)
from musicml.figures.signal import spectrogram_figure
from musicml.ui import analysis as glue
from musicml.ui.cache import play, wav_download
from musicml.ui.layout import friendly_errors
from musicml.ui.state import session_datasets
from musicml.ui.widgets import audio_picker

EXAMPLES = {
    "Example: drums and melody, 120 BPM": lambda: glue.example_clip(120.0),
    "Example: slower groove, 96 BPM": lambda: glue.example_clip(96.0),
    "Synthesizer: melody": lambda: glue.melody_source("analysis.synth"),
}

with friendly_errors():
    clip = audio_picker("analysis", examples=EXAMPLES, datasets=session_datasets())
if clip is None:
    st.stop()

with friendly_errors():
    key = glue.digest(clip)
    result = glue.analysis_of(key, clip.sr, clip.audio)

tempo, beats, onsets, key_col = st.columns(4)
tempo.metric("Tempo", f"{result.tempo_bpm:.1f} BPM" if result.tempo_bpm else "—")
beats.metric("Beats", len(result.beat_times))
onsets.metric("Onsets", len(result.onset_times))
key_col.metric(
    "Key (estimate)",
    result.key.name if result.key else "—",
    help="The major or minor key whose Krumhansl–Kessler profile best matches the average "
    "chroma of the whole piece.",
)
st.plotly_chart(
    beats_figure(
        clip.audio,
        clip.sr,
        onset_times=result.onset_times,
        beat_times=result.beat_times,
        tempo_bpm=result.tempo_bpm,
    ),
    key="analysis.wave",
    alt="Waveform with detected onsets and beats",
)

click_on = st.segmented_control(
    "Clicks on", ["beats", "onsets"], default="beats", key="analysis.click_on"
)
times = result.onset_times if click_on == "onsets" else result.beat_times
with friendly_errors():
    mixed = glue.clicks_of(key, clip.sr, click_on or "beats", clip.audio, times)
CLICK_HINTS = {
    "beats": "a click on every detected beat: if the clicks sit on the pulse, the beat "
    "tracker got it right.",
    "onsets": "a click on every detected onset: each should land where a note starts.",
}
st.caption(f"Listen to **{clip.name or 'the sound'}** with {CLICK_HINTS[click_on or 'beats']}")
play(mixed, clip.sr, alt=f"The music with clicks on the {click_on or 'beats'}")
left, right = st.columns(2)
left.download_button(
    "Download with clicks (WAV)",
    wav_download(mixed, clip.sr),
    file_name="with_clicks.wav",
    mime="audio/wav",
    icon=":material/download:",
    key="analysis.download_clicks",
)
right.download_button(
    "Download the analysis (JSON)",
    glue.summary_json(result, clip.name or "audio"),
    file_name="analysis.json",
    mime="application/json",
    icon=":material/download:",
    key="analysis.download_json",
)

VIEWS = [
    "Harmonic / percussive",
    "Stretch & shift",
    "NMF",
    "Beat-synchronous features",
    "CQT & chroma",
    "Key",
]
view = st.segmented_control("Explore", VIEWS, default=VIEWS[0], key="analysis.view") or VIEWS[0]

part = clip.audio
if view in VIEWS[:3] + VIEWS[4:5]:
    if clip.duration >= glue.EXCERPT_SECONDS + 1.0:
        start = st.slider(
            f"Start of the {glue.EXCERPT_SECONDS:.0f}-second excerpt (s)",
            0.0,
            round(clip.duration - glue.EXCERPT_SECONDS, 1),
            0.0,
            step=0.5,
            key="analysis.start",
        )
        with friendly_errors():
            part = glue.excerpt_of(key, clip.sr, start, clip.audio)
    part_key = glue.digest(type(clip)(part, clip.sr))

if view == "Harmonic / percussive":
    st.markdown(
        "Sustained notes are **horizontal** lines in a spectrogram, drum hits are **vertical** "
        "lines. Median filtering along time keeps the first, along frequency the second "
        "(harmonic/percussive separation, HPSS). A larger margin keeps only what is clearly one "
        "or the other."
    )
    margin = st.slider("Margin", 1.0, 4.0, 1.0, step=0.5, key="analysis.margin")
    with friendly_errors():
        parts = glue.hpss_of(part_key, clip.sr, margin, part)
    for column, name in zip(st.columns(2), ("harmonic", "percussive"), strict=True):
        with column:
            st.markdown(f"**{name.capitalize()} part**")
            play(parts[name], clip.sr, alt=f"The {name} part")
            st.plotly_chart(
                spectrogram_figure(
                    parts[f"{name}_db"],
                    sr=clip.sr,
                    hop_length=512,
                    title=f"{name.capitalize()} part (mel, dB)",
                ),
                key=f"analysis.{name}_spec",
                alt=f"Mel spectrogram of the {name} part",
            )

elif view == "Stretch & shift":
    st.markdown(
        "A **time stretch** plays the music faster or slower without changing its pitch; a "
        "**pitch shift** moves every frequency by a factor 2^(n/12) for n semitones without "
        "changing the duration. Both work on the short-time Fourier transform (a phase vocoder)."
    )
    st.latex(r"f' = f \cdot 2^{n/12}")
    left, right = st.columns(2)
    with left:
        rate = st.slider("Speed (rate)", 0.5, 2.0, 1.25, step=0.05, key="analysis.rate")
        with friendly_errors():
            stretched = glue.stretched_of(part_key, rate, part)
        glue.play_with_download(
            stretched,
            clip.sr,
            caption=f"{len(part) / clip.sr:.1f} s becomes {len(stretched) / clip.sr:.1f} s.",
            label="Download stretched (WAV)",
            file_name=f"stretched_{rate:g}x.wav",
            key="analysis.download_stretch",
        )
    with right:
        steps = st.slider("Shift (semitones)", -12, 12, 4, key="analysis.semitones")
        with friendly_errors():
            shifted = glue.shifted_of(part_key, clip.sr, float(steps), part)
        glue.play_with_download(
            shifted,
            clip.sr,
            caption=f"Every frequency × {2 ** (steps / 12):.3f}.",
            label="Download shifted (WAV)",
            file_name=f"shifted_{steps:+d}.wav",
            key="analysis.download_shift",
        )

elif view == "NMF":
    st.markdown(
        "Non-negative matrix factorisation writes the magnitude spectrogram **V** as a few "
        "spectral templates **W** (one column per component) times their loudness over time "
        "**H**. Each component often captures one instrument or one note; rebuilding the sound "
        "from some of them, with the original phase, lets you hear them apart."
    )
    st.latex(r"V \approx W H,\quad W \ge 0,\ H \ge 0")
    n_components = st.slider("Components", 1, 12, 4, key="analysis.components")
    with friendly_errors():
        nmf = glue.nmf_of(part_key, clip.sr, n_components, part)
    decomposition = nmf["decomposition"]
    st.metric("Reconstruction error ‖V − WH‖ / ‖V‖", f"{nmf['error']:.3f}")
    st.plotly_chart(
        nmf_components_figure(decomposition.components, sr=clip.sr, n_fft=decomposition.n_fft),
        key="analysis.nmf_w",
        alt="Spectra of the NMF components",
    )
    st.plotly_chart(
        nmf_activations_figure(decomposition.activations, times=nmf["times"]),
        key="analysis.nmf_h",
        alt="Activations of the NMF components over time",
    )
    columns = st.columns(min(n_components, 4))
    for i, sound in enumerate(nmf["parts"]):
        with columns[i % len(columns)]:
            st.caption(f"Component {i + 1}")
            play(sound, clip.sr, alt=f"NMF component {i + 1}")
    chosen = st.multiselect(
        "Rebuild from components",
        list(range(1, n_components + 1)),
        default=list(range(1, n_components + 1)),
        key="analysis.chosen",
    )
    if chosen:
        with friendly_errors():
            mix = glue.nmf_mix_of(part_key, n_components, tuple(sorted(c - 1 for c in chosen)), nmf)
        glue.play_with_download(
            mix,
            clip.sr,
            label="Download the reconstruction (WAV)",
            file_name="nmf_reconstruction.wav",
            key="analysis.download_nmf",
        )
    else:
        st.info("Choose at least one component to rebuild the sound.")

elif view == "Beat-synchronous features":
    st.markdown(
        "Averaging features between consecutive beats gives one column per beat: the piece's "
        "harmony and timbre at the pace of the music, whatever its tempo. **Chroma** is the "
        "energy of each of the 12 pitch classes (median per beat); **MFCCs** describe the "
        "timbre (mean per beat) and their **deltas** how it changes."
    )
    with friendly_errors():
        sync = glue.beat_sync_of(key, clip.sr, result)
    st.plotly_chart(
        feature_figure(
            sync.chroma,
            times=sync.times,
            row_labels=PITCH_CLASSES,
            title="Beat-synchronous chroma",
            y_title="Pitch class",
            colorbar_title="energy",
        ),
        key="analysis.sync_chroma",
        alt="Chroma aggregated per beat",
    )
    st.plotly_chart(
        mfcc_figure(
            sync.mfcc, times=sync.times, title="Beat-synchronous MFCC (from coefficient 1)"
        ),
        key="analysis.sync_mfcc",
        alt="MFCC aggregated per beat",
    )
    st.plotly_chart(
        mfcc_figure(
            sync.delta, times=sync.times, title="Beat-synchronous MFCC deltas (from coefficient 1)"
        ),
        key="analysis.sync_delta",
        alt="MFCC deltas aggregated per beat",
    )

elif view == "CQT & chroma":
    st.markdown(
        "The **constant-Q transform** has one row per semitone (here 84 notes from C1), so a "
        "melody reads like a piano roll. Folding all octaves onto the 12 pitch classes gives "
        "**chroma**: which notes sound, whatever the octave."
    )
    with friendly_errors():
        cqt = glue.cqt_of(part_key, clip.sr, part)
    st.plotly_chart(
        feature_figure(
            cqt["db"],
            times=cqt["times"],
            row_labels=cqt["notes"],
            title="Constant-Q transform (dB)",
            y_title="Note",
            colorbar_title="dB",
            height=460,
        ),
        key="analysis.cqt",
        alt="Constant-Q spectrogram with a note axis",
    )
    st.plotly_chart(
        feature_figure(
            cqt["chroma"],
            times=cqt["times"],
            row_labels=PITCH_CLASSES,
            title="Chroma from the CQT",
            y_title="Pitch class",
        ),
        key="analysis.cqt_chroma",
        alt="Chroma computed from the constant-Q transform",
    )

else:
    st.markdown(
        "Krumhansl and Kessler asked listeners how well each note fits a key. Correlating the "
        "piece's average chroma with those profiles, rotated to every tonic, gives a score per "
        "key; the best is the estimate. Relative keys (C major and A minor) share their notes, "
        "so they often score close."
    )
    st.latex(r"r_k = \operatorname{corr}(\bar{c},\ \mathrm{profile}_k),\quad k = 1 \dots 24")
    if result.key is None:
        st.info("There is no pitched sound to estimate a key from.")
    else:
        st.plotly_chart(
            key_figure(result.key.correlations, KEY_NAMES),
            key="analysis.key",
            alt="Correlation of the chroma with each of the 24 keys",
        )
        strongest = strongest_pitch_class(result.chroma)
        st.caption(
            f"Strongest pitch class over the whole piece: **{strongest}** · "
            f"best key correlation r = {result.key.confidence:.2f}."
        )
