"""musicml home page (run with `streamlit run app.py`)."""

import streamlit as st

from musicml.ui.layout import PAGES, page_setup

page_setup(
    "musicml",
    ":material/equalizer:",
    "Learn and demonstrate **machine learning on music audio** in your browser: make sounds, "
    "see them as spectrograms, look inside logistic regression, train classifiers and use "
    "them on your own songs. No installation and no code needed.",
)

st.markdown(
    "It is built for **learners** who want to play with sliders and hear the result, "
    "**teachers** giving a demo to people who do not program, and **students** who bring "
    "their own recordings. Everything here also works from Python and from the command line "
    "(`python -m musicml --help`)."
)

st.subheader("Where to go", anchor=False)
for page in PAGES[1:]:
    with st.container(border=True):
        st.page_link(page.path, label=page.label, icon=page.icon)
        st.caption(page.blurb)
