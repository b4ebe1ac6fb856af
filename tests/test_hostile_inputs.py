"""Issue 10's hostile inputs, each built here, each refused in one plain sentence before its cost.

The library raises a :class:`~musicml.errors.MusicMLError` (which the app shows with
``st.error``), and the command line prints exactly one ``error:`` line. Time and memory of
each refusal are measured by ``benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import io
import json
import zipfile

import hostile_files as hostile
import pytest

from musicml import dataio
from musicml.audio import load_audio
from musicml.builtin import dataset_from_source
from musicml.datasets import sound_silence_dataset
from musicml.errors import DataSetError, ModelFileError, ParameterError
from musicml.models import ModelSpec, fit_model, train_classifier
from musicml.persistence import inspect_model_file, load_model, model_bytes, model_metadata


def cli_error(capsys, *args: str) -> str:
    """Run the command line in this process; it must fail with one ``error:`` line."""
    from musicml.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code != 0 and out == ""
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "unexpected" not in lines[0] and "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def data():
    return sound_silence_dataset(per_class=12, sr=8000, seed=1, frequencies=(500.0, 1000.0, 2000.0))


@pytest.fixture(scope="module")
def forest(data) -> bytes:
    model = fit_model(data, feature_params={"n_mels": 16}, model="forest", n_trees=3)
    return model_bytes(model)


@pytest.fixture(scope="module")
def notes() -> bytes:
    return hostile.NOTES_MODEL.read_bytes()


# --------------------------------------------------------------------------- labels.csv


@pytest.fixture(scope="module")
def csv_190_mb(folder):
    return hostile.labelled_zip_with_big_csv(folder / "csv190.zip", csv_bytes=190 * 2**20)


@pytest.fixture(scope="module")
def csv_20_mb(folder):
    return hostile.labelled_zip_with_big_csv(folder / "csv20.zip", csv_bytes=20 * 2**20)


@pytest.mark.parametrize(("which", "size"), [("csv_190_mb", "190.0"), ("csv_20_mb", "20.0")])
def test_a_huge_labels_csv_is_refused_from_the_zip_header(request, capsys, which, size):
    path = request.getfixturevalue(which)
    assert path.stat().st_size < 3 * 2**20  # small on disk, huge unpacked
    message = rf"'labels.csv' is {size} MB; at most 8 MB are read"
    with pytest.raises(DataSetError, match=message):
        dataio.load_labelled_audio(path)  # train, and the Train page's upload
    with pytest.raises(DataSetError, match=message):
        dataio.labelled_files(path.read_bytes(), max_files=dataio.STREAM_MAX_FILES)  # evaluate
    assert f"is {size} MB" in cli_error(capsys, "train", str(path), "--out", "m.skops")
    line = cli_error(capsys, "evaluate", "builtin:sound-silence", str(path))
    assert f"is {size} MB" in line


def test_labels_csv_rows_are_counted_while_parsing_and_tied_to_max_files(folder):
    path = hostile.labelled_zip_with_many_rows(folder / "rows.zip", rows=10_000)
    with pytest.raises(DataSetError, match=r"more than 8,000 rows; at most 8,000 are accepted"):
        dataio.load_labelled_audio(path)  # max_files=2000: 4 rows per file
    files = dataio.labelled_files(path, max_files=dataio.STREAM_MAX_FILES)
    assert len(files) == 4  # 40,000 rows allowed there; the other rows name no file


def test_a_huge_settings_json_is_ignored_unread(folder):
    path = hostile.labelled_zip_with_big_settings(folder / "settings.zip")
    dataset = dataio.load_labelled_audio(path, sr=8000)
    assert len(dataset) == 4
    assert "ignored settings.json: it is larger than 1 MB" in dataset.notes


# --------------------------------------------------------------------------- data-set zips


@pytest.fixture(scope="module")
def many_members(folder):
    return hostile.zip_of_many_megabyte_members(folder / "many.zip")


def test_a_zip_of_1900_megabyte_members_is_refused_before_decoding(many_members, capsys):
    assert many_members.stat().st_size < 4 * 2**20
    message = r"add up to 1,812 MB; at most 1,024 MB \(about an hour of audio\) are loaded"
    with pytest.raises(DataSetError, match=message):
        dataio.load_labelled_audio(many_members)
    assert "add up to 1,812 MB" in cli_error(capsys, "train", str(many_members), "--out", "m.skops")


def test_a_zip_of_junk_named_like_audio_stops_after_the_first_failures(folder):
    path = hostile.zip_of_junk_audio(folder / "junk.zip", n=400)
    with pytest.raises(DataSetError, match=r"50 of the first 50 audio files .* could not be read"):
        dataio.load_labelled_audio(path)


@pytest.mark.parametrize(
    ("damage", "compression", "message"),
    [
        (hostile.with_bad_crc, zipfile.ZIP_STORED, r"is damaged and cannot be unpacked \(its "),
        (hostile.with_corrupt_deflate, zipfile.ZIP_DEFLATED, "is damaged and cannot be unpacked"),
        (
            lambda data: hostile.with_method(data, 99),
            zipfile.ZIP_DEFLATED,
            r"compressed with a method musicml cannot unpack \(number 99\)",
        ),
        (hostile.with_undecodable_name, zipfile.ZIP_DEFLATED, "not valid UTF-8 text"),
    ],
)
def test_a_damaged_data_set_zip_is_one_plain_sentence(folder, capsys, damage, compression, message):
    good = hostile.labelled_zip(folder / f"good{compression}.zip", compression=compression)
    bad = folder / "damaged.zip"
    bad.write_bytes(damage(good.read_bytes()))
    with pytest.raises(DataSetError, match=message) as caught:
        dataio.load_labelled_audio(bad)
    assert "codec" not in str(caught.value) and "Error" not in str(caught.value)
    cli_error(capsys, "train", str(bad), "--out", "m.skops")


# --------------------------------------------------------------------------- model files


@pytest.mark.parametrize(
    ("damage", "compression", "message"),
    [
        (hostile.with_bad_crc, zipfile.ZIP_STORED, r"is damaged \(a checksum does not match\)"),
        (hostile.with_corrupt_deflate, zipfile.ZIP_DEFLATED, r"is damaged \(its data is corrupt"),
        (
            lambda data: hostile.with_method(data, 99),
            zipfile.ZIP_DEFLATED,
            r"compressed with a method musicml cannot unpack \(number 99\)",
        ),
        (hostile.with_undecodable_name, zipfile.ZIP_DEFLATED, "not valid UTF-8 text"),
    ],
)
def test_a_damaged_model_file_is_one_plain_sentence(
    tmp_path, capsys, notes, damage, compression, message
):
    bad = tmp_path / "bad.skops"
    bad.write_bytes(damage(hostile.restored(notes, compression=compression)))
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)
    cli_error(capsys, "evaluate", str(bad), "builtin:notes")


def test_a_380_mb_schema_is_refused_from_the_zip_header(tmp_path, capsys, notes):
    data = hostile.model_with_huge_schema(notes)
    assert len(data) < 8 * 2**20
    message = r"schema\.json\) of 380 MB; musicml models need at most 16 MB"
    with pytest.raises(ModelFileError, match=message):
        load_model(data)
    path = tmp_path / "huge.skops"
    path.write_bytes(data)
    assert "of 380 MB" in cli_error(capsys, "classify", "x.wav", "--model", str(path))


@pytest.mark.parametrize(
    ("references", "bare", "message"),
    [
        (2_000_000, False, r"schema\.json\) of \d+ MB; musicml models need at most 16 MB"),
        (20_000, False, "holds a forest of more than 500 decision trees"),
        (20_000, True, "holds a forest of more than 500 decision trees"),
        (501, True, "holds a forest of more than 500 decision trees"),
    ],
)
def test_a_forest_of_one_tree_shared_many_times_is_refused_before_building(
    forest, references, bare, message
):
    data = hostile.forest_with_shared_trees(forest, references=references, bare=bare)
    assert len(data) < 2 * 2**20
    with pytest.raises(ModelFileError, match=message):
        inspect_model_file(data)
    with pytest.raises(ModelFileError, match=message):
        load_model(data)


def test_shared_trees_up_to_the_limit_are_counted_not_refused(forest):
    report = inspect_model_file(hostile.forest_with_shared_trees(forest, references=500))
    assert report["untrusted"] == []


@pytest.mark.parametrize(
    ("references", "message"),
    [
        (200_000, r"schema\.json\) of 20 MB"),
        (2_000, "computes more than 8 sets of features on every clip"),
        (9, "computes more than 8 sets of features on every clip"),
    ],
)
def test_a_feature_union_of_one_extractor_shared_many_times_is_refused(notes, references, message):
    data = hostile.union_of_shared_extractors(notes, references=references)
    with pytest.raises(ModelFileError, match=message):
        load_model(data)


def test_an_object_that_contains_itself_is_refused(notes):
    members = hostile.model_members(notes)
    schema = json.loads(members["schema.json"])
    pipeline = schema["content"]["pipeline"]
    pipeline["content"]["content"]["loop"] = {"__id__": pipeline["__id__"]}
    members["schema.json"] = json.dumps(schema).encode()
    with pytest.raises(ModelFileError, match="holds an object that contains itself"):
        load_model(hostile.model_from_members(members))


def test_a_schema_nested_deeper_than_musicml_writes_is_refused(notes):
    members = hostile.model_members(notes)
    members["schema.json"] = b"[" * 500 + b"]" * 500
    with pytest.raises(ModelFileError, match="more than 200 levels deep"):
        load_model(hostile.model_from_members(members))


def test_clip_seconds_of_1e308_in_model_metadata_is_refused(tmp_path, capsys, data):
    import skops.io as sio

    model = fit_model(data, features="mel", feature_params={"n_mels": 16})
    meta = {**model_metadata(model), "clip_seconds": 1e308}
    buffer = io.BytesIO()
    sio.dump({"pipeline": model.pipeline, "meta": json.dumps(meta)}, buffer)
    message = r"records clips of 1e\+308 seconds; musicml models use at most 3600 seconds"
    with pytest.raises(ModelFileError, match=message):
        load_model(buffer.getvalue())
    path = tmp_path / "long.skops"
    path.write_bytes(buffer.getvalue())
    assert "at most 3600 seconds" in cli_error(capsys, "classify", "x.wav", "--model", str(path))


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sr", "100000000"], "argument --sr: must be a whole number from 1,000 to 192,000"),
        (["--sr", "2147483648"], "got 2,147,483,648"),
        (["--model", "forest", "--trees", "1000000000"], "from 1 to 500; got 1,000,000,000"),
        (["--neighbors", "100000"], "argument --neighbors: must be a whole number from 1 to"),
        (["--components", "0"], "argument --components: must be a whole number from 1 to"),
        (["--per-class", "1000000000"], "argument --per-class: must be a whole number from 1"),
        (["--seconds-per-file", "1e308"], "must be a number above 0 and at most 3600; got 1e+308"),
        (["--seconds-per-file", "inf"], "at most 3600"),
    ],
)
def test_train_parameters_out_of_range_are_one_line_giving_the_maximum(capsys, args, message):
    line = cli_error(capsys, "train", "builtin:notes", "--out", "m.skops", *args)
    assert message in line


@pytest.mark.parametrize("sr", [999, 192_001])
def test_every_road_refuses_the_same_sample_rates(capsys, tone_wav_bytes, sr):
    rule = "must be a whole number from 1,000 to 192,000"
    with pytest.raises(ParameterError, match=f"sr {rule}"):
        load_audio(tone_wav_bytes, sr=sr)
    with pytest.raises(ParameterError, match=f"sr {rule}"):
        sound_silence_dataset(per_class=1, sr=sr)
    for command in (
        ("train", "builtin:notes", "--out", "m.skops"),
        ("synth-dataset", "--kind", "notes", "--out", "never"),
    ):
        assert f"argument --sr: {rule}" in cli_error(capsys, *command, "--sr", str(sr))


def test_evaluate_seconds_per_file_out_of_range_is_one_line(capsys):
    line = cli_error(
        capsys, "evaluate", "builtin:notes", "some/folder", "--seconds-per-file", "1e308"
    )
    assert "at most 3600" in line


def test_parameter_ranges_are_checked_in_the_core_too(data):
    with pytest.raises(ParameterError, match="n_trees must be a whole number from 1 to 500"):
        ModelSpec(model="forest", n_trees=10**9)
    with pytest.raises(ParameterError, match="n_trees must be a whole number"):
        ModelSpec(model="forest", n_trees=True)  # a bool is never a count
    with pytest.raises(ParameterError, match="n_neighbors must be a whole number from 1 to 1,000"):
        ModelSpec(model="knn", n_neighbors=10**6)
    with pytest.raises(ParameterError, match="n_components must be a whole number from 1 to"):
        ModelSpec(reduce="pca", n_components=2**40)
    with pytest.raises(ParameterError, match=r"sr must be a whole number from 1,000 to 192,000"):
        dataset_from_source("builtin:notes", sr=100_000_000)
    with pytest.raises(ParameterError, match="sr must be a whole number from 1,000 to 192,000"):
        dataio.load_labelled_audio(b"PK", sr=2**31)
    with pytest.raises(ParameterError, match="per_class must be a whole number from 1 to 2,000"):
        dataset_from_source("builtin:notes", per_class=10**9)
    with pytest.raises(ParameterError, match="seconds_per_file must be a number above 0 and at"):
        dataset_from_source("x.zip", seconds_per_file=1e308)
    with pytest.raises(ParameterError, match="duration must be a number above 0 and at most 86400"):
        load_audio(b"RIFF", duration=1e308)
    with pytest.raises(ParameterError, match="max_seconds must be a number above 0"):
        load_audio(b"RIFF", max_seconds=1e308)
    with pytest.raises(ParameterError, match="sr must be a whole number from 1,000 to 192,000"):
        load_audio(b"RIFF", sr=2**31)
    with pytest.raises(ParameterError, match=r"would hold 900 trees .* at most 500 are allowed"):
        three = sound_silence_dataset(per_class=8, sr=8000, seed=0, frequencies=(500.0,))
        three.labels[:2] = "third"
        train_classifier(three, model="forest", n_trees=300, multiclass="ovr")


def test_synthetic_data_sets_are_bounded_before_allocating():
    with pytest.raises(ParameterError, match=r"at most 3,600 s are made"):
        sound_silence_dataset(per_class=10**9)
    with pytest.raises(ParameterError, match="clip_seconds must be a number above 0 and at most"):
        sound_silence_dataset(per_class=2, clip_seconds=1e308)


def test_train_out_into_a_missing_folder_or_onto_a_folder_is_one_line(tmp_path, capsys):
    line = cli_error(capsys, "train", "builtin:notes", "--out", str(tmp_path / "no" / "m.skops"))
    assert "--out must be in an existing folder; there is no folder" in line
    (tmp_path / "dir.skops").mkdir()
    line = cli_error(capsys, "train", "builtin:notes", "--out", str(tmp_path / "dir.skops"))
    assert "--out names a folder, not a file" in line


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "0.01"])
def test_classify_segment_out_of_range_is_one_line_giving_the_maximum(tmp_path, capsys, value):
    song = tmp_path / "song.wav"
    song.write_bytes(hostile.wav(1.0))
    line = cli_error(capsys, "classify", str(song), "--segment", value)
    assert "--segment must be from 0.1 to 86400 seconds (or 'onsets')" in line
