"""Workbooks as people keep them: an instructions sheet first, or two sheets that both fit."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import duckdb
import openpyxl

from pipelines.ingest import ingest_bytes
from sapat.i18n import catalog
from sapat.upload import check_upload
from tests.conftest import ROOT, app_test, ensure_accounts
from tests.test_upload import HEADERS, _row

EN = catalog("en")


def _workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook written by openpyxl with the given sheets in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


INSTRUCTIONS = ("Нускама", [["Бул файлды толтуруңуз"], ["1. Ар бир сапка бир мобилдүүлүк"]])


def test_the_data_sheet_after_an_instructions_sheet_is_read_and_named(conn):
    data = _workbook(INSTRUCTIONS, ("2025", [HEADERS, _row(1), _row(2)]))
    report = ingest_bytes(conn, "mobility", "m.xlsx", data, user="e")
    assert report.loaded and report.result.rows_loaded == 2
    assert report.sheet == "2025"
    assert any(n.code == "sheet_read" and n.params["sheet"] == "2025" for n in report.notices)


def test_two_fitting_sheets_ask_which_one(conn):
    data = _workbook(("2024", [HEADERS, _row(1)]), ("2025", [HEADERS, _row(2)]))
    checked = check_upload(conn, "mobility", "m.xlsx", data, "en")
    assert checked.sheets == ["2024", "2025"]
    chosen = check_upload(conn, "mobility", "m.xlsx", data, "en", sheet="2025")
    assert chosen.error is None and chosen.report.rows_valid == 1


def test_the_cli_asks_for_sheet(tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(_workbook(("2024", [HEADERS, _row(1)]), ("2025", [HEADERS, _row(2)])))
    env = {**os.environ, "SAPAT_LANG": "en"}
    run = [sys.executable, "-m", "pipelines", "ingest", "mobility", str(path)]
    run += ["--db", str(tmp_path / "w.duckdb")]
    out = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 2 and "--sheet" in out.stderr and "2024, 2025" in out.stderr
    out = subprocess.run(
        [*run, "--sheet", "2025"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr


def test_the_data_page_asks_which_sheet(db_path, env_db):
    env_db(db_path)
    ensure_accounts(db_path)
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_dataset").select("mobility").run()
    data = _workbook(("2024", [HEADERS, _row(1)]), ("2025", [HEADERS, _row(2), _row(3)]))
    at.file_uploader[0].set_value(("m.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception
    picker = next(s for s in at.selectbox if s.label == EN["data.sheet"])
    picker.select("2025").run()
    assert not at.exception
    at.button(key="data_commit").click().run()
    conn = duckdb.connect(str(db_path))
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(2,)]
    conn.close()
