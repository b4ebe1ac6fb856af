"""Train page: trains on its defaults, compares models, takes an upload, downloads .skops."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from conftest import encode, open_page
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
    at = _open()
    at.selectbox(key="train.data").set_value("Built-in: notes C–B and silence").run()
    at.slider(key="train.per_class").set_value(10).run()
    at.selectbox(key="train.features").set_value("chroma")
    at.selectbox(key="train.multiclass").set_value("ovo")
    at.button[0].click().run()  # the form's Train button
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    models = at.session_state["models"]
    assert len(models) == 2
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


def test_recorded_examples_train_a_model():
    at = _open()
    at.selectbox(key="train.data").set_value("Record or upload your own examples").run()
    assert not at.exception
    for label, frequency in (("hum", 150.0), ("whistle", 3000.0)):
        at.text_input(key="train.own_label").set_value(label).run()
        at.audio_input(key="train.record").set_value(
            ("rec.wav", _wav_of(frequency), "audio/wav")
        ).run()
        at.button(key="train.own_add").click().run()
        assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.session_state["train.examples"]) == 2
    newest = list(at.session_state["models"].values())[-1]
    assert newest.classes == ["hum", "whistle"]
    assert newest.metrics["n_train"] + newest.metrics["n_test"] == 6  # 3 s each, 1 s clips
