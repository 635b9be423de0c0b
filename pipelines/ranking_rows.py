"""Typed rows of a ranking import: indicator scores column-wise, and the schema checks of both."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.parsing import clean, parse_series
from pipelines.problems import Problem
from pipelines.ranking_layouts import ROLE_COLUMN, Layout
from pipelines.ranking_ranks import parse_problems, rank_parts
from pipelines.validate import validate
from schemas.registry import get_dataset

RESULTS = get_dataset("ranking_results")
INDICATORS = get_dataset("ranking_indicator_scores")


@dataclass
class Built:
    """Typed results and indicator rows, indexed by file row / by position."""

    results: pd.DataFrame
    indicators: pd.DataFrame  # model columns + _row (file row) + _score/_rank (headers)
    problems: list[Problem]
    raw: pd.DataFrame  # the body as written, keyed by header text


def indicator_rows(
    body: pd.DataFrame,
    layout: Layout,
    results: pd.DataFrame,
    problems: list[Problem],
    sheet: str | None,
) -> pd.DataFrame:
    """One row per institution and published indicator (score and/or rank), column-wise."""
    headers, n = layout.headers, len(body)
    codes, scores, ranks, flagged, score_headers, rank_headers = [], [], [], [], [], []
    no_rank = pd.Series([None] * n, index=body.index, dtype=object)
    for code, (score_pos, rank_pos) in layout.indicators.items():
        if score_pos is not None:
            score, errors = parse_series(body[score_pos], "float")
            problems += parse_problems(errors, body, score_pos, headers[score_pos], "score", sheet)
            bad = errors.notna()
        else:
            score, bad = pd.Series(None, index=body.index, dtype="Float64"), False
        if rank_pos is not None:
            rank_raw = body[rank_pos]
            # THE gives unscored (Reporter) institutions the pillar rank "0": no rank.
            zero = rank_raw.astype("str").str.strip().eq("0").fillna(False).astype(bool)
            rank, errors = parse_series(rank_raw.mask(zero & score.isna()), "rank")
            problems += parse_problems(
                errors, body, rank_pos, headers[rank_pos], "rank_display", sheet
            )
            bad = bad | errors.notna()
        else:
            rank = no_rank
        codes.append(code)
        scores.append(score)
        ranks.append(rank)
        flagged.append(pd.Series(bad, index=body.index, dtype=bool))
        score_headers.append(headers.get(score_pos))
        rank_headers.append(headers.get(rank_pos))
    if not codes:
        return pd.DataFrame(columns=[c.name for c in INDICATORS.columns] + ["_row"])
    k = len(codes)
    by_row, by_indicator = np.tile(np.arange(n), k), np.repeat(np.arange(k), n)
    parts = rank_parts(pd.concat(ranks, ignore_index=True))
    score = pd.concat(scores, ignore_index=True)
    frame = pd.DataFrame(
        {
            "ranking": results["ranking"].array.take(by_row),
            "year": results["year"].array.take(by_row),
            "institution": results["institution"].array.take(by_row),
            "indicator": pd.array(codes, dtype="str").take(by_indicator),
            "score": score,
            "rank_display": parts["rank_display"],
            "rank_low": parts["rank_low"],
            "rank_high": parts["rank_high"],
            "_row": body.index.to_numpy().take(by_row),
            "_score": np.array(score_headers, dtype=object).take(by_indicator),
            "_rank": np.array(rank_headers, dtype=object).take(by_indicator),
        }
    )
    keep = score.notna() | parts["rank_display"].notna() | pd.concat(flagged, ignore_index=True)
    return frame[keep.to_numpy()].reset_index(drop=True)


def validation_problems(built: Built, layout: Layout, sheet: str | None) -> list[Problem]:
    """Schema checks of both frames, pointed at the file's rows and headers."""
    skip = {(p.row, p.params.get("column")) for p in built.problems}
    column_header = {}
    for role, pos in layout.roles.items():
        column_header.setdefault(ROLE_COLUMN[role], layout.headers[pos])
    column_header.update(rank_low=column_header.get("rank_display"))
    column_header.update(rank_high=column_header.get("rank_display"))
    out = []
    for p in validate(RESULTS, built.results, skip):
        column = "institution" if p.code == "duplicate_key" else p.column
        params = {"key": "ranking, year, institution"} if p.code == "duplicate_key" else p.params
        header = column_header.get(column) or column
        value = clean(built.raw.at[p.row, header]) if header in built.raw.columns else None
        out.append(Problem(p.code, p.row, header, value, sheet, {**params, "column": column}))
    ind = built.indicators
    if len(ind):
        frame = ind[[c.name for c in INDICATORS.columns]]
        # Only key columns are required here, and their problems are the results row's.
        for p in validate(INDICATORS, frame, set()):
            if p.code == "duplicate_key" or p.column in ("ranking", "year", "institution"):
                continue  # reported once, on the results row
            row = int(ind.at[p.row, "_row"])
            header = ind.at[p.row, "_score" if p.column == "score" else "_rank"]
            value = clean(built.raw.at[row, header]) if header else None
            out.append(Problem(p.code, row, header, value, sheet, {**p.params, "column": p.column}))
    return out


def dedupe(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in file order (a row's own problems before its cells')."""
    seen, out = set(), []
    for p in problems:
        key = (p.code, p.row, p.column, p.value)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.row or 0, p.column or ""))
