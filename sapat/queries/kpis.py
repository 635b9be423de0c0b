"""Strategy KPIs against their targets: scorecard, history, faculty split, status counts."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_value")
# The order in which a scorecard shows statuses: what needs attention first.
SEVERITY = ("off_track", "at_risk", "on_track", "no_target", "no_value")
DIRECTIONS = ("higher_is_better", "lower_is_better")
UNIVERSITY = "university"
# A value missing its target by at most 5 % of |target| is 'at risk', not yet 'off track'.
AT_RISK_MARGIN = 0.05


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
    if not _finite(value):
        return "no_value"
    if not _finite(target):
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


_SEVERITY_SQL = "list_position([{}], {{status}})".format(", ".join(f"'{s}'" for s in SEVERITY))

# One row per KPI definition for ($year, $scope): value, target, status, previous year,
# and the finite values of every year up to $year (oldest first) for a sparkline.
_CARD_CTE = f"""
card AS (
    SELECT d.code, d.name_ky, d.name_ru, d.name_en, d.unit, d.direction, d.category, d.owner,
           cur.value, tgt.target,
           {status_sql("cur.value", "tgt.target", "d.direction")} AS status,
           prev.value AS previous_value,
           cur.value - prev.value AS change,
           coalesce(hist.history, CAST([] AS DOUBLE[])) AS history
    FROM kpi_definitions d
    LEFT JOIN kpi_values cur
      ON cur.code = d.code AND cur.year = $year AND cur.unit_scope = $scope
    LEFT JOIN kpi_targets tgt
      ON tgt.code = d.code AND tgt.year = $year AND tgt.unit_scope = $scope
    LEFT JOIN kpi_values prev
      ON prev.code = d.code AND prev.year = $year - 1 AND prev.unit_scope = $scope
    LEFT JOIN (
        SELECT code, list(value ORDER BY year) AS history
        FROM kpi_values
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


def years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with any KPI value or target (any unit scope), latest first."""
    rows = conn.execute(
        """
        SELECT year FROM kpi_values UNION SELECT year FROM kpi_targets
        ORDER BY year DESC
        """
    ).fetchall()
    return [int(r[0]) for r in rows]


def scorecard(
    conn: duckdb.DuckDBPyConnection, year: int, unit_scope: str = UNIVERSITY
) -> pd.DataFrame:
    """Every KPI definition with its value and target in ``year`` for ``unit_scope``.

    Columns: code, name_ky, name_ru, name_en, unit, direction, category, owner, value,
    target, status (see ``classify``), previous_value (year - 1), change (value -
    previous_value, NaN when either is missing), history (a list of floats: the values of
    every year up to ``year``, oldest first, years without a value skipped; [] if none).
    Sorted by category, then status severity (``SEVERITY``), then code.
    """
    frame = conn.execute(
        f"""
        WITH {_CARD_CTE}
        SELECT * FROM card
        ORDER BY category, {_SEVERITY_SQL.format(status="status")}, code
        """,
        _card_params(year, unit_scope),
    ).df()
    # DuckDB hands lists over as numpy arrays; plain lists suit tables and sparklines.
    frame["history"] = pd.Series(
        [[float(v) for v in h] for h in frame["history"]], index=frame.index, dtype=object
    )
    return frame


def history(
    conn: duckdb.DuckDBPyConnection, code: str, unit_scope: str = UNIVERSITY
) -> pd.DataFrame:
    """One KPI over the years: year, value, target, status, oldest first.

    Every year with a value or a target for ``unit_scope``; the other one is NaN there.
    """
    return conn.execute(
        f"""
        WITH yrs AS (
            SELECT year FROM kpi_values WHERE code = $code AND unit_scope = $scope
            UNION
            SELECT year FROM kpi_targets WHERE code = $code AND unit_scope = $scope
        ),
        dir AS (SELECT any_value(direction) AS direction FROM kpi_definitions
                WHERE code = $code)
        SELECT CAST(y.year AS INTEGER) AS year, v.value, t.target,
               {status_sql("v.value", "t.target", "dir.direction")} AS status
        FROM yrs y
        CROSS JOIN dir
        LEFT JOIN kpi_values v
          ON v.code = $code AND v.year = y.year AND v.unit_scope = $scope
        LEFT JOIN kpi_targets t
          ON t.code = $code AND t.year = y.year AND t.unit_scope = $scope
        ORDER BY y.year
        """,
        {"code": str(code), "scope": str(unit_scope), "margin": AT_RISK_MARGIN},
    ).df()


def by_faculty(conn: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """One KPI in ``year`` per faculty: unit_scope, value, target, status.

    Every unit scope other than 'university' with a value or a target that year, sorted
    by unit_scope.
    """
    return conn.execute(
        f"""
        WITH units AS (
            SELECT unit_scope FROM kpi_values WHERE code = $code AND year = $year
            UNION
            SELECT unit_scope FROM kpi_targets WHERE code = $code AND year = $year
        ),
        dir AS (SELECT any_value(direction) AS direction FROM kpi_definitions
                WHERE code = $code)
        SELECT u.unit_scope, v.value, t.target,
               {status_sql("v.value", "t.target", "dir.direction")} AS status
        FROM units u
        CROSS JOIN dir
        LEFT JOIN kpi_values v
          ON v.code = $code AND v.year = $year AND v.unit_scope = u.unit_scope
        LEFT JOIN kpi_targets t
          ON t.code = $code AND t.year = $year AND t.unit_scope = u.unit_scope
        WHERE u.unit_scope <> 'university'
        ORDER BY u.unit_scope
        """,
        {"code": str(code), "year": int(year), "margin": AT_RISK_MARGIN},
    ).df()


def scopes(conn: duckdb.DuckDBPyConnection, code: str) -> list[str]:
    """Unit scopes with any value of this KPI: 'university' first, then faculties A–Z."""
    rows = conn.execute(
        """
        SELECT DISTINCT unit_scope FROM kpi_values WHERE code = ?
        ORDER BY unit_scope <> 'university', unit_scope
        """,
        [str(code)],
    ).fetchall()
    return [r[0] for r in rows]


def latest_year(conn: duckdb.DuckDBPyConnection) -> int | None:
    """The latest year with any university-level KPI value."""
    row = conn.execute(
        "SELECT max(year) FROM kpi_values WHERE unit_scope = 'university'"
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def off_track(conn: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """University KPIs off track in ``year`` (default: ``latest_year``).

    Columns: code, name_ky, name_ru, name_en, value, target, unit, direction; ordered by
    category, then code (the scorecard's order). Empty when there is no year.
    """
    if year is None:
        year = latest_year(conn)
    return conn.execute(
        f"""
        WITH {_CARD_CTE}
        SELECT code, name_ky, name_ru, name_en, value, target, unit, direction
        FROM card
        WHERE status = 'off_track'
        ORDER BY category, code
        """,
        _card_params(year, UNIVERSITY),
    ).df()


def status_counts(
    conn: duckdb.DuckDBPyConnection, year: int, unit_scope: str = UNIVERSITY
) -> dict[str, int]:
    """How many KPI definitions have each status in ``year``: every STATUSES key, in order."""
    rows = conn.execute(
        f"WITH {_CARD_CTE} SELECT status, count(*) FROM card GROUP BY status",
        _card_params(year, unit_scope),
    ).fetchall()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in STATUSES}


def _finite(x: object) -> bool:
    """A usable number: not None, NaN, ±infinity, pd.NA or a bool."""
    if x is None or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except TypeError:
        return False
