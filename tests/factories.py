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
    "licenses": {
        "license_no": lambda: f"L-{next(_SEQ)}",
        "issued_on": dt.date(2015, 1, 10),
        "status": "active",
    },
    "accreditations": {
        "accreditation_id": lambda: f"ACC-{next(_SEQ)}",
        "scope": "program",
        "agency": "EdNet",
        "kind": "national",
        "status": "accredited",
    },
    "action_items": {
        "item_id": lambda: f"AI-{next(_SEQ)}",
        "source": "accreditation",
        "recommendation": "Do it",
        "status": "open",
    },
    "kpi_definitions": {
        "code": lambda: f"kpi_{next(_SEQ)}",
        "name_ky": "KPI",
        "name_ru": "KPI",
        "name_en": "KPI",
        "unit": "count",
        "direction": "higher_is_better",
        "category": "strategy",
    },
    "kpi_values": {"unit_scope": "university"},
    "kpi_targets": {"unit_scope": "university"},
    "exam_results": {
        "academic_year": "2024-2025",
        "semester": 1,
        "program_code": lambda: f"P{next(_SEQ)}",
        "course_year": 1,
        "session_type": "regular",
    },
    "graduates": {"academic_year": "2024-2025", "program_code": lambda: f"P{next(_SEQ)}"},
    "staff_composition": {
        "year": 2025,
        "faculty": "F1",
        "department": lambda: f"D{next(_SEQ)}",
    },
    "staff_rating": {"year": 2025, "staff_code": lambda: f"S-{next(_SEQ)}"},
    "survey_results": {
        "survey_code": "s",
        "academic_year": "2024-2025",
        "respondent_group": "students",
        "question_code": lambda: f"Q{next(_SEQ)}",
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
