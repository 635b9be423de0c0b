"""Writers of real spreadsheet files for the ingestion tests.

Every workbook here is written by openpyxl (a real Excel writer), saved to disk under the
test's ``tmp_path`` and read back as bytes, so the pipeline sees exactly what a user's
upload would hold. The hostile files (macro workbook, zip bomb) start from such a workbook
or from ``zipfile``, never from hand-typed bytes that only look like a format.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

Row = Sequence[Any] | None  # None: a blank row, kept so later Excel row numbers stay put


class Text(str):
    """A cell stored as text even when it starts with "=", as QS's "=39" ties are published.

    openpyxl would otherwise store "=39" as a formula without a cached value.
    """


@dataclass
class Sheet:
    """One worksheet: rows written from Excel row ``first_row`` down, in column A onward."""

    title: str
    rows: Sequence[Row] = ()
    first_row: int = 1
    first_col: int = 1
    state: str = "visible"  # "visible", "hidden" or "veryHidden"
    merged: Iterable[str] = field(default_factory=tuple)  # ranges such as "A1:D1"


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` (in order) to ``path`` with openpyxl and return the path."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(spec.title)
        for offset, row in enumerate(spec.rows):
            if row is None:
                continue
            for col_offset, value in enumerate(row):
                if value is not None:
                    cell = ws.cell(spec.first_row + offset, spec.first_col + col_offset, value)
                    if isinstance(value, Text):
                        cell.data_type = "s"
        for ref in spec.merged:
            ws.merge_cells(ref)
        ws.sheet_state = spec.state
    # Excel refuses to open a workbook whose active sheet is hidden.
    visible = [i for i, s in enumerate(sheets) if s.state == "visible"]
    if visible:
        book.active = visible[0]
    book.save(path)
    return path


def write_table(
    path: Path,
    rows: Sequence[Row],
    *,
    title: str = "Sheet1",
    first_row: int = 1,
    merged: Iterable[str] = (),
) -> Path:
    """A one-sheet workbook holding ``rows`` from Excel row ``first_row``."""
    return write_workbook(path, [Sheet(title, rows, first_row=first_row, merged=merged)])


def write_xlsm(source: Path, path: Path) -> Path:
    """Copy the workbook zip ``source`` to ``path`` and add a VBA project, as Excel does."""
    shutil.copyfile(source, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        # An OLE2 compound file is what Excel stores there; its content is never run.
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def write_xlsb_like(path: Path) -> Path:
    """A zip laid out like a binary workbook (.xlsb): ``xl/workbook.bin``, no workbook.xml."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", bytes(64))
    return path


def write_zip_bomb(path: Path, megabytes: int = 50) -> Path:
    """A zip with one entry of ``megabytes`` MB of zeros, streamed so memory stays small."""
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(chunk)
    return path


def with_prefixed_sheet_xml(source: Path, path: Path) -> Path:
    """Rewrite every worksheet part with an ``x:`` namespace prefix on each element.

    Same workbook, same meaning: this is how writers built on the .NET OpenXML SDK spell
    the SpreadsheetML namespace (``<x:sheetData>``, ``<x:mergeCell ref=...>``).
    """
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = content.decode("utf-8").replace('xmlns="', 'xmlns:x="', 1)
                text = re.sub(r"<(/?)([A-Za-z]+)(?=[\s/>])", r"<\1x:\2", text)
                content = text.encode("utf-8")
            zout.writestr(info, content)
    return path


def write_csv(path: Path, text: str, encoding: str) -> Path:
    """``text`` encoded as a user's tool would save it (``utf-8-sig``, ``cp1251``, ...)."""
    path.write_bytes(text.encode(encoding))
    return path


def _patch_entry_headers(
    data: bytearray, name: str, offset_local: int, offset_central: int, value: int
) -> None:
    """Overwrite one little-endian 4-byte field of ``name``'s local and central headers."""
    encoded = name.encode("utf-8")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name).header_offset
    data[local + offset_local : local + offset_local + 4] = struct.pack("<I", value)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        length = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + length] == encoded:
            data[pos + offset_central : pos + offset_central + 4] = struct.pack("<I", value)
        pos = data.find(b"PK\x01\x02", pos + 4)


SHEET1 = "xl/worksheets/sheet1.xml"


def write_damaged_crc(source: Path, path: Path) -> Path:
    """The workbook with a wrong CRC-32 recorded for its first sheet, as a damaged download."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        crc = archive.getinfo(SHEET1).CRC
    _patch_entry_headers(data, SHEET1, 14, 16, crc ^ 0xFFFF)
    path.write_bytes(bytes(data))
    return path


def write_understated_bomb(source: Path, path: Path, megabytes: int = 60) -> Path:
    """The workbook with ``megabytes`` MB of XML whitespace in its first sheet, while the zip
    headers declare the sheet's original small size: a bomb that lies about its size."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == SHEET1:
                declared = len(content)
                pad = b" " * (megabytes * 1024 * 1024)
                content = content.replace(b"<sheetData>", b"<sheetData>" + pad, 1)
            zout.writestr(info.filename, content)
    data = bytearray(path.read_bytes())
    _patch_entry_headers(data, SHEET1, 22, 24, declared)
    path.write_bytes(bytes(data))
    return path
