"""sapat.formats: what counts as a usable number."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sapat.formats import is_number


@pytest.mark.parametrize("value", [0, 3, -2.5, np.int64(7), np.float64(0.1)])
def test_numbers_are_numbers(value):
    assert is_number(value)


@pytest.mark.parametrize(
    "value", [None, True, False, math.nan, math.inf, -math.inf, pd.NA, pd.NaT, np.nan, "1", []]
)
def test_anything_else_is_not(value):
    assert not is_number(value)


def test_negative_numbers_take_the_minus_sign_in_every_language():
    from sapat.formats import MINUS, number, percent, signed_number, signed_percent

    assert MINUS == "\u2212\u2060"
    assert number(-1234.56, "ru", 1) == MINUS + "1\u202f234,6"
    assert number(-1234.56, "en", 1) == MINUS + "1,234.6"
    assert percent(-0.3125, "ky", 1) == MINUS + "31,3%"
    assert signed_number(-3, "en") == MINUS + "3"
    assert signed_percent(-0.044, "ru") == MINUS + "4\xa0%"
    assert signed_number(2.5, "ru", 1) == "+2,5"
    # What rounds to nothing has no sign at all.
    assert number(-0.04, "en", 1) == signed_number(-0.04, "en", 1) == "0.0"


@pytest.mark.parametrize(
    ("values", "decimals"),
    [
        ([690.0, math.nan, 12.0], 0),
        ([11.6, 12.0, None], 1),
        ([24.2367, 3.0], 2),
        ([0.1 + 0.2], 1),
        ([], 0),
        (["text", pd.NA], 0),
    ],
)
def test_decimals_needed(values, decimals):
    from sapat.formats import decimals_needed

    assert decimals_needed(values) == decimals
