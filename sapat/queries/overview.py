"""Headline figures of the rector's overview, computed from the warehouse."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd


def _df(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return conn.execute(sql, params or []).df()


def home_institution(conn: duckdb.DuckDBPyConnection) -> str | None:
    row = conn.execute(
        "SELECT name FROM institutions WHERE is_home ORDER BY name LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def latest_rankings(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The home university's latest edition in each ranking, beside its previous edition.

    ``movement`` is band-aware: 'up' only when the new position is entirely better than
    the old one (801-850 after 851-900), 'same' when the ranges overlap, 'new' when there
    is no earlier rank to compare.
    """
    return _df(
        conn,
        """
        WITH home AS (SELECT name FROM institutions WHERE is_home),
        r AS (
            SELECT rr.ranking, rr.year, rr.rank_display, rr.rank_low, rr.rank_high,
                   rr.overall_score,
                   lag(rr.year) OVER w AS prev_year,
                   lag(rr.rank_display) OVER w AS prev_display,
                   lag(rr.rank_low) OVER w AS prev_low,
                   lag(rr.rank_high) OVER w AS prev_high,
                   row_number() OVER (PARTITION BY rr.ranking ORDER BY rr.year DESC) AS recency
            FROM ranking_results rr JOIN home h ON rr.institution = h.name
            WINDOW w AS (PARTITION BY rr.ranking ORDER BY rr.year)
        )
        SELECT r.ranking, s.name AS ranking_name, r.year, r.rank_display, r.rank_low,
               r.rank_high, r.overall_score, r.prev_year, r.prev_display,
               rank_movement(r.rank_low, r.rank_high, r.prev_low, r.prev_high) AS movement
        FROM r LEFT JOIN ranking_systems s ON s.code = r.ranking
        WHERE r.recency = 1
        ORDER BY r.rank_low NULLS LAST, r.ranking
        """,
    )


def mobility_by_year(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Participants per academic year and direction (withdrawn applications not counted)."""
    return _df(
        conn,
        """
        SELECT academic_year, direction, count(*) AS participants
        FROM mobility WHERE status <> 'withdrawn'
        GROUP BY ALL ORDER BY academic_year, direction
        """,
    )


def agreements_summary(conn: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, int]:
    active, expiring = conn.execute(
        """
        SELECT count(*) FILTER (WHERE status = 'active'
                                AND (valid_until IS NULL OR valid_until >= ?)),
               count(*) FILTER (WHERE status = 'active'
                                AND valid_until BETWEEN ? AND ? + INTERVAL 6 MONTH)
        FROM agreements
        """,
        [today, today, today],
    ).fetchone()
    return {"active": int(active), "expiring": int(expiring)}


def coverage(conn: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, int]:
    """Active programmes, and how many hold a valid accreditation and a valid licence today."""
    total, accredited, licensed = conn.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM accreditations a WHERE a.program_code = p.program_code
                   AND a.status IN ('accredited', 'conditional')
                   AND (a.valid_until IS NULL OR a.valid_until >= ?))),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM licenses l WHERE l.program_code = p.program_code
                   AND l.status = 'active' AND (l.valid_until IS NULL OR l.valid_until >= ?)))
        FROM programs p WHERE p.status = 'active'
        """,
        [today, today],
    ).fetchone()
    return {"programs": int(total), "accredited": int(accredited), "licensed": int(licensed)}


def expiring_soon(conn: duckdb.DuckDBPyConnection, today: dt.date, days: int = 180) -> int:
    """Licences and accreditations in force whose validity ends within ``days``."""
    return int(
        conn.execute(
            """
            SELECT (SELECT count(*) FROM licenses WHERE status = 'active'
                    AND valid_until BETWEEN ?1 AND ?1 + to_days(?2))
                 + (SELECT count(*) FROM accreditations
                    WHERE status IN ('accredited', 'conditional')
                    AND valid_until BETWEEN ?1 AND ?1 + to_days(?2))
            """,
            [today, days],
        ).fetchone()[0]
    )


def kpis_off_track(conn: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """University-level KPIs of the latest year with values that miss their target."""
    year, measured, off = conn.execute(
        """
        WITH latest AS (SELECT max(year) AS year FROM kpi_values WHERE unit_scope = 'university')
        SELECT l.year, count(*),
               count(*) FILTER (WHERE (d.direction = 'higher_is_better' AND v.value < t.target)
                                   OR (d.direction = 'lower_is_better' AND v.value > t.target))
        FROM latest l
        JOIN kpi_values v ON v.year = l.year AND v.unit_scope = 'university'
        JOIN kpi_targets t
          ON t.code = v.code AND t.year = v.year AND t.unit_scope = v.unit_scope
        JOIN kpi_definitions d ON d.code = v.code
        GROUP BY l.year
        """
    ).fetchone() or (None, 0, 0)
    return {"year": year, "measured": int(measured), "off_track": int(off)}
