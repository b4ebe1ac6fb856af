"""Classify: a label for every second of a song."""

import streamlit as st

from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.classify import classify_segments
from musicml.figures.classify import timeline_figure
from musicml.figures.signal import waveform_figure
from musicml.models import builtin_sound_silence_model
from musicml.ui.cache import wav_of
from musicml.ui.layout import friendly_errors, page_setup
from musicml.ui.widgets import audio_picker

page_setup(
    "Classify",
    ":material/label:",
    "Upload a song or record one: the built-in **sound vs silence** model labels every second "
    "of it, and the bar height shows how sure it is.",
)


@st.cache_resource(show_spinner="Preparing the built-in model…")
def _model():
    return builtin_sound_silence_model(sr=DEFAULT_SR)


EXAMPLES = {
    "Example: tone sequence": lambda: Clip(
        synth.tone_silence_sequence((440.0, 880.0, 1320.0), sr=DEFAULT_SR), DEFAULT_SR, "example"
    ),
}

with friendly_errors():
    clip = audio_picker("classify", examples=EXAMPLES)
if clip is None:
    st.stop()

seconds = st.slider("Segment length (s)", 0.25, 5.0, 1.0, step=0.25, key="classify.seconds")
with friendly_errors():
    segments = classify_segments(clip, _model(), seconds=seconds)

st.plotly_chart(
    timeline_figure(segments, title=f"Sound or silence in {clip.name}"),
    key="classify.timeline",
    alt="Timeline of predicted labels",
)
st.plotly_chart(
    waveform_figure(clip.audio, clip.sr),
    key="classify.wave",
    alt="Waveform of the classified audio",
)
st.audio(wav_of(clip.audio, clip.sr), format="audio/wav")
st.dataframe(
    [
        {"start (s)": s.start_s, "end (s)": s.end_s, "label": s.label, "confidence": s.confidence}
        for s in segments
    ],
    key="classify.table",
)
