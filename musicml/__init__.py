"""musicml: machine learning on music audio, as a library, a command line and a web app."""

from musicml.errors import (
    AudioDecodeError,
    DataSetError,
    ModelFileError,
    MusicMLError,
    ParameterError,
)

__version__ = "0.1.0"

__all__ = [
    "AudioDecodeError",
    "DataSetError",
    "ModelFileError",
    "MusicMLError",
    "ParameterError",
    "__version__",
]
