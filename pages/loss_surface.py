"""Loss surface: logistic regression from the inside."""

import streamlit as st

from musicml.figures.loss import sigmoid_figure
from musicml.ui.layout import page_setup

page_setup(
    "Loss surface",
    ":material/landscape:",
    "Logistic regression squeezes a straight-line score θᵀx through the **sigmoid** to get a "
    "probability between 0 and 1. It predicts class 1 when the probability passes the "
    "threshold; at 0.5 that is exactly where θᵀx = 0, so the boundary between the classes is "
    "a straight line (a plane): logistic regression is a linear classifier.",
)

st.latex(r"\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad z = \theta^\top x")
lo, hi = st.slider("Range of z", -20.0, 20.0, (-10.0, 10.0), step=1.0, key="loss.zrange")
threshold = st.slider("Decision threshold", 0.05, 0.95, 0.5, step=0.05, key="loss.threshold")
st.plotly_chart(
    sigmoid_figure(lo=lo, hi=hi, threshold=threshold),
    key="loss.sigmoid",
    alt="The sigmoid curve with its decision threshold",
)
st.caption(
    "Far to the left the model is sure of class 0, far to the right sure of class 1; "
    "around z = 0 it hesitates. Moving the threshold trades one kind of mistake for the other."
)
