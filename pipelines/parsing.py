"""Explicit parsing of raw cell text into typed values, never silent coercion.

Every parser takes one cleaned, non-empty cell text and returns the value, or raises
ParseError with a problem code. Columns are parsed by their distinct values, so a
100,000-row column with twenty distinct values costs twenty parses.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sapat.i18n import LANGUAGES, catalog


class ParseError(ValueError):
    """A cell that cannot be read as its column's type; ``code`` names the problem."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# Published tables write "missing" in many ways; for typed columns all mean "no value".
# Not "nan" (what pandas writes for a lost value) nor "#N/A" (an Excel error): both are
# reported, since a blank there would overwrite a good value in the warehouse.
MISSING = {"", "-", "–", "—", "n/a", "na", "n.a.", "null", "none"}

# Every error value Excel shows in a cell → its problem code. A CSV saved by Excel holds
# them as text; a workbook holds them as error cells (see CellFault).
EXCEL_ERRORS = {
    "#DIV/0!": "excel_div0",
    "#N/A": "excel_na",
    "#REF!": "excel_ref",
    "#VALUE!": "excel_value",
    "#NAME?": "excel_name",
    "#NUM!": "excel_num",
    "#NULL!": "excel_null",
    "#GETTING_DATA": "excel_getting_data",
    "#SPILL!": "excel_spill",
    "#CALC!": "excel_calc",
}
# Newer errors without a message of their own: still errors, never values.
OTHER_EXCEL_ERRORS = {"#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"}
_NAN = {"nan", "-nan", "+nan"}


class CellFault(str):
    """A cell that holds no value although it looks filled: an Excel error, or a formula
    whose result was never computed (written by a program, not by Excel).

    It reads as what the user sees in the cell (``#DIV/0!``, ``=A1/0``), so every user of
    the raw grid shows it as it is (problem values, the marked workbook, rejected rows);
    ``parse_series`` turns it into the problem ``code``, never into a blank.
    """

    code: str

    def __new__(cls, text: str, code: str = "excel_error") -> CellFault:
        fault = super().__new__(cls, text)
        fault.code = code
        return fault

    def __reduce__(self) -> tuple[type[CellFault], tuple[str, str]]:
        return CellFault, (str(self), self.code)


def excel_error_code(text: str) -> str | None:
    """The problem code of an Excel error value written as text, or None."""
    upper = text.upper()
    if upper in EXCEL_ERRORS:
        return EXCEL_ERRORS[upper]
    return "excel_error" if upper in OTHER_EXCEL_ERRORS else None


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def clean(value: Any) -> str | None:
    """Trim a raw cell (non-breaking spaces too); blank → None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


# --- numbers ----------------------------------------------------------------------------
_INT = re.compile(r"^[+-]?\d+$")
_INT_FLOAT = re.compile(r"^([+-]?\d+)\.0+$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([ ,.'’]\d{3})+$")
_SPACED = re.compile(r"^[+-]?\d{1,3}( \d{3})+([.,]\d+)?$")


def parse_int(text: str) -> int:
    """``1 401``, ``3,730``, ``3.705`` (grouped thousands) and ``12.0`` are integers; ``1.9`` is not."""
    if _INT.match(text):
        return int(text)
    if m := _INT_FLOAT.match(text):
        return int(m.group(1))
    if _GROUPED.match(text):
        return int(re.sub(r"[ ,.'’]", "", text))
    raise ParseError("not_integer")


def parse_float(text: str) -> float:
    """Decimal point or decimal comma; thousands separators; a trailing % is dropped."""
    s = text[:-1].rstrip() if text.endswith("%") else text
    if " " in s:
        # A space may only separate groups of three digits: "1 234,5", never "3 5".
        if not _SPACED.match(s):
            raise ParseError("not_number")
        s = s.replace(" ", "")
    s = s.replace("'", "").replace("’", "")
    if "," in s and "." in s:
        # The later separator is the decimal one: 1.234,5 or 1,234.5.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1:
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise ParseError("not_number") from None
    if not math.isfinite(value):
        raise ParseError("not_number")
    return value


# --- dates ------------------------------------------------------------------------------
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_DATE, MAX_DATE = dt.date(1950, 1, 1), dt.date(2100, 12, 31)


def parse_date(text: str) -> dt.date:
    """ISO dates, ``dd.mm.yyyy`` / ``dd/mm/yyyy`` (day first, as in Kyrgyzstan), Excel serials."""
    try:
        if m := _ISO.match(text):
            value = dt.date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _DMY.match(text):
            value = dt.date(int(m[3]), int(m[2]), int(m[1]))
        elif _SERIAL.match(text):
            value = _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
        else:
            raise ParseError("not_date")
    except (ValueError, OverflowError):
        raise ParseError("not_date") from None
    if not MIN_DATE <= value <= MAX_DATE:
        raise ParseError("date_out_of_range")
    return value


# --- booleans ---------------------------------------------------------------------------
_TRUE = {"true", "yes", "y", "1", "да", "д", "ооба", "ия", "x", "✓", "истина"}
_FALSE = {"false", "no", "n", "0", "нет", "н", "жок", "ложь"}


def parse_bool(text: str) -> bool:
    """Yes/no in the three languages; ``no`` is never True."""
    low = text.casefold()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ParseError("not_boolean")


# --- academic years ---------------------------------------------------------------------
_AY = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})$")


def parse_academic_year(text: str) -> str:
    """``2024-2025``, ``2024/25``, ``2024–2025`` → ``2024-2025``."""
    m = _AY.match(text)
    if not m:
        raise ParseError("not_academic_year")
    first = int(m[1])
    second = int(m[2]) if len(m[2]) == 4 else (first // 100) * 100 + int(m[2])
    if second != first + 1:
        raise ParseError("not_academic_year")
    return f"{first}-{second}"


# --- published rank texts ---------------------------------------------------------------
@dataclass(frozen=True)
class Rank:
    """A rank as published and what it means."""

    display: str
    low: int | None
    high: int | None
    is_tie: bool
    is_band: bool


_NUM = r"\d{1,3}(?:[ ,.]?\d{3})*"
_RANK_EXACT = re.compile(rf"^(=)?\s*({_NUM})(?:\.0+)?\s*(=)?$")
_RANK_BAND = re.compile(rf"^({_NUM})\s*[-–—]\s*({_NUM})$")
_RANK_OPEN = re.compile(rf"^({_NUM})\s*\+$")
_UNRANKED = {"reporter", "unranked", "not ranked", "nr", "n/r"}


def _rank_number(text: str) -> int:
    return int(re.sub(r"[ ,.]", "", text))


def parse_rank(text: str) -> Rank:
    """``=39`` / ``7=`` (tie), ``701-710`` / ``201–250`` (band), ``1401+`` (open band), ``Reporter``."""
    if text.casefold() in _UNRANKED:
        return Rank(text, None, None, False, False)
    if m := _RANK_EXACT.match(text):
        n = _rank_number(m[2])
        if n < 1:
            raise ParseError("not_rank")
        return Rank(text, n, n, bool(m[1] or m[3]), False)
    if m := _RANK_BAND.match(text):
        low, high = _rank_number(m[1]), _rank_number(m[2])
        if not 1 <= low <= high:
            raise ParseError("not_rank")
        return Rank(text, low, high, False, True)
    if m := _RANK_OPEN.match(text):
        return Rank(text, _rank_number(m[1]), None, False, True)
    raise ParseError("not_rank")


# --- codes ------------------------------------------------------------------------------
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def norm_key(text: str) -> str:
    """Case-, space- and punctuation-blind key, for headers and coded values."""
    # «ё» is often typed as «е»; both spellings must match.
    return _NOT_WORD.sub("", text.casefold().replace("+", "plus").replace("ё", "е"))


# Common spellings of codes that are neither the code nor a catalog label.
CODE_ALIASES = {
    "erasmus": "erasmus_plus",
    "erasmusplus": "erasmus_plus",
    "f": "female",
    "m": "male",
    "ж": "female",
    "м": "male",
    "э": "male",
    "out": "outgoing",
    "in": "incoming",
    "online": "virtual",
    "hybrid": "blended",
    "ГИА": "state_attestation",
    "ИГА": "state_attestation",
    "итоговая государственная аттестация": "state_attestation",
    "ст. преподаватель": "senior_lecturer",
    "ст. окутуучу": "senior_lecturer",
}


def code_parser(codes: tuple[str, ...]) -> Callable[[str], str]:
    """A parser accepting a code, or its label in any language, or a common alias."""
    lookup: dict[str, str] = {}
    for code in codes:
        lookup[norm_key(code)] = code
        for lang in LANGUAGES:
            label = catalog(lang).get(f"code.{code}")
            if label:
                lookup.setdefault(norm_key(label), code)
    for alias, code in CODE_ALIASES.items():
        if code in codes:
            lookup.setdefault(norm_key(alias), code)

    def parse(text: str) -> str:
        try:
            return lookup[norm_key(text)]
        except KeyError:
            raise ParseError("not_in_list") from None

    return parse


def parse_text(text: str) -> str:
    return text


PARSERS: dict[str, Callable[[str], Any]] = {
    "text": parse_text,
    "int": parse_int,
    "year": parse_int,
    "float": parse_float,
    "date": parse_date,
    "bool": parse_bool,
    "academic_year": parse_academic_year,
    "rank": parse_rank,
}

# The pandas dtype each kind is validated in (a rank column holds the text as published).
DTYPES = {
    "text": "str",
    "code": "str",
    "academic_year": "str",
    "rank": "str",
    "int": "Int64",
    "year": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "date": "datetime64[us]",
}


def is_blank(raw: pd.Series) -> pd.Series:
    """Cells that are empty or hold only spaces."""
    return raw.isna() | raw.astype("str").str.strip().eq("")


def parse_series(
    raw: pd.Series, kind: str, codes: tuple[str, ...] = ()
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of raw cells → (values, problem codes); both indexed like ``raw``.

    A cell that fails to parse becomes missing and gets its problem code; the rest stay
    untouched by any guessing. Each distinct text is parsed once, then spread back by
    position (``factorize``), which keeps 100,000-row columns cheap.
    """
    parser = code_parser(codes) if kind == "code" else PARSERS[kind]
    missing = MISSING if kind != "text" else set()
    faults = _faults(raw)
    if faults is not None:
        raw = raw.mask(faults.notna())
    positions, uniques = pd.factorize(raw)
    values: list[Any] = []
    errors: list[str | None] = []
    for cell in uniques:
        text = clean(cell)
        if text is not None and (code := _not_a_value(text, kind)):
            values.append(None)
            errors.append(code)
            continue
        if text is None or text.casefold() in missing:
            values.append(None)
            errors.append(None)
            continue
        try:
            values.append(parser(text))
            errors.append(None)
        except ParseError as exc:
            values.append(None)
            errors.append(exc.code)
    # Position -1 (a blank cell) picks the trailing None.
    values.append(None)
    errors.append(None)
    problems = pd.Series(np.array(errors, dtype=object)[positions], index=raw.index)
    if faults is not None:
        problems = problems.where(faults.isna(), faults)
    if kind == "rank":
        return pd.Series(np.array(values, dtype=object)[positions], index=raw.index), problems
    if kind == "date":
        table = pd.array(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[us]")
    elif kind in ("text", "code", "academic_year"):
        table = pd.array(values, dtype="str")
    else:
        table = pd.array(values, dtype=DTYPES[kind])
    return pd.Series(table.take(positions), index=raw.index), problems


def _faults(raw: pd.Series) -> pd.Series | None:
    """The problem code of each CellFault in ``raw`` (None elsewhere); None when there are none.

    Readers put CellFaults in object columns only, and the usual string columns cannot
    hold them, so those are not scanned. Faults are picked out before factorising, where
    one would merge with an ordinary text equal to it.
    """
    if raw.dtype != object:
        return None
    codes = [c.code if type(c) is CellFault else None for c in raw.to_numpy()]
    if not any(codes):
        return None
    return pd.Series(codes, index=raw.index, dtype=object)


def _not_a_value(text: str, kind: str) -> str | None:
    """The problem code of a text that only looks like a value: an Excel error, or NaN."""
    if text.startswith("#") and (code := excel_error_code(text)):
        return code
    # "Nan" may be a name; in any other column it is what a lost number turns into.
    if kind != "text" and text.casefold() in _NAN:
        return "nan_text"
    return None


def split_ranks(ranks: pd.Series) -> pd.DataFrame:
    """Rank objects → rank_display, rank_low, rank_high, is_tie, is_band columns."""
    has = ranks.notna()
    get = lambda attr: ranks.map(lambda r: getattr(r, attr), na_action="ignore")  # noqa: E731
    return pd.DataFrame(
        {
            "rank_display": get("display").astype("str").where(has, None).astype("str"),
            "rank_low": get("low").astype("Float64").astype("Int64"),
            "rank_high": get("high").astype("Float64").astype("Int64"),
            "is_tie": get("is_tie").astype("boolean"),
            "is_band": get("is_band").astype("boolean"),
        },
        index=ranks.index,
    )


def empty_like(kind: str, index: pd.Index) -> pd.Series:
    """An all-missing column of the kind's dtype, for optional columns a file lacks."""
    return pd.Series([None] * len(index), index=index, dtype=object).astype(DTYPES[kind])
