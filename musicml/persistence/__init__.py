"""Saving and loading models safely with skops (never pickle or joblib).

A model file is a skops archive of one dictionary: the fitted Pipeline and a
JSON string of metadata (feature settings, class names, training metrics,
library versions). Loading reads the archive's schema *before* building any
object and refuses the file if it names any type outside :data:`TRUSTED_TYPES`
(or a node kind outside :data:`TRUSTED_NODES`), so nothing in a hostile file is
ever constructed or called. A pickle file, or anything that is not a skops
archive, is refused with :class:`~musicml.errors.ModelFileError` without being
opened by pickle.

The modules, in the order a file meets them: :mod:`~musicml.persistence.files`
(:func:`save_model`, :func:`load_model`), :mod:`~musicml.persistence.schema` (the
archive and its schema checked, the allow-list and the limits, before anything is
built), :mod:`~musicml.persistence.checks` (the built model checked before it is used)
and :mod:`~musicml.persistence.metadata` (what a file says about its model). Everything
public imports from ``musicml.persistence``.
"""

from musicml.persistence.checks import (
    FEATURE_LIMITS,
    MAX_CLIP_SECONDS,
    MAX_FRAMES_PER_SECOND,
    MAX_OVERLAP,
    MIN_SAMPLE_RATE,
)
from musicml.persistence.files import MODEL_EXTENSION, load_model, model_bytes, save_model
from musicml.persistence.metadata import FORMAT, FORMAT_VERSION, library_versions, model_metadata
from musicml.persistence.schema import (
    MAX_FEATURE_EXTRACTORS,
    MAX_FILE_BYTES,
    MAX_MEMBERS,
    MAX_SCHEMA_BYTES,
    MAX_SCHEMA_DEPTH,
    MAX_SCHEMA_NODES,
    MAX_UNPACKED_BYTES,
    TRUSTED_NODES,
    TRUSTED_TYPES,
    inspect_model_file,
)

__all__ = [
    "FEATURE_LIMITS",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_CLIP_SECONDS",
    "MAX_FEATURE_EXTRACTORS",
    "MAX_FILE_BYTES",
    "MAX_FRAMES_PER_SECOND",
    "MAX_MEMBERS",
    "MAX_OVERLAP",
    "MAX_SCHEMA_BYTES",
    "MAX_SCHEMA_DEPTH",
    "MAX_SCHEMA_NODES",
    "MAX_UNPACKED_BYTES",
    "MIN_SAMPLE_RATE",
    "MODEL_EXTENSION",
    "TRUSTED_NODES",
    "TRUSTED_TYPES",
    "inspect_model_file",
    "library_versions",
    "load_model",
    "model_bytes",
    "model_metadata",
    "save_model",
]
