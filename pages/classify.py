"""Classify: a label for every stretch of a song or a recording."""

import streamlit as st

from musicml.i18n import N_, ngettext
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Classify"),
    ":material/label:",
    N_(
        "Upload a song or record one, pick a model, and musicml labels every stretch of it. "
        "The built-in **notes** model names the note being played (C to B, or silence) whatever "
        "the instrument and octave, **chromatic** all twelve pitch classes with sharps; the "
        "**sound vs silence** model finds the quiet parts. Models you trained on the Train page, "
        "or downloaded earlier, work here too."
    ),
)

from musicml.ui.share import share_view  # after the title: it imports the core

share_view("classify")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml import synth
from musicml.audio import DEFAULT_SR, Clip
from musicml.builtin import example_melody
from musicml.classify import from_transcription, is_note_model, segments_csv, window_seconds
from musicml.figures.classify import (
    distribution_figure,
    segments_over_spectrogram,
    song_figure,
    tracking_figure,
    truth_figure,
)
from musicml.figures.signal import spectrogram_figure
from musicml.transcription import (
    NOISY_ROOM_DB,
    QUIET_GAIN_DB,
    notes_of,
    notes_to_midi,
    read_truth,
    transcription_scores,
)
from musicml.ui.cache import play
from musicml.ui.layout import friendly_errors
from musicml.ui.models import (
    classify_cached,
    model_picker,
    resynthesis_cached,
    spectrogram_of,
    transcribe_cached,
)
from musicml.ui.state import control_default
from musicml.ui.widgets import audio_picker


def _melody() -> Clip:
    audio, _notes = example_melody(sr=DEFAULT_SR)
    return Clip(audio, DEFAULT_SR, N_("example melody (piano)"))


EXAMPLES = {
    N_("Example: a piano melody"): _melody,
    N_("Example: tone sequence"): lambda: Clip(
        synth.tone_silence_sequence((440.0, 880.0, 1320.0), sr=DEFAULT_SR),
        DEFAULT_SR,
        N_("tone sequence"),
    ),
}


def _song(**options) -> Clip | None:
    return audio_picker("classify", examples=EXAMPLES, label=N_("Song or recording"), **options)


model = None
with friendly_errors(stop=False):
    model = model_picker("classify")
if model is None:
    # Waiting for a model file: the song's widgets stay drawn, or Streamlit would forget
    # a song already uploaded (an undrawn file uploader loses its file).
    _song(decode=False)
    st.stop()
st.caption(f"{model.describe()}.")
for warning in model.info.get("version_warnings", []):
    st.warning(
        _("This model was {warning}; its predictions may differ slightly.").format(warning=warning)
    )

# Set before the audio is picked: the page stops there while an upload is missing.
control_default(
    "classify.seconds", window_seconds(model.clip_seconds), follows=(model.name, model.clip_seconds)
)

with friendly_errors():
    # Decoded straight at the model's rate, as the command line does: one road, one answer.
    clip = _song(sr=model.sr or DEFAULT_SR)
if clip is None:
    st.stop()

cols = st.columns([1, 2])
how = cols[0].radio(
    _("Cut the audio"),
    [N_("Fixed windows"), N_("At detected onsets")],
    format_func=_,
    key="classify.how",
    persist_state="page",
    help=_(
        "One segment per note: cuts where a note or beat starts, where the pitch changes "
        "without a new attack (a slur), and where a note fades into silence."
    ),
)
seconds = cols[1].slider(
    _("Window length (s)"),
    0.25,
    10.0,
    step=0.25,
    key="classify.seconds",
    # Kept while the page stops for a missing upload: a remounted slider shows it.
    persist_state="page",
    disabled=how != "Fixed windows",
    help=_(
        "Windows as long as the model's training clips suit it best. Choosing another "
        "model sets the window to its clip length; new audio keeps your window."
    ),
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
    st.metric(_("Predicted class for the whole song"), f"{verdict} ({probabilities[verdict]:.0%})")
share = shares[result.label]
if share < shares.get("silence", 0.0):  # a notes model: the note heard longest, not the room
    headline = _(
        "Note heard longest ({share:.0%} of the time, silence {silence:.0%}): **{label}**"
    ).format(share=share, silence=shares["silence"], label=result.label)
elif share > 0.5:
    headline = _("Mostly **{label}**").format(label=result.label)
else:
    headline = _("Most common ({share:.0%} of the time): **{label}**").format(
        share=share, label=result.label
    )
st.subheader(headline, anchor=False)
st.markdown(
    ngettext(
        "{n} segment over {seconds:.1f} s; **{label}** covers {share:.0%} of the time.",
        "{n} segments over {seconds:.1f} s; **{label}** covers {share:.0%} of the time.",
        len(result.segments),
    ).format(
        n=len(result.segments),
        seconds=result.duration_s,
        label=result.label,
        share=shares[result.label],
    )
    + " "
    + _(
        "Each bar below is one segment, placed at its time and on the row of its label; "
        "the paler the bar, the less sure the model was."
    )
    + (" " + _("For a notes model this is a **piano roll**.") if notes else "")
)
if transcription is not None:
    st.markdown(
        _(
            "**How the notes were found.** The model listens to a short window "
            "around every {hop_ms:.0f} ms frame and gives each class a probability "
            "(the heat map: dark = sure). On its own it hears a note's pitch even in "
            "the quiet tail after a key is released, so the recording's own loudness "
            "decides what is sound at all (the red line: its loud parts against its "
            "noise floor). A smoothing pass (Viterbi) then turns the frames into "
            "notes that only change where the evidence clearly does, splits repeated "
            "notes at their attacks and drops blips: the piano roll below, each note "
            "on the row of its own pitch."
        ).format(hop_ms=transcription.hop_s * 1000)
    )
    if transcription.settings.get("noisy_room"):
        st.info(
            _(
                "This recording's room is noisy: its hiss or hum is less than {db:.0f} dB "
                "under the music. A frame counts as sound only when it is clearly above that "
                "noise, so the quiet ends of notes that fade under it are lost. A quieter "
                "room, or the microphone closer to the instrument, helps."
            ).format(db=NOISY_ROOM_DB),
            icon=":material/graphic_eq:",
        )
    gain_db = transcription.settings.get("model_gain_db", 0.0)
    if gain_db >= QUIET_GAIN_DB:
        st.info(
            _(
                "This recording is quiet: the model heard it turned up by {db:.0f} dB, so "
                "that its notes are as loud to it as a well-recorded melody's. What is a "
                "rest is still told by the recording's own loudness. Recorded closer to "
                "the instrument, its soft notes would stand out more from the room."
            ).format(db=gain_db),
            icon=":material/volume_up:",
        )
    st.plotly_chart(
        tracking_figure(transcription, title=_("Frame by frame: the model's probabilities")),
        key="classify.frames",
        alt=_("Heat map of class probabilities per frame over the chance each frame is sound"),
    )
st.plotly_chart(
    song_figure(
        clip.audio,
        clip.sr,
        result,
        title=_("{name}: waveform and labels").format(name=_(clip.name)),
    ),
    key="classify.song",
    alt=_("Waveform with the predicted label of every segment underneath"),
)

truth_upload = None
if st.toggle(
    _("Check against the true notes"),
    key="classify.check_truth",
    persist_state="page",
    help=_(
        "Upload the truth beside the audio (a CSV start_s,end_s,label, or a MIDI file) for "
        "the share of time labelled right and note precision, recall and F1 (a note counts when "
        "its onset is within 50 ms and its pitch class is right)."
    ),
):
    truth_upload = st.file_uploader(
        _("The true notes (CSV start_s,end_s,label, or a MIDI file)"),
        type=["csv", "mid", "midi"],
        key="classify.truth",
    )
if truth_upload is not None:
    with friendly_errors():
        truth = read_truth(truth_upload.getvalue(), name=truth_upload.name)
        predicted = notes_of(result.segments)
        scores = transcription_scores(truth, predicted, duration_s=result.duration_s)
    st.markdown(
        _("**Against the truth** ({name}, {n} notes)").format(name=truth_upload.name, n=len(truth))
    )
    cells = st.columns(4)
    cells[0].metric(_("Time labelled right"), f"{scores['frame_accuracy']:.0%}")
    cells[1].metric(_("Note precision"), f"{scores['note_precision']:.0%}")
    cells[2].metric(_("Note recall"), f"{scores['note_recall']:.0%}")
    cells[3].metric(_("Note F1"), f"{scores['note_f1']:.0%}")
    st.plotly_chart(
        truth_figure(truth, predicted),
        key="classify.truth_figure",
        alt=_("The true notes drawn over the predicted notes"),
    )
    pitch = scores.get("midi_accuracy")
    st.caption(
        _(
            "Precision: the share of predicted notes that are real (onset within 50 ms, right "
            "pitch class). Recall: the share of real notes that were found. F1 balances the two."
        )
        + (
            " " + _("Octave right for {pitch:.0%} of the matched notes.").format(pitch=pitch)
            if pitch is not None
            else ""
        )
    )

with friendly_errors():
    db, hop = spectrogram_of(clip)
spectrogram = spectrogram_figure(
    db, sr=clip.sr, hop_length=hop, title=_("Mel spectrogram with the segments")
)
st.plotly_chart(
    segments_over_spectrogram(spectrogram, result),
    key="classify.spectrogram",
    alt=_("Mel spectrogram of the song with segment boundaries and labels"),
)

left, right = st.columns(2)
with left:
    st.markdown(_("**Listen**: the song, then what the model heard."))
    play(clip.audio, clip.sr, alt=_(clip.name))
    # Made on request: the resynthesis and its player file are a third of the work of
    # classifying an uploaded song, which a whole class uploading at once would pay.
    if (notes or "sound" in result.classes) and st.toggle(
        _("Play back what the model heard"),
        key="classify.hear",
        persist_state="page",
        help=_("Resynthesise the predictions and hear them next to the song."),
    ):
        with friendly_errors():
            played, played_sr = resynthesis_cached(model, clip, result, segment=segment)
        play(played, played_sr, alt=_("What the model heard, played back"))
        st.caption(
            _(
                "The second player resynthesises the predictions: every segment labelled as a "
                "note is played as a soft tone of that note (in its own octave where the pitch "
                "was found, else octave 4), silence stays silent."
            )
        )
with right:
    st.plotly_chart(
        distribution_figure(result, title=_("Whole-song summary")),
        key="classify.summary",
        alt=_("Share of time and mean probability of each class"),
    )
    st.caption(
        _(
            "Blue: share of the time each label covers. Orange: the class probabilities averaged "
            "over the song; for a song-level model (a genre model, say) this is its verdict."
        )
    )

# The note with its octave is known only where the pitch was tracked (at onsets): with
# fixed windows the column was empty on every row.
pitched = notes and any(s.midi is not None for s in result.segments)
st.dataframe(
    [
        {
            _("start (s)"): round(s.start_s, 2),
            _("end (s)"): round(s.end_s, 2),
            _("label"): s.label,
            **(
                {_("note"): synth.midi_to_note(s.midi) if s.midi is not None else ""}
                if pitched
                else {}
            ),
            _("confidence"): round(s.confidence, 3),
        }
        for s in result.segments
    ],
    key="classify.table",
    hide_index=True,
)
stem = clip.name.rsplit(".", 1)[0] or "song"
left, right = st.columns(2)
left.download_button(
    _("Download the segments (CSV)"),
    segments_csv(result),
    file_name=f"{stem}_segments.csv",
    mime="text/csv",
    key="classify.csv",
    icon=":material/download:",
)
if notes:
    right.download_button(
        _("Download the notes (MIDI)"),
        notes_to_midi(notes_of(result.segments)),
        file_name=f"{stem}.mid",
        mime="audio/midi",
        key="classify.midi",
        icon=":material/piano:",
        help=_(
            "Open it in any music program (MuseScore, GarageBand, a DAW) to see and play "
            "the notes; rests are the gaps between them."
        ),
    )
