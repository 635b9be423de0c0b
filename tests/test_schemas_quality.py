"""Academic quality datasets uploaded as real workbooks: good rows load, bad cells are named."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pytest

from pipelines.ingest import ingest_bytes
from pipelines.loader import rollback
from pipelines.template import template_bytes
from sapat import auth
from sapat.i18n import code_label, column_label, translate
from schemas import codes
from schemas.registry import DATASETS
from tests.conftest import ROOT, xlsx_bytes

QUALITY = ("exam_results", "graduates", "staff_composition", "staff_rating", "survey_results")

PROGRAMS = [
    ["program_code", "name_en", "level", "faculty", "status"],
    ["510100-BA", "Mathematics", "bachelor", "MATH", "active"],
    ["560001-SP", "General Medicine", "specialist", "MED", "active"],
]

EXAMS_HEADER = [
    "academic_year",
    "semester",
    "faculty",
    "program_code",
    "course_year",
    "session_type",
    "students_total",
    "students_passed",
    "avg_score",
    "grade_a",
    "grade_b",
    "grade_c",
    "grade_d",
    "grade_f",
]
EXAM_GOOD = [
    ["2025-2026", 1, "MATH", "510100-BA", 1, "regular", 60, 51, 77.4, 9, 16, 17, 9, 9],
    ["2025-2026", 1, "MATH", "510100-BA", 1, "retake", 9, 6, 63.0, 0, 0, 2, 4, 3],
    ["2025-2026", 2, "MED", "560001-SP", 6, "state_attestation", 180, 174, 81.2, 30, 60, 54, 30, 6],
]


def _problems(report) -> set[tuple[int | None, str | None, str]]:
    return {(p.row, p.column, p.code) for p in report.problems}


def _with_programs(conn) -> None:
    assert ingest_bytes(conn, "programs", "programs.xlsx", xlsx_bytes(PROGRAMS)).loaded


def test_quality_datasets_are_registered_in_their_group_with_translated_labels():
    for name in QUALITY:
        assert DATASETS[name].group == "quality"
        assert auth.can_edit(["editor:quality"], name)
        assert not auth.can_edit(["editor:kpis"], name)
        for lang in ("ky", "ru", "en"):
            assert translate(f"dataset.{name}", lang) != f"dataset.{name}"
    assert "editor:quality" in auth.ROLES
    assert DATASETS["exam_results"].references == {"program_code": ("programs", "program_code")}
    assert DATASETS["graduates"].references == {"program_code": ("programs", "program_code")}
    assert DATASETS["exam_results"].column("session_type").codes == codes.SESSION_TYPE
    assert DATASETS["survey_results"].column("respondent_group").codes == codes.RESPONDENT_GROUP
    assert DATASETS["graduates"].column("level").codes == codes.PROGRAM_LEVEL


def test_every_quality_table_has_a_history_table_with_its_columns(conn):
    for name in QUALITY:
        cols = [r[0] for r in conn.execute(f"DESCRIBE {name}").fetchall()]
        hist = [r[0] for r in conn.execute(f"DESCRIBE hist_{name}").fetchall()]
        assert hist == [*cols, "replaced_by"], name
        model_columns = [c.name for c in DATASETS[name].columns]
        assert [c for c in cols if c != "batch_id"] == model_columns, name


def test_exam_results_good_rows_load_with_russian_headers_and_labels(conn):
    _with_programs(conn)
    header = [column_label(c, "ru") for c in EXAMS_HEADER]
    rows = [list(r) for r in EXAM_GOOD]
    rows[1][5] = "Пересдача"  # the drop-down label, in Russian
    rows[2][5] = "ГИА"  # the abbreviation everyone writes
    report = ingest_bytes(conn, "exam_results", "sessions.xlsx", xlsx_bytes([header, *rows]))
    assert report.loaded, [p.message("en") for p in report.problems]
    got = conn.execute(
        "SELECT program_code, course_year, session_type, students_total, students_passed, "
        "grade_f FROM exam_results ORDER BY session_type"
    ).fetchall()
    assert got == [
        ("510100-BA", 1, "regular", 60, 51, 9),
        ("510100-BA", 1, "retake", 9, 6, 3),
        ("560001-SP", 6, "state_attestation", 180, 174, 6),
    ]
    again = ingest_bytes(conn, "exam_results", "sessions.xlsx", xlsx_bytes([header, *rows]))
    assert (again.result.rows_new, again.result.rows_unchanged) == (0, 3)


def test_exam_results_bad_values_are_named_by_row_and_column(conn):
    _with_programs(conn)
    bad = [
        # row 2: more passed than sat
        ["2025-2026", 1, "MATH", "510100-BA", 2, "regular", 40, 45, 70.0, 5, 10, 10, 5, 0],
        # row 3: an unknown session type
        ["2025-2026", 1, "MATH", "510100-BA", 3, "makeup", 40, 30, 70.0, 5, 10, 10, 5, 10],
        # row 4: grades add up to more than the students; a score above 100
        ["2025-2026", 2, "MATH", "510100-BA", 1, "regular", 40, 30, 130.0, 20, 10, 10, 5, 10],
        # row 5: a programme nobody registered
        ["2025-2026", 1, "ECON", "999999-BA", 1, "regular", 40, 30, 70.0, 5, 10, 10, 5, 10],
        # row 6: fine
        EXAM_GOOD[0],
    ]
    report = ingest_bytes(conn, "exam_results", "s.xlsx", xlsx_bytes([EXAMS_HEADER, *bad]))
    assert not report.loaded
    assert _problems(report) == {
        (2, "students_passed", "passed_above_total"),
        (3, "session_type", "not_in_list"),
        (4, "students_total", "grades_above_total"),
        (4, "avg_score", "too_large"),
        (5, "program_code", "unknown_reference"),
    }
    messages = {p.code: p.message("ru") for p in report.problems}
    assert messages["passed_above_total"] == translate("problem.passed_above_total", "ru")
    assert code_label("state_attestation", "ru") in messages["not_in_list"]
    assert conn.execute("SELECT count(*) FROM exam_results").fetchone() == (0,)

    kept = ingest_bytes(
        conn, "exam_results", "s.xlsx", xlsx_bytes([EXAMS_HEADER, *bad]), mode="valid_rows"
    )
    assert kept.loaded and kept.result.rows_loaded == 1
    rejected = conn.execute(
        'SELECT DISTINCT row_number, "column" FROM rejected_rows WHERE batch_id = ? ORDER BY 1, 2',
        [kept.result.batch_id],
    ).fetchall()
    assert rejected == [
        (2, "students_passed"),
        (3, "session_type"),
        (4, "avg_score"),
        (4, "students_total"),
        (5, "program_code"),
    ]


GRADUATES = [
    ["academic_year", "faculty", "program_code", "level", "graduates_total", "with_honours",
     "employed_within_year"],
    ["2024-2025", "MATH", "510100-BA", "bachelor", 52, 5, 40],
    ["2025-2026", "MATH", "510100-BA", "bachelor", 55, 6, None],  # not known yet
    ["2024-2025", "MED", "560001-SP", "doctorate", 170, 200, 180],
]  # fmt: skip


def test_graduates_good_and_bad_rows(conn):
    _with_programs(conn)
    report = ingest_bytes(conn, "graduates", "g.xlsx", xlsx_bytes(GRADUATES))
    assert _problems(report) == {
        (4, "level", "not_in_list"),
        (4, "with_honours", "honours_above_total"),
        (4, "employed_within_year", "employed_above_total"),
    }
    report = ingest_bytes(conn, "graduates", "g.xlsx", xlsx_bytes(GRADUATES[:3]))
    assert report.loaded
    assert conn.execute(
        "SELECT academic_year, employed_within_year FROM graduates ORDER BY 1"
    ).fetchall() == [("2024-2025", 40), ("2025-2026", None)]


STAFF = [
    ["year", "faculty", "department", "headcount", "fte", "doctors_of_science",
     "candidates_of_science", "phd_holders", "professors", "associate_professors",
     "international_staff"],
    [2026, "MATH", "Mathematics", 40, 36.5, 4, 20, 2, 4, 12, 1],
    [2026, "MATH", "Software Engineering", 20, 22, 2, 8, 1, 2, 5, 0],  # FTE above headcount
    [2026, "PED", "Pedagogy", 30, 28, 5, 20, 6, 5, 26, 31],  # degrees, titles, intl too many
    [2026, "PED", "Music", -1, 1, 0, 0, 0, 0, 0, 0],  # a negative headcount
]  # fmt: skip


def test_staff_composition_checks(conn):
    report = ingest_bytes(conn, "staff_composition", "st.xlsx", xlsx_bytes(STAFF))
    assert _problems(report) == {
        (3, "fte", "fte_above_headcount"),
        (4, "headcount", "degrees_above_headcount"),
        (4, "headcount", "titles_above_headcount"),
        (4, "international_staff", "international_above_headcount"),
        (5, "headcount", "too_small"),
    }
    report = ingest_bytes(conn, "staff_composition", "st.xlsx", xlsx_bytes(STAFF[:2]))
    assert report.loaded
    assert conn.execute("SELECT fte, headcount FROM staff_composition").fetchall() == [(36.5, 40)]


RATING = [
    ["year", "staff_code", "faculty", "department", "position", "teaching_score",
     "research_score", "service_score", "total_score"],
    [2026, "T00001", "MATH", "Mathematics", "professor", 85, 70, 60, 75.5],
    [2026, "T00002", "MATH", "Mathematics", "ст. преподаватель", 80, 40, 60, 64],
    [2026, "T00003", "MATH", "Mathematics", "lecturer", 80, 40, 60, 92],  # total above parts
    [2026, "T00004", "MATH", "Mathematics", "dean", 120, 40, 60, 70],  # position, score
    [2026, "T00001", "MATH", "Mathematics", "professor", 85, 70, 60, 75.5],  # same key again
]  # fmt: skip


def test_staff_rating_checks(conn):
    report = ingest_bytes(conn, "staff_rating", "r.xlsx", xlsx_bytes(RATING))
    problems = _problems(report)
    assert (4, "total_score", "total_outside_parts") in problems
    assert (5, "position", "not_in_list") in problems
    assert (5, "teaching_score", "too_large") in problems
    assert {p[2] for p in problems if p[0] in (2, 6)} == {"duplicate_key"}
    assert not any(p[0] == 3 for p in problems)
    report = ingest_bytes(conn, "staff_rating", "r.xlsx", xlsx_bytes(RATING[:3]))
    assert report.loaded
    assert conn.execute("SELECT position FROM staff_rating ORDER BY 1").fetchall() == [
        ("professor",),
        ("senior_lecturer",),
    ]


SURVEY = [
    ["survey_code", "academic_year", "respondent_group", "faculty", "question_code",
     "question_ky", "question_ru", "question_en", "responses", "mean_score", "share_satisfied"],
    ["student_satisfaction", "2025-2026", "students", "MATH", "Q01", "Сабактардын сапаты",
     "Качество преподавания", "Quality of teaching", 120, 3.9, 0.72],
    ["employer_feedback", "2025-2026", "employers", None, "Q11", "Бүтүрүүчүлөрдүн көндүмдөрү",
     "Навыки выпускников", "Graduates' skills", 64, 4.1, 0.8],
]  # fmt: skip


def test_survey_results_good_rows_and_a_university_wide_row_upsert_null_safely(conn):
    report = ingest_bytes(conn, "survey_results", "sv.xlsx", xlsx_bytes(SURVEY))
    assert report.loaded, [p.message("en") for p in report.problems]
    same = ingest_bytes(conn, "survey_results", "sv.xlsx", xlsx_bytes(SURVEY))
    assert (same.result.rows_new, same.result.rows_changed, same.result.rows_unchanged) == (0, 0, 2)
    changed = [SURVEY[0], SURVEY[1], [*SURVEY[2][:9], 4.3, 0.85]]
    second = ingest_bytes(conn, "survey_results", "sv2.xlsx", xlsx_bytes(changed))
    assert (second.result.rows_new, second.result.rows_changed) == (0, 1)
    assert conn.execute("SELECT count(*) FROM survey_results").fetchone() == (2,)
    assert conn.execute(
        "SELECT mean_score FROM survey_results WHERE faculty IS NULL"
    ).fetchone() == (4.3,)
    rollback(conn, second.result.batch_id, "test")
    assert conn.execute(
        "SELECT mean_score FROM survey_results WHERE faculty IS NULL"
    ).fetchone() == (4.1,)


def test_survey_results_bad_values(conn):
    bad = [
        SURVEY[0],
        [*SURVEY[1][:9], 7, 0.8],  # a mean of 7 on a 1–5 scale
        ["student_satisfaction", "2025-2026", "parents", "MATH", "Q02", None, None, None, 10, 0.5,
         1.5],  # unknown group, a mean below 1, a share above 1
        ["student_satisfaction", "2025-26", "students", "MATH", "Q01", None, None, None, 10, 4, 0.5],
    ]  # fmt: skip
    report = ingest_bytes(conn, "survey_results", "sv.xlsx", xlsx_bytes([SURVEY[0], *bad]))
    problems = _problems(report)
    assert (3, "mean_score", "too_large") in problems
    assert (4, "respondent_group", "not_in_list") in problems
    assert (4, "mean_score", "too_small") in problems
    assert (4, "share_satisfied", "too_large") in problems
    # "2025-26" is the same academic year: the same key as row 2.
    assert (5, "survey_code", "duplicate_key") in problems
    mean = next(p for p in report.problems if p.row == 3 and p.column == "mean_score")
    assert mean.value == "7" and "5" in mean.message("en")


@pytest.mark.parametrize("name", QUALITY)
def test_kyrgyz_templates_have_kyrgyz_headers_and_lists_and_read_back(conn, name):
    data = template_bytes(name, "ky")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert sheet.title == translate(f"dataset.{name}", "ky")[:31]
    headers = [c.value for c in sheet[1] if c.value]
    dataset = DATASETS[name]
    assert headers == [column_label(c.name, "ky") for c in dataset.input_columns]
    coded = [c for c in dataset.input_columns if c.codes]
    assert len(sheet.data_validations.dataValidation) == len(coded)
    # An empty template reads back: every header is recognised, only "no rows" is said.
    report = ingest_bytes(None, name, "t.xlsx", data, check_only=True)
    assert [p.code for p in report.problems] == ["no_rows"]


def test_template_cli_in_kyrgyz(tmp_path):
    out_file = tmp_path / "exam_results_ky.xlsx"
    out = subprocess.run(
        [sys.executable, "-m", "pipelines", "template", "exam_results", "--lang", "ky",
         "--out", str(out_file)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": "ky"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(out_file).worksheets[0]
    assert sheet.cell(1, 1).value == column_label("academic_year", "ky")
    assert column_label("session_type", "ky") == "Сессиянын түрү"
    assert "Сессиянын түрү" in [c.value for c in sheet[1]]


def test_a_filled_kyrgyz_template_loads(conn):
    _with_programs(conn)
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("exam_results", "ky")))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    values = dict(zip(EXAMS_HEADER, EXAM_GOOD[0], strict=True))
    values["session_type"] = code_label("regular", "ky")
    by_label = {column_label(k, "ky"): v for k, v in values.items()}
    for pos, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=pos, value=by_label[header])
    buffer = io.BytesIO()
    book.save(buffer)
    report = ingest_bytes(conn, "exam_results", "ky.xlsx", buffer.getvalue(), lang="ky")
    assert report.loaded, [p.message("ky") for p in report.problems]
    assert conn.execute("SELECT session_type, students_passed FROM exam_results").fetchall() == [
        ("regular", 51)
    ]
