"""`ingest DATASET FILE [FILE ...]` and `ingest DATASET DIR/`: years of history in one call."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from tests.conftest import ROOT
from tests.test_upload import _file, _row


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


def test_the_data_page_loads_several_files_each_as_its_own_upload(db_path, env_db):
    from sapat.i18n import catalog
    from tests.conftest import app_test, ensure_accounts

    en = catalog("en")
    env_db(db_path)
    ensure_accounts(db_path)
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_dataset").select("mobility").run()
    files = [
        ("2023.xlsx", _file(_row(1), _row(2)), "application/octet-stream"),
        ("2024.xlsx", _file(_row(3), _row(4, Direction="sideways")), "application/octet-stream"),
        ("bad.xlsx", b"MZ\x90\x00" + bytes(200), "application/octet-stream"),
    ]
    at.file_uploader(key="data_many_0").set_value(files)
    at.run()
    assert not at.exception
    checks = at.dataframe[0].value
    assert checks[en["data.col_file_name"]].tolist() == ["2023.xlsx", "2024.xlsx", "bad.xlsx"]
    assert checks[en["data.problems"]].tolist() == [0, 1, 0]
    assert checks[en["data.col_refusal"]].tolist()[2]  # the unreadable file says why
    at.button(key="data_commit_many").click().run()
    assert not at.exception
    done = at.dataframe[0].value
    assert done[en["data.col_file_name"]].tolist() == ["2023.xlsx", "2024.xlsx", "bad.xlsx"]
    assert done[en["data.col_rows_loaded"]].tolist()[:2] == [2, 0]
    conn = duckdb.connect(str(db_path))
    batches = conn.execute("SELECT file_name, status FROM upload_batches ORDER BY 1").fetchall()
    conn.close()
    assert batches == [("2023.xlsx", "committed"), ("2024.xlsx", "rejected")]
