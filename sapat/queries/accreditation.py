"""Programmes, licences, accreditations and corrective actions: coverage, expiry, watch list."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from sapat import db
from sapat.i18n import LANGUAGES, code_label
from sapat.provenance import reads
from sapat.queries.agreements import like_pattern
from schemas.codes import ACTION_STATUS, LICENSE_STATUS, PROGRAM_LEVEL

# Expiry classes, most urgent first; charts colour them red, amber, yellow.
EXPIRY = ("expired", "within_90", "within_180")
ITEM_KINDS = ("license", "accreditation")
# The statuses under which an item grants (or granted) a licence or an accreditation: only
# these can expire in a way that matters, so only these reach the watch list.
WATCHED_STATUSES = {
    "license": ("active", "expired"),
    "accreditation": ("accredited", "conditional", "expired"),
}
OPEN_ACTION = ("open", "in_progress")

_WITHIN_90 = 90
_WITHIN_180 = 180


def classify_expiry(valid_until: dt.date | None, today: dt.date) -> str | None:
    """The expiry class of an end date seen on ``today`` (one of EXPIRY), or None.

    None when open-ended (no end date) or more than 180 days left; 'expired' once the end
    date has passed; 'within_90' for 0–90 days left (ending today is 0 days left, still in
    force); 'within_180' for 91–180 days left. ``_expiry_case`` is the same rule in SQL.
    """
    if valid_until is None or pd.isna(valid_until):
        return None
    # A datetime (or pandas Timestamp) is a date too, but cannot be subtracted from one.
    if isinstance(valid_until, dt.datetime):
        valid_until = valid_until.date()
    if isinstance(today, dt.datetime):
        today = today.date()
    days_left = (valid_until - today).days
    if days_left < 0:
        return "expired"
    if days_left <= _WITHIN_90:
        return "within_90"
    if days_left <= _WITHIN_180:
        return "within_180"
    return None


def _expiry_case(column: str) -> str:
    """classify_expiry in SQL for a DATE column, against the bound parameter ``$today``."""
    return f"""CASE
        WHEN {column} IS NULL THEN NULL
        WHEN {column} < $today THEN 'expired'
        WHEN datediff('day', $today, {column}) <= {_WITHIN_90} THEN 'within_90'
        WHEN datediff('day', $today, {column}) <= {_WITHIN_180} THEN 'within_180'
    END"""


# Licences and accreditations as one list of items. ``owner`` is what an item belongs to,
# so that a renewal can be matched to the item it replaces: the programme, or for
# institutional items the institution; accreditations also by their kind (a national
# accreditation is not replaced by an international one, nor the reverse).
_ITEMS = """
    SELECT 'license' AS item_kind, l.license_no AS item_id, l.program_code,
           l.issuer AS body, l.status, l.issued_on AS valid_from, l.valid_until,
           coalesce(l.program_code, '') AS owner, '' AS subkind,
           l.status = 'active' AS grants
    FROM licenses l
    UNION ALL
    SELECT 'accreditation', a.accreditation_id, a.program_code,
           a.agency, a.status, a.valid_from, a.valid_until,
           CASE WHEN a.scope = 'institutional' THEN '' ELSE coalesce(a.program_code, '') END,
           a.kind,
           a.status IN ('accredited', 'conditional')
    FROM accreditations a
"""

# In force today: a granting status, started (or no start date) and not yet ended.
_IN_FORCE = """{t}.grants
    AND ({t}.valid_from IS NULL OR {t}.valid_from <= $today)
    AND ({t}.valid_until IS NULL OR {t}.valid_until >= $today)"""

_LICENSE_IN_FORCE = """l.status = 'active' AND l.issued_on <= $today
    AND (l.valid_until IS NULL OR l.valid_until >= $today)"""


def accredited_programs_sql(day: str) -> str:
    """Active programmes (program_code, faculty, level) and whether each is ``accredited``
    on ``day`` (an SQL date expression): an accreditation of the programme, accredited or
    conditional, in force that day.

    The one definition of the accredited share: ``coverage`` (so the summary, the overview
    and the deck) and the accredited_programs_share measure (so its KPI) both read it.
    Suspended and closed programmes are not counted.
    """
    return f"""
        SELECT p.program_code, p.faculty, p.level,
               EXISTS (SELECT 1 FROM accreditations a
                       WHERE a.program_code = p.program_code
                         AND a.status IN ('accredited', 'conditional')
                         AND (a.valid_from IS NULL OR a.valid_from <= {day})
                         AND (a.valid_until IS NULL OR a.valid_until >= {day})) AS accredited
        FROM programs p WHERE p.status = 'active'
    """


@reads("programs", "licenses", "accreditations")
def coverage(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Active programmes and how many are accredited and licensed today: overall, per faculty,
    per level.

    Columns: group_type ('overall' | 'faculty' | 'level'), group_value ('' for overall),
    programs, accredited, licensed, accredited_share, licensed_share (0–1, NULL when the
    group has no programmes; only 'overall' can). Suspended and closed programmes are not
    counted. Levels follow the code order (college … residency), faculties the alphabet.
    """
    return conn.execute(
        f"""
        WITH p AS (
            SELECT c.*,
                   EXISTS (SELECT 1 FROM licenses l
                           WHERE l.program_code = c.program_code
                             AND {_LICENSE_IN_FORCE}) AS licensed
            FROM ({accredited_programs_sql("$today")}) c
        ),
        groups AS (
            SELECT 'overall' AS group_type, '' AS group_value, * EXCLUDE (faculty, level)
            FROM p
            UNION ALL
            SELECT 'faculty', faculty, * EXCLUDE (faculty, level) FROM p
            UNION ALL
            SELECT 'level', level, * EXCLUDE (faculty, level) FROM p
        ),
        counted AS (
            SELECT group_type, group_value,
                   count(program_code) AS programs,
                   count(program_code) FILTER (WHERE accredited) AS accredited,
                   count(program_code) FILTER (WHERE licensed) AS licensed
            FROM groups GROUP BY ALL
        ),
        -- The overall row exists even when there is no programme at all.
        complete AS (
            SELECT * FROM counted
            UNION ALL
            SELECT 'overall', '', 0, 0, 0
            WHERE NOT EXISTS (SELECT 1 FROM counted WHERE group_type = 'overall')
        )
        SELECT group_type, group_value, programs, accredited, licensed,
               CASE WHEN programs > 0 THEN accredited / programs END AS accredited_share,
               CASE WHEN programs > 0 THEN licensed / programs END AS licensed_share
        FROM complete
        ORDER BY list_position(['overall', 'faculty', 'level'], group_type),
                 CASE WHEN group_type = 'level' THEN list_position($levels, group_value) END
                     NULLS LAST,
                 group_value
        """,
        {"today": today, "levels": list(PROGRAM_LEVEL)},
    ).df()


@reads("programs", "licenses", "accreditations")
def timeline(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Every licence and accreditation (of programmes and of the institution) with its dates.

    Columns: item_kind ('license' | 'accreditation'), item_id, program_code (NULL for
    institutional items), name_ky, name_ru, name_en, faculty, body (issuer or agency),
    status, valid_from (a licence's issued_on), valid_until, expiry (classify_expiry of
    valid_until, whatever the status). Institutional items first, then by faculty and
    programme.
    """
    return conn.execute(
        f"""
        WITH i AS ({_ITEMS})
        SELECT i.item_kind, i.item_id, i.program_code, p.name_ky, p.name_ru, p.name_en,
               p.faculty, i.body, i.status, i.valid_from, i.valid_until,
               {_expiry_case("i.valid_until")} AS expiry
        FROM i LEFT JOIN programs p USING (program_code)
        ORDER BY p.faculty NULLS FIRST, i.program_code NULLS FIRST,
                 list_position($kinds, i.item_kind), i.valid_from NULLS LAST, i.item_id
        """,
        {"today": today, "kinds": list(ITEM_KINDS)},
    ).df()


@reads("programs", "licenses", "accreditations")
def watch_list(conn: duckdb.DuckDBPyConnection, today: dt.date, days: int = 180) -> pd.DataFrame:
    """Licences and accreditations that have ended, or end within ``days``, and need action.

    Watched: licences active or expired, accreditations accredited, conditional or expired
    (WATCHED_STATUSES), with an end date: open-ended items never expire. An item is left out
    when it has been renewed: another item of the same kind for the same programme (or the
    institution; for accreditations also national/international alike) is in force today
    and lasts beyond this item's end.

    Columns: item_kind, item_id, program_code, name_ky, name_ru, name_en, faculty, body,
    valid_until, days_left (negative once ended), expiry. Most urgent (fewest days) first.
    """
    statuses = [f"{kind}:{s}" for kind, values in WATCHED_STATUSES.items() for s in values]
    return conn.execute(
        f"""
        WITH i AS ({_ITEMS})
        SELECT i.item_kind, i.item_id, i.program_code, p.name_ky, p.name_ru, p.name_en,
               p.faculty, i.body, i.valid_until,
               datediff('day', $today, i.valid_until) AS days_left,
               {_expiry_case("i.valid_until")} AS expiry
        FROM i LEFT JOIN programs p USING (program_code)
        WHERE list_contains($statuses, i.item_kind || ':' || i.status)
          AND i.valid_until IS NOT NULL
          AND datediff('day', $today, i.valid_until) <= $days
          AND NOT EXISTS (
              SELECT 1 FROM i AS n
              WHERE n.item_kind = i.item_kind AND n.owner = i.owner AND n.subkind = i.subkind
                AND n.item_id <> i.item_id
                AND {_IN_FORCE.format(t="n")}
                AND (n.valid_until IS NULL OR n.valid_until > i.valid_until)
          )
        ORDER BY days_left, list_position($kinds, i.item_kind), i.item_id
        """,
        {"today": today, "days": days, "statuses": statuses, "kinds": list(ITEM_KINDS)},
    ).df()


@reads("accreditations")
def by_agency(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accreditations (programme and institutional) per agency, its kind and their status.

    Columns: agency, kind (national / international), status, accreditations. Busiest agency
    first.
    """
    return conn.execute(
        """
        WITH counted AS (
            SELECT agency, kind, status, count(*) AS accreditations
            FROM accreditations GROUP BY ALL
        )
        SELECT * FROM counted
        ORDER BY sum(accreditations) OVER (PARTITION BY agency) DESC, agency, kind, status
        """
    ).df()


@reads("programs", "accreditations")
def without_accreditation(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Active programmes with no accreditation row at all, not even planned or denied.

    Columns: program_code, name_ky, name_ru, name_en, level, faculty; by faculty and code.
    """
    return conn.execute(
        """
        SELECT p.program_code, p.name_ky, p.name_ru, p.name_en, p.level, p.faculty
        FROM programs p
        WHERE p.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM accreditations a WHERE a.program_code = p.program_code)
        ORDER BY p.faculty, p.program_code
        """
    ).df()


_ACTIONS = """
    SELECT *,
           coalesce(due_date < $today AND list_contains($open, status), false) AS overdue
    FROM action_items
"""


@reads("action_items")
def action_items(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Corrective actions, each marked overdue or not.

    Overdue: due before ``today`` (due today is not overdue yet) and still open or in
    progress. Columns: item_id, source, source_id, recommendation, owner, due_date, status,
    closed_on, overdue (bool), days_overdue (NULL unless overdue). Overdue first (longest
    overdue on top), then by due date.
    """
    return conn.execute(
        f"""
        WITH a AS ({_ACTIONS})
        SELECT item_id, source, source_id, recommendation, owner, due_date, status, closed_on,
               overdue,
               CASE WHEN overdue THEN datediff('day', due_date, $today) END AS days_overdue
        FROM a
        ORDER BY overdue DESC, due_date NULLS LAST, item_id
        """,
        {"today": today, "open": list(OPEN_ACTION)},
    ).df()


@reads("action_items")
def action_summary(conn: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Corrective actions per status, and how many of them are overdue.

    Columns: status, items, overdue; statuses in the code order (open … cancelled).
    """
    return conn.execute(
        f"""
        WITH a AS ({_ACTIONS})
        SELECT status, count(*) AS items, count(*) FILTER (WHERE overdue) AS overdue
        FROM a GROUP BY status
        ORDER BY coalesce(list_position($statuses, status), 999), status
        """,
        {"today": today, "open": list(OPEN_ACTION), "statuses": list(ACTION_STATUS)},
    ).df()


@reads("programs", "licenses", "accreditations", "action_items")
def summary(conn: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, int]:
    """Headline counts of the page: the same rules as the lists they summarise.

    within_90, within_180 and expired count watch_list rows (180 days); within_180 includes
    within_90.
    """
    overall = coverage(conn, today).query("group_type == 'overall'").iloc[0]
    watch = watch_list(conn, today, _WITHIN_180)
    expiry = watch["expiry"]
    overdue = db.first(
        conn.execute(
            f"WITH a AS ({_ACTIONS}) SELECT count(*) FILTER (WHERE overdue) FROM a",
            {"today": today, "open": list(OPEN_ACTION)},
        )
    )[0]
    return {
        "programs": int(overall["programs"]),
        "accredited": int(overall["accredited"]),
        "licensed": int(overall["licensed"]),
        "within_90": int((expiry == "within_90").sum()),
        "within_180": int(expiry.isin(["within_90", "within_180"]).sum()),
        "expired": int((expiry == "expired").sum()),
        "without_accreditation": len(without_accreditation(conn)),
        "overdue_actions": int(overdue),
    }


# --- the licence register -------------------------------------------------------------------
@reads("licenses")
def license_statuses(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The licence statuses present, in the code order (active … expired)."""
    rows = conn.execute("SELECT DISTINCT status FROM licenses").fetchall()
    present = {r[0] for r in rows}
    return [s for s in LICENSE_STATUS if s in present] + sorted(present - set(LICENSE_STATUS))


def _status_hits(text: str) -> list[str]:
    """Licence statuses whose name in any language contains ``text`` (case-insensitive)."""
    wanted = text.casefold()
    return [
        status
        for status in LICENSE_STATUS
        if any(wanted in code_label(status, lang).casefold() for lang in LANGUAGES)
    ]


@reads("faculties", "programs", "licenses")
def license_register(
    conn: duckdb.DuckDBPyConnection,
    today: dt.date,
    search: str = "",
    statuses: tuple = (),
) -> pd.DataFrame:
    """Every licence, the programme it licenses and its expiry class on ``today``.

    ``search`` matches, case-insensitively in any script and literally (``%`` and ``_`` are
    not wildcards), the licence number, the issuer, the programme's code and names, the
    faculty's code and names, and the status's name in any language. ``statuses`` keeps
    those statuses only; empty tuples and an empty search do not filter.

    Columns, what a reader needs first first (a laptop screen shows them without scrolling):
    license_no, name_ky, name_ru, name_en, faculty, status, issued_on, valid_until, expiry
    (classify_expiry of valid_until, whatever the status; NULL when open-ended or more than
    180 days away), program_code (NULL: the institutional licence), issuer (mostly the same
    ministry).
    The institutional licence first, then by faculty, programme and issue date.
    """
    text = search.strip()
    return conn.execute(
        f"""
        SELECT l.license_no, p.name_ky, p.name_ru, p.name_en, p.faculty, l.status,
               l.issued_on, l.valid_until, {_expiry_case("l.valid_until")} AS expiry,
               l.program_code, l.issuer
        FROM licenses l
        LEFT JOIN programs p USING (program_code)
        LEFT JOIN faculties f ON f.code = p.faculty
        WHERE (len($statuses) = 0 OR list_contains($statuses, l.status))
          AND ($search = '%%'
               OR list_contains($status_hits, l.status)
               OR list_bool_or(list_transform(
                      [l.license_no, l.issuer, l.program_code, p.name_ky, p.name_ru,
                       p.name_en, p.faculty, f.name_ky, f.name_ru, f.name_en, f.short_ky,
                       f.short_ru, f.short_en],
                      lambda s: coalesce(s ILIKE $search ESCAPE '\\', false))))
        ORDER BY l.program_code IS NOT NULL, p.faculty NULLS FIRST, l.program_code,
                 l.issued_on, l.license_no
        """,
        {
            "today": today,
            "search": like_pattern(text),
            "statuses": [str(s) for s in statuses],
            "status_hits": _status_hits(text) if text else [],
        },
    ).df()
