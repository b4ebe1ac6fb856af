"""Synthesize page: tone controls, the data-set builder, preview, download and re-upload."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from musicml.dataio import dataset_to_zip
from musicml.datasets import sound_silence_dataset

TIMEOUT = 120


def _open() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/synthesize.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    return [spec["layout"]["title"]["text"] for spec in specs(at)]


def array(value) -> np.ndarray:
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def test_defaults_show_the_tone_the_example_preview_and_downloads():
    at = _open()
    assert {"The first millisecond", "The whole signal"} <= set(titles(at))
    first_ms = next(s for s in specs(at) if s["layout"]["title"]["text"].startswith("The first"))
    y = array(first_ms["data"][0]["y"])
    assert len(y) == round(22050 / 1000)
    assert np.abs(y).max() <= 0.8 + 1e-6
    assert at.download_button(key="synth.download")
    assert at.download_button(key="synth.download_zip")
    assert "example" in at.info[0].value
    # The example preview: thumbnails titled with their labels.
    assert {"C", "D", "silence"} <= set(titles(at))


def test_timbre_envelope_noise_and_room_controls():
    at = _open()
    at.selectbox(key="synth.timbre").set_value("clarinet")
    at.selectbox(key="synth.envelope").set_value("pluck")
    at.toggle(key="synth.noise").set_value(True)
    at.slider(key="synth.rt60").set_value(0.8)
    at.slider(key="synth.freq").set_value(440).run()
    assert not at.exception and not at.error
    assert any("**A4**" in c.value for c in at.caption)


def test_melody_and_chord():
    at = _open()
    at.segmented_control(key="synth.music_mode").set_value("Melody").run()
    assert not at.exception
    assert any(c.value.startswith("Melody: ") for c in at.caption)


def test_build_a_data_set_then_preview_it_for_other_pages():
    at = _open()
    at.radio(key="synth.ds_kind").set_value("sound-silence")
    at.slider(key="synth.ds_per_class").set_value(3)
    at.button(key="synth.build").click().run()
    assert not at.exception and not at.error
    assert at.progress[0].value == 100
    (name,) = at.session_state["datasets"]
    dataset = at.session_state["datasets"][name]
    assert dataset.counts == {"silence": 3, "sound": 3}
    assert at.selectbox(key="synth.preview_name").value == name
    assert titles(at).count("sound") == 2 and titles(at).count("silence") == 2
    assert len(at.get("audio")) >= 5


@pytest.mark.slow
def test_build_notes_with_twelve_pitch_classes():
    at = _open()
    at.slider(key="synth.ds_per_class").set_value(2)
    at.toggle(key="synth.ds_chromatic").set_value(True)
    at.multiselect(key="synth.ds_timbres").set_value(["piano", "flute"])
    at.button(key="synth.build").click().run()
    assert not at.exception and not at.error
    (dataset,) = at.session_state["datasets"].values()
    assert len(dataset.classes) == 13
    assert dataset.settings["timbres"] == ["piano", "flute"]


def test_upload_a_zip_round_trip_and_use_it():
    made = sound_silence_dataset(per_class=2, seed=5)
    at = _open()
    at.file_uploader(key="synth.upload").set_value(("mine.zip", dataset_to_zip(made), "zip"))
    at.run()
    assert not at.exception and not at.error
    (name,) = at.session_state["datasets"]
    assert name.startswith("upload: mine.zip")
    back = at.session_state["datasets"][name]
    assert back.labels.tolist() == made.labels.tolist()
    assert all(np.array_equal(a, b) for a, b in zip(back.clips, made.clips, strict=True))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_zip({"readme.txt": b"no audio here"}), "no labelled audio"),
        (_zip({"../x/evil.wav": b"RIFF"}), "climbs out"),
        (b"this is not a zip file at all", "not a readable zip"),
    ],
)
def test_bad_uploads_show_an_error_not_a_traceback(data, message):
    at = _open()
    at.file_uploader(key="synth.upload").set_value(("bad.zip", data, "zip")).run()
    assert not at.exception
    assert message in at.error[0].value


def test_upload_gtzan_layout_keeping_the_first_second_of_each_song():
    import soundfile as sf

    def song(f: float) -> bytes:
        t = np.arange(3 * 22050) / 22050
        buffer = io.BytesIO()
        sf.write(buffer, 0.3 * np.sin(2 * np.pi * f * t), 22050, format="WAV")
        return buffer.getvalue()

    data = _zip(
        {
            f"genres/{g}/{g}.{i:05d}.wav": song(100 * (i + 2))
            for g in ("blues", "jazz")
            for i in range(2)
        }
    )
    at = _open()
    at.selectbox(key="synth.upload_seconds").set_value(1.0)
    at.file_uploader(key="synth.upload").set_value(("gtzan.zip", data, "zip")).run()
    assert not at.exception and not at.error
    (dataset,) = at.session_state["datasets"].values()
    assert dataset.counts == {"blues": 2, "jazz": 2}
    assert {len(c) for c in dataset.clips} == {22050}


def test_a_tone_above_nyquist_shows_an_error_and_the_rest_of_the_page_stays():
    at = _open()
    at.selectbox(key="synth.sr").set_value(8000)
    at.slider(key="synth.freq").set_value(5000).run()
    assert not at.exception
    assert "half the sample rate" in at.error[0].value
    assert at.button(key="synth.build")  # the builder below is still there
    assert at.download_button(key="synth.download_zip")


def test_an_upload_after_a_build_becomes_the_previewed_set():
    """Issue 15: with a set already built, an uploaded zip hid in the "Data set" list
    while the preview stayed on the old set."""
    at = _open()
    at.radio(key="synth.ds_kind").set_value("sound-silence")
    at.slider(key="synth.ds_per_class").set_value(3)
    at.button(key="synth.build").click().run()
    built = at.selectbox(key="synth.preview_name").value
    made = sound_silence_dataset(per_class=2, seed=5)
    at.file_uploader(key="synth.upload").set_value(("mine.zip", dataset_to_zip(made), "zip"))
    at.run()
    assert not at.exception and not at.error
    shown = at.selectbox(key="synth.preview_name").value
    assert shown != built and shown.startswith("upload: mine.zip")
    assert any("**upload: mine.zip" in c.value and "4 clips" in c.value for c in at.caption)


def test_the_whole_file_is_an_option_not_an_empty_choice():
    """A None option made the box show a clear "x" after any rerun, as if nothing were chosen."""
    at = _open()
    box = at.selectbox(key="synth.upload_seconds")
    assert box.value == 0.0 and box.format_func(box.value) == "the whole file"


def test_a_1000_hz_tone_goes_through_one_cycle_not_one_cycles():
    at = _open()
    assert any("goes through 1 cycle;" in c.value for c in at.caption)
    at.slider(key="synth.freq").set_value(440).run()
    assert any("goes through 0.44 cycles;" in c.value for c in at.caption)
