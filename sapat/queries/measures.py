"""Warehouse measures by year and faculty: one definition for pages, overview, deck and KPIs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from sapat.academic_year import AcademicYear, end_year_sql
from sapat.provenance import Source
from sapat.queries.accreditation import accredited_programs_sql

UNIVERSITY = "university"
# An academic year counts towards the calendar year it ends in (2025-2026 → 2026), as the
# KPIs of exchange students do; staff composition and the staff rating are calendar years.
_ACADEMIC_YEAR = end_year_sql("academic_year")
# The privacy floor: no figure is shown of fewer people than this, and no aggregate is built
# from a group that small. Were the university's figure to include a hidden faculty, the
# shown faculties' figures and headcounts would give it back by subtraction,
# (N·M − Σ nᵢmᵢ) / h: with one rated person, that person's own score.
MIN_GROUP = 5
# A survey row (one question, respondent group, faculty and year) answered by fewer than
# MIN_GROUP people is left out of every figure; so is a row whose count is unknown, which
# could be one person.
SURVEY_SHOWN = f"coalesce(responses, 0) >= {MIN_GROUP}"
# Survey means are weighted by responses (every row shown has at least MIN_GROUP of them).
SURVEY_WEIGHT = "coalesce(nullif(responses, 0), 1)"
DEGREE_SQL = "coalesce(doctors_of_science, 0) + coalesce(candidates_of_science, 0) + coalesce(phd_holders, 0)"
# Stands for the day a snapshot measure is read on (``measure_sql`` puts in a DATE literal).
AS_OF = "__as_of__"
# Exchange students as the ranking agencies count them: students on international mobility
# that took place (departed, completed or reported), not applications or selections.
EXCHANGE_STUDENTS = (
    "scope = 'international' AND starts_with(participant_category, 'student_') "
    "AND status IN ('departed', 'completed', 'report_submitted')"
)
# The home university's exact QS Asia positions: a band (451-500, 1401+) is no position.
_QS_ASIA_RANKS = """(
    SELECT r.year, CAST(NULL AS VARCHAR) AS faculty, r.rank_low
    FROM ranking_results r JOIN institutions i ON i.name = r.institution AND i.is_home
    WHERE r.ranking = 'qs_asia' AND r.rank_low IS NOT NULL AND r.rank_high = r.rank_low
)"""


@dataclass(frozen=True)
class Measure:
    """``part / whole`` of ``table`` per year and faculty; percent measures are × 100, count
    measures are the sum of ``part`` (``whole`` is then 1 a row)."""

    table: str
    year: str
    part: str
    whole: str
    unit: str  # "percent", "score", "count" or "rank": the unit of the KPIs it may feed
    where: str = "TRUE"
    # Rows are people (the staff rating): a faculty of fewer than this many rows in a year
    # has no figure, and the university's figure of that year leaves it out. Staff with no
    # faculty are one such group. 0: the rows are not people.
    min_group: int = 0
    # A snapshot of a register as it stands on the day it is read (AS_OF in its SQL): one
    # figure, for that day's calendar year. Earlier years are not computed: the warehouse
    # holds today's programmes, not each past year's, so their KPIs keep uploaded values.
    as_of: bool = False


MEASURES: dict[str, Measure] = {
    # Regular sessions of every semester and year of study: students who passed ÷ sat.
    "exam_pass_rate": Measure(
        "exam_results",
        _ACADEMIC_YEAR,
        "students_passed",
        "students_total",
        "percent",
        "session_type = 'regular'",
    ),
    "retake_pass_rate": Measure(
        "exam_results",
        _ACADEMIC_YEAR,
        "students_passed",
        "students_total",
        "percent",
        "session_type = 'retake'",
    ),
    "attestation_pass_rate": Measure(
        "exam_results",
        _ACADEMIC_YEAR,
        "students_passed",
        "students_total",
        "percent",
        "session_type = 'state_attestation'",
    ),
    # Only programmes whose employment is already known: the latest graduates have had
    # less than a year, and a blank there is not a zero.
    "graduate_employment_rate": Measure(
        "graduates",
        _ACADEMIC_YEAR,
        "employed_within_year",
        "graduates_total",
        "percent",
        "employed_within_year IS NOT NULL",
    ),
    "graduates_with_honours_share": Measure(
        "graduates", _ACADEMIC_YEAR, "coalesce(with_honours, 0)", "graduates_total", "percent"
    ),
    # The licensing requirement: staff with any degree ÷ headcount (people, not FTE).
    "staff_degree_share": Measure("staff_composition", "year", DEGREE_SQL, "headcount", "percent"),
    "international_staff_share": Measure(
        "staff_composition", "year", "coalesce(international_staff, 0)", "headcount", "percent"
    ),
    "staff_rating_mean": Measure(
        "staff_rating",
        "year",
        "total_score",
        "1",
        "score",
        "total_score IS NOT NULL",
        min_group=MIN_GROUP,
    ),
    # Means on the 1–5 scale, weighted by the number of responses; rows of fewer than
    # MIN_GROUP respondents are left out (SURVEY_SHOWN).
    "student_satisfaction": Measure(
        "survey_results",
        _ACADEMIC_YEAR,
        "mean_score * responses",
        "responses",
        "score",
        f"respondent_group = 'students' AND mean_score IS NOT NULL AND {SURVEY_SHOWN}",
    ),
    "staff_satisfaction": Measure(
        "survey_results",
        _ACADEMIC_YEAR,
        "mean_score * responses",
        "responses",
        "score",
        f"respondent_group = 'staff' AND mean_score IS NOT NULL AND {SURVEY_SHOWN}",
    ),
    "graduate_satisfaction": Measure(
        "survey_results",
        _ACADEMIC_YEAR,
        "mean_score * responses",
        "responses",
        "score",
        f"respondent_group = 'graduates' AND mean_score IS NOT NULL AND {SURVEY_SHOWN}",
    ),
    "employer_satisfaction": Measure(
        "survey_results",
        _ACADEMIC_YEAR,
        "mean_score * responses",
        "responses",
        "score",
        f"respondent_group = 'employers' AND mean_score IS NOT NULL AND {SURVEY_SHOWN}",
    ),
    # Accredited ÷ active programmes on the day: accreditation.accredited_programs_sql, the
    # same rows as the accreditation summary, the overview card and the deck.
    "accredited_programs_share": Measure(
        f"({accredited_programs_sql(AS_OF)})",
        f"year({AS_OF})",
        "CAST(accredited AS INTEGER)",
        "1",
        "percent",
        as_of=True,
    ),
    "english_taught_programs": Measure(
        "programs",
        f"year({AS_OF})",
        "1",
        "1",
        "count",
        "status = 'active' AND language = 'en'",
        as_of=True,
    ),
    # Teaching staff as staff_composition counts it, the staff page's figures.
    "academic_staff_fte": Measure("staff_composition", "year", "fte", "1", "count"),
    "international_staff": Measure(
        "staff_composition", "year", "coalesce(international_staff, 0)", "1", "count"
    ),
    "inbound_exchange_students": Measure(
        "mobility",
        _ACADEMIC_YEAR,
        "1",
        "1",
        "count",
        f"direction = 'incoming' AND {EXCHANGE_STUDENTS}",
    ),
    "outbound_exchange_students": Measure(
        "mobility",
        _ACADEMIC_YEAR,
        "1",
        "1",
        "count",
        f"direction = 'outgoing' AND {EXCHANGE_STUDENTS}",
    ),
    "qs_asia_rank": Measure(_QS_ASIA_RANKS, "year", "rank_low", "1", "rank"),
}


_READS = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_]+)\b", re.IGNORECASE)


def source(name: str) -> Source:
    """The datasets a measure is computed from, and the measure (a KPI's provenance)."""
    from schemas.registry import DATASETS  # as sapat.provenance: never an import cycle

    m = MEASURES[name]
    tables = {m.table} | set(_READS.findall(f"{m.table} {m.where}"))
    return Source(tuple(n for n, spec in DATASETS.items() if spec.table in tables), name)


def year_label(name: str, year: int) -> str:
    """How a measure's year is written: '2025-2026' for academic years, else '2026'."""
    return str(AcademicYear.ending_in(year) if MEASURES[name].year == _ACADEMIC_YEAR else year)


def measure_sql(name: str, today: dt.date | None = None) -> str:
    """SQL of one measure: (measure, year, unit_scope, value, part, whole), one row per year
    for the university and one per year and faculty; no row where the whole is 0, nor of a
    group under the measure's ``min_group`` (left out of the university's row too).

    A snapshot measure (``as_of``) is read on ``today`` (default: the current date).
    """
    m = MEASURES[name]
    if m.as_of:
        day = f"DATE '{(today or dt.date.today()).isoformat()}'"
        m = replace(
            m,
            table=m.table.replace(AS_OF, day),
            year=m.year.replace(AS_OF, day),
            where=m.where.replace(AS_OF, day),
        )
    value = {"percent": "100.0 * sum(part) / sum(whole)", "count": "sum(part)"}.get(
        m.unit, "sum(part) / sum(whole)"
    )
    # The group size counts blank faculties as one group (PARTITION BY groups NULLs).
    small = (
        f"QUALIFY count(*) OVER (PARTITION BY {m.year}, faculty) >= {int(m.min_group)}"
        if m.min_group
        else ""
    )
    return f"""
        SELECT '{name}' AS measure, year,
               CASE WHEN grouping(faculty) = 1 THEN '{UNIVERSITY}' ELSE faculty END AS unit_scope,
               {value} AS value,
               sum(part) AS part, sum(whole) AS whole
        FROM (
            SELECT {m.year} AS year, faculty, CAST({m.part} AS DOUBLE) AS part,
                   CAST({m.whole} AS DOUBLE) AS whole
            FROM {m.table} WHERE {m.where} AND ({m.part}) IS NOT NULL AND ({m.whole}) IS NOT NULL
            {small}
        )
        GROUP BY GROUPING SETS ((year), (year, faculty))
        HAVING sum(whole) > 0 AND (grouping(faculty) = 1 OR faculty IS NOT NULL)
    """


def all_measures_sql(today: dt.date | None = None) -> str:
    """Every measure's rows in one relation (for KPIs that point at a measure)."""
    return "\nUNION ALL\n".join(measure_sql(name, today) for name in MEASURES)


def values(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    scope: str = UNIVERSITY,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One measure for one scope (the university or a faculty code), oldest year first."""
    return conn.execute(
        f"SELECT year, value, part, whole FROM ({measure_sql(name, today)}) "
        "WHERE unit_scope = ? ORDER BY year",
        [scope],
    ).df()


def latest(
    conn: duckdb.DuckDBPyConnection, name: str, today: dt.date | None = None
) -> dict[str, float | int | None]:
    """The university's latest year of a measure and the year before it (None if absent)."""
    rows = values(conn, name, UNIVERSITY, today).tail(2)
    out: dict[str, float | int | None] = dict.fromkeys(("year", "value", "prev_year", "previous"))
    if len(rows):
        out["year"], out["value"] = int(rows["year"].iloc[-1]), float(rows["value"].iloc[-1])
    if len(rows) == 2:
        out["prev_year"], out["previous"] = int(rows["year"].iloc[0]), float(rows["value"].iloc[0])
    return out
