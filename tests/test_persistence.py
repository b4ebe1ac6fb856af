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
        # Two dimensions would make scikit-learn's default k-NN build a k-d tree.
        {"model": "knn", "reduce": "pca", "n_components": 2},
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


@pytest.fixture(scope="module")
def model(data):
    return fit_model(data, feature_params={"n_mels": 16}, name="m")


def _skops(document) -> bytes:
    buffer = io.BytesIO()
    sio.dump(document, buffer)
    return buffer.getvalue()


def _with_meta(model, **changes) -> bytes:
    """A musicml model file whose metadata was edited by hand."""
    from musicml.persistence import model_metadata

    meta = {**model_metadata(model), **changes}
    return _skops({"pipeline": model.pipeline, "meta": json.dumps(meta)})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sr": "22050"}, "unreadable model information"),
        ({"sr": 10**9}, r"expects audio at 1,000,000,000 Hz; musicml models work between"),
        ({"sr": 0}, "expects audio at 0 Hz"),
        ({"sr": 16000}, "computes its features at 8000 Hz but expects audio at 16000 Hz"),
        ({"clip_seconds": "long"}, "unreadable model information"),
        ({"clip_seconds": -1.0}, "unreadable model information"),
        ({"classes": ["sound"]}, r"names the classes \['sound'\], but its classifier predicts"),
        ({"classes": ["sound", "silence"]}, "names the classes"),  # swapped: wrong labels
        ({"info": [1, 2]}, "unreadable model information"),
        ({"spec": {"model": "logreg", "nonsense": 1}}, "unreadable model information"),
        ({"spec": {"model": "evil"}}, "unreadable model information"),
    ],
)
def test_edited_metadata_is_refused_in_plain_words(model, changes, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(_with_meta(model, **changes))


def test_metadata_that_is_not_an_object_is_refused(model):
    with pytest.raises(ModelFileError, match="not a musicml model"):
        load_model(_skops({"pipeline": model.pipeline, "meta": "[1, 2]"}))
    deep = "[" * 100_000 + "]" * 100_000  # deeper than Python's JSON parser can go
    with pytest.raises(ModelFileError, match="unreadable model information"):
        load_model(_skops({"pipeline": model.pipeline, "meta": deep}))


def test_odd_version_records_are_ignored(model):
    loaded = load_model(_with_meta(model, versions=["1.0"]))
    assert loaded.info["version_warnings"] == []


def test_a_plain_sklearn_pipeline_dressed_as_a_musicml_model_is_refused():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    pipeline = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    pipeline.fit(rng.standard_normal((20, 3)), np.array(["a", "b"] * 10))
    meta = json.dumps({"format": "musicml-model", "classes": ["a", "b"]})
    with pytest.raises(ModelFileError, match="does not start with musicml's audio features"):
        load_model(_skops({"pipeline": pipeline, "meta": meta}))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("n_fft", 2**26, r"n_fft=67108864; musicml models use 16 to 32768"),
        ("n_mels", 10**6, r"n_mels=1000000"),
        ("n_fft", 2048.5, r"n_fft=2048\.5"),
        (
            "hop_length",
            1,
            r"hop_length=1; with n_fft=2048 at 8000 Hz musicml models use at least 32",
        ),
        ("sr", 10**9, r"computes its features at 1000000000 Hz"),
        ("stats", ("mean",) * 50, "does not work on audio"),  # more features than the scaler
        ("kind", "evil", "does not work on audio"),
    ],
)
def test_hostile_feature_settings_are_refused_before_any_audio_is_seen(
    model, setting, value, message
):
    import copy

    from musicml.persistence import model_metadata

    pipeline = copy.deepcopy(model.pipeline)
    pipeline.named_steps["features"].set_params(**{setting: value})
    document = {"pipeline": pipeline, "meta": json.dumps(model_metadata(model))}
    with pytest.raises(ModelFileError, match=message):
        load_model(_skops(document))


def test_a_schema_nested_too_deep_is_refused(model):
    with zipfile.ZipFile(io.BytesIO(model_bytes(model))) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["schema.json"] = b"[" * 100_000 + b"]" * 100_000
    hacked = io.BytesIO()
    with zipfile.ZipFile(hacked, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(ModelFileError, match="not a readable skops model file"):
        load_model(hacked.getvalue())


def test_a_file_cannot_make_predictions_start_worker_processes(model):
    import copy

    from musicml.persistence import model_metadata

    pipeline = copy.deepcopy(model.pipeline)
    pipeline.set_params(model__n_jobs=200, model__verbose=3)
    document = {"pipeline": pipeline, "meta": json.dumps(model_metadata(model))}
    loaded = load_model(_skops(document))
    params = loaded.pipeline.get_params(deep=True)
    assert params["model__n_jobs"] is None
    assert params["model__verbose"] == 0


def _edited(model, edit) -> bytes:
    """A file of ``model`` with ``edit(pipeline)`` applied to a copy of its fitted pipeline."""
    import copy

    from musicml.persistence import model_metadata

    pipeline = copy.deepcopy(model.pipeline)
    edit(pipeline)
    return _skops({"pipeline": pipeline, "meta": json.dumps(model_metadata(model))})


def _first_tree(pipeline):
    return pipeline.named_steps["model"].estimators_[0].tree_


def _set_nodes(tree, **columns):
    state = tree.__getstate__()
    nodes = state["nodes"].copy()
    for column, (index, value) in columns.items():
        nodes[column][index] = value
    state["nodes"] = nodes
    tree.__setstate__(state)


@pytest.mark.parametrize(
    "columns",
    [
        {"left_child": (0, 0), "right_child": (0, 0)},  # a loop: prediction never ends
        {"left_child": (0, 10**9)},  # past the end: the process would crash
        {"feature": (0, 10**6)},  # a feature the input does not have
    ],
    ids=["loop", "past-the-end", "feature"],
)
def test_a_forest_with_edited_tree_arrays_is_refused_before_it_runs(data, columns):
    forest = fit_model(data, feature_params={"n_mels": 16}, model="forest", n_trees=3)
    edited = _edited(forest, lambda p: _set_nodes(_first_tree(p), **columns))
    with pytest.raises(ModelFileError, match="DecisionTreeClassifier whose fitted arrays"):
        load_model(edited)


def test_an_svm_with_inconsistent_arrays_is_refused(data):
    svm = fit_model(data, feature_params={"n_mels": 16}, model="svm")

    def shrink(pipeline):
        pipeline.named_steps["model"]._dual_coef_ = np.ones((1, 1))

    with pytest.raises(ModelFileError, match="SVC whose fitted arrays do not fit together"):
        load_model(_edited(svm, shrink))
