"""The register of agreements: validity, expiry, utilisation by mobility, dormant partners."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from sapat import db
from sapat.academic_year import FIRST_MONTH, start_year_of_date_sql, start_year_sql
from sapat.provenance import reads
from sapat.queries.mobility import NOT_WITHDRAWN

# From no action needed to too late; the register lists the most urgent first (URGENCY).
VALIDITY = ("open_ended", "valid", "expiring", "expired")
URGENCY = ("expiring", "expired", "valid", "open_ended")
# An agreement in force for this many full years, none of its mobility starting in them, is
# dormant, unless the reader asks for another window.
DORMANT_YEARS = 2
# An agreement in force ending within this many months is expiring.
EXPIRING_MONTHS = 6
# The yearly places an agreement grants (whole numbers; NULL when the agreement is silent).
QUOTAS = ("quota_students_out", "quota_students_in", "quota_staff")
# The agreement a mobility is credited to, when several fit: the most specific type first,
# a programme's own agreement, then one made for mobility, then a general one.
SPECIFICITY = (
    "double_degree",
    "joint_program",
    "erasmus_iia",
    "exchange",
    "cooperation",
    "memorandum",
)

# Mobility that happened or is planned (withdrawn applications are not mobility), each row
# with its partner's matching key: the canonical name when a spelling is known in
# `institutions`, else the typed name itself, both in the norm_name form (migration 005).
# The key is computed once per distinct spelling, so the work grows with the spellings; each
# row is its own (n = 1): the day it starts decides its agreement. A row without a start date
# is placed on the first day of its academic year. The rows are joined through `spellings`
# too: read by one query only, DuckDB would push k's norm_name filter down to every row
# (ten times slower on 500,000 rows).
_MOBILITY = f"""
    WITH spellings AS MATERIALIZED (
        SELECT DISTINCT partner_institution FROM mobility WHERE {NOT_WITHDRAWN}
    ),
    k AS MATERIALIZED (
        SELECT d.partner_institution,
               coalesce(i.canonical, trim(d.partner_institution)) AS partner,
               i.canonical,
               norm_name(coalesce(i.canonical, d.partner_institution)) AS pkey
        FROM spellings d
        LEFT JOIN institution_keys i ON i.key = norm_name(d.partner_institution)
        WHERE norm_name(d.partner_institution) <> ''
    )
    SELECT g.academic_year, g.scope, g.partner_country, g.faculty,
           coalesce(g.start_date, make_date(
               CAST({start_year_sql("g.academic_year")} AS INTEGER), {FIRST_MONTH}, 1
           )) AS on_date,
           k.partner, k.canonical, k.pkey, 1 AS n
    FROM mobility g
    JOIN spellings s ON s.partner_institution = g.partner_institution
    JOIN k ON k.partner_institution = g.partner_institution
    WHERE {NOT_WITHDRAWN.replace("status", "g.status")}
"""

_AGREEMENTS = """
    SELECT a.*, k.canonical,
           norm_name(coalesce(k.canonical, a.partner_institution)) AS pkey
    FROM agreements a
    LEFT JOIN institution_keys k ON k.key = norm_name(a.partner_institution)
"""

# In force today: the register says active and the end date (if any) has not passed.
_IN_FORCE = "a.status = 'active' AND (a.valid_until IS NULL OR a.valid_until >= $today)"

# Each mobility row of _MOBILITY credited to at most one agreement with its partner: one
# in force on its start date (signed on or before it, ending on or after it or open-ended;
# a draft never; no signing date known: from the start), of the mobility's faculty or of
# the whole university (an agreement of another faculty does not cover it). The mobility's
# own faculty's agreement first, then the university's, then the most specific type
# (SPECIFICITY), then the latest signed. agreement_id is NULL: mobility without an
# agreement. Every count of agreements' use reads this, so a mobility is never counted for
# two agreements, and the agreements of a partner never carry more than its mobility.
#
# The choice is made once per span of days over which a partner's agreements in force stay
# the same (they change only on a signing day and the day after an end), per faculty the
# partner's mobility has; each mobility row then finds its span. The rule is applied to a
# few hundred spans, not to every row.
_CREDITED = f"""
    WITH m AS MATERIALIZED ({_MOBILITY}),
    a AS (SELECT * FROM ({_AGREEMENTS}) WHERE status <> 'draft'),
    faculties AS (SELECT DISTINCT pkey, faculty FROM m WHERE pkey IN (SELECT pkey FROM a)),
    changes AS (
        SELECT pkey, DATE '0001-01-01' AS day FROM a
        UNION SELECT pkey, signed_date FROM a WHERE signed_date IS NOT NULL
        UNION SELECT pkey, CAST(valid_until + 1 AS DATE) FROM a WHERE valid_until IS NOT NULL
    ),
    spans AS (
        SELECT pkey, day AS first_day,
               lead(day, 1, DATE '9999-12-31') OVER (PARTITION BY pkey ORDER BY day) AS next_day
        FROM changes
    ),
    chosen AS (
        SELECT s.pkey, f.faculty, s.first_day, s.next_day, a.agreement_id
        FROM spans s
        JOIN faculties f ON f.pkey = s.pkey
        JOIN a ON a.pkey = s.pkey
         AND (a.signed_date IS NULL OR a.signed_date <= s.first_day)
         AND (a.valid_until IS NULL OR s.first_day <= a.valid_until)
         AND (a.faculty IS NULL OR f.faculty IS NULL OR a.faculty = f.faculty)
        QUALIFY row_number() OVER (
            PARTITION BY s.pkey, f.faculty, s.first_day
            ORDER BY coalesce(a.faculty = f.faculty, false) DESC, a.faculty IS NULL DESC,
                     list_position([{", ".join(f"'{t}'" for t in SPECIFICITY)}], a.agreement_type),
                     a.signed_date DESC NULLS LAST, a.agreement_id
        ) = 1
    )
    SELECT m.*, c.agreement_id
    FROM m LEFT JOIN chosen c
      ON c.pkey = m.pkey AND c.faculty IS NOT DISTINCT FROM m.faculty
     AND m.on_date >= c.first_day AND m.on_date < c.next_day
"""

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
           status, faculty, signed_date, valid_until, days_left, validity,
           quota_students_out, quota_students_in, quota_staff,
           contact_name, contact_email, website
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
    # What the agreement allows each year (NULL: not stated) and whom to write to.
    *QUOTAS,
    "contact_name",
    "contact_email",
    "website",
)


def like_pattern(text: str) -> str:
    r"""A contains-pattern for ILIKE … ESCAPE '\' matching ``text`` literally (% and _ too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@reads("agreements")
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


@reads("institutions", "agreements")
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
    """The agreements matching the filters, each with its days left, validity, quotas and contacts.

    ``search`` matches, case-insensitively and literally (``%`` and ``_`` are not
    wildcards), the id, partner, country, city, faculty, contact, e-mail and notes, and any
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
               OR a.contact_email ILIKE $search ESCAPE '\\'
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


@reads("agreements")
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


@reads("agreements")
def by_type_status(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Agreements per type and status."""
    return conn.execute(
        """
        SELECT agreement_type, status, count(*) AS agreements
        FROM agreements GROUP BY ALL ORDER BY agreement_type, status
        """
    ).df()


@reads("agreements")
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


@reads("agreements")
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


@reads("mobility", "agreements")
def utilisation(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Mobilities credited to each agreement per academic year (years with none omitted).

    The partner is matched through its known spellings, so mobility typed "KNU" counts for
    an agreement with "Kyrgyz National University named after J. Balasagyn". Each mobility
    counts for at most one agreement (``_CREDITED``): an agreement signed in 2025 carries
    no mobility of 2020, and two agreements with one partner share its mobility.
    """
    return conn.execute(
        f"""
        WITH c AS ({_CREDITED})
        SELECT a.agreement_id, a.partner_institution, c.academic_year,
               sum(c.n)::BIGINT AS mobilities
        FROM c JOIN agreements a ON a.agreement_id = c.agreement_id
        GROUP BY ALL
        ORDER BY a.agreement_id, c.academic_year
        """
    ).df()


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@reads("mobility", "agreements")
def dormant(
    conn: duckdb.DuckDBPyConnection, today: dt.date, years: int = DORMANT_YEARS
) -> pd.DataFrame:
    """Agreements in force today for ``years`` full years, none of their mobility starting in
    those years (from ``today`` minus ``years`` on, planned mobility included).

    Only mobility credited to the agreement counts (``_CREDITED``): its partner's mobility
    under another agreement does not keep it alive. An agreement signed less than ``years``
    years ago is not dormant yet (one without a signing date is taken to be old enough).
    Expired, terminated and draft agreements are never dormant: they are not expected to
    carry mobility. last_mobility_year and mobilities_total: the agreement's own mobility.
    """
    return conn.execute(
        f"""
        WITH c AS ({_CREDITED}),
        per_agreement AS (
            SELECT agreement_id, max(academic_year) AS last_mobility_year,
                   sum(n)::BIGINT AS mobilities_total,
                   coalesce(sum(n) FILTER (WHERE on_date >= $since), 0) AS recent
            FROM c WHERE agreement_id IS NOT NULL GROUP BY agreement_id
        )
        SELECT a.agreement_id, a.partner_institution, a.partner_country, a.agreement_type,
               a.signed_date, a.valid_until, p.last_mobility_year,
               coalesce(p.mobilities_total, 0) AS mobilities_total
        FROM agreements a LEFT JOIN per_agreement p ON p.agreement_id = a.agreement_id
        WHERE {_IN_FORCE} AND (a.signed_date IS NULL OR a.signed_date <= $since)
          AND coalesce(p.recent, 0) = 0
        ORDER BY p.last_mobility_year NULLS FIRST, a.partner_institution, a.agreement_id
        """,
        {"today": today, "since": years_before(today, years)},
    ).df()


@reads("institutions", "mobility", "agreements")
def without_agreement(
    conn: duckdb.DuckDBPyConnection, scope: str | None = "international", year: str | None = None
) -> pd.DataFrame:
    """Mobility without an agreement, per partner: the rows ``_CREDITED`` gives to none (no
    agreement of the partner in force on their start date, or none at all).

    Columns: partner_institution (its canonical name, or its most frequent spelling if
    unknown), partner_country, mobilities, last_year, has_agreement (the partner holds an
    agreement of some status, just none that covers these rows). By default only
    international mobility counts: the register is one of international agreements, and
    domestic partners are not expected in it (``scope=None`` counts all); ``year``: one
    academic year only. Most mobility first.
    """
    return conn.execute(
        f"""
        WITH c AS ({_CREDITED}),
        u AS (
            SELECT * FROM c
            WHERE agreement_id IS NULL AND ($scope IS NULL OR scope = $scope)
              AND ($year IS NULL OR academic_year = $year)
        ),
        spelled AS (SELECT pkey, partner, sum(n) AS n FROM u GROUP BY ALL),
        countries AS (
            SELECT pkey, partner_country, sum(n) AS n FROM u
            WHERE partner_country IS NOT NULL GROUP BY ALL
        )
        SELECT arg_max(s.partner, (s.n, s.partner)) AS partner_institution,
               coalesce(
                   any_value(i.country),
                   (SELECT arg_max(c.partner_country, (c.n, c.partner_country))
                    FROM countries c WHERE c.pkey = s.pkey)
               ) AS partner_country,
               sum(s.n)::BIGINT AS mobilities,
               (SELECT max(academic_year) FROM u u2 WHERE u2.pkey = s.pkey) AS last_year,
               s.pkey IN (SELECT pkey FROM ({_AGREEMENTS})) AS has_agreement
        FROM spelled s
        LEFT JOIN institutions i ON i.name = s.partner
        GROUP BY s.pkey
        ORDER BY mobilities DESC, partner_institution
        """,
        {"scope": scope, "year": year},
    ).df()


@reads("institutions", "mobility", "agreements")
def partners_without_agreement(
    conn: duckdb.DuckDBPyConnection, scope: str | None = "international"
) -> pd.DataFrame:
    """Partners that received or sent mobility but hold no agreement of any status: all
    their mobility is without an agreement (``without_agreement``), so its rows are theirs.

    Columns: partner_institution, partner_country, mobilities, last_year.
    """
    frame = without_agreement(conn, scope)
    return frame[~frame["has_agreement"]].drop(columns="has_agreement").reset_index(drop=True)


@reads("institutions", "mobility", "agreements")
def summary(
    conn: duckdb.DuckDBPyConnection,
    today: dt.date,
    years: int = DORMANT_YEARS,
    months: int = EXPIRING_MONTHS,
) -> dict[str, int]:
    """Headline counts of the page: the same rules as the lists they summarise.

    ``countries``: countries with an agreement in force (``by_country``'s active > 0).
    """
    total, active, countries = db.first(
        conn.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE {_IN_FORCE}),
                   count(DISTINCT partner_country) FILTER (WHERE {_IN_FORCE})
            FROM agreements a
            """,
            {"today": today},
        )
    )
    return {
        "total": int(total),
        "active": int(active),
        "countries": int(countries),
        "expiring": len(expiring(conn, today, months)),
        "dormant": len(dormant(conn, today, years)),
        "without_agreement": len(partners_without_agreement(conn)),
    }
