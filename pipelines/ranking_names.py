"""Institution and country cells of ranking tables as scraped: two-line cells, native names, codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from pipelines.parsing import clean
from pipelines.ranking_ranks import objects
from sapat.countries import country_code, country_name

# Webometrics prefixes some names with a footnote marker: "(1) Seoul National University".
_MARKER = re.compile(r"^\(\d+\)\s*")
# Webometrics adds the name in its own script after a slash with a space beside it:
# "Tsinghua University / 清华大学". "Indiana University/Purdue University" is one name.
_NATIVE = re.compile(r"\s+/\s*|\s*/\s+")


@dataclass
class Names:
    """Per row: the institution's name, its other spellings, and its country as published."""

    name: pd.Series  # str
    spellings: pd.Series  # tuple of other spellings (the native-script name, ...)
    country: pd.Series  # str: a name, a code written as its English name, or as written
    city: pd.Series  # str
    split_cells: int = 0  # two-line cells split into name and country
    fused: int = 0  # names with the country glued on ("UBTKosovo") split
    native: int = 0  # names with a native-script spelling after " / "
    codes: int = 0  # countries published as ISO codes


@cache
def _country_names() -> tuple[str, ...]:
    """English country names, longest first, to find one glued onto the end of a name as
    scrapes do when a cell lost its line break: "University of Puerto RicoPuerto Rico"."""
    from sapat.countries import _territories

    names = {"Turks and Caicos Islands", "Côte d'Ivoire", "Russia", "Vietnam", "Macau"}
    for name in _territories("en").values():
        names |= {name, name.replace("&", "and"), name.replace("’", "'")}
    return tuple(sorted(names, key=len, reverse=True))


def _unglue(name: str) -> tuple[str, str] | None:
    """(name, country) when a country is glued on without a space ("UBTKosovo"), else None."""
    countries = _country_names()
    if not name.endswith(countries):
        return None
    country = next(c for c in countries if name.endswith(c))
    rest = name[: -len(country)]
    if len(rest.strip()) < 2 or not rest[-1].isalpha():
        return None  # "Kosovo" alone, or "University of Kosovo" (a space: not glued)
    return rest.strip(), country


def _split_cell(
    value: object, has_country: bool, slash: bool
) -> tuple[str | None, tuple[str, ...], str | None]:
    """(name, other spellings, country from the cell) of one institution cell."""
    if value is None or value != value:
        return None, (), None
    text = str(value)
    if not any(c in text for c in "\n(/"):
        return clean(text), (), None  # the usual cell: nothing to split
    text = _MARKER.sub("", text.strip())
    country = None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) >= 2:
        # THE's on-site layout: the institution, then its country, in one two-line cell.
        if has_country:
            text = " ".join(lines)
        else:
            text, country = " ".join(lines[:-1]), lines[-1]
    pieces = _NATIVE.split(text) if slash else [text]
    parts = [p for p in (clean(part) for part in pieces) if p]
    if not parts:
        return None, (), country
    return parts[0], tuple(parts[1:]), clean(country)


def _country_text(value: str | None) -> tuple[str | None, bool]:
    """A country as stored: a code ("kg", "UK") as its English name, anything else as written."""
    if value is None or not re.fullmatch(r"[A-Za-z]{2,3}", value):
        return value, False
    code = country_code(value)
    return (country_name(code, "en"), True) if code else (value, False)


def read_names(body: pd.DataFrame, roles: dict[str, int], slash: bool = False) -> Names:
    """Split and clean the institution, native-name, country and city cells of every row."""
    index = body.index
    none = pd.Series([None] * len(index), index=index, dtype=object)
    has_country = "country" in roles or "country_code" in roles
    codes, uniques = pd.factorize(body[roles["institution"]] if "institution" in roles else none)
    split = [_split_cell(u, has_country, slash) for u in objects(uniques)] + [(None, (), None)]

    def spread(part: int) -> pd.Series:
        # Each distinct cell was split once; position -1 (a blank cell) picks the last.
        values = np.empty(len(split), dtype=object)
        for i, cell in enumerate(split):
            values[i] = cell[part]  # one by one: a tuple must stay one value
        return pd.Series(values.take(codes), index=index, dtype=object)

    name, spellings, from_cell = spread(0), spread(1), spread(2)
    slashed = int(np.array([bool(cell[1]) for cell in split]).take(codes).sum())
    if "native_name" in roles:
        native = body[roles["native_name"]].map(clean, na_action="ignore")
        spellings = pd.Series(
            [
                s + ((n,) if isinstance(n, str) else ())
                for s, n in zip(spellings, native, strict=True)
            ],
            index=index,
            dtype=object,
        )
    country, code_count = _countries(body, roles, index)
    cell_country = country.isna() & from_cell.notna()
    country = country.where(~cell_country, from_cell)
    fused = 0
    if has_country:
        for row in index[country.isna() & name.notna()]:
            if unglued := _unglue(name[row]):
                name[row], country[row] = unglued
                fused += 1
    city = body[roles["city"]].map(clean, na_action="ignore") if "city" in roles else none
    return Names(
        name=name.astype("str"),
        spellings=spellings,
        country=country.astype("str"),
        city=city.astype("str"),
        split_cells=int(cell_country.sum()),
        fused=fused,
        native=slashed,
        codes=code_count,
    )


def _countries(body: pd.DataFrame, roles: dict[str, int], index: pd.Index) -> tuple[pd.Series, int]:
    """The country of each row: the name column, else the code column written as a name."""
    country = pd.Series([None] * len(index), index=index, dtype=object)
    converted = 0
    for role in ("country", "country_code"):
        if role not in roles:
            continue
        codes, uniques = pd.factorize(body[roles[role]])
        # Only a column of codes is rewritten: "USA" and "UK" in a column of names are names.
        read = [
            _country_text(clean(u)) if role == "country_code" else (clean(u), False)
            for u in objects(uniques)
        ] + [(None, False)]
        values = pd.Series([read[c][0] for c in codes], index=index, dtype=object)
        was_code = pd.Series([read[c][1] for c in codes], index=index, dtype=bool)
        fill = country.isna() & values.notna()
        converted += int((fill & was_code).sum())
        country = country.where(~fill, values)
    return country, converted
