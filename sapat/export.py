"""Table downloads as CSV and XLSX, with text cells neutralised against formula injection."""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd

from sapat.display import is_missing

# A text cell starting with one of these is evaluated as a formula by Excel or LibreOffice
# (OWASP "CSV injection"); tab and carriage return can hide such a start after a split.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_CHARS = tuple(c for c in DANGEROUS_STARTS if not c.isspace())

MAX_COLUMN_WIDTH = 50
MIN_COLUMN_WIDTH = 6
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would read as a formula.

    Only ``str`` values are touched: numbers (negative ones too), dates, booleans and
    missing values are returned as they are. A *text* cell such as ``"-5"`` is still
    neutralised: it came from a string column, so it is a label rather than a quantity,
    and a text cell like ``"-2+3"`` or ``"-1+cmd|..."`` would otherwise be evaluated.
    """
    if not isinstance(value, str) or not value:
        return value
    # lstrip() also catches " =1", "\n@SUM(..)" and the like, which spreadsheets trim
    # before deciding whether a cell is a formula.
    if value.startswith(DANGEROUS_STARTS) or value.lstrip().startswith(_FORMULA_CHARS):
        return "'" + value
    return value


def _neutralise_label(label: Any) -> Any:
    if isinstance(label, tuple):  # a MultiIndex column header
        return tuple(neutralise(part) for part in label)
    return neutralise(label)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its text cells and column headers neutralised."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            # neutralise() is not one-to-one, so categories could collide: go via object.
            out.isetitem(position, column.astype(object).map(neutralise))
        elif pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            # Built as objects: Series.map would turn [None, 3] into floats (3.0).
            cells = [neutralise(value) for value in column]
            out.isetitem(position, pd.Series(cells, index=column.index, dtype=object))
    out.columns = out.columns.map(_neutralise_label)
    return out


def _integral(column: pd.Series) -> bool:
    values = column.dropna()
    return bool(len(values)) and bool((values == values.round()).all())


def _listed(value: Any) -> Any:
    """A list in one cell (a table's sparkline) as its values: "3.1; —; 3.4"."""
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return "; ".join("—" if is_missing(v) else str(v) for v in items)
    return value


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` as a file holds it: a missing value (None, NaN, NaT, pd.NA, or
    "nan" and the like written out as text) is an empty cell, and a float column of whole
    numbers (counts that went through a NaN) holds integers: 690, not 690.0."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        dtype = column.dtype
        if pd.api.types.is_float_dtype(dtype) and _integral(column):
            if column.dropna().abs().max() < 2**53:
                out.isetitem(position, column.astype("Int64"))
        elif pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            cells = [None if is_missing(v) else _listed(v) for v in column.astype(object)]
            out.isetitem(position, pd.Series(cells, index=column.index, dtype=object))
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Comma-separated UTF-8 with a BOM (so Excel reads Cyrillic), without the index;
    a missing value is an empty field."""
    text = safe_frame(plain_values(frame)).to_csv(index=False, sep=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def sheet_name(name: str) -> str:
    """``name`` made acceptable to Excel: no []:*?/\\, no edge apostrophes, 1–31 chars."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("_", str(name))[:31].strip("'").strip()
    if not cleaned or cleaned.lower() == "history":  # "History" is reserved by Excel
        return "data"
    return cleaned


def _only_dates(column: pd.Series) -> bool:
    values = column.dropna()
    return bool((values == values.dt.normalize()).all())


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Flat string headers, timezone-naive datetimes, midnight-only datetimes as dates."""
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):  # pandas cannot write these without an index
        out.columns = [" / ".join(str(part) for part in label) for label in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if isinstance(column.dtype, pd.DatetimeTZDtype):  # Excel has no time zones
            column = column.dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(column.dtype) and _only_dates(column):
            # DuckDB DATE columns arrive as datetime64: write them as plain dates.
            column = pd.Series(
                [None if pd.isna(v) else v.date() for v in column],
                index=column.index,
                dtype=object,
            )
        out.isetitem(position, column)
    return out


def _width(column: pd.Series, header: Any) -> int:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        longest = len("dd.mm.yyyy hh:mm")
    else:
        longest = max((len(str(v)) for v in column if not _is_missing(v)), default=0)
    longest = max(longest, len(str(header)))
    return min(max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like cell
        return False


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """One-sheet XLSX: bold frozen header, fitted column widths, dates as dd.mm.yyyy,
    numbers as numbers and a missing value as an empty cell.

    Besides the apostrophes from safe_frame(), the workbook is opened with
    ``strings_to_formulas=False`` so no text cell can ever be written as a formula.
    """
    data = _excel_ready(safe_frame(plain_values(frame)))
    name = sheet_name(sheet)
    buffer = io.BytesIO()
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        date_format=DATE_FORMAT,
        datetime_format=DATETIME_FORMAT,
        engine_kwargs={"options": options},
    ) as writer:
        data.to_excel(
            writer, sheet_name=name, index=False, header=False, startrow=1, freeze_panes=(1, 0)
        )
        worksheet = writer.sheets[name]
        bold = writer.book.add_format({"bold": True})
        for position, header in enumerate(data.columns):
            worksheet.write(0, position, header, bold)
            width = _width(data.iloc[:, position], header)
            worksheet.set_column(position, position, width)
    return buffer.getvalue()
