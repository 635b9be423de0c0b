"""Academic quality measures by year and faculty: one definition for pages, overview and KPIs."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from sapat.academic_year import AcademicYear, end_year_sql

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


@dataclass(frozen=True)
class Measure:
    """``part / whole`` of ``table`` per year and faculty; percent measures are × 100."""

    table: str
    year: str
    part: str
    whole: str
    unit: str  # "percent" or "score"
    where: str = "TRUE"
    # Rows are people (the staff rating): a faculty of fewer than this many rows in a year
    # has no figure, and the university's figure of that year leaves it out. Staff with no
    # faculty are one such group. 0: the rows are not people.
    min_group: int = 0


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
}


def year_label(name: str, year: int) -> str:
    """How a measure's year is written: '2025-2026' for academic years, else '2026'."""
    return str(AcademicYear.ending_in(year) if MEASURES[name].year == _ACADEMIC_YEAR else year)


def measure_sql(name: str) -> str:
    """SQL of one measure: (measure, year, unit_scope, value, part, whole), one row per year
    for the university and one per year and faculty; no row where the whole is 0, nor of a
    group under the measure's ``min_group`` (left out of the university's row too)."""
    m = MEASURES[name]
    scale = "100.0 * " if m.unit == "percent" else ""
    # The group size counts blank faculties as one group (PARTITION BY groups NULLs).
    small = (
        f"QUALIFY count(*) OVER (PARTITION BY {m.year}, faculty) >= {int(m.min_group)}"
        if m.min_group
        else ""
    )
    return f"""
        SELECT '{name}' AS measure, year,
               CASE WHEN grouping(faculty) = 1 THEN '{UNIVERSITY}' ELSE faculty END AS unit_scope,
               {scale}sum(part) / sum(whole) AS value,
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


def all_measures_sql() -> str:
    """Every measure's rows in one relation (for KPIs that point at a measure)."""
    return "\nUNION ALL\n".join(measure_sql(name) for name in MEASURES)


def values(conn: duckdb.DuckDBPyConnection, name: str, scope: str = UNIVERSITY) -> pd.DataFrame:
    """One measure for one scope (the university or a faculty code), oldest year first."""
    return conn.execute(
        f"SELECT year, value, part, whole FROM ({measure_sql(name)}) "
        "WHERE unit_scope = ? ORDER BY year",
        [scope],
    ).df()


def latest(conn: duckdb.DuckDBPyConnection, name: str) -> dict[str, float | int | None]:
    """The university's latest year of a measure and the year before it (None if absent)."""
    rows = values(conn, name).tail(2)
    out: dict[str, float | int | None] = dict.fromkeys(("year", "value", "prev_year", "previous"))
    if len(rows):
        out["year"], out["value"] = int(rows["year"].iloc[-1]), float(rows["value"].iloc[-1])
    if len(rows) == 2:
        out["prev_year"], out["previous"] = int(rows["year"].iloc[0]), float(rows["value"].iloc[0])
    return out
