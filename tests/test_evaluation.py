"""Evaluation: reports, cross-validation, the C validation curve and 2-D projections."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import encode, tone

from musicml.dataio import labelled_batches, labelled_files, load_labelled_audio
from musicml.datasets import Dataset
from musicml.errors import DataSetError, ParameterError
from musicml.evaluation import (
    METRIC_SENTENCES,
    c_validation_curve,
    classification_report,
    cross_validation,
    evaluate_model,
    evaluate_stream,
    fold_count,
    head_of,
    misclassified,
    per_class_sentences,
    projection_2d,
)
from musicml.models import build_pipeline, fit_model


def test_report_counts_by_hand():
    labels = ["a", "a", "a", "b", "b", "c"]
    predicted = ["a", "a", "b", "b", "b", "a"]
    report = classification_report(labels, predicted)
    assert report["accuracy"] == pytest.approx(4 / 6)
    assert report["confusion"] == {
        "labels": ["a", "b", "c"],
        "matrix": [[2, 1, 0], [0, 2, 0], [1, 0, 0]],
    }
    a = report["per_class"]["a"]
    assert a["precision"] == pytest.approx(2 / 3)  # 3 called a, 2 right
    assert a["recall"] == pytest.approx(2 / 3)  # 3 real a, 2 found
    assert report["per_class"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    sentences = per_class_sentences(report)
    assert len(sentences) == 3 and "67%" in sentences[0]
    assert {"precision", "recall", "f1"} <= set(METRIC_SENTENCES)


def test_misclassified_lists_the_wrong_ones_most_confident_first():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]])
    rows = misclassified(["a", "a", "a"], ["a", "b", "b"], probabilities, ["a", "b"])
    assert [r["position"] for r in rows] == [1, 2]
    assert rows[0]["confidence"] == pytest.approx(0.8)


@pytest.fixture(scope="module")
def blobs():
    """Three separable Gaussian blobs in 6-D, as a precomputed feature matrix."""
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (3, 6))
    features = np.concatenate([c + rng.normal(0, 1, (20, 6)) for c in centres])
    labels = np.repeat(["x", "y", "z"], 20)
    return features, labels


def test_cross_validation_k_fold_and_leave_one_out(blobs):
    features, labels = blobs
    head = head_of(build_pipeline(sr=8000))
    cv = cross_validation(head, features, labels, folds=5)
    assert cv["folds"] == 5 and cv["mean"] > 0.9
    loo = cross_validation(head, features, labels, folds="loo")
    assert loo["folds"] == len(labels) and loo["method"] == "leave-one-out"
    with pytest.raises(ParameterError, match="folds must be"):
        cross_validation(head, features, labels, folds=50)


def test_validation_curve_shows_under_fitting_at_tiny_C(blobs):
    features, labels = blobs
    rng = np.random.default_rng(1)
    noisy = np.hstack([features, rng.normal(0, 1, (len(labels), 40))])
    curve = c_validation_curve(head_of(build_pipeline(sr=8000)), noisy, labels, Cs=(1e-4, 1.0, 1e4))
    assert curve["C"] == [1e-4, 1.0, 1e4]
    # Large C fits the training folds (nearly) perfectly, and better than tiny C.
    assert curve["train_mean"][2] >= curve["train_mean"][0]
    assert curve["train_mean"][2] > 0.99
    # The gap between training and held-out accuracy grows with C (over-fitting).
    gaps = np.subtract(curve["train_mean"], curve["test_mean"])
    assert gaps[2] >= gaps[0] - 1e-9


def test_validation_curve_needs_a_C():
    head = head_of(build_pipeline(sr=8000, model="knn"))
    with pytest.raises(ParameterError, match="needs a model with a C"):
        c_validation_curve(head, np.zeros((10, 2)), ["a", "b"] * 5)


@pytest.mark.parametrize("method", ["pca", "lda"])
def test_projections_separate_the_blobs(blobs, method):
    features, labels = blobs
    out = projection_2d(features, labels, method=method)
    points = out["points"]
    assert points.shape == (60, 2)
    centres = np.array([points[labels == c].mean(axis=0) for c in "xyz"])
    spread = np.mean([points[labels == c].std(axis=0).mean() for c in "xyz"])
    distances = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    assert distances[np.triu_indices(3, 1)].min() > 2 * spread


def test_lda_with_two_classes_has_one_axis(blobs):
    features, labels = blobs
    keep = labels != "z"
    out = projection_2d(features[keep], labels[keep], method="lda")
    assert np.all(out["points"][:, 1] == 0)


@pytest.fixture(scope="module")
def tone_model():
    """Low hums (about 300 Hz) against high whistles (about 2 kHz), at 8 kHz."""
    sr = 8000
    t = np.arange(sr // 2) / sr
    clips = [0.5 * np.sin(2 * np.pi * f * t) for f in [300, 320, 310, 2000, 2100, 1900] * 3]
    labels = ["low", "low", "low", "high", "high", "high"] * 3
    data = Dataset(clips=np.asarray(clips, dtype=np.float32), labels=labels, sr=sr)
    return fit_model(data, feature_params={"n_mels": 16})


def test_evaluate_model_resamples_and_scores(tone_model):
    t2 = np.arange(16000 // 2) / 16000
    other = Dataset(
        clips=np.asarray([0.5 * np.sin(2 * np.pi * f * t2) for f in (305, 2050)], np.float32),
        labels=["low", "high"],
        sr=16000,
    )
    report = evaluate_model(tone_model, other)
    assert report["accuracy"] == 1.0
    assert report["confusion"]["labels"] == ["high", "low"]


def test_evaluate_stream_gives_the_report_of_the_whole_data_set(tone_model):
    frequencies = (305, 2050, 290, 1800, 2200, 700)
    clips = [tone(f, seconds=0.5, sr=16000) for f in frequencies]
    labels = ["low", "high", "low", "high", "high", "mid"]  # 'mid' is unknown: an error
    whole = Dataset(clips=clips, labels=labels, sr=16000)
    batches = (Dataset(clips[i : i + 4], labels[i : i + 4], 16000) for i in (0, 4))
    report = evaluate_stream(tone_model, batches)
    assert report == evaluate_model(tone_model, whole)
    assert report["confusion"]["labels"] == ["high", "low", "mid"]
    assert report["accuracy"] == pytest.approx(5 / 6)
    with pytest.raises(ParameterError, match="at least one clip"):
        evaluate_stream(tone_model, [])


def test_a_folder_too_long_to_load_is_evaluated_batch_by_batch(tone_model, tmp_path):
    for label, base in (("low", 300), ("high", 2000)):
        (tmp_path / label).mkdir()
        for i in range(3):
            audio = tone(base + 10 * i, seconds=0.5, sr=8000)
            (tmp_path / label / f"{i}.wav").write_bytes(encode(audio, 8000, subtype="FLOAT"))
    with pytest.raises(DataSetError, match="more than 2 seconds"):
        load_labelled_audio(tmp_path, sr=8000, max_total_seconds=2)
    batches = list(labelled_batches(labelled_files(tmp_path), sr=8000, batch_seconds=1.0))
    assert len(batches) == 3
    report = evaluate_stream(tone_model, iter(batches))
    assert report == evaluate_model(tone_model, load_labelled_audio(tmp_path, sr=8000))
    assert report["accuracy"] == 1.0


def test_fold_count_keeps_the_asked_folds_when_every_class_has_enough():
    assert fold_count(["a"] * 5 + ["b"] * 9) == (5, None)


def test_fold_count_explains_fewer_folds_for_a_small_class():
    folds, reason = fold_count(["a"] * 4 + ["b"] * 9, folds=5)
    assert folds == 4
    assert reason.startswith("Only 4 clips in the smallest class, so 4 folds instead of 5")


def test_fold_count_refuses_a_class_of_one_and_bad_folds():
    with pytest.raises(ParameterError, match="at least 2 clips in every class"):
        fold_count(["a", "b", "b"])
    with pytest.raises(ParameterError, match="folds must be a whole number"):
        fold_count(["a", "a", "b", "b"], folds=1)
