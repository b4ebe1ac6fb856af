"""What a model file says about its model: format, settings, metrics, library versions."""

from __future__ import annotations

import platform

import numpy as np

from musicml.models.trained import TrainedModel, _json_safe

FORMAT = "musicml-model"
FORMAT_VERSION = 1


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import librosa
    import sklearn
    import skops

    from musicml import __version__

    return {
        "musicml": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "librosa": librosa.__version__,
        "skops": skops.__version__,
        "python": platform.python_version(),
    }


def model_metadata(model: TrainedModel) -> dict:
    """The JSON metadata stored next to the pipeline."""
    return _json_safe(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": model.name,
            "classes": list(model.classes),
            "sr": int(model.sr),
            "clip_seconds": float(model.clip_seconds),
            "features": model.features,
            "spec": model.spec,
            "metrics": model.metrics,
            "info": model.info,
            "versions": library_versions(),
        }
    )


def _version_warnings(saved: dict) -> list[str]:
    """Plain sentences for libraries whose version differs from the one that saved the model."""
    current = library_versions()
    return [
        f"saved with {lib} {saved[lib]}, running {current[lib]}"
        for lib in ("scikit-learn", "numpy", "librosa")
        if lib in saved and saved[lib] != current[lib]
    ]
