"""sapat.queries.measures: the same figures as the pages' queries, by calendar year."""

from __future__ import annotations

import pytest

from sapat.queries import measures as msq
from tests.factories import insert


def exam(conn, year: str, program: str, passed: int, total: int, faculty: str = "F1") -> None:
    insert(
        conn,
        "exam_results",
        academic_year=year,
        faculty=faculty,
        program_code=program,
        students_total=total,
        students_passed=passed,
    )


def test_measures_match_the_page_queries_and_count_academic_years_by_their_end(conn):
    exam(conn, "2024-2025", "P1", 80, 100)
    exam(conn, "2024-2025", "P2", 45, 50, "F2")
    exam(conn, "2025-2026", "P1", 70, 100)
    rates = msq.values(conn, "exam_pass_rate")
    assert rates["year"].tolist() == [2025, 2026]
    assert rates.iloc[0]["value"] == pytest.approx(100 * 125 / 150)
    assert msq.values(conn, "exam_pass_rate", "F2")["value"].tolist() == [pytest.approx(90.0)]
    latest = msq.latest(conn, "exam_pass_rate")
    assert (latest["year"], latest["prev_year"]) == (2026, 2025)
    assert latest["value"] == pytest.approx(70.0)
    assert msq.year_label("exam_pass_rate", 2026) == "2025-2026"
    assert msq.year_label("staff_degree_share", 2026) == "2026"
    assert msq.latest(conn, "staff_degree_share")["year"] is None
    every = conn.execute(f"SELECT DISTINCT measure FROM ({msq.all_measures_sql()})").fetchall()
    assert {m for (m,) in every} == {"exam_pass_rate"}
