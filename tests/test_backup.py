"""Backups taken while data is loading are consistent; restore refuses a running dashboard."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.ingest import ingest_bytes
from sapat import db
from sapat.backup import backup, list_backups, read_version, restore
from tests.conftest import xlsx_bytes

HEADER = ["program_code", "name_en", "level", "faculty", "status"]
AT = datetime(2025, 1, 2, 3, 4, 5)


def programs(batch: int, rows: int = 3) -> bytes:
    return xlsx_bytes(
        [
            HEADER,
            *(
                [f"P{batch}-{i}", f"Programme {i}", "bachelor", "ECON", "active"]
                for i in range(rows)
            ),
        ]
    )


def snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table's rows, order-free (repr sorts any column type)."""
    tables = [r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """What the running dashboard does to the warehouse file: keep it open."""
    code = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield
    finally:
        proc.kill()
        proc.wait()


def warehouse(path: Path, uploads: int) -> int:
    """A closed warehouse file with ``uploads`` committed uploads; returns its data version."""
    conn = db.connect(path)
    for n in range(uploads):
        assert ingest_bytes(conn, "programs", f"p{n}.xlsx", programs(n)).loaded
    version = db.data_version(conn)
    conn.close()
    return version


def test_backup_holds_every_table_as_it_was(conn, db_path, tmp_path):
    for n in range(2):
        ingest_bytes(conn, "programs", f"p{n}.xlsx", programs(n))
    before = snapshot(conn)
    done = backup(conn, db_path, tmp_path / "out", AT, user="aigul")
    assert done.path == tmp_path / "out" / "sapat-20250102-030405.duckdb"
    assert (done.data_version, done.taken_at) == (2, AT)
    assert done.size_bytes == done.path.stat().st_size > 0
    assert [p.name for p in done.path.parent.iterdir()] == [done.path.name]  # no temp file left
    copy = read_only(done.path)
    assert snapshot(copy) == before
    assert len(before["programs"]) == 6
    copy.close()
    audit = conn.execute(
        'SELECT "user", action, detail FROM audit_log WHERE action = ?', ["backup"]
    )
    assert audit.fetchall() == [("aigul", "backup", done.path.name)]
    # Without a folder the backup goes beside the warehouse; a second one in the same
    # second keeps both.
    first = backup(conn, db_path, now=AT)
    second = backup(conn, db_path, now=AT)
    assert first.path == db_path.parent / "backups" / "sapat-20250102-030405.duckdb"
    assert second.path.name == "sapat-20250102-030405-2.duckdb"


def test_backup_while_another_thread_loads_is_consistent(conn, db_path, tmp_path):
    stop, loaded = threading.Event(), threading.Semaphore(0)
    errors: list[BaseException] = []

    def load() -> None:
        cursor = conn.cursor()  # as the server's sessions do: a cursor of the shared connection
        n = 0
        try:
            while not stop.is_set():
                assert ingest_bytes(cursor, "programs", f"p{n}.xlsx", programs(n, 20)).loaded
                n += 1
                loaded.release()
        except BaseException as exc:
            errors.append(exc)
        finally:
            cursor.close()

    writer = threading.Thread(target=load)
    writer.start()
    taken = []
    try:
        for _ in range(4):
            assert loaded.acquire(timeout=60)  # at least one more upload since the last backup
            taken.append(backup(conn, db_path, tmp_path / "out"))
    finally:
        stop.set()
        writer.join(60)
    assert not errors
    versions = [b.data_version for b in taken]
    assert versions == sorted(set(versions)) and versions[0] >= 1
    for b in taken:
        copy = read_only(b.path)
        batches, rows = copy.execute(
            "SELECT count(*), sum(rows_loaded) FROM upload_batches WHERE status = 'committed'"
        ).fetchone()
        assert db.data_version(copy) == b.data_version == batches
        assert copy.execute("SELECT count(*) FROM programs").fetchone() == (rows,)
        assert rows == 20 * batches
        copy.close()


def test_list_backups_newest_first_skipping_what_does_not_open(conn, db_path, tmp_path):
    out = tmp_path / "out"
    times = [datetime(2025, 1, 2, 3, 4, s) for s in (5, 9, 7)]
    made = [backup(conn, db_path, out, t) for t in times]
    again = backup(conn, db_path, out, times[1])  # the same second: the later one first
    (out / "sapat-20300101-000000.duckdb").write_bytes(b"half a file" * 100)
    (out / "notes.duckdb").write_bytes((out / made[0].path.name).read_bytes())
    listed = list_backups(out)
    assert [b.path for b in listed] == [again.path, made[1].path, made[2].path, made[0].path]
    assert listed[1] == made[1]
    assert list_backups(tmp_path / "none") == []


def test_restore_refuses_a_held_warehouse_then_puts_the_backup_back(tmp_path):
    live = tmp_path / "data" / "sapat.duckdb"
    warehouse(live, 1)
    conn = db.connect(live)
    saved = backup(conn, live)
    ingest_bytes(conn, "programs", "late.xlsx", programs(9))
    conn.close()
    assert read_version(live) == 2

    with held_by_another_process(live), pytest.raises(db.WarehouseLocked):
        restore(saved.path, live)
    assert read_version(live) == 2 and sorted(live.parent.iterdir()) == [
        live.parent / "backups",
        live,
    ]

    kept = restore(saved.path, live, now=AT)
    assert kept == live.with_name("sapat.duckdb.before-restore-20250102-030405")
    assert read_version(kept) == 2
    assert read_version(live) == 1
    assert live.read_bytes() == saved.path.read_bytes()


def test_restore_moves_a_stale_wal_aside_with_the_old_file(tmp_path):
    live = tmp_path / "sapat.duckdb"
    warehouse(live, 1)
    conn = db.connect(live)
    saved = backup(conn, live, tmp_path / "out")
    conn.close()
    # A process that died after a commit leaves its last changes in the WAL only.
    code = (
        "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]);"
        " c.execute(\"UPDATE app_meta SET value = '99' WHERE key = 'data_version'\"); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(live)], check=True)
    assert live.with_name("sapat.duckdb.wal").exists()
    kept = restore(saved.path, live, now=AT)
    assert not live.with_name("sapat.duckdb.wal").exists()
    assert read_version(live) == 1
    assert read_version(kept) == 99  # the old file still opens with its own WAL


def test_cli_backup_and_restore(tmp_path, capsys):
    live = tmp_path / "sapat.duckdb"
    out = tmp_path / "out"
    warehouse(live, 2)

    assert main(["backup", "--db", str(live), "--out", str(out), "--lang", "en"]) == 0
    (saved,) = list_backups(out)
    assert capsys.readouterr().out == (
        f"Backup written: {saved.path} ({saved.size_bytes / 1e6:.1f} MB, data version 2).\n"
    )
    assert main(["restore", str(saved.path), "--db", str(live), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert f"The warehouse {live} was restored from the backup {saved.path}." in printed
    assert "The previous warehouse was kept as " in printed
    assert read_version(live) == 2

    assert main(["backup", "--db", str(tmp_path / "missing.duckdb"), "--lang", "en"]) == 2
    assert "File not found" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.duckdb"), "--db", str(live)]) == 2
    assert "File not found" in capsys.readouterr().err
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a warehouse" * 100)
    assert main(["restore", str(junk), "--db", str(live), "--lang", "en"]) == 2
    assert "is not a Sapat warehouse" in capsys.readouterr().err


def test_cli_with_the_dashboard_running_is_exit_2_and_one_line(tmp_path, capsys):
    live = tmp_path / "sapat.duckdb"
    warehouse(live, 1)
    conn = db.connect(live)
    saved = backup(conn, live)
    conn.close()
    with held_by_another_process(live):
        assert main(["backup", "--db", str(live), "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "dashboard is running" in err and "Administration page" in err
        assert main(["restore", str(saved.path), "--db", str(live), "--lang", "ru"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Остановите дашборд" in err and "Traceback" not in err
    assert list_backups(live.parent / "backups") == [saved]
