"""musicml home page (run with `streamlit run app.py`)."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import PAGES, page_setup

page_setup(
    "musicml",
    ":material/equalizer:",
    N_(
        "Learn and demonstrate **machine learning on music audio** in your browser: make sounds, "
        "see them as spectrograms, look inside logistic regression, train classifiers and use "
        "them on your own songs. No installation and no code needed."
    ),
)
st.markdown(
    _(
        "It is built for **learners** who want to play with sliders and hear the result, "
        "**teachers** giving a demo to people who do not program, and **students** who bring "
        "their own recordings. Everything here also works from Python and from the command line "
        "(`python -m musicml --help`)."
    )
)

st.subheader(_("A five-minute tour"), anchor=False)
st.markdown(
    _(
        "1. **Classify**: the built-in notes model turns an example melody into a piano roll; "
        "play back what it heard, then upload a song of your own or record one.\n"
        "2. **Synthesize**: build a notes data set with varied instruments and hear a few clips.\n"
        "3. **Train**: train on that data set, move **C** and the **multiclass strategy**, and "
        "watch the held-out score and the confusion matrix change.\n"
        "4. **Loss surface**: see the bowl that logistic regression rolls down, and gradient "
        "descent finding the same minimum as scikit-learn."
    )
)

st.subheader(_("Where to go"), anchor=False)
for page in PAGES[1:]:
    with st.container(border=True):
        st.page_link(page.path, label=_(page.label), icon=page.icon)
        st.caption(_(page.blurb))

# Last: the link box imports the core, and on a fresh server that takes a second or two,
# which the page's own words and links need not wait for (Home has no controls to restore).
from musicml.ui.share import share_view  # noqa: E402

share_view("home")
