"""Loads are all-or-nothing under errors, SIGKILL, concurrent editors and concurrent readers."""

from __future__ import annotations

import functools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import loader
from pipelines.ingest import IngestReport, ingest_bytes, ingest_frame
from sapat import db
from sapat.i18n import column_label
from schemas.registry import Dataset, get_dataset
from tests.conftest import ROOT, xlsx_bytes

DATASET = "ranking_results"
# The template's English headers, in the template's order.
HEADER = [column_label(c.name, "en") for c in get_dataset(DATASET).input_columns]
YEAR = 2025
COUNT_SUM = "SELECT count(*), sum(overall_score) FROM ranking_results"
ROWS = "SELECT institution, overall_score, batch_id FROM ranking_results ORDER BY institution"
# Everything a load writes; comparing all of it catches a half-undone batch anywhere.
TABLES = (
    "ranking_results",
    "hist_ranking_results",
    "upload_batches",
    "rejected_rows",
    "audit_log",
    "app_meta",
)

# Batch A is the earlier data. Batch B changes every A row's score (+500; scores must stay
# within 0..1000) and adds 1000 new rows, so a half-applied B is visible in count and sum.
KEYS_A = range(3000)
KEYS_B = range(4000)
OFFSET_B = 500.0
# Past one DuckDB row group (122,880 rows): the uncommitted rows then go to the database file
# before COMMIT (optimistic writes), not only to memory, so a kill hits a partly written file.
KEYS_HUGE = range(150_000)
CHILD_TIMEOUT = 60  # seconds; only reached when something is broken


class Interrupted(BaseException):
    """Like Streamlit's StopException and RerunException: a BaseException, not an Exception."""


def institution(i: int) -> str:
    return f"University {i:06d}"


def score(i: int, offset: float) -> float:
    # Whole numbers: sums of doubles are then exact, whatever order DuckDB adds them in.
    return float(i % 400) + offset


def rows(keys: range, offset: float) -> list[list[object]]:
    """Template rows (as typed in Excel) for ``keys`` with scores shifted by ``offset``."""
    out = []
    for i in keys:
        values = {
            "ranking": "qs_wur",
            "year": YEAR,
            "institution": institution(i),
            "country": "KG",
            "rank_display": str(i + 1),
            "overall_score": score(i, offset),
            "source": "test",
        }
        out.append([values[c.name] for c in get_dataset(DATASET).input_columns])
    return out


@functools.cache  # writing a workbook costs more than loading it; bytes are immutable
def workbook(keys: range, offset: float) -> bytes:
    return xlsx_bytes([HEADER, *rows(keys, offset)])


def typed_frame(keys: range, offset: float) -> pd.DataFrame:
    """The same rows already typed, for ingest_frame (an .xlsx of 150k rows is too slow)."""
    ranks = pd.array([i + 1 for i in keys], dtype="Int64")
    no = pd.array([False] * len(keys), dtype="boolean")
    return pd.DataFrame(
        {
            "ranking": ["qs_wur"] * len(keys),
            "year": pd.array([YEAR] * len(keys), dtype="Int64"),
            "institution": [institution(i) for i in keys],
            "country": ["KG"] * len(keys),
            "rank_display": [str(i + 1) for i in keys],
            "rank_low": ranks,
            "rank_high": ranks,
            "is_tie": no,
            "is_band": no,
            "overall_score": pd.array([score(i, offset) for i in keys], dtype="Float64"),
            "source": ["test"] * len(keys),
        }
    )


def expected(keys: range, offset: float) -> tuple[int, float]:
    """(count, sum of scores) of a table holding exactly ``keys``."""
    return len(keys), sum(score(i, offset) for i in keys)


def expected_rows(keys: range, offset: float, batch_id: int) -> list[tuple[str, float, int]]:
    return sorted((institution(i), score(i, offset), batch_id) for i in keys)


def upload(
    conn: duckdb.DuckDBPyConnection, name: str, data: bytes, user: str = "tester"
) -> IngestReport:
    return ingest_bytes(conn, DATASET, name, data, user=user)


def snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table a load touches, fully sorted, so two snapshots compare row for row."""
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in TABLES}


def assert_same(after: dict[str, pd.DataFrame], before: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(after[table], before[table], obj=table)


def traces_of(conn: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[int, int, int, int]:
    """Rows anywhere that belong to ``batch_id``: (batches, data rows, history, audit)."""

    def count(sql: str, *params: object) -> int:
        return conn.execute(sql, list(params)).fetchone()[0]

    return (
        count("SELECT count(*) FROM upload_batches WHERE batch_id = ?", batch_id),
        count("SELECT count(*) FROM ranking_results WHERE batch_id = ?", batch_id),
        count("SELECT count(*) FROM hist_ranking_results WHERE replaced_by = ?", batch_id),
        count("SELECT count(*) FROM audit_log WHERE detail LIKE ?", f"% batch {batch_id} %"),
    )


def run_threads(targets: list[Callable[[], None]], timeout: float = 30) -> None:
    """Run ``targets`` in threads; re-raise the first error any of them hit."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # a failed assert in a thread must fail the test
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(t), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


# 1. An exception in the middle of a load ---------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError, Interrupted])
@pytest.mark.parametrize("where", ["after_upsert", "after_data_version"])
def test_an_error_mid_load_rolls_back_everything(
    conn: duckdb.DuckDBPyConnection,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    error: type[BaseException],
) -> None:
    first = upload(conn, "a.xlsx", workbook(KEYS_A, 0))
    assert first.loaded
    before = snapshot(conn)
    version = db.data_version(conn)
    failed: list[int] = []

    if where == "after_upsert":
        real_upsert = loader._upsert

        def upsert_then_fail(
            tx: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, batch_id: int
        ) -> tuple[int, int, int]:
            real_upsert(tx, dataset, frame, batch_id)
            # The transaction has really written B: it sees B's rows before we fail it.
            assert tx.execute(COUNT_SUM).fetchone() == expected(KEYS_B, OFFSET_B)
            failed.append(batch_id)
            raise error("injected")

        monkeypatch.setattr(loader, "_upsert", upsert_then_fail)
    else:
        real_bump = db.bump_data_version

        def bump_then_fail(tx: duckdb.DuckDBPyConnection) -> None:
            # The last write before COMMIT: rows, batch, audit row and version are all written.
            real_bump(tx)
            assert db.data_version(tx) == version + 1
            batch_id = tx.execute("SELECT max(batch_id) FROM upload_batches").fetchone()[0]
            assert traces_of(tx, batch_id) == (1, len(KEYS_B), len(KEYS_A), 1)
            failed.append(batch_id)
            raise error("injected")

        monkeypatch.setattr(db, "bump_data_version", bump_then_fail)

    with pytest.raises(error, match="injected"):
        upload(conn, "b.xlsx", workbook(KEYS_B, OFFSET_B))
    monkeypatch.undo()

    assert len(failed) == 1
    assert_same(snapshot(conn), before)
    assert traces_of(conn, failed[0]) == (0, 0, 0, 0)
    assert db.data_version(conn) == version
    # The stage table was created inside the transaction, so it went with the rollback.
    assert conn.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)

    # The connection is usable again: the same upload now goes through normally.
    again = upload(conn, "b.xlsx", workbook(KEYS_B, OFFSET_B))
    assert again.loaded and again.result is not None
    result = again.result
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1000, 3000, 0)
    assert conn.execute(ROWS).fetchall() == expected_rows(KEYS_B, OFFSET_B, result.batch_id)
    assert db.data_version(conn) == version + 1
    assert conn.execute(
        "SELECT status, count(*) FROM upload_batches GROUP BY ALL ORDER BY ALL"
    ).fetchall() == [("committed", 2)]
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'upload'").fetchone() == (2,)


# 2 and 3. A process killed with SIGKILL ----------------------------------------------------

Spawn = Callable[[Path, str, Path, str], tuple[subprocess.Popen[str], dict[str, float]]]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Start tests/load_child.py and wait for its announcement; kills leftovers at teardown."""
    procs: list[subprocess.Popen[str]] = []
    env = {k: v for k, v in os.environ.items() if k != "SAPAT_DB"}

    def start(
        db_path: Path, stage: str, source: Path, word: str
    ) -> tuple[subprocess.Popen[str], dict[str, float]]:
        err = tmp_path / f"child{len(procs)}.stderr"
        with err.open("w") as stderr:  # a file, not a pipe: a chatty child can never block
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.load_child", str(db_path), stage, str(source)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        procs.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], CHILD_TIMEOUT)
        line = proc.stdout.readline() if ready else ""
        if not line.startswith(word + " "):
            proc.kill()
            proc.wait()
            pytest.fail(f"child said {line!r} instead of {word}; stderr:\n{err.read_text()}")
        return proc, json.loads(line.split(" ", 1)[1])

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def kill9(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    # -SIGKILL, not load_child.NOT_KILLED: the kill, not a timeout, ended the child.
    assert proc.wait(timeout=30) == -signal.SIGKILL


def earlier_warehouse(db_path: Path) -> dict[str, pd.DataFrame]:
    """A warehouse holding batch A, closed cleanly so the child can open the file."""
    conn = db.connect(db_path)
    try:
        assert upload(conn, "a.xlsx", workbook(KEYS_A, 0)).loaded
        return snapshot(conn)
    finally:
        conn.close()


def batch_b_source(tmp_path: Path, size: str) -> tuple[Path, range]:
    """Batch B as the child reads it: a real .xlsx, or a typed frame past one row group."""
    if size == "xlsx":
        path = tmp_path / "b.xlsx"
        path.write_bytes(workbook(KEYS_B, OFFSET_B))
        return path, KEYS_B
    path = tmp_path / "b.pkl"
    typed_frame(KEYS_HUGE, OFFSET_B).to_pickle(path)
    return path, KEYS_HUGE


def load_b(conn: duckdb.DuckDBPyConnection, source: Path) -> IngestReport:
    if source.suffix == ".xlsx":
        return upload(conn, source.name, source.read_bytes())
    return ingest_frame(conn, DATASET, pd.read_pickle(source), file_name=source.name, user="t")


@pytest.mark.parametrize("size", ["xlsx", "beyond_row_group"])
def test_sigkill_in_the_middle_of_a_load_leaves_the_earlier_data_intact(
    tmp_path: Path, db_path: Path, spawn: Spawn, size: str
) -> None:
    before = earlier_warehouse(db_path)
    source, keys_b = batch_b_source(tmp_path, size)

    proc, seen = spawn(db_path, "in_transaction", source, "READY")
    # The kill hits a transaction that has already written all of B (as it itself sees it).
    assert (seen["count"], seen["sum"]) == expected(keys_b, OFFSET_B)
    kill9(proc)

    conn = db.connect(db_path)
    try:
        assert_same(snapshot(conn), before)
        assert traces_of(conn, int(seen["batch_id"])) == (0, 0, 0, 0)
        # The file is healthy, not just readable: B loads, survives a checkpoint and a reopen.
        report = load_b(conn, source)
        assert report.loaded
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    conn = db.connect(db_path)
    try:
        assert conn.execute(COUNT_SUM).fetchone() == expected(keys_b, OFFSET_B)
    finally:
        conn.close()


@pytest.mark.parametrize("size", ["xlsx", "beyond_row_group"])
def test_sigkill_right_after_commit_keeps_the_commit(
    tmp_path: Path, db_path: Path, spawn: Spawn, size: str
) -> None:
    before = earlier_warehouse(db_path)
    version = int(before["app_meta"].set_index("key").at["data_version", "value"])
    source, keys_b = batch_b_source(tmp_path, size)

    proc, seen = spawn(db_path, "committed", source, "COMMITTED")
    kill9(proc)
    batch_id = int(seen["batch_id"])
    # The child never closed or checkpointed: the commit exists only in the WAL, which
    # reopening must replay.
    wal = Path(f"{db_path}.wal")
    assert wal.exists() and wal.stat().st_size > 0

    conn = db.connect(db_path)
    try:
        state = (*conn.execute(COUNT_SUM).fetchone(), db.data_version(conn))
        assert state == (*expected(keys_b, OFFSET_B), version + 1)
        assert state == (seen["count"], seen["sum"], seen["data_version"])
        assert conn.execute(ROWS).fetchall() == expected_rows(keys_b, OFFSET_B, batch_id)
        new, changed = len(keys_b) - len(KEYS_A), len(KEYS_A)
        assert (seen["rows_new"], seen["rows_changed"]) == (new, changed)
        assert conn.execute(
            "SELECT file_name, uploaded_by, status, rows_in, rows_loaded, rows_new, rows_changed "
            "FROM upload_batches WHERE batch_id = ?",
            [batch_id],
        ).fetchall() == [
            (source.name, "child", "committed", len(keys_b), len(keys_b), new, changed)
        ]
        assert traces_of(conn, batch_id) == (1, len(keys_b), changed, 1)
        assert conn.execute("SELECT action FROM audit_log WHERE \"user\" = 'child'").fetchall() == [
            ("upload",)
        ]
        # Batch A's versions went to history, so the replayed batch can still be undone.
        assert loader.rollback(conn, batch_id, "tester") == {"removed": new, "restored": changed}
        assert conn.execute(COUNT_SUM).fetchone() == expected(KEYS_A, 0)
    finally:
        conn.close()


# 4. Two editors uploading at once ----------------------------------------------------------


def upload_together(
    conn: duckdb.DuckDBPyConnection,
    monkeypatch: pytest.MonkeyPatch,
    files: list[tuple[str, bytes]],
) -> tuple[list[IngestReport], list[tuple[float, float]]]:
    """Each editor on its own cursor of one connection, as Streamlit sessions are, released
    together by a barrier. Returns the reports and the time span of each upsert."""
    barrier = threading.Barrier(len(files))
    reports: dict[int, IngestReport] = {}
    spans: list[tuple[float, float]] = []
    real_upsert = loader._upsert

    def timed_upsert(
        tx: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, batch_id: int
    ) -> tuple[int, int, int]:
        start = time.monotonic()
        counts = real_upsert(tx, dataset, frame, batch_id)
        # Hold the transaction a moment so the other editor surely arrives while it is open.
        time.sleep(0.3)
        spans.append((start, time.monotonic()))
        return counts

    monkeypatch.setattr(loader, "_upsert", timed_upsert)

    def editor(number: int, name: str, data: bytes) -> Callable[[], None]:
        def run() -> None:
            cursor = conn.cursor()
            try:
                barrier.wait(timeout=10)
                reports[number] = upload(cursor, name, data, user=f"editor{number}")
            finally:
                cursor.close()

        return run

    run_threads([editor(n, name, data) for n, (name, data) in enumerate(files)])
    return [reports[n] for n in range(len(files))], sorted(spans)


def committed(report: IngestReport) -> int:
    assert report.loaded and report.result is not None, report.problems[:5]
    return report.result.batch_id


def assert_serialised(spans: list[tuple[float, float]]) -> None:
    assert len(spans) == 2
    (_, first_end), (second_start, _) = spans
    assert first_end <= second_start, "two load transactions overlapped"


def assert_audited(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> None:
    audit = conn.execute(
        'SELECT "user", detail FROM audit_log WHERE action = \'upload\' ORDER BY "user"'
    ).fetchall()
    assert [user for user, _ in audit] == ["editor0", "editor1"]
    for (_, detail), batch_id in zip(audit, batch_ids, strict=True):
        assert f" batch {batch_id} " in detail


def test_two_editors_uploading_different_rows_at_once_are_serialised_and_both_audited(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [range(0, 2000), range(2000, 4000)]
    version = db.data_version(conn)
    reports, spans = upload_together(
        conn, monkeypatch, [(f"f{n}.xlsx", workbook(k, 10.0 * n)) for n, k in enumerate(keys)]
    )
    ids = [committed(r) for r in reports]
    assert_serialised(spans)
    assert_audited(conn, ids)
    assert conn.execute(
        "SELECT batch_id, uploaded_by, status, rows_in, rows_loaded, rows_rejected, rows_new,"
        " rows_changed, rows_unchanged FROM upload_batches ORDER BY uploaded_by"
    ).fetchall() == [(ids[n], f"editor{n}", "committed", 2000, 2000, 0, 2000, 0, 0) for n in (0, 1)]
    union = sorted(expected_rows(keys[0], 0.0, ids[0]) + expected_rows(keys[1], 10.0, ids[1]))
    assert conn.execute(ROWS).fetchall() == union
    assert db.data_version(conn) == version + 2


def test_two_editors_uploading_the_same_rows_at_once_leave_one_whole_file(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    offsets = [100.0, 200.0]
    reports, spans = upload_together(
        conn, monkeypatch, [(f"f{n}.xlsx", workbook(KEYS_A, o)) for n, o in enumerate(offsets)]
    )
    ids = [committed(r) for r in reports]
    assert_serialised(spans)
    assert_audited(conn, ids)
    # batch_seq is read inside the write lock, so the higher id is the later commit, and the
    # table is exactly that file: no row from the other, none mixed.
    last = max(range(2), key=lambda n: ids[n])
    first = 1 - last
    assert conn.execute(ROWS).fetchall() == expected_rows(KEYS_A, offsets[last], ids[last])
    n = len(KEYS_A)
    assert conn.execute(
        "SELECT batch_id, status, rows_new, rows_changed, rows_unchanged FROM upload_batches "
        "ORDER BY batch_id"
    ).fetchall() == [(ids[first], "committed", n, 0, 0), (ids[last], "committed", 0, n, 0)]
    # The earlier file's rows are the history the later one replaced, so undo is exact.
    assert conn.execute(
        "SELECT institution, overall_score, batch_id FROM hist_ranking_results "
        "WHERE replaced_by = ? ORDER BY institution",
        [ids[last]],
    ).fetchall() == expected_rows(KEYS_A, offsets[first], ids[first])


# 5. Readers during a load ------------------------------------------------------------------


def test_readers_see_the_old_data_or_the_new_never_a_mix(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert upload(conn, "a.xlsx", workbook(KEYS_A, 0)).loaded
    old, new = expected(KEYS_A, 0), expected(KEYS_B, OFFSET_B)
    data_b = workbook(KEYS_B, OFFSET_B)
    mid_reads_wanted, after_reads_wanted = 200, 100

    written = threading.Event()  # the writer's upsert has run; its transaction is open
    enough_mid = threading.Event()  # the reader has read enough while it was open
    writer_done = threading.Event()
    start = threading.Barrier(2)
    real_upsert = loader._upsert

    def upsert_and_hold(
        tx: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, batch_id: int
    ) -> tuple[int, int, int]:
        counts = real_upsert(tx, dataset, frame, batch_id)
        # Keep the written-but-uncommitted transaction open until the reader has looked at
        # it many times: this makes the dangerous window certain, not a matter of timing.
        written.set()
        assert enough_mid.wait(15), "reader never read during the transaction"
        return counts

    monkeypatch.setattr(loader, "_upsert", upsert_and_hold)
    # (phase, observation); phase says what the reader knew when the query started.
    seen: list[tuple[str, tuple[int, float]]] = []

    def writer() -> None:
        cursor = conn.cursor()
        try:
            start.wait(timeout=10)
            assert upload(cursor, "b.xlsx", data_b).loaded
        finally:
            cursor.close()
            writer_done.set()

    def reader() -> None:
        cursor = conn.cursor()
        deadline = time.monotonic() + 18
        mid = after = 0
        try:
            start.wait(timeout=10)
            while after < after_reads_wanted and time.monotonic() < deadline:
                # "mid" only until the reader itself releases the writer: those reads surely
                # ran while the written transaction was open.
                if writer_done.is_set():
                    phase = "after"
                elif written.is_set() and not enough_mid.is_set():
                    phase = "mid"
                else:
                    phase = "any"
                seen.append((phase, cursor.execute(COUNT_SUM).fetchone()))
                mid += phase == "mid"
                after += phase == "after"
                if mid >= mid_reads_wanted:
                    enough_mid.set()
        finally:
            cursor.close()

    run_threads([writer, reader])

    observations = [obs for _, obs in seen]
    assert set(observations) <= {old, new}, "a reader saw a half-loaded batch"
    mid_reads = [obs for phase, obs in seen if phase == "mid"]
    assert len(mid_reads) >= mid_reads_wanted and set(mid_reads) == {old}
    after_reads = [obs for phase, obs in seen if phase == "after"]
    assert len(after_reads) >= after_reads_wanted and set(after_reads) == {new}
    # Old, then new, and never back: no read sees the old data once the new was visible.
    first_new = observations.index(new)
    assert set(observations[:first_new]) == {old} and set(observations[first_new:]) == {new}
