"""Translation of every user-facing text from the ky/ru/en catalogs."""

from __future__ import annotations

import contextlib
import json
from functools import cache
from pathlib import Path
from typing import Any

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


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text of ``key`` in ``lang`` with ``{params}`` filled in.

    A key missing from a catalog shows as the key itself (tests forbid that), and a
    missing parameter never raises: a message is better than a traceback.
    """
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    if params:
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
