"""The DuckDB warehouse: path rule, connection, migrations, serialised writes, data version."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "schemas" / "migrations"
DEFAULT_DB = ROOT / "data" / "sapat.duckdb"

# DuckDB allows one writer; within the process every write takes this lock so two sessions
# never interleave their transactions on the shared connection.
_WRITE_LOCK = threading.RLock()


class WarehouseLocked(RuntimeError):
    """Another process (usually the running dashboard) holds the warehouse file."""


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--db, else $SAPAT_DB, else data/sapat.duckdb: the same rule for CLI and server."""
    value = cli_value or os.environ.get("SAPAT_DB")
    return Path(value) if value else DEFAULT_DB


def connect(
    path: str | os.PathLike[str] | None = None, *, migrate_now: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating and migrating it if needed)."""
    db_path = resolve_db_path(path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(db_path))
    except duckdb.Error as exc:  # IOException in most runs, but not in every DuckDB path
        if "lock" in str(exc).lower():
            raise WarehouseLocked(str(db_path)) from exc
        raise
    if migrate_now:
        migrate(conn)
    return conn


def migrations() -> list[tuple[int, Path]]:
    """Migration files in order, numbered by their name's prefix."""
    return sorted((int(p.name.split("_", 1)[0]), p) for p in MIGRATIONS.glob("*.sql"))


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations the warehouse has not had yet, each in its own transaction."""
    with _WRITE_LOCK:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
        )
        done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, path in migrations():
            if version in done:
                continue
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(path.read_text(encoding="utf-8"))
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [version, path.name],
                )
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One serialised write transaction on a cursor of its own; write through the cursor it yields.

    The cursor is closed whatever happens (a failed COMMIT included), and closing a DuckDB
    cursor ends its transaction: a write path cannot leave a transaction open behind it,
    which would keep CHECKPOINT, and so every backup, failing until the cursor is collected.
    """
    with _WRITE_LOCK:
        cur = conn.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        finally:
            cur.close()


def first(result: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of an executed query, or None; the result is read to its end.

    Never ``fetchone()``: it leaves the result open, and with it the cursor's read
    transaction. An open reader that began before a committed UPDATE keeps CHECKPOINT (and
    so backups) failing with "other write transactions active" for as long as that cursor
    lives, minutes for a page's thread cursor.
    """
    rows = result.fetchall()
    return rows[0] if rows else None


def data_version(conn: duckdb.DuckDBPyConnection) -> int:
    """A number every committed upload bumps; cached queries are keyed by it."""
    row = first(conn.execute("SELECT value FROM app_meta WHERE key = 'data_version'"))
    return int(row[0]) if row else 0


def bump_data_version(conn: duckdb.DuckDBPyConnection) -> None:
    """Call inside the write transaction that changes data."""
    conn.execute(
        "UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'data_version'"
    )


def is_demo(conn: duckdb.DuckDBPyConnection) -> bool:
    row = first(conn.execute("SELECT value FROM app_meta WHERE key = 'demo'"))
    return bool(row) and row[0] == "true"


def audit(
    conn: duckdb.DuckDBPyConnection,
    user: str,
    action: str,
    detail: str,
    at: datetime | None = None,
) -> None:
    """One audit_log row; call it inside the transaction whose change it records."""
    conn.execute(
        'INSERT INTO audit_log ("at", "user", action, detail) VALUES (?, ?, ?, ?)',
        [at or datetime.now(), user, action, detail],
    )


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO app_meta VALUES (?, ?)", [key, value])
