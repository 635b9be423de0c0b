"""The regulation's rules as flags: edge cases of each rule, counts, rows, the demo warehouse."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.demo import DEFAULT_TODAY
from sapat.queries import mobility as mq
from sapat.queries.mobility import MobilityFilter
from tests.test_queries_mobility import add

TODAY = dt.date(2025, 12, 1)
FRIDAY = dt.date(2025, 3, 14)
STAFF = {"participant_category": "academic_staff", "study_semester": None, "purpose": "teaching"}


def flagged(conn, flag: str, f: MobilityFilter | None = None) -> set[str]:
    rows = mq.flagged_rows(conn, f or MobilityFilter(), flag, today=TODAY)
    return set(rows["mobility_id"])


def detail(conn, flag: str, mobility_id: str) -> float:
    rows = mq.flagged_rows(conn, MobilityFilter(), flag, today=TODAY)
    return rows.loc[rows.mobility_id == mobility_id, "detail"].item()


def test_dates_used_below():
    assert FRIDAY.isoweekday() == 5


# --- gpa_below_3 -------------------------------------------------------------------------
def test_gpa_exactly_3_is_fine_below_is_flagged(conn):
    at_3 = add(conn, gpa_at_selection=3.0)
    below = add(conn, gpa_at_selection=2.99)
    add(conn, gpa_at_selection=None)
    assert flagged(conn, "gpa_below_3") == {below}
    assert detail(conn, "gpa_below_3", below) == pytest.approx(2.99)
    assert at_3 not in flagged(conn, "gpa_below_3")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("applied", False),
        ("selected", True),
        ("departed", True),
        ("completed", True),
        ("report_submitted", True),
        ("withdrawn", False),
    ],
)
def test_gpa_counts_from_selection_on(conn, status, expected):
    mid = add(conn, gpa_at_selection=2.5, status=status)
    assert (mid in flagged(conn, "gpa_below_3")) is expected


def test_gpa_rule_is_for_our_students_only(conn):
    add(conn, gpa_at_selection=2.5, **STAFF)
    add(conn, gpa_at_selection=2.5, direction="incoming")
    assert flagged(conn, "gpa_below_3") == set()


# --- first_year_abroad -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scope", "semester", "expected"),
    [
        ("international", 1, True),
        ("international", 2, True),
        ("international", 3, False),
        ("domestic", 1, True),
        ("domestic", 2, False),
        ("domestic", 3, False),
        ("international", None, False),
    ],
)
def test_first_year_bachelor(conn, scope, semester, expected):
    mid = add(conn, scope=scope, study_semester=semester)
    assert (mid in flagged(conn, "first_year_abroad")) is expected


def test_first_year_rule_is_for_bachelors_sent_by_us(conn):
    add(conn, participant_category="student_master", study_semester=1)
    add(conn, participant_category="student_college", study_semester=1)
    add(conn, direction="incoming", study_semester=1)
    add(conn, status="withdrawn", study_semester=1)
    assert flagged(conn, "first_year_abroad") == set()


# --- master_semester ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("semester", "expected"), [(1, True), (2, False), (3, False), (4, True), (None, False)]
)
def test_master_semesters(conn, semester, expected):
    mid = add(conn, participant_category="student_master", study_semester=semester)
    assert (mid in flagged(conn, "master_semester")) is expected
    if expected:
        assert detail(conn, "master_semester", mid) == semester


def test_master_rule_ignores_bachelors(conn):
    add(conn, participant_category="student_bachelor", study_semester=4)
    assert flagged(conn, "master_semester") == set()


# --- credits_failed_over_15 --------------------------------------------------------------
def test_exactly_15_failed_credits_is_recoverable_15_5_is_not(conn):
    add(conn, credits_failed=15.0)
    over = add(conn, credits_failed=15.5)
    add(conn, credits_failed=None)
    add(conn, credits_failed=20.0, status="withdrawn")
    assert flagged(conn, "credits_failed_over_15") == {over}
    assert detail(conn, "credits_failed_over_15", over) == 15.5


# --- staff_report_late -------------------------------------------------------------------
def _staff(conn, end: dt.date, report: dt.date | None, **kw) -> str:
    return add(
        conn,
        start_date=end - dt.timedelta(days=7),
        end_date=end,
        report_date=report,
        status=kw.pop("status", "report_submitted"),
        **{**STAFF, **kw},
    )


def test_friday_return_report_next_friday_is_on_time_saturday_is_late(conn):
    on_time = _staff(conn, FRIDAY, FRIDAY + dt.timedelta(days=7))
    late = _staff(conn, FRIDAY, FRIDAY + dt.timedelta(days=8))
    assert flagged(conn, "staff_report_late") == {late}
    assert detail(conn, "staff_report_late", late) == 1
    assert on_time not in flagged(conn, "staff_report_late")


@pytest.mark.parametrize(
    ("end", "last_day"),
    [
        (dt.date(2025, 3, 10), dt.date(2025, 3, 17)),  # Monday → next Monday
        (dt.date(2025, 3, 12), dt.date(2025, 3, 19)),  # Wednesday → next Wednesday
        (dt.date(2025, 3, 15), dt.date(2025, 3, 21)),  # Saturday → Friday
        (dt.date(2025, 3, 16), dt.date(2025, 3, 21)),  # Sunday → Friday
    ],
)
def test_five_working_days_after_any_return_day(conn, end, last_day):
    on_time = _staff(conn, end, last_day)
    late = _staff(conn, end, last_day + dt.timedelta(days=1))
    assert flagged(conn, "staff_report_late") == {late}
    assert on_time


def test_missing_staff_report_is_late_once_the_deadline_has_passed(conn):
    deadline = FRIDAY + dt.timedelta(days=7)
    missing = _staff(conn, FRIDAY, None, status="completed")
    _staff(conn, FRIDAY, None, status="departed")
    _staff(conn, FRIDAY, None, status="report_submitted")  # submitted, date not recorded
    rows = mq.flagged_rows(conn, MobilityFilter(), "staff_report_late", today=deadline)
    assert rows.empty
    day_after = deadline + dt.timedelta(days=1)
    rows = mq.flagged_rows(conn, MobilityFilter(), "staff_report_late", today=day_after)
    assert rows["mobility_id"].tolist() == [missing]
    assert rows["detail"].tolist() == [1]
    counts = mq.rule_flags(conn, MobilityFilter(), today=day_after)
    assert counts.set_index("flag").loc["staff_report_late", "count"] == 1


def test_staff_rule_is_for_our_staff_only(conn):
    late = FRIDAY + dt.timedelta(days=30)
    _staff(conn, FRIDAY, late, participant_category="admin_staff")
    add(conn, end_date=FRIDAY, report_date=late, status="report_submitted")  # a student
    _staff(conn, FRIDAY, late, direction="incoming")
    _staff(conn, FRIDAY, late, status="withdrawn")
    assert len(flagged(conn, "staff_report_late")) == 1


# --- transcript_late ---------------------------------------------------------------------
def test_transcript_exactly_one_month_later_is_on_time_one_day_more_is_late(conn):
    end = dt.date(2025, 1, 15)
    add(conn, end_date=end, report_date=dt.date(2025, 2, 15), status="report_submitted")
    late = add(conn, end_date=end, report_date=dt.date(2025, 2, 16), status="report_submitted")
    assert flagged(conn, "transcript_late") == {late}
    assert detail(conn, "transcript_late", late) == 1


def test_transcript_month_ends_at_the_end_of_a_shorter_month(conn):
    end = dt.date(2025, 1, 31)
    add(conn, end_date=end, report_date=dt.date(2025, 2, 28), status="report_submitted")
    late = add(conn, end_date=end, report_date=dt.date(2025, 3, 1), status="report_submitted")
    assert flagged(conn, "transcript_late") == {late}


def test_transcript_rule_is_for_students(conn):
    _staff(conn, dt.date(2025, 1, 15), dt.date(2025, 1, 20))  # staff on time by their rule
    add(conn, end_date=dt.date(2025, 1, 15), report_date=None)
    assert flagged(conn, "transcript_late") == set()


# --- counts, rows, filters ---------------------------------------------------------------
def test_rule_flags_lists_every_rule_in_order_with_zeros(conn):
    flags = mq.rule_flags(conn, MobilityFilter())
    assert list(flags.columns) == ["flag", "count"]
    assert flags["flag"].tolist() == list(mq.RULES)
    assert flags["count"].tolist() == [0] * len(mq.RULES)


def test_rule_flags_match_flagged_rows_and_follow_filters(conn):
    add(conn, gpa_at_selection=2.0, faculty="ECON")
    add(conn, gpa_at_selection=2.0, faculty="LAW", credits_failed=16.0)
    add(conn, participant_category="student_master", study_semester=4, faculty="LAW")
    _staff(conn, FRIDAY, FRIDAY + dt.timedelta(days=20), faculty="MED")
    for f in (
        MobilityFilter(),
        MobilityFilter(faculties=("LAW",)),
        MobilityFilter(faculties=("LAW", "MED"), years=("2024-2025",)),
    ):
        counts = mq.rule_flags(conn, f, today=TODAY).set_index("flag")["count"]
        for rule in mq.RULES:
            rows = mq.flagged_rows(conn, f, rule, today=TODAY)
            assert counts[rule] == len(rows), (f, rule)
    law = mq.rule_flags(conn, MobilityFilter(faculties=("LAW",)), today=TODAY)
    assert law.set_index("flag")["count"].to_dict() == {
        "gpa_below_3": 1,
        "first_year_abroad": 0,
        "master_semester": 1,
        "credits_failed_over_15": 1,
        "staff_report_late": 0,
        "transcript_late": 0,
    }
    assert mq.rule_flags(conn, MobilityFilter(years=("2023-2024",)))["count"].sum() == 0


def test_flagged_rows_columns_hold_no_names(conn):
    add(conn, gpa_at_selection=2.0)
    rows = mq.flagged_rows(conn, MobilityFilter(), "gpa_below_3")
    assert list(rows.columns) == [*mq.FLAGGED_COLUMNS, "detail"]
    assert not any("name" in c for c in rows.columns)


def test_flagged_rows_latest_first_and_limited(conn):
    old = add(conn, academic_year="2023-2024", gpa_at_selection=2.0)
    new = [add(conn, academic_year="2024-2025", gpa_at_selection=2.0) for _ in range(3)]
    rows = mq.flagged_rows(conn, MobilityFilter(), "gpa_below_3")
    assert rows["mobility_id"].tolist() == [*sorted(new), old]
    first = mq.flagged_rows(conn, MobilityFilter(), "gpa_below_3", limit=2)
    assert first["mobility_id"].tolist() == sorted(new)[:2]


def test_unknown_flag_is_refused(conn):
    with pytest.raises(ValueError):
        mq.flagged_rows(conn, MobilityFilter(), "gpa_below_3 OR 1=1")


# --- the demo warehouse ------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def test_every_rule_flags_rows_in_the_demo(demo):
    counts = mq.rule_flags(demo, MobilityFilter(), today=DEFAULT_TODAY)
    assert (counts["count"] >= 1).all(), counts
    for rule in mq.RULES:
        rows = mq.flagged_rows(demo, MobilityFilter(), rule, today=DEFAULT_TODAY)
        assert len(rows) >= 1, rule
        assert rows["detail"].notna().all(), rule


def test_demo_flags_are_a_minority(demo):
    counts = mq.rule_flags(demo, MobilityFilter(), today=DEFAULT_TODAY)
    total = demo.execute("SELECT count(*) FROM mobility WHERE status <> 'withdrawn'").fetchone()
    assert counts["count"].sum() < 0.25 * total[0]
