"""Academic quality queries on a fresh warehouse: pass rates, drops, degree share, rating, surveys."""

from __future__ import annotations

import math

import duckdb
import pytest

from sapat import settings
from sapat.queries import measures, quality, staff, surveys
from sapat.queries.overview import quality_alerts


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
    grades: tuple[int, int, int, int, int] | None = None,
    avg: float | None = None,
) -> None:
    conn.execute(
        "INSERT INTO exam_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            year,
            semester,
            faculty,
            program,
            course,
            session,
            total,
            passed,
            avg,
            *(grades or [None] * 5),
        ],
    )


def composition(conn, year: int, faculty: str, department: str, headcount: int, **parts) -> None:
    row = {
        "fte": None,
        "doctors_of_science": None,
        "candidates_of_science": None,
        "phd_holders": None,
        "professors": None,
        "associate_professors": None,
        "international_staff": None,
    } | parts
    conn.execute(
        "INSERT INTO staff_composition VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [year, faculty, department, headcount, *row.values()],
    )


def rated(conn, year: int, faculty: str, people: int, start: float = 50.0) -> None:
    """``people`` ratings in ``faculty``, total scores start, start + 1, …"""
    for i in range(people):
        score = start + i
        conn.execute(
            "INSERT INTO staff_rating VALUES (?, ?, ?, 'Dept', 'lecturer', ?, ?, ?, ?, NULL)",
            [year, f"{faculty}-{year}-{i}", faculty, score, score, score, score],
        )


def survey(conn, year, group, faculty, code, mean, responses, satisfied=None, **texts) -> None:
    conn.execute(
        "INSERT INTO survey_results VALUES ('s', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            year,
            group,
            faculty,
            code,
            texts.get("ky", f"ky {code}"),
            texts.get("ru", f"ru {code}"),
            texts.get("en", f"en {code}"),
            responses,
            mean,
            satisfied,
        ],
    )


# --- pass rates and drops --------------------------------------------------------------


def test_pass_rate_is_passed_over_sat_across_semesters_and_years_of_study(conn):
    exam(conn, "2024-2025", "P1", 45, 50, semester=1, course=1)
    exam(conn, "2024-2025", "P1", 30, 50, semester=2, course=2)
    exam(conn, "2024-2025", "P1", 9, 10, session="retake")
    exam(conn, "2024-2025", "P2", 10, 10, faculty="F2")
    rates = quality.pass_rates(conn, "program").set_index(["grp", "session_type"])
    assert rates.loc[("P1", "regular"), "pass_rate"] == pytest.approx(75.0)
    assert rates.loc[("P1", "retake"), "pass_rate"] == pytest.approx(90.0)
    faculties = quality.pass_rates(conn, "faculty").set_index(["grp", "session_type"])
    assert faculties.loc[("F2", "regular"), "pass_rate"] == pytest.approx(100.0)
    whole = quality.pass_rates(conn, "university")
    regular = whole[whole["session_type"] == "regular"].iloc[0]
    assert regular["pass_rate"] == pytest.approx(100 * 85 / 110)
    assert set(quality.pass_rates(conn, "program", "F2")["grp"]) == {"P2"}


def test_headline_gives_the_latest_year_and_the_one_before(conn):
    exam(conn, "2023-2024", "P1", 80, 100)
    exam(conn, "2024-2025", "P1", 90, 100)
    exam(conn, "2024-2025", "P1", 5, 10, session="retake")
    head = quality.headline(conn).set_index("session_type")
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
    drops = quality.pass_rate_drops(conn, threshold)
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
    drops = quality.pass_rate_drops(conn, 10.0)
    assert drops["program_code"].tolist() == ["P3", "P1"]  # the largest drop first
    assert drops.set_index("program_code").loc["P3", "prev_year"] == "2022-2023"
    assert quality.pass_rate_drops(conn, 10.0, faculty="F1")["program_code"].tolist() == ["P1"]
    assert quality.pass_rate_drops(conn, 10.0, "2023-2024").empty
    assert quality.pass_rate_drops(conn, 40.0)["program_code"].tolist() == ["P3"]


def test_grade_distribution_of_one_session(conn):
    exam(conn, "2024-2025", "P1", 9, 10, grades=(1, 2, 3, 3, 1), semester=2)
    exam(conn, "2024-2025", "P2", 4, 5, grades=(1, 1, 1, 1, 1), semester=2)
    exam(conn, "2024-2025", "P3", 4, 5, grades=(5, 0, 0, 0, 0), semester=1)
    exam(conn, "2024-2025", "P4", 4, 5, grades=(None, 1, 1, 1, 1), semester=2, faculty="F2")
    by_faculty = quality.grade_distribution(conn, "2024-2025", 2, "regular").set_index("grp")
    assert by_faculty.loc["F1", ["grade_a", "grade_b", "grade_f", "graded"]].tolist() == [
        2,
        3,
        2,
        15,
    ]
    assert by_faculty.loc["F2", "graded"] == 4  # a blank grade counts as none
    by_program = quality.grade_distribution(conn, "2024-2025", 2, "regular", "F1")
    assert by_program["grp"].tolist() == ["P1", "P2"]


def test_attestation_and_employment_by_faculty_or_programme(conn):
    exam(conn, "2024-2025", "P1", 9, 10, session="state_attestation", avg=80.0)
    exam(conn, "2024-2025", "P2", 10, 10, session="state_attestation", avg=70.0)
    att = quality.attestation(conn, "faculty")
    assert att.iloc[0]["pass_rate"] == pytest.approx(95.0)
    assert att.iloc[0]["avg_score"] == pytest.approx(75.0)
    assert quality.attestation(conn)["grp"].tolist() == ["P1", "P2"]  # lowest first
    conn.execute(
        "INSERT INTO graduates VALUES ('2023-2024', 'F1', 'P1', 'bachelor', 100, 5, 80, NULL),"
        "('2023-2024', 'F1', 'P2', 'bachelor', 50, 2, NULL, NULL),"
        "('2024-2025', 'F1', 'P1', 'bachelor', 90, 4, NULL, NULL)"
    )
    years = quality.graduates_by_year(conn).set_index("academic_year")
    # P2's employment is unknown: left out of the rate, not counted as nobody employed.
    assert years.loc["2023-2024", "employment_rate"] == pytest.approx(80.0)
    assert years.loc["2023-2024", "graduates_total"] == 150
    assert math.isnan(years.loc["2024-2025", "employment_rate"])
    assert quality.employment(conn, "2023-2024")["grp"].tolist() == ["P1"]


# --- teaching staff ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("with_degree", "headcount", "below"),
    [(60, 100, False), (59, 100, True), (3, 5, False), (61, 100, False), (0, 10, True)],
)
def test_degree_share_threshold_boundary(conn, with_degree, headcount, below):
    composition(conn, 2025, "F1", "D1", headcount, candidates_of_science=with_degree)
    row = staff.degree_share(conn, 2025, 0.60).iloc[0]
    assert row["degree_share"] == pytest.approx(with_degree / headcount)
    assert bool(row["below"]) is below


def test_degree_share_adds_every_degree_and_the_departments(conn):
    composition(conn, 2024, "F1", "D1", 10, candidates_of_science=5)
    composition(
        conn, 2025, "F1", "D1", 10, doctors_of_science=1, candidates_of_science=3, phd_holders=1
    )
    composition(conn, 2025, "F1", "D2", 10, candidates_of_science=4)  # blank cells count 0
    composition(conn, 2025, "F2", "D1", 20, candidates_of_science=15)
    shares = staff.degree_share(conn, 2025, 0.6).set_index("faculty")
    assert shares.loc["F1", "with_degree"] == 9 and shares.loc["F1", "headcount"] == 20
    assert shares.loc["F1", "degree_share"] == pytest.approx(0.45)
    assert shares.loc["F1", "previous_share"] == pytest.approx(0.5)
    assert shares.index.tolist() == ["F1", "F2"]  # the lowest first
    assert shares["below"].tolist() == [True, False]
    whole = staff.composition_by_year(conn).set_index("year")
    assert whole.loc[2025, "degree_share"] == pytest.approx(24 / 40)
    assert whole.loc[2025, "without_degree"] == 16
    assert measures.values(conn, "staff_degree_share").set_index("year").loc[
        2025, "value"
    ] == pytest.approx(60.0)


def test_a_faculty_of_four_rated_people_is_hidden_and_five_are_shown(conn):
    rated(conn, 2025, "SMALL", 4, start=90)
    rated(conn, 2025, "FIVE", 5, start=60)
    rated(conn, 2025, "BIG", 30, start=40)
    summary = staff.rating_summary(conn, 2025).set_index("faculty")
    small = summary.loc["SMALL"]
    assert bool(small["hidden"]) and small["people"] == 4
    figures = [c for c in summary.columns if c not in ("people", "hidden")]
    assert all(math.isnan(small[c]) for c in figures)
    five = summary.loc["FIVE"]
    assert not five["hidden"] and five["mean_total"] == pytest.approx(62.0)
    # Five people's percentiles would be their own scores: a group under 10 shows its mean.
    assert all(math.isnan(five[c]) for c in ("p10", "p25", "median", "p75", "p90"))
    # The hidden faculty is left out of the university, so it cannot be got by difference.
    assert summary.loc["university", "people"] == 35
    assert (
        staff.rating_summary(conn, 2025, min_group=3)
        .loc[lambda f: f["faculty"] == "SMALL", "hidden"]
        .item()
        is False
    )


def test_rating_trend_leaves_out_groups_under_five(conn):
    rated(conn, 2024, "SMALL", 4)
    rated(conn, 2025, "SMALL", 5)
    trend = staff.rating_trend(conn, "SMALL")
    assert trend["year"].tolist() == [2025]
    assert staff.rating_rows(conn, 2024, "SMALL")["staff_code"].size == 4


def test_the_threshold_setting_reads_a_share_or_a_percentage(monkeypatch):
    for raw, expected in ((0.5, 0.5), (55, 0.55), ("0.7", 0.7), ("abc", 0.6), (0, 0.6), (150, 0.6)):
        monkeypatch.setattr(
            settings, "_sapat_section", lambda raw=raw: {"degree_share_threshold": raw}
        )
        assert settings.degree_threshold() == pytest.approx(expected), raw
    monkeypatch.setattr(settings, "_sapat_section", dict)
    assert settings.degree_threshold() == staff.DEFAULT_DEGREE_THRESHOLD


# --- surveys and measures --------------------------------------------------------------


def test_survey_means_are_weighted_by_responses_and_texts_follow_the_language(conn):
    survey(conn, "2024-2025", "students", "F1", "Q1", 4.0, 300, 0.8)
    survey(conn, "2024-2025", "students", "F2", "Q1", 2.0, 100, 0.2)
    survey(conn, "2024-2025", "students", "F1", "Q2", 3.5, 300, 0.6, ky=None)
    survey(conn, "2023-2024", "students", "F1", "Q1", 3.0, 100, 0.5)
    survey(conn, "2024-2025", "employers", None, "Q9", 4.5, 20, 0.9)
    sat = surveys.satisfaction(conn).set_index(["academic_year", "respondent_group"])
    assert sat.loc[("2024-2025", "students"), "mean_score"] == pytest.approx(
        (4.0 * 300 + 2.0 * 100 + 3.5 * 300) / 700
    )
    low = surveys.lowest_questions(conn, "2024-2025", "ky")
    assert low["question_code"].tolist() == ["Q1", "Q2", "Q9"]
    assert low.iloc[0]["mean_score"] == pytest.approx(3.5)
    assert low.iloc[0]["change"] == pytest.approx(0.5)
    assert low.set_index("question_code").loc["Q2", "question"] == "ru Q2"  # no Kyrgyz text
    assert surveys.lowest_questions(conn, "2024-2025", "en", "employers")["question"].tolist() == [
        "en Q9"
    ]
    assert surveys.by_faculty(conn, "employers").empty  # answered for the whole university
    student = measures.values(conn, "student_satisfaction").set_index("year")
    assert student.loc[2025, "value"] == pytest.approx(
        sat.loc[("2024-2025", "students"), "mean_score"]
    )


def test_measures_match_the_page_queries_and_count_academic_years_by_their_end(conn):
    exam(conn, "2024-2025", "P1", 80, 100)
    exam(conn, "2024-2025", "P2", 45, 50, faculty="F2")
    exam(conn, "2025-2026", "P1", 70, 100)
    rates = measures.values(conn, "exam_pass_rate")
    assert rates["year"].tolist() == [2025, 2026]
    assert rates.iloc[0]["value"] == pytest.approx(100 * 125 / 150)
    assert measures.values(conn, "exam_pass_rate", "F2")["value"].tolist() == [pytest.approx(90.0)]
    latest = measures.latest(conn, "exam_pass_rate")
    assert (latest["year"], latest["prev_year"]) == (2026, 2025)
    assert latest["value"] == pytest.approx(70.0)
    assert measures.year_label("exam_pass_rate", 2026) == "2025-2026"
    assert measures.year_label("staff_degree_share", 2026) == "2026"
    assert measures.latest(conn, "staff_degree_share")["year"] is None
    every = conn.execute(f"SELECT DISTINCT measure FROM ({measures.all_measures_sql()})").fetchall()
    assert {m for (m,) in every} == {"exam_pass_rate"}


def test_overview_counts_faculties_below_and_programmes_with_a_drop(conn):
    assert quality_alerts(conn) == {"degree_below": 0, "pass_rate_drops": 0}
    composition(conn, 2025, "F1", "D1", 10, candidates_of_science=5)
    composition(conn, 2025, "F2", "D1", 10, candidates_of_science=7)
    exam(conn, "2024-2025", "P1", 90, 100)
    exam(conn, "2025-2026", "P1", 70, 100)
    assert quality_alerts(conn) == {"degree_below": 1, "pass_rate_drops": 1}
    assert quality_alerts(conn, 0.75) == {"degree_below": 2, "pass_rate_drops": 1}
