"""Model names: readable, unique in a session, and safe as file names."""

from musicml.models import file_stem, model_name, unique_name


def test_a_name_says_model_features_C_strategy_and_data():
    name = model_name(model="logreg", features="mel", C=1.0, data="notes-30")
    assert name == "logreg · mel · C=1 · notes-30"
    assert model_name(model="svm", features="chroma", C=0.01, multiclass="ovo") == (
        "svm · chroma · C=0.01 · ovo"
    )
    assert "C=" not in model_name(model="knn", features="mel", C=1.0)


def test_a_taken_name_gets_the_next_counter():
    assert unique_name("a", []) == "a"
    assert unique_name("a", {"a"}) == "a #2"
    assert unique_name("a", {"a", "a #2", "a #3"}) == "a #4"


def test_file_stem_keeps_letters_digits_and_dashes():
    assert file_stem("logreg · mel · C=1 · notes: 8 classes × 30 (e5b2) #2") == (
        "logreg-mel-C1-notes-8-classes-30-e5b2-2"
    )
    assert file_stem("···") == "model"
