"""Every error musicml shows users is a literal template, extracted by Babel and translated.

The English text (``str(exc)``) is what the other tests match; here we check the
machinery that lets a page show it in Chinese or Japanese: the template at each
raise site, the extraction, the two catalogs and real failures rendered through them.
"""

from __future__ import annotations

import ast
import pickle
import re
import string
import zipfile
from pathlib import Path

import hostile_files as hostile
import pytest
from babel.messages.pofile import read_po

import musicml.errors as errors
from musicml import dataio
from musicml.audio import load_audio
from musicml.errors import (
    AudioDecodeError,
    DataSetError,
    ModelFileError,
    MusicMLError,
    ParameterError,
    Phrase,
    translated,
)
from musicml.locale.extract_errors import ERROR_CLASSES, KEYWORDS, LOCALE_DIR, error_templates
from musicml.persistence import load_model
from musicml.validation import check_float, check_sr

PACKAGE = Path(__file__).resolve().parent.parent / "musicml"
LANGUAGES = ("zh", "ja")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
"""Hiragana, katakana or a CJK ideograph: the text really is Chinese or Japanese."""

MIN_CALLS = 280
"""About 290 error constructions exist; far fewer found means the scan is broken."""


def _fields(template: str) -> set[tuple[str, str | None, str]]:
    """The ``{name!conversion:spec}`` fields of a template."""
    return {
        (name, conversion, spec)
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    }


def _names(template: str) -> set[str]:
    return {name for name, _, _ in _fields(template)}


def _constructions() -> list[tuple[str, int, ast.Call]]:
    """Every call of an error class or :class:`Phrase` by name in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in KEYWORDS
            ):
                found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, node))
    return found


@pytest.fixture(scope="module")
def catalogs():
    out = {}
    for lang in LANGUAGES:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "errors.po").open("rb") as handle:
            out[lang] = read_po(handle)
    return out


def _gettext(catalog):
    def gettext(message: str) -> str:
        entry = catalog.get(message)
        return entry.string if entry is not None and entry.string else message

    return gettext


# --------------------------------------------------------------------------- raise sites


def test_the_extraction_keywords_are_exactly_the_error_classes():
    classes, todo = set(), [MusicMLError]
    while todo:
        cls = todo.pop()
        if cls.__module__ == errors.__name__:
            classes.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert classes == set(ERROR_CLASSES)
    assert set(KEYWORDS) == {*ERROR_CLASSES, "Phrase"}


def test_every_error_is_built_from_a_literal_template_and_named_params():
    calls = _constructions()
    assert len(calls) >= MIN_CALLS
    problems = []
    for where, line, call in calls:
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            problems.append(f"{where}:{line}: the template is not a string literal")
            continue
        if len(call.args) > 1 or any(k.arg is None for k in call.keywords):
            problems.append(f"{where}:{line}: extra positional or ** arguments")
            continue
        given = {k.arg for k in call.keywords}
        if call.func.id == "Phrase" and given:
            problems.append(f"{where}:{line}: a Phrase takes no params")
        elif given and _names(first.value) != given:
            problems.append(f"{where}:{line}: placeholders {_names(first.value)} != {given}")
    assert not problems, "\n".join(problems)


def test_no_error_class_is_called_through_an_attribute():
    """``errors.ParameterError(...)`` would escape the by-name scan and Babel's keywords."""
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in KEYWORDS
            ):
                problems.append(f"{path}:{node.lineno}: called through an attribute")
    assert not problems, "\n".join(problems)


def test_babel_extracts_exactly_the_literal_templates():
    literals = {call.args[0].value for _, _, call in _constructions()}
    assert error_templates() == literals
    assert "{name} must be a whole number from {minimum:,} to {maximum:,}; got {value:,}." in (
        literals
    )


# --------------------------------------------------------------------------- catalogs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_is_translated_with_the_same_placeholders(catalogs, lang):
    catalog = catalogs[lang]
    assert catalog.charset.lower() == "utf-8"
    problems = []
    for template in sorted(error_templates()):
        entry = catalog.get(template)
        if entry is None or not isinstance(entry.string, str) or not entry.string.strip():
            problems.append(f"untranslated: {template!r}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {template!r}")
        if _fields(entry.string) != _fields(template):
            problems.append(f"placeholders differ: {template!r} -> {entry.string!r}")
        if not CJK.search(entry.string):
            problems.append(f"not {lang}: {entry.string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_catalog_holds_no_message_the_code_no_longer_raises(catalogs, lang):
    ids = {message.id for message in catalogs[lang] if message.id}
    assert ids == error_templates()


# --------------------------------------------------------------------------- the error type


def test_str_is_the_english_template_filled_in():
    exc = ParameterError(
        "sr must be between {low:,} and {high:,} Hz, not {value:.3g}.",
        low=1000,
        high=192_000,
        value=12.3456,
    )
    assert str(exc) == "sr must be between 1,000 and 192,000 Hz, not 12.3."
    assert exc.template == "sr must be between {low:,} and {high:,} Hz, not {value:.3g}."
    assert exc.params == {"low": 1000, "high": 192_000, "value": 12.3456}
    assert exc.args == (str(exc),)
    assert isinstance(exc, ValueError) and isinstance(exc, MusicMLError)
    assert not isinstance(DataSetError("x"), ValueError)


def test_a_template_without_params_is_shown_as_written():
    exc = AudioDecodeError("a dict looks like {'a': 1}; {braces} stay.")
    assert str(exc) == "a dict looks like {'a': 1}; {braces} stay."
    assert exc.params == {}


def test_an_error_survives_pickling_with_its_template_and_params():
    exc = ModelFileError(
        "{label} is larger than {limit_mb} MB.", label=Phrase("the x"), limit_mb=64
    )
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is ModelFileError
    assert (str(back), back.template, back.params) == (str(exc), exc.template, exc.params)
    assert type(back.params["label"]) is Phrase


def test_translated_translates_the_template_its_phrases_and_nested_errors():
    table = {
        "{label} is bad: {why}": "{label} 坏了：{why}",
        "the upload": "上传的文件",
        "{n} is odd": "{n} 是奇数",
    }
    inner = ParameterError("{n} is odd", n=3)
    outer = DataSetError("{label} is bad: {why}", label=Phrase("the upload"), why=inner)
    assert str(outer) == "the upload is bad: 3 is odd"
    assert translated(outer, lambda s: table.get(s, s)) == "上传的文件 坏了：3 是奇数"
    # A plain-str param (a file name) is never looked up.
    named = DataSetError("{label} is bad: {why}", label="the upload", why="x")
    assert translated(named, lambda s: table.get(s, s)) == "the upload 坏了：x"


# --------------------------------------------------------------------------- real failures


def _bad_sr():
    with pytest.raises(ParameterError) as caught:
        check_sr(12)
    return caught.value, ["sr", "12", "1,000", "192,000"]


def _sr_too_high_for_load_audio():
    with pytest.raises(ParameterError) as caught:
        load_audio(hostile.wav(), sr=500_000)
    return caught.value, ["192,000", "500,000"]


def _float_out_of_range():
    with pytest.raises(ParameterError) as caught:
        check_float("--seconds", 0.0, maximum=60.0)
    return caught.value, ["--seconds", "60", "0.0"]


def _not_audio():
    with pytest.raises(AudioDecodeError) as caught:
        load_audio(b"definitely not audio")
    return caught.value, ["WAV", "MP3", "FLAC"]


def _corrupt_zip(tmp_path: Path):
    good = hostile.labelled_zip(tmp_path / "stored.zip", compression=zipfile.ZIP_STORED)
    with pytest.raises(DataSetError) as caught:
        dataio.load_labelled_audio(hostile.with_bad_crc(good.read_bytes()))
    return caught.value, ["'a/0.wav'"]


def _damaged_model(tmp_path: Path):
    stored = hostile.restored(hostile.NOTES_MODEL.read_bytes(), compression=zipfile.ZIP_STORED)
    path = tmp_path / "damaged.skops"
    path.write_bytes(hostile.with_bad_crc(stored))
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    return caught.value, ["'damaged.skops'", ".skops"]


def _not_a_model():
    with pytest.raises(ModelFileError) as caught:
        load_model(b"this is not a skops file at all")
    return caught.value, ["skops", ".skops", "musicml"]


FAILURES = {
    "bad sr": lambda tmp_path: _bad_sr(),
    "sr too high for load_audio": lambda tmp_path: _sr_too_high_for_load_audio(),
    "float out of range": lambda tmp_path: _float_out_of_range(),
    "not audio": lambda tmp_path: _not_audio(),
    "corrupt data-set zip": _corrupt_zip,
    "damaged model file": _damaged_model,
    "not a model file": lambda tmp_path: _not_a_model(),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_real_failure_reads_in_chinese_and_japanese(tmp_path, catalogs, lang, failure):
    exc, values = FAILURES[failure](tmp_path)
    assert exc.template in error_templates()
    assert exc.template.format(**exc.params) == str(exc)
    gettext = _gettext(catalogs[lang])
    # The other branch's loader: gettext(template).format(**params) ...
    plain = gettext(exc.template).format(**exc.params)
    # ... and translated(), which also translates the Phrase params.
    full = translated(exc, gettext)
    for text in (plain, full):
        assert text != str(exc) and CJK.search(text), text
        assert "{" not in text and "}" not in text, text
        for value in values:
            assert value in text, (value, text)
    for value in exc.params.values():
        if isinstance(value, Phrase):
            assert value not in full, full
            assert gettext(value) in full, full
