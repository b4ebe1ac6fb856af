"""Classify page: defaults, an upload, a recording, a bad upload, and a model file."""

from __future__ import annotations

import pytest
from conftest import ROOT, chart_spec, encode, open_page
from streamlit.testing.v1 import AppTest

from musicml.builtin import example_melody

TIMEOUT = 120
SR = 22050


def _open() -> AppTest:
    return open_page("pages/classify.py", timeout=TIMEOUT)


def _with_model_file(at: AppTest, name: str, data: bytes) -> AppTest:
    """Choose "upload a model" and upload ``data`` as the model file ``name``."""
    upload = next(o for o in at.selectbox(key="classify.model").options if "Upload" in o)
    at.selectbox(key="classify.model").set_value(upload).run()
    at.file_uploader(key="classify.model_upload").set_value(
        (name, data, "application/octet-stream")
    ).run()
    return at


def _timeline_labels(at: AppTest) -> list[str]:
    figure = chart_spec(at)
    return sorted({t["name"] for t in figure["data"] if t.get("type") == "bar"})


def test_defaults_classify_the_example_melody():
    at = _open()
    assert not at.error
    assert set(_timeline_labels(at)) == {"A", "B", "C", "D", "E", "F", "G", "silence"}
    assert at.download_button(key="classify.csv")
    assert len(at.get("audio")) == 1, "the resynthesis is made on request"
    at.toggle(key="classify.hear").set_value(True).run()
    assert not at.exception and not at.error
    assert len(at.get("audio")) == 2  # the song and its resynthesis


def test_upload_is_classified():
    audio, _ = example_melody(sr=44100, notes=("D4", "D4", "silence"))
    at = _open()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("x.wav", encode(audio, 44100), "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    assert _timeline_labels(at) == ["D", "silence"]
    assert "Mostly **D**" in at.subheader[0].value


def test_one_note_in_a_quiet_room_is_summarised_as_that_note():
    audio, _ = example_melody(sr=SR, notes=("A4", "silence", "silence", "silence"))
    at = _open()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("a.wav", encode(audio, SR), "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("Note heard longest (25% of the time, silence 75%)")
    assert at.subheader[0].value.endswith("**A**")


def test_recording_is_classified_with_the_sound_silence_model():
    audio, _ = example_melody(sr=SR, notes=("G4", "silence", "C5"))
    at = _open()
    model = next(o for o in at.selectbox(key="classify.model").options if "sound-silence" in o)
    at.selectbox(key="classify.model").set_value(model).run()
    at.segmented_control(key="classify.source").set_value("Record").run()
    at.audio_input(key="classify.record").set_value(
        ("rec.wav", encode(audio, SR), "audio/wav")
    ).run()
    assert not at.exception and not at.error
    assert _timeline_labels(at) == ["silence", "sound"]


def test_segment_count_is_pluralised():
    audio, _ = example_melody(sr=SR, notes=("A4",))
    at = _open()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("a.wav", encode(audio, SR), "audio/wav"))
    at.run()
    at.slider(key="classify.seconds").set_value(10.0).run()
    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if " over " in m.value)
    assert summary.startswith("1 segment over "), summary
    at.slider(key="classify.seconds").set_value(0.25).run()
    summary = next(m.value for m in at.markdown if " over " in m.value)
    assert summary.split()[1] == "segments", summary


def test_bad_upload_shows_an_error_not_a_traceback():
    at = _open()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(
        ("x.wav", b"this is not audio" * 50, "audio/wav")
    ).run()
    assert not at.exception
    assert at.error and "could not be read as audio" in at.error[0].value


@pytest.mark.parametrize("payload", [b"\x80\x04\x95 a pickle", b"garbage"])
def test_bad_model_file_shows_an_error(payload):
    at = _with_model_file(_open(), "m.skops", payload)
    assert not at.exception
    assert at.error and "skops" in at.error[0].value


def test_onsets_segmentation():
    at = _open()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    assert not at.exception and not at.error
    assert "segments" in at.markdown[1].value or at.get("plotly_chart")


def test_uploaded_skops_model_is_used():
    from musicml.builtin import MODELS_DATA

    data = (MODELS_DATA / "sound-silence.skops").read_bytes()
    at = _with_model_file(_open(), "mine.skops", data)
    assert not at.exception and not at.error
    assert _timeline_labels(at) == ["silence", "sound"]


def test_model_trained_this_session_is_offered():
    from musicml.datasets import sound_silence_dataset
    from musicml.models import fit_model

    model = fit_model(sound_silence_dataset(per_class=10), name="my-model")
    at = AppTest.from_file(str(ROOT / "pages/classify.py"), default_timeout=TIMEOUT)
    at.session_state["models"] = {"my-model": model}
    at.run()
    option = next(o for o in at.selectbox(key="classify.model").options if "my-model" in o)
    at.selectbox(key="classify.model").set_value(option).run()
    assert not at.exception and not at.error
    assert set(_timeline_labels(at)) <= {"silence", "sound"}


def test_edited_model_file_shows_an_error_not_a_traceback():
    import io
    import json

    import skops.io as sio

    from musicml.builtin import builtin_model
    from musicml.persistence import model_metadata

    model = builtin_model("builtin:sound-silence")
    meta = {**model_metadata(model), "classes": ["cat", "dog", "bird"]}
    buffer = io.BytesIO()
    sio.dump({"pipeline": model.pipeline, "meta": json.dumps(meta)}, buffer)
    at = _with_model_file(_open(), "edited.skops", buffer.getvalue())
    assert not at.exception
    assert at.error and "names the classes ['cat', 'dog', 'bird']" in at.error[0].value


def test_onsets_show_frames_octaves_and_download_the_notes_as_midi(media_bytes):
    """The tracker's lesson (frame probabilities), notes in their octave, a MIDI file."""
    from musicml.transcription import notes_from_midi

    at = _open()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    assert not at.exception and not at.error
    frames = next(
        c
        for c in (chart_spec(at, i) for i in range(4))
        if "Frame by frame" in c["layout"]["title"]["text"]
    )
    assert frames["data"][0]["type"] == "heatmap" and "silence" in frames["data"][0]["y"]
    song = next(
        c
        for c in (chart_spec(at, i) for i in range(4))
        if "waveform and labels" in c["layout"]["title"]["text"]
    )
    rows = set(song["layout"]["yaxis2"]["categoryarray"])
    # The example melody: C4 E4 G4, a rest, A3 F4 D5 B4 C5, each note on its own pitch's row.
    assert {"C4", "E4", "G4", "A3", "F4", "D5", "B4", "C5", "silence"} <= rows
    midi = media_bytes(at.download_button(key="classify.midi").proto.url)
    notes = notes_from_midi(midi)
    assert [n.midi for n in notes] == [60, 64, 67, 57, 65, 74, 71, 72]
    assert notes[3].start_s == pytest.approx(4.0, abs=0.05)  # after the rest, on time


def test_a_truth_file_beside_the_audio_gives_scores_and_a_comparison():
    _, truth = example_melody(sr=SR)
    csv_text = "start_s,end_s,label\n" + "".join(
        f"{start},{end},{label}\n" for start, end, label in truth if label != "silence"
    )
    at = _open()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    at.toggle(key="classify.check_truth").set_value(True).run()
    at.file_uploader(key="classify.truth").set_value(("truth.csv", csv_text.encode(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    values = {m.label: m.value for m in at.metric}
    assert float(values["Time labelled right"].rstrip("%")) >= 90
    assert float(values["Note F1"].rstrip("%")) >= 85
    titles = [
        chart_spec(at, i)["layout"]["title"]["text"] for i in range(len(at.get("plotly_chart")))
    ]
    assert "Truth and prediction" in titles


def test_a_truth_file_that_is_not_notes_is_one_plain_message():
    at = _open()
    at.toggle(key="classify.check_truth").set_value(True).run()
    at.file_uploader(key="classify.truth").set_value(
        ("truth.csv", b"\xff\xfe\x00garbage", "text/csv")
    )
    at.run()
    assert not at.exception
    assert at.error and "truth" in at.error[0].value


@pytest.mark.parametrize(
    ("how", "segment"), [("Fixed windows", "1"), ("At detected onsets", "onsets")]
)
def test_the_page_and_the_command_line_give_the_same_segments(tmp_path, how, segment):
    """One road: the same WAV through the page and through `classify --json`."""
    import json

    from conftest import run_cli

    audio, _ = example_melody(sr=44100, notes=("E4", "silence", "G4", "G4", "C5"))
    wav = tmp_path / "melody.wav"
    wav.write_bytes(encode(audio, 44100))
    result = run_cli("classify", str(wav), "--segment", segment, "--json")
    assert result.returncode == 0, result.stderr
    cli = [(s["start_s"], s["end_s"], s["label"]) for s in json.loads(result.stdout)[0]["segments"]]

    at = _open()
    at.radio(key="classify.how").set_value(how).run()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("melody.wav", wav.read_bytes(), "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    page = list(zip(table["start (s)"], table["end (s)"], table["label"], strict=True))
    assert [label for *_, label in page] == [label for *_, label in cli]
    for (start, end, _), (cli_start, cli_end, _) in zip(page, cli, strict=True):
        assert start == pytest.approx(cli_start, abs=0.006) and end == pytest.approx(
            cli_end, abs=0.006
        )


def _segments_shown(at: AppTest) -> int:
    """The number of segments the page says it cut (its "N segments over …" line)."""
    text = next(m.value for m in at.markdown if " over " in m.value and "segment" in m.value)
    return int(text.split()[0])


def test_window_follows_the_model_and_stays_over_new_audio():
    """Window 0.5 s, then an upload: shown and used stay 0.5; a 3 s model: both become 3."""
    import dataclasses

    from musicml.builtin import builtin_model

    long = dataclasses.replace(
        builtin_model("builtin:sound-silence"), name="long", clip_seconds=3.0
    )
    audio, _ = example_melody(sr=SR, notes=("A4", "C5", "E5", "A4"))  # 4 s
    at = _open()
    at.session_state["models"] = {"long": long}
    at.run()
    at.slider(key="classify.seconds").set_value(0.5).run()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("a.wav", encode(audio, SR), "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    assert at.slider(key="classify.seconds").value == 0.5
    assert _segments_shown(at) == 8
    option = next(o for o in at.selectbox(key="classify.model").options if "long" in o)
    at.selectbox(key="classify.model").set_value(option).run()
    assert not at.exception and not at.error
    assert at.slider(key="classify.seconds").value == 3.0
    assert _segments_shown(at) == 1  # one 3 s window; the 1 s left over joins it


def test_a_song_and_its_settings_stay_while_a_model_file_is_chosen():
    """Upload a song, cut at onsets, then "Upload a .skops model": the song stays uploaded.

    The page waits for the model file, and Streamlit forgets the state of a widget it does
    not draw, so the song's uploader and the cut are drawn (or kept) during that run.
    """
    from musicml.builtin import builtin_model
    from musicml.persistence import model_bytes

    audio, _ = example_melody(sr=SR, notes=("A4", "C5", "E5", "A4"))
    at = _open()
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    at.file_uploader(key="classify.upload").set_value(("a.wav", encode(audio, SR), "audio/wav"))
    at.run()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    before = _segments_shown(at)
    upload = next(o for o in at.selectbox(key="classify.model").options if "Upload" in o)
    at.selectbox(key="classify.model").set_value(upload).run()
    assert not at.exception and not at.error
    assert [u.key for u in at.file_uploader] == ["classify.model_upload", "classify.upload"]
    at.file_uploader(key="classify.model_upload").set_value(
        ("notes.skops", model_bytes(builtin_model("builtin:notes")), "application/octet-stream")
    ).run()
    assert not at.exception and not at.error
    assert at.file_uploader(key="classify.upload").value.name == "a.wav"
    assert at.radio(key="classify.how").value == "At detected onsets"
    assert _segments_shown(at) == before, "the same song, cut the same way by the same model"


def test_the_note_column_shows_only_where_notes_have_an_octave():
    """With fixed windows the table's "note" column was empty on every row."""
    at = _open()
    assert "note" not in at.dataframe[0].value.columns
    at.radio(key="classify.how").set_value("At detected onsets").run()
    notes = at.dataframe[0].value["note"]
    assert not at.exception and "C4" in set(notes)


def test_a_noisy_room_is_named_in_plain_words():
    import numpy as np

    audio, _ = example_melody(sr=SR)
    hiss = np.random.default_rng(0).normal(0.0, 10 ** (-40 / 20), len(audio))
    at = _open()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    assert not any("noisy" in i.value for i in at.info)  # the example: a quiet room
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    noisy = encode((audio + hiss).astype(np.float32), SR)
    at.file_uploader(key="classify.upload").set_value(("hiss.wav", noisy, "audio/wav")).run()
    assert not at.exception and not at.error
    assert any("room is noisy" in i.value for i in at.info)


def test_a_quiet_recording_is_named_in_plain_words():
    audio, _ = example_melody(sr=SR)
    at = _open()
    at.radio(key="classify.how").set_value("At detected onsets").run()
    assert not any("quiet" in i.value for i in at.info)  # the example: well recorded
    at.segmented_control(key="classify.source").set_value("Upload a file").run()
    quiet = encode((0.01 * audio).astype(audio.dtype), SR)
    at.file_uploader(key="classify.upload").set_value(("far.wav", quiet, "audio/wav")).run()
    assert not at.exception and not at.error
    assert any("recording is quiet" in i.value and "30 dB" in i.value for i in at.info)
    assert "C4" in set(at.dataframe[0].value["note"])  # still heard note for note
