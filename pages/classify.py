"""Classify: a label for every stretch of a song or a recording."""

import streamlit as st

from musicml.ui.layout import page_setup

page_setup(
    "Classify",
    ":material/label:",
    "Upload a song or record one, pick a model, and musicml labels every stretch of it. "
    "The built-in **notes** model names the note being played (C to B, or silence) whatever "
    "the instrument and octave, **chromatic** all twelve pitch classes with sharps; the "
    "**sound vs silence** model finds the quiet parts. Models you trained on the Train page, "
    "or downloaded earlier, work here too.",
)

from musicml.ui.share import share_view  # after the title: it imports the core

share_view("classify")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.builtin import example_melody
from musicml.classify import from_transcription, is_note_model, segments_csv
from musicml.figures.classify import (
    distribution_figure,
    segments_over_spectrogram,
    song_figure,
    tracking_figure,
    truth_figure,
)
from musicml.figures.signal import spectrogram_figure
from musicml.transcription import notes_of, notes_to_midi, read_truth, transcription_scores
from musicml.ui.cache import play
from musicml.ui.layout import friendly_errors
from musicml.ui.models import (
    classify_cached,
    model_picker,
    resynthesis_cached,
    spectrogram_of,
    transcribe_cached,
)
from musicml.ui.widgets import audio_picker

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
    # Decoded straight at the model's rate, as the command line does: one road, one answer.
    clip = audio_picker(
        "classify", examples=EXAMPLES, label="Song or recording", sr=model.sr or DEFAULT_SR
    )
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

# A notes model with a silence class follows the notes frame by frame at onsets.
tracked = segment == "onsets" and "silence" in model.classes
with friendly_errors():
    if tracked:
        transcription = transcribe_cached(model, clip)
        result = from_transcription(transcription, model)
    else:
        transcription = None
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
if transcription is not None:
    st.markdown(
        "**How the notes were found.** The model listens to a short window around every "
        f"{transcription.hop_s * 1000:.0f} ms frame and gives each class a probability (the "
        "heat map: dark = sure). On its own it hears a note's pitch even in the quiet tail "
        "after a key is released, so the recording's own loudness decides what is sound at "
        "all (the red line: its loud parts against its noise floor). A smoothing pass (Viterbi) "
        "then turns the frames into notes that only change where the evidence clearly does, "
        "splits repeated notes at their attacks and drops blips: the piano roll below, each "
        "note on the row of its own pitch."
    )
    st.plotly_chart(
        tracking_figure(transcription, title="Frame by frame: the model's probabilities"),
        key="classify.frames",
        alt="Heat map of class probabilities per frame over the chance each frame is sound",
    )
st.plotly_chart(
    song_figure(clip.audio, clip.sr, result, title=f"{clip.name}: waveform and labels"),
    key="classify.song",
    alt="Waveform with the predicted label of every segment underneath",
)

truth_upload = None
if st.toggle(
    "Check against the true notes",
    key="classify.check_truth",
    help="Upload the truth beside the audio (a CSV start_s,end_s,label, or a MIDI file) for "
    "the share of time labelled right and note precision, recall and F1 (a note counts when "
    "its onset is within 50 ms and its pitch class is right).",
):
    truth_upload = st.file_uploader(
        "The true notes (CSV start_s,end_s,label, or a MIDI file)",
        type=["csv", "mid", "midi"],
        key="classify.truth",
    )
if truth_upload is not None:
    with friendly_errors():
        truth = read_truth(truth_upload.getvalue(), name=truth_upload.name)
        predicted = notes_of(result.segments)
        scores = transcription_scores(truth, predicted, duration_s=result.duration_s)
    st.markdown(f"**Against the truth** ({truth_upload.name}, {len(truth)} notes)")
    cells = st.columns(4)
    cells[0].metric("Time labelled right", f"{scores['frame_accuracy']:.0%}")
    cells[1].metric("Note precision", f"{scores['note_precision']:.0%}")
    cells[2].metric("Note recall", f"{scores['note_recall']:.0%}")
    cells[3].metric("Note F1", f"{scores['note_f1']:.0%}")
    st.plotly_chart(
        truth_figure(truth, predicted),
        key="classify.truth_figure",
        alt="The true notes drawn over the predicted notes",
    )
    pitch = scores.get("midi_accuracy")
    st.caption(
        "Precision: the share of predicted notes that are real (onset within 50 ms, right "
        "pitch class). Recall: the share of real notes that were found. F1 balances the two. "
        + (f"Octave right for {pitch:.0%} of the matched notes." if pitch is not None else "")
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
    play(clip.audio, clip.sr, alt=f"{clip.name}")
    # Made on request: the resynthesis and its player file are a third of the work of
    # classifying an uploaded song, which a whole class uploading at once would pay.
    if (notes or "sound" in result.classes) and st.toggle(
        "Play back what the model heard",
        key="classify.hear",
        help="Resynthesise the predictions and hear them next to the song.",
    ):
        with friendly_errors():
            played, played_sr = resynthesis_cached(model, clip, result, segment=segment)
        play(played, played_sr, alt="What the model heard, played back")
        st.caption(
            "The second player resynthesises the predictions: every segment labelled as a "
            "note is played as a soft tone of that note (in its own octave where the pitch "
            "was found, else octave 4), silence stays silent."
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
            **({"note": synth.midi_to_note(s.midi) if s.midi is not None else ""} if notes else {}),
            "confidence": round(s.confidence, 3),
        }
        for s in result.segments
    ],
    key="classify.table",
    hide_index=True,
)
stem = clip.name.rsplit(".", 1)[0] or "song"
left, right = st.columns(2)
left.download_button(
    "Download the segments (CSV)",
    segments_csv(result),
    file_name=f"{stem}_segments.csv",
    mime="text/csv",
    key="classify.csv",
    icon=":material/download:",
)
if notes:
    right.download_button(
        "Download the notes (MIDI)",
        notes_to_midi(notes_of(result.segments)),
        file_name=f"{stem}.mid",
        mime="audio/midi",
        key="classify.midi",
        icon=":material/piano:",
        help="Open it in any music program (MuseScore, GarageBand, a DAW) to see and play "
        "the notes; rests are the gaps between them.",
    )
