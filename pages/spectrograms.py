"""Spectrograms: see sound as energy over time and frequency."""

import streamlit as st

from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.features import mel_spectrogram_db
from musicml.figures.signal import spectrogram_figure, waveform_figure
from musicml.ui.cache import wav_of
from musicml.ui.layout import friendly_errors, page_setup
from musicml.ui.widgets import audio_picker

page_setup(
    "Spectrograms",
    ":material/gradient:",
    "A spectrogram cuts the sound into short overlapping frames and measures how much energy "
    "each frequency band has in each frame. The **mel scale** spaces the bands the way we hear "
    "pitch, and **decibels (dB)** relative to the loudest point show quiet detail: a pure tone "
    "is one bright line, silence is dark.",
)

EXAMPLES = {
    "Tone sequence 500…5000 Hz": lambda: Clip(
        synth.tone_silence_sequence(sr=DEFAULT_SR), DEFAULT_SR, "tone sequence"
    ),
    "1 kHz tone + silence": lambda: Clip(
        synth.append_silence(synth.sine(1000.0, sr=DEFAULT_SR), sr=DEFAULT_SR),
        DEFAULT_SR,
        "1 kHz tone",
    ),
}

with friendly_errors():
    clip = audio_picker("spec", examples=EXAMPLES)
if clip is None:
    st.stop()

controls = st.columns(3)
n_mels = controls[0].select_slider("Mel bands", [32, 64, 128, 256], value=128, key="spec.n_mels")
top_db = controls[1].slider(
    "Dynamic range (dB below the peak)", 20, 120, 80, step=10, key="spec.top_db"
)
hop = controls[2].select_slider(
    "Hop length (samples)", [128, 256, 512, 1024], value=512, key="spec.hop"
)

db = mel_spectrogram_db(clip.audio, sr=clip.sr, n_mels=n_mels, hop_length=hop, top_db=float(top_db))
st.plotly_chart(
    spectrogram_figure(
        db,
        sr=clip.sr,
        hop_length=hop,
        zmin=-float(top_db),
        zmax=0.0,
        title=f"Mel power spectrogram of {clip.name} ({n_mels} bands)",
    ),
    key="spec.heatmap",
    alt="Mel power spectrogram heat map",
)
st.caption(
    f"{clip.duration:.1f} s at {clip.sr} Hz · frames of 2048 samples every {hop} samples "
    f"({hop / clip.sr * 1000:.0f} ms) · colour = dB below the loudest point."
)
st.plotly_chart(
    waveform_figure(clip.audio, clip.sr, title="Waveform"),
    key="spec.wave",
    alt="Waveform of the sound",
)
st.audio(wav_of(clip.audio, clip.sr), format="audio/wav")
