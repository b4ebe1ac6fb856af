"""Music analysis: onsets and more."""

import streamlit as st

from musicml import synth
from musicml.analysis import onset_times
from musicml.audio import DEFAULT_SR, Clip
from musicml.figures.signal import waveform_figure
from musicml.ui.cache import wav_of
from musicml.ui.layout import friendly_errors, page_setup
from musicml.ui.widgets import audio_picker

page_setup(
    "Music analysis",
    ":material/music_note:",
    "An **onset** is the moment a note starts: the energy in some frequencies jumps. "
    "Finding onsets is the first step towards beats, tempo and note transcription.",
)

EXAMPLES = {
    "Example: C major scale": lambda: Clip(
        synth.tone_silence_sequence(
            tuple(synth.NATURAL_NOTES.values()),
            tone_seconds=0.4,
            silence_seconds=0.1,
            sr=DEFAULT_SR,
            amplitude=0.6,
        ),
        DEFAULT_SR,
        "C major scale",
    ),
}

with friendly_errors():
    clip = audio_picker("analysis", examples=EXAMPLES)
if clip is None:
    st.stop()

onsets = onset_times(clip.audio, sr=clip.sr)
st.metric("Onsets found", len(onsets))
st.plotly_chart(
    waveform_figure(clip.audio, clip.sr, title="Waveform with onsets", markers={"onsets": onsets}),
    key="analysis.wave",
    alt="Waveform with detected onsets",
)
st.audio(wav_of(clip.audio, clip.sr), format="audio/wav")
