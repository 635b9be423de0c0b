"""The Data page's upload service and history: server-side checks, report, preview, commit, undo."""

from __future__ import annotations

import io

import duckdb
import openpyxl
import pytest

from pipelines import safety
from sapat.i18n import catalog
from sapat.queries import uploads as q
from sapat.upload import check_upload, commit_upload
from tests.conftest import app_test, ensure_accounts, xlsx_bytes
from tests.xlsx_files import write_xlsm, write_zip_bomb

HEADERS = ["Mobility ID", "Academic year", "Participant category", "Participant code"]
HEADERS += ["Direction", "Scope", "Status", "Start date", "End date"]
EN, KY = catalog("en"), catalog("ky")


def _row(i: int, **changes: str) -> list:
    values = dict(
        zip(HEADERS, [f"M-{i}", "2025-2026", "student_master", f"P-{i}", "outgoing"], strict=False)
    )
    values |= {"Scope": "international", "Status": "departed"}
    values |= {"Start date": "01.02.2026", "End date": "30.06.2026"} | changes
    return [values.get(h) for h in HEADERS]


def _file(*rows: list) -> bytes:
    return xlsx_bytes([HEADERS, *rows])


def test_a_file_with_mistakes_gets_every_problem_in_the_users_language(conn):
    data = _file(_row(1), _row(2, Direction="sideways"), _row(3, **{"Start date": "31.02.2026"}))
    checked = check_upload(conn, "mobility", "m.xlsx", data, "ky")
    assert checked.error is None
    report = checked.report
    assert (report.rows_in, report.rows_valid, checked.problems) == (3, 1, 2)
    table = checked.problem_table("ky")
    assert table[["row", "column", "value"]].values.tolist() == [
        [3, "Direction", "sideways"],
        [4, "Start date", "31.02.2026"],
    ]
    assert all(problem and "{" not in problem for problem in table["problem"])
    assert table["problem"].tolist()[1] == KY["problem.not_date"].format()
    assert checked.preview.new == 1  # only the good row would be loaded
    assert conn.execute("SELECT count(*) FROM mobility").fetchone()[0] == 0  # nothing written
    marked = openpyxl.load_workbook(io.BytesIO(checked.marked_file("ky")))
    assert marked.worksheets[0]["E3"].comment is not None


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("report.xlsx", lambda tmp: b"MZ\x90\x00" + bytes(200), "file.executable"),
        ("report.csv", lambda tmp: b"MZ\x90\x00" + bytes(200), "file.executable"),
        (
            "macros.xlsx",
            lambda tmp: write_xlsm(_saved(tmp), tmp / "m.xlsm").read_bytes(),
            "file.macros",
        ),
        (
            "bomb.xlsx",
            lambda tmp: write_zip_bomb(tmp / "b.xlsx", 120).read_bytes(),
            "file.zip_bomb",
        ),
    ],
)
def test_unsafe_files_are_refused_on_the_server_with_one_line(conn, tmp_path, name, make, code):
    """Whatever the file is called: the uploader's list of types is not a control."""
    checked = check_upload(conn, "mobility", name, make(tmp_path), "en")
    assert checked.report is None and checked.error
    assert "\n" not in checked.error and "Traceback" not in checked.error
    prefix = EN[code].split("{")[0][:20]
    assert checked.error.startswith(prefix), (checked.error, prefix)


def _saved(tmp_path):
    path = tmp_path / "plain.xlsx"
    path.write_bytes(_file(_row(1)))
    return path


def test_the_size_limit_is_enforced_on_the_server(conn, monkeypatch):
    monkeypatch.setattr(safety, "MAX_BYTES", 1000)
    checked = check_upload(conn, "mobility", "m.xlsx", _file(_row(1)), "en")
    assert checked.error and checked.error.startswith(EN["file.too_large"].split("{")[0])


def test_strict_commit_of_a_bad_file_loads_nothing_and_valid_rows_loads_the_good(conn):
    data = _file(_row(1), _row(2, Direction="sideways"))
    strict = commit_upload(conn, "mobility", "m.xlsx", data, mode="strict", user="ed", lang="en")
    assert strict.result.status == "rejected"
    assert conn.execute("SELECT count(*) FROM mobility").fetchone()[0] == 0
    valid = commit_upload(conn, "mobility", "m.xlsx", data, mode="valid_rows", user="ed", lang="en")
    assert (valid.result.status, valid.result.rows_loaded, valid.result.rows_rejected) == (
        "committed",
        1,
        1,
    )
    rejected = q.rejected_rows(conn, valid.result.batch_id)
    assert rejected["row_number"].tolist() == [3]
    assert rejected["Direction"].tolist() == ["sideways"]  # the row as it was written
    assert "Direction" in rejected["problems"].iloc[0]
    history = q.batches(conn, ("mobility",))
    assert history["status"].tolist() == ["committed", "rejected"]
    assert history["uploaded_by"].tolist() == ["ed", "ed"]


def test_the_preview_then_commit_show_the_same_changes(conn):
    commit_upload(
        conn, "mobility", "a.xlsx", _file(_row(1), _row(2)), mode="strict", user="e", lang="en"
    )
    data = _file(_row(1), _row(2, Status="completed"), _row(3))
    preview = check_upload(conn, "mobility", "b.xlsx", data, "en").preview
    assert (preview.new, preview.changed, preview.unchanged) == (1, 1, 1)
    assert preview.changes[["column", "before", "after"]].values.tolist() == [
        ["status", "departed", "completed"]
    ]
    result = commit_upload(
        conn, "mobility", "b.xlsx", data, mode="strict", user="e", lang="en"
    ).result
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1, 1, 1)


@pytest.fixture
def shared(db_path, env_db):
    env_db(db_path)
    ensure_accounts(db_path)
    conn = duckdb.connect(str(db_path))
    commit_upload(
        conn, "mobility", "first.xlsx", _file(_row(1)), mode="strict", user="editor", lang="en"
    )
    data = _file(_row(2), _row(3, Direction="sideways"))
    commit_upload(
        conn, "mobility", "second.xlsx", data, mode="valid_rows", user="editor", lang="en"
    )
    conn.close()
    return db_path


def test_history_undo_asks_first_then_restores_exactly(shared):
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    history = at.dataframe[0].value
    assert history[EN["data.col_file_name"]].tolist() == ["second.xlsx", "first.xlsx"]
    assert history[EN["data.col_rows_rejected"]].tolist() == [1, 0]
    at.button(key="data_undo").click().run()
    # Nothing is undone before the confirmation.
    conn = duckdb.connect(str(shared))
    assert conn.execute("SELECT count(*) FROM mobility").fetchone()[0] == 2
    conn.close()
    assert any(EN["data.undo_confirm"].split("{")[0] in w.value for w in at.warning)
    at.button(key="data_undo_yes").click().run()
    assert not at.exception
    assert any(i.value.startswith(EN["data.undone"].split("{")[0]) for i in at.info)
    conn = duckdb.connect(str(shared))
    assert conn.execute("SELECT mobility_id FROM mobility").fetchall() == [("M-1",)]
    statuses = conn.execute("SELECT status FROM upload_batches ORDER BY batch_id").fetchall()
    (who,) = conn.execute("SELECT \"user\" FROM audit_log WHERE action = 'rollback'").fetchone()
    conn.close()
    assert [s for (s,) in statuses] == ["committed", "rolled_back"]
    assert who == "editor"


def test_rejected_rows_of_a_batch_are_shown_for_download(shared):
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    rejected = at.dataframe[-1].value
    assert rejected[EN["upload.col_row"]].tolist() == [3]
    assert rejected["Direction"].tolist() == ["sideways"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(EN["ui.download_xlsx"]) >= 2  # history and rejected rows
