"""Institutional counts given to ranking agencies: values, year-on-year jumps, QS ratios."""

from __future__ import annotations

import math
import os

import duckdb
import pandas as pd

from sapat import db
from sapat.provenance import reads

# The KPI codes of the counts agencies ask for, in display order (as in pipelines/demo_data.py).
AGENCY_KPIS: tuple[str, ...] = (
    "students_total",
    "international_students",
    "academic_staff_fte",
    "international_staff",
    "staff_with_doctorate",
    "publications_scopus",
    "citations_scopus",
    "inbound_exchange_students",
    "outbound_exchange_students",
)
THRESHOLD_DEFAULT = 0.25
THRESHOLD_ENV = "SAPAT_JUMP_THRESHOLD"
# Float noise must not turn an exact 25 % change (e.g. 1.2 → 1.5) into a flagged jump.
_EPSILON = 1e-9
STATUSES = ("jump", "ok", "missing_previous", "zero_previous", "missing_current")
# qs_ratios columns; the first six are shares (0–1, shown on a percent axis).
PERCENT_RATIOS: tuple[str, ...] = (
    "faculty_student_ratio",
    "international_faculty_ratio",
    "international_student_ratio",
    "inbound_exchange_ratio",
    "outbound_exchange_ratio",
    "doctorate_share",
)
PLAIN_RATIOS: tuple[str, ...] = (
    "students_per_staff",
    "citations_per_paper",
    "papers_per_faculty",
    "citations_per_faculty",
)
RATIO_COLUMNS: tuple[str, ...] = PERCENT_RATIOS + PLAIN_RATIOS

# The agency KPIs with their order; every query starts from it, so no loose code strings.
_CODES_CTE = "codes(code, pos) AS (SELECT * FROM (VALUES {rows}))".format(
    rows=", ".join(f"('{code}', {pos})" for pos, code in enumerate(AGENCY_KPIS))
)
# University-level values of the agency KPIs; non-finite values count as missing.
_VALUES_CTE = """
vals AS (
    SELECT v.code, v.year, v.value, v.source
    FROM kpi_values v JOIN codes c ON c.code = v.code
    WHERE v.unit_scope = 'university' AND isfinite(v.value)
)"""


def jump_threshold() -> float:
    """The jump threshold: $SAPAT_JUMP_THRESHOLD (``0.3`` or ``30%``), else the default.

    Anything that is not a finite, non-negative number falls back to the default.
    """
    raw = os.environ.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return THRESHOLD_DEFAULT
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        return THRESHOLD_DEFAULT
    if not math.isfinite(value) or value < 0:
        return THRESHOLD_DEFAULT
    return value


@reads("kpi_definitions", "kpi_values")
def agency_counts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """University-level values of the agency KPIs, long format: one row per (code, year).

    Columns: code, name_ky, name_ru, name_en, unit, year, value, source. Ordered by year,
    then by the order of ``AGENCY_KPIS``. Names are NULL for a code without a definition.
    """
    return conn.execute(
        f"""
        WITH {_CODES_CTE}, {_VALUES_CTE}
        SELECT v.code, d.name_ky, d.name_ru, d.name_en, d.unit, v.year, v.value, v.source
        FROM vals v
        JOIN codes c ON c.code = v.code
        LEFT JOIN kpi_definitions d ON d.code = v.code
        ORDER BY v.year, c.pos
        """
    ).df()


@reads("kpi_values")
def latest_year(conn: duckdb.DuckDBPyConnection) -> int | None:
    """The latest year with any university-level value of an agency KPI."""
    row = db.first(conn.execute(f"WITH {_CODES_CTE}, {_VALUES_CTE} SELECT max(year) FROM vals"))
    return None if row is None or row[0] is None else int(row[0])


@reads("kpi_definitions", "kpi_values")
def jumps(
    conn: duckdb.DuckDBPyConnection, year: int, threshold: float = THRESHOLD_DEFAULT
) -> pd.DataFrame:
    """Each agency KPI's value in ``year`` against ``year - 1``, flagging large changes.

    One row per agency KPI that is defined or has any university value (an empty
    warehouse gives an empty frame). Columns: code, name_ky, name_ru, name_en, year,
    previous_year, value, previous_value, change, flagged, status, threshold.
    ``change`` is (value - previous) / |previous|; ``flagged`` is |change| > threshold,
    strictly. ``status``: 'missing_current' (no value in ``year``), 'missing_previous'
    (none in ``year - 1``), 'zero_previous' (previous is 0 and current is not: the change
    is undefined; 0 → 0 is 'ok' with change 0), else 'jump' or 'ok'. Only 'jump' rows
    are flagged.
    """
    if not math.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a non-negative number, not {threshold!r}")
    return conn.execute(
        f"""
        WITH {_CODES_CTE}, {_VALUES_CTE},
        present AS (
            SELECT code FROM vals
            UNION SELECT d.code FROM kpi_definitions d JOIN codes c ON c.code = d.code
        ),
        pairs AS (
            SELECT c.code, c.pos, cur.value AS value, prev.value AS previous_value
            FROM codes c
            JOIN present p ON p.code = c.code
            LEFT JOIN vals cur ON cur.code = c.code AND cur.year = $year
            LEFT JOIN vals prev ON prev.code = c.code AND prev.year = $year - 1
        ),
        measured AS (
            SELECT *,
                   CASE
                       WHEN value IS NULL OR previous_value IS NULL THEN NULL
                       WHEN previous_value = 0 THEN CASE WHEN value = 0 THEN 0.0 END
                       ELSE (value - previous_value) / abs(previous_value)
                   END AS change
            FROM pairs
        ),
        judged AS (
            SELECT *,
                   CASE
                       WHEN value IS NULL THEN 'missing_current'
                       WHEN previous_value IS NULL THEN 'missing_previous'
                       WHEN change IS NULL THEN 'zero_previous'
                       WHEN abs(change) > $threshold + {_EPSILON} THEN 'jump'
                       ELSE 'ok'
                   END AS status
            FROM measured
        )
        SELECT j.code, d.name_ky, d.name_ru, d.name_en,
               CAST($year AS INTEGER) AS year, CAST($year - 1 AS INTEGER) AS previous_year,
               j.value, j.previous_value, j.change,
               j.status = 'jump' AS flagged, j.status,
               CAST($threshold AS DOUBLE) AS threshold
        FROM judged j LEFT JOIN kpi_definitions d ON d.code = j.code
        ORDER BY j.pos
        """,
        {"year": int(year), "threshold": float(threshold)},
    ).df()


@reads("kpi_values")
def qs_ratios(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per year, the ratios QS indicators are built on, from the university-level KPIs.

    One row per year with any agency KPI value. Columns: year, then shares (0–1)
    faculty_student_ratio (academic_staff_fte / students_total),
    international_faculty_ratio (international_staff / academic_staff_fte),
    international_student_ratio (international_students / students_total),
    inbound_exchange_ratio and outbound_exchange_ratio (exchange students / students_total),
    doctorate_share (staff_with_doctorate / academic_staff_fte); then plain ratios
    students_per_staff, citations_per_paper, papers_per_faculty, citations_per_faculty.
    A ratio is NULL (NaN) when an input is missing or its denominator is 0.
    """
    return conn.execute(
        f"""
        WITH {_CODES_CTE}, {_VALUES_CTE},
        wide AS (
            SELECT year,
                   any_value(value) FILTER (WHERE code = 'students_total') AS students,
                   any_value(value) FILTER (WHERE code = 'international_students') AS intl_st,
                   any_value(value) FILTER (WHERE code = 'academic_staff_fte') AS staff,
                   any_value(value) FILTER (WHERE code = 'international_staff') AS intl_staff,
                   any_value(value) FILTER (WHERE code = 'staff_with_doctorate') AS doctors,
                   any_value(value) FILTER (WHERE code = 'publications_scopus') AS papers,
                   any_value(value) FILTER (WHERE code = 'citations_scopus') AS citations,
                   any_value(value) FILTER (WHERE code = 'inbound_exchange_students') AS inbound,
                   any_value(value) FILTER (WHERE code = 'outbound_exchange_students') AS outbound
            FROM vals GROUP BY year
        )
        SELECT CAST(year AS INTEGER) AS year,
               staff / nullif(students, 0) AS faculty_student_ratio,
               intl_staff / nullif(staff, 0) AS international_faculty_ratio,
               intl_st / nullif(students, 0) AS international_student_ratio,
               inbound / nullif(students, 0) AS inbound_exchange_ratio,
               outbound / nullif(students, 0) AS outbound_exchange_ratio,
               doctors / nullif(staff, 0) AS doctorate_share,
               students / nullif(staff, 0) AS students_per_staff,
               citations / nullif(papers, 0) AS citations_per_paper,
               papers / nullif(staff, 0) AS papers_per_faculty,
               citations / nullif(staff, 0) AS citations_per_faculty
        FROM wide ORDER BY year
        """
    ).df()
