"""pipelines.safety: files are checked by their real bytes before anything parses them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipelines import readers, safety
from pipelines.problems import FileRejected
from pipelines.readers import read_table
from pipelines.safety import check_file
from sapat.i18n import LANGUAGES, catalog
from tests.xlsx_files import (
    write_csv,
    write_damaged_crc,
    write_table,
    write_understated_bomb,
    write_xlsb_like,
    write_xlsm,
    write_zip_bomb,
)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROGRAMS = [["program_code", "level", "faculty", "status"], ["B-01", "bachelor", "FIT", "active"]]
REJECTION_CODES = (
    "empty",
    "too_large",
    "macros",
    "executable",
    "pdf",
    "encrypted",
    "old_excel",
    "xlsb",
    "not_xlsx",
    "binary",
    "corrupt",
    "zip_bomb",
)


def rejected(file_name: str, data: bytes) -> str:
    with pytest.raises(FileRejected) as info:
        check_file(file_name, data)
    return info.value.code


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_table(tmp_path / "programs.xlsx", PROGRAMS)


# --- files that pass --------------------------------------------------------------------
def test_real_workbook_is_xlsx(workbook: Path) -> None:
    assert check_file(workbook.name, workbook.read_bytes()) == "xlsx"


def test_real_workbook_is_xlsx_whatever_its_name(workbook: Path) -> None:
    # The signature decides, not the extension a user happened to give it.
    assert check_file("programs.csv", workbook.read_bytes()) == "xlsx"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_text_files_are_csv(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "programs.csv", "Код программы;Уровень\nB-01;бакалавр\n", encoding)
    assert check_file(path.name, path.read_bytes()) == "csv"


# --- files that are refused -------------------------------------------------------------
def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert rejected(path.name, path.read_bytes()) == "empty"


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert rejected(path.name, path.read_bytes()) == "empty"


def test_whitespace_only_csv_is_empty(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", "\r\n  \r\n", "utf-8")
    with pytest.raises(FileRejected) as info:
        read_table(path.name, path.read_bytes())
    assert info.value.code == "empty"


def test_too_large(monkeypatch: pytest.MonkeyPatch, workbook: Path) -> None:
    data = workbook.read_bytes()
    monkeypatch.setattr(safety, "MAX_BYTES", len(data) - 1)
    with pytest.raises(FileRejected) as info:
        check_file(workbook.name, data)
    assert info.value.code == "too_large"
    assert set(info.value.params) == {"size_mb", "limit_mb"}


def test_renamed_exe(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"MZ" + b"\x90\x00\x03" + bytes(1021))
    assert rejected(path.name, path.read_bytes()) == "executable"


def test_renamed_elf(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(1017))
    assert rejected(path.name, path.read_bytes()) == "executable"


@pytest.mark.parametrize("name", ["report.pdf", "report.xlsx", "report.csv"])
def test_pdf(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    assert rejected(path.name, path.read_bytes()) == "pdf"


def test_encrypted_workbook(tmp_path: Path) -> None:
    # What Excel writes for a password-protected .xlsx: an OLE2 container holding the
    # stream "EncryptedPackage" (directory entry names are UTF-16-LE).
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE2 + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    assert rejected(path.name, path.read_bytes()) == "encrypted"


@pytest.mark.parametrize("name", ["old.xls", "old.xlsx"])
def test_old_excel(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(OLE2 + bytes(504) + "Workbook".encode("utf-16-le") + bytes(512))
    assert rejected(path.name, path.read_bytes()) == "old_excel"


def test_file_named_xlsm_is_refused(tmp_path: Path) -> None:
    # Even without a VBA project: the name says macros, and so does the user's intent.
    path = write_table(tmp_path / "macros.xlsm", PROGRAMS)
    assert rejected(path.name, path.read_bytes()) == "macros"


@pytest.mark.parametrize("name", ["book.xlsm", "book.xlsx"])
def test_workbook_with_vba_project_is_refused(tmp_path: Path, workbook: Path, name: str) -> None:
    path = write_xlsm(workbook, tmp_path / name)
    with zipfile.ZipFile(path) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()
        assert "xl/workbook.xml" in archive.namelist()
    assert rejected(path.name, path.read_bytes()) == "macros"


def test_xlsb(tmp_path: Path) -> None:
    path = write_xlsb_like(tmp_path / "binary.xlsx")
    assert rejected(path.name, path.read_bytes()) == "xlsb"


def test_plain_zip_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert rejected(path.name, path.read_bytes()) == "not_xlsx"


@pytest.mark.parametrize("name", ["table.xlsx", "table.xls", "table.ods"])
def test_text_named_as_workbook(tmp_path: Path, name: str) -> None:
    path = write_csv(tmp_path / name, "program_code,level\nB-01,bachelor\n", "utf-8")
    with pytest.raises(FileRejected) as info:
        check_file(path.name, path.read_bytes())
    assert info.value.code == "not_xlsx"
    assert info.value.params == {"ext": path.suffix}


def test_binary_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    assert rejected(path.name, path.read_bytes()) == "binary"


def test_truncated_workbook_is_corrupt(workbook: Path) -> None:
    data = workbook.read_bytes()
    assert rejected(workbook.name, data[: len(data) // 2]) == "corrupt"


def test_zip_bomb_is_refused_quickly_without_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_zip_bomb(tmp_path / "bomb.xlsx", megabytes=50)
    data = path.read_bytes()
    assert len(data) < 1024 * 1024  # ~50 MB of zeros deflates to about 50 KB
    with zipfile.ZipFile(path) as archive:
        (entry,) = archive.infolist()
        assert entry.file_size == 50 * 1024 * 1024

    # Nothing may decompress the entry or hand the file to a reader.
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", forbidden)
    monkeypatch.setattr(readers, "read_xlsx", forbidden)
    monkeypatch.setattr(readers.fastexcel, "read_excel", forbidden)
    monkeypatch.setattr(readers.pd, "read_csv", forbidden)
    with pytest.raises(FileRejected) as info:
        read_table(path.name, data)
    assert info.value.code == "zip_bomb"


def test_damaged_sheet_is_corrupt_not_a_traceback(tmp_path: Path, workbook: Path) -> None:
    path = write_damaged_crc(workbook, tmp_path / "damaged.xlsx")
    with pytest.raises(FileRejected) as info:
        read_table(path.name, path.read_bytes())
    assert info.value.code == "corrupt"


def test_zip_bomb_lying_about_its_size_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workbook: Path
) -> None:
    path = write_understated_bomb(workbook, tmp_path / "bomb.xlsx", megabytes=60)
    data = path.read_bytes()
    assert len(data) < 1024 * 1024
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 100 * len(data)

    opened: list[int] = []

    def forbidden(data: bytes, *args: object, **kwargs: object) -> None:
        # read_xlsx turns any reader error into FileRejected("unreadable"), so record the call.
        opened.append(len(data))
        raise RuntimeError("the bomb reached the Excel reader")

    monkeypatch.setattr(readers.fastexcel, "read_excel", forbidden)
    with pytest.raises(FileRejected) as info:
        read_table(path.name, data)
    assert opened == [], "the bomb was handed to fastexcel, which inflates all of it"
    assert info.value.code in ("zip_bomb", "corrupt")


def test_zip_with_too_many_entries_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workbook: Path
) -> None:
    monkeypatch.setattr(safety, "MAX_ZIP_ENTRIES", 5)
    with zipfile.ZipFile(workbook) as archive:
        assert len(archive.infolist()) > 5
    assert rejected(workbook.name, workbook.read_bytes()) == "zip_bomb"


# --- what the user reads ----------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rejection_has_a_message_in_every_language(lang: str) -> None:
    missing = [code for code in REJECTION_CODES if f"file.{code}" not in catalog(lang)]
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rejection_message_is_the_catalog_text(tmp_path: Path, lang: str) -> None:
    path = write_table(tmp_path / "macros.xlsm", PROGRAMS)
    with pytest.raises(FileRejected) as info:
        check_file(path.name, path.read_bytes())
    assert info.value.message(lang) == catalog(lang)["file.macros"]
