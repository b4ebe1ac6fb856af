"""Models: the registry, multiclass strategies really differ, C shrinks the weights."""

from __future__ import annotations

import numpy as np
import pytest

from musicml.datasets import Dataset
from musicml.errors import ParameterError
from musicml.models import (
    MODEL_KINDS,
    ModelSpec,
    binary_models,
    build_pipeline,
    class_probabilities,
    fit_model,
    linear_weights,
    train_classifier,
)

SR = 8000


def _three_tones(per_class: int = 12, seed: int = 0) -> Dataset:
    """Three classes of half-second sines (low, mid, high) with noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(SR // 2) / SR
    clips, labels = [], []
    for label, f in (("low", 300.0), ("mid", 900.0), ("high", 2000.0)):
        for _ in range(per_class):
            f0 = f * rng.uniform(0.95, 1.05)
            clips.append(0.5 * np.sin(2 * np.pi * f0 * t) + 0.05 * rng.standard_normal(len(t)))
            labels.append(label)
    return Dataset(clips=np.asarray(clips, dtype=np.float32), labels=labels, sr=SR)


@pytest.fixture(scope="module")
def tones() -> Dataset:
    return _three_tones()


def test_ovo_fits_k_choose_2_and_ovr_k_binary_models(tones):
    k = len(tones.classes)
    ovo = fit_model(tones, features="mel", multiclass="ovo", feature_params={"n_mels": 16})
    ovr = fit_model(tones, features="mel", multiclass="ovr", feature_params={"n_mels": 16})
    softmax = fit_model(
        tones, features="mel", multiclass="multinomial", feature_params={"n_mels": 16}
    )
    assert len(binary_models(ovo.pipeline)) == k * (k - 1) // 2
    assert len(binary_models(ovr.pipeline)) == k
    # Multinomial is one model with one weight row per class.
    assert len(binary_models(softmax.pipeline)) == 1
    assert linear_weights(softmax.pipeline).shape[0] == k
    for model in (ovo, ovr, softmax):
        assert model.classes == ["high", "low", "mid"]
        assert np.mean(model.predict(tones.clips) == tones.labels) > 0.95


def test_four_classes_make_six_one_vs_one_models():
    data = _three_tones(per_class=6)
    t = np.arange(SR // 2) / SR
    extra = np.stack([0.5 * np.sin(2 * np.pi * 3000 * t)] * 6).astype(np.float32)
    data = Dataset(
        clips=np.concatenate([data.clips, extra]), labels=[*data.labels, *["top"] * 6], sr=SR
    )
    ovo = fit_model(data, multiclass="ovo", feature_params={"n_mels": 16})
    assert len(binary_models(ovo.pipeline)) == 6


def test_smaller_C_shrinks_the_weights(tones):
    norms = []
    for C in (0.001, 0.1, 10.0):
        model = fit_model(tones, C=C, feature_params={"n_mels": 16})
        norms.append(float(np.linalg.norm(linear_weights(model.pipeline))))
    assert norms[0] < norms[1] < norms[2]


def test_l1_penalty_zeroes_weights(tones):
    l2 = fit_model(tones, C=0.05, l1_ratio=0.0, feature_params={"n_mels": 16})
    l1 = fit_model(tones, C=0.05, l1_ratio=1.0, feature_params={"n_mels": 16})
    zeros_l1 = np.mean(np.abs(linear_weights(l1.pipeline)) < 1e-8)
    zeros_l2 = np.mean(np.abs(linear_weights(l2.pipeline)) < 1e-8)
    assert zeros_l1 > 0.5 > zeros_l2


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_every_model_trains_and_gives_probabilities(tones, kind):
    result = train_classifier(tones, model=kind, feature_params={"n_mels": 16}, n_trees=20)
    assert result.accuracy > 0.9
    probabilities = class_probabilities(result.pipeline, tones.clips[:5])
    assert probabilities.shape == (5, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)


@pytest.mark.parametrize("reduce", ["pca", "lda"])
def test_projection_sits_inside_the_pipeline(tones, reduce):
    model = fit_model(tones, reduce=reduce, n_components=2, feature_params={"n_mels": 16})
    assert list(model.pipeline.named_steps) == ["features", "scale", "reduce", "model"]
    assert model.pipeline.named_steps["model"].coef_.shape[1] == 2


def test_split_is_stratified_and_seeded(tones):
    a = train_classifier(tones, seed=3, feature_params={"n_mels": 16})
    b = train_classifier(tones, seed=3, feature_params={"n_mels": 16})
    np.testing.assert_array_equal(a.test_index, b.test_index)
    _, counts = np.unique(tones.labels[a.test_index], return_counts=True)
    assert counts.max() - counts.min() <= 1
    assert a.n_train + a.n_test == len(tones)


def test_variable_length_clips_train(tones):
    clips = [c[: 2000 + 100 * i] for i, c in enumerate(tones.clips)]
    data = Dataset(clips=clips, labels=tones.labels, sr=SR)
    result = train_classifier(data, feature_params={"n_mels": 16})
    assert result.accuracy > 0.9


def test_multinomial_is_refused_for_models_without_softmax():
    with pytest.raises(ParameterError, match=r"multinomial.*only applies to logistic"):
        ModelSpec(model="svm", multiclass="multinomial")


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"C": 0}, "C must be a positive number"),
        ({"C": -1.0}, "C must be a positive number"),
        ({"model": "cnn"}, "model must be one of"),
        ({"multiclass": "softmax"}, "multiclass must be one of"),
        ({"l1_ratio": 2.0}, "l1_ratio must be between"),
    ],
)
def test_bad_settings_name_the_parameter(options, match):
    with pytest.raises(ParameterError, match=match):
        build_pipeline(sr=SR, **options)


def test_one_class_is_refused(tones):
    data = Dataset(clips=tones.clips[:5], labels=["low"] * 5, sr=SR)
    with pytest.raises(ParameterError, match="at least two classes"):
        train_classifier(data)


def test_lda_dimensions_are_checked(tones):
    with pytest.raises(ParameterError, match="LDA keeps at most"):
        fit_model(tones, reduce="lda", n_components=5, feature_params={"n_mels": 16})


def test_examples_are_cut_into_clips_and_resampled():
    from musicml.models import dataset_from_examples

    examples = [
        ("a", np.ones(16000 * 3, np.float32) * 0.1, 16000),  # 3 s at 16 kHz
        ("b", np.ones(int(22050 * 1.6), np.float32) * 0.1, 22050),  # 1.6 s: 2 clips
        ("b", np.ones(22050 // 4, np.float32), 22050),  # too short: dropped
    ]
    data = dataset_from_examples(examples, sr=22050)
    assert data.labels.tolist() == ["a", "a", "a", "b", "b"]
    assert {len(c) for c in data.clips} == {22050}
    with pytest.raises(ParameterError, match="no clip"):
        dataset_from_examples([("a", np.zeros(100, np.float32), 22050)])
