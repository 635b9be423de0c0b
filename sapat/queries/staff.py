"""Teaching staff: composition by degree and title, the licensing degree share, the rating."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat.queries.measures import DEGREE_SQL
from sapat.queries.quality import faculty_clause

# The licensing requirement: at least this share of the teaching staff (by headcount) holds
# a degree. A faculty exactly at the threshold meets it. Configurable in secrets.toml.
DEFAULT_DEGREE_THRESHOLD = 0.60
# The staff rating is shown only as aggregates of at least this many people, so that no
# one's scores can be read off a chart; individual rows are for administrators.
MIN_GROUP = 5
RATING_PARTS = ("teaching_score", "research_score", "service_score")
# Quantiles drawn as a box: a box of p10–p90 whiskers reveals no one's own score, as a
# minimum or maximum would.
QUANTILES = {"p10": 0.10, "p25": 0.25, "median": 0.50, "p75": 0.75, "p90": 0.90}


def years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with staff composition or rating data, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT year FROM staff_composition UNION SELECT year FROM staff_rating ORDER BY 1 DESC"
    ).fetchall()]  # fmt: skip


def faculties(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Faculties with staff data."""
    return [r[0] for r in conn.execute(
        "SELECT faculty FROM staff_composition UNION "
        "SELECT faculty FROM staff_rating WHERE faculty IS NOT NULL ORDER BY 1"
    ).fetchall()]  # fmt: skip


_COMPOSITION_SUMS = f"""
    CAST(sum(headcount) AS BIGINT) AS headcount, sum(fte) AS fte,
    CAST(sum(doctors_of_science) AS BIGINT) AS doctors_of_science,
    CAST(sum(candidates_of_science) AS BIGINT) AS candidates_of_science,
    CAST(sum(phd_holders) AS BIGINT) AS phd_holders,
    CAST(sum({DEGREE_SQL}) AS BIGINT) AS with_degree,
    CAST(sum(headcount) - sum({DEGREE_SQL}) AS BIGINT) AS without_degree,
    CAST(sum(professors) AS BIGINT) AS professors,
    CAST(sum(associate_professors) AS BIGINT) AS associate_professors,
    CAST(sum(international_staff) AS BIGINT) AS international_staff,
    sum({DEGREE_SQL}) / nullif(sum(headcount), 0) AS degree_share,
    sum(international_staff) / nullif(sum(headcount), 0) AS international_share
"""


def composition_by_year(
    conn: duckdb.DuckDBPyConnection, faculty: str | None = None
) -> pd.DataFrame:
    """Staff by degree and title per year, for the university or one faculty."""
    where, params = faculty_clause(faculty)
    return conn.execute(
        f"SELECT year, {_COMPOSITION_SUMS} FROM staff_composition WHERE {where} "
        "GROUP BY year ORDER BY year",
        params,
    ).df()


def composition_by_faculty(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Staff by degree and title per faculty in one year."""
    return conn.execute(
        f"SELECT faculty, {_COMPOSITION_SUMS} FROM staff_composition WHERE year = ? "
        "GROUP BY faculty ORDER BY faculty",
        [year],
    ).df()


def degree_share(
    conn: duckdb.DuckDBPyConnection, year: int, threshold: float = DEFAULT_DEGREE_THRESHOLD
) -> pd.DataFrame:
    """Each faculty's share of staff with a degree in ``year`` against ``threshold``.

    Columns: faculty, headcount, with_degree, degree_share (0–1), previous_share (the share the
    year before), below (share < threshold); the lowest share first.
    """
    return conn.execute(
        f"""
        WITH f AS (
            SELECT year, faculty, CAST(sum(headcount) AS BIGINT) AS headcount,
                   CAST(sum({DEGREE_SQL}) AS BIGINT) AS with_degree,
                   sum({DEGREE_SQL}) / nullif(sum(headcount), 0) AS degree_share
            FROM staff_composition GROUP BY ALL
        )
        SELECT cur.faculty, cur.headcount, cur.with_degree, cur.degree_share,
               prev.degree_share AS previous_share,
               cur.degree_share < $threshold AS below
        FROM f cur LEFT JOIN f prev ON prev.faculty = cur.faculty AND prev.year = cur.year - 1
        WHERE cur.year = $year AND cur.degree_share IS NOT NULL
        ORDER BY cur.degree_share, cur.faculty
        """,
        {"year": year, "threshold": threshold},
    ).df()


def rating_years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Years of the staff rating, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT year FROM staff_rating ORDER BY 1 DESC"
    ).fetchall()]  # fmt: skip


def rating_summary(
    conn: duckdb.DuckDBPyConnection, year: int, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """The rating of ``year`` per faculty, plus the whole university, as aggregates only.

    A faculty with fewer than ``min_group`` rated people gets one row with ``hidden`` true,
    its size and nothing else. Columns: faculty ('university' for the whole), people,
    hidden, mean_total, p10 … p90, mean of each part.
    """
    quantiles = ", ".join(
        f"quantile_cont(total_score, {q}) AS {name}" for name, q in QUANTILES.items()
    )
    parts = ", ".join(f"avg({p}) AS {p}" for p in RATING_PARTS)
    frame = conn.execute(
        f"""
        SELECT CASE WHEN grouping(faculty) = 1 THEN 'university' ELSE faculty END AS faculty,
               count(*) AS people, avg(total_score) AS mean_total, {quantiles}, {parts}
        FROM staff_rating WHERE year = ? AND total_score IS NOT NULL
        GROUP BY GROUPING SETS ((), (faculty))
        HAVING grouping(faculty) = 1 OR faculty IS NOT NULL
        ORDER BY grouping(faculty), mean_total DESC
        """,
        [year],
    ).df()
    if frame.empty or frame["people"].sum() == 0:
        return frame.iloc[0:0].assign(hidden=pd.Series(dtype=bool))
    frame["hidden"] = frame["people"] < min_group
    figures = [c for c in frame.columns if c not in ("faculty", "people", "hidden")]
    frame[figures] = frame[figures].astype("float64")
    frame.loc[frame["hidden"], figures] = float("nan")
    return frame


def rating_trend(
    conn: duckdb.DuckDBPyConnection, faculty: str | None = None, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Mean total and part scores per year (years with fewer than ``min_group`` left out)."""
    where, params = faculty_clause(faculty)
    parts = ", ".join(f"avg({p}) AS {p}" for p in RATING_PARTS)
    return conn.execute(
        f"""
        SELECT year, count(*) AS people, avg(total_score) AS mean_total, {parts}
        FROM staff_rating WHERE {where} AND total_score IS NOT NULL
        GROUP BY year HAVING count(*) >= ? ORDER BY year
        """,
        [*params, min_group],
    ).df()


def rating_rows(
    conn: duckdb.DuckDBPyConnection, year: int, faculty: str | None = None
) -> pd.DataFrame:
    """Individual (pseudonymous) rating rows: for administrators only."""
    where, params = faculty_clause(faculty)
    return conn.execute(
        f"""
        SELECT staff_code, faculty, department, position, teaching_score, research_score,
               service_score, total_score
        FROM staff_rating WHERE year = ? AND {where}
        ORDER BY total_score DESC NULLS LAST, staff_code
        """,
        [year, *params],
    ).df()
