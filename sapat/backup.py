"""Consistent copies of the warehouse file, taken while the server runs, and their restore."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from sapat import db

STAMP = "%Y%m%d-%H%M%S"
NAME = re.compile(r"sapat-(\d{8}-\d{6})(?:-\d+)?\.duckdb")


@dataclass(frozen=True)
class Backup:
    path: Path
    size_bytes: int
    data_version: int
    taken_at: datetime


class BackupInvalid(RuntimeError):
    """The file does not open as a Sapat warehouse (damaged, half-copied, or something else)."""


class RestoreOntoItself(ValueError):
    """The backup named is the warehouse file itself, or its WAL."""


# Tables every Sapat warehouse has since its first migration: a DuckDB file without them
# (one holding only app_meta, say) is not a backup of ours, whatever its data version says.
REQUIRED_TABLES = ("app_meta", "schema_migrations", "upload_batches", "audit_log", "users")


def default_dir(db_path: Path) -> Path:
    """`backups/` beside the warehouse file, e.g. data/backups/."""
    return Path(db_path).parent / "backups"


def read_version(path: Path) -> int:
    """The data_version of a warehouse file, opened read-only; BackupInvalid if it cannot be."""
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupInvalid(f"{path}: {exc}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BackupInvalid(f"{path}: no {', '.join(missing)}")
        return db.data_version(conn)
    except duckdb.Error as exc:  # a DuckDB file, but not a Sapat warehouse
        raise BackupInvalid(f"{path}: {exc}") from None
    finally:
        conn.close()


def _unused(folder: Path, stem: str, ext: str = "") -> Path:
    """folder/stem+ext, or stem-2, stem-3...: a second file within one second keeps both."""
    path, n = folder / f"{stem}{ext}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{ext}"
    return path


CHECKPOINT_WAIT_S = 10.0  # how long a backup waits for another writer's transaction to end


def _checkpoint(cur: duckdb.DuckDBPyConnection, wait_s: float | None = None) -> None:
    """CHECKPOINT, waiting briefly while another transaction still holds old row versions.

    Writers of this process are held off by the write lock; what remains is a transaction
    another connection (a CLI user, a reader that began before the last commit) is ending.
    """
    deadline = time.monotonic() + (CHECKPOINT_WAIT_S if wait_s is None else wait_s)
    while True:
        try:
            cur.execute("CHECKPOINT")
            return
        except duckdb.TransactionException:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def backup(
    conn: duckdb.DuckDBPyConnection,
    db_path: Path,
    dest_dir: Path | None = None,
    now: datetime | None = None,
    *,
    user: str = "cli",
) -> Backup:
    """Copy the warehouse that ``conn`` (the server's own connection) has open.

    Holding the write lock means no write transaction of this process is under way, and
    CHECKPOINT moves everything committed into the file and empties the WAL, so the file
    alone is the whole warehouse while it is copied. Reads go on meanwhile.
    """
    now = (now or datetime.now()).replace(microsecond=0)
    db_path = Path(db_path)
    dest_dir = Path(dest_dir) if dest_dir is not None else default_dir(db_path)
    dest_dir.mkdir(parents=True, exist_ok=True)
    cur = conn.cursor()
    try:
        (open_path,) = db.first(
            cur.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
            )
        )
        if not os.path.samefile(open_path, db_path):  # a copy of another file would verify
            raise ValueError(f"the connection has {open_path} open, not {db_path}")
        with db._WRITE_LOCK:
            target = _unused(dest_dir, f"sapat-{now:{STAMP}}", ".duckdb")
            # A dot name outside the sapat-*.duckdb pattern: a half-written copy is never listed.
            part = dest_dir / f".{target.name}.part"
            try:
                version = db.data_version(cur)
                _checkpoint(cur)
                shutil.copyfile(db_path, part)
            except BaseException:
                part.unlink(missing_ok=True)
                raise
        try:
            with open(part, "rb+") as f:
                os.fsync(f.fileno())  # on disk before it is called a backup
            copied = read_version(part)
            if copied != version:
                raise BackupInvalid(f"{part}: data version {copied}, expected {version}")
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        with db.transaction(cur) as tx:
            db.audit(tx, user, "backup", target.name)
    finally:
        cur.close()
    return Backup(target, target.stat().st_size, version, now)


def list_backups(dest_dir: Path) -> list[Backup]:
    """The backups in ``dest_dir``, newest first; files that do not open are left out."""
    found = []
    for path in Path(dest_dir).glob("sapat-*.duckdb"):
        match = NAME.fullmatch(path.name)
        if not match:
            continue
        try:
            version = read_version(path)
            stat = path.stat()
        except (BackupInvalid, OSError):
            continue
        taken_at = datetime.strptime(match.group(1), STAMP)
        found.append((taken_at, stat.st_mtime_ns, Backup(path, stat.st_size, version, taken_at)))
    found.sort(key=lambda t: t[:2], reverse=True)
    return [b for _, _, b in found]


def restore(backup_path: Path, db_path: Path, now: datetime | None = None) -> Path | None:
    """Put a backup in place of the warehouse; returns where the replaced file was kept.

    Only while no other process holds the warehouse (db.WarehouseLocked otherwise): the
    dashboard must be stopped. Call it from a process that has not opened the warehouse
    itself, since DuckDB shares one open file within a process instead of refusing it.
    """
    backup_path, db_path = Path(backup_path), Path(db_path)
    wal = db_path.with_name(db_path.name + ".wal")
    if _same_file(backup_path, db_path) or _same_file(backup_path, wal):
        raise RestoreOntoItself(str(backup_path))  # before anything is moved aside
    if not backup_path.is_file():
        raise FileNotFoundError(str(backup_path))
    read_version(backup_path)
    kept = None
    if db_path.exists():
        # WarehouseLocked passes through; a damaged warehouse is what a restore replaces.
        with contextlib.suppress(duckdb.Error):
            db.connect(db_path, migrate_now=False).close()
        stamp = f"{db_path.name}.before-restore-{(now or datetime.now()):{STAMP}}"
        kept = _unused(db_path.parent, stamp)
        os.replace(db_path, kept)
    if wal.exists():
        # A stale WAL left here would be replayed into the restored file; beside the old
        # file it keeps the name DuckDB pairs with it.
        aside = (
            kept.with_name(f"{kept.name}.wal")
            if kept
            else _unused(db_path.parent, f"{wal.name}.stale")
        )
        os.replace(wal, aside)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    part = db_path.with_name(f".{db_path.name}.restoring")
    try:
        shutil.copyfile(backup_path, part)
        os.replace(part, db_path)
    except BaseException:
        # The live file goes back where it was: a failed restore never leaves no warehouse.
        part.unlink(missing_ok=True)
        if kept is not None and not db_path.exists():
            os.replace(kept, db_path)
        raise
    return kept


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: by resolved path, or by inode where both exist."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
