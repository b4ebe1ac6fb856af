"""skops persistence: round trips, and hostile files refused without running anything."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
import skops.io as sio

from musicml.datasets import sound_silence_dataset
from musicml.errors import ModelFileError
from musicml.models import fit_model
from musicml.persistence import (
    TRUSTED_TYPES,
    inspect_model_file,
    load_model,
    model_bytes,
    save_model,
)


@pytest.fixture(scope="module")
def data():
    return sound_silence_dataset(per_class=12, sr=8000, seed=1, frequencies=(500.0, 1000.0, 2000.0))


@pytest.mark.parametrize(
    "options",
    [
        {"model": "logreg", "multiclass": "ovr"},
        {"model": "svm", "multiclass": "ovo", "reduce": "pca", "n_components": 3},
        {"model": "knn"},
        {"model": "forest", "n_trees": 5},
    ],
)
def test_round_trip_predicts_identically(tmp_path, data, options):
    model = fit_model(data, features="mel", feature_params={"n_mels": 16}, name="m", **options)
    model.metrics["accuracy"] = 0.9
    path = save_model(model, tmp_path / "m.skops")
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(data.clips), model.predict(data.clips))
    np.testing.assert_allclose(loaded.probabilities(data.clips), model.probabilities(data.clips))
    assert loaded.classes == model.classes
    assert loaded.features["kind"] == "mel" and loaded.features["n_mels"] == 16
    assert loaded.metrics["accuracy"] == 0.9
    assert loaded.spec["model"] == options["model"]
    assert "scikit-learn" in loaded.info["versions"]


def test_file_names_its_settings_and_versions(data):
    model = fit_model(data, feature_params={"n_mels": 16}, name="m")
    with zipfile.ZipFile(io.BytesIO(model_bytes(model))) as archive:
        schema = archive.read("schema.json").decode()
    assert "musicml.features" in schema
    report = inspect_model_file(model_bytes(model))
    assert report["untrusted"] == []
    assert set(report["types"]) <= TRUSTED_TYPES


class _Marker:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickle_file_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned.txt"
    evil = tmp_path / "model.skops"
    evil.write_bytes(pickle.dumps(_Marker(str(marker))))
    with pytest.raises(ModelFileError, match="pickle"):
        load_model(evil)
    assert not marker.exists()


def test_skops_file_with_a_foreign_type_is_refused_and_nothing_runs(tmp_path, data):
    marker = tmp_path / "pwned.txt"
    model = fit_model(data, feature_params={"n_mels": 16})
    document = {
        "pipeline": model.pipeline,
        "meta": json.dumps({"format": "musicml-model", "classes": model.classes}),
        # A type skops itself would refuse by default, and musicml too.
        "extra": _Marker(str(marker)),
    }
    buffer = io.BytesIO()
    sio.dump(document, buffer)
    with pytest.raises(ModelFileError, match=r"does not trust: .*_Marker"):
        load_model(buffer.getvalue())

    # A schema edited by hand to call a function (os.system) when built.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        schema = json.loads(archive.read("schema.json"))
        members = {n: archive.read(n) for n in archive.namelist() if n != "schema.json"}
    schema["content"]["extra"] = {
        "__class__": "system",
        "__module__": "os",
        "__loader__": "FunctionNode",
        "content": {"module_path": "os", "function": "system"},
        "__id__": 1,
    }
    hacked = io.BytesIO()
    with zipfile.ZipFile(hacked, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(ModelFileError, match=r"does not trust: .*os\.system"):
        load_model(hacked.getvalue())
    assert not marker.exists()


def test_skops_file_with_an_unlisted_sklearn_type_is_refused(data):
    # skops trusts scikit-learn estimators by default; musicml's list is narrower.
    from sklearn.preprocessing import MinMaxScaler

    model = fit_model(data, feature_params={"n_mels": 16})
    buffer = io.BytesIO()
    sio.dump({"pipeline": model.pipeline, "meta": "{}", "x": MinMaxScaler()}, buffer)
    with pytest.raises(ModelFileError, match="MinMaxScaler"):
        load_model(buffer.getvalue())


@pytest.mark.parametrize(
    "payload",
    [b"", b"garbage bytes, not a model", b"PK\x03\x04 broken zip", b"\x80\x04\x95 pickle"],
)
def test_garbage_is_refused(payload):
    with pytest.raises(ModelFileError):
        load_model(payload)


def test_skops_file_that_is_not_a_musicml_model_is_refused():
    buffer = io.BytesIO()
    sio.dump({"a": [1, 2, 3]}, buffer)
    with pytest.raises(ModelFileError, match="not a musicml model"):
        load_model(buffer.getvalue())


def test_missing_file_and_wrong_extension(tmp_path, data):
    with pytest.raises(ModelFileError, match="no model file"):
        load_model(tmp_path / "nope.skops")
    model = fit_model(data, feature_params={"n_mels": 16})
    with pytest.raises(ModelFileError, match=r"\.skops"):
        save_model(model, tmp_path / "model.pkl")
    assert not os.path.exists(tmp_path / "model.pkl")
