"""Child process of test_pipelines_loader_safety: load one batch, then wait to be killed."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import loader
from pipelines.ingest import IngestReport, ingest_bytes, ingest_frame
from sapat import db
from schemas.registry import Dataset

DATASET = "ranking_results"
# Longer than any test waits: the parent always kills first. Should it not, the child exits
# with NOT_KILLED instead of carrying on, so the parent notices.
WAIT_SECONDS = 60
NOT_KILLED = 3


def state(conn: duckdb.DuckDBPyConnection) -> dict[str, float | int]:
    """Row count, score sum and data_version as this connection (or transaction) sees them."""
    count, total = conn.execute(
        "SELECT count(*), sum(overall_score) FROM ranking_results"
    ).fetchone()
    return {"count": count, "sum": total, "data_version": db.data_version(conn)}


def announce(word: str, payload: dict[str, object]) -> None:
    # One whole line, flushed at once: the parent's select() then readline() never blocks.
    print(word, json.dumps(payload), flush=True)


def wait_to_be_killed() -> None:
    time.sleep(WAIT_SECONDS)
    os._exit(NOT_KILLED)  # no close, no checkpoint, no commit


def run(conn: duckdb.DuckDBPyConnection, source: Path) -> IngestReport:
    """An .xlsx goes through the whole upload path; a pickled frame through ingest_frame."""
    if source.suffix == ".xlsx":
        return ingest_bytes(conn, DATASET, source.name, source.read_bytes(), user="child")
    frame = pd.read_pickle(source)  # written by the test itself into its tmp_path
    return ingest_frame(conn, DATASET, frame, file_name=source.name, user="child")


def main(argv: list[str]) -> None:
    db_path, stage, source = argv
    conn = db.connect(db_path)
    # No automatic checkpoint: a committed batch then lives only in the WAL when the parent
    # kills us, so reopening must replay it.
    conn.execute("SET checkpoint_threshold = '1TB'")
    if stage == "in_transaction":
        real_upsert = loader._upsert

        def upsert_then_wait(
            tx: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, batch_id: int
        ) -> tuple[int, int, int]:
            real_upsert(tx, dataset, frame, batch_id)
            # Inside the open transaction, after the upsert wrote: the parent kills us here.
            # db_bytes is for diagnosis: past one row group the file grows before COMMIT.
            announce(
                "READY", {"batch_id": batch_id, "db_bytes": os.path.getsize(db_path), **state(tx)}
            )
            wait_to_be_killed()
            raise AssertionError("unreachable")

        loader._upsert = upsert_then_wait
    elif stage != "committed":
        raise SystemExit(f"unknown stage {stage!r}")
    report = run(conn, Path(source))
    result = report.result
    assert result is not None and result.status == "committed", report.problems[:5]
    announce(
        "COMMITTED",
        {
            "batch_id": result.batch_id,
            "rows_new": result.rows_new,
            "rows_changed": result.rows_changed,
            **state(conn),
        },
    )
    wait_to_be_killed()


if __name__ == "__main__":
    main(sys.argv[1:])
