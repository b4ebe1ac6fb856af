"""musicml.i18n: complete catalogs, the language source, error texts, browser preferences."""

from __future__ import annotations

import re
import string
import subprocess
import sys

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import ROOT

from musicml import i18n
from musicml.errors import ParameterError
from musicml.i18n import (
    LANGUAGES,
    N_,
    catalog,
    current_language,
    english_of,
    error_text,
    gettext,
    ngettext,
    preferred_language,
    set_language_source,
    translate,
)

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("app.py", "python"), ("pages/**.py", "python"), ("musicml/**.py", "python")]


def source_messages() -> dict[str | tuple[str, str], list[str]]:
    """Every msgid marked in the app's source, with where it is (as ``pybabel extract``)."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def po_entries(lang: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid → msgstr of ``musicml.po`` of ``lang`` (empty strings kept: they are the point)."""
    path = ROOT / "musicml" / "locale" / lang / "LC_MESSAGES" / "musicml.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    entries = {}
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            entries[key] = (
                message.string if isinstance(message.string, str) else tuple(message.string)
            )
    return entries


def placeholders(text: str) -> set[str]:
    """``{name}`` fields (as ``str.format`` reads them) and Plotly's ``%{...}`` ones.

    LaTeX (a backslash command) is not formatted: its braces are its own.
    """
    if "\\" in text:
        return set(re.findall(r"\\[a-z]+", text))
    fields = {f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return fields | set(re.findall(r"%\{\{?[^{}]*\}?\}", text))


@pytest.fixture(scope="module")
def messages():
    found = source_messages()
    assert len(found) > 500, "the extraction found the app's text"
    return found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_source_is_translated_with_the_same_placeholders(messages, lang):
    entries = po_entries(lang)
    missing = {m: where for m, where in messages.items() if m not in entries}
    assert not missing, f"not in {lang}'s musicml.po (run pybabel update): {missing}"
    empty = {m: messages[m] for m in messages if not all(forms(entries[m]))}
    assert not empty, f"untranslated in {lang}: {empty}"
    for message, where in messages.items():
        english = message if isinstance(message, str) else message[0]
        for text in forms(entries[message]):
            problem = f"{lang}, {where[0]}: {message!r} → {text!r}"
            assert placeholders(text) == placeholders(english), "placeholders differ: " + problem
            assert text.count("\n") == english.count("\n"), "Markdown lines differ: " + problem
            assert text.count("**") == english.count("**"), "bold differs: " + problem
            assert text.count("`") == english.count("`"), "code differs: " + problem


def forms(msgstr: str | tuple[str, ...]) -> tuple[str, ...]:
    return msgstr if isinstance(msgstr, tuple) else (msgstr,)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalog_has_no_entries_the_source_lost(messages, lang):
    stale = set(po_entries(lang)) - set(messages)
    assert not stale, f"{lang}: entries no longer in the source (run pybabel update): {stale}"


def test_the_template_is_the_extraction_of_the_source(messages):
    with (ROOT / "musicml" / "locale" / "musicml.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    assert template == set(messages)


def test_translations_read_naturally_in_the_tutorials_terms():
    zh = {m: translate(m, "zh") for m in ("Loss surface", "Gradient descent", "Confusion matrix")}
    assert zh == {
        "Loss surface": "损失曲面",
        "Gradient descent": "梯度下降",
        "Confusion matrix": "混淆矩阵",
    }
    assert translate("Logistic regression", "ja") == "ロジスティック回帰"
    assert translate("Sample rate sr (Hz)", "zh") == "采样率 sr（Hz）"
    assert "サンプリング周波数" in translate("Sample rate sr (Hz)", "ja")
    assert translate("one-vs-rest", "ja") == "一対他" and translate("one-vs-rest", "zh") == "一对多"
    assert translate("Mel spectrogram", "ja") == "メルスペクトログラム"


# ----------------------------------------------------------------------------- the mechanism


@pytest.fixture
def language():
    """Set the current language for one test (and always restore "no source")."""
    chosen = {"lang": "en"}
    set_language_source(lambda: chosen["lang"])
    yield chosen
    set_language_source(None)


def test_without_a_source_the_language_is_english():
    set_language_source(None)
    assert current_language() == "en"
    assert gettext("Loss surface") == "Loss surface"


def test_gettext_follows_the_source_and_unknown_text_stays_english(language):
    language["lang"] = "zh"
    assert gettext("Loss surface") == "损失曲面"
    assert i18n._("Loss surface") == "损失曲面"
    assert gettext("no such message") == "no such message"
    language["lang"] = "ja"
    assert gettext("Loss surface") == "損失曲面"
    language["lang"] = "xx"
    assert current_language() == "en"


def test_a_failing_source_means_english():
    def broken():
        raise RuntimeError("no session")

    set_language_source(broken)
    try:
        assert current_language() == "en"
    finally:
        set_language_source(None)


def test_ngettext_picks_the_form_and_n_marks_without_translating(language):
    singular = "{n} segment over {seconds:.1f} s; **{label}** covers {share:.0%} of the time."
    plural = "{n} segments over {seconds:.1f} s; **{label}** covers {share:.0%} of the time."
    assert ngettext(singular, plural, 1) == singular and ngettext(singular, plural, 2) == plural
    language["lang"] = "zh"
    assert ngettext(singular, plural, 2).startswith("{n} 段")
    assert N_("Loss surface") == "Loss surface"


def test_error_text_translates_a_template_and_fills_its_parameters(language):
    class Templated(ParameterError):
        def __init__(self, template, **params):
            super().__init__(template.format(**params))
            self.template, self.params = template, params

    exc = Templated("a whole number from {low} to {high}", low=1, high=9)
    assert error_text(exc) == "a whole number from 1 to 9"
    language["lang"] = "zh"
    assert error_text(exc) == "从 1 到 9 的整数"
    plain = ParameterError("the class name is empty; type a name for these examples first.")
    assert error_text(plain) == translate(str(plain), "zh") != str(plain)
    assert error_text(ParameterError("something new")) == "something new"


def test_every_po_file_of_a_language_is_one_catalog(tmp_path, monkeypatch):
    folder = tmp_path / "zh" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for name, msgid, msgstr in (("musicml.po", "Hello", "你好"), ("errors.po", "Oops", "哎呀")):
        (folder / name).write_text(
            f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n#, fuzzy\nmsgid "Draft"\nmsgstr "草稿"\n',
            encoding="utf-8",
        )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    catalog.cache_clear()
    try:
        assert translate("Hello", "zh") == "你好" and translate("Oops", "zh") == "哎呀"
        assert translate("Draft", "zh") == "Draft", "fuzzy entries are not used"
    finally:
        catalog.cache_clear()


def test_english_of_finds_the_option_behind_a_label_in_any_language():
    options = ["Sigmoid", "Slices", "Loss surface"]
    assert english_of("Loss surface", options) == "Loss surface"
    assert english_of(translate("Slices", "zh"), options) == "Slices"
    assert english_of(translate("Slices", "ja"), options) == "Slices"
    assert english_of("nothing", options) is None


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (("ja-JP",), "ja"),
        (("zh-CN,zh;q=0.9,en;q=0.8",), "zh"),
        (("fr-FR,fr;q=0.9,ja;q=0.5,en;q=0.4",), "ja"),
        (("de-DE",), None),
        ((None, "zh-TW,zh;q=0.9"), "zh"),
        (("en-GB", "ja"), "en"),
        (("",), None),
        (("*;q=0.5, ;q=x",), None),
    ],
)
def test_the_browser_preference_picks_the_first_language_we_have(preferences, expected):
    assert preferred_language(*preferences) == expected


def test_the_core_mechanism_does_not_import_streamlit():
    code = "import sys, musicml.i18n; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_error_text_translates_the_phrases_inside_a_core_message():
    """'the upload' inside a Chinese sentence is Chinese too (musicml.errors.translated)."""
    from musicml import i18n
    from musicml.audio import load_audio
    from musicml.errors import AudioDecodeError

    with pytest.raises(AudioDecodeError) as caught:
        load_audio(b"not audio at all", sr=22050)
    i18n.set_language_source(lambda: "zh")
    try:
        text = i18n.error_text(caught.value)
    finally:
        i18n.set_language_source(None)
    assert "the upload" in str(caught.value)
    assert "the upload" not in text and "{" not in text
