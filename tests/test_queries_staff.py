"""sapat.queries.staff on a fresh warehouse: the degree share and the rating's privacy floor."""

from __future__ import annotations

import math

import pytest

from sapat.queries import measures as msq
from sapat.queries import staff as sq
from tests.factories import insert


def composition(conn, year: int, faculty: str, department: str, headcount: int, **parts) -> None:
    insert(
        conn,
        "staff_composition",
        year=year,
        faculty=faculty,
        department=department,
        headcount=headcount,
        **parts,
    )


def rated(conn, year: int, faculty: str, people: int, start: float = 50.0) -> None:
    """``people`` ratings in ``faculty``, total scores start, start + 1, …"""
    for i in range(people):
        score = start + i
        scores = ("teaching_score", "research_score", "service_score", "total_score")
        insert(
            conn,
            "staff_rating",
            year=year,
            staff_code=f"{faculty}-{year}-{i}",
            faculty=faculty,
            **dict.fromkeys(scores, score),
        )


@pytest.mark.parametrize(
    ("with_degree", "headcount", "below"),
    [(60, 100, False), (59, 100, True), (3, 5, False), (61, 100, False), (0, 10, True)],
)
def test_degree_share_threshold_boundary(conn, with_degree, headcount, below):
    composition(conn, 2025, "F1", "D1", headcount, candidates_of_science=with_degree)
    row = sq.degree_share(conn, 2025, 0.60).iloc[0]
    assert row["degree_share"] == pytest.approx(with_degree / headcount)
    assert bool(row["below"]) is below


def test_degree_share_adds_every_degree_and_the_departments(conn):
    composition(conn, 2024, "F1", "D1", 10, candidates_of_science=5)
    composition(
        conn, 2025, "F1", "D1", 10, doctors_of_science=1, candidates_of_science=3, phd_holders=1
    )
    composition(conn, 2025, "F1", "D2", 10, candidates_of_science=4)  # blank cells count 0
    composition(conn, 2025, "F2", "D1", 20, candidates_of_science=15)
    shares = sq.degree_share(conn, 2025, 0.6).set_index("faculty")
    assert shares.loc["F1", "with_degree"] == 9 and shares.loc["F1", "headcount"] == 20
    assert shares.loc["F1", "degree_share"] == pytest.approx(0.45)
    assert shares.loc["F1", "previous_share"] == pytest.approx(0.5)
    assert shares.index.tolist() == ["F1", "F2"]  # the lowest first
    assert shares["below"].tolist() == [True, False]
    whole = sq.composition_by_year(conn).set_index("year")
    assert whole.loc[2025, "degree_share"] == pytest.approx(24 / 40)
    assert whole.loc[2025, "without_degree"] == 16
    assert msq.values(conn, "staff_degree_share").set_index("year").loc[
        2025, "value"
    ] == pytest.approx(60.0)


def test_a_faculty_of_four_rated_people_is_hidden_and_five_are_shown(conn):
    rated(conn, 2025, "SMALL", 4, start=90)
    rated(conn, 2025, "FIVE", 5, start=60)
    rated(conn, 2025, "BIG", 30, start=40)
    summary = sq.rating_summary(conn, 2025).set_index("faculty")
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
        sq.rating_summary(conn, 2025, min_group=3)
        .loc[lambda f: f["faculty"] == "SMALL", "hidden"]
        .item()
        is False
    )


def test_rating_trend_leaves_out_groups_under_five(conn):
    rated(conn, 2024, "SMALL", 4)
    rated(conn, 2025, "SMALL", 5)
    trend = sq.rating_trend(conn, "SMALL")
    assert trend["year"].tolist() == [2025]
    assert sq.rating_rows(conn, 2024, "SMALL")["staff_code"].size == 4
