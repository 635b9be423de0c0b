"""In Chromium: filtering the academic quality and staff pages by faculty shows the warehouse's numbers."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from sapat.faculties import faculty_names
from sapat.formats import percent
from sapat.i18n import catalog
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from tests.browser_kit import CHROMIUM, SHOTS, choose, go, metric, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
RU = catalog("ru")


def figures(warehouse: Path, faculty: str) -> tuple[str, str, int]:
    """The pass rate of the latest regular session, the staff degree share and its year."""
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        head = qq.headline(conn, faculty).set_index("session_type").loc["regular"]
        year = max(sq.years(conn))
        share = sq.composition_by_year(conn, faculty).set_index("year").loc[year, "degree_share"]
    finally:
        conn.close()
    return percent(head["pass_rate"] / 100, "ru", 1), percent(share, "ru", 1), year


def ru_name(warehouse: Path, faculty: str) -> str:
    """The faculty as the Russian pages name it (filters show names, not codes)."""
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        return faculty_names(conn, "ru").label(faculty)
    finally:
        conn.close()


def test_a_faculty_filter_shows_that_faculty_s_numbers(server, page, warehouse):
    whole_rate, whole_share, year = figures(warehouse, None)
    math_rate, _, _ = figures(warehouse, "MATH")
    _, ped_share, _ = figures(warehouse, "PED")
    assert math_rate != whole_rate and ped_share != whole_share  # the filter must matter
    # Read before the server opens the warehouse (and holds its lock).
    math, ped = ru_name(warehouse, "MATH"), ru_name(warehouse, "PED")

    sign_in(page, f"{server}/?lang=ru")
    go(page, RU["ui.nav_quality"])
    page.get_by_test_id("stHeading").get_by_text(RU["ui.quality_title"], exact=True).wait_for()
    rate_label = RU["ui.quality_pass_rate_regular"].format(year="2025-2026")
    assert metric(page, rate_label) == whole_rate

    faculty = page.get_by_test_id("stSelectbox").filter(has_text=RU["ui.quality_faculty"])
    choose(page, faculty, math)
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=[rate_label, math_rate],
    )
    assert metric(page, rate_label) == math_rate
    # The chart below now lists MATH's programmes, not the faculties.
    page.get_by_text(RU["quality.chart.by_program"].format(year="2025-2026")).wait_for()
    page.screenshot(path=str(SHOTS / "quality_math_ru.png"), full_page=True)

    go(page, RU["ui.nav_staff"])
    page.get_by_test_id("stHeading").get_by_text(RU["ui.staff_title"], exact=True).wait_for()
    share_label = RU["ui.staff_degree_share"].format(year=year)
    assert metric(page, share_label) == whole_share
    faculty = page.get_by_test_id("stSelectbox").filter(has_text=RU["ui.quality_faculty"])
    choose(page, faculty, ped)
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=[share_label, ped_share],
    )
    assert metric(page, share_label) == ped_share
    page.get_by_role("tab", name=RU["ui.staff_tab_degree_share"]).click()
    alert = page.get_by_text(RU["ui.staff_below"].split("{")[0].strip(), exact=False)
    alert.first.wait_for()
    assert ped in alert.first.inner_text()
    page.screenshot(path=str(SHOTS / "staff_ped_ru.png"), full_page=True)
