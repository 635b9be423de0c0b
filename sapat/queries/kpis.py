"""Strategy KPIs against their targets: scorecard, history, faculty split, status counts.

A KPI may be linked to a warehouse measure (``sapat.queries.measures``); every query here
then reads its *effective* values (``effective_sql``): the measure's value wins for each
(year, unit scope) it covers, uploaded values fill the rest. Snapshot measures (the
accredited share) are read on ``today``, which every query takes (default: the current date).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from sapat import db
from sapat.academic_year import AcademicYear
from sapat.formats import is_number
from sapat.i18n import translate
from sapat.provenance import reads
from sapat.queries import measures as msq

STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_value")
# The order in which a scorecard shows statuses: what needs attention first.
SEVERITY = ("off_track", "at_risk", "on_track", "no_target", "no_value")
DIRECTIONS = ("higher_is_better", "lower_is_better")
UNIVERSITY = "university"
# A value missing its target by at most 5 % of |target| is 'at risk', not yet 'off track'.
AT_RISK_MARGIN = 0.05
# Decimals a KPI value is shown with per unit (as charts.kpis.format_value writes it): an
# uploaded value differs from the computed one only when the two would read differently.
SHOWN_DECIMALS = {"percent": 1, "count": 0, "rank": 0, "ratio": 2, "score": 2}


def classify(
    value: float | None,
    target: float | None,
    direction: str,
    margin: float = AT_RISK_MARGIN,
) -> str:
    """The status of ``value`` against ``target``; ``status_sql`` is the same rule in SQL.

    'no_value' when value is missing, else 'no_target' when target is missing (NaN and
    ±infinity count as missing). higher_is_better: value >= target is 'on_track',
    value >= target - margin * |target| is 'at_risk', else 'off_track'; lower_is_better
    mirrors it (target + margin * |target|). A target of 0 has a band 0 wide.
    """
    if not is_number(value):
        return "no_value"
    if not is_number(target):
        return "no_target"
    band = margin * abs(target)
    if direction == "higher_is_better":
        if value >= target:
            return "on_track"
        return "at_risk" if value >= target - band else "off_track"
    if direction == "lower_is_better":
        if value <= target:
            return "on_track"
        return "at_risk" if value <= target + band else "off_track"
    raise ValueError(f"unknown KPI direction {direction!r}")


def status_sql(value: str, target: str, direction: str, margin: str = "$margin") -> str:
    """``classify`` as a SQL CASE over the given expressions (NULL for an unknown direction).

    Both compute the band edge as ``target ∓ margin * abs(target)`` in doubles, so they
    agree exactly at the edges; the margin is a bound parameter (``$margin`` by default).
    """
    return f"""CASE
        WHEN {value} IS NULL OR NOT isfinite({value}) THEN 'no_value'
        WHEN {target} IS NULL OR NOT isfinite({target}) THEN 'no_target'
        WHEN {direction} = 'higher_is_better' THEN CASE
            WHEN {value} >= {target} THEN 'on_track'
            WHEN {value} >= {target} - {margin} * abs({target}) THEN 'at_risk'
            ELSE 'off_track' END
        WHEN {direction} = 'lower_is_better' THEN CASE
            WHEN {value} <= {target} THEN 'on_track'
            WHEN {value} <= {target} + {margin} * abs({target}) THEN 'at_risk'
            ELSE 'off_track' END
    END"""


class LinkError(ValueError):
    """A refused link or unlink; ``code`` names the kpis.error.* message for the UI and CLI."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        return translate(f"kpis.error.{self.code}", lang, **self.params)


def linked_measures(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Known measures some KPI points at (a link to a measure since removed is ignored)."""
    rows = conn.execute("SELECT DISTINCT measure FROM kpi_measures ORDER BY measure").fetchall()
    return [r[0] for r in rows if r[0] in msq.MEASURES]


@reads("kpi_definitions", "kpi_values")
def effective_sql(conn: duckdb.DuckDBPyConnection, today: date | None = None) -> str:
    """The CTEs ``kpi_links`` and ``kpi_eff`` (to follow ``WITH``), which every query reads.

    kpi_links(code, measure): defined KPIs linked to a known measure.
    kpi_eff(code, year, unit_scope, value, source, measure, uploaded): kpi_values with, for a
    linked KPI, the measure's rows (read on ``today``) in place of the uploaded ones for the
    same (year, unit_scope); uploaded rows the measure does not cover stay. ``measure`` is
    NULL on uploaded rows; ``uploaded`` is the uploaded value a computed row replaced.
    Only the measures some KPI is linked to are computed, which is why this reads the links
    first: a query never pays for the other measures.
    """
    known = ", ".join(f"'{name}'" for name in msq.MEASURES)
    links = f"""
kpi_links AS (
    SELECT l.code, l.measure
    FROM kpi_measures l JOIN kpi_definitions d ON d.code = l.code
    WHERE l.measure IN ({known})
)"""
    linked = linked_measures(conn)
    if not linked:
        return f"""{links},
kpi_eff AS (
    SELECT code, year, unit_scope, value, source, CAST(NULL AS VARCHAR) AS measure,
           CAST(NULL AS DOUBLE) AS uploaded
    FROM kpi_values
)"""
    # Names come from MEASURES (checked above), never from the table: safe to splice.
    computed = "\nUNION ALL\n".join(msq.measure_sql(name, today) for name in linked)
    return f"""{links},
kpi_measured AS MATERIALIZED (
    SELECT k.code, CAST(m.year AS INTEGER) AS year, m.unit_scope, m.value, k.measure
    FROM kpi_links k JOIN ({computed}) m ON m.measure = k.measure
),
kpi_eff AS (
    SELECT x.code, x.year, x.unit_scope, x.value, CAST(NULL AS VARCHAR) AS source, x.measure,
           v.value AS uploaded
    FROM kpi_measured x
    LEFT JOIN kpi_values v
      ON v.code = x.code AND v.year = x.year AND v.unit_scope = x.unit_scope
    UNION ALL
    SELECT v.code, v.year, v.unit_scope, v.value, v.source, CAST(NULL AS VARCHAR),
           CAST(NULL AS DOUBLE)
    FROM kpi_values v
    WHERE NOT EXISTS (
        SELECT 1 FROM kpi_measured x
        WHERE x.code = v.code AND x.year = v.year AND x.unit_scope = v.unit_scope
    )
)"""


_SEVERITY_SQL = "list_position([{}], {{status}})".format(", ".join(f"'{s}'" for s in SEVERITY))

# One row per KPI definition for ($year, $scope): value, target, status, previous year,
# the finite values of every year up to $year (oldest first) for a sparkline, the measure
# it is computed from (NULL: uploaded values) and the uploaded value the computed one
# replaced. Follows ``effective_sql``.
_CARD_CTE = f"""
card AS (
    SELECT d.code, d.name_ky, d.name_ru, d.name_en, d.unit, d.direction, d.category, d.owner,
           cur.value, tgt.target,
           {status_sql("cur.value", "tgt.target", "d.direction")} AS status,
           prev.value AS previous_value,
           cur.value - prev.value AS change,
           coalesce(hist.history, CAST([] AS DOUBLE[])) AS history,
           lk.measure, cur.uploaded
    FROM kpi_definitions d
    LEFT JOIN kpi_links lk ON lk.code = d.code
    LEFT JOIN kpi_eff cur
      ON cur.code = d.code AND cur.year = $year AND cur.unit_scope = $scope
    LEFT JOIN kpi_targets tgt
      ON tgt.code = d.code AND tgt.year = $year AND tgt.unit_scope = $scope
    LEFT JOIN kpi_eff prev
      ON prev.code = d.code AND prev.year = $year - 1 AND prev.unit_scope = $scope
    LEFT JOIN (
        SELECT code, list(value ORDER BY year) AS history
        FROM kpi_eff
        WHERE year <= $year AND unit_scope = $scope AND isfinite(value)
        GROUP BY code
    ) hist ON hist.code = d.code
)"""


def _card_params(year: int | None, unit_scope: str) -> dict:
    return {
        "year": None if year is None else int(year),
        "scope": str(unit_scope),
        "margin": AT_RISK_MARGIN,
    }


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def years(conn: duckdb.DuckDBPyConnection, today: date | None = None) -> list[int]:
    """Years with any KPI value or target (any unit scope), latest first."""
    rows = conn.execute(
        f"""
        WITH {effective_sql(conn, today)}
        SELECT year FROM kpi_eff UNION SELECT year FROM kpi_targets
        ORDER BY year DESC
        """
    ).fetchall()
    return [int(r[0]) for r in rows]


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def scorecard(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    unit_scope: str = UNIVERSITY,
    today: date | None = None,
) -> pd.DataFrame:
    """Every KPI definition with its value and target in ``year`` for ``unit_scope``.

    Columns: code, name_ky, name_ru, name_en, unit, direction, category, owner, value,
    target, status (see ``classify``), previous_value (year - 1), change (value -
    previous_value, NaN when either is missing), history (a list of floats: the values of
    every year up to ``year``, oldest first, years without a value skipped; [] if none),
    measure (the measure the KPI is computed from, None for uploaded values), uploaded (the
    value uploaded for a computed KPI's year, NaN if none), differs (True when that uploaded
    value reads differently from the computed one: the page shows both and flags it).
    Sorted by category, then status severity (``SEVERITY``), then code.
    """
    frame = conn.execute(
        f"""
        WITH {effective_sql(conn, today)}, {_CARD_CTE}
        SELECT * FROM card
        ORDER BY category, {_SEVERITY_SQL.format(status="status")}, code
        """,
        _card_params(year, unit_scope),
    ).df()
    # DuckDB hands lists over as numpy arrays; plain lists suit tables and sparklines.
    frame["history"] = pd.Series(
        [[float(v) for v in h] for h in frame["history"]], index=frame.index, dtype=object
    )
    frame["differs"] = pd.Series(
        [
            differs(u, v, unit)
            for u, v, unit in zip(frame["uploaded"], frame["value"], frame["unit"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
    return frame


def differs(uploaded: object, computed: object, unit: str | None) -> bool:
    """Whether an uploaded value and the computed one read differently in ``unit``
    (SHOWN_DECIMALS); False when either is missing."""
    if not (is_number(uploaded) and is_number(computed)):
        return False
    decimals = SHOWN_DECIMALS.get(str(unit), 2)
    return round(float(uploaded), decimals) != round(float(computed), decimals)


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def history(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    unit_scope: str = UNIVERSITY,
    as_of: int | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """One KPI over the years: year, value, target, status, oldest first.

    Every year with a value or a target for ``unit_scope`` (up to ``as_of`` if given); the
    other one is NaN there.
    """
    return conn.execute(
        f"""
        WITH {effective_sql(conn, today)},
        yrs AS (
            SELECT year FROM kpi_eff WHERE code = $code AND unit_scope = $scope
            UNION
            SELECT year FROM kpi_targets WHERE code = $code AND unit_scope = $scope
        ),
        dir AS (SELECT any_value(direction) AS direction FROM kpi_definitions
                WHERE code = $code)
        SELECT CAST(y.year AS INTEGER) AS year, v.value, t.target,
               {status_sql("v.value", "t.target", "dir.direction")} AS status
        FROM yrs y
        CROSS JOIN dir
        LEFT JOIN kpi_eff v
          ON v.code = $code AND v.year = y.year AND v.unit_scope = $scope
        LEFT JOIN kpi_targets t
          ON t.code = $code AND t.year = y.year AND t.unit_scope = $scope
        WHERE $as_of IS NULL OR y.year <= $as_of
        ORDER BY y.year
        """,
        {
            "code": str(code),
            "scope": str(unit_scope),
            "margin": AT_RISK_MARGIN,
            "as_of": None if as_of is None else int(as_of),
        },
    ).df()


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def by_faculty(
    conn: duckdb.DuckDBPyConnection, code: str, year: int, today: date | None = None
) -> pd.DataFrame:
    """One KPI in ``year`` per faculty: unit_scope, value, target, status.

    Every unit scope other than 'university' with a value or a target that year, sorted
    by unit_scope.
    """
    return conn.execute(
        f"""
        WITH {effective_sql(conn, today)},
        units AS (
            SELECT unit_scope FROM kpi_eff WHERE code = $code AND year = $year
            UNION
            SELECT unit_scope FROM kpi_targets WHERE code = $code AND year = $year
        ),
        dir AS (SELECT any_value(direction) AS direction FROM kpi_definitions
                WHERE code = $code)
        SELECT u.unit_scope, v.value, t.target,
               {status_sql("v.value", "t.target", "dir.direction")} AS status
        FROM units u
        CROSS JOIN dir
        LEFT JOIN kpi_eff v
          ON v.code = $code AND v.year = $year AND v.unit_scope = u.unit_scope
        LEFT JOIN kpi_targets t
          ON t.code = $code AND t.year = $year AND t.unit_scope = u.unit_scope
        WHERE u.unit_scope <> 'university'
        ORDER BY u.unit_scope
        """,
        {"code": str(code), "year": int(year), "margin": AT_RISK_MARGIN},
    ).df()


@reads("kpi_definitions", "kpi_values", "kpi_targets")
def faculty_scorecard(
    conn: duckdb.DuckDBPyConnection, year: int, today: date | None = None
) -> pd.DataFrame:
    """The faculty × KPI matrix of ``year``, one row per cell: every KPI with a faculty
    value that year against every faculty (unit scope) with a value of any KPI.

    Columns: code, name_ky, name_ru, name_en, unit, direction, category, unit_scope, value,
    target, status: ``by_faculty``'s rule (the faculty's value against the faculty's own
    target; 'no_value' where the faculty has no value of that KPI). KPIs in the category
    and code order, faculties by code. Empty when no faculty has a KPI value in ``year``.
    """
    return conn.execute(
        f"""
        WITH {effective_sql(conn, today)},
        measured AS (
            SELECT code, unit_scope FROM kpi_eff
            WHERE year = $year AND unit_scope <> 'university' AND isfinite(value)
        ),
        units AS (SELECT DISTINCT unit_scope FROM measured)
        SELECT d.code, d.name_ky, d.name_ru, d.name_en, d.unit, d.direction, d.category,
               u.unit_scope, v.value, t.target,
               {status_sql("v.value", "t.target", "d.direction")} AS status
        FROM kpi_definitions d
        CROSS JOIN units u
        LEFT JOIN kpi_eff v
          ON v.code = d.code AND v.year = $year AND v.unit_scope = u.unit_scope
        LEFT JOIN kpi_targets t
          ON t.code = d.code AND t.year = $year AND t.unit_scope = u.unit_scope
        WHERE d.code IN (SELECT code FROM measured)
        ORDER BY d.category, d.code, u.unit_scope
        """,
        {"year": int(year), "margin": AT_RISK_MARGIN},
    ).df()


@reads("kpi_definitions", "kpi_values")
def scopes(conn: duckdb.DuckDBPyConnection, code: str, today: date | None = None) -> list[str]:
    """Unit scopes with any value of this KPI: 'university' first, then faculties A–Z."""
    rows = conn.execute(
        f"""
        WITH {effective_sql(conn, today)}
        SELECT DISTINCT unit_scope FROM kpi_eff WHERE code = ?
        ORDER BY unit_scope <> 'university', unit_scope
        """,
        [str(code)],
    ).fetchall()
    return [r[0] for r in rows]


@reads("kpi_definitions", "kpi_values")
def latest_year(conn: duckdb.DuckDBPyConnection, today: date | None = None) -> int | None:
    """The latest year with any university-level KPI value."""
    row = db.first(
        conn.execute(
            f"WITH {effective_sql(conn, today)} "
            "SELECT max(year) FROM kpi_eff WHERE unit_scope = 'university'"
        )
    )
    return None if row is None or row[0] is None else int(row[0])


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def off_track(
    conn: duckdb.DuckDBPyConnection, year: int | None = None, today: date | None = None
) -> pd.DataFrame:
    """University KPIs off track in ``year`` (default: ``latest_year``).

    Columns: code, name_ky, name_ru, name_en, value, target, unit, direction; ordered by
    category, then code (the scorecard's order). Empty when there is no year.
    """
    if year is None:
        year = latest_year(conn, today)
    return conn.execute(
        f"""
        WITH {effective_sql(conn, today)}, {_CARD_CTE}
        SELECT code, name_ky, name_ru, name_en, value, target, unit, direction
        FROM card
        WHERE status = 'off_track'
        ORDER BY category, code
        """,
        _card_params(year, UNIVERSITY),
    ).df()


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def reported_year(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    known: list[int] | None = None,
    today: date | None = None,
) -> int | None:
    """The KPI (calendar) year reported for an academic year, or None without KPI data.

    KPI values of year Y describe academic year Y-1/Y (the demo's exchange counts and the
    ranking editions say so: QS Asia 2026 is the qs_asia_rank KPI of 2026): ``open_year``
    among the KPI years up to that one. ``known``: ``years(conn, today)``, if fetched.
    """
    return open_year(conn, today, known, AcademicYear.parse(academic_year).end_year)


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def open_year(
    conn: duckdb.DuckDBPyConnection,
    today: date | None = None,
    known: list[int] | None = None,
    up_to: int | None = None,
) -> int | None:
    """The KPI year shown first: the latest year (up to ``up_to``) in which most KPIs are
    measured, else the latest year with any KPI; None without KPI data.

    One rule for the KPIs page (the year it opens on), the overview (whose KPIs off track
    it counts) and the deck (``reported_year``): a year just begun is mostly empty.
    """
    candidates = [
        y for y in (years(conn, today) if known is None else known) if up_to is None or y <= up_to
    ]
    for year in candidates:
        counts = status_counts(conn, year, UNIVERSITY, today)
        if counts["no_value"] * 2 < sum(counts.values()):
            return year
    return candidates[0] if candidates else None


@reads("kpi_definitions", "kpi_values")
def faculty_codes(
    conn: duckdb.DuckDBPyConnection, year: int, today: date | None = None
) -> list[str]:
    """KPIs with a measured value for at least two faculties (unit scopes) in ``year``."""
    # Computed KPIs count too: their faculty values come from the warehouse measure.
    rows = conn.execute(
        f"""
        WITH {effective_sql(conn, today)}
        SELECT code FROM kpi_eff
        WHERE year = ? AND unit_scope <> 'university' AND isfinite(value)
        GROUP BY code HAVING count(DISTINCT unit_scope) >= 2 ORDER BY code
        """,
        [int(year)],
    ).fetchall()
    return [r[0] for r in rows]


@reads("kpi_definitions", "kpi_targets", "kpi_values")
def status_counts(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    unit_scope: str = UNIVERSITY,
    today: date | None = None,
) -> dict[str, int]:
    """How many KPI definitions have each status in ``year``: every STATUSES key, in order."""
    rows = conn.execute(
        f"WITH {effective_sql(conn, today)}, {_CARD_CTE} "
        "SELECT status, count(*) FROM card GROUP BY status",
        _card_params(year, unit_scope),
    ).fetchall()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in STATUSES}


# --- links to measures ----------------------------------------------------------------------
def measure_choices(unit: str) -> list[str]:
    """The measures a KPI of ``unit`` may be computed from: those of the same unit."""
    return [name for name, m in msq.MEASURES.items() if m.unit == unit]


@reads("kpi_definitions")
def links(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every KPI link: code, measure, linked_by, linked_at, defined (the KPI still exists),
    by code."""
    return conn.execute(
        """
        SELECT l.code, l.measure, l.linked_by, l.linked_at, d.code IS NOT NULL AS defined
        FROM kpi_measures l LEFT JOIN kpi_definitions d ON d.code = l.code
        ORDER BY l.code
        """
    ).df()


def link(conn: duckdb.DuckDBPyConnection, code: str, measure: str, user: str) -> bool:
    """Compute KPI ``code`` from ``measure`` from now on; False if it already was.

    Refused (LinkError) for an unknown measure, an undefined KPI, or a KPI whose unit is not
    the measure's (a percent measure would read as nonsense in a count KPI). The link, its
    audit row and the data version bump are one transaction.
    """
    code, measure = str(code).strip(), str(measure).strip()
    if measure not in msq.MEASURES:
        raise LinkError("unknown_measure", measure=measure, measures=", ".join(msq.MEASURES))
    unit = msq.MEASURES[measure].unit
    with db.transaction(conn) as tx:
        row = db.first(tx.execute("SELECT unit FROM kpi_definitions WHERE code = ?", [code]))
        if row is None:
            raise LinkError("unknown_kpi", code=code)
        if row[0] != unit:
            raise LinkError(
                "unit_mismatch", code=code, measure=measure, kpi_unit=row[0], measure_unit=unit
            )
        before = db.first(tx.execute("SELECT measure FROM kpi_measures WHERE code = ?", [code]))
        if before is not None and before[0] == measure:
            return False
        tx.execute(
            "INSERT OR REPLACE INTO kpi_measures (code, measure, linked_by, linked_at) "
            "VALUES (?, ?, ?, ?)",
            [code, measure, user, datetime.now()],
        )
        was = f" (was {before[0]})" if before is not None else ""
        db.audit(tx, user, "kpi_linked", f"{code} → {measure}{was}")
        db.bump_data_version(tx)
    return True


def unlink(conn: duckdb.DuckDBPyConnection, code: str, user: str) -> bool:
    """Use KPI ``code``'s uploaded values again; False if it was not linked.

    Refused (LinkError) for a code that is neither defined nor linked.
    """
    code = str(code).strip()
    with db.transaction(conn) as tx:
        before = db.first(tx.execute("SELECT measure FROM kpi_measures WHERE code = ?", [code]))
        if before is None:
            if db.first(tx.execute("SELECT 1 FROM kpi_definitions WHERE code = ?", [code])):
                return False
            raise LinkError("unknown_kpi", code=code)
        tx.execute("DELETE FROM kpi_measures WHERE code = ?", [code])
        db.audit(tx, user, "kpi_unlinked", f"{code} (was {before[0]})")
        db.bump_data_version(tx)
    return True
