"""Finding the header row and matching headers written in Kyrgyz, Russian or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pipelines.parsing import clean, norm_key
from pipelines.problems import Notice, Problem
from pipelines.readers import RawSheet
from sapat.i18n import LANGUAGES, column_label
from schemas.registry import Dataset, get_dataset

HEADER_SCAN_ROWS = 30
MAX_IGNORED_NAMED = 10  # more ignored columns than this are summed up, not listed


@cache
def header_lookup(dataset_name: str) -> dict[str, str]:
    """Normalised header spelling → warehouse column, for one dataset.

    Accepted: the column name itself, its label in each language, and the model's aliases.
    """
    dataset = get_dataset(dataset_name)
    lookup: dict[str, str] = {}
    for col in dataset.columns:
        spellings = [col.name, *col.aliases]
        spellings += [column_label(col.name, lang, dataset.name) for lang in LANGUAGES]
        for spelling in spellings:
            lookup.setdefault(norm_key(spelling), col.name)
    return lookup


@dataclass
class HeaderMatch:
    """Where the header is and which file column feeds which warehouse column."""

    row: int | None
    columns: dict[int, str] = field(default_factory=dict)  # grid position → warehouse column
    written: dict[str, str] = field(default_factory=dict)  # warehouse column → header as written
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def match_headers(raw: RawSheet, dataset: Dataset) -> HeaderMatch:
    """Pick the row (among the first 30) whose cells name the most known columns."""
    lookup = header_lookup(dataset.name)
    best_row, best_hits = None, 0
    for row_no, values in raw.grid.head(HEADER_SCAN_ROWS).iterrows():
        hits = sum(1 for v in values if (t := clean(v)) and norm_key(t) in lookup)
        if hits > best_hits:
            best_row, best_hits = row_no, hits
    if best_row is None:
        return HeaderMatch(
            row=None,
            problems=[
                Problem("no_header", sheet=raw.sheet, params={"expected": _expected(dataset)})
            ],
        )
    match = HeaderMatch(row=int(best_row))
    for ref, first, last in raw.merged:
        if first <= best_row <= last:
            match.problems.append(
                Problem(
                    "merged_header",
                    row=int(best_row),
                    sheet=raw.sheet,
                    value=ref,
                    params={"range": ref},
                )
            )
    ignored = []
    for pos, value in raw.grid.loc[best_row].items():
        text = clean(value)
        if not text:
            continue
        column = lookup.get(norm_key(text))
        if column is None or dataset.column(column).derived:
            ignored.append(text)
        elif column in match.written:
            match.problems.append(
                Problem(
                    "duplicate_column",
                    row=int(best_row),
                    column=text,
                    sheet=raw.sheet,
                    params={"first": match.written[column]},
                )
            )
        else:
            match.columns[int(pos)] = column
            match.written[column] = text
    for col in dataset.input_columns:
        if col.required and col.name not in match.written:
            match.problems.append(
                Problem(
                    "missing_column",
                    row=int(best_row),
                    column=col.name,
                    sheet=raw.sheet,
                    params={"column": col.name},
                )
            )
    if ignored:
        match.notices.append(ignored_notice(ignored))
    return match


def ignored_notice(ignored: list[str]) -> Notice:
    """The notice naming ignored columns: all of a few, the first ten of many.

    A file with 16,000 stray columns must not print 16,000 names in the CLI or the page.
    """
    if len(ignored) <= MAX_IGNORED_NAMED:
        return Notice("ignored_columns", {"columns": ", ".join(ignored)})
    rest = len(ignored) - MAX_IGNORED_NAMED
    return Notice(
        "ignored_columns_more",
        {
            "columns": ", ".join(ignored[:MAX_IGNORED_NAMED]),
            # Grouped by a narrow no-break space, read as thousands in all three languages.
            "count": f"{rest:,}".replace(",", "\u202f"),
        },
    )


def _expected(dataset: Dataset) -> str:
    return ", ".join(c.name for c in dataset.input_columns if c.required)
