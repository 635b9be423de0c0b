"""KPIs computed from the warehouse beyond quality, and uploads that differ from them, flagged."""

# The accredited share (one definition with the accreditation summary), counts of staff and
# exchange students, QS Asia's position; an uploaded value that reads otherwise than the
# computed one is shown beside it and flagged, on the KPIs page and in the deck.

from __future__ import annotations

import datetime as dt

import pytest

from sapat import auth, db
from sapat.charts.kpis import format_value
from sapat.i18n import catalog
from sapat.queries import accreditation as acq
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.report.context import DeckContext
from sapat.report.sections import kpis as kpi_section
from tests.conftest import PASSWORD, app_test
from tests.factories import insert

EN = catalog("en")
TODAY = dt.date(2026, 11, 21)
CODE = "accredited_programs_share"


def programmes(conn) -> None:
    """Four active programmes (three accredited on TODAY, one of them only until Dec 3) and a
    closed one: 75 % today, 50 % after Dec 3."""
    for code, faculty in (("P1", "MED"), ("P2", "MED"), ("P3", "LAW"), ("P4", "LAW")):
        insert(conn, "programs", program_code=code, faculty=faculty)
    insert(conn, "programs", program_code="P5", status="closed")
    insert(conn, "accreditations", program_code="P1", valid_from=dt.date(2022, 1, 1))
    insert(conn, "accreditations", program_code="P2", status="conditional")
    insert(conn, "accreditations", program_code="P3", valid_until=dt.date(2026, 12, 3))
    insert(conn, "accreditations", program_code="P4", status="planned")
    insert(conn, "accreditations", program_code="P5")


def kpi(conn, code: str = CODE, unit: str = "percent", uploaded: float | None = None) -> None:
    insert(conn, "kpi_definitions", code=code, unit=unit, name_en=f"KPI {code}")
    insert(conn, "kpi_targets", code=code, year=TODAY.year, target=80.0)
    if uploaded is not None:
        insert(conn, "kpi_values", code=code, year=TODAY.year, value=uploaded)


def test_the_accredited_share_measure_is_the_accreditation_summary(conn):
    programmes(conn)
    for day in (TODAY, dt.date(2026, 12, 4), dt.date(2023, 6, 1)):
        summary = acq.summary(conn, day)
        frame = msq.values(conn, CODE, today=day)
        # One figure, of the day's year: past years' programme lists are not in the warehouse.
        assert frame["year"].tolist() == [day.year]
        assert frame["value"].iloc[0] == pytest.approx(
            100 * summary["accredited"] / summary["programs"]
        )
    assert msq.values(conn, CODE, "MED", TODAY)["value"].tolist() == [100.0]
    assert msq.values(conn, CODE, "LAW", TODAY)["value"].tolist() == [50.0]


def test_a_linked_kpi_takes_the_computed_share_and_flags_an_upload_that_differs(conn):
    programmes(conn)
    kpi(conn, uploaded=83.0)
    kq.link(conn, CODE, CODE, "aibek")
    card = kq.scorecard(conn, TODAY.year, kq.UNIVERSITY, TODAY).set_index("code")
    assert card.loc[CODE, "value"] == pytest.approx(75.0)
    assert card.loc[CODE, "uploaded"] == 83.0 and card.loc[CODE, "differs"]
    assert card.loc[CODE, "status"] == "off_track"  # the computed value decides
    assert kq.off_track(conn, TODAY.year, TODAY)["code"].tolist() == [CODE]
    # Read after Dec 3 the share is 50 %; a year later the upload of 2026 stands alone.
    later = kq.scorecard(conn, TODAY.year, kq.UNIVERSITY, dt.date(2026, 12, 4))
    assert later.set_index("code").loc[CODE, "value"] == pytest.approx(50.0)
    next_year = kq.scorecard(conn, TODAY.year, kq.UNIVERSITY, dt.date(2027, 1, 5))
    row = next_year.set_index("code").loc[CODE]
    assert row["value"] == 83.0 and not row["differs"] and row["measure"] == CODE


def test_an_upload_that_reads_the_same_is_not_flagged(conn):
    programmes(conn)
    kpi(conn, uploaded=75.04)  # 75.0 % either way
    kq.link(conn, CODE, CODE, "aibek")
    card = kq.scorecard(conn, TODAY.year, kq.UNIVERSITY, TODAY).set_index("code")
    assert not card.loc[CODE, "differs"]
    assert kq.differs(75.06, 75.0, "percent") and not kq.differs(316.4, 316, "rank")
    assert not kq.differs(None, 75.0, "percent")


def test_the_deck_reads_the_difference_out(conn):
    programmes(conn)
    kpi(conn, uploaded=83.0)
    kq.link(conn, CODE, CODE, "aibek")
    ctx = DeckContext.make(conn, "2025-2026", "en", TODAY)
    notes = kpi_section.slides(ctx)[0].notes
    expected = EN["report.notes.kpi_differs"].format(
        name=f"KPI {CODE}",
        uploaded=format_value(83.0, "percent", "en"),
        computed=format_value(75.0, "percent", "en"),
    )
    assert expected in notes.splitlines()


def test_the_kpi_page_shows_both_values_and_flags_them(db_path, env_db):
    conn = db.connect(env_db(db_path))
    try:
        programmes(conn)
        kpi(conn, uploaded=83.0)
        kq.link(conn, CODE, CODE, "admin")
        auth.add_user(conn, "viewer", PASSWORD, ["viewer"])
        computed = kq.scorecard(conn, TODAY.year, kq.UNIVERSITY, dt.date.today())
    finally:
        conn.close()
    at = app_test("viewer", "en")
    at.run()
    at.switch_page("pages/kpis.py")
    at.session_state["kpi_year"] = TODAY.year
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    row = computed.set_index("code").loc[CODE]
    table = at.dataframe[0].value
    assert table[EN["col.value"]].iloc[0] == format_value(row["value"], "percent", "en")
    uploaded = table[EN["kpis.col_uploaded"]].iloc[0]
    assert uploaded == (f"⚠ {format_value(83.0, 'percent', 'en')}" if row["differs"] else "")
    warnings = [w.value for w in at.warning if "83.0%" in w.value]
    assert len(warnings) == int(bool(row["differs"]))


# --- counts the warehouse computes --------------------------------------------------------------


def test_exchange_students_are_international_students_who_went(conn):
    for status in ("completed", "departed", "report_submitted", "selected", "applied", "withdrawn"):
        insert(conn, "mobility", status=status, academic_year="2025-2026", faculty="MED")
    insert(conn, "mobility", scope="domestic", academic_year="2025-2026")
    insert(conn, "mobility", participant_category="academic_staff", academic_year="2025-2026")
    insert(conn, "mobility", direction="incoming", academic_year="2024-2025", faculty="MED")
    out = msq.values(conn, "outbound_exchange_students")
    assert out.to_dict("list") == {"year": [2026], "value": [3.0], "part": [3.0], "whole": [3.0]}
    assert msq.values(conn, "outbound_exchange_students", "MED")["value"].tolist() == [3.0]
    assert msq.values(conn, "inbound_exchange_students")[["year", "value"]].values.tolist() == [
        [2025, 1.0]
    ]


def test_staff_counts_and_english_programmes(conn):
    for faculty, fte, intl in (("MED", 100.5, 3), ("LAW", 40.0, None)):
        insert(
            conn,
            "staff_composition",
            year=2026,
            faculty=faculty,
            department=f"{faculty} dept",
            headcount=120,
            fte=fte,
            international_staff=intl,
        )
    assert msq.values(conn, "academic_staff_fte")["value"].tolist() == [140.5]
    assert msq.values(conn, "international_staff")["value"].tolist() == [3.0]
    insert(conn, "programs", language="en")
    insert(conn, "programs", language="en", status="suspended")
    insert(conn, "programs", language="ru")
    assert msq.values(conn, "english_taught_programs", today=TODAY)["value"].tolist() == [1.0]


def test_qs_asia_position_is_an_exact_published_rank_only(conn):
    insert(conn, "institutions", name="Home University", is_home=True)
    for year, display, low, high in ((2024, "351-400", 351, 400), (2025, "=338", 338, 338)):
        insert(
            conn,
            "ranking_results",
            ranking="qs_asia",
            year=year,
            institution="Home University",
            rank_display=display,
            rank_low=low,
            rank_high=high,
        )
    insert(conn, "ranking_results", ranking="qs_asia", year=2025, institution="Other",
           rank_display="5", rank_low=5, rank_high=5)  # fmt: skip
    frame = msq.values(conn, "qs_asia_rank")
    assert frame[["year", "value"]].values.tolist() == [[2025, 338.0]]
