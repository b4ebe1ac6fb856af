"""Music analysis page: defaults, every view, controls that change the output, uploads."""

from __future__ import annotations

import numpy as np
from conftest import chart_spec, encode, open_page
from streamlit.testing.v1 import AppTest

from musicml.analysis import example_song

TIMEOUT = 120


def _open() -> AppTest:
    return open_page("pages/music_analysis.py", timeout=TIMEOUT)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_defaults_show_tempo_beats_key_and_clicks():
    at = _open()
    assert not at.error
    metrics = _metrics(at)
    assert metrics["Tempo"].endswith("BPM") and abs(float(metrics["Tempo"].split()[0]) - 120) < 2.4
    assert metrics["Key (estimate)"] == "C major"
    assert int(metrics["Beats"]) >= 12
    names = [trace["name"] for trace in chart_spec(at)["data"]]
    assert any(n.startswith("beats") for n in names) and any(n.startswith("onsets") for n in names)
    assert at.download_button(key="analysis.download_json")
    # The click mix, the harmonic part and the percussive part (the default view).
    assert len(at.get("audio")) == 3


def test_the_click_caption_follows_the_click_choice():
    at = _open()

    def click_caption() -> str:
        return next(c.value for c in at.caption if c.value.startswith("Listen to"))

    assert "every detected beat" in click_caption() and "beat tracker" in click_caption()
    beats_wav = at.get("audio")[0].proto.url
    at.segmented_control(key="analysis.click_on").set_value("onsets").run()
    assert not at.exception
    assert "every detected onset: each should land where a note starts" in click_caption()
    assert "beat tracker" not in click_caption() and "pulse" not in click_caption()
    assert at.get("audio")[0].proto.url != beats_wav, "the mix itself changes too"


def test_every_view_renders_and_controls_change_the_output():
    at = _open()
    at.segmented_control(key="analysis.source").set_value("Example: slower groove, 96 BPM").run()
    assert abs(float(_metrics(at)["Tempo"].split()[0]) - 96) < 2
    for view in (
        "Stretch & shift",
        "NMF",
        "Beat-synchronous features",
        "CQT & chroma",
        "Key",
        "Harmonic / percussive",
    ):
        at.segmented_control(key="analysis.view").set_value(view).run()
        assert not at.exception, (view, at.exception)
        assert not at.error, view
    at.segmented_control(key="analysis.view").set_value("NMF").run()
    assert len(at.get("audio")) == 1 + 4 + 1  # clicks, four components, the reconstruction
    error_4 = float(_metrics(at)["Reconstruction error ‖V − WH‖ / ‖V‖"])
    at.slider(key="analysis.components").set_value(8).run()
    assert len(at.get("audio")) == 1 + 8 + 1
    assert float(_metrics(at)["Reconstruction error ‖V − WH‖ / ‖V‖"]) < error_4
    at.segmented_control(key="analysis.view").set_value("Stretch & shift").run()

    def duration_caption() -> str:
        return next(c.value for c in at.caption if "becomes" in c.value)

    assert duration_caption() == "8.0 s becomes 6.4 s."
    at.slider(key="analysis.rate").set_value(2.0).run()
    assert duration_caption() == "8.0 s becomes 4.0 s."


def test_upload_is_analysed_and_bad_upload_shows_an_error():
    clip = example_song(bpm=100.0, duration=6.0, sr=44100)
    flac = encode(np.stack([clip.audio, clip.audio], axis=1), 44100, fmt="FLAC")
    at = _open()
    at.segmented_control(key="analysis.source").set_value("Upload a file").run()
    at.file_uploader(key="analysis.upload").set_value(("song.flac", flac, "audio/flac"))
    at.run()
    assert not at.exception and not at.error
    assert abs(float(_metrics(at)["Tempo"].split()[0]) - 100) < 2
    at.file_uploader(key="analysis.upload").set_value(
        ("broken.wav", b"RIFF this is not a wave file", "audio/wav")
    )
    at.run()
    assert not at.exception
    assert at.error and "could not be read as audio" in at.error[0].value


def test_synthesizer_melody_follows_its_tempo_slider():
    at = _open()
    at.segmented_control(key="analysis.source").set_value("Synthesizer: melody").run()
    assert not at.exception and not at.error
    assert abs(float(_metrics(at)["Tempo"].split()[0]) - 100) < 2
    at.slider(key="analysis.synth.bpm").set_value(140).run()
    assert abs(float(_metrics(at)["Tempo"].split()[0]) - 140) < 2.8
    at.segmented_control(key="analysis.source").set_value("Data-set clip").run()
    assert not at.exception and at.info  # no data set yet: a hint, not an error


def test_long_upload_works_on_a_movable_excerpt():
    clip = example_song(bpm=120.0, duration=20.0)
    wav = encode(clip.audio, clip.sr)
    at = _open()
    at.segmented_control(key="analysis.view").set_value("Key").run()  # cheap while uploading
    at.segmented_control(key="analysis.source").set_value("Upload a file").run()
    at.file_uploader(key="analysis.upload").set_value(("long.wav", wav, "audio/wav"))
    at.run()
    assert not at.exception and not at.error
    assert int(_metrics(at)["Beats"]) >= 35  # beats of the whole piece, not the excerpt
    at.segmented_control(key="analysis.view").set_value("Stretch & shift").run()
    assert next(c.value for c in at.caption if "becomes" in c.value).startswith("15.0 s")
    at.slider(key="analysis.start").set_value(5.0).run()
    assert not at.exception
    assert next(c.value for c in at.caption if "becomes" in c.value).startswith("15.0 s")


def test_the_shortest_accepted_upload_works_in_every_view():
    noise = 0.1 * np.random.default_rng(1).standard_normal(round(0.05 * 22050))
    at = _open()
    at.segmented_control(key="analysis.source").set_value("Upload a file").run()
    at.file_uploader(key="analysis.upload").set_value(
        ("blip.wav", encode(noise.astype(np.float32), 22050), "audio/wav")
    )
    at.run()
    for view in at.segmented_control(key="analysis.view").options:
        at.segmented_control(key="analysis.view").set_value(view).run()
        assert not at.exception, view
        assert not at.error, (view, [e.value for e in at.error])


def test_clicks_on_onsets_stay_over_an_upload():
    """Onsets, then an upload: the control shows onsets and the caption says onsets."""
    clip = example_song(bpm=120.0, duration=4.0)
    at = _open()
    at.segmented_control(key="analysis.view").set_value("Key").run()  # cheap
    at.segmented_control(key="analysis.click_on").set_value("onsets").run()
    at.segmented_control(key="analysis.source").set_value("Upload a file").run()
    at.file_uploader(key="analysis.upload").set_value(
        ("song.wav", encode(clip.audio, clip.sr), "audio/wav")
    )
    at.run()
    assert not at.exception and not at.error
    assert at.segmented_control(key="analysis.click_on").value == "onsets"
    hint = next(c.value for c in at.caption if "with a click on every" in c.value)
    assert "detected onset" in hint


def test_nmf_rebuild_starts_from_all_components_of_a_new_decomposition():
    at = _open()
    at.segmented_control(key="analysis.view").set_value("NMF").run()
    at.multiselect(key="analysis.chosen").set_value([1, 2]).run()
    assert at.multiselect(key="analysis.chosen").value == [1, 2]
    at.slider(key="analysis.components").set_value(6).run()
    assert not at.exception and not at.error
    assert at.multiselect(key="analysis.chosen").value == [1, 2, 3, 4, 5, 6]
    at.segmented_control(key="analysis.source").set_value("Example: slower groove, 96 BPM").run()
    assert at.slider(key="analysis.components").value == 6  # the user's choice stays
    assert at.multiselect(key="analysis.chosen").value == [1, 2, 3, 4, 5, 6]
