"""Controls shared by several pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from musicml.audio import AUDIO_EXTENSIONS, DEFAULT_SR, Clip, resample
from musicml.datasets import Dataset
from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.cache import load_uploaded

# Option values stay English (the URL carries them); they are shown translated.
UPLOAD = N_("Upload a file")
RECORD = N_("Record")
DATASET_CLIP = N_("Data-set clip")


def audio_picker(
    key: str,
    *,
    examples: dict[str, Callable[[], Clip]],
    label: str = N_("Sound"),
    sr: int = DEFAULT_SR,
    datasets: Mapping[str, Dataset] | None = None,
    decode: bool = True,
) -> Clip | None:
    """Let the user choose an example sound, upload a file, or record one.

    Parameters
    ----------
    key : str
        Prefix of the widget keys (``{key}.source``, ``{key}.upload``, ``{key}.record``).
    examples : dict
        Display name (English, marked with ``N_``; shown translated) → function that
        makes the example clip.
    datasets : mapping of name → Dataset, optional
        When given, a "Data-set clip" source picks one clip of these data sets
        (keys ``{key}.dataset``, ``{key}.class``, ``{key}.clip``).
    decode : bool
        ``False`` draws the widgets and returns ``None`` without decoding anything: a page
        that waits for another input keeps the song's widgets (and an uploaded file) drawn.

    Returns
    -------
    Clip or None
        ``None`` while an upload or recording is still missing. Undecodable
        audio raises :class:`~musicml.errors.AudioDecodeError` for the page's
        ``friendly_errors`` to show.
    """
    options = [*examples, *([DATASET_CLIP] if datasets is not None else []), UPLOAD, RECORD]
    choice = st.segmented_control(
        _(label), options, format_func=_, default=options[0], key=f"{key}.source"
    )
    if choice is None:
        choice = options[0]
    if choice in examples:
        return examples[choice]() if decode else None
    if choice == DATASET_CLIP:
        clip = _dataset_clip(key, datasets or {}, sr)
        return clip if decode else None
    if choice == UPLOAD:
        upload = st.file_uploader(
            _("Audio file (WAV, MP3, FLAC or OGG)"),
            type=list(AUDIO_EXTENSIONS),
            key=f"{key}.upload",
        )
        if upload is None:
            st.info(_("Choose an audio file to continue."), icon=":material/upload_file:")
            return None
        return load_uploaded(upload.getvalue(), upload.name, sr) if decode else None
    recording = st.audio_input(
        _("Record from your microphone"), key=f"{key}.record", sample_rate=None
    )
    if recording is None:
        st.info(
            _("Press the microphone to record, then stop to use the recording."),
            icon=":material/mic:",
        )
        return None
    return load_uploaded(recording.getvalue(), "recording.wav", sr) if decode else None


def _dataset_clip(key: str, datasets: Mapping[str, Dataset], sr: int) -> Clip | None:
    """Pick one clip of a session data set: data set, class, then which clip."""
    if not datasets:
        st.info(
            _("No data set yet: build one or upload a zip on the Synthesize page."),
            icon=":material/dataset:",
        )
        return None
    cols = st.columns(3)
    names = list(datasets)
    name = cols[0].selectbox(_("Data set"), names, index=len(names) - 1, key=f"{key}.dataset")
    dataset = datasets[name]
    label = cols[1].selectbox(_("Class"), dataset.classes, key=f"{key}.class")
    indices = [i for i, lab in enumerate(dataset.labels) if lab == label]
    choice = cols[2].selectbox(
        _("Clip"),
        range(len(indices)),
        format_func=lambda k: dataset.names[indices[k]],
        key=f"{key}.clip",
    )
    index = indices[int(choice or 0)]
    audio = dataset.clips[index]
    if dataset.sr != sr:
        audio = resample(audio, dataset.sr, sr)
    return Clip(audio, sr, f"{dataset.names[index]} ({label})")
