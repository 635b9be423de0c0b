"""The ingestion engine: read → normalise headers → parse → validate → load, for CLI and pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from pipelines.headers import match_headers
from pipelines.loader import BatchInfo, LoadResult, load
from pipelines.mappings import (
    DEFAULT_HOME_COUNTRY,
    Mapping,
    MappingStats,
    apply_mapping,
    merge_problems,
)
from pipelines.parsing import empty_like, is_blank, parse_series, split_ranks
from pipelines.problems import FileRejected, Notice, Problem
from pipelines.readers import RawSheet, read_table, visible_sheets
from pipelines.validate import check_references, validate
from schemas.registry import Dataset, get_dataset

MODES = ("strict", "valid_rows")


@dataclass
class IngestReport:
    """What happened to one upload, for the CLI summary and the Data page."""

    dataset: str
    file_name: str
    mode: str
    sheet: str | None = None
    header_row: int | None = None
    rows_in: int = 0
    rows_valid: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    result: LoadResult | None = None
    mapping: MappingStats | None = None  # set when a column mapping read the file
    # For the Data page's preview and marked workbook: the rows that passed (typed, indexed
    # by Excel row number) and the sheet as read.
    good: pd.DataFrame | None = field(default=None, repr=False)
    raw: RawSheet | None = field(default=None, repr=False)

    @property
    def loaded(self) -> bool:
        return self.result is not None and self.result.status == "committed"

    @property
    def bad_rows(self) -> int:
        return self.rows_in - self.rows_valid


@dataclass
class Prepared:
    """Typed rows ready for validation, with what parsing found on the way."""

    frame: pd.DataFrame  # model columns and dtypes, indexed by Excel row number
    raw_rows: pd.DataFrame  # the same rows as written, keyed by header text
    problems: list[Problem]
    written: dict[str, str]  # warehouse column → header as written


def derive(dataset: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill the derived columns from the typed ones, by the dataset's registry hook.

    Rank bounds are split from the rank text while parsing (``prepare``); everything else a
    dataset computes (mobility's duration) is its ``derive`` hook in schemas/registry.py.
    """
    return frame if dataset.derive is None else dataset.derive(frame)


def prepare(
    raw: RawSheet, dataset: Dataset
) -> tuple[Prepared | None, list[Problem], list[Notice], int | None]:
    """Header matching and explicit parsing; None when the header itself is unusable."""
    match = match_headers(raw, dataset)
    notices = list(match.notices)
    if match.problems:
        return None, match.problems, notices, match.row
    body = raw.grid.loc[match.row + 1 :, list(match.columns)]
    body = body.rename(columns=match.columns)
    body = body[~body.apply(is_blank).all(axis=1)]
    frame = pd.DataFrame(index=body.index)
    problems: list[Problem] = []
    for col in dataset.columns:
        if col.derived and col.name in frame:
            continue
        if col.name not in body:
            if not col.derived:
                frame[col.name] = empty_like(col.kind, body.index)
            continue
        values, errors = parse_series(body[col.name], col.kind, col.codes)
        if col.kind == "rank":
            ranks = split_ranks(values)
            for part in ranks.columns:
                if part in dataset.model.to_schema().columns:
                    frame[part] = ranks[part]
        else:
            frame[col.name] = values
        for row, code in errors.dropna().items():
            params = {"codes": col.codes} if code == "not_in_list" else {}
            problems.append(Problem(code, row=int(row), column=col.name, params=params))
    for col in dataset.columns:
        if col.name not in frame:
            frame[col.name] = empty_like(col.kind, body.index)
    frame = derive(dataset, frame[[c.name for c in dataset.columns]])
    raw_rows = body.rename(columns=match.written)
    return Prepared(frame, raw_rows, problems, match.written), [], notices, match.row


def _finish_problems(
    problems: list[Problem], prepared: Prepared | None, sheet: str | None
) -> list[Problem]:
    """Point every problem at the header and cell text the user sees in the file."""
    out = []
    for p in problems:
        column, value = p.column, p.value
        if prepared is not None and p.column in prepared.written:
            column = prepared.written[p.column]
            if p.row in prepared.raw_rows.index and value is None:
                cell = prepared.raw_rows.at[p.row, column]
                value = None if cell is None or cell != cell else str(cell)
        out.append(
            Problem(
                p.code,
                p.row,
                column,
                value,
                sheet,
                {**p.params, "column": p.column} if p.column else p.params,
            )
        )
    return sorted(out, key=lambda p: (p.row or 0, p.column or ""))


_HEADER_FAILURES = ("no_header", "missing_column", "merged_header")


def _data_sheet(dataset: Dataset, file_name: str, data: bytes) -> RawSheet:
    """The first visible sheet whose header row is the dataset's, as people keep workbooks.

    An instructions sheet before the data is passed over; the notice names the sheet read.
    Two sheets that both fit cannot be told apart: the user is asked which (FileRejected
    "several_sheets", listing them). When none fits, the first sheet is read, and its
    header problems say what is missing.
    """
    sheets = visible_sheets(file_name, data)
    if len(sheets) < 2:
        return read_table(file_name, data)
    fitting = []
    for name in sheets:
        raw = read_table(file_name, data, name)
        if not any(p.code in _HEADER_FAILURES for p in match_headers(raw, dataset).problems):
            fitting.append(raw)
    if len(fitting) > 1:
        raise FileRejected("several_sheets", sheets=", ".join(r.sheet for r in fitting))
    if not fitting:
        return read_table(file_name, data)
    raw = fitting[0]
    notices = [n for n in raw.notices if n.code != "first_sheet_used"]
    notices.append(Notice("sheet_read", {"sheet": raw.sheet}))
    return replace(raw, notices=notices)


def ingest_bytes(
    conn: duckdb.DuckDBPyConnection | None,
    dataset_name: str,
    file_name: str,
    data: bytes,
    *,
    mode: str = "strict",
    sheet: str | None = None,
    user: str = "cli",
    lang: str = "en",
    check_only: bool = False,
    mapping: Mapping | str | None = None,
    settings: dict[str, str] | None = None,
    home_country: str = DEFAULT_HOME_COUNTRY,
) -> IngestReport:
    """Run one upload through the whole pipeline.

    Raises FileRejected when the file itself is unsafe or unreadable. With ``check_only``
    nothing is written (``conn`` may then be None; references are not checked). With a
    ``mapping`` (name, path or Mapping) the file is another system's layout, mapped to the
    dataset first (pipelines/mappings.py); a bad mapping raises MappingError.
    """
    assert mode in MODES, mode
    dataset = get_dataset(dataset_name)
    raw = (
        read_table(file_name, data, sheet)
        if sheet or mapping
        else _data_sheet(dataset, file_name, data)
    )
    report = IngestReport(dataset.name, file_name, mode, sheet=raw.sheet, notices=list(raw.notices))
    report.raw = raw
    mapped = None
    if mapping is not None:
        mapped = apply_mapping(raw, mapping, dataset, settings=settings, home_country=home_country)
        report.mapping = mapped.stats
    if mapped is not None and mapped.header_problems:
        prepared, header_problems, notices = None, mapped.header_problems, []
        header_row = mapped.header_row
    else:
        prepared, header_problems, notices, header_row = prepare(
            raw if mapped is None else mapped.sheet, dataset
        )
    if mapped is not None and prepared is not None:
        # Problems name the source file's columns and cells, and rejected rows keep the
        # source row as written.
        prepared.written, prepared.raw_rows = mapped.written, mapped.source_rows
    report.notices += notices
    report.header_row = header_row
    if prepared is None:
        report.problems = _finish_problems(header_problems, None, raw.sheet)
        report.rows_in = max(0, int(raw.grid.notna().any(axis=1).sum()) - 1)
        frame, raw_rows = None, None
    else:
        frame, raw_rows = prepared.frame, prepared.raw_rows
        skip = {(p.row, p.column) for p in prepared.problems}
        skip |= mapped.skip if mapped is not None else set()
        problems = prepared.problems + validate(dataset, frame, skip)
        problems += check_references(conn, dataset, frame)
        report.problems = _finish_problems(problems, prepared, raw.sheet)
        report.rows_in = len(frame)
        if mapped is not None:
            report.problems = merge_problems(mapped, report.problems)
            report.rows_in += mapped.stats.unmapped  # reported, never silently dropped
    sha = hashlib.sha256(data).hexdigest()
    return _decide(conn, dataset, report, frame, raw_rows, sha, user, lang, check_only)


def _decide(
    conn: duckdb.DuckDBPyConnection | None,
    dataset: Dataset,
    report: IngestReport,
    frame: pd.DataFrame | None,
    raw_rows: pd.DataFrame | None,
    sha: str | None,
    user: str,
    lang: str,
    check_only: bool,
) -> IngestReport:
    """Strict: all rows or none. Valid rows: the good ones, the rest kept as rejected."""
    if frame is not None and report.rows_in == 0:
        report.problems.append(Problem("no_rows", sheet=report.sheet))
    if frame is None:  # the header itself is unusable: no row can be read
        good = None
    else:
        bad = {p.row for p in report.problems if p.row is not None}
        good = frame.loc[~frame.index.isin(bad)]
    report.rows_valid = 0 if good is None else len(good)
    report.good = good
    if check_only or conn is None:
        return report
    commit = (
        good is not None and len(good) > 0 and (report.mode == "valid_rows" or not report.problems)
    )
    report.result = load(
        conn,
        BatchInfo(dataset.name, report.file_name, sha, user, report.mode),
        good if commit else pd.DataFrame(),
        rows_in=report.rows_in,
        rejected=report.problems,
        raw_rows=raw_rows,
        status="committed" if commit else "rejected",
        lang=lang,
    )
    return report


def ingest_path(
    conn: duckdb.DuckDBPyConnection | None, dataset_name: str, path: str, **kw
) -> IngestReport:
    with open(path, "rb") as fh:
        data = fh.read()
    return ingest_bytes(conn, dataset_name, str(path).rsplit("/", 1)[-1], data, **kw)


def ingest_frame(
    conn: duckdb.DuckDBPyConnection,
    dataset_name: str,
    frame: pd.DataFrame,
    *,
    file_name: str,
    user: str,
    mode: str = "strict",
) -> IngestReport:
    """Load an already typed frame (generated data) through validation and the loader."""
    dataset = get_dataset(dataset_name)
    frame = derive(dataset, frame[[c.name for c in dataset.columns]].copy())
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # as if row 1 held the headers
    report = IngestReport(dataset.name, file_name, mode, rows_in=len(frame))
    report.problems = validate(dataset, frame, set()) + check_references(conn, dataset, frame)
    return _decide(conn, dataset, report, frame, None, None, user, "en", False)
