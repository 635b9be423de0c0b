"""Headline figures of the rector's overview, computed from the warehouse."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from sapat.queries.rankings import home_institution

__all__ = [
    "alerts",
    "home_institution",
    "latest_rankings",
    "mobility_by_year",
    "quality_alerts",
]


def _df(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return conn.execute(sql, params or []).df()


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


def alerts(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """What needs attention today, gathered from every domain (see build_alerts)."""
    from sapat.queries import accreditation, agreements, kpis, mobility

    return build_alerts(
        latest_rankings(conn),
        accreditation.summary(conn, today),
        agreements.summary(conn, today),
        kpis.off_track(conn),
        mobility.rule_flags(conn, mobility.MobilityFilter(), today),
        quality_alerts(conn),
    )


def quality_alerts(
    conn: duckdb.DuckDBPyConnection, threshold: float | None = None
) -> dict[str, int]:
    """Faculties below the licensing degree threshold in the latest staff year, and
    programmes whose pass rate fell by more than the default drop in the latest year."""
    from sapat.queries import quality, staff

    threshold = staff.DEFAULT_DEGREE_THRESHOLD if threshold is None else threshold
    years = staff.years(conn)
    below = staff.degree_share(conn, years[0], threshold)["below"].sum() if years else 0
    drops = len(quality.pass_rate_drops(conn))
    return {"degree_below": int(below), "pass_rate_drops": drops}


def build_alerts(
    ranks: pd.DataFrame,
    accreditation: dict[str, int],
    agreements: dict[str, int],
    off_track: pd.DataFrame,
    flags: pd.DataFrame,
    quality: dict[str, int] | None = None,
) -> pd.DataFrame:
    """What needs attention, most urgent first, each with the page that explains it.

    Built from figures the overview has already queried, so nothing is computed twice.
    Columns: severity (1 = act now, 2 = plan), alert (catalog key suffix), count,
    detail (published texts, may be empty), page (the page file to open).
    """
    acc, agr = accreditation, agreements
    rows: list[tuple[int, str, int, str, str]] = []
    for r in ranks[ranks["movement"] == "down"].itertuples():
        detail = f"{r.ranking}|{r.rank_display}|{r.prev_display}"
        rows.append((1, "ranking_drop", 1, detail, "pages/rankings.py"))
    if acc["expired"]:
        rows.append((1, "expired", acc["expired"], "", "pages/accreditation.py"))
    if acc["within_90"]:
        rows.append((1, "expiring_90", acc["within_90"], "", "pages/accreditation.py"))
    if acc["overdue_actions"]:
        rows.append((1, "overdue_actions", acc["overdue_actions"], "", "pages/accreditation.py"))
    if not off_track.empty:
        rows.append((1, "kpis_off_track", len(off_track), "", "pages/kpis.py"))
    at_risk = int(flags.set_index("flag")["count"].get("credits_failed_over_15", 0))
    if at_risk:
        rows.append((1, "expulsion_risk", at_risk, "", "pages/mobility.py"))
    quality = quality or {}
    if quality.get("degree_below"):
        rows.append((1, "degree_below", quality["degree_below"], "", "pages/staff.py"))
    if quality.get("pass_rate_drops"):
        rows.append((2, "pass_rate_drops", quality["pass_rate_drops"], "", "pages/quality.py"))
    later = acc["within_180"] - acc["within_90"]
    if later:
        rows.append((2, "expiring_180", later, "", "pages/accreditation.py"))
    if agr["dormant"]:
        rows.append((2, "dormant_agreements", agr["dormant"], "", "pages/agreements.py"))
    if agr["expiring"]:
        rows.append((2, "agreements_expiring", agr["expiring"], "", "pages/agreements.py"))
    return pd.DataFrame(rows, columns=["severity", "alert", "count", "detail", "page"])
