"""Readers of csv and xlsx uploads into a grid of raw cell texts keyed by Excel row number."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from posixpath import join, normpath
from xml.etree import ElementTree

import fastexcel
import pandas as pd

from pipelines.problems import FileRejected, Notice
from pipelines.safety import check_file

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


def read_table(file_name: str, data: bytes, sheet: str | None = None) -> RawSheet:
    """Check the file, then read it; raise FileRejected with a reason the user can act on."""
    kind = check_file(file_name, data)
    if kind == "xlsx":
        return read_xlsx(data, sheet)
    return read_csv(data)


# --- csv --------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows Cyrillic (cp1251)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
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
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        grid = pd.DataFrame(rows, dtype=str)
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return RawSheet(grid=grid.replace("", None), sheet=None)


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


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[tuple[str, int, int]]:
    """Merged ranges of a sheet; they sit after the cell data, so only the tail is scanned."""
    try:
        xml = archive.read(part)
    except KeyError:
        return []
    except (zipfile.BadZipFile, zlib.error):
        raise FileRejected("corrupt") from None
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
    try:
        reader = fastexcel.read_excel(data)
        # skip_rows=0 keeps leading blank rows, so position i is Excel row i + 1.
        table = reader.load_sheet(chosen, header_row=None, skip_rows=0, dtypes="string").to_arrow()
    except Exception as exc:  # the Rust reader raises its own error types
        if "empty" in str(exc).casefold():
            raise FileRejected("empty") from None
        raise FileRejected("unreadable", detail=str(exc).splitlines()[0][:200]) from None
    grid = table.to_pandas()
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return RawSheet(grid=grid, sheet=chosen, merged=_merged_ranges(archive, part), notices=notices)
