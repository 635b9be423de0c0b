"""Exam sessions, state attestation and graduates: pass rates, grades, drops, employment."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat.provenance import reads

SESSION_TYPES = ("regular", "retake", "state_attestation")
GRADES = ("a", "b", "c", "d", "f")
# A programme is flagged when its regular-session pass rate fell by more than this many
# percentage points from one academic year to the next; the page lets users change it.
DEFAULT_DROP_POINTS = 10.0
# Pass-rate differences are compared after rounding away floating-point noise, so that
# 80 % → 70 % is a drop of exactly 10 points and is not flagged at a threshold of 10.
_DIGITS = 9


def faculty_clause(faculty: str | None, column: str = "faculty") -> tuple[str, list]:
    """A WHERE condition keeping one faculty (``TRUE`` for all) and its parameters."""
    return (f"{column} = ?", [faculty]) if faculty else ("TRUE", [])


def _grouped_by(by: str, alias: str) -> tuple[str, str]:
    """(group expression, programme name columns) of a query by university, faculty or
    programme.

    Grouped otherwise than by programme there are no programme names: the columns are NULL so that every
    grouping returns the same columns.
    """
    no_names = "NULL AS name_ky, NULL AS name_ru, NULL AS name_en"
    if by == "university":
        return "'university'", no_names
    if by == "faculty":
        return f"coalesce({alias}.faculty, '—')", no_names
    names = ", ".join(f"any_value(p.name_{lang}) AS name_{lang}" for lang in ("ky", "ru", "en"))
    return f"{alias}.program_code", names


@reads("exam_results", "graduates")
def options(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Academic years, faculties and sessions (year, semester, type) with exam data."""
    years = [r[0] for r in conn.execute(
        "SELECT DISTINCT academic_year FROM exam_results "
        "UNION SELECT DISTINCT academic_year FROM graduates ORDER BY 1"
    ).fetchall()]  # fmt: skip
    faculties = [r[0] for r in conn.execute(
        "SELECT DISTINCT faculty FROM exam_results WHERE faculty IS NOT NULL "
        "UNION SELECT DISTINCT faculty FROM graduates WHERE faculty IS NOT NULL ORDER BY 1"
    ).fetchall()]  # fmt: skip
    sessions = conn.execute(
        "SELECT DISTINCT academic_year, semester, session_type FROM exam_results "
        "ORDER BY academic_year DESC, semester DESC, "
        "list_position(['regular', 'retake', 'state_attestation'], session_type)"
    ).fetchall()
    exam_years = sorted({s[0] for s in sessions})
    return {"years": years, "exam_years": exam_years, "faculties": faculties, "sessions": sessions}


@reads("programs", "exam_results")
def pass_rates(
    conn: duckdb.DuckDBPyConnection, by: str = "faculty", faculty: str | None = None
) -> pd.DataFrame:
    """Pass rate (%) per academic year, session type and group ('university', 'faculty' or
    'program'), over every semester and year of study: passed ÷ sat."""
    group, names = _grouped_by(by, "e")
    where, params = faculty_clause(faculty, "e.faculty")
    return conn.execute(
        f"""
        SELECT e.academic_year, e.session_type, {group} AS grp, {names},
               sum(e.students_total) AS students_total,
               sum(e.students_passed) AS students_passed,
               100.0 * sum(e.students_passed) / nullif(sum(e.students_total), 0) AS pass_rate,
               sum(e.avg_score * e.students_total) / nullif(sum(e.students_total)
                   FILTER (WHERE e.avg_score IS NOT NULL), 0) AS avg_score
        FROM exam_results e LEFT JOIN programs p ON p.program_code = e.program_code
        WHERE {where} AND e.session_type IN ('regular', 'retake')
        GROUP BY ALL ORDER BY e.academic_year, grp, e.session_type
        """,
        params,
    ).df()


@reads("exam_results")
def headline(conn: duckdb.DuckDBPyConnection, faculty: str | None = None) -> pd.DataFrame:
    """The latest academic year's pass rate of each session type and the year before it.

    Columns: session_type, academic_year, pass_rate, prev_year, previous.
    """
    where, params = faculty_clause(faculty)
    return conn.execute(
        f"""
        WITH y AS (
            SELECT session_type, academic_year,
                   100.0 * sum(students_passed) / nullif(sum(students_total), 0) AS pass_rate
            FROM exam_results WHERE {where} GROUP BY ALL
        ), ranked AS (
            SELECT *, lag(academic_year) OVER w AS prev_year, lag(pass_rate) OVER w AS previous,
                   row_number() OVER (PARTITION BY session_type ORDER BY academic_year DESC) AS n
            FROM y WINDOW w AS (PARTITION BY session_type ORDER BY academic_year)
        )
        SELECT session_type, academic_year, pass_rate, prev_year, previous FROM ranked
        WHERE n = 1
        ORDER BY list_position(['regular', 'retake', 'state_attestation'], session_type)
        """,
        params,
    ).df()


@reads("programs", "exam_results")
def grade_distribution(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    semester: int,
    session_type: str,
    faculty: str | None = None,
) -> pd.DataFrame:
    """Grades A–F of one session per faculty (or per programme within ``faculty``).

    Columns: grp, name_ky/ru/en, students_total, grade_a … grade_f, graded.
    """
    where, params = faculty_clause(faculty, "e.faculty")
    group, names = _grouped_by("program" if faculty else "faculty", "e")
    sums = ", ".join(f"sum(coalesce(e.grade_{g}, 0)) AS grade_{g}" for g in GRADES)
    graded = " + ".join(f"sum(coalesce(e.grade_{g}, 0))" for g in GRADES)
    return conn.execute(
        f"""
        SELECT {group} AS grp, {names}, sum(e.students_total) AS students_total,
               {sums}, {graded} AS graded
        FROM exam_results e LEFT JOIN programs p ON p.program_code = e.program_code
        WHERE e.academic_year = ? AND e.semester = ? AND e.session_type = ? AND {where}
        GROUP BY ALL ORDER BY grp
        """,
        [academic_year, semester, session_type, *params],
    ).df()


@reads("programs", "exam_results")
def pass_rate_drops(
    conn: duckdb.DuckDBPyConnection,
    threshold: float = DEFAULT_DROP_POINTS,
    academic_year: str | None = None,
    faculty: str | None = None,
) -> pd.DataFrame:
    """Programmes whose regular-session pass rate fell by more than ``threshold`` points.

    Compares ``academic_year`` (the latest by default) with the programme's previous year
    with data. A fall of exactly ``threshold`` is not flagged. Columns: program_code,
    name_ky/ru/en, faculty, prev_year, previous_rate, academic_year, pass_rate, drop (points),
    students_total; the largest drop first.
    """
    where, params = faculty_clause(faculty, "w.faculty")
    return conn.execute(
        f"""
        WITH r AS (
            SELECT academic_year, program_code, any_value(faculty) AS faculty,
                   sum(students_total) AS students_total,
                   100.0 * sum(students_passed) / nullif(sum(students_total), 0) AS pass_rate
            FROM exam_results WHERE session_type = 'regular' GROUP BY ALL
        ), w AS (
            SELECT *, lag(academic_year) OVER p AS prev_year,
                   lag(pass_rate) OVER p AS previous_rate,
                   round(lag(pass_rate) OVER p - pass_rate, {_DIGITS}) AS drop
            FROM r WINDOW p AS (PARTITION BY program_code ORDER BY academic_year)
        )
        SELECT w.program_code, p.name_ky, p.name_ru, p.name_en, w.faculty, w.prev_year,
               w.previous_rate, w.academic_year, w.pass_rate, w.drop, w.students_total
        FROM w LEFT JOIN programs p ON p.program_code = w.program_code
        WHERE w.academic_year = coalesce(?, (SELECT max(academic_year) FROM r))
          AND w.drop > ? AND {where}
        ORDER BY drop DESC, w.program_code
        """,
        [academic_year, threshold, *params],
    ).df()


@reads("programs", "exam_results")
def attestation(
    conn: duckdb.DuckDBPyConnection, by: str = "program", faculty: str | None = None
) -> pd.DataFrame:
    """State attestation per academic year and programme (or faculty): sat, passed, rate,
    average score and grades, the lowest pass rate first."""
    where, params = faculty_clause(faculty, "e.faculty")
    group, names = _grouped_by(by, "e")
    sums = ", ".join(f"sum(e.grade_{g}) AS grade_{g}" for g in GRADES)
    return conn.execute(
        f"""
        SELECT e.academic_year, {group} AS grp, {names},
               sum(e.students_total) AS students_total, sum(e.students_passed) AS students_passed,
               100.0 * sum(e.students_passed) / nullif(sum(e.students_total), 0) AS pass_rate,
               sum(e.avg_score * e.students_total) / nullif(sum(e.students_total)
                   FILTER (WHERE e.avg_score IS NOT NULL), 0) AS avg_score,
               {sums}
        FROM exam_results e LEFT JOIN programs p ON p.program_code = e.program_code
        WHERE e.session_type = 'state_attestation' AND {where}
        GROUP BY e.academic_year, grp
        ORDER BY e.academic_year DESC, pass_rate, grp
        """,
        params,
    ).df()


@reads("programs", "graduates")
def graduates(conn: duckdb.DuckDBPyConnection, faculty: str | None = None) -> pd.DataFrame:
    """Graduates per academic year and programme, with honours and employment within a year.

    ``employment_rate`` is NULL where employment is not known yet (a blank is not a zero).
    """
    where, params = faculty_clause(faculty, "g.faculty")
    return conn.execute(
        f"""
        SELECT g.academic_year, g.program_code, p.name_ky, p.name_ru, p.name_en,
               g.faculty, g.level, g.graduates_total, g.with_honours, g.employed_within_year,
               100.0 * g.employed_within_year / nullif(g.graduates_total, 0) AS employment_rate
        FROM graduates g LEFT JOIN programs p ON p.program_code = g.program_code
        WHERE {where}
        ORDER BY g.academic_year DESC, g.program_code
        """,
        params,
    ).df()


@reads("graduates")
def graduates_by_year(conn: duckdb.DuckDBPyConnection, faculty: str | None = None) -> pd.DataFrame:
    """Graduates, honours and employment rate (over programmes whose employment is known)."""
    where, params = faculty_clause(faculty)
    return conn.execute(
        f"""
        SELECT academic_year, sum(graduates_total) AS graduates_total,
               sum(with_honours) AS with_honours,
               sum(employed_within_year) AS employed_within_year,
               100.0 * sum(employed_within_year) / nullif(sum(graduates_total)
                   FILTER (WHERE employed_within_year IS NOT NULL), 0) AS employment_rate
        FROM graduates WHERE {where} GROUP BY ALL ORDER BY academic_year
        """,
        params,
    ).df()


@reads("programs", "graduates")
def employment(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    by: str = "program",
    faculty: str | None = None,
) -> pd.DataFrame:
    """Graduates of one year employed within a year, per programme or faculty; only rows
    whose employment is known. Columns: grp, name_ky/ru/en, graduates_total,
    employed_within_year, employment_rate."""
    where, params = faculty_clause(faculty, "g.faculty")
    group, names = _grouped_by(by, "g")
    return conn.execute(
        f"""
        SELECT {group} AS grp, {names}, sum(g.graduates_total) AS graduates_total,
               sum(g.employed_within_year) AS employed_within_year,
               100.0 * sum(g.employed_within_year) / nullif(sum(g.graduates_total), 0)
                   AS employment_rate
        FROM graduates g LEFT JOIN programs p ON p.program_code = g.program_code
        WHERE g.academic_year = ? AND g.employed_within_year IS NOT NULL AND {where}
        GROUP BY grp ORDER BY employment_rate, grp
        """,
        [academic_year, *params],
    ).df()
