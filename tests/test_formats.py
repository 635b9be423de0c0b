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
