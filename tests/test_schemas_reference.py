"""The faculties and institutions datasets: uploads, their rules, and the faculty codes they check."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.ingest import ingest_bytes
from pipelines.loader import RollbackRefused, rollback
from sapat.i18n import catalog, column_label
from tests.conftest import xlsx_bytes
from tests.test_upload import HEADERS, _row

KY, EN = catalog("ky"), catalog("en")
FACULTY_COLUMNS = ["code", "name_ky", "name_ru", "name_en", "short_ky", "short_ru", "short_en"]
FACULTIES = [
    ["MATH", "Математика факультети", "Факультет математики", "Faculty of Mathematics", "Мат.", "Мат.", "Math"],
    ["PED", "Педагогика факультети", "Педагогический факультет", "Faculty of Pedagogy", "Пед.", "Пед.", "Ped."],
]  # fmt: skip


def _ky_header(column: str) -> str:
    return column_label(column, "ky", "faculties")


def _file(*rows: list) -> bytes:
    """Mobility rows with a faculty column."""
    return xlsx_bytes([[*HEADERS, "Faculty"], *rows])


def _mrow(i: int, faculty: str) -> list:
    return [*_row(i), faculty]


def _faculties_file(rows: list[list]) -> bytes:
    return xlsx_bytes([[_ky_header(c) for c in FACULTY_COLUMNS], *rows])


def _load(conn, dataset: str, data: bytes, name: str = "f.xlsx", **kw):
    return ingest_bytes(conn, dataset, name, data, user="editor", lang="en", **kw)


def test_faculties_load_from_kyrgyz_headers(conn):
    report = _load(conn, "faculties", _faculties_file(FACULTIES))
    assert report.loaded, [p.message("en") for p in report.problems]
    rows = conn.execute(
        "SELECT code, name_ky, short_en, active FROM faculties ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("MATH", "Математика факультети", "Math", True),
        ("PED", "Педагогика факультети", "Ped.", True),
    ]


def test_a_bad_faculties_file_is_reported_cell_by_cell(conn):
    rows = [
        FACULTIES[0],
        ["MATH", *FACULTIES[1][1:]],  # duplicate code
        ["ped x", *FACULTIES[1][1:]],  # spaces and lower case
        ["HIST", "", "Исторический", "History", None, None, None],  # empty Kyrgyz name
    ]
    report = _load(conn, "faculties", _faculties_file(rows))
    assert not report.loaded
    found = {(p.row, p.column, p.code) for p in report.problems}
    assert (4, _ky_header("code"), "bad_format") in found
    assert (5, _ky_header("name_ky"), "required") in found
    assert any(code == "duplicate_key" for _, _, code in found)
    assert conn.execute("SELECT count(*) FROM faculties").fetchall() == [(0,)]


INSTITUTIONS_HEADER = "name;aliases;country;is_home;city;peer_group;ror_id\n"


def _institutions_csv(*lines: str) -> bytes:
    """A csv saved by Excel in a Russian Windows: cp1251, semicolons."""
    return (INSTITUTIONS_HEADER + "\n".join(lines) + "\n").encode("cp1251")


def test_institutions_load_from_cp1251_with_aliases_in_one_cell(conn):
    data = _institutions_csv(
        'Kyrgyz National University;"КНУ; Кыргызский национальный университет ";KG;yes;Bishkek;Kyrgyzstan;',
        "Al-Farabi Kazakh National University;КазНУ;Казахстан;no;Almaty;Central Asia;",
    )
    report = _load(conn, "institutions", data, "institutions.csv")
    assert report.loaded, [p.message("en") for p in report.problems]
    rows = conn.execute(
        "SELECT name, aliases, country, is_home, peer_group FROM institutions ORDER BY 1"
    ).fetchall()
    assert rows[1] == (
        "Kyrgyz National University",
        ["КНУ", "Кыргызский национальный университет"],
        "KG",
        True,
        "Kyrgyzstan",
    )
    assert rows[0][3] is False


def test_two_home_institutions_are_refused_naming_the_rows(conn):
    data = _institutions_csv("A;;KG;yes;;;", "B;;KG;yes;;;", "C;;Narnia;no;;;")
    report = _load(conn, "institutions", data, "i.csv")
    assert not report.loaded
    several = [p for p in report.problems if p.code == "several_true"]
    assert [p.row for p in several] == [2, 3]
    assert "A, B" in several[0].message("en")
    assert any(p.code == "unknown_country" and p.row == 4 for p in report.problems)


def test_a_second_home_against_the_warehouse_is_refused(conn):
    assert _load(conn, "institutions", _institutions_csv("A;;KG;yes;;;"), "a.csv").loaded
    report = _load(conn, "institutions", _institutions_csv("B;;KG;yes;;;"), "b.csv")
    assert not report.loaded and "A" in report.problems[0].message("en")
    # Moving the home: the old one says no in the same file.
    report = _load(conn, "institutions", _institutions_csv("A;;KG;no;;;", "B;;KG;yes;;;"), "c.csv")
    assert report.loaded


def test_faculty_codes_are_checked_once_faculties_exist(conn):
    assert _load(conn, "mobility", _file(_mrow(1, "ANY"))).loaded  # no faculties yet
    _load(conn, "faculties", _faculties_file(FACULTIES))
    report = _load(conn, "mobility", _file(_mrow(2, "MATH"), _mrow(3, "MATHS")))
    assert not report.loaded
    (problem,) = report.problems
    assert (problem.row, problem.code) == (3, "unknown_faculty")
    assert "MATH" in problem.message("en")


def test_a_faculty_in_use_cannot_be_undone_away(conn):
    batch = _load(conn, "faculties", _faculties_file(FACULTIES)).result.batch_id
    _load(conn, "mobility", _file(_mrow(1, "MATH"), _mrow(2, "MATH")))
    with pytest.raises(RollbackRefused) as refused:
        rollback(conn, batch, "editor")
    assert refused.value.code == "in_use"
    assert "Academic mobility (2)" in refused.value.reason("en")
    assert conn.execute("SELECT count(*) FROM faculties").fetchall() == [(2,)]


@pytest.mark.parametrize("dataset", ["faculties", "institutions"])
def test_the_reference_editor_and_admin_edit_the_reference_datasets(dataset):
    from sapat import auth

    assert auth.can_edit(("editor:reference",), dataset)
    assert auth.can_edit(("admin",), dataset)
    assert not auth.can_edit(("editor:mobility",), dataset)
    assert isinstance(pd.DataFrame(), pd.DataFrame)
