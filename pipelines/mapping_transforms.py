"""The transforms a column mapping may name, and the errors a source cell can give."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.parsing import (
    ParseError,
    norm_key,
    parse_float,
)


class CellError(Exception):
    """One source cell a transform cannot read; the row stays, the cell is reported."""

    def __init__(self, code: str, source: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.source, self.params = code, source, params


class RowUnmapped(CellError):
    """The whole row cannot be mapped (e.g. neither side is the home country)."""


# --- country codes ----------------------------------------------------------------------
# ISO 3166 alpha-2 → the English names the warehouse uses elsewhere (demo data, agreements).
# The EU's own exports write UK for the United Kingdom and EL for Greece.
COUNTRIES: dict[str, str] = {
    # EU
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus",
    "CZ": "Czechia", "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France",
    "DE": "Germany", "GR": "Greece", "EL": "Greece", "HU": "Hungary", "IE": "Ireland",
    "IT": "Italy", "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg", "MT": "Malta",
    "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia",
    "SI": "Slovenia", "ES": "Spain", "SE": "Sweden",
    # EEA, Switzerland, United Kingdom
    "IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway", "CH": "Switzerland",
    "GB": "United Kingdom", "UK": "United Kingdom",
    # EU candidate countries
    "AL": "Albania", "BA": "Bosnia and Herzegovina", "GE": "Georgia", "MD": "Moldova",
    "ME": "Montenegro", "MK": "North Macedonia", "RS": "Serbia", "TR": "Turkey",
    "UA": "Ukraine", "XK": "Kosovo",
    # Central Asia and neighbours
    "KG": "Kyrgyzstan", "KZ": "Kazakhstan", "TJ": "Tajikistan", "TM": "Turkmenistan",
    "UZ": "Uzbekistan", "AF": "Afghanistan", "MN": "Mongolia", "RU": "Russia",
    "BY": "Belarus", "AM": "Armenia", "AZ": "Azerbaijan", "IR": "Iran", "PK": "Pakistan",
    # Asia and the Pacific
    "CN": "China", "KR": "South Korea", "JP": "Japan", "IN": "India", "MY": "Malaysia",
    "ID": "Indonesia", "TH": "Thailand", "VN": "Vietnam", "SG": "Singapore",
    "PH": "Philippines", "BD": "Bangladesh", "NP": "Nepal", "LK": "Sri Lanka",
    "TW": "Taiwan", "HK": "Hong Kong", "AU": "Australia", "NZ": "New Zealand",
    # Middle East and Africa
    "IL": "Israel", "PS": "Palestine", "JO": "Jordan", "LB": "Lebanon", "SY": "Syria",
    "IQ": "Iraq", "SA": "Saudi Arabia", "AE": "United Arab Emirates", "QA": "Qatar",
    "KW": "Kuwait", "EG": "Egypt", "MA": "Morocco", "DZ": "Algeria", "TN": "Tunisia",
    "LY": "Libya", "NG": "Nigeria", "GH": "Ghana", "KE": "Kenya", "ET": "Ethiopia",
    "ZA": "South Africa", "SN": "Senegal", "CM": "Cameroon",
    # Americas
    "US": "United States", "CA": "Canada", "MX": "Mexico", "BR": "Brazil",
    "AR": "Argentina", "CL": "Chile", "CO": "Colombia", "PE": "Peru",
    # European micro-states and territories the EU export uses
    "AD": "Andorra", "MC": "Monaco", "SM": "San Marino", "VA": "Vatican City",
    "FO": "Faroe Islands",
}  # fmt: skip


def country_code(text: str | None) -> str | None:
    """Upper-cased code with the EU's own spellings folded onto ISO (UK → GB, EL → GR)."""
    if text is None:
        return None
    code = text.strip().upper()
    return {"UK": "GB", "EL": "GR"}.get(code, code)


# --- the transform registry -------------------------------------------------------------
@dataclass
class RowContext:
    """One source row as a transform sees it."""

    values: dict[str, str | None]  # canonical source column → trimmed text, "missing" → None
    home: str
    direction: str | None = None


Transform = Callable[[dict, RowContext], str | None]
TRANSFORMS: dict[str, Transform] = {}


def transform(name: str) -> Callable[[Transform], Transform]:
    def register(func: Transform) -> Transform:
        TRANSFORMS[name] = func
        return func

    return register


_MONTH = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.]\d{1,2}(?:[ T][\d:.]+)?)?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
)


def _month(text: str, source: str) -> tuple[int, int]:
    """``2019-09``, ``2019/09``, ``09/2019`` or a full date (Excel typed the cell) → (y, m)."""
    for pattern in _MONTH:
        if (m := pattern.match(text)) and 1 <= int(m["m"]) <= 12:
            year = int(m["y"])
            if 1950 <= year <= 2100:
                return year, int(m["m"])
    raise CellError("not_month", source)


@transform("month_start")
def month_start(spec: dict, ctx: RowContext) -> str | None:
    """First day of the month: a mobility that began in 2019-09 began by 2019-09-01."""
    text = ctx.values.get(spec["source"])
    if text is None:
        return None
    year, month = _month(text, spec["source"])
    return dt.date(year, month, 1).isoformat()


@transform("month_end")
def month_end(spec: dict, ctx: RowContext) -> str | None:
    """Last day of the month, so the month-precise period covers the whole stay."""
    text = ctx.values.get(spec["source"])
    if text is None:
        return None
    year, month = _month(text, spec["source"])
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


@transform("country_name")
def country_name(spec: dict, ctx: RowContext) -> str | None:
    text = ctx.values.get(spec["source"])
    if text is None:
        return None
    code = text.strip().upper()
    if code in COUNTRIES:
        return COUNTRIES[code]
    # A country name written where a code was expected is accepted in the table's spelling.
    if len(code) > 3 and any(norm_key(text) == norm_key(n) for n in COUNTRIES.values()):
        return next(n for n in COUNTRIES.values() if norm_key(n) == norm_key(text))
    raise CellError("unknown_country_code", spec["source"])


@transform("value_map")
def value_map(spec: dict, ctx: RowContext) -> str | None:
    """Exact values (case-, space- and punctuation-blind) → codes; ``empty`` ones → blank."""
    text = ctx.values.get(spec["source"])
    if text is None or norm_key(text) in {norm_key(e) for e in spec.get("empty", ())}:
        return None
    key = norm_key(text)
    for value, code in spec["map"].items():
        if norm_key(value) == key:
            return code
    raise CellError("unknown_value", spec["source"])


def _keywords_match(keywords: str | list[str], text: str) -> bool:
    words = [keywords] if isinstance(keywords, str) else keywords
    return all(w.casefold() in text for w in words)


@transform("keyword_map")
def keyword_map(spec: dict, ctx: RowContext) -> str | None:
    """The first rule whose keywords all occur in the sources' texts gives the code.

    The official export's activity and level names are long and vary by year ("Student
    mobility for studies between Programme Countries", "... To/From Partner Countries"),
    so rules look for words, not whole values. No rule matching is reported.
    """
    texts = [ctx.values.get(s) for s in spec["sources"]]
    text = " | ".join(t for t in texts if t).casefold()
    for keywords, code in spec["rules"]:
        if _keywords_match(keywords, text):
            return code
    if not text and not spec.get("required", True):
        return None
    raise CellError("unknown_value", spec.get("report", spec["sources"][0]))


@transform("direction_by_country")
def direction_by_country(spec: dict, ctx: RowContext) -> str | None:
    """Sending side at home → outgoing; receiving side at home → incoming; else unmapped."""
    sending = country_code(ctx.values.get(spec["sending"]))
    receiving = country_code(ctx.values.get(spec["receiving"]))
    if sending == ctx.home:
        return "outgoing"
    if receiving == ctx.home:
        return "incoming"
    raise RowUnmapped(
        "not_home_side",
        spec["sending"],
        home=ctx.home,
        sending=ctx.values.get(spec["sending"]) or "—",
        receiving=ctx.values.get(spec["receiving"]) or "—",
    )


@transform("scope_by_country")
def scope_by_country(spec: dict, ctx: RowContext) -> str | None:
    """Domestic when both sides are in the home country, else international."""
    sending = country_code(ctx.values.get(spec["sending"]))
    receiving = country_code(ctx.values.get(spec["receiving"]))
    return "domestic" if sending == receiving == ctx.home else "international"


_MONTH_NAMES = (
    "jan|feb|mär|mar|mrz|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec"
    "|янв|фев|мар|апр|май|мая|июн|июл|авг|сен|окт|ноя|дек"
)
# What Excel makes of a typed 9.5 or 9.75: "09. Mai", "Sep-75", "Mai 25" (German), "5-May".
_EXCEL_DATE = re.compile(
    rf"^(?:\d{{1,2}}[\s./-]*(?:{_MONTH_NAMES})\w*\.?|(?:{_MONTH_NAMES})\w*\.?[\s./-]*\d{{2,4}})$",
    re.IGNORECASE,
)


def _number(text: str, source: str) -> float:
    if _EXCEL_DATE.match(text):
        raise CellError("excel_date_in_number", source)
    try:
        return parse_float(text)
    except ParseError as exc:
        raise CellError(exc.code, source) from None


@transform("months_to_days")
def months_to_days(spec: dict, ctx: RowContext) -> str | None:
    """Months abroad → days (``days_per_month`` each); an Excel-made date is reported.

    With ``zero_is_missing`` a 0 means "not recorded" (the LLP extract writes 0 for every
    traineeship), not a stay of no days.
    """
    text = ctx.values.get(spec["source"])
    if text is None:
        return None
    months = _number(text, spec["source"])
    if months < 0:
        raise CellError("too_small", spec["source"], limit=0)
    if months == 0 and spec.get("zero_is_missing", False):
        return None
    return str(round(months * spec.get("days_per_month", 30)))


@transform("first_positive")
def first_positive(spec: dict, ctx: RowContext) -> str | None:
    """The value of the first rule whose source holds a number above zero; none → blank."""
    for source, value in spec["rules"]:
        text = ctx.values.get(source)
        if text is not None and _number(text, source) > 0:
            return value
    return None


# Identifiers are computed per output row, not looked up: see _identity.
IDENTITY_TRANSFORM = "pseudonym"
TRANSFORMS[IDENTITY_TRANSFORM] = lambda spec, ctx: None
