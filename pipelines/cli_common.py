"""What every command of the CLI shares: exit codes, language, user, opening the warehouse."""

from __future__ import annotations

import argparse
import getpass
import os

import duckdb

from pipelines.problems import FileRejected
from sapat import db

EXIT_OK, EXIT_REJECTED, EXIT_FILE = 0, 1, 2
MAX_LISTED = 50


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("SAPAT_LANG", "en")


def _user() -> str:
    try:
        return os.environ.get("SAPAT_USER") or getpass.getuser()
    except Exception:
        return "cli"


def _open(args: argparse.Namespace, lang: str) -> duckdb.DuckDBPyConnection:
    path = db.resolve_db_path(args.db)
    try:
        return db.connect(path)
    except db.WarehouseLocked:
        raise FileRejected("locked", path=str(path)) from None
