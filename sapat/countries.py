"""Country names in the reader's language (babel's territory names), from any spelling or ISO code."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from sapat.i18n import LANGUAGES

# Spellings people and publishers use that babel does not list (older or informal names).
_ALIASES = {
    "turkey": "TR", "russia": "RU", "russian federation": "RU", "россия": "RU",
    "кыргызстан": "KG", "kyrgyz republic": "KG", "кыргызская республика": "KG",
    "киргизия": "KG", "south korea": "KR", "korea": "KR", "republic of korea": "KR",
    "usa": "US", "u.s.": "US", "united states of america": "US", "uk": "GB",
    "great britain": "GB", "england": "GB", "czech republic": "CZ", "iran": "IR",
    "vietnam": "VN", "moldova": "MD", "hong kong": "HK", "taiwan": "TW",
    "macau": "MO", "palestine": "PS", "syria": "SY", "laos": "LA", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "north macedonia": "MK", "macedonia": "MK",
    "ivory coast": "CI", "korea, south": "KR", "türkiye": "TR", "turkiye": "TR", "uae": "AE",
}  # fmt: skip
# Names babel gives otherwise than the country itself uses in that language.
_OWN_NAMES = {("ru", "KG"): "Кыргызстан"}
_ISO2 = re.compile(r"^[A-Za-z]{2}$")
# Columns of the datasets that hold a country, shown by its name in the reader's language.
COUNTRY_COLUMNS = ("country", "partner_country", "agency_country", "citizenship")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace("ё", "е"))


@cache
def _territories(lang: str) -> dict[str, str]:
    """ISO alpha-2 code → name, for real countries (no numeric regions such as 001)."""
    return {k: v for k, v in Locale.parse(lang).territories.items() if _ISO2.match(k)}


@cache
def _by_name() -> dict[str, str]:
    names = dict(_ALIASES)
    for lang in LANGUAGES:
        for code, name in _territories(lang).items():
            names.setdefault(_key(name), code)
    return names


def country_code(text: object) -> str | None:
    """The ISO alpha-2 code of a country name (ky, ru or en) or code; None if unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if _ISO2.match(value) and value.upper() in _territories("en"):
        return value.upper()
    return _by_name().get(_key(value))


def country_name(text: object, lang: str) -> str:
    """The country in ``lang``; a value that is not a known country is shown as written."""
    code = country_code(text)
    if code is None:
        return "" if text is None or text != text else str(text)
    return _OWN_NAMES.get((lang, code)) or _territories(lang).get(code) or _territories("en")[code]
