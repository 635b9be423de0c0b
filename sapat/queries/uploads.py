"""Upload history, rejected rows and the audit log, for the Data and Admin pages."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

BATCH_COLUMNS = [
    "batch_id",
    "dataset",
    "file_name",
    "status",
    "uploaded_by",
    "uploaded_at",
    "mode",
    "rows_in",
    "rows_loaded",
    "rows_rejected",
    "rows_new",
    "rows_changed",
    "rows_unchanged",
    "rolled_back_at",
    "file_sha256",
]


def batches(conn: duckdb.DuckDBPyConnection, datasets: tuple[str, ...]) -> pd.DataFrame:
    """Every upload of the given datasets, newest first."""
    return conn.execute(
        f"SELECT {', '.join(BATCH_COLUMNS)} FROM upload_batches "
        "WHERE list_contains(?, dataset) ORDER BY batch_id DESC",
        [list(datasets)],
    ).df()


def batch(conn: duckdb.DuckDBPyConnection, batch_id: int) -> dict | None:
    rows = conn.execute(
        f"SELECT {', '.join(BATCH_COLUMNS)} FROM upload_batches WHERE batch_id = ?", [batch_id]
    ).df()
    return None if rows.empty else rows.iloc[0].to_dict()


def rejected_rows(conn: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """A batch's rejected rows as they were written, each with its problems beside it.

    One line per source row: the problems of a row are joined, and the row's cells (kept
    as JSON at upload) are spread back into their columns, so the file can be fixed and
    uploaded again.
    """
    found = conn.execute(
        "SELECT sheet, row_number, string_agg(coalesce(\"column\" || ': ', '') || problem, "
        "'; ' ORDER BY \"column\") AS problems, any_value(row_data) AS row_data "
        "FROM rejected_rows WHERE batch_id = ? GROUP BY sheet, row_number "
        "ORDER BY row_number NULLS FIRST",
        [batch_id],
    ).df()
    cells = [json.loads(d) if isinstance(d, str) else {} for d in found["row_data"]]
    spread = pd.DataFrame.from_records(cells, index=found.index)
    return pd.concat([found[["row_number", "problems"]], spread], axis=1)


def audit_log(
    conn: duckdb.DuckDBPyConnection, actions: tuple[str, ...] = (), limit: int = 2000
) -> pd.DataFrame:
    """The newest audit entries, optionally only some actions."""
    where = "WHERE list_contains(?, action)" if actions else ""
    params: list = [list(actions)] if actions else []
    return conn.execute(
        f'SELECT "at", "user", action, detail FROM audit_log {where} ORDER BY "at" DESC LIMIT ?',
        [*params, limit],
    ).df()


def audit_actions(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0] for r in conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1").fetchall()
    ]
