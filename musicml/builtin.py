"""The embedded models ``builtin:notes``, ``builtin:chromatic`` and ``builtin:sound-silence``.

Both are trained reproducibly (fixed seeds) on synthetic data and shipped as
small ``.skops`` files in ``musicml/models_data/``, so the app classifies on a
first visit without training. ``python -m musicml build-builtins`` (or
:func:`write_builtins`) rebuilds the files; if a file is missing or cannot be
loaded, the model is trained in-process instead (about half a minute).

``builtin:notes`` (labels ``C D E F G A B silence``) must recognise notes of
real instruments in any common octave, so it is trained on many timbres,
envelopes, octaves (1–7), loudness levels, detuning, vibrato, reverberation and
noise, and its features ignore octave and timbre as far as possible: the
constant-Q chroma (energy per pitch class, folded over octaves) summarised
over time, plus a coarse mel loudness profile that tells silence (quiet room
noise, not only zeros) from sound. ``builtin:chromatic`` is the same recipe with
all twelve pitch classes (labels ``C C# D … B silence``).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from musicml import synth
from musicml.audio import DEFAULT_SR
from musicml.datasets import Dataset
from musicml.errors import ModelFileError, ParameterError
from musicml.examples import example_melody  # noqa: F401  (re-exported: its old home)
from musicml.features import FeatureExtractor
from musicml.i18n import N_
from musicml.models import TrainedModel, fit_model

MODELS_DATA = Path(__file__).resolve().parent / "models_data"
"""Where the embedded model files live."""

BUILTIN_MODELS = {
    "builtin:notes": N_("Notes C–B and silence, any instrument, octaves 1–7"),
    "builtin:chromatic": N_("All twelve notes C, C#, … B and silence, any instrument, octaves 1–7"),
    "builtin:sound-silence": N_("Sound or silence (silence = a quiet room, not only zeros)"),
}
"""Names of the embedded models and what they do (English, marked for translation)."""

NOTE_LABELS = (*synth.NATURAL_PITCH_CLASSES, "silence")
CHROMATIC_LABELS = (*synth.NOTE_NAMES, "silence")
NOTE_OCTAVES = (1, 2, 3, 4, 5, 6, 7)
HELD_OUT_TIMBRES = ("clarinet", "brass", "voice")
"""Timbres kept out of training when measuring how well the notes model generalises."""

SEEDS = {"builtin:notes": 5, "builtin:chromatic": 11, "builtin:sound-silence": 7}
PER_CLASS = {"builtin:notes": 150, "builtin:chromatic": 150, "builtin:sound-silence": 300}
NOTE_MODEL_LABELS = {"builtin:notes": NOTE_LABELS, "builtin:chromatic": CHROMATIC_LABELS}
"""The labels of each embedded notes model."""


def _file_of(name: str) -> Path:
    return MODELS_DATA / f"{name.removeprefix('builtin:')}.skops"


def _check_name(name: str) -> None:
    if name not in BUILTIN_MODELS:
        raise ParameterError(
            "unknown built-in model {name!r}; choose one of {choices}.",
            name=name,
            choices=", ".join(BUILTIN_MODELS),
        )


# --------------------------------------------------------------------------- training data


def _silence(n: int, rng: np.random.Generator, sr: int) -> np.ndarray:
    """A quiet room: zeros, or noise of some colour (-90 to -52 dBFS RMS), perhaps with hum."""
    kind = rng.integers(5)
    if kind == 0:
        return np.zeros(n, dtype=np.float32)
    level = 10 ** rng.uniform(-4.5, -2.6)
    color = ("white", "pink", "brown", "pink")[kind - 1]
    audio = level * synth.noise_signal(n, color=color, seed=rng)
    if rng.random() < 0.5:
        hum = rng.choice([50.0, 60.0, 100.0, 120.0])
        t = np.arange(n) / sr
        audio = audio + level * rng.uniform(0.2, 2.0) * np.sin(
            2 * np.pi * hum * t + rng.uniform(0, 6)
        )
    return audio.astype(np.float32)


def _note(
    name: str,
    n: int,
    rng: np.random.Generator,
    sr: int,
    timbres: tuple[str, ...],
    octaves: tuple[int, ...],
    pitch_classes: tuple[str, ...] = synth.NATURAL_PITCH_CLASSES,
) -> np.ndarray:
    """One note of a random timbre, octave, loudness and length somewhere in ``n`` samples.

    A quarter of the notes follow the tail of a different, quieter note (as a
    fixed window of a melody often does); the label stays the note that fills
    most of the clip.
    """
    timbre = str(rng.choice(timbres))
    amplitude = float(10 ** rng.uniform(-1.5, 0.0))

    def play(pitch_class: str, seconds: float, peak: float) -> np.ndarray:
        octave = int(rng.choice(octaves))
        return synth.tone(
            synth.note_frequency(f"{pitch_class}{octave}"),
            duration=seconds,
            sr=sr,
            timbre=timbre,
            amplitude=peak,
            detune_cents=float(rng.normal(0.0, 15.0)),
            vibrato_cents=float(rng.choice([0.0, rng.uniform(5.0, 40.0)])),
            brightness=float(rng.uniform(-0.5, 0.5)),
            partial_jitter_db=3.0,
            seed=rng,
        )

    out = np.zeros(n, dtype=np.float32)
    if rng.random() < 0.25:
        start = int(n * rng.uniform(0.1, 0.35))
        audio = play(name, (n - start) / sr, amplitude)
        others = [p for p in pitch_classes if p != name]
        before = play(
            str(rng.choice(others)), (start + 0.1 * sr) / sr, amplitude * rng.uniform(0.3, 0.9)
        )
        out[: len(before)] = before[:n]
        out[start : start + len(audio)] += audio
    else:
        audio = play(name, n / sr * rng.uniform(0.5, 1.0), amplitude)
        start = int(rng.integers(0, n - len(audio) + 1))
        out[start : start + len(audio)] = audio
    if rng.random() < 0.5:
        out = synth.reverb(
            out,
            sr=sr,
            seconds=float(rng.uniform(0.2, 1.0)),
            wet=float(rng.uniform(0.1, 0.5)),
            seed=rng,
        )[:n]
    if rng.random() < 0.7:
        out = synth.add_noise(
            out,
            snr_db=float(rng.uniform(10.0, 40.0)),
            color=str(rng.choice(["white", "pink"])),
            seed=rng,
        )
    return np.asarray(out, dtype=np.float32)


def notes_training_set(
    *,
    per_class: int = 150,
    sr: int = DEFAULT_SR,
    seed: int = 0,
    timbres: tuple[str, ...] | None = None,
    octaves: tuple[int, ...] = NOTE_OCTAVES,
    clip_seconds: float = 1.0,
    labels: tuple[str, ...] = NOTE_LABELS,
) -> Dataset:
    """Varied one-second notes ``C``–``B`` and ``silence`` for the embedded notes model.

    ``labels`` are the classes to make (:data:`NOTE_LABELS`, or
    :data:`CHROMATIC_LABELS` for all twelve pitch classes).

    Each note: a random timbre preset, octave, loudness (-30 to 0 dBFS peak),
    length (half to all of the clip) and position, detuning (±15 cents typical),
    sometimes vibrato, reverberation and background noise (10–40 dB SNR).
    Silences are zeros or quiet noise with hum.
    """
    if per_class < 1:
        raise ParameterError(
            "per_class must be at least 1; got {per_class!r}.", per_class=per_class
        )
    timbres = tuple(timbres or synth.TIMBRES)
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    pitch_classes = tuple(label for label in labels if label != "silence")
    clips, names = [], []
    for label in labels:
        for _ in range(per_class):
            if label == "silence":
                clips.append(_silence(n, rng, sr))
            else:
                clips.append(_note(label, n, rng, sr, timbres, octaves, pitch_classes))
            names.append(label)
    order = rng.permutation(len(names))
    settings = {
        "kind": "builtin-notes",
        "per_class": per_class,
        "sr": sr,
        "seed": seed,
        "timbres": list(timbres),
        "octaves": list(octaves),
        "clip_seconds": clip_seconds,
    }
    if labels != NOTE_LABELS:
        settings["labels"] = list(labels)
    return Dataset(
        clips=np.stack(clips)[order], labels=np.array(names)[order], sr=sr, settings=settings
    )


def sound_silence_training_set(
    *, per_class: int = 300, sr: int = DEFAULT_SR, seed: int = 0, clip_seconds: float = 1.0
) -> Dataset:
    """Sounds (notes of any timbre, chords, noise bursts, at any level above a whisper)
    against silences (zeros, or quiet room noise with hum), one second each."""
    if per_class < 1:
        raise ParameterError(
            "per_class must be at least 1; got {per_class!r}.", per_class=per_class
        )
    rng = np.random.default_rng(seed)
    n = round(clip_seconds * sr)
    timbres = tuple(synth.TIMBRES)
    clips, labels = [], []
    for _ in range(per_class):
        kind = rng.integers(4)
        if kind == 3:  # broadband: a burst of noise, like percussion or breath
            length = int(n * rng.uniform(0.2, 1.0))
            burst = synth.noise_signal(length, color=str(rng.choice(["white", "pink"])), seed=rng)
            burst *= 10 ** rng.uniform(-1.5, -0.5) * np.exp(
                -np.arange(length) / (sr * rng.uniform(0.05, 0.5))
            )
            sound = np.zeros(n, dtype=np.float32)
            start = int(rng.integers(0, n - length + 1))
            sound[start : start + length] = burst
            sound = synth.add_noise(sound, snr_db=float(rng.uniform(15, 40)), seed=rng)
        else:
            sound = _note(
                str(rng.choice(synth.NATURAL_PITCH_CLASSES)), n, rng, sr, timbres, NOTE_OCTAVES
            )
        clips.append(np.asarray(sound, dtype=np.float32))
        labels.append("sound")
        clips.append(_silence(n, rng, sr))
        labels.append("silence")
    order = rng.permutation(len(labels))
    settings = {"kind": "builtin-sound-silence", "per_class": per_class, "sr": sr, "seed": seed}
    return Dataset(
        clips=np.stack(clips)[order], labels=np.array(labels)[order], sr=sr, settings=settings
    )


# --------------------------------------------------------------------------- pipelines


def notes_pipeline(*, sr: int = DEFAULT_SR, C: float = 1.0) -> Pipeline:
    """CQT chroma (mean, std, max over time) + 16-band mel loudness → scale → softmax regression."""
    features = FeatureUnion(
        [
            (
                "chroma",
                FeatureExtractor(
                    kind="chroma", sr=sr, chroma_source="cqt", stats=("mean", "std", "max")
                ),
            ),
            ("loudness", FeatureExtractor(kind="mel", sr=sr, n_mels=16, stats=("mean", "max"))),
        ]
    )
    return Pipeline(
        [
            ("features", features),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=C, max_iter=3000)),
        ]
    )


def sound_silence_pipeline(*, sr: int = DEFAULT_SR, C: float = 1.0) -> Pipeline:
    """32-band mel levels (mean, std, max over time) → scale → logistic regression."""
    return Pipeline(
        [
            (
                "features",
                FeatureExtractor(kind="mel", sr=sr, n_mels=32, stats=("mean", "std", "max")),
            ),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=C, max_iter=3000)),
        ]
    )


def build_builtin(name: str, *, sr: int = DEFAULT_SR, per_class: int | None = None) -> TrainedModel:
    """Train an embedded model from scratch, reproducibly (fixed seed).

    For ``builtin:notes`` the metrics also hold ``heldout_timbre_accuracy``: the
    accuracy of the same recipe trained without :data:`HELD_OUT_TIMBRES` and
    tested on notes of only those timbres. ``per_class`` counts clips from each
    of the two notes generators.
    """
    _check_name(name)
    seed = SEEDS[name]
    per_class = per_class or PER_CLASS[name]
    if name in NOTE_MODEL_LABELS:
        labels = NOTE_MODEL_LABELS[name]
        data = _notes_recipe(per_class=per_class, sr=sr, seed=seed, labels=labels)
        model = fit_model(data, pipeline=notes_pipeline(sr=sr), name=name)
        model.metrics.update(
            notes_generalisation(sr=sr, per_class=max(20, per_class // 3), labels=labels)
        )
    else:
        data = sound_silence_training_set(per_class=per_class, sr=sr, seed=seed)
        model = fit_model(data, pipeline=sound_silence_pipeline(sr=sr), name=name)
        test = sound_silence_training_set(per_class=100, sr=sr, seed=seed + 1000)
        model.metrics["heldout_accuracy"] = float(np.mean(model.predict(test.clips) == test.labels))
    model.info["description"] = BUILTIN_MODELS[name]
    return model


def _notes_recipe(
    *,
    per_class: int,
    sr: int,
    seed: int,
    timbres: tuple[str, ...] | None = None,
    labels: tuple[str, ...] = NOTE_LABELS,
) -> Dataset:
    """The notes model's training data: the Sound lab's notes data set plus
    :func:`notes_training_set` (quieter rooms, partial notes), ``per_class`` of each."""
    from musicml.datasets import notes_dataset

    pitch_classes = [label for label in labels if label != "silence"]
    lab = notes_dataset(
        per_class=per_class,
        sr=sr,
        seed=seed,
        timbres=timbres,
        **({} if labels == NOTE_LABELS else {"pitch_classes": pitch_classes}),
    )
    extra = notes_training_set(
        per_class=per_class, sr=sr, seed=seed, timbres=timbres, labels=labels
    )
    settings = {"kind": "builtin-notes", "parts": [lab.settings, extra.settings]}
    return Dataset(
        clips=[*lab.clips, *extra.clips],
        labels=np.concatenate([lab.labels, extra.labels]),
        sr=sr,
        settings=settings,
    )


def notes_generalisation(
    *, sr: int = DEFAULT_SR, per_class: int = 50, labels: tuple[str, ...] = NOTE_LABELS
) -> dict:
    """Train the notes recipe without some timbres; score it on notes of only those timbres."""
    kept = tuple(t for t in synth.TIMBRES if t not in HELD_OUT_TIMBRES)
    train = _notes_recipe(per_class=per_class, sr=sr, seed=101, timbres=kept, labels=labels)
    test = notes_training_set(
        per_class=per_class, sr=sr, seed=202, timbres=HELD_OUT_TIMBRES, labels=labels
    )
    model = fit_model(train, pipeline=notes_pipeline(sr=sr), name="held-out check")
    predicted = model.predict(test.clips)
    return {
        "heldout_timbres": list(HELD_OUT_TIMBRES),
        "heldout_timbre_accuracy": float(np.mean(predicted == test.labels)),
        "heldout_timbre_clips": len(test),
    }


def write_builtins(
    folder: str | Path = MODELS_DATA, *, names: tuple[str, ...] | None = None
) -> list[Path]:
    """Train the embedded models (default: all of them) and save each as
    ``<folder>/<name>.skops``."""
    from musicml.persistence import save_model

    for name in names or ():
        _check_name(name)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or BUILTIN_MODELS:
        model = build_builtin(name)
        paths.append(save_model(model, folder / _file_of(name).name))
    return paths


@lru_cache(maxsize=4)
def builtin_model(name: str) -> TrainedModel:
    """An embedded model: loaded from its shipped file, or trained if that is unusable."""
    _check_name(name)
    from musicml.persistence import load_model

    path = _file_of(name)
    if path.is_file():
        try:
            return load_model(path, name=name)
        except ModelFileError as exc:
            warnings.warn(
                f"the shipped file of {name} could not be loaded ({exc}); training it now.",
                stacklevel=2,
            )
    return build_builtin(name)


# --------------------------------------------------------------------------- sources


def load_any_model(source: str | Path) -> TrainedModel:
    """A built-in model by name (``builtin:notes``) or a ``.skops`` file by path."""
    text = str(source)
    if text.startswith("builtin:"):
        return builtin_model(text)
    from musicml.persistence import load_model

    return load_model(Path(text))


def _builtin_datasets() -> tuple[str, ...]:
    from musicml.datasets import DATASET_KINDS

    return tuple(f"builtin:{name}" for name in DATASET_KINDS)


BUILTIN_DATASETS = _builtin_datasets()
"""Every synthetic data-set kind by its command-line name (``builtin:notes`` …)."""

MAX_PER_CLASS = 2000
"""Most clips per class of a built-in data set (the synthetic set is also bounded to an
hour of audio in all, see :data:`musicml.datasets.MAX_SYNTH_SECONDS`)."""


def dataset_from_source(
    source: str | Path,
    *,
    sr: int | None = None,
    seed: int = 0,
    per_class: int | None = None,
    seconds_per_file: float | None = None,
) -> Dataset:
    """A labelled data set from a builtin name, a class-folder tree, or labels.csv (folder or zip).

    Parameters
    ----------
    source : str or Path
        A built-in kind (``builtin:notes``, ``builtin:sound-silence``,
        ``builtin:timbre``), a folder with one sub-folder per class, or a
        folder / zip with ``labels.csv``.
    sr : int, optional
        Sample rate to load at (default 22050).
    seed, per_class : int
        For the builtin data sets (defaults: 40 clips per class).
    seconds_per_file : float, optional
        For the user's audio: keep only the first seconds of each file, so a
        collection of whole songs fits the one-hour limit.
    """
    from musicml.validation import check_int, check_sr

    sr = DEFAULT_SR if sr is None else check_sr(sr)
    if per_class is not None:
        per_class = check_int("per_class", per_class, maximum=MAX_PER_CLASS)
    text = str(source)
    if text.startswith("builtin:"):
        if text not in BUILTIN_DATASETS:
            raise ParameterError(
                "unknown built-in data set {text!r}; choose one of {choices}.",
                text=text,
                choices=", ".join(BUILTIN_DATASETS),
            )
        from musicml.datasets import build_dataset

        return build_dataset(text, per_class=per_class or 40, sr=sr, seed=seed)
    from musicml import dataio
    from musicml.validation import check_seconds

    if seconds_per_file is not None:
        seconds_per_file = check_seconds(
            "seconds_per_file", seconds_per_file, maximum=dataio.MAX_FILE_SECONDS
        )
    return dataio.load_labelled_audio(text, sr=sr, max_seconds_per_file=seconds_per_file)
