"""Values as each language writes them (babel: ky, ru, en), and which values are numbers at all."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import NumberPattern, format_currency, format_percent, parse_pattern

__all__ = [
    "DASH",
    "MINUS",
    "date",
    "decimals_needed",
    "is_number",
    "listing",
    "money",
    "number",
    "percent",
    "plotly_separators",
    "signed_number",
    "signed_percent",
]

DASH = "—"  # a value that is not there
# The minus sign (U+2212) and a word joiner: never a hyphen, never left alone at a line's end.
MINUS = "\u2212\u2060"
# Thousands in ky and ru are grouped with a narrow no-break space (U+202F), as Russian
# typography sets them; babel's data gives a full no-break space.
NARROW_GROUP = {"ky": "\u202f", "ru": "\u202f"}
_GROUPED = re.compile(r"(?<=\d)[\u00a0\u202f ](?=\d{3})")


def _grouped(text: str, lang: str) -> str:
    """``text`` with the language's group sign between digits."""
    narrow = NARROW_GROUP.get(lang)
    return _GROUPED.sub(narrow, text) if narrow else text


def is_number(value: object) -> bool:
    """A usable number: not None, NaN, NaT, pd.NA, ±infinity, a bool or text."""
    if value is None or isinstance(value, bool):
        return False  # a bool is an int to Python, never a figure to show
    try:
        return math.isfinite(value)  # type: ignore[arg-type]
    except TypeError:  # text, pd.NA, NaT and anything else that is not a number
        return False


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _round(value: float, decimals: int) -> Decimal:
    """Half away from zero, as people round (babel's own default is half to even)."""
    step = Decimal(1).scaleb(-max(decimals, 0))
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def _number_pattern(decimals: int) -> NumberPattern:
    return parse_pattern(_pattern(decimals))


def number(value: object, lang: str, decimals: int = 0) -> str:
    """``value`` with the locale's grouping and decimal signs: 34 560,5 (ky, ru), 34,560.5 (en).

    A negative number starts with MINUS in every language; one that rounds to 0 has no sign.
    """
    if not is_number(value):
        return DASH
    rounded = _round(float(value), decimals)
    # format_decimal() with the pattern and locale parsed once: a deck formats thousands.
    text = _grouped(_number_pattern(decimals).apply(abs(rounded), _locale(lang)), lang)
    return MINUS + text if rounded < 0 else text


def decimals_needed(values: Iterable[object], most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show every number of ``values`` as it is:
    0 for counts (690.0 is 690), 1 for 11.6 and 12.0, ``most`` for 24.2367."""
    numbers = [float(v) for v in values if is_number(v)]  # type: ignore[arg-type]
    for decimals in range(most):
        if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in numbers):
            return decimals
    return most


def percent(fraction: object, lang: str, decimals: int = 0) -> str:
    """A share (0.31) as the locale writes a percentage: 31% (ky, en), 31 % (ru)."""
    if not is_number(fraction):
        return DASH
    pattern = _locale(lang).percent_formats[None].pattern
    if decimals > 0:
        pattern = pattern.replace("#,##0", _pattern(decimals), 1)
    value = _round(float(fraction) * 100, decimals) / 100
    text = _grouped(format_percent(abs(value), pattern, locale=lang), lang)
    return MINUS + text if value < 0 else text


def _signs(lang: str) -> tuple[str, str]:
    """The plus sign of the locale, and MINUS: babel's minus is a hyphen in ky, ru and en."""
    return _locale(lang).number_symbols["latn"]["plusSign"], MINUS


def signed_percent(fraction: object, lang: str, decimals: int = 0) -> str:
    """A change as a signed percentage: +31% (en, ky), +31 % (ru), −4%; 0% has no sign."""
    if not is_number(fraction):
        return DASH
    text = percent(abs(float(fraction)), lang, decimals)
    if _round(abs(float(fraction)) * 100, decimals) == 0:
        return text
    plus, minus = _signs(lang)
    return (plus if fraction > 0 else minus) + text


def signed_number(value: object, lang: str, decimals: int = 0) -> str:
    """A change as a signed number: +3,2 (ky, ru), +3.2 (en); 0 has no sign."""
    if not is_number(value):
        return DASH
    text = number(abs(float(value)), lang, decimals)
    if _round(abs(float(value)), decimals) == 0:
        return text
    plus, minus = _signs(lang)
    return (plus if value > 0 else minus) + text


def money(value: object, currency: str, lang: str) -> str:
    """A whole amount of money with the locale's currency sign and its place: $1,185,000."""
    if not is_number(value):
        return DASH
    pattern = _locale(lang).currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("#,##0.00", "#,##0")
    return _grouped(
        format_currency(
            _round(float(value), 0), currency, pattern, locale=lang, currency_digits=False
        ),
        lang,
    )


def date(day: dt.date | dt.datetime | None, lang: str) -> str:
    """A day in the locale's long form: 4 мая 2026 г. (ru), May 4, 2026 (en), 2026-ж., 4-май (ky)."""
    if day is None or day != day:  # None, NaN or NaT
        return DASH
    if isinstance(day, dt.datetime):  # pandas Timestamps too
        day = day.date()
    return format_date(day, "long", locale=lang)


def listing(items: list[str], lang: str) -> str:
    """Items joined as the language lists them: a, b and c (en), a, b и c, a, b жана c."""
    items = [str(i) for i in items if str(i)]
    return format_list(items, locale=lang) if items else ""


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` for the locale: decimal sign, then group sign (",\u202f")."""
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"] + NARROW_GROUP.get(lang, symbols["group"])
