"""Ranking queries and charts on a small hand-made warehouse: bands, ties, weights, peers."""

import pandas as pd
import pytest

from sapat.charts.rankings import peer_scores, rank_history
from sapat.queries import rankings as rq
from tests.factories import insert

HOME = "Osh State University"


@pytest.fixture
def ranked(conn):
    insert(conn, "institutions", name=HOME, aliases=["ОшМУ"], country="Kyrgyzstan", is_home=True)
    insert(conn, "institutions", name="Kyrgyz-Turkish Manas University", country="Kyrgyzstan")
    rows = [
        ("qs_wur", 2024, HOME, "Kyrgyzstan", "851-900", 851, 900, False, True, None),
        ("qs_wur", 2025, HOME, "Kyrgyzstan", "801-850", 801, 850, False, True, None),
        ("qs_wur", 2026, HOME, "Kyrgyzstan", "=790", 790, 790, True, False, 30.5),
        (
            "qs_wur",
            2026,
            "Kyrgyz-Turkish Manas University",
            "Kyrgyzstan",
            "951-1000",
            951,
            1000,
            False,
            True,
            None,
        ),
        (
            "qs_wur",
            2026,
            "Al-Farabi Kazakh National University",
            "Kazakhstan",
            "=150",
            150,
            150,
            True,
            False,
            60.0,
        ),
        ("qs_wur", 2026, "Harvard University", "United States", "4", 4, 4, False, False, 98.0),
        ("the_wur", 2025, HOME, "Kyrgyzstan", "Reporter", None, None, False, False, None),
        ("the_wur", 2026, HOME, "Kyrgyzstan", "1501+", 1501, None, False, True, None),
    ]
    conn.executemany(
        "INSERT INTO ranking_results (ranking, year, institution, country, rank_display, rank_low,"
        " rank_high, is_tie, is_band, overall_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    scores = [
        ("qs_wur", 2025, HOME, "academic_reputation", 10.0),
        ("qs_wur", 2025, HOME, "citations_per_faculty", 5.0),
        ("qs_wur", 2026, HOME, "academic_reputation", 14.0),
        ("qs_wur", 2026, HOME, "citations_per_faculty", 4.0),
        ("qs_wur", 2026, HOME, "international_student_diversity", 50.0),
        ("qs_wur", 2026, "Al-Farabi Kazakh National University", "academic_reputation", 40.0),
    ]
    conn.executemany(
        "INSERT INTO ranking_indicator_scores (ranking, year, institution, indicator, score) "
        "VALUES (?, ?, ?, ?, ?)",
        scores,
    )
    return conn


def test_history_is_band_aware(ranked):
    frame = rq.history(ranked, "qs_wur", (HOME,))
    assert frame["rank_display"].tolist() == ["851-900", "801-850", "=790"]
    assert frame["movement"].tolist() == ["new", "up", "up"]
    the = rq.history(ranked, "the_wur", (HOME,))
    assert the["movement"].tolist() == ["new", "new"]  # a Reporter row is no rank to compare


def test_breakdown_weights_contributions_and_changes(ranked):
    parts = rq.breakdown(ranked, "qs_wur", 2026, HOME).set_index("indicator")
    ar = parts.loc["academic_reputation"]
    assert (ar["weight"], ar["score"], ar["prev_score"], ar["change"]) == (30, 14, 10, 4)
    assert ar["contribution"] == pytest.approx(4.2)  # 14 × 30 %
    assert ar["weighted_change"] == pytest.approx(1.2)
    cpf = parts.loc["citations_per_faculty"]
    assert cpf["weighted_change"] == pytest.approx(-0.2)
    assert parts.loc["international_student_diversity", "weight"] == 0
    # Indicators of the methodology without a score are listed, with no score.
    assert pd.isna(parts.loc["employment_outcomes", "score"])
    assert rq.breakdown(ranked, "qs_wur", 2023, HOME)["weight"].sum() == 100  # pre-2024 set


def test_peer_candidates_put_home_then_central_asia_first(ranked):
    peers = rq.peer_candidates(ranked, "qs_wur")
    assert peers.iloc[0]["institution"] == HOME
    suggested = peers[peers["suggested"]]["institution"].tolist()
    assert "Al-Farabi Kazakh National University" in suggested
    assert "Kyrgyz-Turkish Manas University" in suggested
    assert "Harvard University" not in suggested


def test_rank_history_draws_bands_as_ranges_and_skips_unranked(ranked):
    frame = rq.history(ranked, "qs_wur", (HOME,))
    fig = rank_history(frame, "en", HOME)
    bars = [t for t in fig.data if t.type == "bar"]
    points = [t for t in fig.data if t.type == "scatter"]
    assert list(bars[0].base) == [851, 801]
    assert list(bars[0].y) == [49, 49]  # 851 → 900 and 801 → 850, never a midpoint
    assert [c[2] for c in bars[0].customdata] == ["851-900", "801-850"]
    ys = list(points[0].y)
    assert pd.isna(ys[0]) and pd.isna(ys[1]) and ys[2] == 790  # bands are not points
    assert list(points[0].marker.symbol) == ["circle", "circle", "diamond"]  # the tie
    assert fig.layout.yaxis.autorange == "reversed"  # better is up
    the = rank_history(rq.history(ranked, "the_wur", (HOME,)), "en", HOME)
    drawn = {c[2] for t in the.data for c in t.customdata}
    assert drawn == {"1501+"}  # the Reporter edition is listed under the chart, not drawn
    # An open band is an arrow at its best rank, with no bar to an invented worse bound.
    assert not [t for t in the.data if t.type == "bar"]
    (arrow,) = [t for t in the.data if t.type == "scatter" and t.marker.symbol == "arrow-down"]
    assert list(arrow.y) == [1501]


def test_peer_chart_and_scores(ranked):
    chosen = (HOME, "Al-Farabi Kazakh National University")
    frame = rq.history(ranked, "qs_wur", chosen)
    fig = rank_history(frame, "ru", HOME)
    assert {t.name for t in fig.data} == set(chosen)
    assert fig.layout.yaxis.type == "log"  # 150th and 790th on one readable axis
    scores = rq.peer_scores(ranked, "qs_wur", 2026, chosen)
    bars = peer_scores(scores, "en", HOME)
    assert [t.name for t in bars.data] == list(chosen)
