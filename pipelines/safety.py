"""Checks on an uploaded file before any parsing: size, real signature, zip bomb, macros.

A workbook is a zip, and a zip's headers are written by whoever made the file: the sizes
they declare can lie. So every entry is inflated here, in small pieces, counting the bytes
that really come out and stopping at a cap, before any reader (which trusts the headers
or inflates everything) sees the file.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import PurePath

from pipelines.problems import FileRejected

MAX_BYTES = int(float(os.environ.get("SAPAT_MAX_UPLOAD_MB", "50")) * 1024 * 1024)
# Real xlsx files compress 5-20×; a bomb compresses thousands of times.
MAX_ZIP_RATIO = 100
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
# Inflation works on 64 KB of input at a time and never asks zlib for more than 1 MB of
# output at once: one piece of a bomb inflates a thousandfold, so both ends are bounded.
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # the 30 fixed bytes of a zip local header
_ENCRYPTED = 0x1  # general purpose flag bit 0: the entry is encrypted
# What Excel and every spreadsheet writer use. Other methods (deflate64, bzip2, lzma...)
# are refused: readers differ in what they support, and a refusal beats a traceback.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


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
    except (zipfile.BadZipFile, ValueError, struct.error, EOFError, OSError):
        raise FileRejected("corrupt") from None
    names = {i.filename for i in infos}
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRejected("zip_bomb")
    limit = min(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO * len(data))
    if sum(i.file_size for i in infos) > limit:
        raise FileRejected("zip_bomb")
    # The sizes above are what the archive claims; inflate with a cap to know for sure.
    inflated = 0
    view = memoryview(data)
    for info in infos:
        inflated += _inflated_size(view, info, limit - inflated)
    if any(n.casefold().endswith("vbaproject.bin") for n in names):
        raise FileRejected("macros")
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise FileRejected("xlsb")
        raise FileRejected("not_xlsx", ext=".zip")


def _inflated_size(data: memoryview, info: zipfile.ZipInfo, budget: int) -> int:
    """The bytes ``info`` really inflates to, found by inflating it; FileRejected past ``budget``.

    Neither the declared uncompressed size nor the declared compressed size is trusted:
    the deflate stream is followed from the entry's local header to its own end, which is
    what a reader that ignores the headers would inflate. An entry whose real size or
    CRC-32 differs from its headers is damaged (or lying) and refused as corrupt.
    """
    start = info.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        raise FileRejected("corrupt")
    sig, _, flags, method, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack_from(
        data, start
    )
    if sig != _ZIP:
        raise FileRejected("corrupt")
    if (flags | info.flag_bits) & _ENCRYPTED:
        raise FileRejected("encrypted")
    if info.compress_type not in _METHODS or method not in _METHODS:
        raise FileRejected("zip_method", method=max(info.compress_type, method))
    if method != info.compress_type:
        raise FileRejected("corrupt")
    pos = begin = start + _LOCAL_HEADER.size + name_len + extra_len
    if method == zipfile.ZIP_STORED:
        end = pos + info.compress_size
        if end > len(data) or info.compress_size != info.file_size:
            raise FileRejected("corrupt")
        if info.file_size > budget:
            raise FileRejected("zip_bomb")
        if zlib.crc32(data[pos:end]) != info.CRC:
            raise FileRejected("corrupt")
        return info.file_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as zip stores it
    size = crc = 0
    try:
        while not inflater.eof:
            piece: bytes | memoryview = data[pos : pos + _IN_CHUNK]
            if not piece:  # the file ends before the deflate stream does
                raise FileRejected("corrupt")
            pos += len(piece)
            while True:
                out = inflater.decompress(piece, _OUT_CHUNK)
                size += len(out)
                if size > budget:
                    raise FileRejected("zip_bomb")
                crc = zlib.crc32(out, crc)
                piece = inflater.unconsumed_tail
                # A full output buffer may leave output pending even with no input left.
                if inflater.eof or (not piece and len(out) < _OUT_CHUNK):
                    break
    except zlib.error:
        raise FileRejected("corrupt") from None
    # The stream must end where the headers say, hold what they say and check out.
    used = pos - len(inflater.unused_data) - begin
    if size != info.file_size or crc != info.CRC or used != info.compress_size:
        raise FileRejected("corrupt")
    return size
