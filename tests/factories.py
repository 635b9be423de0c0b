"""Rows for test warehouses, by column name: insert(conn, "mobility", direction="incoming").

Each table has defaults for its required columns, so a test names only what it is about,
and a column added later never shifts a test's values into the wrong place.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import duckdb

_SEQ = itertools.count(1)

# Required columns' defaults; a callable is called per row (unique keys).
DEFAULTS: dict[str, dict[str, Any]] = {
    "institutions": {"name": lambda: f"Institution {next(_SEQ)}", "is_home": False, "aliases": []},
    "faculties": {
        "code": lambda: f"F{next(_SEQ)}",
        "name_ky": "Факультет",
        "name_ru": "Факультет",
        "name_en": "Faculty",
        "active": True,
    },
    "mobility": {
        "mobility_id": lambda: f"M-{next(_SEQ)}",
        "academic_year": "2025-2026",
        "participant_category": "student_bachelor",
        "participant_code": lambda: f"P-{next(_SEQ)}",
        "direction": "outgoing",
        "scope": "international",
        "status": "completed",
        "start_date": dt.date(2026, 2, 1),
        "end_date": dt.date(2026, 6, 30),
    },
    "agreements": {
        "agreement_id": lambda: f"A-{next(_SEQ)}",
        "partner_institution": "Partner University",
        "partner_country": "Turkey",
        "agreement_type": "memorandum",
        "status": "active",
    },
    "ranking_results": {"ranking": "qs_wur", "year": 2026, "is_tie": False, "is_band": False},
    "programs": {
        "program_code": lambda: f"P{next(_SEQ)}",
        "name_en": "Programme",
        "level": "bachelor",
        "faculty": "MATH",
        "status": "active",
    },
}


def insert(conn: duckdb.DuckDBPyConnection, table: str, **values: Any) -> dict[str, Any]:
    """Insert one row into ``table`` (defaults, then ``values``); returns the row as given."""
    row = {k: (v() if callable(v) else v) for k, v in DEFAULTS.get(table, {}).items()}
    row.update(values)
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    return row
