"""Reading real uploads: encodings, delimiters, title rows, hidden sheets, merged headers.

Every file is written by a real writer (openpyxl, or Python's codecs for CSV) under
``tmp_path`` and goes through ``read_table`` or the whole ``ingest_bytes`` pipeline with
``check_only=True``. Problems must cite the Excel row number the user sees and every
problem of a file must come out in one pass.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pipelines.headers import header_lookup
from pipelines.ingest import IngestReport, ingest_bytes, prepare
from pipelines.parsing import norm_key
from pipelines.problems import FileRejected, Problem
from pipelines.readers import read_table
from sapat.i18n import LANGUAGES, catalog, column_label
from schemas.registry import DATASETS, get_dataset
from tests.xlsx_files import (
    Sheet,
    Text,
    with_prefixed_sheet_xml,
    write_csv,
    write_table,
    write_workbook,
)

PROGRAM_HEADER = ["Programme code", "Level", "Faculty", "Status"]
PROGRAM_ROWS = [
    ["B-01", "bachelor", "FIT", "active"],
    ["B-02", "master", "FIT", "active"],
    ["B-03", "phd", "Law", "active"],
]
MOBILITY_HEADER = [
    "Mobility ID",
    "Academic year",
    "Participant category",
    "Participant code",
    "Direction",
    "Scope",
    "Status",
    "Programme",
    "Start date",
    "End date",
    "GPA at selection",
]


def mobility_row(n: int, **changes: object) -> list[object]:
    row = {
        "Mobility ID": f"M-{n:03d}",
        "Academic year": "2024-2025",
        "Participant category": "student_bachelor",
        "Participant code": f"S{n:04d}",
        "Direction": "outgoing",
        "Scope": "international",
        "Status": "completed",
        "Programme": "Erasmus+",
        "Start date": dt.datetime(2024, 9, 1),
        "End date": dt.datetime(2025, 1, 31),
        "GPA at selection": 3.5,
    }
    row.update(changes)
    return [row[h] for h in MOBILITY_HEADER]


def check(path: Path, dataset: str, **kw: object) -> IngestReport:
    return ingest_bytes(None, dataset, path.name, path.read_bytes(), check_only=True, **kw)


def where(report: IngestReport) -> list[tuple[str, int | None, str | None, str | None]]:
    """(code, row, column as written, value as written) of each problem, in report order."""
    return [(p.code, p.row, p.column, p.value) for p in report.problems]


def lang_text(key: str, lang: str, **params: str) -> str:
    return catalog(lang)[key].format(**params)


# --- CSV: encodings and delimiters ------------------------------------------------------
def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    text = "program_code,level,faculty,status\nB-01,bachelor,FIT,active\n"
    path = write_csv(tmp_path / "programs.csv", text, "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[1].tolist() == ["program_code", "level", "faculty", "status"]
    report = check(path, "programs")
    assert report.problems == []
    assert (report.header_row, report.rows_in, report.rows_valid) == (1, 1, 1)


def test_cp1251_reads_as_cyrillic(tmp_path: Path) -> None:
    text = "Код программы;Уровень;Факультет;Статус\r\nБ-01;бакалавр;Юридический;действует\r\n"
    path = write_csv(tmp_path / "programs.csv", text, "cp1251")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    raw = read_table(path.name, path.read_bytes())
    assert raw.sheet is None
    assert raw.grid.loc[1].tolist() == ["Код программы", "Уровень", "Факультет", "Статус"]
    assert raw.grid.loc[2].tolist() == ["Б-01", "бакалавр", "Юридический", "действует"]


def test_cp1251_with_russian_catalog_headers_and_labels(tmp_path: Path) -> None:
    """A Russian user's Excel "CSV (разделители - запятые)": cp1251 and semicolons."""
    ru = catalog("ru")
    header = [ru[f"col.{c}"] for c in ("program_code", "level", "faculty", "status")]
    rows = [
        ["Б-01", ru["code.bachelor"], "Юридический", ru["code.active"]],
        ["М-02", ru["code.master"], "Экономический", ru["code.closed"]],
    ]
    text = "\r\n".join(";".join(r) for r in [header, *rows]) + "\r\n"
    path = write_csv(tmp_path / "programs.csv", text, "cp1251")
    report = check(path, "programs", lang="ru")
    assert report.problems == []
    raw = read_table(path.name, path.read_bytes())
    prepared, problems, _, _ = prepare(raw, get_dataset("programs"))
    assert problems == []
    frame = prepared.frame
    assert frame["program_code"].tolist() == ["Б-01", "М-02"]
    assert frame["level"].tolist() == ["bachelor", "master"]
    assert frame["status"].tolist() == ["active", "closed"]
    assert prepared.written["program_code"] == header[0]


def test_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    lines = [
        ";".join(MOBILITY_HEADER),
        "M-001;2024/25;student_bachelor;S0001;outgoing;international;completed;Erasmus+;"
        "01.09.2024;31.01.2025;3,5",
        "M-002;2024-2025;student_master;S0002;incoming;domestic;selected;daad;45536;45688;3,75",
    ]
    path = write_csv(tmp_path / "mobility.csv", "\n".join(lines) + "\n", "utf-8")
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.shape[1] == len(MOBILITY_HEADER)
    assert raw.grid.loc[2, 10] == "3,5"
    prepared, problems, _, _ = prepare(raw, get_dataset("mobility"))
    assert problems == [] and prepared.problems == []
    frame = prepared.frame
    assert frame["gpa_at_selection"].tolist() == [3.5, 3.75]
    assert frame["academic_year"].tolist() == ["2024-2025", "2024-2025"]
    assert frame["program"].tolist() == ["erasmus_plus", "daad"]
    assert frame["start_date"].dt.date.tolist() == [dt.date(2024, 9, 1)] * 2
    assert frame["duration_type"].tolist() == ["long", "long"]
    assert check(path, "mobility").problems == []


def test_tab_separated_keeps_commas_inside_cells(tmp_path: Path) -> None:
    text = (
        "program_code\tlevel\tfaculty\tstatus\n"
        "B-01\tbachelor\tLaw, Economics and Management\tactive\n"
        "B-02\tmaster\tFIT\tactive\n"
    )
    path = write_csv(tmp_path / "programs_tab.csv", text, "utf-8")
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.shape == (3, 4)
    assert raw.grid.loc[2, 2] == "Law, Economics and Management"
    assert check(path, "programs").problems == []


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    """Excel's "Unicode Text (*.txt)": UTF-16 LE with BOM, tabs; Kyrgyz letters survive."""
    ky = catalog("ky")
    header = [ky[f"col.{c}"] for c in ("program_code", "level", "faculty", "status")]
    text = "\t".join(header) + "\r\nБ-01\tbachelor\tӨнөр жай, үй-бүлө\tactive\r\n"
    path = write_csv(tmp_path / "programs.csv", text, "utf-16")
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[1].tolist() == header
    assert raw.grid.loc[2, 2] == "Өнөр жай, үй-бүлө"
    assert check(path, "programs").problems == []


def test_mixed_encoding_csv_is_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "programs.csv"
    path.write_bytes(
        "program_code;level;faculty;status\nБ-01;bachelor;ИНСТИТУТ;active\n".encode()
        + "Б-02;master;Факультет;active\n".encode("cp1251")
    )
    try:
        raw = read_table(path.name, path.read_bytes())
    except FileRejected:
        return  # refused with a reason the user can read: fine
    assert raw.grid.loc[1].tolist() == ["program_code", "level", "faculty", "status"]


def test_csv_title_and_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    lines = [
        "Register of programmes",  # row 1
        "",  # row 2
        "program_code,level,faculty,status",  # row 3
        "B-01,bachelor,FIT,active",  # row 4
        "",  # row 5
        "B-02,doctor,FIT,active",  # row 6
        "B-03,master,FIT,archived",  # row 7
    ]
    path = write_csv(tmp_path / "programs.csv", "\r\n".join(lines) + "\r\n", "utf-8")
    report = check(path, "programs")
    assert report.header_row == 3
    assert where(report) == [
        ("not_in_list", 6, "level", "doctor"),
        ("not_in_list", 7, "status", "archived"),
    ]
    assert (report.rows_in, report.rows_valid) == (3, 1)


# --- XLSX: where the header is and which row a problem is on ----------------------------
def test_title_rows_above_header(tmp_path: Path) -> None:
    rows = [
        ["Register of educational programmes"],  # row 1, merged A1:D1
        ["as of 01.09.2024"],  # row 2
        None,  # row 3
        PROGRAM_HEADER,  # row 4
        PROGRAM_ROWS[0],  # row 5
        PROGRAM_ROWS[1],  # row 6
        ["B-03", "doctorate", "Law", "active"],  # row 7: the 3rd data row
    ]
    path = write_table(tmp_path / "programs.xlsx", rows, title="Programs", merged=["A1:D1"])
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[4].tolist() == PROGRAM_HEADER
    assert raw.merged == [("A1:D1", 1, 1)]
    report = check(path, "programs")
    assert report.header_row == 4
    assert where(report) == [("not_in_list", 7, "Level", "doctorate")]
    (p,) = report.problems
    assert p.sheet == "Programs"
    assert (report.rows_in, report.rows_valid) == (3, 2)


def test_blank_rows_in_the_middle_do_not_shift_row_numbers(tmp_path: Path) -> None:
    rows = [
        PROGRAM_HEADER,  # row 1
        PROGRAM_ROWS[0],  # row 2
        None,  # row 3
        None,  # row 4
        ["B-02", "master", "FIT", "paused"],  # row 5
        None,  # row 6
        ["B-03", "phd", None, "active"],  # row 7
    ]
    path = write_table(tmp_path / "programs.xlsx", rows)
    report = check(path, "programs")
    assert where(report) == [
        ("not_in_list", 5, "Status", "paused"),
        ("required", 7, "Faculty", None),
    ]
    assert (report.rows_in, report.rows_valid) == (3, 1)


def test_empty_rows_above_the_header_count(tmp_path: Path) -> None:
    # Nothing at all in rows 1-2: the sheet's data starts on row 3, as Excel shows it.
    rows = [PROGRAM_HEADER, PROGRAM_ROWS[0], ["B-02", "master", "FIT", "paused"]]
    path = write_workbook(tmp_path / "programs.xlsx", [Sheet("Programs", rows, first_row=3)])
    report = check(path, "programs")
    assert report.header_row == 3
    assert where(report) == [("not_in_list", 5, "Status", "paused")]


def test_table_starting_in_column_c(tmp_path: Path) -> None:
    rows = [PROGRAM_HEADER, PROGRAM_ROWS[0], ["B-02", "master", "FIT", "paused"]]
    sheet = Sheet("Programs", rows, first_row=2, first_col=3)
    path = write_workbook(tmp_path / "programs.xlsx", [sheet])
    report = check(path, "programs")
    assert report.header_row == 2
    assert where(report) == [("not_in_list", 4, "Status", "paused")]


def test_excel_typed_cells(tmp_path: Path) -> None:
    """Date cells, numbers and a 1.9 typed into a rank column, as Excel stores them."""
    header = ["Ranking", "Year", "Institution", "Rank", "Overall score"]
    rows = [
        header,
        ["qs_wur", 2025, "Kyrgyz National University", 39, 71.5],  # row 2
        ["qs_wur", 2025, "Osh State University", 1.9, 12],  # row 3
        ["the_wur", 2025.0, "American University of Central Asia", Text("=39"), None],  # row 4
        ["the_wur", 2025, "Manas University", "1401+", "n/a"],  # row 5
        ["the_wur", 2025, "Naryn State University", "Reporter", None],  # row 6
    ]
    path = write_table(tmp_path / "ranks.xlsx", rows)
    report = check(path, "ranking_results")
    assert where(report) == [("not_rank", 3, "Rank", "1.9")]
    raw = read_table(path.name, path.read_bytes())
    prepared, _, _, _ = prepare(raw, get_dataset("ranking_results"))
    frame = prepared.frame
    assert frame["year"].tolist() == [2025] * 5
    assert frame.loc[2, ["rank_display", "rank_low", "rank_high"]].tolist() == ["39", 39, 39]
    assert frame.loc[4, ["rank_low", "is_tie"]].tolist() == [39, True]
    assert frame.loc[5, "rank_low"] == 1401 and frame.loc[5, "rank_high"] is pd.NA
    assert frame.loc[6, "rank_display"] == "Reporter"
    assert frame.loc[6, ["rank_low", "rank_high"]].isna().all()


def test_date_cells_are_dates(tmp_path: Path) -> None:
    rows = [MOBILITY_HEADER, mobility_row(1), mobility_row(2, **{"Start date": "01.09.2024"})]
    path = write_table(tmp_path / "mobility.xlsx", rows)
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[2, 8].startswith("2024-09-01")  # fastexcel: "2024-09-01 00:00:00"
    prepared, _, _, _ = prepare(raw, get_dataset("mobility"))
    assert prepared.problems == []
    assert prepared.frame["start_date"].dt.date.tolist() == [dt.date(2024, 9, 1)] * 2
    assert prepared.frame["duration_days"].tolist() == [152, 152]


# --- XLSX: sheets -----------------------------------------------------------------------
def test_hidden_sheet_is_named_and_not_read(tmp_path: Path) -> None:
    secret = [PROGRAM_HEADER, ["SECRET-1", "doctor", "Hidden faculty", "nonsense"]]
    visible = [PROGRAM_HEADER, *PROGRAM_ROWS]
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [Sheet("Old 2019", secret, state="hidden"), Sheet("Programs", visible)],
    )
    raw = read_table(path.name, path.read_bytes())
    assert raw.sheet == "Programs"
    assert "SECRET-1" not in raw.grid.to_numpy().ravel().tolist()
    assert [(n.code, n.params) for n in raw.notices] == [("hidden_sheets", {"sheets": "Old 2019"})]
    report = check(path, "programs")
    assert report.problems == []
    assert (report.sheet, report.rows_in) == ("Programs", 3)
    (notice,) = [n for n in report.notices if n.code == "hidden_sheets"]
    for lang in LANGUAGES:
        assert notice.message(lang) == lang_text("notice.hidden_sheets", lang, sheets="Old 2019")


def test_very_hidden_sheets_are_named_too(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [
            Sheet("Programs", [PROGRAM_HEADER, *PROGRAM_ROWS]),
            Sheet("Calc", [["x"]], state="hidden"),
            Sheet("Macro state", [["y"]], state="veryHidden"),
        ],
    )
    raw = read_table(path.name, path.read_bytes())
    assert [(n.code, n.params) for n in raw.notices] == [
        ("hidden_sheets", {"sheets": "Calc, Macro state"})
    ]


def test_template_lists_sheet_needs_no_notice(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [
            Sheet("Programs", [PROGRAM_HEADER, *PROGRAM_ROWS]),
            Sheet("_lists", [["bachelor"]], state="hidden"),
        ],
    )
    assert read_table(path.name, path.read_bytes()).notices == []


def test_hidden_sheet_cannot_be_chosen(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [Sheet("Programs", [PROGRAM_HEADER]), Sheet("Old", [PROGRAM_HEADER], state="hidden")],
    )
    with pytest.raises(FileRejected) as info:
        read_table(path.name, path.read_bytes(), sheet="Old")
    assert (info.value.code, info.value.params) == ("sheet_hidden", {"sheet": "Old"})


def test_missing_sheet_names_the_visible_ones(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [
            Sheet("2024", [PROGRAM_HEADER]),
            Sheet("2025", [PROGRAM_HEADER]),
            Sheet("Old", [PROGRAM_HEADER], state="hidden"),
        ],
    )
    with pytest.raises(FileRejected) as info:
        read_table(path.name, path.read_bytes(), sheet="2026")
    assert info.value.code == "no_such_sheet"
    assert info.value.params == {"sheet": "2026", "sheets": "2024, 2025"}
    assert "2024, 2025" in info.value.message("ru")


def test_first_visible_sheet_is_used_unless_one_is_chosen(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "programs.xlsx",
        [
            Sheet("2024", [PROGRAM_HEADER, PROGRAM_ROWS[0]]),
            Sheet("2025", [PROGRAM_HEADER, *PROGRAM_ROWS]),
        ],
    )
    first = read_table(path.name, path.read_bytes())
    assert first.sheet == "2024"
    assert [(n.code, n.params) for n in first.notices] == [
        ("first_sheet_used", {"sheet": "2024", "others": "2025"})
    ]
    report = check(path, "programs", sheet="2025")
    assert (report.sheet, report.rows_in, report.problems) == ("2025", 3, [])


def test_empty_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "programs.xlsx", [Sheet("Programs", [])])
    report = check(path, "programs")
    assert [(p.code, p.sheet) for p in report.problems] == [("no_header", "Programs")]
    assert (report.rows_in, report.rows_valid) == (0, 0)


# --- XLSX: merged header cells ----------------------------------------------------------
def test_merged_header_cells_are_rejected_naming_the_range(tmp_path: Path) -> None:
    rows = [PROGRAM_HEADER, *PROGRAM_ROWS]
    path = write_table(tmp_path / "programs.xlsx", rows, merged=["A1:B1"])
    report = check(path, "programs", lang="ru")
    merged = [p for p in report.problems if p.code == "merged_header"]
    assert [(p.row, p.value, p.params.get("range")) for p in merged] == [(1, "A1:B1", "A1:B1")]
    assert report.rows_valid == 0
    for lang in LANGUAGES:
        assert merged[0].message(lang) == lang_text("problem.merged_header", lang, range="A1:B1")
        assert "A1:B1" in merged[0].message(lang)


def test_merged_header_below_a_title(tmp_path: Path) -> None:
    rows = [["Programmes"], None, PROGRAM_HEADER, *PROGRAM_ROWS]
    path = write_table(tmp_path / "programs.xlsx", rows, merged=["A1:D1", "C3:D3"])
    report = check(path, "programs")
    assert report.header_row == 3
    assert [(p.code, p.row, p.value) for p in report.problems if p.code == "merged_header"] == [
        ("merged_header", 3, "C3:D3")
    ]


def test_header_merged_over_two_rows(tmp_path: Path) -> None:
    # A two-storey header: "Faculty" merged down over rows 1-2, the real header on row 2.
    rows = [["", "", "Faculty", ""], PROGRAM_HEADER, *PROGRAM_ROWS]
    path = write_table(tmp_path / "programs.xlsx", rows, merged=["C1:C2"])
    report = check(path, "programs")
    assert ("merged_header", 2, "C1:C2") in [(p.code, p.row, p.value) for p in report.problems]


def test_merged_title_above_header_is_fine(tmp_path: Path) -> None:
    rows = [["Register of programmes"], PROGRAM_HEADER, *PROGRAM_ROWS]
    path = write_table(tmp_path / "programs.xlsx", rows, merged=["A1:D1"])
    report = check(path, "programs")
    assert (report.header_row, report.problems, report.rows_valid) == (2, [], 3)


def test_merged_header_in_prefixed_sheet_xml(tmp_path: Path) -> None:
    source = write_table(tmp_path / "plain.xlsx", [PROGRAM_HEADER, *PROGRAM_ROWS], merged=["C1:D1"])
    path = with_prefixed_sheet_xml(source, tmp_path / "sdk.xlsx")
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[2].tolist() == PROGRAM_ROWS[0]  # the file itself reads fine
    report = check(path, "programs")
    assert ("merged_header", 1, "C1:D1") in [(p.code, p.row, p.value) for p in report.problems]


# --- headers ----------------------------------------------------------------------------
def test_missing_required_column_in_the_users_language(tmp_path: Path) -> None:
    rows = [["Programme code", "Level", "Status"], ["B-01", "bachelor", "active"]]
    path = write_table(tmp_path / "programs.xlsx", rows)
    report = check(path, "programs", lang="ru")
    (p,) = report.problems
    assert (p.code, p.row, p.params["column"]) == ("missing_column", 1, "faculty")
    assert report.rows_valid == 0
    for lang in LANGUAGES:
        expected = lang_text("problem.missing_column", lang, column=catalog(lang)["col.faculty"])
        assert p.message(lang) == expected
    assert catalog("ru")["col.faculty"] in p.message("ru")


def test_all_missing_columns_at_once(tmp_path: Path) -> None:
    path = write_table(tmp_path / "mobility.xlsx", [["Mobility ID", "Scope"], ["M-1", "domestic"]])
    report = check(path, "mobility")
    missing = {p.params["column"] for p in report.problems if p.code == "missing_column"}
    assert missing == {
        "academic_year",
        "participant_category",
        "participant_code",
        "direction",
        "status",
    }


def test_headers_in_any_language_and_spelling(tmp_path: Path) -> None:
    header = [
        catalog("ky")["col.program_code"].upper(),
        f"  {catalog('ru')['col.level']} ",
        "FACULTY:",
        "status",
        "Comment",
    ]
    rows = [header, ["B-01", "bachelor", "FIT", "active", "new in 2024"]]
    path = write_table(tmp_path / "programs.xlsx", rows)
    report = check(path, "programs")
    assert report.problems == []
    assert [(n.code, n.params) for n in report.notices] == [
        ("ignored_columns", {"columns": "Comment"})
    ]


def test_duplicate_column(tmp_path: Path) -> None:
    header = [*PROGRAM_HEADER, catalog("ru")["col.faculty"]]
    path = write_table(tmp_path / "programs.xlsx", [header, [*PROGRAM_ROWS[0], "ФИТ"]])
    report = check(path, "programs")
    assert [(p.code, p.row, p.column, p.params.get("first")) for p in report.problems] == [
        ("duplicate_column", 1, catalog("ru")["col.faculty"], "Faculty")
    ]


def test_no_header(tmp_path: Path) -> None:
    path = write_table(tmp_path / "programs.xlsx", [["a", "b"], ["1", "2"]])
    report = check(path, "programs")
    assert [p.code for p in report.problems] == ["no_header"]
    assert report.rows_valid == 0


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_column_label_finds_its_column(dataset: str, lang: str) -> None:
    """Two columns of one dataset must not share a label once case and spaces are ignored."""
    lookup = header_lookup(dataset)
    wrong = {}
    for col in get_dataset(dataset).input_columns:
        label = column_label(col.name, lang, dataset)
        assert label != col.name, f"col.{col.name} has no {lang} label"
        if lookup.get(norm_key(label)) != col.name:
            wrong[label] = lookup.get(norm_key(label))
    assert wrong == {}


# --- cell problems, all in one pass -----------------------------------------------------
def test_three_bad_cells_three_problems(tmp_path: Path) -> None:
    rows = [
        PROGRAM_HEADER,
        ["B-01", "bachelor", "FIT", "active"],
        ["B-02", "doctor", "FIT", "active"],  # row 3
        ["B-03", "master", None, "active"],  # row 4
        ["B-04", "master", "FIT", "maybe"],  # row 5
    ]
    path = write_table(tmp_path / "programs.xlsx", rows)
    report = check(path, "programs")
    assert where(report) == [
        ("not_in_list", 3, "Level", "doctor"),
        ("required", 4, "Faculty", None),
        ("not_in_list", 5, "Status", "maybe"),
    ]
    assert (report.rows_in, report.rows_valid, report.bad_rows) == (4, 1, 3)


def test_wrong_types_in_mobility(tmp_path: Path) -> None:
    rows = [
        MOBILITY_HEADER,
        mobility_row(1),  # row 2: good
        mobility_row(2, **{"Academic year": "2024-2026"}),  # row 3
        mobility_row(3, **{"Start date": "5. Mai"}),  # row 4
        mobility_row(4, **{"End date": "31.02.2025", "GPA at selection": "3,5"}),  # row 5
        mobility_row(5, **{"GPA at selection": "excellent", "Direction": "sideways"}),  # row 6
        mobility_row(6, **{"GPA at selection": 4.7}),  # row 7
        mobility_row(7, **{"Programme": "unknown"}),  # row 8
        mobility_row(8, **{"Programme": catalog("ky")["code.erasmus_plus"]}),  # row 9: good
    ]
    path = write_table(tmp_path / "mobility.xlsx", rows, title="Мобилдүүлүк")
    report = check(path, "mobility", lang="ky")
    assert where(report) == [
        ("not_academic_year", 3, "Academic year", "2024-2026"),
        ("not_date", 4, "Start date", "5. Mai"),
        ("not_date", 5, "End date", "31.02.2025"),
        ("not_in_list", 6, "Direction", "sideways"),
        ("not_number", 6, "GPA at selection", "excellent"),
        ("too_large", 7, "GPA at selection", "4.7"),
        ("not_in_list", 8, "Programme", "unknown"),
    ]
    assert {p.sheet for p in report.problems} == {"Мобилдүүлүк"}
    assert (report.rows_in, report.rows_valid) == (8, 2)
    ky = catalog("ky")
    for p in report.problems:
        params = {**p.params, "column": ky[f"col.{p.params['column']}"]}
        if "codes" in params:  # allowed values are named by their labels in the language
            params["allowed"] = ", ".join(ky[f"code.{c}"] for c in params.pop("codes"))
        assert p.message("ky") == lang_text(f"problem.{p.code}", "ky", **params)


END_BEFORE_START = mobility_row(1, **{"End date": dt.datetime(2024, 8, 1)})


def test_end_before_start_is_one_problem(tmp_path: Path) -> None:
    path = write_table(tmp_path / "mobility.xlsx", [MOBILITY_HEADER, END_BEFORE_START])
    report = check(path, "mobility")
    assert [p.code for p in report.problems] == ["end_before_start"]


def test_end_before_start_names_the_end_date(tmp_path: Path) -> None:
    path = write_table(tmp_path / "mobility.xlsx", [MOBILITY_HEADER, END_BEFORE_START])
    report = check(path, "mobility")
    (p,) = [p for p in report.problems if p.code == "end_before_start"]
    assert (p.row, p.column) == (2, "End date")


def test_duplicate_keys_report_both_rows(tmp_path: Path) -> None:
    rows = [
        PROGRAM_HEADER,
        ["B-01", "bachelor", "FIT", "active"],  # row 2
        ["B-02", "master", "FIT", "active"],  # row 3
        ["B-01", "bachelor", "Law", "closed"],  # row 4
        ["B-03", "phd", "Law", "active"],  # row 5
    ]
    path = write_table(tmp_path / "programs.xlsx", rows)
    report = check(path, "programs")
    assert where(report) == [
        ("duplicate_key", 2, "Programme code", "B-01"),
        ("duplicate_key", 4, "Programme code", "B-01"),
    ]
    assert report.rows_valid == 2


def test_duplicate_mobility_ids_report_both_rows(tmp_path: Path) -> None:
    rows = [MOBILITY_HEADER, mobility_row(1), mobility_row(2), mobility_row(1), mobility_row(3)]
    path = write_table(tmp_path / "mobility.xlsx", rows)
    report = check(path, "mobility")
    assert [(p.code, p.row, p.value) for p in report.problems] == [
        ("duplicate_key", 2, "M-001"),
        ("duplicate_key", 4, "M-001"),
    ]


def test_problem_messages_follow_the_language(tmp_path: Path) -> None:
    rows = [PROGRAM_HEADER, ["B-01", "bachelor", None, "active"]]
    path = write_table(tmp_path / "programs.xlsx", rows)
    (p,) = check(path, "programs").problems
    assert isinstance(p, Problem) and p.code == "required"
    for lang in LANGUAGES:
        faculty = catalog(lang)["col.faculty"]
        assert p.message(lang) == lang_text("problem.required", lang, column=faculty)
