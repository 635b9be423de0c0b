"""The register of agreements: validity, expiry, utilisation by mobility, dormant partners."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from sapat import db
from sapat.academic_year import AcademicYear, start_year_of_date_sql, start_year_sql
from sapat.queries.mobility import NOT_WITHDRAWN

# From no action needed to too late; the register lists the most urgent first (URGENCY).
VALIDITY = ("open_ended", "valid", "expiring", "expired")
URGENCY = ("expiring", "expired", "valid", "open_ended")
# An agreement in force with no mobility in this many academic years (the current one
# included) is dormant, unless the reader asks for another window.
DORMANT_YEARS = 2
# An agreement in force ending within this many months is expiring.
EXPIRING_MONTHS = 6

# Mobility that happened or is planned (withdrawn applications are not mobility), each row
# with its partner's matching key: the canonical name when a spelling is known in
# `institutions`, else the typed name itself, both in the norm_name form (migration 005).
# Rows are counted per spelling, year, scope and country first (n), and the key is computed
# once per distinct spelling: the work no longer grows with the number of mobility rows.
_MOBILITY = f"""
    WITH g AS MATERIALIZED (
        SELECT partner_institution, academic_year, scope, partner_country, count(*) AS n
        FROM mobility WHERE {NOT_WITHDRAWN} GROUP BY ALL
    ),
    k AS MATERIALIZED (
        SELECT d.partner_institution,
               coalesce(i.canonical, trim(d.partner_institution)) AS partner,
               i.canonical,
               norm_name(coalesce(i.canonical, d.partner_institution)) AS pkey
        FROM (SELECT DISTINCT partner_institution FROM g) d
        LEFT JOIN institution_keys i ON i.key = norm_name(d.partner_institution)
        WHERE norm_name(d.partner_institution) <> ''
    )
    SELECT g.academic_year, g.scope, g.partner_country,
           {start_year_sql("g.academic_year")} AS year_start,
           k.partner, k.canonical, k.pkey, g.n
    FROM g JOIN k ON k.partner_institution = g.partner_institution
"""

_AGREEMENTS = """
    SELECT a.*, k.canonical,
           norm_name(coalesce(k.canonical, a.partner_institution)) AS pkey
    FROM agreements a
    LEFT JOIN institution_keys k ON k.key = norm_name(a.partner_institution)
"""

# In force today: the register says active and the end date (if any) has not passed.
_IN_FORCE = "a.status = 'active' AND (a.valid_until IS NULL OR a.valid_until >= $today)"

# Validity reads the dates; 'expiring' is kept for agreements in force (status active), so the
# register's expiring rows are exactly expiring(); an agreement the register calls expired or
# terminated is 'expired' whatever its end date says.
_REGISTER = f"""
    WITH a AS ({_AGREEMENTS}),
    r AS (
        SELECT a.*,
               datediff('day', $today, a.valid_until) AS days_left,
               CASE
                   WHEN a.status IN ('expired', 'terminated') OR a.valid_until < $today
                       THEN 'expired'
                   WHEN a.valid_until IS NULL THEN 'open_ended'
                   WHEN a.status = 'active'
                        AND a.valid_until <= CAST($today + to_months($months) AS DATE)
                       THEN 'expiring'
                   ELSE 'valid'
               END AS validity
        FROM a
    )
    SELECT agreement_id, partner_institution, partner_country, partner_city, agreement_type,
           status, faculty, signed_date, valid_until, days_left, validity
    FROM r
"""

_COLUMNS = (
    "agreement_id",
    "partner_institution",
    "partner_country",
    "partner_city",
    "agreement_type",
    "status",
    "faculty",
    "signed_date",
    "valid_until",
    "days_left",
    "validity",
)


def like_pattern(text: str) -> str:
    r"""A contains-pattern for ILIKE … ESCAPE '\' matching ``text`` literally (% and _ too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def options(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The values present in the register for each filter, sorted."""

    def distinct(column: str) -> list:
        rows = conn.execute(
            f"SELECT DISTINCT {column} FROM agreements WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    return {
        "statuses": distinct("status"),
        "types": distinct("agreement_type"),
        "countries": distinct("partner_country"),
        "faculties": distinct("faculty"),
    }


def register(
    conn: duckdb.DuckDBPyConnection,
    today: dt.date,
    search: str = "",
    statuses: tuple = (),
    types: tuple = (),
    countries: tuple = (),
    faculties: tuple = (),
    months: int = EXPIRING_MONTHS,
) -> pd.DataFrame:
    """The agreements matching the filters, each with its days left and validity.

    ``search`` matches, case-insensitively and literally (``%`` and ``_`` are not
    wildcards), the id, partner, country, city, faculty, contact and notes, and also any
    known spelling of the partner (so "KNU" finds the register's full name). An empty filter
    tuple does not filter. Sorted most urgent first (URGENCY), then by partner.
    """
    text = search.strip()
    return conn.execute(
        f"""
        WITH reg AS ({_REGISTER}),
        spellings AS (
            SELECT k.canonical, list(DISTINCT s) AS names
            FROM institution_keys k
            JOIN (SELECT name, unnest(list_prepend(name, coalesce(aliases, []))) AS s
                  FROM institutions) i ON i.name = k.canonical
            GROUP BY k.canonical
        )
        SELECT reg.*
        FROM reg
        JOIN agreements a USING (agreement_id)
        LEFT JOIN institution_keys k ON k.key = norm_name(a.partner_institution)
        LEFT JOIN spellings sp ON sp.canonical = k.canonical
        WHERE (len($statuses) = 0 OR list_contains($statuses, reg.status))
          AND (len($types) = 0 OR list_contains($types, reg.agreement_type))
          AND (len($countries) = 0 OR list_contains($countries, reg.partner_country))
          AND (len($faculties) = 0 OR list_contains($faculties, reg.faculty))
          AND ($search = '%%'
               OR a.agreement_id ILIKE $search ESCAPE '\\'
               OR a.partner_institution ILIKE $search ESCAPE '\\'
               OR a.partner_country ILIKE $search ESCAPE '\\'
               OR a.partner_city ILIKE $search ESCAPE '\\'
               OR a.faculty ILIKE $search ESCAPE '\\'
               OR a.contact_name ILIKE $search ESCAPE '\\'
               OR a.notes ILIKE $search ESCAPE '\\'
               OR list_bool_or(list_transform(sp.names, lambda s: s ILIKE $search ESCAPE '\\')))
        ORDER BY list_position($urgency, reg.validity), reg.partner_institution,
                 reg.agreement_id
        """,
        {
            "today": today,
            "months": months,
            "search": like_pattern(text),
            "statuses": _strings(statuses),
            "types": _strings(types),
            "countries": _strings(countries),
            "faculties": _strings(faculties),
            "urgency": list(URGENCY),
        },
    ).df()


def _strings(values: tuple) -> list[str]:
    # A typed (VARCHAR[]) list even when empty: DuckDB cannot infer the type of [].
    return [str(v) for v in values]


def expiring(
    conn: duckdb.DuckDBPyConnection, today: dt.date, months: int = EXPIRING_MONTHS
) -> pd.DataFrame:
    """Active agreements ending between today and today + ``months`` (both included)."""
    return conn.execute(
        f"""
        SELECT * FROM ({_REGISTER}) WHERE validity = 'expiring'
        ORDER BY days_left, partner_institution, agreement_id
        """,
        {"today": today, "months": months},
    ).df()


def by_type_status(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Agreements per type and status."""
    return conn.execute(
        """
        SELECT agreement_type, status, count(*) AS agreements
        FROM agreements GROUP BY ALL ORDER BY agreement_type, status
        """
    ).df()


def signed(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every agreement's partner, signing date and the academic year it was signed in.

    Columns: agreement_id, partner_institution, signed_date, year_start (the first calendar
    year of that academic year, as ``AcademicYear.of``; NULL without a date). ``register``
    has the dates too, but matches every known spelling of the partner for its search, which a
    count of signatures does not need.
    """
    return conn.execute(
        f"""
        SELECT agreement_id, partner_institution, signed_date,
               {start_year_of_date_sql("signed_date")} AS year_start
        FROM agreements
        """
    ).df()


def by_country(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Agreements per partner country, and how many of them are in force today."""
    return conn.execute(
        f"""
        SELECT a.partner_country, count(*) AS agreements,
               count(*) FILTER (WHERE {_IN_FORCE}) AS active
        FROM agreements a
        GROUP BY a.partner_country
        ORDER BY agreements DESC, active DESC, a.partner_country
        """,
        {"today": today},
    ).df()


def utilisation(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Mobilities with each agreement's partner per academic year (years with none omitted).

    The partner is matched through its known spellings, so mobility typed "KNU" counts for
    an agreement with "Kyrgyz National University named after J. Balasagyn". Two agreements
    with the same partner both count that partner's mobility.
    """
    return conn.execute(
        f"""
        WITH a AS ({_AGREEMENTS}), m AS ({_MOBILITY})
        SELECT a.agreement_id, a.partner_institution, m.academic_year,
               sum(n)::BIGINT AS mobilities
        FROM a JOIN m ON m.pkey = a.pkey
        GROUP BY ALL
        ORDER BY a.agreement_id, m.academic_year
        """
    ).df()


def dormant(
    conn: duckdb.DuckDBPyConnection, today: dt.date, years: int = DORMANT_YEARS
) -> pd.DataFrame:
    """Agreements in force today with no mobility in the last ``years`` academic years.

    The window ends with the academic year of ``today`` (2026-11-21 is in 2026-2027), so
    ``years=2`` looks at 2025-2026 and 2026-2027. Expired, terminated and draft agreements
    are never dormant: they are not expected to carry mobility.
    """
    last = AcademicYear.of(today).start_year
    return conn.execute(
        f"""
        WITH a AS ({_AGREEMENTS}), m AS ({_MOBILITY}),
        per_partner AS (
            SELECT pkey, max(academic_year) AS last_mobility_year, sum(n)::BIGINT AS mobilities_total,
                   coalesce(sum(n) FILTER (WHERE year_start BETWEEN $first AND $last), 0) AS recent
            FROM m GROUP BY pkey
        )
        SELECT a.agreement_id, a.partner_institution, a.partner_country, a.agreement_type,
               a.signed_date, a.valid_until, p.last_mobility_year,
               coalesce(p.mobilities_total, 0) AS mobilities_total
        FROM a LEFT JOIN per_partner p ON p.pkey = a.pkey
        WHERE {_IN_FORCE} AND coalesce(p.recent, 0) = 0
        ORDER BY p.last_mobility_year NULLS FIRST, a.partner_institution, a.agreement_id
        """,
        {"today": today, "first": last - years + 1, "last": last},
    ).df()


def partners_without_agreement(
    conn: duckdb.DuckDBPyConnection, scope: str | None = "international"
) -> pd.DataFrame:
    """Partners that received or sent mobility but hold no agreement of any status.

    By default only international mobility counts: the register is one of international
    agreements, and domestic partners are not expected in it (``scope=None`` counts all).
    The partner is shown by its canonical name, or its most frequent spelling if unknown.
    """
    return conn.execute(
        f"""
        WITH m AS ({_MOBILITY}),
        a AS ({_AGREEMENTS}),
        spelled AS (
            SELECT pkey, partner, sum(m.n) AS n FROM m
            WHERE $scope IS NULL OR m.scope = $scope GROUP BY ALL
        ),
        countries AS (
            SELECT pkey, partner_country, sum(m.n) AS n FROM m
            WHERE ($scope IS NULL OR m.scope = $scope) AND partner_country IS NOT NULL
            GROUP BY ALL
        )
        SELECT arg_max(s.partner, (s.n, s.partner)) AS partner_institution,
               coalesce(
                   any_value(i.country),
                   (SELECT arg_max(c.partner_country, (c.n, c.partner_country))
                    FROM countries c WHERE c.pkey = s.pkey)
               ) AS partner_country,
               sum(s.n)::BIGINT AS mobilities,
               (SELECT max(academic_year) FROM m m2
                WHERE m2.pkey = s.pkey AND ($scope IS NULL OR m2.scope = $scope)) AS last_year
        FROM spelled s
        LEFT JOIN institutions i ON i.name = s.partner
        WHERE s.pkey NOT IN (SELECT pkey FROM a)
        GROUP BY s.pkey
        ORDER BY mobilities DESC, partner_institution
        """,
        {"scope": scope},
    ).df()


def summary(
    conn: duckdb.DuckDBPyConnection,
    today: dt.date,
    years: int = DORMANT_YEARS,
    months: int = EXPIRING_MONTHS,
) -> dict[str, int]:
    """Headline counts of the page: the same rules as the lists they summarise."""
    total, active = db.first(
        conn.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {_IN_FORCE}) FROM agreements a",
            {"today": today},
        )
    )
    return {
        "total": int(total),
        "active": int(active),
        "expiring": len(expiring(conn, today, months)),
        "dormant": len(dormant(conn, today, years)),
        "without_agreement": len(partners_without_agreement(conn)),
    }
