"""The deck as PDF through headless LibreOffice, and page previews through poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_TIMEOUT = 120  # seconds for LibreOffice to convert one deck
PREVIEW_TIMEOUT = 60


class PdfUnavailable(RuntimeError):
    """LibreOffice (or poppler-utils) is not installed on this machine."""


class PdfFailed(RuntimeError):
    """The conversion ran but produced no PDF (crash, timeout, unreadable input)."""


def soffice_path() -> str | None:
    """LibreOffice's command line program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PdfUnavailable(f"{name} is not installed (apt-get install poppler-utils)")
    return path


def _run(command: list[str], timeout: int, name: str) -> subprocess.CompletedProcess:
    """``command`` run to its end, its output captured; PdfFailed when it takes too long."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise PdfFailed(f"{name} took longer than {timeout} s") from error


def to_pdf(pptx: bytes) -> bytes:
    """``pptx`` converted to PDF by ``soffice --headless``, one page per slide.

    Every call gets its own LibreOffice profile in a temporary directory, so conversions
    running side by side do not fight over one profile's lock.
    """
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            "LibreOffice is not installed: apt-get install libreoffice-impress to export PDF"
        )
    with tempfile.TemporaryDirectory(prefix="sapat-pdf-") as tmp:
        work = Path(tmp)
        source = work / "deck.pptx"
        source.write_bytes(pptx)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ]
        result = _run(command, CONVERT_TIMEOUT, "LibreOffice")
        pdf = out / "deck.pdf"
        if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip()[-500:]
            raise PdfFailed(
                f"LibreOffice could not convert the deck (exit {result.returncode}): {detail}"
            )
        return pdf.read_bytes()


def page_count(pdf: bytes) -> int:
    """Number of pages of ``pdf``, from ``pdfinfo``."""
    with tempfile.TemporaryDirectory(prefix="sapat-pdfinfo-") as tmp:
        path = Path(tmp) / "deck.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [_tool("pdfinfo"), str(path)],
            capture_output=True,
            text=True,
            timeout=PREVIEW_TIMEOUT,
            check=False,
        )
    match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    if result.returncode != 0 or match is None:
        raise PdfFailed(f"pdfinfo could not read the PDF: {result.stderr.strip()[-300:]}")
    return int(match.group(1))


def page_png(pdf: bytes, page: int = 1, dpi: int = 60) -> bytes:
    """Page ``page`` (from 1) of ``pdf`` as a PNG at ``dpi``, by ``pdftoppm``."""
    with tempfile.TemporaryDirectory(prefix="sapat-pdfpng-") as tmp:
        work = Path(tmp)
        (work / "deck.pdf").write_bytes(pdf)
        command = [
            _tool("pdftoppm"),
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(work / "deck.pdf"),
            str(work / "page"),
        ]
        result = _run(command, PREVIEW_TIMEOUT, "pdftoppm")
        png = work / "page.png"
        if result.returncode != 0 or not png.is_file():
            raise PdfFailed(f"pdftoppm could not draw page {page}: {result.stderr.strip()[-300:]}")
        return png.read_bytes()


def first_page_png(pdf: bytes, dpi: int = 60) -> bytes:
    """The first page of ``pdf`` as a PNG, for a preview."""
    return page_png(pdf, 1, dpi)
