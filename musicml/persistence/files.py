"""Saving and loading models safely with skops (never pickle or joblib).

A model file is a skops archive of one dictionary: the fitted Pipeline and a
JSON string of metadata (:mod:`~musicml.persistence.metadata`). :func:`load_model`
builds nothing until :mod:`~musicml.persistence.schema` has passed the file, and
hands out nothing until :mod:`~musicml.persistence.checks` has passed the model.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import BinaryIO

import skops.io as sio

from musicml.errors import ModelFileError, Phrase
from musicml.models import TrainedModel
from musicml.persistence.checks import _check_it_classifies, _checked_model
from musicml.persistence.metadata import FORMAT, model_metadata
from musicml.persistence.schema import MAX_FILE_BYTES, inspect_model_file

MODEL_EXTENSION = "skops"


def model_bytes(model: TrainedModel) -> bytes:
    """The skops file of ``model`` as bytes (for downloads)."""
    buffer = io.BytesIO()
    document = {"pipeline": model.pipeline, "meta": json.dumps(model_metadata(model))}
    sio.dump(document, buffer, compression=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def save_model(model: TrainedModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (a ``.skops`` file) and return the path."""
    path = Path(path)
    if path.suffix != f".{MODEL_EXTENSION}":
        raise ModelFileError(
            "the model file name must end in .{model_extension}; got '{path_name}'.",
            model_extension=MODEL_EXTENSION,
            path_name=path.name,
        )
    path.write_bytes(model_bytes(model))
    return path


def _read_bytes(source: bytes | str | Path | BinaryIO) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), Phrase("the uploaded model")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ModelFileError("no model file at '{path}'.", path=path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ModelFileError(
                "'{path_name}' is larger than {limit_mb} MB; not a musicml model.",
                path_name=path.name,
                limit_mb=MAX_FILE_BYTES // 2**20,
            )
        return path.read_bytes(), f"'{path.name}'"
    if hasattr(source, "getvalue"):
        return source.getvalue(), f"'{getattr(source, 'name', 'the upload')}'"
    if hasattr(source, "read"):
        return source.read(), f"'{getattr(source, 'name', 'the upload')}'"
    raise ModelFileError(
        "a model must be given as bytes, a path or a file; got {type_name}.",
        type_name=type(source).__name__,
    )


def load_model(source: bytes | str | Path | BinaryIO, *, name: str | None = None) -> TrainedModel:
    """Load a model saved by :func:`save_model`, refusing anything unexpected.

    Parameters
    ----------
    source : bytes, path or file-like
        A ``.skops`` file.
    name : str, optional
        Display name (defaults to the name stored in the file).

    Raises
    ------
    ModelFileError
        Pickle or other non-skops data, a file naming types outside
        :data:`TRUSTED_TYPES`, or a skops file that is not a musicml model.
    """
    data, label = _read_bytes(source)
    report = inspect_model_file(data, label=label)
    if report["untrusted"]:
        raise ModelFileError(
            "{label} contains types musicml does not trust: {types}. "
            "It was refused and nothing in it was run. Only models trained by musicml can "
            "be loaded.",
            label=label,
            types=", ".join(report["untrusted"]),
        )
    try:
        document = sio.load(io.BytesIO(data), trusted=report["skops_untrusted"])
    except Exception as exc:  # a schema that passed the check but does not build
        raise ModelFileError(
            "{label} could not be loaded as a model ({error}).", label=label, error=exc
        ) from exc
    if not isinstance(document, dict) or not {"pipeline", "meta"} <= set(document):
        raise ModelFileError("{label} is a skops file but not a musicml model.", label=label)
    try:
        meta = json.loads(document["meta"])
    except (TypeError, ValueError, RecursionError) as exc:
        raise ModelFileError("{label} has unreadable model information.", label=label) from exc
    if (
        not isinstance(meta, dict)
        or meta.get("format") != FORMAT
        or not isinstance(meta.get("classes"), list)
    ):
        raise ModelFileError("{label} is a skops file but not a musicml model.", label=label)
    pipeline = document["pipeline"]
    if not hasattr(pipeline, "predict") or not hasattr(pipeline, "named_steps"):
        raise ModelFileError("{label} does not hold a classifier pipeline.", label=label)
    model = _checked_model(pipeline, meta, label, name)
    _check_it_classifies(model, label)
    return model
