"""The marked workbook: the upload back, its problem cells red and explained, read with openpyxl."""

import io

import openpyxl

from pipelines.ingest import ingest_bytes
from pipelines.marked import PROBLEM_FILL, marked_workbook
from pipelines.problems import Problem
from sapat.i18n import translate
from tests.conftest import xlsx_bytes

HEADER = ["program_code", "name_en", "level", "faculty", "status"]
RED = "FF" + PROBLEM_FILL.lstrip("#")


def marked(file_name, data, lang="ky", extra=()):
    report = ingest_bytes(None, "programs", file_name, data, check_only=True, lang=lang)
    problems = [*report.problems, *extra]
    book = marked_workbook(report.raw, problems, lang, file_name, header_row=report.header_row)
    return report, openpyxl.load_workbook(io.BytesIO(book))


def is_red(cell):
    return cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == RED


def test_bad_cells_are_red_with_the_message_at_their_excel_row_and_column():
    data = xlsx_bytes(
        [
            HEADER,
            ["P1", "Economics", "bachelor", "ECON", "active"],
            ["001", "@cmd|' /C calc'!A0", "doctorate", "LAW", "active"],
            ["P3", 12, "master", None, "active"],
            ["P4", -4, "master", "HIST", 3.5],
        ],
        title="Бакалавр",
        before=[["Программалар, 2025"], []],
    )
    report, book = marked("p.xlsx", data)
    assert report.header_row == 3
    sheet = book.worksheets[0]
    assert sheet.title == "Бакалавр"
    bad = {(p.row, p.column) for p in report.problems}
    assert bad == {(5, "level"), (6, "faculty"), (7, "status")}
    messages = {(p.row, p.column): p.message("ky") for p in report.problems}
    cells = {("C", 5): (5, "level"), ("D", 6): (6, "faculty"), ("E", 7): (7, "status")}
    for row in sheet.iter_rows(min_row=1, max_row=7, max_col=5):
        for cell in row:
            problem = cells.get((cell.column_letter, cell.row))
            if problem is None:
                assert not is_red(cell) and cell.comment is None, cell.coordinate
            else:
                assert is_red(cell), cell.coordinate
                assert cell.comment.text == messages[problem]
    # The cells are where they were, typed as written: numbers as numbers, 001 as text.
    assert sheet["A1"].value == "Программалар, 2025"
    assert [c.value for c in sheet[3]] == HEADER and all(c.font.b for c in sheet[3])
    assert not sheet["A4"].font.b
    assert sheet["C5"].value == "doctorate"
    assert sheet["A5"].value == "001" and sheet["A5"].data_type == "s"
    assert sheet["B6"].value == 12 and sheet["B7"].value == -4 and sheet["E7"].value == 3.5
    assert sheet["B5"].value == "'@cmd|' /C calc'!A0"  # neutralised, never a formula
    assert sheet["D6"].value is None  # an empty required cell is marked all the same
    assert sheet.freeze_panes == "A4"
    assert 6 <= sheet.column_dimensions["B"].width <= 50


def test_the_problem_sheet_lists_every_problem_in_kyrgyz():
    data = xlsx_bytes(
        [HEADER, ["P1", "Economics", "doctorate", "ECON", "active"]],
        before=[["=cmd|' /C calc'!A0"]],  # a formula cell without a value reads as empty
    )
    whole_file = Problem("no_rows", sheet="data")
    report, book = marked("p.xlsx", data, extra=[whole_file])
    listing = book[translate("upload.sheet_problems", "ky")]
    rows = list(listing.iter_rows(values_only=True))
    assert rows[0] == ("Барак", "Сап", "Мамыча", "Маани", "Көйгөй")
    assert rows[1] == ("data", 3, "level", "doctorate", report.problems[0].message("ky"))
    assert rows[2] == ("data", None, None, None, whole_file.message("ky"))
    assert all(c.font.b for c in listing[1])
    # A problem without a row is on the list only, never on the sheet.
    data_sheet = book.worksheets[0]
    comments = [c.comment.text for row in data_sheet.iter_rows() for c in row if c.comment]
    assert comments == [report.problems[0].message("ky")]


def test_a_row_problem_marks_the_first_cell_and_a_missing_column_its_header_row():
    data = xlsx_bytes([["program_code", "name_en", "level", "status"], ["P1", "E", "master", "x"]])
    row_problem = Problem("duplicate_key", row=2, sheet="data", params={"key": "program_code"})
    report, book = marked("p.xlsx", data, lang="ru", extra=[row_problem])
    sheet = book.worksheets[0]
    missing = next(p for p in report.problems if p.code == "missing_column")
    assert is_red(sheet["A1"]) and sheet["A1"].comment.text == missing.message("ru")
    assert is_red(sheet["A2"]) and sheet["A2"].comment.text == row_problem.message("ru")
    assert not is_red(sheet["B2"]) and not is_red(sheet["D2"])
    assert book.sheetnames[1] == "Проблемы"


def test_a_csv_upload_comes_back_on_a_data_sheet_with_formulas_neutralised():
    text = (
        "program_code;name_en;level;faculty;status\n"
        "P1;=cmd|' /C calc'!A0;bachelor;ECON;active\n"
        "007;+1+2;master;LAW;closedd\n"
        "12;-4;bachelor;12345678901234567890;active\n"
    )
    report, book = marked("p.csv", text.encode("utf-8"), lang="en")
    assert book.sheetnames == ["Data", "Problems"]
    sheet = book["Data"]
    assert sheet["B2"].value == "'=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    assert sheet["B3"].value == "'+1+2"
    assert sheet["A3"].value == "007"
    assert sheet["A4"].value == 12 and sheet["B4"].value == -4
    assert sheet["D4"].value == "12345678901234567890"  # too long for an Excel number
    assert [(p.row, p.column) for p in report.problems] == [(3, "status")]
    assert is_red(sheet["E3"]) and sheet["E3"].comment.text == report.problems[0].message("en")
    assert sheet.freeze_panes == "A2"
    assert list(book["Problems"].iter_rows(values_only=True))[1][:4] == (
        None,
        3,
        "status",
        "closedd",
    )
