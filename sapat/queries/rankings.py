"""Ranking positions, indicator breakdowns, peers and edition tables from the warehouse."""

from __future__ import annotations

import duckdb
import pandas as pd

from sapat import db
from sapat.provenance import reads

CENTRAL_ASIA = ("Kyrgyzstan", "Kazakhstan", "Uzbekistan", "Tajikistan", "Turkmenistan")

# The methodology rows in force for an edition: the set whose edition_from is the latest one
# not after the edition, plus later additions such as QS 2026's unweighted diversity lens.
_METHOD = """
    SELECT indicator, name, weight FROM ranking_methodology
    WHERE ranking = $ranking AND edition_from <= $year
      AND (edition_to IS NULL OR edition_to >= $year)
"""


@reads("institutions", "ranking_results")
def rankings_with_data(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Ranking systems holding results, the home university's first, with their editions."""
    return conn.execute(
        """
        SELECT r.ranking, s.name, count(DISTINCT r.year) AS editions,
               bool_or(i.is_home) AS has_home, max(r.year) AS latest
        FROM ranking_results r
        LEFT JOIN ranking_systems s ON s.code = r.ranking
        LEFT JOIN institutions i ON i.name = r.institution AND i.is_home
        GROUP BY r.ranking, s.name
        ORDER BY has_home DESC NULLS LAST, editions DESC, r.ranking
        """
    ).df()


@reads("ranking_results")
def history(
    conn: duckdb.DuckDBPyConnection,
    ranking: str,
    institutions: tuple[str, ...],
    as_of: int | None = None,
) -> pd.DataFrame:
    """Every edition of the given institutions in one ranking (up to the edition ``as_of``, if
    given), with the band-aware change and the ``source`` each row was imported from (a file
    or web address)."""
    if not institutions:
        return pd.DataFrame()
    return conn.execute(
        """
        SELECT institution, year, rank_display, rank_low, rank_high, is_tie, is_band,
               overall_score, source,
               lag(rank_display) OVER w AS prev_display,
               rank_movement(rank_low, rank_high, lag(rank_low) OVER w, lag(rank_high) OVER w)
                   AS movement
        FROM ranking_results
        WHERE ranking = $ranking AND list_contains($institutions, institution)
          AND ($as_of IS NULL OR year <= $as_of)
        WINDOW w AS (PARTITION BY institution ORDER BY year)
        ORDER BY institution, year
        """,
        {
            "ranking": ranking,
            "institutions": list(institutions),
            "as_of": None if as_of is None else int(as_of),
        },
    ).df()


@reads("institutions")
def home_institution(conn: duckdb.DuckDBPyConnection) -> str | None:
    row = db.first(conn.execute("SELECT name FROM institutions WHERE is_home ORDER BY name"))
    return row[0] if row else None


@reads("ranking_indicator_scores")
def indicator_years(conn: duckdb.DuckDBPyConnection, ranking: str, institution: str) -> list[int]:
    rows = conn.execute(
        "SELECT DISTINCT year FROM ranking_indicator_scores WHERE ranking = ? AND institution = ? "
        "ORDER BY year DESC",
        [ranking, institution],
    ).fetchall()
    return [r[0] for r in rows]


@reads("ranking_indicator_scores")
def breakdown(
    conn: duckdb.DuckDBPyConnection, ranking: str, year: int, institution: str
) -> pd.DataFrame:
    """Each indicator's score, weight, change since the previous edition and contribution.

    ``contribution`` is score × weight / 100, the points the indicator adds to a weighted
    overall score; ``weighted_change`` is the change × weight / 100, what moved the result.
    Indicators outside the methodology keep a NULL weight and contribute nothing.
    """
    return conn.execute(
        f"""
        WITH method AS ({_METHOD}),
        cur AS (
            SELECT indicator, score, rank_display FROM ranking_indicator_scores
            WHERE ranking = $ranking AND year = $year AND institution = $institution
        ),
        prev AS (
            SELECT indicator, score AS prev_score, year AS prev_year
            FROM ranking_indicator_scores
            WHERE ranking = $ranking AND institution = $institution AND year < $year
            QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY year DESC) = 1
        )
        SELECT coalesce(c.indicator, m.indicator) AS indicator, m.name, m.weight,
               c.score, c.rank_display, p.prev_score, p.prev_year,
               c.score - p.prev_score AS change,
               c.score * m.weight / 100 AS contribution,
               (c.score - p.prev_score) * m.weight / 100 AS weighted_change
        FROM cur c
        FULL JOIN method m ON m.indicator = c.indicator
        LEFT JOIN prev p ON p.indicator = coalesce(c.indicator, m.indicator)
        ORDER BY m.weight DESC NULLS LAST, indicator
        """,
        {"ranking": ranking, "year": year, "institution": institution},
    ).df()


def methodology(conn: duckdb.DuckDBPyConnection, ranking: str, year: int) -> pd.DataFrame:
    return conn.execute(
        _METHOD + " ORDER BY weight DESC, indicator", {"ranking": ranking, "year": year}
    ).df()


@reads("institutions", "ranking_results")
def peer_candidates(conn: duckdb.DuckDBPyConnection, ranking: str) -> pd.DataFrame:
    """Institutions of this ranking; Kyrgyz and Central Asian ones, and known peers, first.

    ``peer_group`` is the comparison group the institutions dataset gives each (free text).
    """
    return conn.execute(
        """
        WITH present AS (
            SELECT institution, any_value(country ORDER BY year DESC) AS country,
                   max(year) AS latest
            FROM ranking_results WHERE ranking = $ranking GROUP BY institution
        )
        SELECT p.institution, coalesce(i.country, p.country) AS country, p.latest,
               coalesce(i.is_home, false) AS is_home, i.peer_group,
               i.name IS NOT NULL
                 OR list_contains($central_asia, coalesce(i.country, p.country)) AS suggested
        FROM present p LEFT JOIN institutions i ON i.name = p.institution
        ORDER BY is_home DESC, suggested DESC, p.institution
        """,
        {"ranking": ranking, "central_asia": list(CENTRAL_ASIA)},
    ).df()


@reads("ranking_indicator_scores")
def peer_scores(
    conn: duckdb.DuckDBPyConnection, ranking: str, year: int, institutions: tuple[str, ...]
) -> pd.DataFrame:
    """Indicator scores of several institutions in one edition, long format."""
    if not institutions:
        return pd.DataFrame(columns=["institution", "indicator", "score", "weight"])
    return conn.execute(
        f"""
        WITH method AS ({_METHOD})
        SELECT s.institution, s.indicator, s.score, m.weight
        FROM ranking_indicator_scores s LEFT JOIN method m USING (indicator)
        WHERE s.ranking = $ranking AND s.year = $year
          AND list_contains($institutions, s.institution)
        ORDER BY m.weight DESC NULLS LAST, s.indicator, s.institution
        """,
        {"ranking": ranking, "year": year, "institutions": list(institutions)},
    ).df()


@reads("ranking_results")
def edition(conn: duckdb.DuckDBPyConnection, ranking: str, year: int) -> pd.DataFrame:
    """Every institution of one edition: the published rank and overall score."""
    return conn.execute(
        """
        SELECT institution, rank_display, rank_low, rank_high, is_band, overall_score
        FROM ranking_results WHERE ranking = ? AND year = ?
        ORDER BY rank_low NULLS LAST, overall_score DESC NULLS LAST
        """,
        [ranking, year],
    ).df()
