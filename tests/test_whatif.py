"""What-if arithmetic against hand-computed cases."""

import pandas as pd
import pytest

from sapat.whatif import estimate_position, weighted_score

QS_ASIA = {
    "academic_reputation": 30,
    "employer_reputation": 20,
    "faculty_student": 10,
    "citations_per_paper": 10,
    "international_research_network": 10,
    "papers_per_faculty": 5,
    "staff_with_phd": 5,
    "international_students": 2.5,
    "international_faculty": 2.5,
    "inbound_exchange": 2.5,
    "outbound_exchange": 2.5,
}


def test_weighted_score_by_hand():
    scores = {
        "academic_reputation": 50,
        "employer_reputation": 40,
        "faculty_student": 80,
        "citations_per_paper": 10,
        "international_research_network": 20,
        "papers_per_faculty": 30,
        "staff_with_phd": 60,
        "international_students": 100,
        "international_faculty": 0,
        "inbound_exchange": 40,
        "outbound_exchange": 20,
    }
    # 15 + 8 + 8 + 1 + 2 + 1.5 + 3 + 2.5 + 0 + 1 + 0.5 = 42.5
    assert weighted_score(scores, QS_ASIA) == pytest.approx(42.5)


def test_raising_one_indicator_adds_its_weight_share():
    base = dict.fromkeys(QS_ASIA, 50.0)
    assert weighted_score(base, QS_ASIA) == pytest.approx(50)
    base["academic_reputation"] = 60  # +10 points × 30 % = +3
    assert weighted_score(base, QS_ASIA) == pytest.approx(53)


def test_missing_scores_rescale_the_remaining_weights():
    weights = {"a": 30, "b": 20, "c": 50}
    assert weighted_score({"a": 50, "b": 100, "c": 20}, weights) == pytest.approx(45)
    assert weighted_score({"a": 50, "b": 100, "c": None}, weights) == pytest.approx(70)
    assert weighted_score({}, weights) is None
    assert weighted_score({"d": 10}, {"d": 0}) is None  # unweighted lenses do not count


EDITION = pd.DataFrame(
    {
        "institution": list("ABCDEF"),
        "rank_display": ["1", "2", "=3", "=3", "501-510", "1401+"],
        "rank_low": [1, 2, 3, 3, 501, 1401],
        "overall_score": [90.0, 80.0, 70.0, 70.0, 30.0, None],
    }
)


def test_position_among_published_scores():
    pos = estimate_position(75, EDITION)
    assert (pos.rank, pos.near, pos.known, pos.beyond) == (3, "=3", 5, False)
    assert estimate_position(95, EDITION).rank == 1
    assert estimate_position(40, EDITION).near == "501-510"  # would sit in that band


def test_below_every_published_score_is_said_as_such():
    pos = estimate_position(10, EDITION)
    assert pos.beyond and pos.rank == 6 and pos.last_published == "501-510"


def test_no_published_scores():
    empty = EDITION.assign(overall_score=None)
    pos = estimate_position(50, empty)
    assert pos.rank is None and pos.known == 0
