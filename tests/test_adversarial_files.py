"""Hostile and damaged uploads (issue 13, "Nothing lost"): no value silently lost, no traceback.

Every file is written by a real writer (xlsxwriter, openpyxl, Python's codecs, zipfile);
where a file must lie, the lie is patched into the bytes a real writer produced, as an
attacker would. Files go through the real ingest path (``ingest_bytes``, the Data page's
``check_upload``) or through the CLI in a subprocess where the exit code matters.

Attacks that already hold are tested elsewhere and only referenced here:

- macros: tests/test_pipelines_safety.py ``test_workbook_with_vba_project_is_refused`` (a real
  vbaProject.bin in an .xlsx or .xlsm) and ``test_file_named_xlsm_is_refused``;
- an honest zip bomb: tests/test_pipelines_safety.py ``test_zip_bomb_is_refused_quickly_without_unpacking``;
- a renamed executable: tests/test_pipelines_safety.py ``test_renamed_exe`` and, through the CLI
  with exit code 2, tests/test_pipelines_cli.py ``test_ingest_exit_codes_and_summary``.

XML external entities were not tested anywhere; they are below.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from pipelines import readers, safety
from pipelines.ingest import IngestReport, ingest_bytes
from pipelines.problems import FileRejected
from pipelines.readers import read_table
from sapat.i18n import LANGUAGES, catalog
from sapat.upload import check_upload
from tests.conftest import ROOT
from tests.xlsx_files import write_csv, write_table

SHEET1 = "xl/worksheets/sheet1.xml"
HEADER = [
    "Mobility ID",
    "Academic year",
    "Participant category",
    "Participant code",
    "Direction",
    "Scope",
    "Status",
    "Partner city",
    "GPA at selection",
    "Credits planned",
]
GPA = HEADER.index("GPA at selection")
# Every Excel error value, as Excel shows it in the cell.
EXCEL_ERRORS = {
    "#DIV/0!": "excel_div0",
    "#N/A": "excel_na",
    "#REF!": "excel_ref",
    "#VALUE!": "excel_value",
    "#NAME?": "excel_name",
    "#NUM!": "excel_num",
    "#NULL!": "excel_null",
    "#GETTING_DATA": "excel_getting_data",
    "#SPILL!": "excel_spill",
    "#CALC!": "excel_calc",
}
# The errors a spreadsheet may hold that older writers and readers do not know by name.
NEWER_ERRORS = ("#SPILL!", "#CALC!", "#GETTING_DATA")


def row(n: int, city: object = "Almaty", gpa: object = 3.97, credits: object = 25) -> list[object]:
    return [
        f"M-{n:03d}",
        "2024-2025",
        "student_bachelor",
        f"S{n:04d}",
        "outgoing",
        "international",
        "completed",
        city,
        gpa,
        credits,
    ]


class Formula:
    """A formula cell with the value Excel computed and stored for it (its cached value)."""

    def __init__(self, formula: str, cached: object) -> None:
        self.formula, self.cached = formula, cached


def write_xlsx(path: Path, rows: list[list[object] | None], first_col: int = 0) -> Path:
    """A workbook written by xlsxwriter; Formula cells keep the cached value given.

    xlsxwriter stores the seven classic errors as error cells (t="e"), as Excel does, and
    the newer ones (#SPILL!, #CALC!, #GETTING_DATA) as text results (t="str").
    """
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("mobility")
    for r, values in enumerate(rows):
        for c, value in enumerate(values or []):
            if isinstance(value, Formula):
                sheet.write_formula(r, first_col + c, value.formula, None, value.cached)
            elif value is not None:
                sheet.write(r, first_col + c, value)
    book.close()
    return path


def rewrite_sheet(source: Path, path: Path, edit: Callable[[str], str]) -> Path:
    """Copy the workbook zip with its first sheet's XML passed through ``edit``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == SHEET1:
                content = edit(content.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, content)
    return path


def check(path: Path, **kw: object) -> IngestReport:
    return ingest_bytes(None, "mobility", path.name, path.read_bytes(), check_only=True, **kw)


def where(report: IngestReport) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(p.code, p.row, p.column, p.value) for p in report.problems]


def refusal(path: Path, dataset: str = "programs") -> FileRejected:
    with pytest.raises(FileRejected) as info:
        ingest_bytes(None, dataset, path.name, path.read_bytes(), check_only=True)
    return info.value


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": "en"},
        timeout=120,
    )


# --- A. error cells and formulas without a value ---------------------------------------
def test_every_excel_error_is_a_problem_on_its_cell(tmp_path: Path) -> None:
    rows = [HEADER] + [
        row(n, gpa=Formula("=1/0", error)) for n, error in enumerate(EXCEL_ERRORS, start=1)
    ]
    report = check(write_xlsx(tmp_path / "errors.xlsx", rows))
    expected = [
        (code, n + 1, "GPA at selection", error)
        for n, (error, code) in enumerate(EXCEL_ERRORS.items(), start=1)
    ]
    assert where(report) == expected
    assert all(p.sheet == "mobility" for p in report.problems)
    assert report.rows_valid == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_error_messages_name_the_excel_error_in_every_language(lang: str) -> None:
    for error, code in EXCEL_ERRORS.items():
        assert error in catalog(lang)[f"problem.{code}"], (lang, code)
    for code in ("excel_error", "formula_no_value", "nan_text"):
        assert catalog(lang)[f"problem.{code}"], (lang, code)
    assert "Excel" in catalog(lang)["problem.formula_no_value"]


def test_newer_errors_stored_as_error_cells_are_problems(tmp_path: Path) -> None:
    # Excel stores #SPILL!, #CALC! and #GETTING_DATA as error cells (t="e"), and so does
    # an unknown future error, which the reader returns as text or not at all.
    rows = [HEADER] + [
        row(n, city=Formula("=X()", error))
        for n, error in enumerate([*NEWER_ERRORS, "#BLOCKED!"], start=1)
    ]
    written = write_xlsx(tmp_path / "written.xlsx", rows)
    path = rewrite_sheet(written, tmp_path / "spill.xlsx", lambda x: x.replace('t="str"', 't="e"'))
    assert zipfile.ZipFile(path).read(SHEET1).count(b't="e"') == 4
    report = check(path)
    assert where(report) == [
        ("excel_spill", 2, "Partner city", "#SPILL!"),
        ("excel_calc", 3, "Partner city", "#CALC!"),
        ("excel_getting_data", 4, "Partner city", "#GETTING_DATA"),
        ("excel_error", 5, "Partner city", "#BLOCKED!"),
    ]


def test_error_text_is_a_problem_even_in_a_text_column(tmp_path: Path) -> None:
    # xlsxwriter writes #SPILL! as a formula's text result; a CSV saved by Excel holds
    # every error as its text. Neither is a city.
    rows = [HEADER, row(1, city=Formula("=A1#", "#SPILL!"))]
    report = check(write_xlsx(tmp_path / "spill.xlsx", rows))
    assert where(report) == [("excel_spill", 2, "Partner city", "#SPILL!")]
    text = "\n".join(",".join(map(str, r)) for r in [HEADER, row(1, city="#REF!", gpa="#N/A")])
    report = check(write_csv(tmp_path / "errors.csv", text + "\n", "utf-8"))
    assert where(report) == [
        ("excel_na", 2, "GPA at selection", "#N/A"),
        ("excel_ref", 2, "Partner city", "#REF!"),
    ]


def test_error_typed_into_a_cell_without_a_formula(tmp_path: Path) -> None:
    # openpyxl, like Excel when #N/A is typed into a cell, stores it as an error cell.
    path = write_table(tmp_path / "typed.xlsx", [HEADER, row(1, gpa="#N/A"), row(2)])
    assert b't="e"' in zipfile.ZipFile(path).read(SHEET1)
    report = check(path)
    assert where(report) == [("excel_na", 2, "GPA at selection", "#N/A")]
    assert report.rows_valid == 1


def test_formula_without_a_cached_value_is_a_problem(tmp_path: Path) -> None:
    # openpyxl never stores what a formula computes: only Excel (or LibreOffice) does.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "mobility"
    for values in [HEADER, row(1), row(2)]:
        sheet.append(values)
    sheet["J2"] = "=A1/0"
    sheet["I3"] = '=IF(1<2,"x","y")'
    book.save(tmp_path / "formulas.xlsx")
    report = check(tmp_path / "formulas.xlsx")
    assert where(report) == [
        ("formula_no_value", 2, "Credits planned", "=A1/0"),
        ("formula_no_value", 3, "GPA at selection", '=IF(1<2,"x","y")'),
    ]
    for lang in LANGUAGES:
        assert report.problems[0].message(lang) == catalog(lang)["problem.formula_no_value"]


def test_a_sheet_of_uncomputed_formulas_is_not_called_empty(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["=A1"] * len(HEADER))
    book.save(tmp_path / "formulas.xlsx")
    report = check(tmp_path / "formulas.xlsx")
    assert {p.code for p in report.problems} == {"formula_no_value"}
    assert len(report.problems) == len(HEADER)


def test_formula_with_a_computed_value_reads_that_value(tmp_path: Path) -> None:
    rows = [HEADER, row(1, gpa=Formula("=3.97", 3.97), city=Formula('=""&"Osh"', "Osh"))]
    rows.append(row(2, city=Formula('=""', "")))
    written = write_xlsx(tmp_path / "written.xlsx", rows)
    # Excel stores a formula that computed an empty text as t="str" with an empty <v>;
    # xlsxwriter leaves t out there, which is how a program says "not computed".
    assert '<c r="H3"><f>""</f><v></v></c>' in zipfile.ZipFile(written).read(SHEET1).decode()
    assert where(check(written)) == [("formula_no_value", 3, "Partner city", '=""')]
    path = rewrite_sheet(
        written, tmp_path / "computed.xlsx", lambda x: x.replace('<c r="H3">', '<c r="H3" t="str">')
    )
    report = check(path)
    assert report.problems == []
    assert report.good["gpa_at_selection"].tolist() == [3.97, 3.97]
    assert report.good["partner_city"].tolist()[0] == "Osh"
    assert report.good["partner_city"].isna().tolist() == [False, True]


@pytest.mark.parametrize("text", ["NaN", "nan", "NAN"])
def test_nan_typed_into_a_number_cell_is_a_problem(tmp_path: Path, text: str) -> None:
    rows = [HEADER, row(1, gpa=text, credits="inf"), row(2)]
    for path in (
        write_table(tmp_path / "nan.xlsx", rows),
        write_csv(tmp_path / "nan.csv", "\n".join(";".join(map(str, r)) for r in rows), "utf-8"),
    ):
        report = check(path)
        assert where(report) == [
            ("not_number", 2, "Credits planned", "inf"),
            ("nan_text", 2, "GPA at selection", text),
        ], path.name
        assert report.rows_valid == 1


def test_error_cells_found_wherever_the_table_sits(tmp_path: Path) -> None:
    # A table starting in column C, an error in a column the dataset does not use (not a
    # problem: nothing is read from it), and the .NET SDK's x: prefixed sheet XML.
    rows = [None, None, [*HEADER, "Notes"], [*row(1, credits=Formula("=1/0", "#DIV/0!")), 1]]
    rows.append([*row(2), Formula("=1/0", "#REF!")])
    path = write_xlsx(tmp_path / "offset.xlsx", rows, first_col=2)

    def prefixed(xml: str) -> str:
        xml = xml.replace('xmlns="', 'xmlns:x="', 1)
        return re.sub(r"<(/?)([A-Za-z]+)(?=[\s/>])", r"<\1x:\2", xml)

    for variant in (path, rewrite_sheet(path, tmp_path / "prefixed.xlsx", prefixed)):
        report = check(variant)
        assert where(report) == [("excel_div0", 4, "Credits planned", "#DIV/0!")], variant.name
        assert report.rows_valid == 1


def test_error_cells_without_cell_references(tmp_path: Path) -> None:
    # r="..." is optional on cells and rows; some streaming writers leave it out.
    rows = [HEADER, row(1), row(2, gpa=Formula("=1/0", "#NUM!"))]
    path = write_xlsx(tmp_path / "refs.xlsx", rows)
    bare = rewrite_sheet(path, tmp_path / "bare.xlsx", lambda x: re.sub(r' r="[A-Z]*\d+"', "", x))
    assert b' r="' not in zipfile.ZipFile(bare).read(SHEET1)
    assert where(check(bare)) == [("excel_num", 3, "GPA at selection", "#NUM!")]


# --- A. what reaches the warehouse ------------------------------------------------------
STORED = (
    "SELECT partner_city, gpa_at_selection, credits_planned FROM mobility WHERE mobility_id = ?"
)


def load(conn: duckdb.DuckDBPyConnection, path: Path, mode: str) -> IngestReport:
    return ingest_bytes(conn, "mobility", path.name, path.read_bytes(), mode=mode, user="test")


def test_error_cells_never_replace_good_values(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, row(1), row(2)])
    assert load(conn, good, "strict").loaded
    bad_row = row(
        1,
        city=Formula("=#REF!", "#REF!"),
        gpa=Formula("=1/0", "#DIV/0!"),
        credits=Formula("=NA()", "#N/A"),
    )
    bad = write_xlsx(tmp_path / "bad.xlsx", [HEADER, bad_row, row(2, credits=30)])

    strict = load(conn, bad, "strict")
    assert not strict.loaded
    assert [(p.code, p.row) for p in strict.problems] == [
        ("excel_na", 2),
        ("excel_div0", 2),
        ("excel_ref", 2),
    ]
    assert conn.execute(STORED, ["M-001"]).fetchall() == [("Almaty", 3.97, 25.0)]
    assert conn.execute(STORED, ["M-002"]).fetchall() == [("Almaty", 3.97, 25.0)]

    valid = load(conn, bad, "valid_rows")
    assert valid.loaded and valid.result.rows_loaded == 1 and valid.bad_rows == 1
    assert conn.execute(STORED, ["M-001"]).fetchall() == [("Almaty", 3.97, 25.0)]
    assert conn.execute(STORED, ["M-002"]).fetchall() == [("Almaty", 3.97, 30.0)]
    kept = conn.execute(
        "SELECT row_number, value, row_data FROM rejected_rows WHERE batch_id = ? ORDER BY value",
        [valid.result.batch_id],
    ).fetchall()
    assert [(r[0], r[1]) for r in kept] == [(2, "#DIV/0!"), (2, "#N/A"), (2, "#REF!")]
    assert all('"M-001"' in r[2] and '"#DIV/0!"' in r[2] for r in kept)


def test_data_page_shows_error_cells_and_marks_them(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection
) -> None:
    rows = [HEADER, row(1, gpa=Formula("=1/0", "#DIV/0!")), row(2)]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    checked = check_upload(conn, "mobility", path.name, path.read_bytes(), "ru")
    assert checked.error is None
    table = checked.problem_table("ru")
    assert table[["sheet", "row", "column", "value"]].values.tolist() == [
        ["mobility", 2, "GPA at selection", "#DIV/0!"]
    ]
    assert "#DIV/0!" in table["problem"][0] and "#ДЕЛ/0!" in table["problem"][0]
    marked = openpyxl.load_workbook(io.BytesIO(checked.marked_file("ru"))).worksheets[0]
    assert marked.cell(2, GPA + 1).value == "#DIV/0!"
    assert "#DIV/0!" in marked.cell(2, GPA + 1).comment.text


def test_cli_strict_upload_with_error_cells_loads_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [HEADER, row(1, gpa=Formula("=1/0", "#DIV/0!"))])
    out = cli("ingest", "mobility", str(path), "--db", str(tmp_path / "w.duckdb"))
    assert out.returncode == 1, out.stderr
    assert (
        "row 2" in out.stdout and '"#DIV/0!"' in out.stdout and "«GPA at selection»" in out.stdout
    )
    assert "0 problems" not in out.stdout


# --- B. a zip bomb that lies about its size ---------------------------------------------
def _patch(data: bytearray, name: str, local: int, central: int, fmt: str, value: int) -> None:
    """Overwrite one little-endian field of ``name``'s local and central zip headers."""
    size = struct.calcsize(fmt)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        at = archive.getinfo(name).header_offset
    data[at + local : at + local + size] = struct.pack(fmt, value)
    encoded = name.encode("utf-8")
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        length = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + length] == encoded:
            data[pos + central : pos + central + size] = struct.pack(fmt, value)
        pos = data.find(b"PK\x01\x02", pos + 4)


def write_lying_bomb(path: Path, megabytes: int) -> Path:
    """A real workbook whose first sheet holds ``megabytes`` MB of XML whitespace, while its
    zip headers declare the sheet's small original size and the CRC-32 of that much of it.

    Whatever trusts the declared size reads a small, valid-looking sheet and stops there;
    a reader that inflates the whole entry gets all of it.
    """
    source = write_table(path.with_suffix(".source.xlsx"), [HEADER, row(1)])
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename != SHEET1:
                zout.writestr(info.filename, content)
                continue
            head, tail = content.split(b"<sheetData>", 1)
            head += b"<sheetData>"
            declared = len(content)
            pad = b" " * (1024 * 1024)
            with zout.open(SHEET1, "w") as entry:  # streamed: the bomb never sits in memory
                entry.write(head)
                for _ in range(megabytes):
                    entry.write(pad)
                entry.write(tail)
    data = bytearray(path.read_bytes())
    seen = (head + b" " * declared)[:declared]
    _patch(data, SHEET1, 22, 24, "<I", declared)  # uncompressed size
    _patch(data, SHEET1, 14, 16, "<I", zlib.crc32(seen))  # CRC-32 of what a trusting reader sees
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def spy_reader(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records every call of the Excel reader (which would inflate the whole bomb)."""
    calls: list[int] = []
    real = readers.fastexcel.read_excel

    def spy(data: bytes, *args: object, **kwargs: object) -> object:
        calls.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(readers.fastexcel, "read_excel", spy)
    return calls


def test_bomb_lying_about_size_and_crc_is_refused_before_the_reader(
    tmp_path: Path, spy_reader: list[int]
) -> None:
    path = write_lying_bomb(tmp_path / "bomb.xlsx", megabytes=30)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 10 * len(data)
        archive.read(SHEET1)  # the lie is consistent: Python's zipfile finds nothing wrong
    assert refusal(path, "mobility").code == "zip_bomb"
    assert spy_reader == []


def test_absolute_cap_holds_whatever_the_ratio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy_reader: list[int]
) -> None:
    path = write_lying_bomb(tmp_path / "bomb.xlsx", megabytes=12)
    monkeypatch.setattr(safety, "MAX_ZIP_RATIO", 10**6)
    monkeypatch.setattr(safety, "MAX_UNZIPPED_BYTES", 10 * 1024 * 1024)
    assert refusal(path, "mobility").code == "zip_bomb"
    monkeypatch.setattr(safety, "MAX_UNZIPPED_BYTES", 20 * 1024 * 1024)
    # Under both caps the lie is still a lie: the sheet is not the size its headers say.
    assert refusal(path, "mobility").code == "corrupt"
    assert spy_reader == []


def test_default_cap_stops_a_large_bomb_quickly_in_little_memory(tmp_path: Path) -> None:
    path = write_lying_bomb(tmp_path / "bomb.xlsx", megabytes=300)
    data = path.read_bytes()
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileRejected) as info:
            safety.check_file(path.name, data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "zip_bomb"
    assert elapsed < 5
    assert peak < 16 * 1024 * 1024, peak  # streamed: never the whole entry in memory


def test_honest_workbook_still_passes(tmp_path: Path, spy_reader: list[int]) -> None:
    path = write_table(tmp_path / "good.xlsx", [HEADER, row(1)])
    assert check(path).rows_valid == 1
    assert len(spy_reader) == 1


# --- C. reader failures are refusals ----------------------------------------------------
PROGRAMS = [["program_code", "level", "faculty", "status"], ["B-01", "bachelor", "FIT", "active"]]


def utf16_odd_length(tmp_path: Path) -> Path:
    text = "program_code\tlevel\tfaculty\tstatus\nB-01\tbachelor\tFIT\tactive\n"
    path = write_csv(tmp_path / "programs.csv", text, "utf-16")
    path.write_bytes(path.read_bytes()[:-1])  # cut short, as a broken download
    return path


def encrypted_entry(tmp_path: Path) -> Path:
    path = write_table(tmp_path / "source.xlsx", PROGRAMS)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        flags = archive.getinfo(SHEET1).flag_bits
    _patch(data, SHEET1, 6, 8, "<H", flags | 0x1)  # general purpose bit 0: encrypted
    out = tmp_path / "encrypted.xlsx"
    out.write_bytes(bytes(data))
    return out


def deflate64_entry(tmp_path: Path) -> Path:
    path = write_table(tmp_path / "source.xlsx", PROGRAMS)
    data = bytearray(path.read_bytes())
    _patch(data, SHEET1, 8, 10, "<H", 9)  # compression method 9: deflate64
    out = tmp_path / "deflate64.xlsx"
    out.write_bytes(bytes(data))
    return out


BROKEN = {
    "utf16_odd_length": (utf16_odd_length, "bad_encoding"),
    "encrypted_entry": (encrypted_entry, "encrypted"),
    "deflate64_entry": (deflate64_entry, "zip_method"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_files_are_refused_with_a_reason(tmp_path: Path, kind: str) -> None:
    make, code = BROKEN[kind]
    rejection = refusal(make(tmp_path))
    assert rejection.code == code
    for lang in LANGUAGES:
        assert f"file.{code}" in catalog(lang)
        assert "{" not in rejection.message(lang)


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_files_on_the_data_page(
    tmp_path: Path, conn: duckdb.DuckDBPyConnection, kind: str
) -> None:
    make, code = BROKEN[kind]
    path = make(tmp_path)
    checked = check_upload(conn, "programs", path.name, path.read_bytes(), "ru")
    assert checked.report is None
    assert checked.error == refusal(path).message("ru")
    assert checked.error.startswith(catalog("ru")[f"file.{code}"].split("{")[0])


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_files_in_the_cli_exit_2_without_a_traceback(tmp_path: Path, kind: str) -> None:
    make, code = BROKEN[kind]
    out = cli("ingest", "programs", str(make(tmp_path)), "--db", str(tmp_path / "w.duckdb"))
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().startswith(catalog("en")[f"file.{code}"].split("{")[0].strip())


def test_a_csv_the_fallback_parser_cannot_read_is_refused(tmp_path: Path) -> None:
    # Wider rows after the first 200 send pandas to Python's csv module, which refuses a
    # field longer than 128 KB: that error used to escape as a traceback.
    lines = ["program_code,level,faculty,status"] + ["B-01,bachelor,FIT,active"] * 250
    lines.append("B-02,bachelor,FIT,active,extra," + "x" * 200_000)
    path = write_csv(tmp_path / "programs.csv", "\n".join(lines) + "\n", "utf-8")
    rejection = refusal(path)
    assert rejection.code == "read_failed"
    assert "field" in rejection.params["detail"]
    assert len(rejection.message("en")) < 300


def test_any_reader_exception_becomes_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OverflowError("value too large\nsecond line of a long story")

    monkeypatch.setattr(readers, "_workbook_sheets", broken)
    rejection = refusal(write_table(tmp_path / "programs.xlsx", PROGRAMS))
    assert rejection.code == "read_failed"
    assert rejection.params["detail"] == "value too large"
    for lang in LANGUAGES:
        assert "value too large" in rejection.message(lang)


# --- D. a notice about thousands of ignored columns -------------------------------------
def test_thousands_of_ignored_columns_are_summarised(tmp_path: Path) -> None:
    extra = [f"extra_{i}" for i in range(16_357)]
    header = [*PROGRAMS[0], *extra]
    body = [*PROGRAMS[1], *[""] * len(extra)]
    text = ",".join(header) + "\n" + ",".join(body) + "\n"
    path = write_csv(tmp_path / "wide.csv", text, "utf-8")
    report = ingest_bytes(None, "programs", path.name, path.read_bytes(), check_only=True)
    assert report.problems == [] and report.rows_valid == 1
    (notice,) = [n for n in report.notices if n.code.startswith("ignored_columns")]
    for lang in LANGUAGES:
        message = notice.message(lang)
        assert len(message) < 400, message[:400]
        assert "extra_0" in message and "extra_9" in message and "extra_10," not in message
        assert "16\u202f347" in message


def test_a_few_ignored_columns_are_all_named(tmp_path: Path) -> None:
    path = write_table(tmp_path / "programs.xlsx", [[*PROGRAMS[0], "Notes"], [*PROGRAMS[1], "x"]])
    report = ingest_bytes(None, "programs", path.name, path.read_bytes(), check_only=True)
    messages = [n.message("en") for n in report.notices]
    assert messages == [catalog("en")["notice.ignored_columns"].format(columns="Notes")]


# --- E. XML external entities -----------------------------------------------------------
def test_external_entities_in_sheet_and_workbook_xml_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    doctype = (
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
    )
    source = write_table(tmp_path / "source.xlsx", [*PROGRAMS, ["B-02", "master", "X", "active"]])

    def inject(xml: str) -> str:
        xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m[1] or "") + doctype, xml, count=1)
        xml = xml.replace("<t>B-02</t>", "<t>&xxe;</t>", 1)
        return xml.replace("<t>X</t>", "<t>&h;</t>", 1)

    sheet_path = rewrite_sheet(source, tmp_path / "xxe.xlsx", inject)
    assert b"&xxe;" in zipfile.ZipFile(sheet_path).read(SHEET1)
    workbook_path = tmp_path / "xxe-workbook.xlsx"
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(workbook_path, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = inject(content.decode()).replace('name="Sheet1"', 'name="&xxe;"')
                content = content.encode()
            zout.writestr(info.filename, content)
    for path in (sheet_path, workbook_path):
        started = time.perf_counter()
        try:
            raw = read_table(path.name, path.read_bytes())
        except FileRejected as exc:  # refusing the file is fine; reading the secret is not
            assert "TOP-SECRET" not in str(exc.params)
        else:
            cells = raw.grid.astype("str").to_numpy().ravel().tolist()
            assert not any("TOP-SECRET" in c for c in cells)
            assert max(len(c) for c in cells) < 10_000  # the billion laughs did not expand
            assert "TOP-SECRET" not in str(raw.sheet)
        assert time.perf_counter() - started < 5
