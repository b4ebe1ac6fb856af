"""Controls shared by several pages."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from musicml.audio import AUDIO_EXTENSIONS, DEFAULT_SR, Clip
from musicml.ui.cache import load_uploaded

UPLOAD = "Upload a file"
RECORD = "Record"


def audio_picker(
    key: str,
    *,
    examples: dict[str, Callable[[], Clip]],
    label: str = "Sound",
    sr: int = DEFAULT_SR,
) -> Clip | None:
    """Let the user choose an example sound, upload a file, or record one.

    Parameters
    ----------
    key : str
        Prefix of the widget keys (``{key}.source``, ``{key}.upload``, ``{key}.record``).
    examples : dict
        Display name → function that makes the example clip.

    Returns
    -------
    Clip or None
        ``None`` while an upload or recording is still missing. Undecodable
        audio raises :class:`~musicml.errors.AudioDecodeError` for the page's
        ``friendly_errors`` to show.
    """
    options = [*examples, UPLOAD, RECORD]
    choice = st.segmented_control(label, options, default=options[0], key=f"{key}.source")
    if choice is None:
        choice = options[0]
    if choice in examples:
        return examples[choice]()
    if choice == UPLOAD:
        upload = st.file_uploader(
            "Audio file (WAV, MP3, FLAC or OGG)", type=list(AUDIO_EXTENSIONS), key=f"{key}.upload"
        )
        if upload is None:
            st.info("Choose an audio file to continue.", icon=":material/upload_file:")
            return None
        return load_uploaded(upload.getvalue(), upload.name, sr)
    recording = st.audio_input("Record from your microphone", key=f"{key}.record", sample_rate=None)
    if recording is None:
        st.info(
            "Press the microphone to record, then stop to use the recording.", icon=":material/mic:"
        )
        return None
    return load_uploaded(recording.getvalue(), "recording.wav", sr)
