"""The documented CLI, run as a user runs it: exit codes, summaries, templates, locks, folders."""

import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl

from sapat import db
from sapat.i18n import code_label, column_label
from tests.conftest import ROOT, xlsx_bytes
from tests.test_upload import _file, _row

GOOD = [
    ["program_code", "name_en", "level", "faculty", "status"],
    ["P1", "Economics", "bachelor", "ECON", "active"],
    ["P2", "Law", "bachelor", "LAW", "active"],
]


def cli(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "SAPAT_LANG": "en"}
    if env_db:
        env["SAPAT_DB"] = str(env_db)
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_ingest_exit_codes_and_summary(tmp_path, db_path):
    good = tmp_path / "programs.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    out = cli("ingest", "programs", str(good), "--db", str(db_path))
    assert out.returncode == 0, out.stderr
    assert "2 rows in, 2 loaded, 0 rejected" in out.stdout
    assert "Batch 1" in out.stdout

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([*GOOD, ["P3", "Med", "doctor", "MED", "active"]]))
    out = cli("ingest", "programs", str(bad), "--db", str(db_path))
    assert out.returncode == 1
    assert "row 4" in out.stdout and "«level»" in out.stdout and '"doctor"' in out.stdout

    out = cli("ingest", "programs", str(bad), "--db", str(db_path), "--mode", "valid-rows")
    assert out.returncode == 0
    assert "3 rows in, 2 loaded, 1 rejected" in out.stdout

    exe = tmp_path / "setup.xlsx"
    exe.write_bytes(b"MZ" + b"\x90" * 500)
    out = cli("ingest", "programs", str(exe), "--db", str(db_path))
    assert out.returncode == 2
    assert "program, not a spreadsheet" in out.stderr
    assert "Traceback" not in out.stderr

    out = cli("ingest", "programs", str(tmp_path / "missing.xlsx"), "--db", str(db_path))
    assert out.returncode == 2 and "not found" in out.stderr


def test_warehouse_path_from_environment(tmp_path):
    good = tmp_path / "programs.csv"
    good.write_text(
        "program_code,level,faculty,status\nP1,bachelor,ECON,active\n", encoding="utf-8"
    )
    target = tmp_path / "env.duckdb"
    out = cli("ingest", "programs", str(good), env_db=target)
    assert out.returncode == 0, out.stdout + out.stderr
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT program_code FROM programs").fetchall() == [("P1",)]
    con.close()


def test_locked_warehouse_is_exit_2_with_a_plain_message(tmp_path, db_path):
    good = tmp_path / "programs.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    holder = db.connect(db_path)
    try:
        out = cli("ingest", "programs", str(good), "--db", str(db_path))
    finally:
        holder.close()
    assert out.returncode == 2
    assert "dashboard is running" in out.stderr
    assert "Traceback" not in out.stderr


def test_check_validates_without_loading(tmp_path, db_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([*GOOD, ["P1", "Dup", "master", "ECON", "active"]]))
    out = cli("check", "programs", str(bad), "--db", str(db_path))
    assert out.returncode == 1
    assert "Nothing was loaded" in out.stdout
    assert "row 2" in out.stdout and "row 4" in out.stdout  # both rows of the duplicate key
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    assert cli("check", "programs", str(good), "--db", str(db_path)).returncode == 0
    assert not db_path.exists() or duckdb.connect(str(db_path)).execute(
        "SELECT count(*) FROM programs"
    ).fetchone() == (0,)


def test_batches_and_rollback(tmp_path, db_path):
    good = tmp_path / "programs.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    assert cli("ingest", "programs", str(good), "--db", str(db_path)).returncode == 0
    listing = cli("batches", "--db", str(db_path))
    assert listing.returncode == 0
    assert "programs.xlsx" in listing.stdout and "committed" in listing.stdout
    out = cli("rollback", "1", "--db", str(db_path))
    assert out.returncode == 0 and "2 rows removed" in out.stdout
    assert cli("rollback", "1", "--db", str(db_path)).returncode == 1
    assert "rolled_back" in cli("batches", "--db", str(db_path)).stdout


def test_template_in_kyrgyz_round_trips(tmp_path, db_path):
    out_file = tmp_path / "mobility_ky.xlsx"
    out = cli("template", "mobility", "--lang", "ky", "--out", str(out_file))
    assert out.returncode == 0, out.stderr
    book = openpyxl.load_workbook(out_file)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1] if c.value]
    assert headers[0] == column_label("mobility_id", "ky")
    assert column_label("partner_institution", "ky") in headers
    assert "duration_type" not in headers and column_label("duration_type", "ky") not in headers
    assert book["_lists"].sheet_state == "hidden"
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert len(lists) == sum(
        1
        for h in headers
        if h
        in {
            column_label(c, "ky")
            for c in (
                "participant_category",
                "gender",
                "direction",
                "scope",
                "format",
                "purpose",
                "program",
                "funding_source",
                "status",
            )
        }
    )
    # Fill one row with the Kyrgyz drop-down labels, as a user would, and load it.
    values = {
        "mobility_id": "M-1",
        "academic_year": "2025-2026",
        "participant_category": code_label("student_master", "ky"),
        "participant_code": "P-1",
        "direction": code_label("outgoing", "ky"),
        "scope": code_label("international", "ky"),
        "program": code_label("erasmus_plus", "ky"),
        "start_date": "01.02.2026",
        "end_date": "30.06.2026",
        "status": code_label("departed", "ky"),
    }
    by_label = {column_label(k, "ky"): v for k, v in values.items()}
    for pos, header in enumerate(headers, start=1):
        if header in by_label:
            sheet.cell(row=2, column=pos, value=by_label[header])
    buffer = io.BytesIO()
    book.save(buffer)
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(buffer.getvalue())
    out = cli("ingest", "mobility", str(filled), "--db", str(db_path))
    assert out.returncode == 0, out.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    row = con.execute(
        "SELECT participant_category, direction, program, status, duration_type FROM mobility"
    ).fetchone()
    con.close()
    assert row == ("student_master", "outgoing", "erasmus_plus", "departed", "long")


# --- `ingest DATASET FILE [FILE ...]` and `ingest DATASET DIR/`: years of history in one call --
def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAPAT_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip


def test_a_folder_loads_file_by_file_and_the_exit_code_is_the_worst(tmp_path):
    folder = tmp_path / "history"
    folder.mkdir()
    (folder / "2023.xlsx").write_bytes(_file(_row(1), _row(2)))
    (folder / "2024.xlsx").write_bytes(_file(_row(3), _row(4, Direction="sideways")))
    (folder / "2025.xlsx").write_bytes(_file(_row(5)))
    (folder / "notes.txt").write_text("not a dataset")  # not xlsx/csv: left alone
    path = tmp_path / "w.duckdb"
    out = _cli("ingest", "mobility", str(folder), "--db", str(path))
    assert out.returncode == 1, out.stderr  # one file rejected (strict), the others loaded
    lines = out.stdout.splitlines()
    summary = lines[lines.index("") + 1 :]
    assert [line.split()[0] for line in summary] == ["file", "2023.xlsx", "2024.xlsx", "2025.xlsx"]
    conn = duckdb.connect(str(path), read_only=True)
    batches = conn.execute(
        "SELECT file_name, status, rows_loaded FROM upload_batches ORDER BY batch_id"
    ).fetchall()
    ids = [r[0] for r in conn.execute("SELECT mobility_id FROM mobility ORDER BY 1").fetchall()]
    conn.close()
    assert batches == [
        ("2023.xlsx", "committed", 2),
        ("2024.xlsx", "rejected", 0),
        ("2025.xlsx", "committed", 1),
    ]
    assert ids == ["M-1", "M-2", "M-5"]


def test_an_unreadable_file_among_good_ones_exits_2_and_the_others_load(tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(_file(_row(1)))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"MZ\x90\x00" + bytes(200))
    path = tmp_path / "w.duckdb"
    out = _cli("ingest", "mobility", str(bad), str(good), "--db", str(path))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "unreadable" in out.stdout
    conn = duckdb.connect(str(path), read_only=True)
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(1,)]
    conn.close()
