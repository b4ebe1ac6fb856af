"""Synthesize: sine tones with every parameter on a slider."""

import math

import streamlit as st

from musicml import synth
from musicml.audio import SAMPLE_RATES
from musicml.figures.signal import waveform_figure
from musicml.ui.cache import wav_of
from musicml.ui.layout import friendly_errors, page_setup

page_setup(
    "Synthesize",
    ":material/graphic_eq:",
    "A pure tone is a sine wave **y(t) = A·sin(2πft + φ)**: *A* is how loud it is, *f* how "
    "high it sounds (cycles per second, Hz), *φ* where in its cycle it starts. The computer "
    "stores it as samples: *sr* numbers per second.",
)

left, right = st.columns([1, 2])
with left:
    frequency = st.slider("Frequency f (Hz)", 20, 8000, 1000, step=10, key="synth.freq")
    amplitude = st.slider("Amplitude A", 0.0, 1.0, 0.8, step=0.05, key="synth.amp")
    phase = st.slider(
        "Phase φ (radians)", 0.0, round(2 * math.pi, 2), 0.0, step=0.05, key="synth.phase"
    )
    duration = st.slider("Duration (s)", 0.1, 5.0, 1.0, step=0.1, key="synth.duration")
    sr = st.selectbox(
        "Sample rate sr (Hz)", SAMPLE_RATES, index=SAMPLE_RATES.index(22050), key="synth.sr"
    )
    silence = st.toggle(
        "Follow with 1 s of silence (as in the tutorial)", value=True, key="synth.silence"
    )

with friendly_errors():
    tone = synth.sine(frequency, duration=duration, sr=sr, amplitude=amplitude, phase=phase)
    audio = synth.append_silence(tone, seconds=1.0, sr=sr) if silence else tone

with right:
    first_ms = tone[: max(2, round(sr / 1000))]
    st.plotly_chart(
        waveform_figure(first_ms, sr, title="The first millisecond", time_unit="ms"),
        key="synth.first_ms",
        alt="Waveform of the first millisecond of the tone",
    )
    st.caption(
        f"In one millisecond a {frequency} Hz tone goes through {frequency / 1000:g} cycles; "
        f"at {sr} samples per second that is {sr / 1000:g} samples."
    )
    st.plotly_chart(
        waveform_figure(audio, sr, title="The whole signal"),
        key="synth.whole",
        alt="Waveform of the whole signal",
    )
    wav = wav_of(audio, sr)
    st.audio(wav, format="audio/wav")
    st.download_button(
        "Download WAV",
        wav,
        file_name=f"sine_{frequency}Hz.wav",
        mime="audio/wav",
        icon=":material/download:",
        key="synth.download",
    )
