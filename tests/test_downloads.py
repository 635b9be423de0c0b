"""Every table on every page comes with its xlsx and csv downloads, and the files are safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from sapat.downloads import file_stem
from sapat.export import sheet_name, to_csv_bytes, to_xlsx_bytes
from sapat.i18n import LANGUAGES, catalog
from sapat.queries import mobility as mq
from tests.conftest import app_test

EN = catalog("en")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the pages --------------------------------------------------------------------------


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, str, Callable]]:
    """Every lazily built download registered during a test: file id → (name, mime, builder).

    A deferred download button's proto holds only the file id; its file name and the
    function that builds the bytes stay with the runtime's media file manager.
    """
    files: dict[str, tuple[str, str, Callable]] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        files[file_id] = (file_name, mimetype, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return files


def open_page(page: str, lang: str = "en", state: dict | None = None) -> AppTest:
    at = app_test(lang=lang)
    at.run()
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _walk(node: Any) -> Iterator[Any]:
    """The page's elements in the order they are drawn."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def tables_with_buttons(at: AppTest) -> list[tuple[Any, list[Any]]]:
    """Each table (st.dataframe or st.table) with the download buttons drawn after it."""
    out: list[tuple[Any, list[Any]]] = []
    for node in _walk(at._tree):
        kind = getattr(node, "type", None)
        if kind in ("dataframe", "table"):
            out.append((node, []))
        elif kind == "download_button":
            assert out, "a download button before any table"
            out[-1][1].append(node)
    return out


def shown_headers(element: Any) -> list[str]:
    """The column headers a user reads; st.table also shows a named index as a column."""
    frame = element.value
    headers = [str(c) for c in frame.columns]
    if element.type == "table" and frame.index.name is not None:
        headers.insert(0, str(frame.index.name))
    return headers


def check_downloads(
    at: AppTest,
    deferred: dict[str, tuple[str, str, Callable]],
    names: list[str],
    lang: str = "en",
) -> None:
    """Every table is followed by its Excel and CSV buttons, named ``names`` in order,
    and both files hold the table's headers and rows."""
    words = catalog(lang)
    found = tables_with_buttons(at)
    buttons = at.get("download_button")
    assert len(found) == len(at.dataframe) + len(at.table) == len(names)
    assert len(buttons) == 2 * len(names)
    for (element, pair), name in zip(found, names, strict=True):
        assert [b.proto.label for b in pair] == [
            words["ui.download_xlsx"],
            words["ui.download_csv"],
        ]
        stem = file_stem(name)
        xlsx_name, xlsx_mime, build_xlsx = deferred[pair[0].proto.deferred_file_id]
        csv_name, csv_mime, build_csv = deferred[pair[1].proto.deferred_file_id]
        assert (xlsx_name, csv_name) == (f"{stem}.xlsx", f"{stem}.csv")
        assert (xlsx_mime, csv_mime) == (XLSX_MIME, "text/csv")

        headers, rows = shown_headers(element), len(element.value)
        book = openpyxl.load_workbook(io.BytesIO(build_xlsx()))
        assert book.sheetnames == [sheet_name(name)]
        sheet = book.active
        assert [str(c.value) for c in sheet[1]] == headers
        assert sheet.max_row == rows + 1
        lines = list(csv.reader(io.StringIO(build_csv().decode("utf-8-sig"), newline="")))
        assert lines[0] == headers
        assert len(lines) == rows + 1


def ranking_short(at: AppTest) -> str:
    return EN[f"ranking_short.{at.selectbox(key='ranking').value}"]


def test_overview_has_no_tables(demo_db, env_db, deferred):
    env_db(demo_db)
    at = open_page("pages/overview.py")
    check_downloads(at, deferred, [])


def test_kpi_scorecard_downloads(demo_db, env_db, deferred):
    env_db(demo_db)
    at = open_page("pages/kpis.py")
    year = at.selectbox(key="kpi_year").value
    names = [EN["download.kpi_scorecard"].format(year=year)]
    check_downloads(at, deferred, [*names, EN["scorecard.download"].format(year=year)])


@pytest.mark.parametrize(
    ("tab", "keys"),
    [
        ("position", ["download.ranking_editions"]),
        ("indicators", ["download.ranking_indicators"]),
        ("peers", ["download.ranking_peers", "download.ranking_peer_scores"]),
        ("whatif", []),
    ],
)
def test_rankings_tables_download(demo_db, env_db, deferred, tab, keys):
    env_db(demo_db)
    at = open_page("pages/rankings.py", state={"ranking_tab": EN[f"ui.tab_{tab}"]})
    short = ranking_short(at)
    check_downloads(at, deferred, [EN[k].format(ranking=short) for k in keys])


def test_rankings_agency_table_downloads(demo_db, env_db, deferred):
    env_db(demo_db)
    at = open_page("pages/rankings.py", state={"ranking_tab": EN["ui.tab_agency"]})
    year = at.selectbox(key="agency_year").value
    check_downloads(at, deferred, [EN["download.ranking_agency"].format(year=year)])


@pytest.mark.parametrize(
    ("tab", "keys"),
    [
        ("trends", []),
        ("countries", ["download.mobility_countries"]),
        ("credits", []),
        ("ratios", ["download.mobility_ratios"]),
    ],
)
def test_mobility_tables_download(demo_db, env_db, deferred, tab, keys):
    env_db(demo_db)
    at = open_page("pages/mobility.py", state={"mobility_tab": EN[f"ui.mobility_tab_{tab}"]})
    check_downloads(at, deferred, [EN[k] for k in keys])


def test_mobility_rule_flags_download_one_table_per_raised_flag(demo_db, env_db, deferred):
    env_db(demo_db)
    at = open_page("pages/mobility.py", state={"mobility_tab": EN["ui.mobility_tab_flags"]})
    conn = duckdb.connect(str(demo_db))
    years = mq.options(conn)["years"]
    flags = mq.rule_flags(conn, mq.MobilityFilter(years=tuple(years)), dt.date.today())
    conn.close()
    raised = [r.flag for r in flags.itertuples() if r.count]
    assert raised, "the demo data raises no flag"
    check_downloads(at, deferred, [EN[f"download.mobility_flag_{flag}"] for flag in raised])


@pytest.mark.parametrize(
    ("tab", "keys"),
    [
        ("register", ["download.agreements_register"]),
        ("expiring", ["download.agreements_expiring"]),
        ("map", []),
        (
            "use",
            [
                "download.agreements_dormant",
                "download.agreements_without",
                "download.agreements_unmatched",
            ],
        ),
    ],
)
def test_agreements_tables_download(demo_db, env_db, deferred, tab, keys):
    env_db(demo_db)
    at = open_page("pages/agreements.py", state={"agreements_tab": EN[f"ui.agreements_tab_{tab}"]})
    check_downloads(at, deferred, [EN[k] for k in keys])


@pytest.mark.parametrize(
    ("tab", "keys"),
    [
        ("coverage", []),
        ("watch", ["download.accreditation_watch"]),
        ("timeline", []),
        ("agencies", ["download.accreditation_agencies"]),
        ("missing", ["download.accreditation_missing"]),
        ("actions", ["download.accreditation_actions"]),
    ],
)
def test_accreditation_tables_download(demo_db, env_db, deferred, tab, keys):
    env_db(demo_db)
    at = open_page(
        "pages/accreditation.py", state={"accreditation_tab": EN[f"ui.accreditation_tab_{tab}"]}
    )
    check_downloads(at, deferred, [EN[k] for k in keys])


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_downloads_are_named_in_the_users_language(demo_db, env_db, deferred, lang):
    env_db(demo_db)
    words = catalog(lang)
    at = open_page("pages/agreements.py", lang=lang)
    check_downloads(at, deferred, [words["download.agreements_register"]], lang=lang)
    at = open_page("pages/rankings.py", lang=lang, state={"ranking_tab": words["ui.tab_position"]})
    short = words[f"ranking_short.{at.selectbox(key='ranking').value}"]
    check_downloads(
        at, deferred, [words["download.ranking_editions"].format(ranking=short)], lang=lang
    )


def test_download_names_fit_a_sheet_name_in_every_language():
    """A name is also the xlsx sheet's name: at most 31 characters, nothing Excel refuses."""
    for lang in LANGUAGES:
        words = catalog(lang)
        longest = max((v for k, v in words.items() if k.startswith("ranking_short.")), key=len)
        names = {k: v for k, v in words.items() if k.startswith("download.")}
        assert names
        for key, text in names.items():
            name = text.format(ranking=longest, year=2026)
            assert len(name) <= 31, (lang, key, name)
            assert sheet_name(name) == name, (lang, key, name)
            assert file_stem(name), (lang, key)


# --- file names and formula injection ---------------------------------------------------


def test_file_stem():
    assert file_stem("Agreements register") == "Agreements_register"
    assert file_stem("Келишимдердин реестри") == "Келишимдердин_реестри"
    assert file_stem("Доли обмена (QS)") == "Доли_обмена_QS"
    assert file_stem("Master's semester") == "Master_s_semester"
    assert file_stem("QS WUR: 2025/26") == "QS_WUR_2025_26"
    assert file_stem("KPI v1.2-final") == "KPI_v1.2-final"
    traversal = file_stem("../../etc/passwd\\x")
    assert "/" not in traversal and "\\" not in traversal
    assert file_stem("a\r\nb\tc") == "a_b_c"
    assert file_stem("") == file_stem("  ") == file_stem("///") == "table"
    assert len(file_stem("x" * 200)) == 80


DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1", "-1+2", "@SUM(A1)", "\tX", "\rY"]


def dangerous_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "=cmd|' /C calc'!A0": DANGEROUS,
            "number": [-1, 2, -3.5, 4, 5, 6],
            "plain": ["a", "b", "c", "d", "e", "f"],
        }
    )


def unescape(text: str) -> str:
    """The text of an xlsx string: control characters are stored as _xHHHH_ escapes."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_xlsx_has_no_formulas():
    data = to_xlsx_bytes(dangerous_frame(), sheet="Danger")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(member).decode("utf-8")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A1"].value == "'=cmd|' /C calc'!A0"
    texts = [sheet.cell(row=i + 2, column=1) for i in range(len(DANGEROUS))]
    for cell, original in zip(texts, DANGEROUS, strict=True):
        assert cell.data_type == "s"
        assert unescape(cell.value) == "'" + original, (cell.value, original)
    # Numbers stay numbers (a negative one too), ordinary text stays as it was.
    assert [sheet.cell(row=i, column=2).value for i in range(2, 8)] == [-1, 2, -3.5, 4, 5, 6]
    assert sheet["C2"].value == "a"


def test_csv_is_neutralised():
    data = to_csv_bytes(dangerous_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Cyrillic of other tables
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=cmd|' /C calc'!A0", "number", "plain"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert [r[1] for r in rows[1:]] == ["-1.0", "2.0", "-3.5", "4.0", "5.0", "6.0"]
    assert [r[2] for r in rows[1:]] == list("abcdef")


# --- what a table shows -------------------------------------------------------------------


TABLE_SCRIPT = """
import numpy as np, pandas as pd
from sapat.downloads import table
frame = pd.DataFrame({
    "count": [690.0, np.nan, 12345.0], "score": [11.6, 12.0, np.nan], "name": ["a", None, "b"],
})
table(frame, "grid", "grid")
table(frame.style.map(lambda v: "color: red", subset=["name"]), "styled", "styled")
table(frame.set_index("name"), "static", "static", static=True)
"""


@pytest.mark.parametrize(
    ("lang", "counts", "scores"),
    [
        ("ru", ["690", "—", "12\u202f345"], ["11,6", "12,0", "—"]),
        ("ky", ["690", "—", "12\u202f345"], ["11,6", "12,0", "—"]),
        ("en", ["690", "—", "12,345"], ["11.6", "12.0", "—"]),
    ],
)
def test_tables_show_numbers_in_the_users_language_and_sort_by_them(
    demo_db, env_db, tmp_path, lang, counts, scores
):
    from streamlit import dataframe_util

    env_db(demo_db)
    script = tmp_path / "page.py"
    script.write_text(TABLE_SCRIPT)
    at = AppTest.from_file(str(script), default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for element in [*at.dataframe, *at.table]:
        arrow = element.proto.arrow_data
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
        assert shown["count"].tolist() == counts and shown["score"].tolist() == scores
        # The grid sorts on the data, which keeps the numbers themselves.
        data = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.data)
        assert data["count"].dtype == float and data["count"].iloc[2] == 12345.0
    grid, styled = at.dataframe
    assert grid.proto.placeholder == "—"
    assert "color: red" in str(styled.proto.arrow_data.styler.styles)
