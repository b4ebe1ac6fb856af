"""Streamlit glue for models: cached built-ins, the session's trained models, a model picker.

Trained models live in ``st.session_state[musicml.ui.state.MODELS]`` (name →
:class:`~musicml.models.TrainedModel`, newest last, at most
:data:`MAX_MODELS`), so the Train and Classify pages share them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import streamlit as st

from musicml import builtin, persistence
from musicml.audio import DEFAULT_SR, Clip
from musicml.classify import Classification, classify_clip, resynthesize
from musicml.datasets import DATASET_KINDS, Dataset, dataset_kind
from musicml.errors import ParameterError
from musicml.features import mel_spectrogram_db
from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.models import ModelSpec, TrainedModel, TrainResult, train_classifier, unique_name
from musicml.resources import HEAVY_WORK
from musicml.transcription import Transcription, transcribe
from musicml.ui.cache import MEMO, digest, song_cache
from musicml.ui.language import spinner
from musicml.ui.state import MODELS

MAX_MODELS = 4
"""Older trained models are dropped past this many."""

UPLOAD_MODEL = N_("Upload a .skops model")


@spinner(N_("Loading the built-in model…"))
@st.cache_resource(show_spinner=False)
def builtin_model(name: str) -> TrainedModel:
    """An embedded model (shared by all sessions)."""
    return builtin.builtin_model(name)


@spinner(N_("Checking and loading the model file…"))
@st.cache_resource(max_entries=8, show_spinner=False)
@HEAVY_WORK
def _uploaded_model(key: str, _data: bytes, name: str) -> TrainedModel:
    return persistence.load_model(_data, name=name)


def uploaded_model(data: bytes, name: str) -> TrainedModel:
    """A model from uploaded ``.skops`` bytes (checked; cached by content)."""
    return _uploaded_model(digest(data), data, name)


def model_file(model: TrainedModel) -> bytes:
    """The ``.skops`` bytes of a model (for the download button), made once per model."""
    return MEMO.get(model, "file", lambda: persistence.model_bytes(model))


def session_models() -> dict[str, TrainedModel]:
    """The models trained this session (created empty on first use)."""
    if MODELS not in st.session_state:
        st.session_state[MODELS] = {}
    return st.session_state[MODELS]


def add_model(model: TrainedModel) -> TrainedModel:
    """Keep ``model`` for the other pages (newest last) and return the model kept.

    A different model of the same name never replaces it: the newcomer is kept as a
    copy named ``… #2`` (see :func:`musicml.models.unique_name`).
    """
    models = session_models()
    if models.get(model.name) is not model:
        name = unique_name(model.name, [n for n, m in models.items() if m is not model])
        if name != model.name:
            model = dataclasses.replace(model, name=name)
    models.pop(model.name, None)
    models[model.name] = model
    while len(models) > MAX_MODELS:
        models.pop(next(iter(models)))
    return model


def _kept(result: TrainResult) -> TrainResult:
    """``result`` with its model kept for this session (renamed if its name was taken)."""
    model = add_model(result.model)
    return result if model is result.model else dataclasses.replace(result, model=model)


def model_picker(key: str, *, default: str = "builtin:notes") -> TrainedModel | None:
    """Choose a built-in model, one trained this session, or upload a ``.skops`` file.

    Widget keys: ``{key}.model`` (the choice) and ``{key}.model_upload``.
    Returns ``None`` while an upload is missing; a refused file raises
    :class:`~musicml.errors.ModelFileError` for the page's ``friendly_errors``.
    """
    # The options (English, carried by shared links) are shown in the session's language.
    labels: dict[str, Callable[[], TrainedModel]] = {}
    shown: dict[str, str] = {UPLOAD_MODEL: _(UPLOAD_MODEL)}
    for name, blurb in builtin.BUILTIN_MODELS.items():
        labels[f"{name} — {blurb}"] = lambda name=name: builtin_model(name)
        shown[f"{name} — {blurb}"] = f"{name} — {_(blurb)}"
    for name, model in reversed(list(session_models().items())):
        option = f"trained: {name} — {model.describe(lang='en')}"  # the same in every language
        labels[option] = lambda model=model: model
        shown[option] = _("trained: {name} — {description}").format(
            name=name, description=model.describe()
        )
    options = [*labels, UPLOAD_MODEL]
    index = next((i for i, o in enumerate(options) if o.startswith(f"{default} ")), 0)
    choice = st.selectbox(
        _("Model"), options, index=index, format_func=shown.get, key=f"{key}.model"
    )
    if choice in labels:
        return labels[choice]()
    upload = st.file_uploader(
        _("Model file (.skops, saved by musicml)"), type=["skops"], key=f"{key}.model_upload"
    )
    if upload is None:
        st.info(_("Choose a .skops model file to continue."), icon=":material/upload_file:")
        return None
    return uploaded_model(upload.getvalue(), upload.name.removesuffix(".skops"))


def model_key(model: TrainedModel) -> str:
    """A stable cache key of a model for this process (name and identity)."""
    return f"{model.name}@{id(model):x}"


@spinner(N_("Classifying…"))
@song_cache()
@HEAVY_WORK
def _classify(key: str, digest: str, segment, _model: TrainedModel, _clip: Clip) -> Classification:
    return classify_clip(_clip, _model, segment=segment)


def classify_cached(model: TrainedModel, clip: Clip, *, segment) -> Classification:
    """:func:`musicml.classify.classify_clip`, cached per model, audio content and segmentation."""
    return _classify(model_key(model), digest(clip.audio, clip.sr), segment, model, clip)


@spinner(N_("Following the notes frame by frame…"))
@song_cache()
@HEAVY_WORK
def _transcribe(key: str, digest: str, _model: TrainedModel, _clip: Clip) -> Transcription:
    return transcribe(_clip, _model)


def transcribe_cached(model: TrainedModel, clip: Clip) -> Transcription:
    """:func:`musicml.transcription.transcribe`, cached per model and audio content."""
    return _transcribe(model_key(model), digest(clip.audio, clip.sr), model, clip)


PLAYBACK_SR = 16000
"""Rate of the resynthesised notes: their tones and few harmonics need no more, and the
player's file is smaller and quicker to make than at the song's rate."""


@song_cache()
@HEAVY_WORK
def _resynthesis(key: str, digest: str, segment, _result: Classification) -> np.ndarray:
    return resynthesize(_result, sr=PLAYBACK_SR)


def resynthesis_cached(
    model: TrainedModel, clip: Clip, result: Classification, *, segment
) -> tuple[np.ndarray, int]:
    """(audio, sr) of :func:`musicml.classify.resynthesize`, cached like the classification."""
    audio = _resynthesis(model_key(model), digest(clip.audio, clip.sr), segment, result)
    return audio, PLAYBACK_SR


@song_cache()
@HEAVY_WORK
def song_spectrogram(digest: str, _audio: np.ndarray, sr: int, hop_length: int) -> np.ndarray:
    """Mel spectrogram (dB, 64 bands) of a whole song for display."""
    return mel_spectrogram_db(_audio, sr=sr, n_mels=64, hop_length=hop_length)


def spectrogram_of(clip: Clip) -> tuple[np.ndarray, int]:
    """A display spectrogram and its hop (coarser for long songs, so the figure stays light)."""
    hop = 512 * max(1, int(np.ceil(clip.duration / 30.0)))
    return song_spectrogram(digest(clip.audio), clip.audio, clip.sr, hop), hop


SHARED_RESULTS = 16
"""Training results kept for all sessions (oldest dropped first)."""

CONTENT_KEYS = ("builtin:", "upload:")
"""Prefixes of data-set keys that name the data by recipe or content hash."""


def shareable(dataset_key: str) -> bool:
    """Whether a data-set key identifies its data for every session (recipe or content)."""
    return dataset_key.startswith(CONTENT_KEYS)


def content_key(data: bytes) -> str:
    """A key naming uploaded bytes by their content (:func:`musicml.ui.cache.digest`)."""
    return digest(data)


@st.cache_resource(show_spinner=False)
def _shared_results() -> dict:
    """Training results by settings, shared by all sessions (newest last)."""
    return {}


RESULTS = "train.results"
"""Plain session key: recent training results by their settings (newest last)."""


def train_with_progress(
    dataset_key: str,
    dataset: Dataset,
    *,
    features: str,
    feature_params: dict,
    spec: ModelSpec,
    test_size: float,
    seed: int,
    name: str,
) -> TrainResult:
    """Train (with a progress bar) unless the same settings were already trained.

    Results are kept for this session and, when ``dataset_key`` names the data by
    its content (see :func:`shareable`), for every session, so a fresh visit to
    the page reuses the model, its validation curve and its cross-validation.
    """
    results = st.session_state.setdefault(RESULTS, {})
    key = (dataset_key, features, tuple(sorted(feature_params.items())), spec, test_size, seed)
    shared = _shared_results() if shareable(dataset_key) else {}
    if key not in results and key in shared:
        results[key] = shared[key]
    if key in results:
        results[key] = _kept(results[key])
        return results[key]
    bar = st.progress(0.0, text=_("Computing features…"))

    def report(fraction: float, message: str) -> None:
        bar.progress(min(1.0, max(0.0, fraction)), text=message)

    try:
        with HEAVY_WORK:
            result = train_classifier(
                dataset,
                features=features,
                feature_params=feature_params,
                spec=spec,
                test_size=test_size,
                seed=seed,
                name=name,
                progress=report,
            )
    finally:
        bar.empty()
    if shareable(dataset_key):
        shared[key] = result
        while len(shared) > SHARED_RESULTS:
            shared.pop(next(iter(shared)), None)
    results[key] = _kept(result)
    while len(results) > MAX_MODELS:
        results.pop(next(iter(results)))
    return results[key]


def derived(result: TrainResult, name: str, compute: Callable[[], object]):
    """Compute something about a result once (validation curve, projections…)."""
    return MEMO.get(result, name, compute)


BUILTIN_DATASETS = {
    name: kind.short
    for name, kind in sorted(DATASET_KINDS.items(), key=lambda item: item[0] != "sound-silence")
}
"""Built-in data sets by kind (the tutorial's first), with the words a page shows."""

BUILTIN_CHOICES = {f"Built-in: {short}": name for name, short in BUILTIN_DATASETS.items()}
"""The Train page's built-in data-set options (English: the URL carries them) → kind."""


def data_choice_label(option: str) -> str:
    """How a data-set option of the Train page is shown, in the session's language."""
    kind = BUILTIN_CHOICES.get(option)
    if kind is not None:
        return _("Built-in: {name}").format(name=_(BUILTIN_DATASETS[kind]))
    return _(option)


@st.cache_resource(max_entries=6, show_spinner=False)
def _dataset_slot(kind: str, per_class: int, seed: int, sr: int) -> dict:
    """An empty box per data-set recipe, shared by all sessions, filled once.

    The data set itself is made outside any cached function, so a progress bar
    can follow it (elements drawn inside a cached function are replayed on hits).
    """
    return {}


def builtin_dataset(kind: str, per_class: int, seed: int, sr: int = DEFAULT_SR) -> Dataset:
    """A generated data set, made once per recipe for all sessions (read-only).

    While it is being made the page shows a progress bar saying what is happening.
    """
    maker = dataset_kind(kind)
    slot = _dataset_slot(kind, per_class, seed, sr)
    if "dataset" not in slot:
        n = per_class * maker.n_classes()
        text = _(
            "Making the built-in data set “{name}”: synthesising about {n} clips. "
            "This takes a few seconds the first time, then it is kept."
        ).format(name=_(BUILTIN_DATASETS[kind]), n=n)
        bar = st.progress(0.0, text=text)
        try:
            slot["dataset"] = maker.build(
                per_class=per_class,
                seed=seed,
                sr=sr,
                progress=lambda f: bar.progress(min(1.0, f), text=text),
            )
        finally:
            bar.empty()
    return slot["dataset"]


EXAMPLES = "train.examples"
"""Plain session key: recorded or uploaded examples as (label, audio, sr, digest)."""


def example_store() -> list[tuple[str, np.ndarray, int, str]]:
    """The examples collected this session for the "record your own" data set."""
    return st.session_state.setdefault(EXAMPLES, [])


EXAMPLE_ROUND = "train.own_round"
"""Plain session key: how many times examples were added (part of the recorder's key)."""


def example_round() -> int:
    """The current round of the "record your own" inputs (their widget keys end with it)."""
    return st.session_state.setdefault(EXAMPLE_ROUND, 0)


def next_example_round() -> None:
    """Start a new round: the next run draws an empty recorder and uploader.

    Streamlit cannot set a recorder's or uploader's value; new keys give new, empty widgets,
    so what was just added is never added again (to a renamed class, say).
    """
    st.session_state[EXAMPLE_ROUND] = example_round() + 1


def add_example(label: str, clip: Clip) -> bool:
    """Keep ``clip`` as an example of ``label``; False if this very audio is already kept.

    An empty class name is refused before anything is kept: a nameless example
    would make every later data set fail until all examples were cleared.
    """
    label = str(label).strip()
    if not label:
        raise ParameterError("the class name is empty; type a name for these examples first.")
    key = digest(clip.audio)
    store = example_store()
    if any(d == key and lab == label for lab, _, _, d in store):
        return False
    store.append((label, clip.audio, clip.sr, key))
    return True
