"""Built decks kept in the warehouse with the data version they show, to download again later."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from sapat import db

LISTED = (
    "report_id, academic_year, lang, sections, data_version, created_at, created_by, "
    "file_name, file_sha256, slides"
)


@dataclass(frozen=True)
class Snapshot:
    report_id: int
    file_name: str
    data_version: int
    sha256: str


def save(
    conn: duckdb.DuckDBPyConnection,
    deck: bytes,
    *,
    academic_year: str,
    lang: str,
    sections: tuple[str, ...],
    file_name: str,
    slides: int,
    user: str,
    data_version: int | None = None,
) -> Snapshot:
    """Keep a built deck beside the data version it was built from, and audit it.

    The version is read before the deck is built (callers pass it) so a concurrent upload
    cannot make the record claim newer data than the deck shows.
    """
    version = db.data_version(conn) if data_version is None else data_version
    sha = hashlib.sha256(deck).hexdigest()
    with db.transaction(conn) as tx:
        (report_id,) = db.first(tx.execute("SELECT nextval('report_seq')"))
        tx.execute(
            "INSERT INTO report_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report_id,
                academic_year,
                lang,
                list(sections),
                version,
                datetime.now(),
                user,
                file_name,
                sha,
                slides,
                deck,
            ],
        )
        db.audit(tx, user, "report", f"{file_name} (data version {version})")
    return Snapshot(report_id, file_name, version, sha)


def listing(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every kept deck, newest first, without the file itself."""
    return conn.execute(f"SELECT {LISTED} FROM report_snapshots ORDER BY report_id DESC").df()


def deck_bytes(conn: duckdb.DuckDBPyConnection, report_id: int) -> bytes | None:
    row = conn.execute(
        "SELECT deck FROM report_snapshots WHERE report_id = ?", [report_id]
    ).fetchall()
    return bytes(row[0][0]) if row else None
