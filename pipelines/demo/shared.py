"""Helpers every demo domain uses: weighted draws, day counts, month steps, typed frames."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipelines.parsing import DTYPES
from schemas.registry import DATASETS


class Choice:
    """Weighted choice driven by one uniform draw (far cheaper than rng.choice per row)."""

    def __init__(self, weights: dict[str, float] | Sequence[tuple[str, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        items = [(k, w) for k, w in items if w > 0]
        self.keys = [k for k, _ in items]
        self.cum = np.cumsum([w for _, w in items], dtype=float)
        self.cum /= self.cum[-1]

    def __call__(self, rng: np.random.Generator) -> str:
        return self.keys[
            min(int(np.searchsorted(self.cum, rng.random(), side="right")), len(self.keys) - 1)
        ]


def draw_days(rng: np.random.Generator, low: int, high: int) -> int:
    """A whole number of days in [low, high]."""
    return int(rng.integers(low, high + 1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clipped to the end of a shorter month."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def apportion(weights: np.ndarray, total: float) -> np.ndarray:
    """Whole parts of ``total`` in proportion to ``weights`` that sum to it exactly: each
    part rounded down, the rest handed out one by one to the largest remainders."""
    raw = weights / weights.sum() * total
    parts = np.floor(raw)
    remainder = int(round(total - parts.sum()))
    parts[np.argsort(-(raw - parts), kind="stable")[:remainder]] += 1
    return parts


def split_total(
    rng: np.random.Generator | None, total: float, shares: dict[str, float]
) -> dict[str, float]:
    """Split a count over faculties (noisy shares when rng is given); parts sum to total."""
    weights = np.array(list(shares.values()), dtype=float)
    if rng is not None:
        weights = weights * rng.uniform(0.93, 1.07, size=len(weights))
    return dict(zip(shares, apportion(weights, total).tolist(), strict=True))


def _column(values: list[Any], kind: str) -> pd.Series | pd.api.extensions.ExtensionArray:
    dtype = DTYPES[kind]
    if kind == "date":
        stamps = [pd.NaT if v is None else pd.Timestamp(v) for v in values]
        return pd.Series(stamps, dtype="datetime64[us]")
    if dtype == "str":
        return pd.Series(values, dtype="str")
    return pd.array(values, dtype=dtype)


def to_frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows → a frame with the model's columns, in its order, with the warehouse dtypes."""
    schema = DATASETS[name].schema
    data = {
        col: _column([r.get(col) for r in rows], spec.metadata["kind"])
        for col, spec in schema.columns.items()
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
