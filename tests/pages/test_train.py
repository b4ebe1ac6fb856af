"""Train page: trains on its defaults, compares models, takes an upload, downloads .skops."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from conftest import chart_spec, encode, open_page
from streamlit.testing.v1 import AppTest

from musicml.persistence import load_model

TIMEOUT = 180
SR = 22050


def _open() -> AppTest:
    return open_page("pages/train.py", timeout=TIMEOUT)


def _labelled_zip() -> bytes:
    rng = np.random.default_rng(0)
    t = np.arange(SR // 2) / SR
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for label, f in (("hum", 150.0), ("whistle", 3000.0)):
            for i in range(6):
                audio = 0.4 * np.sin(2 * np.pi * f * rng.uniform(0.9, 1.1) * t)
                archive.writestr(f"{label}/{label}{i}.wav", encode(audio.astype(np.float32), SR))
    return buffer.getvalue()


def test_defaults_train_and_offer_a_download():
    at = _open()
    assert not at.error
    accuracy = next(m for m in at.metric if m.label == "Held-out accuracy")
    assert accuracy.value.endswith("%")
    assert at.download_button(key="train.download")
    models = at.session_state["models"]
    assert len(models) == 1
    (model,) = models.values()
    assert model.classes == ["silence", "sound"]


@pytest.mark.slow
def test_a_second_model_is_kept_for_comparison_and_strategy_changes():
    at = open_page("pages/train.py", timeout=TIMEOUT, state={"train.per_class": 10})
    at.selectbox(key="train.data").set_value("Built-in: notes C–B and silence").run()
    at.selectbox(key="train.features").set_value("chroma")
    at.selectbox(key="train.multiclass").set_value("ovo")
    at.button[0].click().run()  # the form's Train button
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    models = at.session_state["models"]
    # Every model trained on the way is kept under its own name (three): none replaced.
    assert len(models) == 3 and len(set(models)) == 3
    assert next(iter(models.values())).classes == ["silence", "sound"]
    newest = list(models.values())[-1]
    assert newest.spec["multiclass"] == "ovo"
    k = len(newest.classes)
    assert len(newest.pipeline.named_steps["model"].estimators_) == k * (k - 1) // 2


def test_uploaded_zip_trains(tmp_path):
    at = _open()
    at.selectbox(key="train.data").set_value("Upload a labelled zip").run()
    at.file_uploader(key="train.upload").set_value(
        ("tones.zip", _labelled_zip(), "application/zip")
    ).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    newest = list(at.session_state["models"].values())[-1]
    assert newest.classes == ["hum", "whistle"]
    path = tmp_path / "m.skops"
    from musicml.persistence import model_bytes

    path.write_bytes(model_bytes(newest))
    assert load_model(path).classes == ["hum", "whistle"]


def test_bad_zip_shows_an_error():
    at = _open()
    at.selectbox(key="train.data").set_value("Upload a labelled zip").run()
    at.file_uploader(key="train.upload").set_value(
        ("bad.zip", b"not a zip at all", "application/zip")
    ).run()
    assert not at.exception
    assert at.error


def _wav_of(frequency: float, seconds: float = 3.0) -> bytes:
    t = np.arange(int(seconds * SR)) / SR
    audio = 0.4 * np.sin(2 * np.pi * frequency * t) + 0.01 * np.random.default_rng(
        0
    ).standard_normal(len(t))
    return encode(audio.astype(np.float32), SR)


def _own_key(at, key: str) -> str:
    """The key of a "record your own" input in its current round (new after each Add)."""
    if "train.own_round" not in at.session_state:
        return key  # before issue 15 the keys had no round
    return f"{key}.{at.session_state['train.own_round']}"


def _add_example(at, label: str, frequency: float) -> None:
    """Record a tone as an example of ``label`` and press Add."""
    at.text_input(key="train.own_label").set_value(label).run()
    at.audio_input(key=_own_key(at, "train.record")).set_value(
        ("rec.wav", _wav_of(frequency), "audio/wav")
    ).run()
    at.button(key="train.own_add").click().run()
    assert not at.exception, at.exception


def test_recorded_examples_train_a_model():
    at = _open()
    at.selectbox(key="train.data").set_value("Record or upload your own examples").run()
    assert not at.exception
    for label, frequency in (("hum", 150.0), ("whistle", 3000.0)):
        _add_example(at, label, frequency)
    assert not at.error, [e.value for e in at.error]
    assert len(at.session_state["train.examples"]) == 2
    newest = list(at.session_state["models"].values())[-1]
    assert newest.classes == ["hum", "whistle"]
    assert newest.metrics["n_train"] + newest.metrics["n_test"] == 6  # 3 s each, 1 s clips


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_upload_keeps_a_valid_strategy_and_a_generic_hint_and_explains_fewer_folds():
    at = _open()
    assert at.selectbox(key="train.multiclass").value == "own"
    at.selectbox(key="train.data").set_value("Upload a labelled zip").run()
    at.file_uploader(key="train.upload").set_value(
        ("tones.zip", _labelled_zip(), "application/zip")
    ).run()
    assert not at.exception, at.exception
    strategy = at.selectbox(key="train.multiclass")
    # A value of None is what the browser showed as a blank "Choose an option".
    assert strategy.value == "own" and strategy.index == 0
    assert strategy.format_func(strategy.value) == "the model's own"
    assert at.selectbox(key="train.reduce").value == "none"
    hints = [i.value for i in at.info]
    assert any("perfect score" in h.lower() for h in hints)
    assert not any("sound vs silence" in h for h in hints)
    # 6 clips per class, 4 in training and 2 held out, but the whole set is
    # cross-validated: 6 clips in the smallest class allow 5 folds.
    assert not any("folds instead of" in c for c in _captions(at))
    at.selectbox(key="train.features").set_value("mfcc")
    at.button[0].click().run()  # a second model with other settings: plural caption
    n = len(at.session_state["models"])
    assert n >= 2
    assert any(f"The last {n} models trained in this session" in c for c in _captions(at))
    assert at.selectbox(key="train.multiclass").value == "own"


def test_too_few_clips_for_five_folds_is_explained():
    rng = np.random.default_rng(1)
    t = np.arange(SR // 2) / SR
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for label, f, count in (("a", 220.0, 4), ("e", 330.0, 6)):
            for i in range(count):
                audio = 0.4 * np.sin(2 * np.pi * f * rng.uniform(0.99, 1.01) * t)
                archive.writestr(f"{label}/{label}{i}.wav", encode(audio.astype(np.float32), SR))
    at = _open()
    at.selectbox(key="train.data").set_value("Upload a labelled zip").run()
    at.file_uploader(key="train.upload").set_value(
        ("ae.zip", buffer.getvalue(), "application/zip")
    ).run()
    assert not at.exception, at.exception
    assert at.radio(key="train.cv").value == "5-fold"
    assert "Only 4 clips in the smallest class, so 4 folds instead of 5" in " ".join(_captions(at))
    spec = chart_spec(at, [c.key for c in at.get("plotly_chart")].index("train.cv_figure"))
    assert "4-fold" in spec["layout"]["title"]["text"]


def test_defaults_say_one_model_and_the_sound_silence_hint_and_gabor_help():
    at = _open()
    assert any(
        c.startswith("The model trained in this session. It is also offered") for c in _captions(at)
    )
    if any("perfect score" in i.value.lower() for i in at.info):
        assert any("sound vs silence" in i.value for i in at.info)
    assert "gabor:" in at.selectbox(key="train.features").help


def test_switching_builtins_keeps_the_strategy_and_shows_progress_once():
    at = open_page("pages/train.py", timeout=TIMEOUT, state={"train.per_class": 10})
    at.selectbox(key="train.multiclass").set_value("ovr")
    at.button[0].click().run()
    at.selectbox(key="train.data").set_value("Built-in: timbres").run()
    assert at.slider(key="train.per_class").value == 10
    assert not at.exception, at.exception
    assert at.selectbox(key="train.multiclass").value == "ovr"
    at.selectbox(key="train.data").set_value("Built-in: sound vs silence").run()
    assert at.selectbox(key="train.multiclass").value == "ovr"
    assert not at.exception


def test_an_example_without_a_class_name_is_refused_and_the_others_are_kept():
    at = _open()
    at.selectbox(key="train.data").set_value("Record or upload your own examples").run()
    for label, frequency in (("hum", 150.0), ("   ", 3000.0), ("whistle", 3000.0)):
        _add_example(at, label, frequency)
        if not label.strip():
            assert at.error and "class name is empty" in at.error[0].value
    assert not at.error, [e.value for e in at.error]
    assert [label for label, *_ in at.session_state["train.examples"]] == ["hum", "whistle"]
    assert list(at.session_state["models"].values())[-1].classes == ["hum", "whistle"]


def test_the_page_and_the_command_line_train_with_the_same_mel_bands():
    """Issue 11: the page used 64 mel bands and the command line 128, so 'the same
    model' saved from the two roads was not the same."""
    from musicml.features import FeatureExtractor

    at = _open()
    assert not at.exception
    assert at.slider(key="train.n_mels").value == FeatureExtractor().n_mels == 128


def test_a_recording_goes_into_one_class_and_the_inputs_are_emptied_after_add():
    """Issue 15: record for "clap", Add, rename to "tone", upload two files, Add: the
    recording was added to "tone" too, and the recorder still held it."""
    at = _open()
    at.selectbox(key="train.data").set_value("Record or upload your own examples").run()
    at.text_input(key="train.own_label").set_value("clap").run()
    at.audio_input(key=_own_key(at, "train.record")).set_value(
        ("rec.wav", _wav_of(3000.0, seconds=4.0), "audio/wav")
    ).run()
    at.button(key="train.own_add").click().run()
    assert not at.exception, at.exception
    assert at.audio_input(key=_own_key(at, "train.record")).value is None
    at.text_input(key="train.own_label").set_value("tone").run()
    uploader = at.file_uploader(key=_own_key(at, "train.own_upload"))
    uploader.set_value(
        [
            ("a.wav", _wav_of(150.0, seconds=2.0), "audio/wav"),
            ("b.wav", _wav_of(200.0, seconds=2.0), "audio/wav"),
        ]
    ).run()
    at.button(key="train.own_add").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("clap (4), tone (4)" in c for c in _captions(at)), _captions(at)
    assert at.audio_input(key=_own_key(at, "train.record")).value is None
    assert not at.file_uploader(key=_own_key(at, "train.own_upload")).value


def test_the_same_settings_on_two_data_sets_make_two_models_both_offered():
    """Issue 15: logreg / mel / C=1 on one data set, then on another, were both named
    ``logreg-mel-C1-own``; Compare showed one and Classify lost the first."""
    at = _open()
    at.slider(key="train.per_class").set_value(10).run()  # a second, smaller data set
    assert not at.exception, at.exception
    models = at.session_state["models"]
    assert len(models) == 2, list(models)
    first, second = models
    assert first.endswith("sound-silence-40") and second.endswith("sound-silence-10")
    assert len(at.dataframe[0].value) == 2  # the Compare table
    at.switch_page("pages/classify.py").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="classify.model").options
    assert sum(o.startswith("trained: ") for o in options) == 2


@pytest.mark.slow
def test_the_tour_lands_on_the_notes_set_it_built_with_chroma_features():
    """Home's tour: build a notes set on Synthesize, then Train opens on it, with chroma."""
    at = open_page("pages/synthesize.py", timeout=TIMEOUT)
    at.slider(key="synth.ds_per_class").set_value(6).run()
    at.button(key="synth.build").click().run()
    assert not at.exception, at.exception
    (built,) = at.session_state["datasets"]
    at.switch_page("pages/train.py").run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert at.selectbox(key="train.data").value == f"This session: {built}"
    assert at.selectbox(key="train.features").value == "chroma"
    (model,) = at.session_state["models"].values()
    assert model.features["kind"] == "chroma"
    assert "silence" in model.classes and "A" in model.classes
    # Opened once on the new set: the visitor's own choice then stays.
    at.selectbox(key="train.data").set_value("Built-in: sound vs silence").run(timeout=TIMEOUT)
    assert at.selectbox(key="train.data").value == "Built-in: sound vs silence"


def test_suggested_features_follow_the_kind():
    from musicml.datasets import DATASET_KINDS, build_dataset, suggested_features

    assert DATASET_KINDS["notes"].features == "chroma"
    assert suggested_features(build_dataset("timbre", per_class=1, seed=0)) == "mel"


def test_the_compare_table_shows_accuracies_as_percentages_and_the_description_last():
    """The table showed "1" where the chart above it says 100 %."""
    at = _open()
    config = json.loads(at.dataframe[0].proto.columns)
    for name in ("accuracy", "training accuracy"):
        assert config[name]["type_config"]["format"] == "percent"
    # the long model description last: first, it pushed the times off the table's edge
    assert list(at.dataframe[0].value.columns)[-1] == "model"
