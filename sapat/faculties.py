"""Faculty codes as readers see them: the faculty's name (or short name) in their language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from sapat.i18n import code_label, localized
from sapat.queries import faculties as fq

UNIVERSITY = "university"  # a KPI's or a rating's unit that is the whole university
# Columns that hold a faculty code in whatever query returns them (a KPI's unit_scope is
# the university or a faculty): the columns tables and charts show by name.
FACULTY_COLUMNS = ("faculty", "unit_scope")


@dataclass(frozen=True)
class FacultyNames:
    """Each faculty code's name and short name in one language.

    A code the faculties dataset does not list (or every code, before it is uploaded) is
    shown as it is: a code is better than a blank, and the upload check names it.
    """

    lang: str
    full: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: pd.DataFrame, lang: str) -> FacultyNames:
        """From ``queries.faculties.names``: the name in ``lang`` (another language's if the
        file left it blank); the short name in ``lang`` only, else the full name, so that a
        Kyrgyz axis never falls back to an English abbreviation."""
        full, short = {}, {}
        for row in frame.to_dict("records"):
            name = localized(row, "name", lang) or row["code"]
            full[row["code"]] = name
            short[row["code"]] = localized(row, "short", lang, others=False) or name
        return cls(lang, full, short)

    def label(self, code: object, short: bool = False) -> str:
        """``code``'s name (``short``: its short name, for axes and legends); the university
        in the reader's language; anything else as it is."""
        if not isinstance(code, str):
            return "" if code is None or code != code else str(code)
        if code == UNIVERSITY:
            return code_label(UNIVERSITY, self.lang)
        return (self.short if short else self.full).get(code, code)

    def named(self, frame: pd.DataFrame, *columns: str, short: bool = True) -> pd.DataFrame:
        """``frame`` with its faculty ``columns`` (default FACULTY_COLUMNS) as names: short
        ones by default, for a chart; missing values stay missing ("not stated")."""
        out = frame.copy()
        for column in columns or FACULTY_COLUMNS:
            if column in out:
                out[column] = out[column].map(
                    lambda code: self.label(code, short), na_action="ignore"
                )
        return out

    def listing(self, codes: Iterable[object]) -> str:
        """Faculties' names in one line, comma-separated, as a message lists them."""
        return ", ".join(self.label(c) for c in codes)


def faculty_names(conn: duckdb.DuckDBPyConnection, lang: str) -> FacultyNames:
    """The faculties' names in ``lang`` from the warehouse."""
    return FacultyNames.of(fq.names(conn), lang)
