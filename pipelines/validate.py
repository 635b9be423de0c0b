"""Lazy Pandera validation turned into per-cell problems with Excel row numbers."""

from __future__ import annotations

import difflib
import re

import duckdb
import pandas as pd
import pandera.pandas as pa

from pipelines.problems import Problem
from schemas.registry import Dataset

_BOUND = re.compile(
    r"^(greater_than_or_equal_to|less_than_or_equal_to|greater_than|less_than)\((.*)\)$"
)
_CHECK_CODES = {
    "not_nullable": "required",
    "str_matches": "bad_format",
    "multiple_fields_uniqueness": "duplicate_key",
    "field_uniqueness": "duplicate_key",
}


def _problem_code(check: str) -> tuple[str, dict[str, str]]:
    if m := _BOUND.match(check):
        code = "too_small" if m[1].startswith("greater") else "too_large"
        return code, {"limit": m[2]}
    if check.startswith("isin"):
        return "not_in_list", {}
    if check.startswith("str_matches"):
        return "bad_format", {}
    return _CHECK_CODES.get(check, check), {}


def validate(dataset: Dataset, frame: pd.DataFrame, skip: set[tuple[int, str]]) -> list[Problem]:
    """Every schema problem of ``frame`` (indexed by Excel row) in one pass.

    ``skip`` holds (row, column) cells that already failed to parse, so they are not
    reported twice (once as unreadable, once as missing).
    """
    try:
        dataset.model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    problems: list[Problem] = []
    seen_rows: set[tuple[int, str]] = set()
    key_text = ", ".join(dataset.key)
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue
        row, column, check = int(case.index), str(case.column), str(case.check)
        if (row, column) in skip:
            continue
        code, params = _problem_code(check)
        if case.schema_context == "DataFrameSchema":
            # Row-level checks name every column of the row; one problem per row is enough.
            if (row, code) in seen_rows:
                continue
            seen_rows.add((row, code))
            if code == "duplicate_key":
                params = {"key": key_text}
                column = dataset.key[0]
            else:
                # The one cell the user should fix, as the check declares (``row_check``).
                column = dataset.blamed_columns.get(check, column)
        if code == "not_in_list":
            params = {"codes": dataset.column(column).codes}
        problems.append(Problem(code, row=row, column=column, params=params))
    return problems


def check_references(
    conn: duckdb.DuckDBPyConnection | None, dataset: Dataset, frame: pd.DataFrame
) -> list[Problem]:
    """Values that must already exist in another table (e.g. a licence's programme)."""
    if conn is None:
        return []
    problems = []
    for column, (table, target) in dataset.references.items():
        values = frame[column].dropna()
        if values.empty:
            continue
        known = {r[0] for r in conn.execute(f'SELECT DISTINCT "{target}" FROM {table}').fetchall()}
        for row, value in values[~values.isin(known)].items():
            problems.append(
                Problem(
                    "unknown_reference",
                    row=int(row),
                    column=column,
                    params={"table": table, "value": value},
                )
            )
    problems += _check_faculties(conn, dataset, frame)
    if dataset.exactly_one:
        problems += _check_exactly_one(conn, dataset, frame, dataset.exactly_one)
    return problems


def _check_faculties(
    conn: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame
) -> list[Problem]:
    """Faculty cells must hold a code of the faculties dataset, once it has any rows.

    Before faculties are uploaded any code is taken as it is: a university starts with
    whatever it has. The problem names the closest known codes.
    """
    if not dataset.faculty_columns:
        return []
    known = [r[0] for r in conn.execute("SELECT code FROM faculties ORDER BY code").fetchall()]
    if not known:
        return []
    problems = []
    for column, kind in dataset.faculty_columns.items():
        allowed = set(known) | ({"university"} if kind == "scope" else set())
        values = frame[column].dropna()
        for row, value in values[~values.isin(allowed)].items():
            close = difflib.get_close_matches(str(value).upper(), known, n=3, cutoff=0.3)
            problems.append(
                Problem(
                    "unknown_faculty",
                    row=int(row),
                    column=column,
                    value=str(value),
                    params={"value": value, "closest": ", ".join(close) or "—"},
                )
            )
    return problems


def _check_exactly_one(
    conn: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, column: str
) -> list[Problem]:
    """After the upload exactly one row of the table holds ``column`` true (one home).

    Rows of the file replace their namesakes, other rows of the table stay: the count is
    of the table as the upload would leave it. The problem names the rows to look at.
    """
    key = list(dataset.key)
    incoming = frame[frame[column].fillna(False).astype(bool)]
    keys_in_file = {tuple(r) for r in frame[key].itertuples(index=False)}
    kept = [
        tuple(r)
        for r in conn.execute(
            f'SELECT {", ".join(key)} FROM {dataset.table} WHERE "{column}"'
        ).fetchall()
        if tuple(r) not in keys_in_file
    ]
    total = len(incoming) + len(kept)
    if total == 1:
        return []
    names = ", ".join([str(v) for v in incoming[key[0]].tolist()] + [str(k[0]) for k in kept])
    if total == 0:
        return [Problem("none_true", column=column, params={"column": column})]
    rows = incoming.index.tolist() or [None]
    return [
        Problem(
            "several_true",
            row=None if r is None else int(r),
            column=column,
            params={"column": column, "names": names},
        )
        for r in rows
    ]
