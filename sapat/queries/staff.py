"""Teaching staff: composition by degree and title, the licensing degree share, the rating."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat.provenance import reads
from sapat.queries.measures import DEGREE_SQL
from sapat.queries.measures import MIN_GROUP as _PRIVACY_FLOOR
from sapat.queries.quality import faculty_clause

# The licensing requirement: at least this share of the teaching staff (by headcount) holds
# a degree. A faculty exactly at the threshold meets it. Configurable in secrets.toml.
DEFAULT_DEGREE_THRESHOLD = 0.60
# The staff rating is shown only as aggregates of at least this many people, so that no
# one's scores can be read off a chart; individual rows are for administrators. A smaller
# group is also left out of the university's figures: were it counted there, subtracting
# the shown faculties would give it back. Staff with no faculty are one such group.
MIN_GROUP = _PRIVACY_FLOOR
RATING_PARTS = ("teaching_score", "research_score", "service_score")
# Quantiles drawn as a box (p10–p90 whiskers rather than a minimum and maximum).
QUANTILES = {"p10": 0.10, "p25": 0.25, "median": 0.50, "p75": 0.75, "p90": 0.90}
# The five quantiles and the mean are six linear equations in the sorted scores: of five
# people the 25th, 50th and 75th percentiles are three people's own scores and the 10th and
# 90th give the other two. From ten people on, at least four scores stay undetermined, so a
# smaller group is shown by its means only.
BOX_MIN = 10


@reads("staff_composition", "staff_rating")
def years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with staff composition or rating data, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT year FROM staff_composition UNION SELECT year FROM staff_rating ORDER BY 1 DESC"
    ).fetchall()]  # fmt: skip


@reads("staff_composition", "staff_rating")
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


@reads("staff_composition")
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


@reads("staff_composition")
def composition_by_faculty(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Staff by degree and title per faculty in one year."""
    return conn.execute(
        f"SELECT faculty, {_COMPOSITION_SUMS} FROM staff_composition WHERE year = ? "
        "GROUP BY faculty ORDER BY faculty",
        [year],
    ).df()


@reads("staff_composition")
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


@reads("staff_rating")
def rating_years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Years of the staff rating, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT year FROM staff_rating ORDER BY 1 DESC"
    ).fetchall()]  # fmt: skip


def _rated(where: str) -> str:
    """Rating rows with a total score, each with the size of its (year, faculty) group and
    how many of that group have each part score (a part is shown of MIN_GROUP or more)."""
    counts = ", ".join(f"count({p}) OVER w AS n_{p}" for p in RATING_PARTS)
    return f"""
        SELECT year, faculty, total_score, {", ".join(RATING_PARTS)},
               count(*) OVER w AS group_size, {counts}
        FROM staff_rating WHERE total_score IS NOT NULL AND {where}
        WINDOW w AS (PARTITION BY year, faculty)
    """


def _parts(min_group: int) -> str:
    """Each part's mean over the groups where that part has at least ``min_group`` scores."""
    return ", ".join(
        f"CASE WHEN count({p}) FILTER (WHERE n_{p} >= {min_group}) >= {min_group} "
        f"THEN avg({p}) FILTER (WHERE n_{p} >= {min_group}) END AS {p}"
        for p in RATING_PARTS
    )


@reads("staff_rating")
def rating_summary(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    min_group: int = MIN_GROUP,
    box_min: int = BOX_MIN,
) -> pd.DataFrame:
    """The rating of ``year`` per faculty, plus the whole university, as aggregates only.

    A faculty with fewer than ``min_group`` rated people gets one row with ``hidden`` true,
    its size and nothing else, and is left out of the university's row, whose figures are
    those of the shown faculties (and of staff with no faculty, if ``min_group`` or more).
    Percentiles are given of groups of at least ``box_min`` people only. Columns: faculty
    ('university' for the whole), people, mean_total, p10 … p90, mean of each part, hidden;
    the university first, then the shown faculties by mean, then the hidden ones by name.
    """
    min_group, box_min = int(min_group), int(box_min)  # spliced: never a caller's text
    quantiles = ", ".join(
        f"quantile_cont(total_score, {q}) AS {name}" for name, q in QUANTILES.items()
    )
    frame = conn.execute(
        f"""
        WITH r AS ({_rated("year = ?")})
        SELECT CASE WHEN grouping(faculty) = 1 THEN 'university' ELSE faculty END AS faculty,
               count(*) AS people, avg(total_score) AS mean_total, {quantiles},
               {_parts(min_group)}
        FROM r WHERE group_size >= {min_group}
        GROUP BY GROUPING SETS ((), (faculty))
        HAVING grouping(faculty) = 1 OR faculty IS NOT NULL
        UNION ALL BY NAME
        SELECT faculty, count(*) AS people
        FROM r WHERE group_size < {min_group} AND faculty IS NOT NULL GROUP BY faculty
        """,
        [year],
    ).df()
    # Without a shown group the university's row counts no one.
    frame = frame[frame["people"] > 0]
    columns = ["faculty", "people", "mean_total", *QUANTILES, *RATING_PARTS]
    if frame.empty:
        return pd.DataFrame(columns=columns).assign(hidden=pd.Series(dtype=bool))
    frame = frame[columns].astype({c: "float64" for c in columns[2:]})
    frame["hidden"] = frame["people"] < min_group
    frame.loc[frame["hidden"], columns[2:]] = float("nan")
    frame.loc[frame["people"] < box_min, list(QUANTILES)] = float("nan")
    # Hidden faculties by name: an order by their mean would rank them.
    order = frame.assign(
        _rank=(frame["faculty"] != "university").astype(int) + frame["hidden"].astype(int),
        _mean=-frame["mean_total"].fillna(0),
    ).sort_values(["_rank", "_mean", "faculty"])
    return order.drop(columns=["_rank", "_mean"]).reset_index(drop=True)


@reads("staff_rating")
def rating_trend(
    conn: duckdb.DuckDBPyConnection, faculty: str | None = None, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Mean total and part scores per year, of one faculty or of the university.

    A year of fewer than ``min_group`` rated people is left out; the university's figures of
    a year leave out that year's hidden groups, so that a faculty shown one year and hidden
    the next is not given back by comparing the two.
    """
    where, params = faculty_clause(faculty)
    min_group = int(min_group)
    return conn.execute(
        f"""
        WITH r AS ({_rated("TRUE")})
        SELECT year, count(*) AS people, avg(total_score) AS mean_total, {_parts(min_group)}
        FROM r WHERE group_size >= {min_group} AND {where}
        GROUP BY year ORDER BY year
        """,
        params,
    ).df()


@reads("staff_rating")
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
