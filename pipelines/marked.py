"""The uploaded sheet back as xlsx, with every problem cell marked red and explained in a comment."""

from __future__ import annotations

import io
import re
from collections import defaultdict

import xlsxwriter

from pipelines.parsing import clean
from pipelines.problems import Problem
from pipelines.readers import RawSheet
from sapat.export import MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, neutralise, sheet_name
from sapat.i18n import translate

PROBLEM_FILL = "#FFC7CE"  # Excel's own "light red fill" for bad values
# A plain decimal number as people type it. Leading zeros ("001") and more than 15 digits
# (Excel's precision: long ID numbers would be rounded) stay text.
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
_EXCEL_DIGITS = 15
_PROBLEM_COLUMNS = ("col_sheet", "col_row", "col_column", "col_value", "col_problem")


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text)) and sum(ch.isdigit() for ch in text) <= _EXCEL_DIGITS


def _text(value: object) -> str | None:
    return None if value is None or value != value else str(value)  # None or NaN


def _width(longest: int) -> int:
    return min(max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)


def _marks(
    raw: RawSheet, problems: list[Problem], lang: str, header_row: int | None
) -> dict[tuple[int, int], list[str]]:
    """(Excel row, grid position) → messages, for the problems that point into the sheet."""
    positions: dict[str, list[int]] = defaultdict(list)
    if header_row is not None and header_row in raw.grid.index:
        for pos, value in enumerate(raw.grid.loc[header_row]):
            if (text := clean(value)) is not None:
                positions[text].append(pos)
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    for p in problems:
        if p.row is None:
            continue  # the file as a whole, e.g. a missing column: sheet 2 only
        # A column not in the file (a required one missing) marks the row, like no column.
        for pos in positions.get(p.column or "") or [0]:
            marks[(p.row, pos)].append(p.message(lang))
    return marks


def marked_workbook(
    raw: RawSheet,
    problems: list[Problem],
    lang: str,
    file_name: str,
    header_row: int | None = None,
) -> bytes:
    """An .xlsx to fix the upload with: the sheet as read, problem cells red, and a list.

    Cells keep their Excel row and column, so "row 17" in the report is row 17 here.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": neutralise(file_name)})
    bold = book.add_format({"bold": True})
    red = book.add_format({"bg_color": PROBLEM_FILL})
    red_bold = book.add_format({"bg_color": PROBLEM_FILL, "bold": True})
    data_name = (
        sheet_name(raw.sheet) if raw.sheet else sheet_name(translate("upload.sheet_data", lang))
    )
    problems_name = sheet_name(translate("upload.sheet_problems", lang))
    if problems_name.casefold() == data_name.casefold():  # Excel forbids equal names
        problems_name = sheet_name(problems_name[:27] + " (2)")
    data = book.add_worksheet(data_name)
    _write_data(data, raw, _marks(raw, problems, lang, header_row), header_row, bold, red, red_bold)
    _write_problems(book.add_worksheet(problems_name), problems, lang, bold)
    book.close()
    return buffer.getvalue()


def _write_data(
    sheet: xlsxwriter.worksheet.Worksheet,
    raw: RawSheet,
    marks: dict[tuple[int, int], list[str]],
    header_row: int | None,
    bold: xlsxwriter.format.Format,
    red: xlsxwriter.format.Format,
    red_bold: xlsxwriter.format.Format,
) -> None:
    widths = [0] * raw.grid.shape[1]
    for excel_row, values in zip(raw.grid.index, raw.grid.itertuples(index=False), strict=True):
        is_header = excel_row == header_row
        for pos, value in enumerate(values):
            text = _text(value)
            marked = (excel_row, pos) in marks
            if text is None and not marked:
                continue
            fmt = (red_bold if is_header else red) if marked else (bold if is_header else None)
            row0 = excel_row - 1  # xlsxwriter counts from 0, Excel from 1
            if text is None:
                sheet.write_blank(row0, pos, None, fmt)
            elif _is_number(text):
                sheet.write_number(row0, pos, float(text), fmt)
            else:
                sheet.write_string(row0, pos, neutralise(text), fmt)
            widths[pos] = max(widths[pos], len(text or ""))
    for (excel_row, pos), messages in marks.items():
        sheet.write_comment(excel_row - 1, pos, "\n".join(messages), {"x_scale": 2, "y_scale": 1.5})
        if pos >= len(widths):  # a row with nothing past its first cell
            widths += [0] * (pos + 1 - len(widths))
    for pos, longest in enumerate(widths):
        sheet.set_column(pos, pos, _width(longest))
    if header_row is not None:
        sheet.freeze_panes(header_row, 0)  # row index header_row is the row below the header


def _write_problems(
    sheet: xlsxwriter.worksheet.Worksheet,
    problems: list[Problem],
    lang: str,
    bold: xlsxwriter.format.Format,
) -> None:
    headers = [translate(f"upload.{key}", lang) for key in _PROBLEM_COLUMNS]
    widths = [len(h) for h in headers]
    for pos, header in enumerate(headers):
        sheet.write_string(0, pos, header, bold)
    for row0, p in enumerate(problems, start=1):
        cells = [p.sheet, p.row, p.column, p.value, p.message(lang)]
        for pos, cell in enumerate(cells):
            if cell is None:
                continue
            if isinstance(cell, int):
                sheet.write_number(row0, pos, cell)
            else:
                sheet.write_string(row0, pos, neutralise(cell))
            widths[pos] = max(widths[pos], len(str(cell)))
    for pos, longest in enumerate(widths):
        sheet.set_column(pos, pos, _width(longest))
    sheet.freeze_panes(1, 0)
