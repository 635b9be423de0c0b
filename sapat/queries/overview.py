"""Headline figures of the rector's overview, computed from the warehouse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from sapat.academic_year import AcademicYear, ending_in_sql
from sapat.provenance import reads
from sapat.queries.mobility import NOT_WITHDRAWN, MobilityFilter, trend
from sapat.queries.rankings import home_institution

__all__ = [
    "DOMAINS",
    "Alert",
    "alerts",
    "available_years",
    "build_alerts",
    "home_institution",
    "latest_rankings",
    "is_stale",
    "mobility_by_year",
    "quality_alerts",
]

# What an alert is about. The app maps each to the page that explains it, the Council deck to
# the section that reads it out; neither is this module's business.
DOMAINS = ("rankings", "mobility", "agreements", "accreditation", "quality", "staff", "kpis")


@dataclass(frozen=True)
class Alert:
    """One thing that needs attention.

    ``key`` is the catalog key's suffix (``alert.<key>``), ``severity`` 1 = act now, 2 = plan,
    ``domain`` one of DOMAINS, ``params`` the figures its sentence is written with, raw:
    ``count`` always, and for a ranking drop the ranking's code and both published positions
    (``ranking``, ``rank``, ``previous``). Each reader formats them for its own language.
    """

    key: str
    severity: int
    domain: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.params["count"])


def _df(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> pd.DataFrame:
    return conn.execute(sql, params or []).df()


# An edition older than this many years is not "where the university stands" any more.
STALE_AFTER_YEARS = 2


def is_stale(year: int, today: dt.date) -> bool:
    """Whether a ranking edition is too old to be shown as the current position."""
    return int(year) < today.year - STALE_AFTER_YEARS


@reads("institutions", "ranking_results")
def latest_rankings(conn: duckdb.DuckDBPyConnection, as_of: int | None = None) -> pd.DataFrame:
    """The home university's latest edition in each ranking, beside its previous edition.

    ``as_of``: the latest edition up to that year (a report on an earlier academic year).
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
            WHERE $as_of IS NULL OR rr.year <= $as_of
            WINDOW w AS (PARTITION BY rr.ranking ORDER BY rr.year)
        )
        SELECT r.ranking, s.name AS ranking_name, r.year, r.rank_display, r.rank_low,
               r.rank_high, r.overall_score, r.prev_year, r.prev_display,
               rank_movement(r.rank_low, r.rank_high, r.prev_low, r.prev_high) AS movement
        FROM r LEFT JOIN ranking_systems s ON s.code = r.ranking
        WHERE r.recency = 1
        ORDER BY r.rank_low NULLS LAST, r.ranking
        """,
        {"as_of": None if as_of is None else int(as_of)},
    )


@reads("mobility")
def mobility_by_year(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Participants per academic year and direction (withdrawn applications not counted):
    the mobility page's ``trend`` with no filter."""
    return trend(conn, MobilityFilter())


@reads(
    "institutions",
    "ranking_results",
    "mobility",
    "kpi_definitions",
    "kpi_values",
    "exam_results",
    "graduates",
)
def available_years(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Academic years the warehouse holds data for, newest first.

    A year counts when it has mobility, exam results or graduates, or university KPI values
    or a ranking edition of the university for its second calendar year (the KPI year of
    2024-2025 is 2025, see ``kpis.reported_year``; an edition published in 2025 is the latest
    one of 2024-2025).
    """
    from sapat.queries import kpis as kq

    rows = conn.execute(
        f"""
        WITH {kq.effective_sql(conn)}
        SELECT DISTINCT academic_year FROM mobility WHERE {NOT_WITHDRAWN}
        UNION
        SELECT DISTINCT academic_year FROM exam_results
        UNION
        SELECT DISTINCT academic_year FROM graduates
        UNION
        SELECT DISTINCT {ending_in_sql("year")}
        FROM kpi_eff WHERE unit_scope = 'university'
        UNION
        SELECT DISTINCT {ending_in_sql("r.year")}
        FROM ranking_results r JOIN institutions i ON i.name = r.institution AND i.is_home
        """
    ).fetchall()
    return sorted({r[0] for r in rows if AcademicYear.is_valid(r[0])}, reverse=True)


@reads(
    "institutions",
    "ranking_results",
    "mobility",
    "agreements",
    "programs",
    "licenses",
    "accreditations",
    "action_items",
    "kpi_definitions",
    "kpi_targets",
    "kpi_values",
    "exam_results",
    "staff_composition",
    "staff_rating",
)
def alerts(conn: duckdb.DuckDBPyConnection, today: dt.date) -> list[Alert]:
    """What needs attention today, gathered from every domain (see build_alerts)."""
    from sapat.queries import accreditation as acq
    from sapat.queries import agreements as agq
    from sapat.queries import kpis as kq
    from sapat.queries import mobility as mq

    return build_alerts(
        latest_rankings(conn),
        acq.summary(conn, today),
        agq.summary(conn, today),
        kq.off_track(conn, kq.open_year(conn, today), today),
        mq.rule_flags(conn, mq.MobilityFilter(), today),
        quality_alerts(conn),
    )


@reads("programs", "exam_results", "staff_composition", "staff_rating")
def quality_alerts(
    conn: duckdb.DuckDBPyConnection, threshold: float | None = None
) -> dict[str, int]:
    """Faculties below the licensing degree threshold in the latest staff year, and
    programmes whose pass rate fell by more than the default drop in the latest year."""
    from sapat.queries import quality as qq
    from sapat.queries import staff as sq

    threshold = sq.DEFAULT_DEGREE_THRESHOLD if threshold is None else threshold
    years = sq.years(conn)
    below = sq.degree_share(conn, years[0], threshold)["below"].sum() if years else 0
    drops = len(qq.pass_rate_drops(conn))
    return {"degree_below": int(below), "pass_rate_drops": drops}


def build_alerts(
    ranks: pd.DataFrame,
    accreditation: dict[str, int],
    agreements: dict[str, int],
    off_track: pd.DataFrame,
    flags: pd.DataFrame,
    quality: dict[str, int] | None = None,
) -> list[Alert]:
    """What needs attention, most urgent first (act now, then plan; stable within each).

    Built from figures the caller has already queried, so nothing is computed twice:
    ``latest_rankings``, the accreditation and agreements ``summary``, ``kpis.off_track``,
    ``mobility.rule_flags`` and ``quality_alerts`` (optional).
    """
    acc, agr, quality = accreditation, agreements, quality or {}
    found: list[Alert] = []

    def add(key: str, severity: int, domain: str, count: int, **params: Any) -> None:
        if count:
            found.append(Alert(key, severity, domain, {"count": int(count), **params}))

    for r in ranks[ranks["movement"] == "down"].itertuples():
        add(
            "ranking_drop",
            1,
            "rankings",
            1,
            ranking=r.ranking,
            rank=r.rank_display,
            previous=r.prev_display,
        )
    add("expired", 1, "accreditation", acc["expired"])
    add("expiring_90", 1, "accreditation", acc["within_90"])
    add("overdue_actions", 1, "accreditation", acc["overdue_actions"])
    add("kpis_off_track", 1, "kpis", len(off_track))
    at_risk = flags.set_index("flag")["count"].get("credits_failed_over_15", 0)
    add("expulsion_risk", 1, "mobility", at_risk)
    add("degree_below", 1, "staff", quality.get("degree_below", 0))
    add("pass_rate_drops", 2, "quality", quality.get("pass_rate_drops", 0))
    add("expiring_180", 2, "accreditation", acc["within_180"] - acc["within_90"])
    add("dormant_agreements", 2, "agreements", agr["dormant"])
    add("agreements_expiring", 2, "agreements", agr["expiring"])
    return found
