"""Every page in Chinese and Japanese: no English left, and a language switch keeps the view.

Each page is opened first by URL (its own script, as on a fresh server) with ``?lang=``.
The text a visitor reads (titles, headers, Markdown, captions, notices, widget labels,
options and help, tabs, expanders, metrics) is collected and searched for English
words: runs of three or more ASCII letters that are not names, units or code.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from musicml.i18n import LANGUAGES, translate
from musicml.ui.language import LANGUAGE, PICKER

TIMEOUT = 180
PAGES = ["app.py", *sorted(f"pages/{p.name}" for p in ROOT.glob("pages/*.py"))]

ALLOWED = {
    # names and programs
    "musicml",
    "python",
    "scikit",
    "learn",
    "skops",
    "pickle",
    "gtzan",
    "viterbi",
    "gabor",
    "hann",
    "hamming",
    "krumhansl",
    "kessler",
    "musescore",
    "garageband",
    "daw",
    "softmax",
    "sigmoid",
    "iris",
    "sinc",
    "english",  # the picker names every language in its own words
    "fmax",
    "n_fft",  # parameter names, as in the code
    # abbreviations and units
    "stft",
    "cqt",
    "mfcc",
    "mfccs",
    "fft",
    "fir",
    "nmf",
    "hpss",
    "pca",
    "lda",
    "svm",
    "rbf",
    "bpm",
    "csv",
    "wav",
    "mp3",
    "flac",
    "ogg",
    "midi",
    "json",
    "zip",
    "khz",
    "rms",
    # the feature kinds as the Train page lists them, and scikit-learn's words
    "mel",
    "chroma",
    "gamma",
    "scale",
    "true",
    "false",
    # column names of a truth CSV (shown as the format to upload)
    "start_s",
    "end_s",
    "label",
    "file",
    # class labels of the built-in data sets and models (data, not interface text)
    "silence",
    "sound",
}
WORD = re.compile(r"[A-Za-z]{3,}")


def _open(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def visible_text(at: AppTest) -> list[str]:
    """What a visitor reads on the page, element by element."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "toast",
    ):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("expander", "tabs", "status"):
        texts += [str(e.proto.label) for e in at.get(kind) if hasattr(e.proto, "label")]
    texts += [str(e.label) for e in at.get("metric")]
    for kind in (
        "slider",
        "select_slider",
        "selectbox",
        "multiselect",
        "radio",
        "toggle",
        "checkbox",
        "number_input",
        "text_input",
        "button",
        "button_group",
        "file_uploader",
        "download_button",
        "audio_input",
    ):
        for widget in at.get(kind):
            proto = widget.proto
            texts.append(str(getattr(proto, "label", "")))
            texts.append(str(getattr(proto, "help", "")))
            if kind == "button_group":
                texts += [str(o.content) for o in proto.options]
            else:
                texts += [str(o) for o in getattr(proto, "options", [])]
    for link in at.get("page_link"):
        texts += [link.proto.label, link.proto.help]
    return [t for t in texts if t]


def english_words(text: str) -> list[str]:
    """English words in ``text``: code, icons, names, units and file names taken out."""
    text = re.sub(r"`[^`]*`", " ", text)  # code
    text = re.sub(r":material/\w+:", " ", text)  # icons
    text = re.sub(r"https?://\S+|\S*[:_./\\\d@]\S*", " ", text)  # paths, names, numbers
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED]


def test_the_english_word_finder_finds_english_and_only_english():
    assert english_words("Frequency f (Hz)") == ["Frequency"]
    assert english_words("频率 f（Hz）· `python -m musicml` · :material/link: 链接") == []
    assert english_words("周波数（Hz）、STFT、MFCC、silence_0003.wav、builtin:notes") == []


@pytest.mark.parametrize("lang", ["zh", "ja"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_the_chosen_language(page, lang):
    at = _open(page, lang)
    assert at.session_state[LANGUAGE] == lang
    texts = visible_text(at)
    assert len(texts) >= 10, texts
    (title,) = at.title
    assert not english_words(title.value), title.value
    left = {t: words for t in texts if (words := english_words(t))}
    assert not left, f"English left on {page} in {lang}: {left}"
    # Some text really is in the language (CJK characters), not merely absent.
    assert sum(bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t)) for t in texts) >= 10


def test_a_language_switch_keeps_the_sliders_and_choices():
    at = _open("pages/synthesize.py", "en")
    at.slider(key="synth.freq").set_value(880).run()
    at.selectbox(key="synth.timbre").set_value("piano").run()
    at.toggle(key="synth.silence").set_value(False).run()
    english_label = at.slider(key="synth.freq").label
    assert at.query_params.get("freq") == ["880"] or at.query_params.get("freq") == "880"

    at.get_by_key(PICKER).set_value("ja").run()
    assert not at.exception, at.exception
    assert at.session_state[LANGUAGE] == "ja"
    slider = at.slider(key="synth.freq")
    assert slider.value == 880, "the moved slider kept its value"
    assert slider.label != english_label and slider.label == translate(english_label, "ja")
    assert at.selectbox(key="synth.timbre").value == "piano"
    assert at.selectbox(key="synth.timbre").format_func("piano") == translate("piano", "ja")
    assert at.toggle(key="synth.silence").value is False
    assert dict(at.query_params).get("lang") in ("ja", ["ja"])

    at.get_by_key(PICKER).set_value("zh").run()
    assert at.slider(key="synth.freq").value == 880
    assert at.title[0].value == translate("Synthesize", "zh")


def test_a_language_switch_keeps_the_open_tab_and_the_link_names_it_in_english():
    at = _open("pages/loss_surface.py", "zh", view="slices")
    assert at.session_state["loss.view"] == translate("Slices", "zh")
    at.get_by_key(PICKER).set_value("ja").run()
    assert not at.exception, at.exception
    assert at.session_state["loss.view"] == translate("Slices", "ja")
    query = dict(at.query_params)
    assert query["view"] in ("slices", ["slices"]), "the URL keeps the English token"
    assert query["lang"] in ("ja", ["ja"])


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_picker_shows_every_language_in_its_own_name(lang):
    at = _open("app.py", lang)
    picker = at.get_by_key(PICKER)
    assert [o.content for o in picker.proto.options] == list(LANGUAGES.values())
    assert picker.value == lang


def test_an_unknown_language_in_the_address_falls_back_to_english_with_a_note():
    at = _open("app.py", "xx")
    assert at.session_state[LANGUAGE] == "en"
    assert at.title[0].value == "musicml"
    assert any("`xx`" in c.value for c in at.sidebar.caption)
    assert "lang" not in dict(at.query_params), "the bad value leaves the address"
    at.run()
    assert not any("`xx`" in c.value for c in at.sidebar.caption), "said once"


def test_a_new_page_of_the_session_keeps_the_language():
    """Page links drop the query string: the language lives in the session."""
    at = _open("app.py", "ja")
    at.switch_page("pages/train.py").run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert at.title[0].value == translate("Train", "ja")
    assert dict(at.query_params).get("lang") in ("ja", ["ja"])


def test_the_share_link_carries_the_language():
    at = _open("pages/signal_lab.py", "en")
    at.get_by_key(PICKER).set_value("zh").run()
    (box,) = at.sidebar.code
    assert "lang=zh" in box.value


def test_a_core_error_is_shown_in_the_session_language(monkeypatch):
    """``friendly_errors`` shows ``error_text``: the translated template with its values."""
    at = _open("pages/train.py", "zh", data="own")
    at.text_input(key="train.own_label").set_value("   ").run()
    wav = _wav_bytes()
    at.file_uploader(key="train.own_upload.0").set_value(("a.wav", wav, "audio/wav")).run()
    at.button(key="train.own_add").click().run()
    message = "the class name is empty; type a name for these examples first."
    shown = [e.value for e in at.error]
    assert translate(message, "zh") in shown, shown


def _wav_bytes() -> bytes:
    import io

    import numpy as np
    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * 440 * np.arange(22050) / 22050), 22050, format="WAV")
    return buffer.getvalue()
