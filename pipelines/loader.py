"""Loading a validated frame into the warehouse in one transaction, and undoing it exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from pipelines.problems import Problem
from sapat import db
from sapat.i18n import translate
from schemas.registry import DATASETS, Dataset, get_dataset


@dataclass(frozen=True)
class BatchInfo:
    """Who uploaded what, for upload_batches."""

    dataset: str
    file_name: str
    file_sha256: str | None
    uploaded_by: str
    mode: str  # strict | valid_rows


@dataclass(frozen=True)
class LoadResult:
    batch_id: int
    status: str
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int


class RollbackRefused(RuntimeError):
    """The batch cannot be undone as asked; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def reason(self, lang: str) -> str:
        """Why, in ``lang``; datasets named by their labels with their row counts."""
        params = dict(self.params)
        if "used_by" in params:
            params["used_by"] = ", ".join(
                f"{translate(f'dataset.{name}', lang)} ({count})"
                for name, count in params["used_by"]
            )
        return translate(f"rollback.{self.code}", lang, **params)


def _target_types(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
        [table],
    ).fetchall()
    return dict(rows)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def cast_sql(source: str, column: str, sql_type: str) -> str:
    """The incoming cell as the warehouse column's type.

    A list column (an institution's aliases) is one cell in a file, its items separated
    by ";": split, trimmed, and empty items dropped.
    """
    cell = f"{source}.{_q(column)}"
    if sql_type.endswith("[]"):
        items = f"list_transform(string_split(CAST({cell} AS VARCHAR), ';'), lambda x: trim(x))"
        return f"list_filter({items}, lambda x: x <> '')"
    return f"CAST({cell} AS {sql_type})"


def _rejected_records(
    batch_id: int, problems: list[Problem], raw_rows: pd.DataFrame | None, lang: str
) -> pd.DataFrame:
    """One rejected_rows record per problem; row_data keeps the whole row as written."""
    records = []
    for p in problems:
        row_data = None
        if raw_rows is not None and p.row is not None and p.row in raw_rows.index:
            row_data = json.dumps(
                {k: v for k, v in raw_rows.loc[p.row].items() if v is not None and v == v},
                ensure_ascii=False,
            )
        records.append((batch_id, p.sheet, p.row, p.column, p.value, p.message(lang), row_data))
    return pd.DataFrame(
        records,
        columns=["batch_id", "sheet", "row_number", "column", "value", "problem", "row_data"],
    ).astype({"batch_id": "int64", "row_number": "Int64"})


def load(
    conn: duckdb.DuckDBPyConnection,
    info: BatchInfo,
    frame: pd.DataFrame,
    *,
    rows_in: int,
    rejected: list[Problem],
    raw_rows: pd.DataFrame | None = None,
    status: str = "committed",
    lang: str = "en",
) -> LoadResult:
    """Upsert ``frame`` on the dataset's natural key and record the batch, all or nothing.

    Unchanged rows are left alone (re-uploading a file changes nothing); a changed row's
    earlier version goes to hist_<table>, so the batch can be undone exactly.
    """
    dataset = get_dataset(info.dataset)
    rows_loaded = len(frame) if status == "committed" else 0
    with db.transaction(conn) as tx:
        batch_id = db.first(tx.execute("SELECT nextval('batch_seq')"))[0]
        new = changed = unchanged = 0
        if status == "committed" and len(frame):
            new, changed, unchanged = _upsert(tx, dataset, frame, batch_id)
        tx.execute(
            "INSERT INTO upload_batches (batch_id, dataset, file_name, file_sha256, uploaded_by,"
            " uploaded_at, mode, rows_in, rows_loaded, rows_rejected, status, rows_new,"
            " rows_changed, rows_unchanged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                info.dataset,
                info.file_name,
                info.file_sha256,
                info.uploaded_by,
                datetime.now(),
                info.mode,
                rows_in,
                rows_loaded,
                rows_in - rows_loaded,
                status,
                new,
                changed,
                unchanged,
            ],
        )
        if rejected:
            records = _rejected_records(batch_id, rejected, raw_rows, lang)
            tx.register("_rejected_in", records)
            tx.execute("INSERT INTO rejected_rows SELECT * FROM _rejected_in")
            tx.unregister("_rejected_in")
        action = "upload" if status == "committed" else "upload_rejected"
        db.audit(
            tx,
            info.uploaded_by,
            action,
            f"{info.dataset} batch {batch_id} {info.file_name}: {rows_loaded}/{rows_in} rows",
        )
        if changed or new:
            db.bump_data_version(tx)
    return LoadResult(
        batch_id, status, rows_in, rows_loaded, rows_in - rows_loaded, new, changed, unchanged
    )


def _upsert(
    conn: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, batch_id: int
) -> tuple[int, int, int]:
    table = dataset.table
    types = _target_types(conn, table)
    columns = [c for c in types if c != "batch_id"]
    key = list(dataset.key)
    values = [c for c in columns if c not in key]
    conn.register("_incoming", frame.reset_index(drop=True))
    stage = f"_stage_{batch_id}"
    select = ", ".join(f"{cast_sql('i', c, types[c])} AS {_q(c)}" for c in columns)
    conn.execute(f"CREATE TEMP TABLE {stage} AS SELECT {select} FROM _incoming i")
    conn.unregister("_incoming")
    # Null-safe: a key part may be blank (a university-wide survey question has no faculty).
    on = " AND ".join(f"t.{_q(k)} IS NOT DISTINCT FROM s.{_q(k)}" for k in key)
    differs = " OR ".join(f"t.{_q(c)} IS DISTINCT FROM s.{_q(c)}" for c in values) or "false"
    # Earlier versions of the rows this batch changes, kept for an exact undo.
    # By name, not position: a column added later must not shift the history's columns.
    every = ", ".join(_q(c) for c in types)
    from_target = ", ".join(f"t.{_q(c)}" for c in types)
    conn.execute(
        f"INSERT INTO hist_{table} ({every}, replaced_by) SELECT {from_target}, {batch_id} "
        f"FROM {table} t JOIN {stage} s ON {on} WHERE {differs}"
    )
    changed = db.first(
        conn.execute(f"SELECT count(*) FROM hist_{table} WHERE replaced_by = ?", [batch_id])
    )[0]
    existing = db.first(conn.execute(f"SELECT count(*) FROM {table} t JOIN {stage} s ON {on}"))[0]
    # Unchanged rows keep their first batch; the claim this batch also makes on them is
    # recorded, so that batch cannot be undone from under this one.
    conn.execute(
        f"INSERT INTO batch_reassertions SELECT {batch_id}, t.batch_id, count(*) "
        f"FROM {table} t JOIN {stage} s ON {on} WHERE NOT ({differs}) "
        f"AND t.batch_id IS DISTINCT FROM {batch_id} AND t.batch_id IS NOT NULL "
        "GROUP BY t.batch_id"
    )
    hist_on = " AND ".join(f"h.{_q(k)} IS NOT DISTINCT FROM {table}.{_q(k)}" for k in key)
    conn.execute(
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM hist_{table} h "
        f"WHERE h.replaced_by = {batch_id} AND {hist_on})"
    )
    col_list = ", ".join(_q(c) for c in columns)
    conn.execute(
        f"INSERT INTO {table} ({col_list}, batch_id) SELECT {col_list}, {batch_id} FROM {stage} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"
    )
    conn.execute(f"DROP TABLE {stage}")
    new = len(frame) - existing
    return new, changed, existing - changed


def _still_referenced(
    conn: duckdb.DuckDBPyConnection, dataset: Dataset, batch_id: int
) -> list[tuple[str, int]]:
    """Other datasets' rows that name a row this undo would remove (a faculty in use).

    Rows the batch changed come back in their earlier version, so only rows it added
    disappear; a faculty in use is made inactive instead.
    """
    if len(dataset.key) != 1:
        return []
    (key,) = dataset.key
    table = dataset.table
    gone = (
        f"SELECT {_q(key)} FROM {table} WHERE batch_id = {int(batch_id)} AND {_q(key)} NOT IN "
        f"(SELECT {_q(key)} FROM hist_{table} WHERE replaced_by = {int(batch_id)})"
    )
    used = []
    for other in DATASETS.values():
        if table not in other.depends_on:
            continue
        columns = [c for c, (t, k) in other.references.items() if t == table and k == key]
        if table == "faculties":
            columns += list(other.faculty_columns)
        for column in columns:
            (count,) = db.first(
                conn.execute(f"SELECT count(*) FROM {other.table} WHERE {_q(column)} IN ({gone})")
            )
            if count:
                used.append((other.name, int(count)))
    return used


def rollback(conn: duckdb.DuckDBPyConnection, batch_id: int, user: str) -> dict[str, int]:
    """Undo one committed upload: its new rows go, rows it changed get their earlier values.

    Refused while a later, still committed upload changed rows of this one: undoing this
    first would silently throw away that later upload's work.
    """
    row = db.first(
        conn.execute("SELECT dataset, status FROM upload_batches WHERE batch_id = ?", [batch_id])
    )
    if row is None:
        raise RollbackRefused("no_such_batch", batch_id=batch_id)
    dataset_name, status = row
    if status != "committed":
        raise RollbackRefused("not_committed", batch_id=batch_id, status=status)
    table = get_dataset(dataset_name).table
    later = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT h.replaced_by FROM hist_{table} h JOIN upload_batches b "
            "ON b.batch_id = h.replaced_by WHERE h.batch_id = ? AND b.status = 'committed' "
            "ORDER BY 1",
            [batch_id],
        ).fetchall()
    ]
    if later:
        raise RollbackRefused("changed_later", batch_id=batch_id, later=", ".join(map(str, later)))
    again = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT r.batch_id FROM batch_reassertions r JOIN upload_batches b "
            "ON b.batch_id = r.batch_id WHERE r.reasserted_batch = ? AND b.status = 'committed' "
            "ORDER BY 1",
            [batch_id],
        ).fetchall()
    ]
    if again:
        # Removing the rows would leave the later batch "committed" without them.
        raise RollbackRefused(
            "reasserted_later", batch_id=batch_id, later=", ".join(map(str, again))
        )
    used_by = _still_referenced(conn, get_dataset(dataset_name), batch_id)
    if used_by:
        raise RollbackRefused("in_use", batch_id=batch_id, used_by=used_by)
    types = _target_types(conn, table)
    col_list = ", ".join(_q(c) for c in types)
    with db.transaction(conn) as tx:
        removed = db.first(
            tx.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id])
        )[0]
        tx.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
        restored = db.first(
            tx.execute(f"SELECT count(*) FROM hist_{table} WHERE replaced_by = ?", [batch_id])
        )[0]
        tx.execute(
            f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM hist_{table} "
            "WHERE replaced_by = ?",
            [batch_id],
        )
        tx.execute(f"DELETE FROM hist_{table} WHERE replaced_by = ?", [batch_id])
        tx.execute(
            "UPDATE upload_batches SET status = 'rolled_back', rolled_back_at = ? WHERE batch_id = ?",
            [datetime.now(), batch_id],
        )
        db.audit(
            tx,
            user,
            "rollback",
            f"{dataset_name} batch {batch_id}: {removed - restored} removed, {restored} restored",
        )
        db.bump_data_version(tx)
    return {"removed": removed - restored, "restored": restored}
