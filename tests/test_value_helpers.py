"""The shared value helpers: a usable number (formats.is_number), a name in a language."""

from __future__ import annotations

import collections
import math

import numpy as np
import pandas as pd
import pytest

from sapat.formats import is_number
from sapat.i18n import localized


@pytest.mark.parametrize("value", [0, 3, -2.5, np.int64(7), np.float64(0.1)])
def test_numbers_are_numbers(value):
    assert is_number(value)


@pytest.mark.parametrize(
    "value", [None, True, False, math.nan, math.inf, -math.inf, pd.NA, pd.NaT, np.nan, "1", []]
)
def test_anything_else_is_not(value):
    assert not is_number(value)


def test_localized_reads_the_language_then_en_ru_ky_then_nothing():
    row = {"name_ky": None, "name_ru": "Русский", "name_en": "  "}
    assert localized(row, "name", "ky") == "Русский"
    assert localized(row, "name", "ky", others=False) == ""
    assert localized({"name_ky": "К", "name_ru": "Р", "name_en": "E"}, "name", "ru") == "Р"
    assert localized({"name_ky": "К", "name_ru": "Р", "name_en": "E"}, "name", "ky") == "К"
    assert localized({"name_ky": "К", "name_ru": "Р"}, "name", "en") == "Р"
    assert localized({}, "name", "en") == ""


def test_localized_reads_series_namedtuples_and_objects():
    series = pd.Series({"question_ky": np.nan, "question_en": "How?"})
    assert localized(series, "question", "ky") == "How?"
    Row = collections.namedtuple("Row", "name_ky name_ru name_en")
    assert localized(Row(None, "Р", None), "name", "en") == "Р"
    frame = pd.DataFrame({"name_ky": [None], "name_ru": [None], "name_en": ["E"]})
    assert localized(next(frame.itertuples()), "name", "ru") == "E"
