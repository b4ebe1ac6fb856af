"""Music analysis: onsets, beats, tempo, key, separation, stretching and NMF."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Music analysis"),
    ":material/music_note:",
    N_(
        "An **onset** is the moment a note starts: the energy in some frequencies jumps. Beats are "
        "the regular pulse you tap your foot to; the **tempo** counts them per minute (BPM). "
        "Below, listen with clicks on the beats, split the sound into parts, change its speed and "
        "pitch, and look at its harmony beat by beat."
    ),
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
from musicml.ui.state import control_default, session_datasets
from musicml.ui.widgets import audio_picker

EXAMPLES = {
    N_("Example: drums and melody, 120 BPM"): lambda: glue.example_clip(120.0),
    N_("Example: slower groove, 96 BPM"): lambda: glue.example_clip(96.0),
    N_("Synthesizer: melody"): lambda: glue.melody_source("analysis.synth"),
}

with friendly_errors():
    clip = audio_picker("analysis", examples=EXAMPLES, datasets=session_datasets())
if clip is None:
    st.stop()

with friendly_errors():
    key = glue.digest(clip)
    result = glue.analysis_of(key, clip.sr, clip.audio)

tempo, beats, onsets, key_col = st.columns(4)
tempo.metric(_("Tempo"), f"{result.tempo_bpm:.1f} BPM" if result.tempo_bpm else "—")
beats.metric(_("Beats"), len(result.beat_times))
onsets.metric(_("Onsets"), len(result.onset_times))
key_col.metric(
    _("Key (estimate)"),
    glue.key_label(result.key.name) if result.key else "—",
    help=_(
        "The major or minor key whose Krumhansl–Kessler profile best matches the average "
        "chroma of the whole piece."
    ),
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
    alt=_("Waveform with detected onsets and beats"),
)

control_default("analysis.click_on", "beats")
click_on = st.segmented_control(
    _("Clicks on"),
    [N_("beats"), N_("onsets")],
    format_func=_,
    key="analysis.click_on",
    persist_state="page",
)
times = result.onset_times if click_on == "onsets" else result.beat_times
with friendly_errors():
    mixed = glue.clicks_of(key, clip.sr, click_on or "beats", clip.audio, times)
CLICK_HINTS = {
    "beats": N_(
        "Listen to **{sound}** with a click on every detected beat: if the clicks sit on "
        "the pulse, the beat tracker got it right."
    ),
    "onsets": N_(
        "Listen to **{sound}** with a click on every detected onset: each should land where "
        "a note starts."
    ),
}
click_hint = CLICK_HINTS[click_on or "beats"]
st.caption(_(click_hint).format(sound=_(clip.name) if clip.name else _("the sound")))
play(
    mixed,
    clip.sr,
    alt=_("The music with clicks on the {what}").format(what=_(click_on or "beats")),
)
left, right = st.columns(2)
left.download_button(
    _("Download with clicks (WAV)"),
    wav_download(mixed, clip.sr),
    file_name="with_clicks.wav",
    mime="audio/wav",
    icon=":material/download:",
    key="analysis.download_clicks",
)
right.download_button(
    _("Download the analysis (JSON)"),
    glue.summary_json(result, clip.name or "audio"),
    file_name="analysis.json",
    mime="application/json",
    icon=":material/download:",
    key="analysis.download_json",
)

VIEWS = [
    N_("Harmonic / percussive"),
    N_("Stretch & shift"),
    "NMF",
    N_("Beat-synchronous features"),
    N_("CQT & chroma"),
    N_("Key"),
]
view = (
    st.segmented_control(_("Explore"), VIEWS, format_func=_, default=VIEWS[0], key="analysis.view")
    or VIEWS[0]
)

part = clip.audio
if view in VIEWS[:3] + VIEWS[4:5]:
    if clip.duration >= glue.EXCERPT_SECONDS + 1.0:
        control_default("analysis.start", 0.0, follows=key)  # a new sound starts at 0 s
        start = st.slider(
            _("Start of the {seconds:.0f}-second excerpt (s)").format(seconds=glue.EXCERPT_SECONDS),
            0.0,
            round(clip.duration - glue.EXCERPT_SECONDS, 1),
            step=0.5,
            key="analysis.start",
            persist_state="page",
        )
        with friendly_errors():
            part = glue.excerpt_of(key, clip.sr, start, clip.audio)
    part_key = glue.digest(type(clip)(part, clip.sr))

if view == "Harmonic / percussive":
    st.markdown(
        _(
            "Sustained notes are **horizontal** lines in a spectrogram, drum hits are **vertical** "
            "lines. Median filtering along time keeps the first, along frequency the second "
            "(harmonic/percussive separation, HPSS). A larger margin keeps only what is clearly "
            "one or the other."
        )
    )
    control_default("analysis.margin", 1.0)
    margin = st.slider(_("Margin"), 1.0, 4.0, step=0.5, key="analysis.margin", persist_state="page")
    with friendly_errors():
        parts = glue.hpss_of(part_key, clip.sr, margin, part)
    part_names = {"harmonic": N_("Harmonic"), "percussive": N_("Percussive")}
    for column, name in zip(st.columns(2), part_names, strict=True):
        shown = _(part_names[name])
        with column:
            st.markdown(_("**{part} part**").format(part=shown))
            play(parts[name], clip.sr, alt=_("The {part} part").format(part=shown))
            st.plotly_chart(
                spectrogram_figure(
                    parts[f"{name}_db"],
                    sr=clip.sr,
                    hop_length=512,
                    title=_("{part} part (mel, dB)").format(part=shown),
                ),
                key=f"analysis.{name}_spec",
                alt=_("Mel spectrogram of the {part} part").format(part=shown),
            )

elif view == "Stretch & shift":
    st.markdown(
        _(
            "A **time stretch** plays the music faster or slower without changing its pitch; a "
            "**pitch shift** moves every frequency by a factor 2^(n/12) for n semitones without "
            "changing the duration. Both work on the short-time Fourier transform (a phase "
            "vocoder)."
        )
    )
    st.latex(r"f' = f \cdot 2^{n/12}")
    left, right = st.columns(2)
    with left:
        control_default("analysis.rate", 1.25)
        rate = st.slider(
            _("Speed (rate)"), 0.5, 2.0, step=0.05, key="analysis.rate", persist_state="page"
        )
        with friendly_errors():
            stretched = glue.stretched_of(part_key, rate, part)
        glue.play_with_download(
            stretched,
            clip.sr,
            caption=_("{before:.1f} s becomes {after:.1f} s.").format(
                before=len(part) / clip.sr, after=len(stretched) / clip.sr
            ),
            label=_("Download stretched (WAV)"),
            alt=_("stretched"),
            file_name=f"stretched_{rate:g}x.wav",
            key="analysis.download_stretch",
        )
    with right:
        control_default("analysis.semitones", 4)
        steps = st.slider(
            _("Shift (semitones)"), -12, 12, key="analysis.semitones", persist_state="page"
        )
        with friendly_errors():
            shifted = glue.shifted_of(part_key, clip.sr, float(steps), part)
        glue.play_with_download(
            shifted,
            clip.sr,
            caption=_("Every frequency × {factor:.3f}.").format(factor=2 ** (steps / 12)),
            label=_("Download shifted (WAV)"),
            alt=_("shifted"),
            file_name=f"shifted_{steps:+d}.wav",
            key="analysis.download_shift",
        )

elif view == "NMF":
    st.markdown(
        _(
            "Non-negative matrix factorisation writes the magnitude spectrogram **V** as a few "
            "spectral templates **W** (one column per component) times their loudness over time "
            "**H**. Each component often captures one instrument or one note; rebuilding the sound "
            "from some of them, with the original phase, lets you hear them apart."
        )
    )
    st.latex(r"V \approx W H,\quad W \ge 0,\ H \ge 0")
    control_default("analysis.components", 4)
    n_components = st.slider(
        _("Components"), 1, 12, key="analysis.components", persist_state="page"
    )
    with friendly_errors():
        nmf = glue.nmf_of(part_key, clip.sr, n_components, part)
    decomposition = nmf["decomposition"]
    st.metric(_("Reconstruction error ‖V − WH‖ / ‖V‖"), f"{nmf['error']:.3f}")
    st.plotly_chart(
        nmf_components_figure(decomposition.components, sr=clip.sr, n_fft=decomposition.n_fft),
        key="analysis.nmf_w",
        alt=_("Spectra of the NMF components"),
    )
    st.plotly_chart(
        nmf_activations_figure(decomposition.activations, times=nmf["times"]),
        key="analysis.nmf_h",
        alt=_("Activations of the NMF components over time"),
    )
    columns = st.columns(min(n_components, 4))
    for i, sound in enumerate(nmf["parts"]):
        with columns[i % len(columns)]:
            st.caption(_("Component {n}").format(n=i + 1))
            play(sound, clip.sr, alt=_("NMF component {n}").format(n=i + 1))
    # A new decomposition (another sound or number of components) starts from all of them.
    everything = list(range(1, n_components + 1))
    control_default("analysis.chosen", everything, follows=(part_key, n_components))
    chosen = st.multiselect(
        _("Rebuild from components"), everything, key="analysis.chosen", persist_state="page"
    )
    if chosen:
        with friendly_errors():
            mix = glue.nmf_mix_of(part_key, n_components, tuple(sorted(c - 1 for c in chosen)), nmf)
        glue.play_with_download(
            mix,
            clip.sr,
            label=_("Download the reconstruction (WAV)"),
            alt=_("the reconstruction"),
            file_name="nmf_reconstruction.wav",
            key="analysis.download_nmf",
        )
    else:
        st.info(_("Choose at least one component to rebuild the sound."))

elif view == "Beat-synchronous features":
    st.markdown(
        _(
            "Averaging features between consecutive beats gives one column per beat: the piece's "
            "harmony and timbre at the pace of the music, whatever its tempo. **Chroma** is the "
            "energy of each of the 12 pitch classes (median per beat); **MFCCs** describe the "
            "timbre (mean per beat) and their **deltas** how it changes."
        )
    )
    with friendly_errors():
        sync = glue.beat_sync_of(key, clip.sr, result)
    st.plotly_chart(
        feature_figure(
            sync.chroma,
            times=sync.times,
            row_labels=PITCH_CLASSES,
            title=_("Beat-synchronous chroma"),
            y_title=_("Pitch class"),
            colorbar_title=_("energy"),
        ),
        key="analysis.sync_chroma",
        alt=_("Chroma aggregated per beat"),
    )
    st.plotly_chart(
        mfcc_figure(
            sync.mfcc, times=sync.times, title=_("Beat-synchronous MFCC (from coefficient 1)")
        ),
        key="analysis.sync_mfcc",
        alt=_("MFCC aggregated per beat"),
    )
    st.plotly_chart(
        mfcc_figure(
            sync.delta,
            times=sync.times,
            title=_("Beat-synchronous MFCC deltas (from coefficient 1)"),
        ),
        key="analysis.sync_delta",
        alt=_("MFCC deltas aggregated per beat"),
    )

elif view == "CQT & chroma":
    st.markdown(
        _(
            "The **constant-Q transform** has one row per semitone (here 84 notes from C1), so a "
            "melody reads like a piano roll. Folding all octaves onto the 12 pitch classes gives "
            "**chroma**: which notes sound, whatever the octave."
        )
    )
    with friendly_errors():
        cqt = glue.cqt_of(part_key, clip.sr, part)
    st.plotly_chart(
        feature_figure(
            cqt["db"],
            times=cqt["times"],
            row_labels=cqt["notes"],
            title=_("Constant-Q transform (dB)"),
            y_title=_("Note"),
            colorbar_title="dB",
            height=460,
        ),
        key="analysis.cqt",
        alt=_("Constant-Q spectrogram with a note axis"),
    )
    st.plotly_chart(
        feature_figure(
            cqt["chroma"],
            times=cqt["times"],
            row_labels=PITCH_CLASSES,
            title=_("Chroma from the CQT"),
            y_title=_("Pitch class"),
        ),
        key="analysis.cqt_chroma",
        alt=_("Chroma computed from the constant-Q transform"),
    )

else:
    st.markdown(
        _(
            "Krumhansl and Kessler asked listeners how well each note fits a key. Correlating the "
            "piece's average chroma with those profiles, rotated to every tonic, gives a score per "
            "key; the best is the estimate. Relative keys (C major and A minor) share their notes, "
            "so they often score close."
        )
    )
    st.latex(r"r_k = \operatorname{corr}(\bar{c},\ \mathrm{profile}_k),\quad k = 1 \dots 24")
    if result.key is None:
        st.info(_("There is no pitched sound to estimate a key from."))
    else:
        st.plotly_chart(
            key_figure(result.key.correlations, KEY_NAMES),
            key="analysis.key",
            alt=_("Correlation of the chroma with each of the 24 keys"),
        )
        strongest = strongest_pitch_class(result.chroma)
        st.caption(
            _(
                "Strongest pitch class over the whole piece: **{strongest}** · best key "
                "correlation r = {confidence:.2f}."
            ).format(strongest=strongest, confidence=result.key.confidence)
        )
