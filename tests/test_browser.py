"""End to end: a real `streamlit run` driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from sapat.i18n import catalog
from sapat.queries import agreements as aq
from sapat.queries import mobility as mq
from sapat.queries import overview as q
from sapat.queries import rankings as rq
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def warehouse(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo warehouse: the server process holds its file's lock."""
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def server(warehouse):
    port = _free_port()
    env = {**os.environ, "SAPAT_DB": str(warehouse)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def test_overview_in_a_real_browser(server, browser, demo_db):
    """The headline numbers shown are the warehouse's (read from the original demo file)."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    page.goto(f"{server}/?lang=en", wait_until="domcontentloaded")
    en = catalog("en")
    page.get_by_text(en["ui.overview_title"]).first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    body = page.inner_text("body")
    conn = duckdb.connect(str(demo_db))
    agreements = aq.summary(conn, dt.date.today())
    ranks = q.latest_rankings(conn)
    conn.close()
    assert en["ui.demo_banner"][:40] in body
    assert en["ui.agreements_active"] in body and str(agreements["active"]) in body
    assert ranks.iloc[0]["rank_display"] in body
    assert "Traceback" not in body and "ui." not in body  # no raw keys, no errors
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_en.png"), full_page=True)
    assert (SHOTS / "overview_en.png").stat().st_size > 20_000
    page.close()


def test_language_picker_in_the_browser(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    page.goto(server, wait_until="domcontentloaded")
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
    page.goto(f"{server}/?lang=en", wait_until="domcontentloaded")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # the overview has run
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=en["ui.nav_rankings"], exact=True
    ).click()
    page.get_by_text(en["ui.rankings_title"]).first.wait_for(timeout=60_000)
    page.get_by_test_id("stSelectbox").filter(has_text=en["ui.ranking_system"]).click()
    page.get_by_role("option", name=en["code.qs_wur"]).click()
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


def _metric(page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=label).first
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def test_mobility_filters_change_the_headline_numbers(server, browser, demo_db):
    """Filter by programme and academic years; the headline shows the warehouse's numbers."""
    conn = duckdb.connect(str(demo_db))
    years = mq.options(conn)["years"]
    everything = mq.headline(conn, mq.MobilityFilter(years=tuple(years)), years[-1])
    erasmus = mq.MobilityFilter(years=tuple(years[:-1]), programs=("erasmus_plus",))
    expected = mq.headline(conn, erasmus, years[-2]).set_index("measure")["value"]
    conn.close()
    en = catalog("en")
    outgoing = en["mobility.measure.outgoing_students"]
    incoming = en["mobility.measure.incoming_students"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(90_000)  # a busy CI machine renders slowly
    page.goto(f"{server}/?lang=en", wait_until="domcontentloaded")
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=en["ui.nav_mobility"], exact=True
    ).click()
    page.get_by_text(en["ui.mobility_title"]).first.wait_for()
    default = everything.set_index("measure")["value"]
    assert _metric(page, outgoing) == str(int(default["outgoing_students"]))

    page.get_by_text(en["ui.filters"]).first.click()
    page.get_by_test_id("stMultiSelect").filter(has_text=en["ui.mobility_filter_programs"]).click()
    page.get_by_role("option", name=en["code.erasmus_plus"]).click()
    page.keyboard.press("Escape")
    # The last academic year drops out of the range: one step left on the slider's end.
    thumbs = page.get_by_test_id("stSlider").get_by_role("slider")
    thumbs.last.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        """([label, want]) => [...document.querySelectorAll('[data-testid=stMetric]')]
            .some(m => m.innerText.includes(label) && m.innerText.includes('\\n' + want))""",
        arg=[incoming, str(int(expected["incoming_students"]))],
    )
    assert _metric(page, outgoing) == str(int(expected["outgoing_students"]))
    assert _metric(page, incoming) == str(int(expected["incoming_students"]))
    assert (
        years[-2]
        in page.get_by_test_id("stCaptionContainer").filter(has_text=years[-2]).first.inner_text()
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "mobility_filtered.png"), full_page=True)
    page.close()
