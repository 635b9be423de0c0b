"""From a Kyrgyz spreadsheet to the academic quality figures: upload, drop flag, undo."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pipelines.loader import rollback
from pipelines.template import template_bytes
from sapat import auth, db
from sapat.i18n import catalog
from sapat.queries import quality, staff
from sapat.upload import commit_upload
from tests.conftest import app_test, ensure_accounts, xlsx_bytes


def headers(dataset: str, lang: str) -> list[str]:
    """The header row of the dataset's template in ``lang``, as a user would fill it."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(dataset, lang)))
    return [c.value for c in book.worksheets[0][1]]


@pytest.fixture
def programmes(conn):
    conn.execute(
        "INSERT INTO programs VALUES "
        "('P-1', 'Программа 1', 'Программа 1', 'Programme 1', 'bachelor', 'F1', 'ky', 'active', NULL),"
        "('P-2', 'Программа 2', 'Программа 2', 'Programme 2', 'bachelor', 'F1', 'ru', 'active', NULL)"
    )
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
    drops = quality.pass_rate_drops(conn, 10.0)
    assert drops["program_code"].tolist() == ["P-1"]
    assert drops.iloc[0]["drop"] == pytest.approx(20.0)
    rollback(conn, second.result.batch_id, "ed")
    assert quality.pass_rate_drops(conn, 10.0).empty
    assert quality.options(conn)["exam_years"] == ["2024-2025"]


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
    share = staff.degree_share(conn, 2026, 0.6).iloc[0]
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
