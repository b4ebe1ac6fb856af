"""Train: a classifier on a data set of sounds, scored on clips it never saw."""

import streamlit as st

from musicml.datasets import sound_silence_dataset
from musicml.models import train_classifier
from musicml.ui.layout import friendly_errors, page_setup

page_setup(
    "Train",
    ":material/model_training:",
    "The tutorial's first experiment: one-second clips that are either a tone or silence. "
    "We turn each clip into numbers (its mel spectrogram, averaged over time), fit a "
    "**logistic regression**, and test it on clips held back from training, so the score "
    "says how it does on sounds it has never seen.",
)

cols = st.columns(3)
per_class = cols[0].slider("Clips per class", 10, 200, 50, step=10, key="train.per_class")
C = cols[1].select_slider(
    "C (inverse regularisation)",
    [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
    value=1.0,
    key="train.C",
)
test_size = cols[2].slider("Held-out share", 0.1, 0.5, 0.25, step=0.05, key="train.test")


@st.cache_resource(max_entries=8, show_spinner="Training…")
def _train(per_class: int, C: float, test_size: float):
    return train_classifier(
        sound_silence_dataset(per_class=per_class, seed=0), C=C, test_size=test_size, seed=0
    )


with friendly_errors():
    result = _train(per_class, C, test_size)

metrics = st.columns(3)
metrics[0].metric("Held-out accuracy", f"{result.accuracy:.0%}")
metrics[1].metric("Training accuracy", f"{result.train_accuracy:.0%}")
metrics[2].metric("Training time", f"{result.seconds * 1000:.0f} ms")
st.caption(
    f"Trained on {result.n_train} clips, tested on {result.n_test}. Sound against silence is "
    "easy: a perfect score here shows the task is trivial, not that the model is clever."
)
