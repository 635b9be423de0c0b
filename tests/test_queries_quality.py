"""sapat.queries.quality on a fresh warehouse: pass rates, drops, grades, attestation, graduates."""

from __future__ import annotations

import math

import duckdb
import pytest

from sapat.queries import quality as qq
from tests.factories import insert

GRADES = ("grade_a", "grade_b", "grade_c", "grade_d", "grade_f")


def exam(
    conn: duckdb.DuckDBPyConnection,
    year: str,
    program: str,
    passed: int,
    total: int,
    *,
    session: str = "regular",
    semester: int = 1,
    course: int = 1,
    faculty: str | None = "F1",
    grades: tuple[int | None, ...] | None = None,
    avg: float | None = None,
) -> None:
    """One exam_results row: ``passed`` of ``total`` students of ``program`` in ``year``."""
    insert(
        conn,
        "exam_results",
        academic_year=year,
        semester=semester,
        faculty=faculty,
        program_code=program,
        course_year=course,
        session_type=session,
        students_total=total,
        students_passed=passed,
        avg_score=avg,
        **dict(zip(GRADES, grades or (), strict=False)),
    )


def test_pass_rate_is_passed_over_sat_across_semesters_and_years_of_study(conn):
    exam(conn, "2024-2025", "P1", 45, 50, semester=1, course=1)
    exam(conn, "2024-2025", "P1", 30, 50, semester=2, course=2)
    exam(conn, "2024-2025", "P1", 9, 10, session="retake")
    exam(conn, "2024-2025", "P2", 10, 10, faculty="F2")
    rates = qq.pass_rates(conn, "program").set_index(["grp", "session_type"])
    assert rates.loc[("P1", "regular"), "pass_rate"] == pytest.approx(75.0)
    assert rates.loc[("P1", "retake"), "pass_rate"] == pytest.approx(90.0)
    faculties = qq.pass_rates(conn, "faculty").set_index(["grp", "session_type"])
    assert faculties.loc[("F2", "regular"), "pass_rate"] == pytest.approx(100.0)
    whole = qq.pass_rates(conn, "university")
    regular = whole[whole["session_type"] == "regular"].iloc[0]
    assert regular["pass_rate"] == pytest.approx(100 * 85 / 110)
    assert set(qq.pass_rates(conn, "program", "F2")["grp"]) == {"P2"}


def test_headline_gives_the_latest_year_and_the_one_before(conn):
    exam(conn, "2023-2024", "P1", 80, 100)
    exam(conn, "2024-2025", "P1", 90, 100)
    exam(conn, "2024-2025", "P1", 5, 10, session="retake")
    head = qq.headline(conn).set_index("session_type")
    assert head.loc["regular", "academic_year"] == "2024-2025"
    assert head.loc["regular", "pass_rate"] == pytest.approx(90.0)
    assert head.loc["regular", "previous"] == pytest.approx(80.0)
    assert math.isnan(head.loc["retake", "previous"])


@pytest.mark.parametrize(
    ("before", "now", "threshold", "flagged"),
    [
        (80, 70, 10.0, False),  # exactly the threshold: 0.8 - 0.7 is 0.10000000000000009
        (80, 69, 10.0, True),
        (80, 70, 9.99, True),
        (80, 71, 9.0, False),
        (70, 80, 1.0, False),  # a rise
        (100, 90, 10.0, False),
        (100, 89, 10.0, True),
    ],
)
def test_a_drop_is_flagged_only_when_larger_than_the_threshold(
    conn, before, now, threshold, flagged
):
    exam(conn, "2024-2025", "P1", before, 100)
    exam(conn, "2025-2026", "P1", now, 100)
    drops = qq.pass_rate_drops(conn, threshold)
    assert (len(drops) == 1) is flagged
    if flagged:
        row = drops.iloc[0]
        assert row["drop"] == pytest.approx(before - now)
        assert (row["prev_year"], row["academic_year"]) == ("2024-2025", "2025-2026")


def test_drops_compare_regular_sessions_with_the_programmes_previous_year(conn):
    # P1 fell 30 points in the regular session; its retakes improved (not counted).
    exam(conn, "2023-2024", "P1", 90, 100)
    exam(conn, "2024-2025", "P1", 60, 100)
    exam(conn, "2023-2024", "P1", 1, 10, session="retake")
    exam(conn, "2024-2025", "P1", 9, 10, session="retake")
    # P2 is new in the last year: nothing to compare with.
    exam(conn, "2024-2025", "P2", 10, 100, faculty="F2")
    # P3 skipped a year: compared with the year it last had.
    exam(conn, "2022-2023", "P3", 95, 100, faculty="F2")
    exam(conn, "2024-2025", "P3", 50, 100, faculty="F2")
    drops = qq.pass_rate_drops(conn, 10.0)
    assert drops["program_code"].tolist() == ["P3", "P1"]  # the largest drop first
    assert drops.set_index("program_code").loc["P3", "prev_year"] == "2022-2023"
    assert qq.pass_rate_drops(conn, 10.0, faculty="F1")["program_code"].tolist() == ["P1"]
    assert qq.pass_rate_drops(conn, 10.0, "2023-2024").empty
    assert qq.pass_rate_drops(conn, 40.0)["program_code"].tolist() == ["P3"]


def test_grade_distribution_of_one_session(conn):
    exam(conn, "2024-2025", "P1", 9, 10, grades=(1, 2, 3, 3, 1), semester=2)
    exam(conn, "2024-2025", "P2", 4, 5, grades=(1, 1, 1, 1, 1), semester=2)
    exam(conn, "2024-2025", "P3", 4, 5, grades=(5, 0, 0, 0, 0), semester=1)
    exam(conn, "2024-2025", "P4", 4, 5, grades=(None, 1, 1, 1, 1), semester=2, faculty="F2")
    by_faculty = qq.grade_distribution(conn, "2024-2025", 2, "regular").set_index("grp")
    assert by_faculty.loc["F1", ["grade_a", "grade_b", "grade_f", "graded"]].tolist() == [
        2,
        3,
        2,
        15,
    ]
    assert by_faculty.loc["F2", "graded"] == 4  # a blank grade counts as none
    by_program = qq.grade_distribution(conn, "2024-2025", 2, "regular", "F1")
    assert by_program["grp"].tolist() == ["P1", "P2"]


def test_attestation_and_employment_by_faculty_or_programme(conn):
    exam(conn, "2024-2025", "P1", 9, 10, session="state_attestation", avg=80.0)
    exam(conn, "2024-2025", "P2", 10, 10, session="state_attestation", avg=70.0)
    att = qq.attestation(conn, "faculty")
    assert att.iloc[0]["pass_rate"] == pytest.approx(95.0)
    assert att.iloc[0]["avg_score"] == pytest.approx(75.0)
    assert qq.attestation(conn)["grp"].tolist() == ["P1", "P2"]  # lowest first
    for year, program, total, honours, employed in (
        ("2023-2024", "P1", 100, 5, 80),
        ("2023-2024", "P2", 50, 2, None),
        ("2024-2025", "P1", 90, 4, None),
    ):
        insert(
            conn,
            "graduates",
            academic_year=year,
            faculty="F1",
            program_code=program,
            level="bachelor",
            graduates_total=total,
            with_honours=honours,
            employed_within_year=employed,
        )
    years = qq.graduates_by_year(conn).set_index("academic_year")
    # P2's employment is unknown: left out of the rate, not counted as nobody employed.
    assert years.loc["2023-2024", "employment_rate"] == pytest.approx(80.0)
    assert years.loc["2023-2024", "graduates_total"] == 150
    assert math.isnan(years.loc["2024-2025", "employment_rate"])
    assert qq.employment(conn, "2023-2024")["grp"].tolist() == ["P1"]
