"""What pages share through ``st.session_state`` (plain keys, so page switches keep them).

- ``datasets``: name → :class:`~musicml.datasets.Dataset` built or uploaded this session.
- ``models``: name → trained model record (see ``musicml.ui.models``), newest last.
- ``state.kept``: the last value of each control set through :func:`control_default`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import streamlit as st

from musicml.datasets import Dataset

DATASETS = "datasets"
MODELS = "models"
FRESH_DATASET = "datasets.fresh"
"""The newest data set's name until the Train page has opened on it (then removed)."""
MAX_DATASETS = 5
"""Older data sets are dropped past this many, to bound a session's memory."""


def session_datasets() -> dict[str, Dataset]:
    """The data sets of this session (created empty on first use)."""
    if DATASETS not in st.session_state:
        st.session_state[DATASETS] = {}
    return st.session_state[DATASETS]


def add_dataset(name: str, dataset: Dataset) -> None:
    """Keep ``dataset`` under ``name`` for the other pages (newest last)."""
    datasets = session_datasets()
    datasets.pop(name, None)
    datasets[name] = dataset
    st.session_state[FRESH_DATASET] = name
    while len(datasets) > MAX_DATASETS:
        datasets.pop(next(iter(datasets)))


def take_fresh_dataset() -> str | None:
    """The name of a data set added since this was last asked (once), or ``None``."""
    name = st.session_state.pop(FRESH_DATASET, None)
    return name if name in session_datasets() else None


_KEPT = "state.kept"
"""Plain session key: widget key → (the input its value was set for, its last value)."""


def control_default(key: str, default: Any, *, follows: Hashable = None) -> None:
    """Give the widget ``key`` its value in ``st.session_state`` before it is drawn.

    The one place a control's value is set, so the page creates the widget with ``key=``
    and no ``value=``/``index=``: what the widget shows is what the page uses.

    - On first use the key gets ``default`` (unless a shared link already put a value).
    - A value the user chose stays, also over runs where the widget is not drawn (the page
      stops while an upload is missing, and Streamlit drops an undrawn widget's state).
    - When ``follows`` (the identity of the input the default depends on: a model's name,
      a clip's digest) changes, the key is set to the new ``default``.

    Parameters
    ----------
    key : str
        The widget's key.
    default : Any
        The default for the input as it is now.
    follows : hashable, optional
        The identity of that input; ``None`` for a default that depends on nothing.
    """
    kept = st.session_state.setdefault(_KEPT, {})
    previous = kept.get(key)
    if previous is not None and previous[0] != follows:
        st.session_state[key] = default
    elif key not in st.session_state:
        st.session_state[key] = previous[1] if previous is not None else default
    kept[key] = (follows, st.session_state[key])


def kept_control(key: str) -> tuple[bool, Any]:
    """``(True, value)`` when :func:`control_default` has set ``key`` this session."""
    kept = st.session_state.get(_KEPT, {})
    return (True, kept[key][1]) if key in kept else (False, None)
