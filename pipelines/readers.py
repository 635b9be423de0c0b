"""Readers of csv and xlsx uploads into a grid of raw cell texts keyed by Excel row number.

Whatever goes wrong while reading is a refusal with a reason (FileRejected), never a
traceback. A workbook cell that holds no value although it looks filled (an Excel error,
a formula never computed) is put in the grid as a CellFault, which parsing reports.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from posixpath import join, normpath
from xml.etree import ElementTree

import fastexcel
import pandas as pd

from pipelines.parsing import EXCEL_ERRORS, CellFault
from pipelines.problems import FileRejected, Notice
from pipelines.safety import check_file

log = logging.getLogger("sapat")

# The template's own hidden sheet of drop-down lists is not worth a notice.
LISTS_SHEET = "_lists"
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


@dataclass
class RawSheet:
    """Every cell of one sheet as text (or None); the index is the Excel row number."""

    grid: pd.DataFrame
    sheet: str | None
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # (range, first, last row)
    notices: list[Notice] = field(default_factory=list)
    # CSV rows whose field count differs from the header's: row → (fields, header's fields).
    shifted: dict[int, tuple[int, int]] = field(default_factory=dict)


def read_table(file_name: str, data: bytes, sheet: str | None = None) -> RawSheet:
    """Check the file, then read it; raise FileRejected with a reason the user can act on."""
    try:
        kind = check_file(file_name, data)
        if kind == "xlsx":
            return read_xlsx(data, sheet)
        return read_csv(data)
    except FileRejected:
        raise
    except Exception as exc:
        # Readers (the Rust one, pandas, the csv module, zipfile) fail in ways no list
        # foresees; the user gets a refusal naming the reason, the log gets the traceback.
        log.warning("reading %s failed", file_name, exc_info=True)
        raise FileRejected("read_failed", detail=short_reason(exc)) from None


def short_reason(exc: BaseException) -> str:
    """The first line of an exception's message (or its type), at most 200 characters."""
    lines = str(exc).strip().splitlines()
    return (lines[0].strip() if lines else "")[:200] or type(exc).__name__


# --- csv --------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows Cyrillic (cp1251)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            # An odd byte count or a broken surrogate: the file was cut short or damaged.
            raise FileRejected("bad_encoding", encoding="UTF-16") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        # Neither encoding reads it whole: usually UTF-8 with a line pasted from cp1251.
        raise FileRejected("mixed_encoding") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that splits the first lines most consistently."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sum(ln.count(d) for ln in lines) for d in (",", ";", "\t")}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv(data: bytes) -> RawSheet:
    text = decode(data)
    if not text.strip():
        raise FileRejected("empty")
    delimiter = sniff_delimiter(text)
    # Title rows above the header have fewer fields; give pandas the widest row up front.
    head = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:200])), delimiter=delimiter))
    width = max((len(r) for r in head), default=1)
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str,
            # Only an empty field is missing ("NA", "null"... stay text for the parsers);
            # marking it while parsing costs nothing, a replace() after it costs a pass
            # per column (seconds for a file 16,000 columns wide).
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        grid = pd.DataFrame(rows, dtype=str).replace("", None)
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    shifted = shifted_rows(text, delimiter, len(grid))
    return RawSheet(grid=_fault_rows(grid, shifted), sheet=None, shifted=shifted)


def shifted_rows(text: str, delimiter: str, records: int) -> dict[int, tuple[int, int]]:
    """Rows (numbered from 1) whose field count differs from the header's: {row: (fields, header's)}.

    An unquoted comma inside a name ("Trinity College, Dublin") adds a field and moves every
    later value one column right: the country becomes "Dublin". The header is the first row
    of the most common width (title rows above it are narrower and left alone); a blank row
    is not shifted. A wider row is shifted even when its last field is empty: a shift in the
    middle of a row whose last column is blank looks just like a trailing delimiter.
    """
    widths, filled = [], []
    for fields in csv.reader(io.StringIO(text), delimiter=delimiter):
        widths.append(len(fields))
        filled.append(any(fields))  # a row of empty fields is blank, whatever its width
    if len(widths) != records:
        return {}  # the two readers split records differently: row numbers would not match
    counts = Counter(w for w, full in zip(widths, filled, strict=True) if full)
    if len(counts) < 2:
        return {}
    expected = counts.most_common(1)[0][0]
    header = next(i for i, w in enumerate(widths) if w == expected and filled[i])
    return {
        i + 1: (w, expected)
        for i, w in enumerate(widths)
        if i > header and w != expected and filled[i]
    }


def _fault_rows(grid: pd.DataFrame, shifted: dict[int, tuple[int, int]]) -> pd.DataFrame:
    """Every filled cell of a shifted row becomes a CellFault: parsing reports it, so the row
    is never loaded with its values under the wrong columns, in any dataset."""
    if not shifted:
        return grid
    grid = grid.astype(object)
    for row in shifted:
        grid.loc[row] = [
            v if v is None or v != v or not str(v).strip() else CellFault(str(v), "field_count")
            for v in grid.loc[row]
        ]
    return grid


# --- xlsx -------------------------------------------------------------------------------
def _workbook_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(name, state, part path) of each sheet, from the workbook's own XML."""
    wb = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels_xml = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels_xml.findall("rel:Relationship", _NS)}
    out = []
    for s in wb.findall("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        out.append((s.get("name", ""), s.get("state", "visible"), part))
    return out


# Some writers (the .NET OpenXML SDK) prefix every element: <x:mergeCell>.
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _sheet_xml(archive: zipfile.ZipFile, part: str) -> bytes:
    """The sheet part's XML (b"" when the part is missing); check_file already capped its size."""
    try:
        return archive.read(part)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, zlib.error):
        raise FileRejected("corrupt") from None


def _merged_ranges(xml: bytes) -> list[tuple[str, int, int]]:
    """Merged ranges of a sheet; they sit after the cell data, so only the tail is scanned."""
    # The last "sheetData>" is the closing tag, prefixed or not; merged ranges follow it.
    tail = xml[max(xml.rfind(b"sheetData>"), 0) :]
    ranges = []
    for m in _MERGE.finditer(tail):
        first = int(m[2])
        last = int(m[4]) if m[4] else first
        ref = f"{m[1].decode()}{m[2].decode()}" + (
            f":{m[3].decode()}{m[4].decode()}" if m[3] else ""
        )
        ranges.append((ref, first, last))
    return ranges


# --- cells that hold no value -----------------------------------------------------------
# fastexcel (calamine) reads an error cell as empty (telling so only in its CellErrors),
# fails the whole sheet on an error it does not know (#SPILL!, #CALC!...), and reads a
# formula without a stored result as empty: blanks that would overwrite good values. The
# sheet XML says what they are: an error cell has t="e"; a formula has <f>, and its last
# computed result is in <v>, which programs that cannot compute (openpyxl) leave out or
# empty. Such cells are rare, so the XML is only parsed for them when the reader reported
# an error cell or a quick search finds a formula tag (0.1 s for a 100,000-row sheet).
Fault = tuple[int, int, CellFault]  # (Excel row, column index from 0 = A, the fault)
_CALAMINE_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}
_ERROR_HINTS = (b't="e"', b"t='e'")
# <f>, <f t="shared"...>, </f>, <x:f>: an "f" after "<" or ":" and before a space, > or /.
# Both patterns start at the "f", rare in sheet XML, which the regex engine skips to fast
# (a pattern starting at "<" tries every tag: ten times slower).
_FORMULA_HINT = re.compile(rb"f(?<=[<:]f)[\s>/]")
# A formula element followed by the end of its cell or by an empty value: no result.
_NO_VALUE_FORMULA = re.compile(
    rb"f(?<=[<:]f)(?=[\s>/])[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)\s*"
    rb"(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v\b[^>]*>\s*</(?:\w+:)?v>)"
)
_CELL_START = re.compile(rb"<(?:\w+:)?c\b")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_REF = re.compile(rb"\br\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d+)[\"']")
_REF_TEXT = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_TYPE = re.compile(rb"\bt\s*=\s*[\"'](\w+)[\"']")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _xml_text(raw: bytes | None) -> str:
    text = (raw or b"").decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text


def _error_fault(value: str | None) -> CellFault:
    text = (value or "").strip()
    if not text:  # an error cell that does not say which error (Excel always does)
        return CellFault("#?", "excel_error")
    return CellFault(text, EXCEL_ERRORS.get(text.upper(), "excel_error"))


def _formula_fault(formula: str | None) -> CellFault:
    # The formula is what the user finds in that cell; a shared formula's other cells
    # carry no text of their own.
    text = "=" + formula.strip() if formula and formula.strip() else "=…"
    return CellFault(text, "formula_no_value")


def _error_cells(xml: bytes) -> list[tuple[bytes, re.Match[bytes] | None]]:
    """(start tag, its <v> match or None) of every error cell (t="e"), found from the
    attribute: there is one search through the XML, and the rest is per error cell."""
    cells = []
    for needle in _ERROR_HINTS:
        at = xml.find(needle)
        while at != -1:
            start = xml.rfind(b"<", 0, at)
            tag_end = xml.find(b">", at)
            if start != -1 and tag_end != -1 and _CELL_START.match(xml, start):
                tag = xml[start : tag_end + 1]
                end = None if tag.endswith(b"/>") else _CELL_END.search(xml, tag_end)
                stop = end.end() if end else tag_end + 1
                cells.append((tag, _VALUE.search(xml, tag_end, stop)))
            at = xml.find(needle, at + len(needle))
    return cells


def _cell_faults(xml: bytes, formulas: bool = True) -> list[Fault]:
    """Error cells (and, unless told there are none, formulas without a computed value)."""
    found: list[tuple[bytes, CellFault]] = []
    for tag, value in _error_cells(xml):
        found.append((tag, _error_fault(_xml_text(value[1]) if value else None)))
    for m in _NO_VALUE_FORMULA.finditer(xml) if formulas else ():
        # The formula is the cell's first child: its start tag is the tag before.
        f_start = xml.rfind(b"<", 0, m.start())
        start = xml.rfind(b"<", 0, f_start)
        tag = xml[start:f_start]
        if not _CELL_START.match(tag):
            continue
        kind = _TYPE.search(tag)
        kind_name = kind[1] if kind else b"n"
        if kind_name == b"e":
            continue  # an error cell, found above
        if kind_name in (b"str", b"inlineStr") and not m[0].endswith(b"c>"):
            continue  # <v></v> of a text formula: it computed an empty text
        found.append((tag, _formula_fault(_xml_text(m[1]))))
    faults: list[Fault] = []
    for tag, fault in found:
        ref = _REF.search(tag)
        if ref is None:  # r="..." is optional: walk the sheet to count positions
            return _walk_faults(xml)
        faults.append((int(ref[2]), _column_index(ref[1].decode()), fault))
    return faults


def _walk_faults(xml: bytes) -> list[Fault]:
    """_cell_faults for sheets whose cells do not all give their reference (slower, rare)."""
    faults: list[Fault] = []
    row, col = 0, -1
    try:
        for event, el in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                ref = el.get("r")
                if tag == "row":
                    row, col = int(ref) if ref else row + 1, -1
                elif tag == "c":
                    m = _REF_TEXT.fullmatch(ref or "")
                    row, col = (int(m[2]), _column_index(m[1])) if m else (row, col + 1)
                continue
            if tag == "c":
                kids = {k.tag.rsplit("}", 1)[-1]: k for k in el}
                kind = el.get("t", "n")
                value = kids["v"].text if "v" in kids else None
                if kind == "e":
                    faults.append((row, col, _error_fault(value)))
                elif (
                    "f" in kids
                    and not (value or "").strip()
                    and not (kind in ("str", "inlineStr") and "v" in kids)
                ):
                    faults.append((row, col, _formula_fault(kids["f"].text)))
                el.clear()
            elif tag == "row":
                el.clear()
    except (ElementTree.ParseError, ValueError):
        raise FileRejected("corrupt") from None
    return faults


def _calamine_safe(data: bytes, archive: zipfile.ZipFile, part: str, xml: bytes) -> bytes:
    """The workbook with error values calamine does not know rewritten as #N/A.

    Calamine refuses a whole sheet for one #SPILL!; the cell is reported from the XML
    anyway, so what calamine reads there does not matter. Rare: only then is the zip rebuilt.
    """
    pieces, done = [], 0
    for _, value in sorted(_error_cells(xml), key=lambda c: c[1].start() if c[1] else -1):
        if value is None or value[1].decode(errors="replace") in _CALAMINE_ERRORS:
            continue
        pieces += [xml[done : value.start(1)], b"#N/A"]
        done = value.end(1)
    patched = b"".join([*pieces, xml[done:]])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as rebuilt:
        for info in archive.infolist():
            rebuilt.writestr(info, patched if info.filename == part else archive.read(info))
    return out.getvalue()


def _load_sheet(data: bytes, name: str) -> tuple[pd.DataFrame, int, bool]:
    """The sheet as a grid of texts, the sheet column of its first column, and whether the
    reader met an Excel error cell (which it leaves empty)."""
    reader = fastexcel.read_excel(data)
    # skip_rows=0 keeps leading blank rows, so position i is Excel row i + 1.
    loaded = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    table, cell_errors = loaded.to_arrow_with_errors()
    columns = loaded.selected_columns
    # Besides Excel errors ("Error(Div0)"), CellErrors lists values it could not convert.
    errors = cell_errors is not None and any("Error(" in e.detail for e in cell_errors.errors)
    return table.to_pandas(), columns[0].absolute_index if columns else 0, errors


def _place_faults(grid: pd.DataFrame, faults: list[Fault], first_col: int) -> pd.DataFrame:
    """Put each fault in its cell of ``grid`` (whose column 0 is sheet column ``first_col``).

    A formula without a value may lie outside what the reader saw as the sheet's range
    (it read the cell as empty), so the grid grows to hold every fault.
    """
    if not faults:
        return grid
    if grid.shape[1] == 0:
        first_col = min(c for _, c, _ in faults)
    start = min(first_col, *(c for _, c, _ in faults))
    width = max(first_col - start + grid.shape[1], *(c - start + 1 for _, c, _ in faults))
    height = max(len(grid), *(r for r, _, _ in faults))
    grid.columns = [pos + first_col - start for pos in grid.columns]
    grid = grid.reindex(index=pd.RangeIndex(1, height + 1), columns=range(width))
    by_column: dict[int, list[tuple[int, CellFault]]] = {}
    for row, col, fault in faults:
        by_column.setdefault(col - start, []).append((row, fault))
    for pos, cells in by_column.items():
        # Only an object column holds a CellFault as itself (and parsing scans only those).
        column = grid[pos].astype(object)
        values = column.where(column.notna(), None).to_numpy(dtype=object, copy=True)
        for row, fault in cells:
            values[row - 1] = fault  # the index is the Excel row, from 1
        grid[pos] = pd.Series(values, index=grid.index, dtype=object)
    return grid


def visible_sheets(file_name: str, data: bytes) -> list[str]:
    """The visible sheets of a workbook, in order ([] for a csv or an unreadable file)."""
    if not file_name.lower().endswith((".xlsx", ".xlsm")) or not data.startswith(b"PK"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [name for name, state, _ in _workbook_sheets(archive) if state == "visible"]
    except Exception:  # noqa: BLE001 - read_table refuses such a file with its reason
        return []


def read_xlsx(data: bytes, sheet: str | None = None) -> RawSheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = _workbook_sheets(archive)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        raise FileRejected("corrupt") from None
    visible = [name for name, state, _ in sheets if state == "visible"]
    hidden = [name for name, state, _ in sheets if state != "visible" and name != LISTS_SHEET]
    notices = [Notice("hidden_sheets", {"sheets": ", ".join(hidden)})] if hidden else []
    if sheet is None:
        if not visible:
            raise FileRejected("no_visible_sheet")
        chosen = visible[0]
        if len(visible) > 1:
            notices.append(
                Notice("first_sheet_used", {"sheet": chosen, "others": ", ".join(visible[1:])})
            )
    else:
        names = {name: state for name, state, _ in sheets}
        if sheet not in names:
            raise FileRejected("no_such_sheet", sheet=sheet, sheets=", ".join(visible))
        if names[sheet] != "visible":
            raise FileRejected("sheet_hidden", sheet=sheet)
        chosen = sheet
    part = next(p for name, _, p in sheets if name == chosen)
    xml = _sheet_xml(archive, part)
    deep = _FORMULA_HINT.search(xml) is not None  # a formula may lack its value
    try:
        try:
            grid, first_col, errors = _load_sheet(data, chosen)
        except Exception as exc:
            if "error value" not in str(exc):  # calamine: "Unsupported cell error value"
                raise
            grid, first_col, errors = _load_sheet(_calamine_safe(data, archive, part, xml), chosen)
    except Exception as exc:  # the Rust reader raises its own error types
        if "empty" not in str(exc).casefold():
            raise FileRejected("unreadable", detail=short_reason(exc)) from None
        grid, first_col, errors = None, 0, False
    faults = _cell_faults(xml, formulas=deep) if deep or errors else []
    if grid is None:
        if not faults:
            raise FileRejected("empty") from None
        grid = pd.DataFrame()  # nothing but formulas never computed: say so, not "empty"
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    grid = _place_faults(grid, faults, first_col)
    return RawSheet(grid=grid, sheet=chosen, merged=_merged_ranges(xml), notices=notices)
