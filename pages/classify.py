"""Classify: a label for every stretch of a song or a recording."""

import streamlit as st

from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.builtin import example_melody
from musicml.classify import is_note_model, resynthesize, segments_csv
from musicml.figures.classify import distribution_figure, segments_over_spectrogram, song_figure
from musicml.figures.signal import spectrogram_figure
from musicml.ui.cache import wav_of
from musicml.ui.layout import friendly_errors, page_setup
from musicml.ui.models import classify_cached, model_picker, spectrogram_of
from musicml.ui.share import share_view
from musicml.ui.widgets import audio_picker

page_setup(
    "Classify",
    ":material/label:",
    "Upload a song or record one, pick a model, and musicml labels every stretch of it. "
    "The built-in **notes** model names the note being played (C to B, or silence) whatever "
    "the instrument and octave; the **sound vs silence** model finds the quiet parts. Models you "
    "trained on the Train page, or downloaded earlier, work here too.",
)
share_view("classify")

with friendly_errors():
    model = model_picker("classify")
if model is None:
    st.stop()
st.caption(f"{model.describe()}.")
for warning in model.info.get("version_warnings", []):
    st.warning(f"This model was {warning}; its predictions may differ slightly.")


def _melody() -> Clip:
    audio, _ = example_melody(sr=DEFAULT_SR)
    return Clip(audio, DEFAULT_SR, "example melody (piano)")


EXAMPLES = {
    "Example: a piano melody": _melody,
    "Example: tone sequence": lambda: Clip(
        synth.tone_silence_sequence((440.0, 880.0, 1320.0), sr=DEFAULT_SR),
        DEFAULT_SR,
        "tone sequence",
    ),
}

with friendly_errors():
    clip = audio_picker("classify", examples=EXAMPLES, label="Song or recording")
if clip is None:
    st.stop()

cols = st.columns([1, 2])
how = cols[0].radio(
    "Cut the audio",
    ["Fixed windows", "At detected onsets"],
    key="classify.how",
    help="One segment per note: cuts where a note or beat starts, where the pitch changes "
    "without a new attack (a slur), and where a note fades into silence.",
)
seconds = cols[1].slider(
    "Window length (s)",
    0.25,
    10.0,
    float(min(10.0, max(0.25, round(model.clip_seconds * 4) / 4))),
    step=0.25,
    key="classify.seconds",
    disabled=how != "Fixed windows",
    help="The model was trained on clips of about "
    f"{model.clip_seconds:.2g} s; windows of that length suit it best.",
)
segment = seconds if how == "Fixed windows" else "onsets"

with friendly_errors():
    result = classify_cached(model, clip, segment=segment)

notes = is_note_model(result.classes)
shares = result.distribution
if model.clip_seconds >= 5 or len(result.segments) == 1:
    # A song-level model (a genre model, say): one verdict with its probabilities.
    probabilities = result.song_probabilities
    verdict = max(probabilities, key=probabilities.get)
    st.metric("Predicted class for the whole song", f"{verdict} ({probabilities[verdict]:.0%})")
share = shares[result.label]
if share < shares.get("silence", 0.0):  # a notes model: the note heard longest, not the room
    headline = f"Note heard longest ({share:.0%} of the time, silence {shares['silence']:.0%}):"
elif share > 0.5:
    headline = "Mostly"
else:
    headline = f"Most common ({share:.0%} of the time):"
st.subheader(f"{headline} **{result.label}**", anchor=False)
st.markdown(
    f"{len(result.segments)} segment{'' if len(result.segments) == 1 else 's'} over "
    f"{result.duration_s:.1f} s; **{result.label}** covers "
    f"{shares[result.label]:.0%} of the time. Each bar below is one segment, placed at its time "
    "and on the row of its label; the paler the bar, the less sure the model was."
    + (" For a notes model this is a **piano roll**." if notes else "")
)
st.plotly_chart(
    song_figure(clip.audio, clip.sr, result, title=f"{clip.name}: waveform and labels"),
    key="classify.song",
    alt="Waveform with the predicted label of every segment underneath",
)

with friendly_errors():
    db, hop = spectrogram_of(clip)
spectrogram = spectrogram_figure(
    db, sr=clip.sr, hop_length=hop, title="Mel spectrogram with the segments"
)
st.plotly_chart(
    segments_over_spectrogram(spectrogram, result),
    key="classify.spectrogram",
    alt="Mel spectrogram of the song with segment boundaries and labels",
)

left, right = st.columns(2)
with left:
    st.markdown("**Listen**: the song, then what the model heard.")
    st.audio(wav_of(clip.audio, clip.sr), format="audio/wav")
    if notes or "sound" in result.classes:
        st.audio(wav_of(resynthesize(result, sr=clip.sr), clip.sr), format="audio/wav")
        st.caption(
            "The second player resynthesises the predictions: every segment labelled as a "
            "note is played as a soft tone of that note (in octave 4), silence stays silent."
        )
with right:
    st.plotly_chart(
        distribution_figure(result, title="Whole-song summary"),
        key="classify.summary",
        alt="Share of time and mean probability of each class",
    )
    st.caption(
        "Blue: share of the time each label covers. Orange: the class probabilities averaged "
        "over the song; for a song-level model (a genre model, say) this is its verdict."
    )

st.dataframe(
    [
        {
            "start (s)": round(s.start_s, 2),
            "end (s)": round(s.end_s, 2),
            "label": s.label,
            "confidence": round(s.confidence, 3),
        }
        for s in result.segments
    ],
    key="classify.table",
    hide_index=True,
)
st.download_button(
    "Download the segments (CSV)",
    segments_csv(result),
    file_name=f"{clip.name.rsplit('.', 1)[0] or 'song'}_segments.csv",
    mime="text/csv",
    key="classify.csv",
    icon=":material/download:",
)
