"""Translation of every user-facing text from the ky/ru/en catalogs."""

from __future__ import annotations

import contextlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

from sapat.formats import decimals_needed, is_number, number

LANGUAGES = ("ky", "ru", "en")
DEFAULT_LANGUAGE = "ky"
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
LOCALES = Path(__file__).resolve().parent / "locales"
# A name missing in the reader's language is shown in the first of these that has it.
FALLBACK_LANGUAGES = ("en", "ru", "ky")


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat key → text catalog of one language: every locales/<lang>/*.json merged.

    One file per domain keeps translators (and parallel changes) out of each other's way;
    a key defined in two files is an error, not a silent override.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & part.keys()
        if clash:
            raise ValueError(f"{path}: keys defined twice: {sorted(clash)[:5]}")
        merged.update(part)
    return merged


# A count's word in the form its number asks for: "{count:plural:one=# row|other=# rows}".
# The forms are CLDR's categories (one, few, many, other; babel tells which a number takes),
# "#" is the number as the language writes it; a form not given falls back to "other".
_PLURAL = re.compile(r"\{(\w+):plural:([^{}]*)\}")
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009]")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_category(value: object, lang: str) -> str:
    """The CLDR plural category of ``value`` in ``lang``: one, few, many or other.

    A count already written as text ("1 234") is read back; anything else is "other".
    """
    if isinstance(value, str):
        digits = _GROUPING.sub("", value)
        value = int(digits) if digits.isdigit() else None
    if not is_number(value):
        return "other"
    return _locale(lang).plural_form(abs(value))  # type: ignore[arg-type]


def plural(value: object, forms: dict[str, str], lang: str) -> str:
    """The form of ``forms`` that ``value`` takes in ``lang``, with "#" as the number."""
    form = forms.get(plural_category(value, lang), forms.get("other"))
    if form is None:
        form = list(forms.values())[-1] if forms else "#"
    shown = number(value, lang, decimals_needed([value])) if is_number(value) else str(value)
    return form.replace("#", shown)


def _plurals(text: str, lang: str, params: dict[str, object]) -> str:
    def chosen(match: re.Match[str]) -> str:
        name, spec = match.groups()
        if name not in params:
            return match.group(0)
        forms = dict(part.split("=", 1) for part in spec.split("|") if "=" in part)
        return plural(params[name], {k.strip(): v for k, v in forms.items()}, lang)

    return _PLURAL.sub(chosen, text)


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text of ``key`` in ``lang`` with ``{params}`` filled in, counts' words in the
    form their number takes (``{count:plural:...}``, see _PLURAL).

    A key missing from a catalog shows as the key itself (tests forbid that), and a
    missing parameter never raises: a message is better than a traceback.
    """
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en").get(key, key)
        lang = "en" if key in catalog("en") else lang
    if params:
        text = _plurals(text, lang, params)
        with contextlib.suppress(KeyError, IndexError, ValueError):
            text = text.format(**params)
    return text


def has(key: str, lang: str = "en") -> bool:
    return key in catalog(lang)


def code_label(value: str | None, lang: str) -> str:
    """A stored code (English snake_case) shown in the user's language."""
    if value is None:
        return ""
    key = f"code.{value}"
    return translate(key, lang) if has(key, lang) else value


def column_label(column: str, lang: str, dataset: str | None = None) -> str:
    """A warehouse column's header in the user's language.

    ``col.<dataset>.<column>`` names a column whose meaning depends on its dataset (the
    ``code`` of a faculty is not a KPI's); ``col.<column>`` serves every other dataset.
    """
    for key in ([f"col.{dataset}.{column}"] if dataset else []) + [f"col.{column}"]:
        if has(key, lang):
            return translate(key, lang)
    return column


def localized(row: Any, stem: str, lang: str, *, others: bool = True) -> str:
    """``row``'s ``{stem}_{lang}`` field (``name_ru``), else the first of the other languages
    that has one (FALLBACK_LANGUAGES; none with ``others=False``), else "": never None or
    NaN, nor a blank text.

    ``row``: a mapping or a pandas Series (read with ``get``), or a namedtuple or any object
    with the fields as attributes (``itertuples()`` rows, dataclasses).
    """
    read = row.get if hasattr(row, "get") else lambda name: getattr(row, name, None)
    for code in (lang, *FALLBACK_LANGUAGES) if others else (lang,):
        value = read(f"{stem}_{code}")
        if isinstance(value, str) and value.strip():
            return value
    return ""
