"""Building the demo warehouse from the deterministic demo data, through the real loader."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.demo.frames import generate
from pipelines.demo.kpis import COMPUTED_KPIS, KPI_MEASURES
from pipelines.ingest import ingest_frame
from pipelines.problems import FileRejected
from sapat import backup, db
from sapat.queries import kpis
from schemas.registry import load_order

LOAD_ORDER = load_order()  # referenced datasets first, from the registry's references


# Audit actions that change nothing in the data: reading, signing in, copying.
_HARMLESS_ACTIONS = ("sign_in", "sign_in_failed", "sign_in_throttled", "backup", "report")


def foreign_content(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What the warehouse holds that the demo build did not make: uploads, accounts, changes.

    Counted from the warehouse itself, never from the demo flag: a demo warehouse someone
    then loaded real files into keeps its flag, and must not be rebuilt over.
    """
    tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    found = {}
    if "upload_batches" in tables:
        found["uploads"] = db.first(
            conn.execute("SELECT count(*) FROM upload_batches WHERE uploaded_by <> 'demo'")
        )[0]
    if "users" in tables:
        found["accounts"] = db.first(conn.execute("SELECT count(*) FROM users"))[0]
    if "audit_log" in tables:
        found["changes"] = db.first(
            conn.execute(
                "SELECT count(*) FROM audit_log WHERE \"user\" <> 'demo' "
                "AND action NOT IN (SELECT unnest(?))",
                [list(_HARMLESS_ACTIONS)],
            )
        )[0]
    if tables and "app_meta" not in tables:
        found["tables"] = len(tables)  # some other DuckDB file: not ours to overwrite
    elif "app_meta" in tables and not db.is_demo(conn):
        found["real"] = 1  # made by init or by real uploads: never given demo rows
    return {k: v for k, v in found.items() if v}


def _university_name(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The English name of the university a warehouse was made for by init, if any."""
    tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "university" not in tables:
        return None
    row = db.first(conn.execute("SELECT name_en FROM university"))
    return row[0] if row else None


def make_room(path: Path, force: bool = False) -> Path | None:
    """Refuse to overwrite anything the demo did not make; with ``force``, back it up first.

    Returns where the backup was written, if one was.
    """
    if not path.exists():
        return None
    try:
        conn = db.connect(path, migrate_now=False)
    except db.WarehouseLocked:
        raise FileRejected("locked", path=str(path)) from None
    try:
        found = foreign_content(conn)
        if not found:
            return None
        university = _university_name(conn)
        if university is not None:
            # A warehouse made by init is a university's own: not even --force replaces it.
            raise FileRejected("real_warehouse", path=str(path), name=university)
        if not force:
            raise FileRejected(
                "not_demo",
                path=str(path),
                uploads=found.get("uploads", 0),
                accounts=found.get("accounts", 0),
                changes=found.get("changes", 0),
            )
        if "app_meta" not in {
            r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }:
            raise FileRejected("not_warehouse", path=str(path))
        return backup.backup(conn, path, user="demo --force").path
    finally:
        conn.close()


def build_demo(path: Path, *, room_made: bool = False, seed: int = 2026) -> dict[str, int]:
    """(Re)build the demo warehouse at ``path``; returns rows loaded per dataset.

    A warehouse holding anything the demo did not make is refused, unless the caller has
    already called ``make_room`` (which backs it up when forced). ``seed``: another seed
    generates another warehouse of the same shape (tests compare figures on two).
    """
    if not room_made:
        make_room(path)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    frames = generate(seed)
    conn = db.connect(path)
    try:
        counts = {}
        for name in LOAD_ORDER:
            report = ingest_frame(conn, name, frames[name], file_name=f"demo_{name}", user="demo")
            if not report.loaded:
                first = "; ".join(
                    f"row {p.row} {p.column}: {p.message('en')}" for p in report.problems[:5]
                )
                raise RuntimeError(f"demo data for {name} failed validation: {first}")
            counts[name] = report.result.rows_loaded
        for code, measure in (KPI_MEASURES | COMPUTED_KPIS).items():
            kpis.link(conn, code, measure, "demo")
        db.set_meta(conn, "demo", "true")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return counts
