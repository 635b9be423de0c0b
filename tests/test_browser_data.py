"""End to end in Chromium: an editor fixes a bad upload, commits it, sees it, and undoes it."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import duckdb
import openpyxl
import pytest

from sapat.i18n import catalog, translate
from sapat.queries import overview as oq
from tests.browser_kit import CHROMIUM, SHOTS, choose, go, metric, open_tab, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
EN = catalog("en")
BAD_FILL = "FFC7CE"


def _mobility_file(path: Path, headers: list[str], year: str, mistakes: bool) -> Path:
    """Three outgoing students written by openpyxl, two of them wrong when ``mistakes``."""

    def row(i: int, **changes: str) -> list:
        values = {
            "Mobility ID": f"E2E-{i}",
            "Academic year": year,
            "Participant category": "student_bachelor",
            "Participant code": f"S-E2E-{i}",
            "Direction": "outgoing",
            "Scope": "international",
            "Status": "departed",
            "Partner country": "TR",
            "Partner institution": "<b>Ankara</b> University",  # must stay text, not HTML
            "Start date": "01.02.2026",
            "End date": "30.06.2026",
        }
        values.update(changes)
        return [values.get(h) for h in headers]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    sheet.append(row(1))
    sheet.append(row(2, Direction="sideways") if mistakes else row(2))
    sheet.append(row(3, **{"Start date": "31.02.2026"}) if mistakes else row(3))
    book.save(path)
    return path


def _workbook(download) -> openpyxl.Workbook:
    """A downloaded workbook (Playwright keeps downloads under a name without extension)."""
    return openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def _upload(page, path: Path) -> None:
    page.get_by_test_id("stFileUploader").first.locator("input[type=file]").set_input_files(
        str(path)
    )


def test_editor_uploads_fixes_commits_sees_and_undoes(server, page, demo_db, tmp_path):
    conn = duckdb.connect(str(demo_db))
    year = oq.mobility_by_year(conn)["academic_year"].max()
    conn.close()
    outgoing = EN["ui.mobility_outgoing"].format(year=year)
    sign_in(page, f"{server}/?lang=en", "editor")
    page.locator(".js-plotly-plot").first.wait_for()
    before = int(metric(page, outgoing))

    go(page, EN["ui.nav_data"])
    page.get_by_text(EN["data.title"]).first.wait_for()
    dataset = page.get_by_test_id("stSelectbox").filter(has_text=EN["data.dataset"])
    choose(page, dataset, EN["dataset.mobility"])
    template_button = EN["data.template"].format(dataset=EN["dataset.mobility"])
    with page.expect_download() as download:
        page.get_by_role("button", name=template_button).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    template = _workbook(download.value)
    headers = [c.value for c in template.worksheets[0][1]]
    assert headers[:3] == ["Mobility ID", "Academic year", "Participant category"]

    bad = _mobility_file(
        tmp_path / "outgoing <img src=x onerror=alert(1)>.xlsx", headers, year, mistakes=True
    )
    _upload(page, bad)
    page.get_by_text(EN["data.report_title"]).first.wait_for()
    assert metric(page, EN["data.problems"]) == "2"
    assert metric(page, EN["data.rows_valid"]) == "1"
    body = page.inner_text("body")
    assert "outgoing <img src=x onerror=alert(1)>.xlsx" in body  # shown as text, not HTML
    assert page.locator("img[src=x]").count() == 0
    assert "Traceback" not in body
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "data_report_en.png"), full_page=True)
    # Strict mode cannot load a file with problems.
    assert page.get_by_role("button", name=EN["data.commit"], exact=True).is_disabled()

    with page.expect_download() as download:
        page.get_by_role("button", name=EN["data.marked_file"]).click()
    assert download.value.suggested_filename.endswith("_marked.xlsx")
    marked = _workbook(download.value)
    sheet = marked.worksheets[0]
    direction = headers.index("Direction") + 1
    start = headers.index("Start date") + 1
    for row, column, value in ((3, direction, "sideways"), (4, start, "31.02.2026")):
        cell = sheet.cell(row=row, column=column)
        assert cell.value == value
        assert cell.fill.fgColor.rgb.endswith(BAD_FILL), (row, column)
        assert cell.comment is not None
    assert not sheet.cell(row=2, column=direction).fill.fgColor.rgb.endswith(BAD_FILL)

    good = _mobility_file(tmp_path / "outgoing.xlsx", headers, year, mistakes=False)
    _upload(page, good)
    page.get_by_text(translate("data.no_problems", "en", rows=3)).wait_for()
    assert metric(page, EN["data.rows_new"]) == "3"
    page.get_by_role("button", name=EN["data.commit"], exact=True).click()
    committed = re.compile(r"loaded 3 rows: 3 new")
    page.get_by_text(committed).wait_for()

    go(page, EN["ui.nav_overview"])
    page.get_by_text(EN["ui.overview_title"]).first.wait_for()
    page.wait_for_function(
        """([label, want]) => [...document.querySelectorAll('[data-testid=stMetric]')]
        .some(m => m.innerText.includes(label) && m.innerText.includes('\\n' + want))""",
        arg=[outgoing, str(before + 3)],
    )

    go(page, EN["ui.nav_data"])
    open_tab(page, EN["data.tab_history"])
    page.get_by_role("button", name=EN["data.undo"]).click()
    page.get_by_role("button", name=EN["data.undo_yes"]).click()
    page.get_by_text(re.compile(r"undone: 3 rows removed, 0 restored")).wait_for()
    page.screenshot(path=str(SHOTS / "data_history_en.png"), full_page=True)

    go(page, EN["ui.nav_overview"])
    page.get_by_text(EN["ui.overview_title"]).first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert int(metric(page, outgoing)) == before


def test_pages_a_viewer_may_not_see_are_neither_listed_nor_reachable(server, page):
    sign_in(page, f"{server}/?lang=en", "viewer")
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_role("link", name=EN["ui.nav_rankings"], exact=True).count() == 1
    assert nav.get_by_role("link", name=EN["ui.nav_data"], exact=True).count() == 0
    assert nav.get_by_role("link", name=EN["ui.nav_admin"], exact=True).count() == 0
    for path in ("admin", "data"):
        sign_in(page, f"{server}/{path}?lang=en", "viewer")  # the URL typed by hand
        page.get_by_text(EN["ui.overview_title"]).first.wait_for()
        body = page.inner_text("body")
        assert EN["admin.title"] not in body and EN["data.title"] not in body
        assert page.get_by_test_id("stFileUploader").count() == 0
