"""Checks on an uploaded file before any parsing: size, real signature, zip bomb, macros."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import PurePath

from pipelines.problems import FileRejected

MAX_BYTES = int(float(os.environ.get("SAPAT_MAX_UPLOAD_MB", "50")) * 1024 * 1024)
# Real xlsx files compress 5-20×; a bomb compresses thousands of times.
MAX_ZIP_RATIO = 100
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def check_file(file_name: str, data: bytes) -> str:
    """Return ``"xlsx"`` or ``"csv"`` for a file safe to parse; raise FileRejected otherwise."""
    ext = PurePath(file_name).suffix.casefold()
    if not data:
        raise FileRejected("empty")
    if len(data) > MAX_BYTES:
        raise FileRejected(
            "too_large", size_mb=round(len(data) / 2**20, 1), limit_mb=MAX_BYTES // 2**20
        )
    if ext in (".xlsm", ".xltm", ".xlam"):
        raise FileRejected("macros")
    head = data[:8]
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise FileRejected("executable")
    if head.startswith(b"%PDF"):
        raise FileRejected("pdf")
    if head.startswith(_OLE2):
        # Password-protected xlsx files are OLE2 containers holding an EncryptedPackage.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRejected("encrypted")
        raise FileRejected("old_excel")
    if head.startswith(_ZIP):
        _check_zip(data)
        return "xlsx"
    if ext in (".xlsx", ".xls", ".ods"):
        raise FileRejected("not_xlsx", ext=ext)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("binary")
    return "csv"


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRejected("corrupt") from None
    names = {i.filename for i in infos}
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRejected("zip_bomb")
    limit = min(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO * len(data))
    if sum(i.file_size for i in infos) > limit:
        raise FileRejected("zip_bomb")
    # The sizes above are what the archive claims; inflate with a cap to know for sure.
    inflated = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    inflated += len(chunk)
                    if inflated > limit:
                        raise FileRejected("zip_bomb")
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise FileRejected("corrupt") from None
    if any(n.casefold().endswith("vbaproject.bin") for n in names):
        raise FileRejected("macros")
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise FileRejected("xlsb")
        raise FileRejected("not_xlsx", ext=".zip")
