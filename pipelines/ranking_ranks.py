"""Published rank texts of ranking tables: ties every way they are written, bands, rank "0"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines.parsing import clean, parse_series, split_ranks
from pipelines.problems import Notice, Problem
from pipelines.ranking_layouts import RankingProblem

# Tie spellings parse_rank does not read, rewritten to the "=5" it does (the display stays
# as published): "T5" and "T-5" (U.S. News, Wikipedia), "#5 (tie)", "5 (tie)"; "#5" is exact.
_REWRITES = (
    (re.compile(r"^[Tt]\s?-?\s?(\d[\d,. ]*)$"), r"=\1"),
    (re.compile(r"^#?\s?(\d[\d,. ]*)\s*\((?:tie|tied|т)\)$", re.IGNORECASE), r"=\1"),
    (re.compile(r"^#\s?(\d[\d,. ]*)$"), r"\1"),
)
# What a tie-marker column holds on a tied row ("=" mostly; "T" in U.S.-style exports).
TIE_MARKS = {"=", "t", "tie", "tied", "yes", "true", "y", "x", "✓", "1"}
NO_MARKS = {"no", "false", "n", "0"}
# THE Impact scrapes store a tied rank ("=11") as the number 0: never rank 0.
_ZERO = {"0", "0.0", "00"}
# THE publishes the overall score of a band as a range: "55.9–58.6".
_SCORE_RANGE = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[-–—]\s*\d+(?:[.,]\d+)?\s*$")


@dataclass
class RankFindings:
    """What reading the ranks found beyond the parts themselves, for the report."""

    zero_ties: int = 0  # rows published as rank 0 stored as ties
    zero_example: str = ""
    inferred_ties: int = 0  # rows sharing an exact rank with another row of their edition
    inferred_groups: int = 0
    inferred_example: str = ""
    open_bands: int = 0  # rows of a last exact rank read as an open band ("701" → 701+)
    open_example: str = ""
    notices: list[Notice] = field(default_factory=list)


def objects(values: object) -> np.ndarray:
    """Distinct values as a plain object array: walking an Arrow-backed array cell by cell
    costs microseconds a cell, a numpy one nanoseconds."""
    return np.asarray(values, dtype=object)


def year_keys(years: pd.Series) -> np.ndarray:
    """Edition years as floats (NaN for an unreadable year), for grouping rows by edition."""
    return years.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _texts(raw: pd.Series) -> pd.Series:
    """Cleaned cell texts, cleaned once per distinct value."""
    codes, uniques = pd.factorize(raw)
    cleaned = pd.array([clean(u) for u in objects(uniques)] + [None], dtype=object)
    return pd.Series(cleaned.take(codes), index=raw.index, dtype=object)


def _rewrite(text: str | None) -> str | None:
    if text is None:
        return None
    for pattern, replacement in _REWRITES:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


def rank_parts(ranks: pd.Series) -> pd.DataFrame:
    """split_ranks by distinct rank, spread back by position (a few hundred per column)."""
    codes, uniques = pd.factorize(ranks)
    # Position -1 (no rank) picks the trailing None.
    parts = split_ranks(pd.Series([*objects(uniques), None], dtype=object))
    return pd.DataFrame(
        {col: parts[col].array.take(codes) for col in parts.columns}, index=ranks.index
    )


def parse_problems(
    errors: pd.Series, body: pd.DataFrame, pos: int, header: str, column: str, sheet: str | None
) -> list[Problem]:
    return [
        Problem(code, int(row), header, clean(body.at[row, pos]), sheet, {"column": column})
        for row, code in errors.dropna().items()
    ]


def read_ranks(
    body: pd.DataFrame,
    rank_pos: int,
    tie_pos: int | None,
    headers: dict[int, str],
    sheet: str | None,
) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Rank parts of every row, which rows were published as rank 0, and the problems.

    A tie marker in a column of its own joins the rank ("=" beside "5" is "=5"); "T5" and
    "#5 (tie)" are ties too. Rank 0 is left for ``resolve_zero_ties``.
    """
    problems: list[Problem] = []
    shown = _texts(body[rank_pos])
    if tie_pos is not None:
        marks = _texts(body[tie_pos])
        folded = marks.str.casefold()
        tied = folded.isin(TIE_MARKS).fillna(False).astype(bool)
        unknown = marks.notna() & ~tied & ~folded.isin(NO_MARKS).fillna(False).astype(bool)
        problems += [
            RankingProblem("not_tie_marker", int(row), headers[tie_pos], marks[row], sheet)
            for row in marks.index[unknown]
        ]
        # The display joins what was published in the two cells: "=" + "5" → "=5".
        joined = tied & shown.notna() & ~shown.str.startswith("=").fillna(False).astype(bool)
        shown = shown.where(~joined, marks.where(marks.eq("="), "=") + shown)
    zero = shown.isin(_ZERO).fillna(False).astype(bool)
    codes, uniques = pd.factorize(shown.mask(zero))
    rewritten = pd.Series([_rewrite(u) for u in objects(uniques)] + [None], dtype=object)
    ranks, errors = parse_series(
        pd.Series(rewritten.to_numpy().take(codes), index=body.index), "rank"
    )
    problems += parse_problems(errors, body, rank_pos, headers[rank_pos], "rank_display", sheet)
    parts = rank_parts(ranks)
    changed = shown.ne(pd.Series(rewritten.to_numpy().take(codes), index=body.index))
    changed &= parts["rank_display"].notna()
    if changed.any():
        display = parts["rank_display"].astype(object)
        display[changed] = shown[changed]
        parts["rank_display"] = display.astype("str")
    return parts, zero, problems


def resolve_zero_ties(
    parts: pd.DataFrame,
    zero: pd.Series,
    years: pd.Series,
    scores: pd.Series,
    findings: RankFindings,
) -> dict[int, tuple[object, object]]:
    """Ranks of rows published as 0 (THE Impact's ties), from the ranks around them.

    Rows of one edition are read in file order. A run of 0s splits into groups of equal
    overall score; a group's rank is the rank above plus the rows since that rank began,
    checked against the rank below less the rows before it. When both agree (or only one
    exists and nothing contradicts it) the group is tied at that rank, shown "=N"; when
    they disagree the scrape lost or added rows there, and the rows are reported, not
    guessed: {row: (rank from above, rank from below)}.
    """
    unresolved: dict[int, tuple[object, object]] = {}
    if not zero.any():
        return unresolved
    low = parts["rank_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    band = parts["is_band"].fillna(False).to_numpy(dtype=bool)
    is_zero = zero.to_numpy(dtype=bool)
    index = parts.index.to_numpy()
    display = parts["rank_display"].astype(object).to_numpy(copy=True)
    tie = parts["is_tie"].astype(object).to_numpy(copy=True)
    low_out = parts["rank_low"].astype(object).to_numpy(copy=True)
    high_out = parts["rank_high"].astype(object).to_numpy(copy=True)
    score_text = scores.to_numpy(dtype=object)
    position = {row: i for i, row in enumerate(index)}
    for _, rows in pd.Series(index).groupby(year_keys(years), sort=False):
        at = [position[r] for r in rows]
        n = len(at)
        exact = [not is_zero[i] and not band[i] and not np.isnan(low[i]) for i in at]
        last_rank = last_first = None
        k = 0
        while k < n:
            i = at[k]
            if not is_zero[i]:
                if exact[k]:
                    same = k > 0 and exact[k - 1] and low[at[k - 1]] == low[i]
                    if not same:
                        last_rank, last_first = low[i], k
                else:
                    last_rank = None  # a band or an unreadable rank: nothing to count from
                k += 1
                continue
            j = k
            while j < n and is_zero[at[j]] and score_text[at[j]] == score_text[i]:
                j += 1
            m = j
            while m < n and is_zero[at[m]]:
                m += 1
            above = None if last_rank is None else int(last_rank) + (k - last_first)
            below = int(low[at[m]]) - (m - k) if m < n and exact[m] else None
            if above is not None and below is not None:
                rank = above if above == below else None
            elif above is not None:
                after = low[at[m]] if m < n and band[at[m]] else np.nan
                rank = above if np.isnan(after) or after > above else None
            else:
                rank = below if below is not None and below >= 1 and k == 0 else None
            for g in range(k, j):
                row = at[g]
                if rank is None:
                    unresolved[int(index[row])] = (above, below)
                    continue
                display[row], low_out[row], high_out[row], tie[row] = f"={rank}", rank, rank, True
                findings.zero_ties += 1
                findings.zero_example = findings.zero_example or f"{index[row]}: 0 → ={rank}"
            last_rank, last_first = (rank, k) if rank is not None else (None, None)
            k = j
    parts["rank_display"] = pd.array(display, dtype="str")
    parts["rank_low"] = pd.array(low_out, dtype="Int64")
    parts["rank_high"] = pd.array(high_out, dtype="Int64")
    parts["is_tie"] = pd.array(tie, dtype="boolean")
    parts.loc[zero, "is_band"] = False
    return unresolved


def open_last_bands(parts: pd.DataFrame, years: pd.Series, findings: RankFindings) -> None:
    """An exact rank shared by the last rows of an edition, just after its last band, is an
    open band whose "+" the scrape lost: QS's "701" below "651-700" was "701+"."""
    band = parts["is_band"].fillna(False).astype(bool)
    if not band.any():
        return  # no band, so no last band for a lost "+" to follow
    exact = parts["rank_low"].notna() & ~band
    plain = parts["rank_display"].str.fullmatch(r"\d[\d,. ]*(?:\.0+)?").fillna(False).astype(bool)
    for _, idx in parts.groupby(year_keys(years), sort=False).groups.items():
        low = parts.loc[idx, "rank_low"]
        if low.isna().all():
            continue
        top = int(low.max())
        last = idx[(low == top).fillna(False).to_numpy() & exact[idx].to_numpy()]
        highs = parts.loc[idx, "rank_high"][parts.loc[idx, "is_band"].fillna(False).astype(bool)]
        if not len(last) or not plain[last].all() or not (highs == top - 1).any():
            continue
        parts.loc[last, "rank_display"] = parts.loc[last, "rank_display"] + "+"
        parts.loc[last, "rank_high"] = pd.NA
        parts.loc[last, "is_band"] = True
        parts.loc[last, "is_tie"] = False
        findings.open_bands += len(last)
        findings.open_example = findings.open_example or f"{top} ({len(last)})"


def infer_ties(parts: pd.DataFrame, years: pd.Series, findings: RankFindings) -> None:
    """Rows sharing one exact rank within an edition are ties (ARWU and many exports
    publish ties that way): they get is_tie, and the report counts them."""
    exact = parts["rank_low"].notna() & ~parts["is_band"].fillna(False).astype(bool)
    if not exact.any():
        return
    keys = pd.DataFrame(
        {"year": year_keys(years)[exact.to_numpy()], "low": parts.loc[exact, "rank_low"]},
        index=parts.index[exact.to_numpy()],
    )
    size = keys.groupby(["year", "low"], dropna=False)["low"].transform("size")
    shared = size[size > 1].index
    new = shared[~parts.loc[shared, "is_tie"].fillna(False).astype(bool).to_numpy()]
    if not len(new):
        return
    parts.loc[new, "is_tie"] = True
    findings.inferred_ties += len(new)
    groups = keys.loc[new].drop_duplicates()
    findings.inferred_groups += len(groups)
    first = groups.iloc[0]
    findings.inferred_example = f"{int(first['low'])} ({int(first['year'])})"


def overall_scores(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Overall scores, their problems, and which cells were ranges (a band's spread is no
    score, and never a midpoint)."""
    codes, uniques = pd.factorize(raw)
    texts = pd.Series([*objects(uniques), None], dtype=object)
    # One vectorised regex over the distinct texts (a renumbered table has thousands).
    ranges = texts.astype("str").str.match(_SCORE_RANGE.pattern).fillna(False).astype(bool)
    values, errors = parse_series(texts.where(~ranges, None), "float")
    index = raw.index
    return (
        pd.Series(values.array.take(codes), index=index),
        pd.Series(errors.to_numpy(dtype=object).take(codes), index=index),
        pd.Series(ranges.to_numpy(dtype=bool).take(codes), index=index),
    )
