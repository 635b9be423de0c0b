"""Demo rankings: published and invented positions, and the indicator scores behind them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pipelines.demo.catalogue import (
    ALATOO,
    ARABAEV,
    AUCA,
    BSU,
    COUNTRY,
    DEMO,
    ENU,
    FARABI,
    HOME,
    INSTITUTIONS,
    KEU,
    KNAU,
    KNU,
    KRSU,
    KSMA,
    KSTU,
    KTMU,
    NUUZ,
    PUBLISHED,
    TNU,
)
from pipelines.parsing import parse_rank

# Published positions (README "Facts about Kyrgyz universities" and the QS/THE tables in
# shared/data/public/rankings). Scores only where the table prints one.
PUBLISHED_RESULTS: tuple[tuple[str, int, str, str, float | None], ...] = (
    ("qs_wur", 2024, KTMU, "851-900", None),
    ("qs_wur", 2024, FARABI, "=230", 41.6),
    ("qs_wur", 2024, ENU, "=355", 30.9),
    ("qs_wur", 2025, KRSU, "851-900", None),
    ("qs_wur", 2025, KTMU, "901-950", None),
    ("qs_wur", 2025, KSTU, "1201-1400", None),
    ("qs_wur", 2025, FARABI, "163", 51.0),
    ("qs_wur", 2025, ENU, "321", 34.2),
    ("qs_wur", 2025, NUUZ, "781-790", None),
    ("qs_wur", 2026, AUCA, "901-950", None),
    ("qs_wur", 2026, KTMU, "951-1000", None),
    ("qs_wur", 2026, KRSU, "1001-1200", None),
    ("qs_wur", 2026, KNU, "1201-1400", None),
    ("qs_wur", 2026, KSTU, "1201-1400", None),
    ("qs_wur", 2026, FARABI, "166", 59.8),
    ("qs_wur", 2026, ENU, "317", 43.9),
    ("qs_wur", 2026, NUUZ, "721-730", None),
    ("qs_asia", 2026, HOME, "316", None),
    ("qs_asia", 2026, KTMU, "230", None),
    ("qs_eeca", 2021, AUCA, "138", None),
    ("qs_eeca", 2021, KTMU, "183", None),
    ("greenmetric", 2022, KTMU, "710", None),
    ("the_wur", 2024, KTMU, "Reporter", None),
    ("the_wur", 2024, FARABI, "1201–1500", None),
    ("the_wur", 2024, ENU, "1501+", None),
    ("the_wur", 2024, NUUZ, "Reporter", None),
)
# The Ministry's first national ranking: the published scores; ranks follow the scores.
NATIONAL_2024: tuple[tuple[str, float], ...] = (
    (KSMA, 461.56),
    (ALATOO, 453.58),
    (KSTU, 436.74),
    (HOME, 415.84),
    (KRSU, 412.74),
    (KNU, 404.36),
    (KNAU, 403.54),
    (ARABAEV, 352.92),
    (KEU, 324.3),
    (BSU, 318.12),
)
# Invented next edition (one tie, as the Ministry may publish).
NATIONAL_2025_DEMO: tuple[tuple[str, float], ...] = (
    (KSMA, 466.20),
    (ALATOO, 458.91),
    (KSTU, 441.35),
    (HOME, 421.70),
    (KRSU, 421.70),
    (KNU, 409.82),
    (KNAU, 401.27),
    (ARABAEV, 359.44),
    (BSU, 327.63),
    (KEU, 326.08),
)
# Invented history: QS Asia 2021..2026 (2026 of HOME and KTMU are published, see above).
QS_ASIA_DEMO: dict[str, tuple[str, ...]] = {
    HOME: ("501-550", "451-500", "401-450", "351-400", "=338"),
    KTMU: ("261-270", "251-260", "241", "=236", "228"),
    AUCA: ("351-400", "351-400", "301-350", "281", "266", "259"),
    KRSU: ("401-450", "351-400", "351-400", "331", "318", "305"),
    KNU: ("451-500", "401-450", "401-450", "371", "=356", "342"),
    KSTU: ("501-550", "501-550", "451-500", "451-500", "401-450", "391"),
    FARABI: ("48", "44", "46", "43", "=40", "38"),
    ENU: ("81", "76", "79", "72", "68", "=63"),
    NUUZ: ("401-450", "351-400", "351-400", "321", "301", "287"),
    TNU: ("601-650", "551-600", "551-600", "501-550", "451-500", "451-500"),
}
OTHER_DEMO_RESULTS: tuple[tuple[str, int, str, str], ...] = (
    ("qs_wur", 2025, HOME, "1401+"),
    ("qs_wur", 2026, HOME, "1201-1400"),
    ("the_wur", 2024, HOME, "Reporter"),
    ("the_wur", 2025, HOME, "1501+"),
    ("the_wur", 2025, FARABI, "1201–1500"),
    ("the_wur", 2025, ENU, "1501+"),
    ("the_wur", 2025, NUUZ, "1501+"),
    ("the_wur", 2025, KTMU, "Reporter"),
    ("the_wur", 2026, HOME, "1501+"),
    ("the_wur", 2026, FARABI, "1001–1200"),
    ("the_wur", 2026, ENU, "1501+"),
    ("the_wur", 2026, NUUZ, "1501+"),
    ("the_wur", 2026, KTMU, "1501+"),
    ("the_wur", 2026, KNU, "Reporter"),
    ("qs_eeca", 2021, HOME, "251-300"),
    ("qs_eeca", 2021, KNU, "251-300"),
    ("qs_eeca", 2021, KRSU, "201-250"),
    ("greenmetric", 2022, HOME, "846"),
    ("greenmetric", 2023, HOME, "812"),
    ("greenmetric", 2024, HOME, "779"),
    ("greenmetric", 2023, KTMU, "702"),
    ("greenmetric", 2024, KTMU, "695"),
)

QS_ASIA_INDICATORS = (
    "academic_reputation",
    "employer_reputation",
    "faculty_student",
    "citations_per_paper",
    "international_research_network",
    "papers_per_faculty",
    "staff_with_phd",
    "international_students",
    "international_faculty",
    "inbound_exchange",
    "outbound_exchange",
)
QS_WUR_INDICATORS = (
    "academic_reputation",
    "employer_reputation",
    "faculty_student",
    "citations_per_faculty",
    "international_faculty",
    "international_students",
    "international_research_network",
    "employment_outcomes",
    "sustainability",
)
QS_WUR_2026_EXTRA = ("international_student_diversity",)
THE_INDICATORS = (
    "teaching",
    "research_environment",
    "research_quality",
    "international_outlook",
    "industry",
)
INDICATOR_EDITIONS = (
    *(("qs_asia", y) for y in range(2021, 2027)),
    ("qs_wur", 2025),
    ("qs_wur", 2026),
    ("the_wur", 2025),
    ("the_wur", 2026),
)

# Published QS WUR indicator score/rank pairs ('-' = not published), in the order of
# QS_WUR_INDICATORS (+ international_student_diversity after international_students in 2026).
_QS25 = QS_WUR_INDICATORS
_QS26 = (*QS_WUR_INDICATORS[:6], *QS_WUR_2026_EXTRA, *QS_WUR_INDICATORS[6:])
PUBLISHED_INDICATORS: dict[tuple[int, str], str] = {
    (2025, FARABI): "54.2/146 79.6/77 99.3/33 1.4/701+ 49/370 54.2/272 64.7/561 59.6/206 29.8/445=",
    (2025, ENU): "34.4/256 62/130 92.6/76 1.4/701+ 68.7/289 8.2/701+ 22.8/701+ 5.5/701+ 10.5/655=",
    (2025, NUUZ): "25.5/347 15.8/540 5.2/701+ 1.3/701+ 89/197 2.5/701+ 11.8/701+ 20.4/559 1.4/701+",
    (2025, KRSU): "9.3/601+ 7/601+ 99.8/26 1/701+ - - 3.1/701+ 24.1/470 -",
    (2025, KTMU): "15.1/583 10.9/601+ 10.7/701+ 1.7/701+ 90.5/189 19.7/549 7.1/701+ 5.7/701+ "
    "1/701+",
    (2025, KSTU): "14.6/598 7/601+ 12/701+ 1/701+ 2.6/701+ 5.8/701+ 1.2/701+ 22.6/506 -",
    (2026, FARABI): "60.7/172 86.3/85 99.6/36 2.1/801+ 80.9/288 83.2/204 79.3/213 75.7/426 "
    "66.2/234 62.8/443",
    (2026, ENU): "40.1/300 85.8/86 94.7/78 2/801+ 84.6/262 25.8/649 27.2/650 31.4/801+ "
    "7.5/801+ 46.6/801+",
    (2026, NUUZ): "29.7/412 38.9/355 7.5/801+ 1.9/801+ 92.9/200 6.8/801+ 10.4/801+ 21.3/801+ "
    "30.4/545 43.5/801+",
    (2026, AUCA): "12.7/701+ 14.5/701+ 60.9/296 2.4/801+ 58/398 96.4/105 81.5/193 4.3/801+ "
    "6.6/801+ 7.5/801+",
    (2026, KTMU): "19.2/642 23/579 14.5/801+ 3/801+ 95.3/175 28.2/613 26.6/663 8.2/801+ "
    "7.9/801+ 33.1/801+",
    (2026, KRSU): "10.9/701+ 13.4/701+ 99.9/30 1/801+ - - - 1.6/801+ 35.4/486 -",
    (2026, KNU): "14.3/701+ 12.6/701+ 28.4/671 1.1/801+ 2.6/801+ 14/801+ 16.2/801+ 4.5/801+ "
    "51.7/327 -",
    (2026, KSTU): "16.1/701+ 15.1/701+ 13.9/801+ 1/801+ 10.7/801+ 11.5/801+ 14.2/801+ 1.1/801+ "
    "30.6/542 8.5/801+",
}
# The home university's indicator levels (its strengths: international students, staff with
# a doctorate; its weaknesses: citations, international faculty).
HOME_LEVELS: dict[str, float] = {
    "academic_reputation": 9,
    "employer_reputation": 11,
    "faculty_student": 24,
    "citations_per_paper": 4,
    "international_research_network": 7,
    "papers_per_faculty": 3,
    "staff_with_phd": 27,
    "international_students": 52,
    "international_faculty": 4,
    "inbound_exchange": 7,
    "outbound_exchange": 9,
    "citations_per_faculty": 1.2,
    "employment_outcomes": 21,
    "sustainability": 4,
    "international_student_diversity": 18,
    "teaching": 14,
    "research_environment": 9,
    "research_quality": 11,
    "international_outlook": 41,
    "industry": 17,
}


def _qs_asia_score(rank: int) -> float:
    # QS prints an overall score for exact ranks; it falls off roughly exponentially.
    return round(100 * math.exp(-rank / 250), 1)


def ranking_rows() -> list[dict[str, Any]]:
    """ranking_results: the published positions, the invented history, the national ranking."""
    entries: list[tuple[str, int, str, str, float | None, str]] = [
        (r, y, inst, disp, score, PUBLISHED) for r, y, inst, disp, score in PUBLISHED_RESULTS
    ]
    for inst, history in QS_ASIA_DEMO.items():
        for year, disp in zip(range(2021, 2027), history, strict=False):
            rank = parse_rank(disp)
            score = _qs_asia_score(rank.low) if not rank.is_band and rank.low else None
            entries.append(("qs_asia", year, inst, disp, score, DEMO))
    entries += [(r, y, inst, disp, None, DEMO) for r, y, inst, disp in OTHER_DEMO_RESULTS]
    for year, table, source in ((2024, NATIONAL_2024, PUBLISHED), (2025, NATIONAL_2025_DEMO, DEMO)):
        scores = [s for _, s in table]
        for inst, score in table:
            better = sum(s > score for s in scores)
            tie = scores.count(score) > 1
            entries.append(
                ("national_kg", year, inst, f"{'=' if tie else ''}{better + 1}", score, source)
            )
    rows = []
    for ranking, year, inst, disp, score, source in sorted(entries, key=lambda e: e[:3]):
        # The upload pipeline's own parser, so the demo derives its rank columns as an
        # uploaded table would.
        rank = parse_rank(disp)
        rows.append(
            {
                "ranking": ranking,
                "year": year,
                "institution": inst,
                "country": COUNTRY[inst],
                "rank_display": disp,
                "rank_low": rank.low,
                "rank_high": rank.high,
                "is_tie": rank.is_tie,
                "is_band": rank.is_band,
                "overall_score": score,
                "source": source,
            }
        )
    return rows


def indicator_rows(rng: np.random.Generator, results: list[dict[str, Any]]) -> list[dict]:
    """ranking_indicator_scores of every edition an institution is ranked in: the published
    QS WUR pairs where there are some, else invented scores that follow its position."""
    ranked = {
        (r["ranking"], r["year"], r["institution"]): r["rank_low"]
        for r in results
        if r["rank_low"] is not None
    }
    rows: list[dict[str, Any]] = []
    levels: dict[tuple[str, str], float] = {}
    for ranking, year in INDICATOR_EDITIONS:
        if ranking == "qs_asia":
            indicators = QS_ASIA_INDICATORS
        elif ranking == "qs_wur":
            indicators = _QS26 if year >= 2026 else _QS25
        else:
            indicators = THE_INDICATORS
        for inst, _, _ in INSTITUTIONS:
            low = ranked.get((ranking, year, inst))
            if low is None:
                continue
            published = PUBLISHED_INDICATORS.get((year, inst)) if ranking == "qs_wur" else None
            if published:
                for ind, pair in zip(indicators, published.split(), strict=True):
                    if pair == "-":
                        continue
                    score, rank = pair.split("/")
                    rows.append(_indicator_row(ranking, year, inst, ind, float(score), rank))
                continue
            # Demo scores: an institution's level per indicator, lifted by its position.
            strength = {
                "qs_asia": (600 / low) ** 0.35,
                "qs_wur": (1500 / low) ** 0.3,
                "the_wur": (1600 / low) ** 0.3,
            }[ranking]
            for ind in indicators:
                key = (inst, ind)
                if key not in levels:
                    levels[key] = HOME_LEVELS[ind] if inst == HOME else float(rng.uniform(4, 40))
                score = levels[key] * strength * (1 + 0.03 * (year - 2021))
                # Gentle year-to-year wobble, proportional to the level.
                score *= 1 + rng.normal(0, 0.04)
                score = round(float(np.clip(score + rng.normal(0, 0.3), 1, 100)), 1)
                display = None
                if ranking != "the_wur" and rng.random() < 0.15:
                    position = int((101 - score) ** 1.45)
                    cap = {"qs_asia": 501, "qs_wur": 701 if year < 2026 else 801}[ranking]
                    display = f"{cap}+" if position >= cap else str(max(position, 1))
                rows.append(_indicator_row(ranking, year, inst, ind, score, display))
    return rows


def _indicator_row(
    ranking: str, year: int, inst: str, indicator: str, score: float, display: str | None
) -> dict[str, Any]:
    # Most indicator scores come without a rank: then both rank columns stay empty.
    rank = parse_rank(display) if display is not None else None
    return {
        "ranking": ranking,
        "year": year,
        "institution": inst,
        "indicator": indicator,
        "score": score,
        "rank_display": display,
        "rank_low": rank.low if rank else None,
        "rank_high": rank.high if rank else None,
    }
