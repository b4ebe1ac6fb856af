"""validation: one rule per kind of parameter, one sentence per refusal."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from musicml.errors import ParameterError
from musicml.validation import check_choice, check_sr, sr_type


def test_a_choice_is_returned_and_a_wrong_one_lists_the_choices():
    assert check_choice("kind", "mel", ("mel", "stft")) == "mel"
    with pytest.raises(ParameterError, match=r"kind must be one of mel, stft; got 'wavelet'\."):
        check_choice("kind", "wavelet", ("mel", "stft"))
    for unhashable in (["mel"], np.array(["mel", "stft"])):
        with pytest.raises(ParameterError, match="kind must be one of"):
            check_choice("kind", unhashable, {"mel": 1, "stft": 2})


@pytest.mark.parametrize("sr", [1000, 22050, np.int32(44100), 192_000])
def test_the_sample_rate_rule_and_its_command_line_type_agree(sr):
    assert check_sr(sr) == sr == sr_type("--sr")(str(sr))


@pytest.mark.parametrize("text", ["999", "192001", "0", "22050.0", "fast"])
def test_a_refused_command_line_rate_names_the_range(text):
    with pytest.raises(argparse.ArgumentTypeError, match="whole number from 1,000 to 192,000"):
        sr_type("--sr")(text)
