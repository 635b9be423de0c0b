"""Queries of the accreditation page: expiry classes, coverage, watch list, corrective actions."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from sapat.queries import accreditation as acq
from tests.factories import insert

TODAY = dt.date(2026, 11, 21)
MINISTRY = "Ministry of Education"


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def add_program(
    conn, code: str, *, faculty: str = "ECON", level: str = "bachelor", status: str = "active"
) -> None:
    names = {f"name_{lang}": f"{code} {lang}" for lang in ("ky", "ru", "en")}
    insert(
        conn,
        "programs",
        program_code=code,
        **names,
        level=level,
        faculty=faculty,
        language="ky",
        status=status,
    )


def add_license(
    conn,
    license_no: str,
    program: str | None,
    *,
    valid_until: dt.date | None = None,
    status: str = "active",
    issued: dt.date = dt.date(2015, 1, 10),
    issuer: str = MINISTRY,
) -> None:
    insert(
        conn,
        "licenses",
        license_no=license_no,
        program_code=program,
        issued_on=issued,
        valid_until=valid_until,
        issuer=issuer,
        status=status,
    )


def add_accreditation(
    conn,
    accreditation_id: str,
    program: str | None,
    *,
    status: str = "accredited",
    valid_until: dt.date | None = None,
    valid_from: dt.date | None = dt.date(2022, 1, 1),
    agency: str = "EdNet",
    kind: str = "national",
) -> None:
    scope = "institutional" if program is None else "program"
    insert(
        conn,
        "accreditations",
        accreditation_id=accreditation_id,
        scope=scope,
        program_code=program,
        agency=agency,
        agency_country="Kyrgyzstan",
        kind=kind,
        status=status,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def add_action(
    conn, item_id: str, *, due: dt.date | None, status: str = "open", closed: dt.date | None = None
) -> None:
    insert(
        conn,
        "action_items",
        item_id=item_id,
        source_id="ACC-1",
        owner="Dean",
        due_date=due,
        status=status,
        closed_on=closed,
    )


# --- expiry classes ----------------------------------------------------------------------

BOUNDARIES = [
    (days(-1), "expired"),  # ended yesterday
    (days(-400), "expired"),
    (days(0), "within_90"),  # ends today: 0 days left, still in force
    (days(1), "within_90"),
    (days(90), "within_90"),
    (days(91), "within_180"),
    (days(180), "within_180"),
    (days(181), None),
    (days(5000), None),
    (None, None),  # open-ended never expires
]


@pytest.mark.parametrize(("valid_until", "expected"), BOUNDARIES)
def test_classify_expiry_boundaries(valid_until, expected):
    assert acq.classify_expiry(valid_until, TODAY) == expected


def test_classify_expiry_accepts_timestamps_and_missing_values():
    assert acq.classify_expiry(pd.Timestamp(days(90)), TODAY) == "within_90"
    assert acq.classify_expiry(dt.datetime(2026, 11, 20, 23, 59), TODAY) == "expired"
    assert acq.classify_expiry(pd.NaT, TODAY) is None
    assert set(acq.EXPIRY) == {e for _, e in BOUNDARIES if e}


def test_sql_expiry_case_agrees_with_python(conn):
    dates = [d for d, _ in BOUNDARIES] + [days(n) for n in range(-3, 200, 7)]
    got = conn.execute(
        f"SELECT d, {acq._expiry_case('d')} FROM (SELECT unnest($dates::DATE[]) AS d)",
        {"dates": dates, "today": TODAY},
    ).fetchall()
    assert len(got) == len(dates)
    for day, sql in got:
        assert sql == acq.classify_expiry(day, TODAY), day


def test_timeline_and_watch_list_classify_like_python(conn):
    for i, (until, _) in enumerate(BOUNDARIES):
        add_program(conn, f"P{i}")
        add_accreditation(conn, f"A{i}", f"P{i}", valid_until=until, valid_from=None)
        add_license(conn, f"L{i}", f"P{i}", valid_until=until)
    timeline = acq.timeline(conn, TODAY)
    assert len(timeline) == 2 * len(BOUNDARIES)
    for row in timeline.itertuples():
        until = None if pd.isna(row.valid_until) else row.valid_until.date()
        expected = acq.classify_expiry(until, TODAY)
        assert (None if pd.isna(row.expiry) else row.expiry) == expected, row
    watch = acq.watch_list(conn, TODAY)
    for row in watch.itertuples():
        assert row.expiry == acq.classify_expiry(row.valid_until.date(), TODAY)
        assert row.days_left == (row.valid_until.date() - TODAY).days


# --- coverage ----------------------------------------------------------------------------


def test_coverage_by_faculty_and_level(conn):
    add_program(conn, "E1", faculty="ECON", level="bachelor")
    add_program(conn, "E2", faculty="ECON", level="master")
    add_program(conn, "E3", faculty="ECON", level="bachelor", status="suspended")
    add_program(conn, "M1", faculty="MATH", level="bachelor")
    add_program(conn, "M2", faculty="MATH", level="phd", status="closed")
    add_accreditation(conn, "A1", "E1", valid_until=days(400))
    add_accreditation(conn, "A2", "E2", status="conditional", valid_until=days(10))
    add_accreditation(conn, "A3", "E3", valid_until=days(400))  # suspended programme
    add_accreditation(conn, "A4", "M1", status="expired", valid_until=days(-5))
    add_accreditation(conn, "A5", "M1", status="site_visit", valid_from=None)
    add_accreditation(conn, "A6", "M2", valid_until=days(400))  # closed programme
    add_license(conn, "L1", "E1")  # open-ended
    add_license(conn, "L2", "E2", valid_until=days(0))  # last day: still in force
    add_license(conn, "L3", "M1", valid_until=days(-1), status="expired")
    add_license(conn, "L4", "E3")
    add_license(conn, "L0", None)  # institutional: not a programme's licence

    cov = acq.coverage(conn, TODAY)
    assert list(cov.columns) == [
        "group_type",
        "group_value",
        "programs",
        "accredited",
        "licensed",
        "accredited_share",
        "licensed_share",
    ]
    assert list(cov["group_type"]) == ["overall", "faculty", "faculty", "level", "level"]
    rows = {(r.group_type, r.group_value): r for r in cov.itertuples()}
    overall = rows[("overall", "")]
    assert (overall.programs, overall.accredited, overall.licensed) == (3, 2, 2)
    assert overall.accredited_share == pytest.approx(2 / 3)
    econ, math = rows[("faculty", "ECON")], rows[("faculty", "MATH")]
    assert (econ.programs, econ.accredited, econ.licensed) == (2, 2, 2)
    assert econ.accredited_share == 1.0 and econ.licensed_share == 1.0
    assert (math.programs, math.accredited, math.licensed) == (1, 0, 0)
    assert math.accredited_share == 0.0
    bachelor, master = rows[("level", "bachelor")], rows[("level", "master")]
    assert (bachelor.programs, bachelor.accredited, bachelor.licensed) == (2, 1, 1)
    assert (master.programs, master.accredited) == (1, 1)  # the conditional accreditation
    assert ("level", "phd") not in rows  # only a closed programme


def test_coverage_needs_the_accreditation_in_force_today(conn):
    add_program(conn, "P1")
    add_program(conn, "P2")
    add_program(conn, "P3")
    add_accreditation(conn, "A1", "P1", valid_from=days(1), valid_until=days(1000))  # not yet
    add_accreditation(conn, "A2", "P2", valid_from=TODAY, valid_until=TODAY)  # one day
    add_accreditation(conn, "A3", "P3", valid_from=None, valid_until=None)  # open-ended
    add_license(conn, "L1", "P1", issued=days(1))  # issued tomorrow
    add_license(conn, "L2", "P2", status="suspended")
    add_license(conn, "L3", "P3", issued=TODAY)
    overall = acq.coverage(conn, TODAY).iloc[0]
    assert (overall.programs, overall.accredited, overall.licensed) == (3, 2, 1)


def test_coverage_of_an_empty_warehouse_has_an_overall_row_without_shares(conn):
    cov = acq.coverage(conn, TODAY)
    assert len(cov) == 1
    row = cov.iloc[0]
    assert (row.group_type, row.group_value, row.programs) == ("overall", "", 0)
    assert pd.isna(row.accredited_share) and pd.isna(row.licensed_share)


def test_coverage_levels_follow_the_code_order(conn):
    for code, level in [("R", "residency"), ("B", "bachelor"), ("C", "college"), ("M", "master")]:
        add_program(conn, code, level=level)
    levels = acq.coverage(conn, TODAY).query("group_type == 'level'")["group_value"]
    assert list(levels) == ["college", "bachelor", "master", "residency"]


# --- timeline ----------------------------------------------------------------------------


def test_timeline_lists_every_item_with_institutional_ones_first(conn):
    add_program(conn, "B1", faculty="MATH")
    add_program(conn, "A1", faculty="ECON")
    add_license(conn, "L-INST", None, issued=dt.date(2019, 6, 14))
    add_license(conn, "L-A1", "A1", valid_until=days(30), issued=dt.date(2021, 3, 1))
    add_accreditation(conn, "ACC-INST", None, agency="IAAR", valid_until=days(100))
    add_accreditation(conn, "ACC-A1", "A1", status="planned", valid_from=None)
    add_accreditation(conn, "ACC-B1", "B1", valid_until=days(-3))
    tl = acq.timeline(conn, TODAY)
    assert list(tl.columns) == [
        "item_kind",
        "item_id",
        "program_code",
        "name_ky",
        "name_ru",
        "name_en",
        "faculty",
        "body",
        "status",
        "valid_from",
        "valid_until",
        "expiry",
    ]
    assert list(tl["item_id"]) == ["L-INST", "ACC-INST", "L-A1", "ACC-A1", "ACC-B1"]
    lic = tl.set_index("item_id").loc["L-A1"]
    assert lic.item_kind == "license" and lic.body == MINISTRY
    assert lic.valid_from == pd.Timestamp(2021, 3, 1)  # the licence's issued_on
    assert (lic.name_en, lic.faculty, lic.expiry) == ("A1 en", "ECON", "within_90")
    inst = tl.set_index("item_id").loc["ACC-INST"]
    assert pd.isna(inst.program_code) and inst.body == "IAAR" and inst.expiry == "within_180"
    assert pd.isna(tl.set_index("item_id").loc["ACC-A1"].expiry)


# --- watch list --------------------------------------------------------------------------


def test_watch_list_drops_a_renewed_accreditation(conn):
    add_program(conn, "P1")
    add_program(conn, "P2")
    # P1: the old cycle expired, the renewal is in force: nothing to do.
    add_accreditation(conn, "OLD", "P1", status="expired", valid_until=days(-30))
    add_accreditation(conn, "NEW", "P1", valid_from=days(-29), valid_until=days(1800))
    # P2: the accreditation ends soon and its renewal starts only tomorrow: still listed.
    add_accreditation(conn, "ENDING", "P2", valid_until=days(60))
    add_accreditation(conn, "NEXT", "P2", valid_from=days(61), valid_until=days(1900))
    watch = acq.watch_list(conn, TODAY)
    assert list(watch["item_id"]) == ["ENDING"]
    assert watch.iloc[0].days_left == 60 and watch.iloc[0].expiry == "within_90"


def test_watch_list_renewal_must_be_of_the_same_kind_and_owner(conn):
    add_program(conn, "P1")
    add_program(conn, "P2")
    add_accreditation(conn, "NAT", "P1", valid_until=days(20))
    # An international accreditation does not renew a national one.
    add_accreditation(conn, "INTL", "P1", agency="FIBAA", kind="international", valid_until=None)
    # A licence does not renew an accreditation, nor another programme's accreditation.
    add_license(conn, "LIC", "P1")
    add_accreditation(conn, "P2-ACC", "P2", valid_until=days(3000))
    # Institutional: an expired cycle renewed by the current one; a licence renewed too.
    add_accreditation(conn, "INST-OLD", None, status="expired", valid_until=days(-100))
    add_accreditation(conn, "INST-NOW", None, valid_until=days(150))
    add_license(conn, "LIC-INST-OLD", None, status="expired", valid_until=days(-5))
    add_license(conn, "LIC-INST", None, issued=days(-4))
    watch = acq.watch_list(conn, TODAY)
    assert list(watch["item_id"]) == ["NAT", "INST-NOW"]
    assert watch.set_index("item_id").loc["INST-NOW"].expiry == "within_180"
    assert pd.isna(watch.set_index("item_id").loc["INST-NOW"].program_code)


def test_watch_list_never_lists_open_ended_or_ungranted_items(conn):
    add_program(conn, "P1")
    add_license(conn, "OPEN", "P1")  # open-ended active licence
    add_license(conn, "OPEN-EXP", "P1", status="expired")  # expired but no end date
    add_license(conn, "REVOKED", "P1", status="revoked", valid_until=days(-10))
    add_license(conn, "SUSPENDED", "P1", status="suspended", valid_until=days(10))
    add_accreditation(conn, "OPEN-ACC", "P1", valid_until=None)
    # Ends soon, but the open-ended accreditation in force outlasts it.
    add_accreditation(conn, "ENDING", "P1", valid_until=days(10))
    add_accreditation(conn, "DENIED", "P1", status="denied", valid_until=days(10))
    add_accreditation(conn, "PLANNED", "P1", status="planned", valid_until=days(10))
    add_program(conn, "P2")
    add_accreditation(conn, "LATER", "P2", status="conditional", valid_until=days(181))
    assert acq.watch_list(conn, TODAY).empty
    assert list(acq.watch_list(conn, TODAY, days=181)["item_id"]) == ["LATER"]
    later = acq.watch_list(conn, TODAY, days=181).iloc[0]
    assert pd.isna(later.expiry)  # beyond 180 days: no expiry class


def test_watch_list_columns_and_order(conn):
    add_program(conn, "P1", faculty="LAW")
    add_program(conn, "P2")
    add_license(conn, "L1", "P1", status="expired", valid_until=days(-40))
    add_accreditation(conn, "A1", "P2", valid_until=days(100))
    add_accreditation(conn, "A2", "P1", status="conditional", valid_until=days(5))
    watch = acq.watch_list(conn, TODAY)
    assert list(watch.columns) == [
        "item_kind",
        "item_id",
        "program_code",
        "name_ky",
        "name_ru",
        "name_en",
        "faculty",
        "body",
        "valid_until",
        "days_left",
        "expiry",
    ]
    assert list(watch["item_id"]) == ["L1", "A2", "A1"]
    assert list(watch["days_left"]) == [-40, 5, 100]
    assert list(watch["expiry"]) == ["expired", "within_90", "within_180"]
    assert list(watch["item_kind"]) == ["license", "accreditation", "accreditation"]
    assert watch.iloc[0].faculty == "LAW" and watch.iloc[0].body == MINISTRY
    assert list(acq.watch_list(conn, TODAY, days=30)["item_id"]) == ["L1", "A2"]


# --- without accreditation, agencies ---------------------------------------------------


def test_without_accreditation(conn):
    add_program(conn, "NONE-B", faculty="MATH", level="phd")
    add_program(conn, "NONE-A", faculty="ECON", level="residency")
    add_program(conn, "PLANNED")
    add_program(conn, "DENIED")
    add_program(conn, "SUSP", status="suspended")
    add_accreditation(conn, "A1", "PLANNED", status="planned", valid_from=None)
    add_accreditation(conn, "A2", "DENIED", status="denied", valid_from=None)
    add_accreditation(conn, "A3", None)  # institutional accreditation covers no programme
    frame = acq.without_accreditation(conn)
    assert list(frame.columns) == [
        "program_code",
        "name_ky",
        "name_ru",
        "name_en",
        "level",
        "faculty",
    ]
    assert list(frame["program_code"]) == ["NONE-A", "NONE-B"]
    assert list(frame["level"]) == ["residency", "phd"]


def test_by_agency(conn):
    add_program(conn, "P1")
    add_accreditation(conn, "A1", "P1", agency="IAAR")
    add_accreditation(conn, "A2", "P1", agency="IAAR", status="expired")
    add_accreditation(conn, "A3", None, agency="IAAR")
    add_accreditation(conn, "A4", "P1", agency="FIBAA", kind="international")
    frame = acq.by_agency(conn)
    assert list(frame.columns) == ["agency", "kind", "status", "accreditations"]
    assert frame.values.tolist() == [
        ["IAAR", "national", "accredited", 2],
        ["IAAR", "national", "expired", 1],
        ["FIBAA", "international", "accredited", 1],
    ]


# --- corrective actions ------------------------------------------------------------------


def test_action_items_overdue_boundary(conn):
    add_action(conn, "DUE-TODAY", due=TODAY)
    add_action(conn, "DUE-YESTERDAY", due=days(-1))
    add_action(conn, "LONG-AGO", due=days(-100), status="in_progress")
    add_action(conn, "DONE-LATE", due=days(-50), status="done", closed=days(-10))
    add_action(conn, "CANCELLED", due=days(-30), status="cancelled")
    add_action(conn, "NO-DATE", due=None)
    add_action(conn, "LATER", due=days(20), status="in_progress")
    frame = acq.action_items(conn, TODAY)
    assert list(frame.columns) == [
        "item_id",
        "source",
        "source_id",
        "recommendation",
        "owner",
        "due_date",
        "status",
        "closed_on",
        "overdue",
        "days_overdue",
    ]
    assert list(frame["item_id"]) == [
        "LONG-AGO",
        "DUE-YESTERDAY",
        "DONE-LATE",
        "CANCELLED",
        "DUE-TODAY",
        "LATER",
        "NO-DATE",
    ]
    by_id = frame.set_index("item_id")
    assert frame["overdue"].dtype == bool
    assert by_id.loc["LONG-AGO"].days_overdue == 100
    assert by_id.loc["DUE-YESTERDAY"].days_overdue == 1
    for item in ("DUE-TODAY", "DONE-LATE", "CANCELLED", "NO-DATE", "LATER"):
        assert not by_id.loc[item].overdue, item
        assert pd.isna(by_id.loc[item].days_overdue), item


def test_action_summary(conn):
    add_action(conn, "A1", due=days(-1))
    add_action(conn, "A2", due=days(1))
    add_action(conn, "A3", due=days(-9), status="in_progress")
    add_action(conn, "A4", due=days(-9), status="done")
    summary = acq.action_summary(conn, TODAY)
    assert list(summary.columns) == ["status", "items", "overdue"]
    assert summary.values.tolist() == [["open", 2, 1], ["in_progress", 1, 1], ["done", 1, 0]]


def test_action_queries_of_an_empty_table(conn):
    assert acq.action_summary(conn, TODAY).empty
    assert acq.action_items(conn, TODAY).empty


# --- summary -----------------------------------------------------------------------------


def test_summary_counts(conn):
    for code in ("P1", "P2", "P3", "P4"):
        add_program(conn, code)
    add_program(conn, "S1", status="suspended")
    add_accreditation(conn, "A1", "P1", valid_until=days(30))  # within 90
    add_accreditation(conn, "A2", "P2", status="conditional", valid_until=days(150))  # 180
    add_accreditation(conn, "A3", "P3", status="expired", valid_until=days(-2))  # expired
    add_accreditation(conn, "A4", "S1", valid_until=days(500))
    add_license(conn, "L1", "P1")
    add_license(conn, "L2", "P2", valid_until=days(90))  # within 90
    add_license(conn, "L3", "P4", valid_until=days(1000))
    add_action(conn, "X1", due=days(-1))
    add_action(conn, "X2", due=TODAY)
    got = acq.summary(conn, TODAY)
    assert got == {
        "programs": 4,
        "accredited": 2,
        "licensed": 3,
        "within_90": 2,
        "within_180": 3,
        "expired": 1,
        "without_accreditation": 1,
        "overdue_actions": 1,
    }
    assert all(type(v) is int for v in got.values())


def test_summary_of_an_empty_warehouse(conn):
    got = acq.summary(conn, TODAY)
    assert set(got.values()) == {0}


# --- the demo warehouse ------------------------------------------------------------------


def test_demo_watch_list_and_programmes_without_accreditation(demo_db):
    from pipelines.demo import DEFAULT_TODAY

    conn = duckdb.connect(str(demo_db))
    try:
        watch = acq.watch_list(conn, DEFAULT_TODAY)
        assert set(acq.EXPIRY) <= set(watch["expiry"])
        assert not watch["item_id"].duplicated().any()
        assert set(watch["item_kind"]) == {"license", "accreditation"}
        missing = acq.without_accreditation(conn)
        assert len(missing) > 0
        summary = acq.summary(conn, DEFAULT_TODAY)
        assert summary["without_accreditation"] == len(missing)
        assert 0 < summary["accredited"] < summary["programs"]
        assert summary["within_90"] <= summary["within_180"]
        assert summary["overdue_actions"] > 0
        cov = acq.coverage(conn, DEFAULT_TODAY)
        assert cov.query("group_type == 'faculty'")["programs"].sum() == summary["programs"]
    finally:
        conn.close()


# --- the licence register -------------------------------------------------------------------
MINISTRY_KY = "Кыргыз Республикасынын Билим берүү жана илим министрлиги"
MINISTRY_RU = "Министерство образования и науки Кыргызской Республики"


def _register_fixture(conn) -> None:
    insert(conn, "faculties", code="MED", name_ky="Медицина факультети", name_ru="Медфак")
    insert(
        conn,
        "programs",
        program_code="MED-1",
        name_ky="Дарылоо иши",
        name_ru="Лечебное дело",
        name_en="General medicine",
        faculty="MED",
    )
    add_program(conn, "ECON-1")
    add_license(conn, "LS-INST", None, issued=dt.date(2019, 6, 1), issuer=MINISTRY_KY)
    add_license(
        conn,
        "LS-MED",
        "MED-1",
        valid_until=days(30),
        issued=dt.date(2020, 2, 1),
        issuer=MINISTRY_RU,
    )
    add_license(
        conn,
        "LS-ECON",
        "ECON-1",
        valid_until=days(-5),
        status="revoked",
        issued=dt.date(2016, 3, 1),
        issuer="Ministry 100%",
    )


def test_license_register_lists_every_licence_as_stored(conn):
    _register_fixture(conn)
    frame = acq.license_register(conn, TODAY)
    assert list(frame.columns) == [
        "license_no",
        "name_ky",
        "name_ru",
        "name_en",
        "faculty",
        "status",
        "issued_on",
        "valid_until",
        "expiry",
        "program_code",
        "issuer",
    ]
    # The institutional licence first, then by faculty.
    assert frame["license_no"].tolist() == ["LS-INST", "LS-ECON", "LS-MED"]
    med = frame.set_index("license_no").loc["LS-MED"]
    assert (med["program_code"], med["name_ru"], med["faculty"]) == (
        "MED-1",
        "Лечебное дело",
        "MED",
    )
    assert (med["issuer"], med["status"], med["expiry"]) == (MINISTRY_RU, "active", "within_90")
    assert med["issued_on"] == pd.Timestamp(2020, 2, 1)
    assert med["valid_until"] == pd.Timestamp(days(30))
    assert frame.set_index("license_no").loc["LS-ECON", "expiry"] == "expired"
    inst = frame.set_index("license_no").loc["LS-INST"]
    assert pd.isna(inst["program_code"]) and pd.isna(inst["expiry"])
    assert inst["issuer"] == MINISTRY_KY


def test_license_register_search_any_script_any_case(conn):
    _register_fixture(conn)

    def found(text: str, statuses: tuple = ()) -> list[str]:
        return acq.license_register(conn, TODAY, text, statuses)["license_no"].tolist()

    assert found("МИНИСТЕРСТВО ОБРАЗОВАНИЯ") == ["LS-MED"]  # the issuer, in Cyrillic
    assert found("билим берүү") == ["LS-INST"]  # Kyrgyz letters, other case
    assert found("БИЛИМ БЕРҮҮ") == ["LS-INST"]
    assert found("ls-econ") == ["LS-ECON"]
    assert found("лечебное") == ["LS-MED"]  # a programme name in any language
    assert found("medicine") == ["LS-MED"]
    assert found("медфак") == ["LS-MED"]  # the faculty's name
    assert found("отозвана") == ["LS-ECON"]  # the status's name in Russian
    assert found("100%") == ["LS-ECON"]  # literally: % is no wildcard
    assert found("%") == ["LS-ECON"]
    assert found("  ") == ["LS-INST", "LS-ECON", "LS-MED"]
    assert found("nothing like it") == []
    assert found("", ("revoked",)) == ["LS-ECON"]
    assert found("минист", ("active",)) == ["LS-INST", "LS-MED"]


def test_license_statuses_follow_the_code_order(conn):
    assert acq.license_statuses(conn) == []
    _register_fixture(conn)
    assert acq.license_statuses(conn) == ["active", "revoked"]
