"""What pages share through ``st.session_state`` (plain keys, so page switches keep them).

- ``datasets``: name → :class:`~musicml.datasets.Dataset` built or uploaded this session.
- ``models``: name → trained model record (see ``musicml.ui.models``), newest last.
"""

from __future__ import annotations

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
