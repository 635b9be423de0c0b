"""What-if arithmetic: a weighted score under a methodology, and where it would place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd


def weighted_score(
    scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """Σ score × weight / Σ weight over the weighted indicators that have a score.

    Missing scores are left out and the remaining weights rescaled, so the result stays
    on the 0–100 scale of the indicator scores.
    """
    used = [(scores[k], w) for k, w in weights.items() if w and scores.get(k) is not None]
    total = sum(w for _, w in used)
    if not total:
        return None
    return sum(s * w for s, w in used) / total


@dataclass(frozen=True)
class Position:
    """Where a score would stand among an edition's institutions with a published score."""

    rank: int | None  # 1 + the number of institutions with a higher published score
    near: str | None  # the published rank text at that place (a band when it is one)
    known: int  # institutions whose overall score is published
    beyond: bool  # below every published score: the agency publishes no scores further down
    last_published: str | None  # the rank text of the lowest published score


def estimate_position(score: float | None, edition: pd.DataFrame) -> Position:
    """Place ``score`` among ``edition`` rows (overall_score, rank_display, rank_low)."""
    known = edition.dropna(subset=["overall_score"]).sort_values(
        ["overall_score", "rank_low"], ascending=[False, True]
    )
    if score is None or known.empty:
        return Position(None, None, len(known), False, None)
    better = int((known["overall_score"] > score).sum())
    last = known.iloc[-1]["rank_display"]
    if better == len(known):
        return Position(better + 1, None, len(known), True, last)
    return Position(better + 1, known.iloc[better]["rank_display"], len(known), False, last)
