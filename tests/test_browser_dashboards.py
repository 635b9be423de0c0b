"""End to end: a real `streamlit run` driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from sapat.display import share
from sapat.i18n import catalog, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import mobility as mq
from sapat.queries import overview as oq
from sapat.queries import rankings as rq
from tests.browser_kit import CHROMIUM, SHOTS, choose, metric, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]


def test_overview_in_a_real_browser(server, browser, demo_db):
    """Every headline number is the warehouse's, and an alert opens the page behind it."""
    today = dt.date.today()
    conn = duckdb.connect(str(demo_db))
    ranks = oq.latest_rankings(conn).head(6)
    mobility = oq.mobility_by_year(conn)
    agreements = agq.summary(conn, today)
    acc = acq.summary(conn, today)
    year = kq.open_year(conn, today)
    off = kq.off_track(conn, year, today)
    alerts = {a.key: a for a in oq.alerts(conn, today)}
    conn.close()
    en = catalog("en")
    this = mobility["academic_year"].max()
    counts = mobility[mobility["academic_year"] == this].set_index("direction")["participants"]
    expected = {
        en["ui.mobility_outgoing"].format(year=this): str(int(counts["outgoing"])),
        en["ui.mobility_incoming"].format(year=this): str(int(counts["incoming"])),
        en["ui.agreements_active"]: str(agreements["active"]),
        en["ui.programs_accredited"]: share(acc["accredited"], acc["programs"]),
        en["ui.expiring_180"]: str(acc["within_180"]),
        en["ui.kpis_off_track"].format(year=year): str(len(off)),
    }
    expected |= {
        f"{en[f'ranking_short.{r.ranking}']} · {r.year}": r.rank_display for r in ranks.itertuples()
    }
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    sign_in(page, f"{server}/?lang=en")
    page.get_by_text(en["ui.overview_title"]).first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    for label, value in expected.items():
        assert metric(page, label) == value, label
    body = page.inner_text("body")
    assert en["ui.demo_banner"][:40] in body
    assert "Traceback" not in body and "ui." not in body  # no raw keys, no errors
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_en.png"))  # one laptop screen, no scrolling
    # The whole overview fits 1366×768: the last alert ends above the bottom edge.
    last = page.get_by_test_id("stPageLink").last.bounding_box()
    assert last and last["y"] + last["height"] <= 768
    cards = page.get_by_test_id("stMetric").evaluate_all(
        "els => Math.max(...els.map(e => e.getBoundingClientRect().bottom))"
    )
    assert cards <= 768  # the quality cards beside the chart too
    expired = translate("alert.expired", "en", count=alerts["expired"].count)
    page.get_by_role("link", name=expired).click()
    page.get_by_text(en["ui.accreditation_title"]).first.wait_for()
    # The page behind the alert, on the tab the alert is about (its ?tab= is taken once).
    assert page.url.split("?")[0].rstrip("/").endswith("/accreditation")
    watch = page.get_by_role("tab", name=en["ui.accreditation_tab_watch"])
    page.wait_for_function(
        "(el) => el.getAttribute('aria-selected') === 'true'", arg=watch.element_handle()
    )
    page.close()


def test_language_picker_in_the_browser(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    sign_in(page, server)
    ky = catalog("ky")
    page.get_by_text(ky["ui.overview_title"]).first.wait_for(timeout=60_000)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Русский").click()
    page.get_by_text(catalog("ru")["ui.overview_title"]).first.wait_for(timeout=30_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_ru.png"), full_page=True)
    page.close()


def test_rankings_page_switches_ranking_and_peers(server, browser, demo_db):
    """Open Rankings from the menu, switch to QS WUR, then change the peers."""
    conn = duckdb.connect(str(demo_db))
    home = rq.home_institution(conn)
    qs = rq.history(conn, "qs_wur", (home,))
    conn.close()
    en = catalog("en")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    sign_in(page, f"{server}/?lang=en")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # the overview has run
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=en["ui.nav_rankings"], exact=True
    ).click()
    page.get_by_text(en["ui.rankings_title"]).first.wait_for(timeout=60_000)
    ranking = page.get_by_test_id("stSelectbox").filter(has_text=en["ui.ranking_system"])
    choose(page, ranking, en["code.qs_wur"])
    table = page.get_by_test_id("stTable").first
    latest = qs.sort_values("year").iloc[-1]["rank_display"]
    table.get_by_text(latest, exact=True).wait_for(timeout=30_000)
    shown = table.inner_text()
    assert all(text in shown for text in qs["rank_display"])  # every edition as published
    chart = page.locator(".js-plotly-plot").first
    assert latest in chart.inner_text()  # the band's published text is drawn on the chart
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "rankings_qs_wur.png"), full_page=True)

    page.get_by_role("tab", name=en["ui.tab_peers"]).click()
    peers = page.get_by_test_id("stMultiSelect")
    peers.wait_for(timeout=30_000)
    chosen_before = peers.inner_text()
    assert "American University of Central Asia" in chosen_before
    # Remove one suggested peer; the chart legend and the table follow.
    peers.get_by_role("button", name="Remove American University of Central Asia").click()
    # The rerun is done when the peers table no longer lists the removed institution.
    page.wait_for_function(
        """() => {
            const tables = [...document.querySelectorAll('[role=tabpanel] [data-testid=stTable]')]
                .filter(t => t.offsetParent);
            return tables.length > 0
                && tables.every(t => !t.innerText.includes('American University of Central Asia'))
                && tables.some(t => t.innerText.includes('Kyrgyz National University named'));
        }""",
        timeout=90_000,
    )
    panel = page.locator("[role=tabpanel]:visible")
    peer_table = panel.get_by_test_id("stTable").first
    assert "1201-1400" in peer_table.inner_text()
    legend = panel.locator(".js-plotly-plot .legend").first.text_content()
    assert home in legend and "American University of Central Asia" not in legend
    page.screenshot(path=str(SHOTS / "rankings_peers.png"), full_page=True)
    page.close()


def test_mobility_filters_change_the_headline_numbers(server, browser, demo_db):
    """Filter by programme and academic years; the headline shows the warehouse's numbers."""
    conn = duckdb.connect(str(demo_db))
    years = mq.options(conn)["years"]
    everything = mq.headline(conn, mq.MobilityFilter(years=tuple(years)), years[-1])
    all_erasmus = mq.MobilityFilter(years=tuple(years), programs=("erasmus_plus",))
    step_one = mq.headline(conn, all_erasmus, years[-1]).set_index("measure")["value"]
    erasmus = mq.MobilityFilter(years=tuple(years[:-1]), programs=("erasmus_plus",))
    expected = mq.headline(conn, erasmus, years[-2]).set_index("measure")["value"]
    conn.close()
    en = catalog("en")
    outgoing = en["mobility.measure.outgoing_students"]
    incoming = en["mobility.measure.incoming_students"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    sign_in(page, f"{server}/?lang=en")
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=en["ui.nav_mobility"], exact=True
    ).click()
    page.get_by_text(en["ui.mobility_title"]).first.wait_for()
    default = everything.set_index("measure")["value"]
    assert metric(page, outgoing) == str(int(default["outgoing_students"]))

    page.get_by_text(en["ui.filters"]).first.click()
    programmes = page.get_by_test_id("stMultiSelect").filter(
        has_text=en["ui.mobility_filter_programs"]
    )
    choose(page, programmes, en["code.erasmus_plus"])
    page.keyboard.press("Escape")
    shows = """([label, want]) => [...document.querySelectorAll('[data-testid=stMetric]')]
        .some(m => m.innerText.includes(label) && m.innerText.includes('\\n' + want))"""
    # The programme filter's rerun is over before the slider is touched (it redraws it).
    page.wait_for_function(shows, arg=[outgoing, str(int(step_one["outgoing_students"]))])
    # The last academic year drops out of the range: one step left on the slider's end.
    thumbs = page.get_by_test_id("stSlider").get_by_role("slider")
    thumbs.last.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(shows, arg=[incoming, str(int(expected["incoming_students"]))])
    assert metric(page, outgoing) == str(int(expected["outgoing_students"]))
    assert metric(page, incoming) == str(int(expected["incoming_students"]))
    assert (
        years[-2]
        in page.get_by_test_id("stCaptionContainer").filter(has_text=years[-2]).first.inner_text()
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "mobility_filtered.png"), full_page=True)
    page.close()
