"""Readable, unique names for trained models: settings, data set, and a counter if needed."""

from __future__ import annotations

import re
from collections.abc import Collection


def model_name(
    *, model: str, features: str, C: float, multiclass: str | None = None, data: str = ""
) -> str:
    """A readable model name: ``logreg · mel · C=1 · notes-30``.

    ``C`` is left out for models that do not use it (kNN, forests); ``multiclass``
    (``ovr``, ``ovo``, ``multinomial``) is shown when one is chosen.
    """
    parts = [model, features]
    if model in ("logreg", "svm"):
        parts.append(f"C={C:g}")
    if multiclass:
        parts.append(multiclass)
    if data:
        parts.append(data)
    return " · ".join(parts)


def unique_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name #2``, ``#3``… when it is already ``taken``.

    Examples
    --------
    >>> unique_name("logreg · mel", {"logreg · mel", "logreg · mel #2"})
    'logreg · mel #3'
    """
    if name not in taken:
        return name
    number = 2
    while f"{name} #{number}" in taken:
        number += 1
    return f"{name} #{number}"


def file_stem(name: str) -> str:
    """A file name for a model name: ``logreg · mel · C=1 #2`` → ``logreg-mel-C1-2``."""
    stem = re.sub(r"[^\w.-]+", "-", name.replace("=", "")).strip("-.")
    return stem or "model"
