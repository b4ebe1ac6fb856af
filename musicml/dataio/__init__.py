"""Users' labelled audio in and out: folders, zips and ``labels.csv``.

Accepted layouts (as a folder, or a zip of one):

- one sub-folder per class (the GTZAN layout), possibly under a top-level
  folder: ``genres/blues/blues.00000.wav`` is labelled ``blues``;
- audio files plus a ``labels.csv`` with columns ``file,label`` (extra columns
  are ignored; ``file`` is relative to the CSV).

Zips are never extracted (a zip file on disk is read member by member, an
uploaded one in memory): unsafe names (``../``, absolute paths), symbolic
links, too many members, members larger than declared or than the limits, and
suspicious compression ratios are refused. Members that are not
audio are skipped with a note; unreadable audio is skipped with a note; if no
audio is left, loading fails with a :class:`~musicml.errors.DataSetError`.

:func:`load_labelled_audio` loads a whole data set (up to an hour of audio);
:func:`labelled_files` with :func:`labelled_batches` decode any size batch by
batch, so only one batch is in memory (the command line's ``evaluate``).

The modules, one step each: :mod:`~musicml.dataio.archive` (a folder's or a zip's files
and their limits), :mod:`~musicml.dataio.labels` (sub-folders or ``labels.csv``),
:mod:`~musicml.dataio.loading` (decoding) and :mod:`~musicml.dataio.writing` (folders
and zips out). Everything public imports from ``musicml.dataio``.
"""

from musicml.dataio.archive import (
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    READABLE_METHODS,
    UNPACK_ERRORS,
)
from musicml.dataio.labels import (
    CSV_ROWS_PER_FILE,
    LABELS_CSV,
    MAX_CSV_BYTES,
    MAX_CSV_LINE_CHARS,
    SETTINGS_JSON,
    STREAM_MAX_FILES,
    LabelledFiles,
    labelled_files,
)
from musicml.dataio.loading import (
    MAX_FILE_SECONDS,
    MAX_LOAD_BYTES,
    MAX_SETTINGS_BYTES,
    STREAM_MAX_SECONDS,
    UNREADABLE_LIMIT,
    labelled_batches,
    labelled_clips,
    load_labelled_audio,
)
from musicml.dataio.writing import dataset_to_zip, float_wav_bytes, save_dataset_folder

__all__ = [
    "CSV_ROWS_PER_FILE",
    "LABELS_CSV",
    "MAX_CSV_BYTES",
    "MAX_CSV_LINE_CHARS",
    "MAX_FILE_SECONDS",
    "MAX_LOAD_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_SETTINGS_BYTES",
    "MAX_TOTAL_BYTES",
    "READABLE_METHODS",
    "SETTINGS_JSON",
    "STREAM_MAX_FILES",
    "STREAM_MAX_SECONDS",
    "UNPACK_ERRORS",
    "UNREADABLE_LIMIT",
    "LabelledFiles",
    "dataset_to_zip",
    "float_wav_bytes",
    "labelled_batches",
    "labelled_clips",
    "labelled_files",
    "load_labelled_audio",
    "save_dataset_folder",
]
