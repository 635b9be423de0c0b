"""Academic mobility: headline counts, breakdowns, credit recognition, ratios, regulation flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import duckdb
import pandas as pd

from sapat import db
from sapat.academic_year import AcademicYear, start_year_sql
from sapat.provenance import reads


@dataclass(frozen=True)
class MobilityFilter:
    """The page's selection; hashable (a cache key). An empty tuple = no filter on that field.

    Fields combine with AND; the values within one field with OR.
    """

    years: tuple[str, ...] = ()  # academic years, e.g. ("2024-2025",)
    directions: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # participant_category codes
    programs: tuple[str, ...] = ()
    faculties: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    durations: tuple[str, ...] = ()  # duration_type: short / long


# MobilityFilter field → the mobility column it filters.
FILTER_COLUMNS: dict[str, str] = {
    "years": "academic_year",
    "directions": "direction",
    "scopes": "scope",
    "categories": "participant_category",
    "programs": "program",
    "faculties": "faculty",
    "formats": "format",
    "durations": "duration_type",
}
assert tuple(FILTER_COLUMNS) == tuple(f.name for f in fields(MobilityFilter))

MEASURES = (
    "outgoing_students",
    "incoming_students",
    "outgoing_staff",
    "incoming_staff",
    "countries",
    "partners",
)
DIMENSIONS = ("program", "faculty", "purpose", "duration_type", "participant_category", "format")
RECOGNITION_GROUPS = ("faculty", "program")
RULES = (
    "gpa_below_3",
    "first_year_abroad",
    "master_semester",
    "credits_failed_over_15",
    "staff_report_late",
    "transcript_late",
)
FLAGGED_COLUMNS = (
    "mobility_id",
    "academic_year",
    "participant_code",
    "participant_category",
    "faculty",
    "partner_institution",
    "partner_country",
    "start_date",
    "end_date",
    "report_date",
    "gpa_at_selection",
    "credits_failed",
    "study_semester",
)

# Withdrawn applications are not mobility: no count, chart, flag, agreement's use or overview
# figure includes them.
NOT_WITHDRAWN = "status <> 'withdrawn'"
_STUDENT = "starts_with(participant_category, 'student_')"
_STAFF = "participant_category IN ('academic_staff', 'admin_staff')"

# The regulation's rules, each a condition on one row of ``_flag_base`` and the number shown
# beside it (``detail``). They concern the university's own participants (direction
# 'outgoing'): the people it selects and sends, who return and report to it. Incoming
# participants are selected and sent by their home institutions.
#
# staff_report_late: the report is due within 5 working days after return. Working days are
# Monday–Friday; public holidays are ignored (not in the warehouse), so a return just before a
# holiday may be flagged a day or two early. The deadline is end_date + 7 days for a return on
# Monday–Friday (the same weekday a week later), + 6 for Saturday and + 5 for Sunday (the
# Friday after): return on Friday, report the next Friday = on time, the Saturday after = late.
# A report still missing after the deadline (status 'completed', no report_date, ``today``
# past the deadline) is late too; ``detail`` is the calendar days after the deadline (up to
# ``today`` when the report is missing).
# transcript_late: report_date is the transcript's date for students; due within one calendar
# month of end_date (31 January + 1 month = 28/29 February).
_RULE_SQL: dict[str, tuple[str, str]] = {
    "gpa_below_3": (
        f"{_STUDENT} AND status IN ('selected', 'departed', 'completed', 'report_submitted') "
        "AND gpa_at_selection < 3",
        "gpa_at_selection",
    ),
    "first_year_abroad": (
        "participant_category = 'student_bachelor' AND ("
        "(scope = 'international' AND study_semester IN (1, 2)) "
        "OR (scope = 'domestic' AND study_semester = 1))",
        "study_semester",
    ),
    # A master's student whose semester is unknown cannot be judged, so is not flagged.
    "master_semester": (
        "participant_category = 'student_master' AND study_semester NOT IN (2, 3)",
        "study_semester",
    ),
    # 15 or fewer: recoverable in a paid summer semester; above 15: expulsion risk.
    "credits_failed_over_15": ("credits_failed > 15", "credits_failed"),
    "staff_report_late": (
        f"{_STAFF} AND (report_date > staff_deadline OR (report_date IS NULL "
        "AND status = 'completed' AND CAST($today AS DATE) > staff_deadline))",
        "date_diff('day', staff_deadline, coalesce(report_date, CAST($today AS DATE)))",
    ),
    "transcript_late": (
        f"{_STUDENT} AND report_date > transcript_deadline",
        "date_diff('day', transcript_deadline, report_date)",
    ),
}
assert tuple(_RULE_SQL) == RULES


def _filter_sql(f: MobilityFilter, *, skip_years: bool = False) -> tuple[str, dict[str, list]]:
    """The WHERE condition of ``f`` (withdrawn rows always out) and its bound parameters."""
    conditions, params = [NOT_WITHDRAWN], {}
    for name, column in FILTER_COLUMNS.items():
        values = getattr(f, name)
        if not values or (skip_years and name == "years"):
            continue
        # Column names come from FILTER_COLUMNS, values are bound: nothing typed reaches SQL.
        conditions.append(f"{column} IN (SELECT unnest(${name}))")
        params[name] = [str(v) for v in values]
    return " AND ".join(conditions), params


def _df(conn: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    return conn.execute(sql, params).df()


@reads("mobility")
def options(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Distinct values present (withdrawn rows aside) per MobilityFilter field, sorted.

    One scan with GROUPING SETS (a list aggregate per column was ten times slower on
    500,000 rows); ``grouping_id`` tells which column a row is for.
    """
    columns = list(FILTER_COLUMNS.values())
    sets = ", ".join(f"({c})" for c in columns)
    which = ", ".join(f"grouping({c}) = 0" for c in columns)
    rows = conn.execute(
        f"""
        SELECT {", ".join(columns)}, [{which}] AS present
        FROM mobility WHERE {NOT_WITHDRAWN}
        GROUP BY GROUPING SETS ({sets})
        """
    ).fetchall()
    found: dict[str, set] = {name: set() for name in FILTER_COLUMNS}
    for row in rows:
        i = row[-1].index(True)
        if row[i] is not None:
            found[list(FILTER_COLUMNS)[i]].add(row[i])
    return {name: sorted(values) for name, values in found.items()}


@reads("mobility")
def headline(conn: duckdb.DuckDBPyConnection, f: MobilityFilter, year: str) -> pd.DataFrame:
    """The headline measures of ``year`` beside the previous academic year's.

    Columns: measure (in ``MEASURES`` order), value, previous. Participants are counted as
    mobilities (one person going twice counts twice), as on the overview. ``previous`` is
    NULL when the warehouse holds no (non-withdrawn) mobility at all in the previous academic
    year; with data there, a filter that matches nothing gives 0. ``f.years`` is ignored.
    ``countries``/``partners`` are distinct partner countries/institutions of the selected
    mobilities (domestic mobility's partner country is Kyrgyzstan).
    """
    where, params = _filter_sql(f, skip_years=True)
    params |= {"year": year, "prev": str(AcademicYear.parse(year).previous())}
    measures = ", ".join(f"('{m}', {i})" for i, m in enumerate(MEASURES))
    return _df(
        conn,
        f"""
        WITH measures(measure, pos) AS (VALUES {measures}),
        m AS (
            SELECT academic_year, direction, participant_category, partner_country,
                   partner_institution
            FROM mobility WHERE {where} AND academic_year IN ($year, $prev)
        ),
        agg AS (
            SELECT academic_year,
                   count(*) FILTER (direction = 'outgoing' AND {_STUDENT}) AS outgoing_students,
                   count(*) FILTER (direction = 'incoming' AND {_STUDENT}) AS incoming_students,
                   count(*) FILTER (direction = 'outgoing' AND {_STAFF}) AS outgoing_staff,
                   count(*) FILTER (direction = 'incoming' AND {_STAFF}) AS incoming_staff,
                   count(DISTINCT partner_country) AS countries,
                   count(DISTINCT partner_institution) AS partners
            FROM m GROUP BY academic_year
        ),
        long AS (
            UNPIVOT agg ON {", ".join(MEASURES)} INTO NAME measure VALUE v
        ),
        prev_present AS (
            SELECT count(*) > 0 AS present FROM (
                SELECT 1 FROM mobility
                WHERE academic_year = $prev AND {NOT_WITHDRAWN} LIMIT 1
            )
        )
        SELECT ms.measure,
               CAST(coalesce(cur.v, 0) AS BIGINT) AS value,
               CAST(CASE WHEN p.present THEN coalesce(prev.v, 0) END AS BIGINT) AS previous
        FROM measures ms
        CROSS JOIN prev_present p
        LEFT JOIN long cur ON cur.measure = ms.measure AND cur.academic_year = $year
        LEFT JOIN long prev ON prev.measure = ms.measure AND prev.academic_year = $prev
        ORDER BY ms.pos
        """,
        params,
    )


@reads("mobility")
def trend(conn: duckdb.DuckDBPyConnection, f: MobilityFilter) -> pd.DataFrame:
    """Participants per academic year and direction. Columns: academic_year, direction,
    participants."""
    where, params = _filter_sql(f)
    return _df(
        conn,
        f"""
        SELECT academic_year, direction, count(*) AS participants
        FROM mobility WHERE {where}
        GROUP BY ALL ORDER BY academic_year, direction
        """,
        params,
    )


@reads("mobility")
def by_country(conn: duckdb.DuckDBPyConnection, f: MobilityFilter) -> pd.DataFrame:
    """Participants per partner country, most first. Columns: partner_country, participants,
    outgoing, incoming. Rows without a partner country are left out (nothing to map)."""
    where, params = _filter_sql(f)
    return _df(
        conn,
        f"""
        SELECT partner_country, count(*) AS participants,
               count(*) FILTER (direction = 'outgoing') AS outgoing,
               count(*) FILTER (direction = 'incoming') AS incoming
        FROM mobility WHERE {where} AND partner_country IS NOT NULL
        GROUP BY partner_country
        ORDER BY participants DESC, partner_country
        """,
        params,
    )


@reads("mobility")
def by_dimension(conn: duckdb.DuckDBPyConnection, f: MobilityFilter, column: str) -> pd.DataFrame:
    """Participants per value of one column of ``DIMENSIONS``, most first.

    Columns: value, participants. A NULL value (not stated) is a row of its own, last among
    equals. Any other column raises ValueError: the name is put into the SQL, so only the
    listed ones may pass.
    """
    if column not in DIMENSIONS:
        raise ValueError(f"unknown mobility dimension {column!r}; one of {DIMENSIONS}")
    where, params = _filter_sql(f)
    return _df(
        conn,
        f"""
        SELECT {column} AS value, count(*) AS participants
        FROM mobility WHERE {where}
        GROUP BY {column}
        ORDER BY participants DESC, value NULLS LAST
        """,
        params,
    )


@reads("mobility")
def credit_recognition(conn: duckdb.DuckDBPyConnection, f: MobilityFilter, by: str) -> pd.DataFrame:
    """Credits outgoing students earned abroad and how many the university recognised.

    Columns: group, credits_earned, credits_recognized, rate (recognized / earned; NULL
    when nothing was earned). ``by`` is 'faculty' or 'program' (mobility programme), else
    ValueError. Only mobilities with both numbers recorded count: credits_recognized stays
    NULL until the transcript is in and recognition is decided, and a pending decision is
    not a refusal (0 recognised is recorded as 0). Lowest rate first.
    """
    if by not in RECOGNITION_GROUPS:
        raise ValueError(f"unknown grouping {by!r}; one of {RECOGNITION_GROUPS}")
    where, params = _filter_sql(f)
    return _df(
        conn,
        f"""
        WITH g AS (
            SELECT {by} AS "group", sum(credits_earned) AS credits_earned,
                   sum(credits_recognized) AS credits_recognized
            FROM mobility
            WHERE {where} AND direction = 'outgoing' AND {_STUDENT}
              AND credits_earned IS NOT NULL AND credits_recognized IS NOT NULL
            GROUP BY {by}
        )
        SELECT "group", credits_earned, credits_recognized,
               CASE WHEN credits_earned > 0 THEN credits_recognized / credits_earned END AS rate
        FROM g
        ORDER BY rate NULLS LAST, "group" NULLS LAST
        """,
        params,
    )


@reads("mobility", "kpi_values")
def exchange_ratios(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Inbound and outbound exchange students per student, as QS Asia's indicators use them.

    Columns: academic_year, kpi_year, students_total, inbound_students, outbound_students,
    inbound_ratio, outbound_ratio. Students (student_*) on international mobility, not
    withdrawn, counted per academic year against the university's students_total KPI of the
    year the academic year starts in (2024-2025 → 2024); only years with that KPI. A ratio is
    NULL when students_total is 0.
    """
    return _df(
        conn,
        f"""
        WITH ex AS (
            SELECT academic_year,
                   {start_year_sql("academic_year")} AS kpi_year,
                   count(*) FILTER (direction = 'incoming') AS inbound_students,
                   count(*) FILTER (direction = 'outgoing') AS outbound_students
            FROM mobility
            WHERE {NOT_WITHDRAWN} AND scope = 'international' AND {_STUDENT}
            GROUP BY academic_year
        )
        SELECT ex.academic_year, ex.kpi_year, k.value AS students_total,
               ex.inbound_students, ex.outbound_students,
               CASE WHEN k.value > 0 THEN ex.inbound_students / k.value END AS inbound_ratio,
               CASE WHEN k.value > 0 THEN ex.outbound_students / k.value END AS outbound_ratio
        FROM ex
        JOIN kpi_values k
          ON k.code = 'students_total' AND k.unit_scope = 'university' AND k.year = ex.kpi_year
        ORDER BY ex.academic_year
        """,
        {},
    )


def _flag_base(where: str) -> str:
    """The selected outgoing mobilities with the deadlines the rules compare against."""
    return f"""
        WITH m AS (
            SELECT *,
                   end_date + CASE isodow(end_date) WHEN 6 THEN 6 WHEN 7 THEN 5 ELSE 7 END
                       AS staff_deadline,
                   CAST(end_date + INTERVAL 1 MONTH AS DATE) AS transcript_deadline
            FROM mobility WHERE {where} AND direction = 'outgoing'
        )"""


def _with_today(sql: str, params: dict, today: dt.date | None) -> dict:
    if "$today" in sql:
        return params | {"today": today or dt.date.today()}
    return params


@reads("mobility")
def rule_flags(
    conn: duckdb.DuckDBPyConnection, f: MobilityFilter, today: dt.date | None = None
) -> pd.DataFrame:
    """How many selected mobilities each rule of the regulation flags.

    Columns: flag, count; one row per ``RULES`` entry in that order, zeros included.
    ``today`` (default: the current date) decides whether a missing staff report is overdue.
    """
    where, params = _filter_sql(f)
    counts = ", ".join(
        f"count(*) FILTER ({condition}) AS {rule}" for rule, (condition, _) in _RULE_SQL.items()
    )
    sql = f"{_flag_base(where)} SELECT {counts} FROM m"
    row = db.first(conn.execute(sql, _with_today(sql, params, today)))
    return pd.DataFrame(
        {"flag": pd.Series(RULES, dtype="str"), "count": pd.Series(row, dtype="int64")}
    )


@reads("mobility")
def flagged_rows(
    conn: duckdb.DuckDBPyConnection,
    f: MobilityFilter,
    flag: str,
    today: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The mobilities behind one flag of ``RULES`` (anything else raises ValueError).

    Columns: FLAGGED_COLUMNS, then detail: the number that breaks the rule (GPA, semester,
    credits failed, or calendar days after the deadline for the two late-report rules).
    No names: participant_code is pseudonymous. Latest academic year first; ``limit`` keeps
    the first rows only (turning tens of thousands of rows into a frame is what costs time
    on a large warehouse; ``rule_flags`` gives the full count).
    """
    if flag not in _RULE_SQL:
        raise ValueError(f"unknown mobility flag {flag!r}; one of {RULES}")
    condition, detail = _RULE_SQL[flag]
    where, params = _filter_sql(f)
    if limit is not None:
        params["limit"] = max(int(limit), 0)
    sql = f"""{_flag_base(where)}
        SELECT {", ".join(FLAGGED_COLUMNS)}, CAST({detail} AS DOUBLE) AS detail
        FROM m WHERE {condition}
        ORDER BY academic_year DESC, mobility_id
        {"LIMIT $limit" if limit is not None else ""}
        """
    return _df(conn, sql, _with_today(sql, params, today))
