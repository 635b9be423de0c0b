"""The Data page's upload service and history: checks, report, preview, commit, undo, figures."""

from __future__ import annotations

import io

import duckdb
import openpyxl
import pytest

from pipelines import safety
from pipelines.loader import rollback
from pipelines.template import template_bytes
from sapat import auth, db
from sapat.i18n import catalog
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from sapat.queries import uploads as uq
from sapat.upload import check_upload, commit_upload
from tests.conftest import app_test, ensure_accounts, xlsx_bytes
from tests.factories import insert
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
    rejected = uq.rejected_rows(conn, valid.result.batch_id)
    assert rejected["row_number"].tolist() == [3]
    assert rejected["Direction"].tolist() == ["sideways"]  # the row as it was written
    assert "Direction" in rejected["problems"].iloc[0]
    history = uq.batches(conn, ("mobility",))
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


def test_the_data_page_loads_several_files_each_as_its_own_upload(db_path, env_db):
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


# --- academic quality files, from upload to figures ---------------------------------------
def headers(dataset: str, lang: str) -> list[str]:
    """The header row of the dataset's template in ``lang``, as a user would fill it."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(dataset, lang)))
    return [c.value for c in book.worksheets[0][1]]


@pytest.fixture
def programmes(conn):
    insert(conn, "programs", program_code="P-1", faculty="F1")
    insert(conn, "programs", program_code="P-2", faculty="F1")
    return conn


def exam_file(year: str, passed: dict[str, int]) -> bytes:
    rows = [headers("exam_results", "ky")]
    for code, ok in passed.items():
        # Session type written as its Kyrgyz label, as the template's list offers it.
        rows.append([year, 1, "F1", code, 1, "Негизги сессия", 100, ok, 70.5, 10, 20, 30, 20, 20])
    return xlsx_bytes(rows)


def test_a_kyrgyz_exam_file_loads_flags_a_drop_and_undoes(programmes):
    conn = programmes
    first = commit_upload(
        conn, "exam_results", "2024.xlsx", exam_file("2024-2025", {"P-1": 90, "P-2": 80}),
        mode="strict", user="ed", lang="ky",
    )  # fmt: skip
    assert first.result.status == "committed" and first.result.rows_loaded == 2
    bad = exam_file("2025-2026", {"P-1": 70, "P-2": 79})
    # One more row whose passed count exceeds the total: rejected, the rest loads.
    book = openpyxl.load_workbook(io.BytesIO(bad))
    book.active.append(["2025-2026", 2, "F1", "P-2", 1, "Негизги сессия", 10, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    second = commit_upload(
        conn, "exam_results", "2025.xlsx", buffer.getvalue(), mode="valid_rows", user="ed",
        lang="ky",
    )  # fmt: skip
    assert (second.result.rows_loaded, second.result.rows_rejected) == (2, 1)
    drops = qq.pass_rate_drops(conn, 10.0)
    assert drops["program_code"].tolist() == ["P-1"]
    assert drops.iloc[0]["drop"] == pytest.approx(20.0)
    rollback(conn, second.result.batch_id, "ed")
    assert qq.pass_rate_drops(conn, 10.0).empty
    assert qq.options(conn)["exam_years"] == ["2024-2025"]


def test_a_russian_staff_file_moves_the_degree_share(conn):
    rows = [headers("staff_composition", "ru")]
    rows.append([2026, "F1", "Кафедра 1", 10, 9.5, 1, 4, 0, 1, 2, 1])
    rows.append([2026, "F1", "Кафедра 2", 10, 10, 0, 6, 1, 0, 3, 0])
    loaded = commit_upload(
        conn, "staff_composition", "staff.xlsx", xlsx_bytes(rows), mode="strict", user="ed",
        lang="ru",
    )  # fmt: skip
    assert loaded.result.status == "committed", (
        loaded.problems[:3] if hasattr(loaded, "problems") else loaded
    )
    share = sq.degree_share(conn, 2026, 0.6).iloc[0]
    assert (share["with_degree"], share["headcount"]) == (12, 20)
    assert not share["below"]


def test_a_quality_editor_uploads_only_the_quality_datasets(demo_db, env_db):
    env_db(demo_db)
    ensure_accounts(demo_db)
    conn = db.connect(demo_db)
    try:
        if auth.get_user(conn, "quality_editor") is None:
            auth.add_user(conn, "quality_editor", "sapat-test-password", ("editor:quality",))
    finally:
        conn.close()
    at = app_test("quality_editor")
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    options = at.selectbox(key="data_dataset").options
    en = catalog("en")
    expected = [
        en[f"dataset.{d}"]
        for d in (
            "exam_results",
            "graduates",
            "staff_composition",
            "staff_rating",
            "survey_results",
        )
    ]
    assert sorted(options) == sorted(expected)


def test_a_report_names_columns_by_their_labels_and_never_prints_none(conn):
    """A missing column is named as the user's template names it, not by its warehouse name."""
    keep = [i for i, h in enumerate(HEADERS) if h != "Direction"]  # a required column missing
    data = xlsx_bytes([[HEADERS[i] for i in keep], [_row(1)[i] for i in keep]])
    checked = check_upload(conn, "mobility", "m.xlsx", data, "ky")
    table = checked.problem_table("ky")
    assert KY["col.direction"] in table["column"].tolist()
    assert "direction" not in table["column"].tolist()
    text = table.astype(str).to_string()
    assert "None" not in text and "nan" not in text.lower().split()
