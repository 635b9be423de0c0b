"""The demo's academic quality data: loaded through the pipeline, consistent, with its stories."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import demo
from pipelines.demo import LOAD_ORDER, build_demo, quality
from schemas import codes

QUALITY = ("exam_results", "graduates", "staff_composition", "staff_rating", "survey_results")


@pytest.fixture
def wh(demo_db):
    # Same configuration as the app's own connection, which a page test may still hold
    # in this process: DuckDB refuses a second, differently configured one.
    conn = duckdb.connect(str(demo_db))
    yield conn
    conn.close()


def rows(conn, sql: str, *params) -> list[tuple]:
    return conn.execute(sql, list(params)).fetchall()


def test_quality_datasets_load_after_programmes_with_plausible_counts(wh):
    assert LOAD_ORDER.index("programs") < LOAD_ORDER.index("exam_results")
    assert LOAD_ORDER.index("programs") < LOAD_ORDER.index("graduates")
    frames = demo.generate()
    counts = {name: rows(wh, f"SELECT count(*) FROM {name}")[0][0] for name in QUALITY}
    assert counts == {name: len(frames[name]) for name in QUALITY}
    assert 5000 < counts["exam_results"] < 10000
    assert 400 < counts["graduates"] < 600
    assert 200 < counts["staff_composition"] < 300
    assert 6000 < counts["staff_rating"] < 12000
    assert 500 < counts["survey_results"] < 800
    batches = rows(
        wh,
        "SELECT dataset, status, rows_rejected FROM upload_batches WHERE dataset IN "
        "('exam_results', 'graduates', 'staff_composition', 'staff_rating', 'survey_results')",
    )
    assert {(d, s, r) for d, s, r in batches} == {(name, "committed", 0) for name in QUALITY}


def test_sessions_follow_the_programmes(wh):
    years = [r[0] for r in rows(wh, "SELECT DISTINCT academic_year FROM exam_results ORDER BY 1")]
    assert tuple(years) == demo.ACADEMIC_YEARS
    assert rows(
        wh,
        "SELECT count(*) FROM exam_results e JOIN programs p USING (program_code) "
        "WHERE e.faculty IS DISTINCT FROM p.faculty",
    ) == [(0,)]
    # Every active programme has each kind of session every year.
    missing = rows(
        wh,
        "SELECT p.program_code, y.academic_year, s.session_type FROM programs p "
        "CROSS JOIN (SELECT DISTINCT academic_year FROM exam_results) y "
        "CROSS JOIN (SELECT unnest(?) AS session_type) s "
        "WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM exam_results e "
        "WHERE e.program_code = p.program_code AND e.academic_year = y.academic_year "
        "AND e.session_type = s.session_type)",
        [c for c in codes.SESSION_TYPE if c != "retake"],
    )
    assert missing == []
    assert rows(wh, "SELECT count(DISTINCT program_code) FROM exam_results WHERE session_type = "
                "'retake'")[0][0] > 60  # fmt: skip
    # A closed programme has no sessions after it closed.
    assert rows(
        wh,
        "SELECT max(academic_year) FROM exam_results JOIN programs USING (program_code) "
        "WHERE status = 'closed'",
    ) == [(quality.LAST_SESSION_YEAR["closed"],)]
    # State attestation is the last semester of the last course year.
    assert rows(
        wh,
        "SELECT DISTINCT semester FROM exam_results WHERE session_type = 'state_attestation'",
    ) == [(2,)]
    assert rows(
        wh,
        "SELECT count(*) FROM exam_results WHERE students_passed > students_total "
        "OR grade_a + grade_b + grade_c + grade_d + grade_f <> students_total",
    ) == [(0,)]


def test_grades_are_plausibly_distributed(wh):
    a, b, c, d, f, total, score = rows(
        wh,
        "SELECT sum(grade_a), sum(grade_b), sum(grade_c), sum(grade_d), sum(grade_f), "
        "sum(students_total), sum(avg_score * students_total) / sum(students_total) "
        "FROM exam_results WHERE session_type = 'regular'",
    )[0]
    assert min(a, b, c, d, f) > 0
    assert max(a, b, c, d, f) in (b, c)  # the middle grades are the most common
    assert 0.08 < f / total < 0.25
    assert 65 < score < 85
    retake = rows(
        wh,
        "SELECT sum(students_passed) / sum(students_total) FROM exam_results "
        "WHERE session_type = 'retake'",
    )[0][0]
    assert 0.5 < retake < 0.9


def test_one_programme_pass_rate_falls_by_more_than_ten_points_in_the_last_year(wh):
    drops = rows(
        wh,
        "WITH r AS (SELECT program_code, academic_year, "
        "sum(students_passed) / sum(students_total) AS rate FROM exam_results "
        "WHERE session_type = 'regular' GROUP BY ALL), "
        "d AS (SELECT program_code, academic_year, rate - lag(rate) OVER "
        "(PARTITION BY program_code ORDER BY academic_year) AS change FROM r) "
        "SELECT program_code, academic_year FROM d WHERE change < -0.10",
    )
    assert drops == [(quality.PASS_RATE_DROP_PROGRAM, demo.ACADEMIC_YEARS[-1])]


def test_graduates_come_from_the_state_attestation(wh):
    assert rows(
        wh,
        "SELECT count(*) FROM graduates g JOIN exam_results e USING (academic_year, "
        "program_code) WHERE e.session_type = 'state_attestation' "
        "AND g.graduates_total <> e.students_passed",
    ) == [(0,)]
    assert rows(
        wh,
        "SELECT count(*) FROM graduates g JOIN programs p USING (program_code) "
        "WHERE g.level <> p.level OR g.faculty <> p.faculty",
    ) == [(0,)]
    by_year = rows(
        wh,
        "SELECT academic_year, count(employed_within_year), "
        "sum(employed_within_year) / sum(graduates_total), sum(with_honours) "
        "FROM graduates GROUP BY 1 ORDER BY 1",
    )
    # Employment within a year is not known yet for the last year's graduates.
    assert by_year[-1][1] == 0
    for _, known, rate, honours in by_year[:-1]:
        assert known > 0 and 0.55 < rate < 0.9 and honours > 0


def test_staff_composition_adds_up_to_the_kpis(wh):
    staff = dict(
        ((year, code), value)
        for code, year, value in rows(
            wh,
            "SELECT code, year, value FROM kpi_values WHERE unit_scope = 'university' "
            "AND code IN ('academic_staff_fte', 'international_staff')",
        )
    )
    sums = rows(
        wh,
        "SELECT year, round(sum(fte), 1), sum(international_staff), min(headcount - fte) "
        "FROM staff_composition GROUP BY 1 ORDER BY 1",
    )
    assert [s[0] for s in sums] == list(demo.KPI_YEARS)
    for year, fte, international, slack in sums:
        assert fte == staff[(year, "academic_staff_fte")]
        assert international == staff[(year, "international_staff")] > 0
        assert slack >= 0


def test_one_faculty_is_below_the_degree_threshold(wh):
    shares = rows(
        wh,
        "SELECT year, faculty, sum(doctors_of_science + candidates_of_science + phd_holders) "
        "/ sum(headcount) FROM staff_composition GROUP BY ALL",
    )
    below = {(y, f) for y, f, s in shares if s < quality.DEGREE_THRESHOLD}
    assert below == {(y, quality.LOW_DEGREE_FACULTY) for y in demo.KPI_YEARS}
    assert {f for _, f, _ in shares} == set(demo.FACULTIES)


def test_staff_rating_covers_the_staff_except_one_small_faculty(wh):
    counts = {
        (y, f): (n, h)
        for y, f, n, h in rows(
            wh,
            "SELECT c.year, c.faculty, count(r.staff_code), any_value(c.hc) FROM "
            "(SELECT year, faculty, sum(headcount) AS hc FROM staff_composition GROUP BY ALL) c "
            "LEFT JOIN staff_rating r USING (year, faculty) "
            "WHERE c.year >= ? GROUP BY ALL",
            quality.RATING_YEARS[0],
        )
    }
    few = (quality.FEW_RATED_YEAR, quality.FEW_RATED_FACULTY)
    assert counts[few][0] == quality.FEW_RATED == 4
    assert all(n == h for key, (n, h) in counts.items() if key != few)
    assert min(n for key, (n, _) in counts.items() if key != few) >= 5
    # Pseudonymous codes, stable from year to year: the same person keeps one code.
    assert rows(wh, "SELECT count(*) FROM staff_rating WHERE staff_code NOT SIMILAR TO 'T[0-9]{5}'"
                ) == [(0,)]  # fmt: skip
    assert rows(
        wh,
        "SELECT count(*) FROM (SELECT staff_code FROM staff_rating "
        "GROUP BY 1 HAVING count(DISTINCT department) > 1)",
    ) == [(0,)]
    assert rows(
        wh,
        "SELECT count(*) FROM staff_rating WHERE total_score < least(teaching_score, "
        "research_score, service_score) - 0.05 OR total_score > greatest(teaching_score, "
        "research_score, service_score) + 0.05",
    ) == [(0,)]
    positions = {r[0] for r in rows(wh, "SELECT DISTINCT position FROM staff_rating")}
    assert positions == set(codes.STAFF_POSITION)


def test_surveys_ask_the_four_groups_in_three_languages(wh):
    groups = {r[0] for r in rows(wh, "SELECT DISTINCT respondent_group FROM survey_results")}
    assert groups == set(codes.RESPONDENT_GROUP)
    questions = rows(
        wh,
        "SELECT DISTINCT question_code, question_ky, question_ru, question_en FROM survey_results",
    )
    assert 8 <= len(questions) <= 12
    assert len({q[0] for q in questions}) == len(questions)  # one text per question code
    for _, ky, ru, en in questions:
        assert ky and ru and en and len({ky, ru, en}) == 3
        assert any(ch in ky for ch in "өүң") or ky != ru
    assert rows(
        wh,
        "SELECT DISTINCT faculty IS NULL FROM survey_results WHERE respondent_group = 'employers'",
    ) == [(True,)]
    assert rows(
        wh,
        "SELECT min(mean_score) >= 1 AND max(mean_score) <= 5 AND min(share_satisfied) >= 0 "
        "AND max(share_satisfied) <= 1 AND min(responses) > 0 FROM survey_results",
    ) == [(True,)]
    trend = rows(
        wh,
        "SELECT academic_year, avg(mean_score) FROM survey_results "
        "WHERE respondent_group = 'students' GROUP BY 1 ORDER BY 1",
    )
    assert trend[-1][1] > trend[0][1]


def test_the_demo_build_reports_every_quality_dataset(tmp_path):
    # How long the build takes is measured by `python -m benchmarks --only demo`.
    counts = build_demo(tmp_path / "demo.duckdb")
    assert all(counts[name] > 0 for name in QUALITY)
