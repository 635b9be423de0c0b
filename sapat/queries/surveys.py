"""Surveys of students, staff, graduates and employers: satisfaction and weakest questions."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat.provenance import reads
from sapat.queries.measures import MIN_GROUP, SURVEY_SHOWN, SURVEY_WEIGHT

GROUPS = ("students", "staff", "graduates", "employers")
LOWEST_SHOWN = 10
# A row (one question, respondent group, faculty and year) answered by fewer people, or by
# an unknown number, is left out of every figure here, the university's included: counted
# there, subtracting the shown faculties would give back those few people's answers.
MIN_RESPONSES = MIN_GROUP
# Means are weighted by responses, so a faculty of 600 respondents counts for more than one
# of 40 (the same weighting as the satisfaction measures of the overview and KPIs).
_WEIGHT = SURVEY_WEIGHT


def _where(faculty: str | None, group: str | None) -> tuple[str, list]:
    clauses, params = ["mean_score IS NOT NULL", SURVEY_SHOWN], []
    if faculty:
        clauses.append("faculty = ?")
        params.append(faculty)
    if group:
        clauses.append("respondent_group = ?")
        params.append(group)
    return " AND ".join(clauses), params


@reads("survey_results")
def years(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Academic years with survey results, oldest first."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT academic_year FROM survey_results ORDER BY 1"
    ).fetchall()]  # fmt: skip


@reads("survey_results")
def groups(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Respondent groups with results, in the usual order."""
    found = {r[0] for r in conn.execute(
        "SELECT DISTINCT respondent_group FROM survey_results"
    ).fetchall()}  # fmt: skip
    return [g for g in GROUPS if g in found]


@reads("survey_results")
def satisfaction(conn: duckdb.DuckDBPyConnection, faculty: str | None = None) -> pd.DataFrame:
    """Mean score (1–5) and share satisfied per academic year and respondent group, of the
    rows of at least ``MIN_RESPONSES`` respondents.

    Columns: academic_year, respondent_group, mean_score, share_satisfied, questions,
    respondents (the largest response count of a question: everyone answers some).
    """
    where, params = _where(faculty, None)
    return conn.execute(
        f"""
        WITH per_unit AS (
            SELECT academic_year, respondent_group, faculty,
                   sum(mean_score * {_WEIGHT}) AS score_sum,
                   sum(share_satisfied * {_WEIGHT}) FILTER (WHERE share_satisfied IS NOT NULL)
                       AS satisfied_sum,
                   sum({_WEIGHT}) FILTER (WHERE share_satisfied IS NOT NULL) AS satisfied_w,
                   sum({_WEIGHT}) AS w, count(DISTINCT question_code) AS questions,
                   max(responses) AS respondents
            FROM survey_results WHERE {where} GROUP BY ALL
        )
        SELECT academic_year, respondent_group, sum(score_sum) / sum(w) AS mean_score,
               sum(satisfied_sum) / nullif(sum(satisfied_w), 0) AS share_satisfied,
               max(questions) AS questions, sum(respondents) AS respondents
        FROM per_unit GROUP BY academic_year, respondent_group
        ORDER BY academic_year, list_position(['students', 'staff', 'graduates', 'employers'],
                                              respondent_group)
        """,
        params,
    ).df()


@reads("survey_results")
def by_faculty(conn: duckdb.DuckDBPyConnection, group: str) -> pd.DataFrame:
    """Mean score per faculty and academic year for one respondent group (blank faculty =
    the university-wide answers, e.g. of employers, are left out; so are rows of fewer than
    ``MIN_RESPONSES`` respondents)."""
    return conn.execute(
        f"""
        SELECT faculty, academic_year, sum(mean_score * {_WEIGHT}) / sum({_WEIGHT}) AS mean_score
        FROM survey_results
        WHERE respondent_group = ? AND faculty IS NOT NULL AND mean_score IS NOT NULL
              AND {SURVEY_SHOWN}
        GROUP BY ALL ORDER BY faculty, academic_year
        """,
        [group],
    ).df()


@reads("survey_results")
def lowest_questions(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    lang: str,
    group: str | None = None,
    faculty: str | None = None,
    limit: int = LOWEST_SHOWN,
) -> pd.DataFrame:
    """The questions with the lowest mean score in ``academic_year``, lowest first (rows of
    fewer than ``MIN_RESPONSES`` respondents left out, in this year and the one before).

    The text is in ``lang``, else in another language the file gave. Columns:
    respondent_group, question_code, question, mean_score, share_satisfied, responses,
    previous_score (the same question's mean the year before), change.
    """
    where, params = _where(faculty, group)
    order = {"ky": ("ky", "ru", "en"), "ru": ("ru", "ky", "en"), "en": ("en", "ru", "ky")}[lang]
    text = "coalesce(" + ", ".join(f"any_value(question_{code})" for code in order) + ")"
    return conn.execute(
        f"""
        WITH q AS (
            SELECT academic_year, respondent_group, question_code, {text} AS question,
                   sum(mean_score * {_WEIGHT}) / sum({_WEIGHT}) AS mean_score,
                   sum(share_satisfied * {_WEIGHT}) FILTER (WHERE share_satisfied IS NOT NULL)
                       / nullif(sum({_WEIGHT}) FILTER (WHERE share_satisfied IS NOT NULL), 0)
                       AS share_satisfied,
                   sum(responses) AS responses
            FROM survey_results WHERE {where} GROUP BY academic_year, respondent_group,
                 question_code
        ), w AS (
            SELECT *, lag(mean_score) OVER (PARTITION BY respondent_group, question_code
                                            ORDER BY academic_year) AS previous_score
            FROM q
        )
        SELECT respondent_group, question_code, question, mean_score, share_satisfied,
               responses, previous_score, mean_score - previous_score AS change
        FROM w WHERE academic_year = ?
        ORDER BY mean_score, respondent_group, question_code
        LIMIT ?
        """,
        [*params, academic_year, limit],
    ).df()
