"""What committing validated rows would change in the warehouse, found without writing anything."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.loader import _q, _target_types, cast_sql
from schemas.registry import get_dataset

KEY_SEPARATOR = " · "
CHANGE_COLUMNS = ["row", "key", "column", "before", "after"]
_ROW = "__sapat_row"  # the Excel row number, carried beside the model columns


@dataclass(frozen=True)
class Preview:
    """Counts as the loader would report them, and a sample of what would change."""

    new: int
    changed: int
    unchanged: int
    changes: pd.DataFrame  # row, key, column, before, after: one line per changed cell
    new_rows: pd.DataFrame  # row, then the model columns


def preview_changes(
    conn: duckdb.DuckDBPyConnection, dataset_name: str, good: pd.DataFrame, limit: int = 500
) -> Preview:
    """What ``pipelines.loader.load`` would do with ``good``, by read-only queries.

    The comparison is the loader's own: incoming values cast to the table's column types,
    matched on the natural key, a row changed when any non-key column IS DISTINCT FROM the
    stored one. So the counts here are exactly the ones the commit will report.
    """
    dataset = get_dataset(dataset_name)
    model_columns = [c.name for c in dataset.columns]
    if good.empty:
        return Preview(
            0, 0, 0, pd.DataFrame(columns=CHANGE_COLUMNS), _new_rows(good, [], model_columns)
        )
    types = _target_types(conn, dataset.table)
    columns = [c for c in types if c != "batch_id"]
    key = list(dataset.key)
    values = [c for c in columns if c not in key]
    frame = good.reset_index(drop=True)
    frame.insert(0, _ROW, good.index.to_numpy(dtype="int64"))
    # A unique name: the connection may be shared by several sessions of the app.
    incoming = f"_preview_{uuid.uuid4().hex}"
    conn.register(incoming, frame)
    try:
        cast = ", ".join(f"{cast_sql('i', c, types[c])} AS {_q(c)}" for c in columns)
        on = " AND ".join(f"t.{_q(k)} = s.{_q(k)}" for k in key)
        differs = " OR ".join(f"t.{_q(c)} IS DISTINCT FROM s.{_q(c)}" for c in values) or "false"
        # LEFT JOIN keeps unmatched incoming rows (t._hit NULL): they are the new ones.
        joined = (
            f"WITH s AS (SELECT i.{_ROW}, {cast} FROM {incoming} i), "
            f"j AS (SELECT s.*, t._hit, {_target_side(values)}, ({differs}) AS _differs "
            f"FROM s LEFT JOIN (SELECT *, true AS _hit FROM {dataset.table}) t ON {on}) "
        )
        new, changed, unchanged = conn.execute(
            joined + "SELECT count(*) FILTER (WHERE _hit IS NULL), "
            "count(*) FILTER (WHERE _hit AND _differs), "
            "count(*) FILTER (WHERE _hit AND NOT _differs) FROM j"
        ).fetchall()[0]  # fetchone() would leave the result open and block unregister()
        changes = _changes(conn, joined, key, values, limit) if changed else None
        new_rows = (
            [
                r[0]
                for r in conn.execute(
                    joined
                    + f"SELECT {_ROW} FROM j WHERE _hit IS NULL ORDER BY 1 LIMIT {int(limit)}"
                ).fetchall()
            ]
            if new
            else []
        )
    finally:
        conn.unregister(incoming)
    if changes is None:
        changes = pd.DataFrame(columns=CHANGE_COLUMNS)
    return Preview(new, changed, unchanged, changes, _new_rows(good, new_rows, model_columns))


def _target_side(values: list[str]) -> str:
    """The stored values beside the incoming ones, renamed so both sides fit in one row."""
    return ", ".join(f"t.{_q(c)} AS {_q('_t_' + c)}" for c in values) or "NULL AS _t_none"


def _changes(
    conn: duckdb.DuckDBPyConnection, joined: str, key: list[str], values: list[str], limit: int
) -> pd.DataFrame:
    """One line per changed cell, in row then table-column order, at most ``limit`` lines."""
    # Each changed row has at least one changed cell, so the first ``limit`` changed rows
    # hold every line shown: the per-column unpivot below never sees more rows than that.
    parts = ", ".join(f"CAST({_q(k)} AS VARCHAR)" for k in key)
    label = f"concat_ws('{KEY_SEPARATOR}', {parts})"
    per_column = [
        f'SELECT {_ROW} AS "row", _key AS "key", {pos} AS _pos, '
        f"'{c}' AS \"column\", coalesce(CAST({_q('_t_' + c)} AS VARCHAR), '') AS \"before\", "
        f"coalesce(CAST({_q(c)} AS VARCHAR), '') AS \"after\" "
        f"FROM c WHERE {_q('_t_' + c)} IS DISTINCT FROM {_q(c)}"
        for pos, c in enumerate(values)
    ]
    sql = (
        joined.rstrip() + f", c AS (SELECT *, {label} AS _key FROM j WHERE _hit AND _differs "
        f"ORDER BY {_ROW} LIMIT {int(limit)}) "
        + f'SELECT "row", "key", "column", "before", "after" FROM ({" UNION ALL ".join(per_column)}) '
        f'ORDER BY "row", _pos LIMIT {int(limit)}'
    )
    out = conn.execute(sql).df()
    return out.astype({"row": "int64"})


def _new_rows(good: pd.DataFrame, rows: list[int], model_columns: list[str]) -> pd.DataFrame:
    """The incoming new rows as typed by the model (not as cast), with their row numbers."""
    out = good.reindex(columns=model_columns).loc[rows].copy()
    out.insert(0, "row", pd.Index(rows, dtype="int64"))
    return out.reset_index(drop=True)
