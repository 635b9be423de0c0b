"""How figures are told to the user: rank movements, signed changes, shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from sapat.formats import DASH, decimals_needed, is_number, number, percent, signed_number
from sapat.i18n import has, translate


@dataclass(frozen=True)
class Delta:
    """The small line under a headline number: text, colour and arrow for st.metric."""

    text: str | None
    color: str = "gray"
    arrow: str = "off"


def rank_delta(movement: str, previous: str | None, lang: str) -> Delta:
    """Band-aware movement of a rank ('up' means a better position, drawn upwards)."""
    if movement == "new" or previous is None:
        return Delta(translate("ui.rank_new", lang))
    text = translate("ui.rank_was", lang, previous=previous)
    if movement == "up":
        return Delta(text, "green", "up")
    if movement == "down":
        return Delta(text, "red", "down")
    return Delta(text)


def change_delta(now: int, before: int | None, lang: str) -> Delta:
    """A count against last year's count."""
    if before is None:
        return Delta(None)
    change = now - before
    text = translate("ui.vs_last_year", lang, change=signed_number(change, lang))
    if change > 0:
        return Delta(text, "green", "up")
    if change < 0:
        return Delta(text, "red", "down")
    return Delta(text)


def score_change(now: float | None, before: float | None, lang: str) -> Delta:
    """A score against another (a what-if against the published one), one decimal.

    Coloured and drawn by its sign here: the minus sign (U+2212) the number is written with
    is not the "-" Streamlit reads a delta's direction from.
    """
    if now is None or before is None:
        return Delta(None)
    change = round(now - before, 1)
    text = signed_number(change, lang, 1)
    if change > 0:
        return Delta(text, "green", "up")
    if change < 0:
        return Delta(text, "red", "down")
    return Delta(text)


def share(part: int, total: int, lang: str = "en") -> str:
    """``part`` of ``total`` as a whole percentage the language writes: 31% (en), 31 % (ru)."""
    return percent(part / total, lang) if total else DASH


# Dates as people write them in each language: 04.12.2025 in Kyrgyz and Russian.
DATE_FORMATS = {"ky": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%d %b %Y"}


def format_date(value: object, lang: str) -> str:
    """A date (or midnight timestamp) in the user's locale format; empty when missing."""
    if value is None or value != value:  # None, NaN or NaT
        return ""
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.strftime(DATE_FORMATS.get(lang, "%Y-%m-%d") + " %H:%M")
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMATS.get(lang, "%Y-%m-%d"))
    return str(value)


def points_delta(
    now: float | None,
    before: float | None,
    lang: str,
    decimals: int = 1,
    key: str = "ui.points_vs_last_year",
) -> Delta:
    """A percentage (0–100) against last year's, in percentage points; up is better.

    With ``key="ui.vs_last_year"`` it tells any other measure's change (a mean score).
    """
    if now is None or before is None or now != now or before != before:
        return Delta(None)
    change = round(now - before, decimals)
    text = translate(key, lang, change=signed_number(change, lang, decimals))
    if change > 0:
        return Delta(text, "green", "up")
    if change < 0:
        return Delta(text, "red", "down")
    return Delta(text)


# Text a missing value turns into when something writes it with str(): never shown as such.
MISSING_TEXTS = frozenset({"None", "nan", "NaN", "NaT", "<NA>", "null"})
# Headers of columns that hold years (2025, not 2 025), as the catalogs name them.
YEAR_KEYS = (
    "col.year",
    "col.calendar_year",
    "col.edition",
    "ui.col_year",
    "ui.col_edition",
    "ui.col_kpi_year",
    "ui.col_last_mobility_year",
    "ui.col_last_year",
    "ui.col_prev_year",
)
# Above this many cells a table is drawn as it is: a Styler computes every cell in Python.
MAX_STYLED_CELLS = 100_000


def is_missing(value: object) -> bool:
    """None, NaN, NaT, pd.NA, or a text that is one of them written out ("nan")."""
    if isinstance(value, str):
        return value.strip() in MISSING_TEXTS
    if not pd.api.types.is_scalar(value):  # a list or another container: a value
        return False
    return bool(pd.isna(value))


def _year_headers(lang: str) -> set[str]:
    return {translate(key, lang) for key in YEAR_KEYS if has(key, lang)}


def _is_year_column(label: object, values: pd.Series, lang: str) -> bool:
    name = str(label[-1] if isinstance(label, tuple) else label)
    named = name in _year_headers(lang) or "year" in name.lower() or "edition" in name.lower()
    numbers = [v for v in values if is_number(v)]
    return named and all(float(v) == int(v) and 1900 <= v <= 2100 for v in numbers)


def cell_format(
    values: Iterable[object],
    lang: str,
    *,
    decimals: int | None = None,
    signed: bool = False,
    year: bool = False,
) -> Callable[[object], str]:
    """How one column's cells read: numbers in the language's signs with the decimals the
    column needs (at most 2), years as written, dates by format_date, missing as a dash."""
    places = decimals_needed(values) if decimals is None else decimals
    as_number = signed_number if signed else number

    def shown(value: object) -> str:
        if is_missing(value):
            return DASH
        if isinstance(value, bool):
            return str(value)
        if is_number(value):
            if year:
                return str(int(value))  # type: ignore[call-overload]
            return as_number(value, lang, places)
        if isinstance(value, dt.date):  # pandas Timestamps too
            return format_date(value, lang)
        return str(value)

    return shown


def styled(
    data: pd.DataFrame | Styler,
    lang: str,
    decimals: Mapping[Any, int] | None = None,
    signed: Collection[Any] = (),
) -> pd.DataFrame | Styler:
    """A table as the user reads it (a Styler; a page's own Styler keeps its colours):
    each column's numbers in the language's signs, counts without decimals, scores with the
    decimals they need (``decimals`` per column to say otherwise), ``signed`` columns with
    their sign, and a dash for each missing value. The grid still sorts by the numbers.
    """
    styler = data if isinstance(data, Styler) else data.style
    frame = styler.data
    if frame.size > MAX_STYLED_CELLS or not frame.columns.is_unique:
        return data
    for position, label in enumerate(frame.columns):
        values = frame.iloc[:, position]
        fmt = cell_format(
            values,
            lang,
            decimals=(decimals or {}).get(label),
            signed=label in signed,
            year=_is_year_column(label, values, lang),
        )
        styler = styler.format(fmt, subset=pd.IndexSlice[:, [label]])
    return styler


def plain(text: object) -> str:
    """User-supplied text (file names, accounts, names read from a file) shown as text,
    never as Markdown or HTML."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace("<", "&lt;")
        .translate({ord(c): "\\" + c for c in "*_`[]#|~$"})
    )
