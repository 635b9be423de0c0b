"""Every chart's text stays inside its chart at 1366×768 in ky, ru and en, and none collides."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from sapat.i18n import LANGUAGES, catalog
from tests.browser_kit import CHROMIUM, CHROMIUM_ARGS, SHOTS
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
VIEWPORT = {"width": 1366, "height": 768}
# Every dashboard page: its sidebar link, its heading, its tabs (by their labels' keys).
PAGES = [
    ("ui.nav_overview", "ui.overview_title", []),
    (
        "ui.nav_rankings",
        "ui.rankings_title",
        ["ui.tab_position", "ui.tab_indicators", "ui.tab_peers", "ui.tab_whatif", "ui.tab_agency"],
    ),
    (
        "ui.nav_mobility",
        "ui.mobility_title",
        [
            "ui.mobility_tab_trends",
            "ui.mobility_tab_countries",
            "ui.mobility_tab_credits",
            "ui.mobility_tab_ratios",
            "ui.mobility_tab_flags",
        ],
    ),
    (
        "ui.nav_agreements",
        "ui.agreements_title",
        [
            "ui.agreements_tab_register",
            "ui.agreements_tab_expiring",
            "ui.agreements_tab_map",
            "ui.agreements_tab_use",
        ],
    ),
    (
        "ui.nav_accreditation",
        "ui.accreditation_title",
        [
            "ui.accreditation_tab_coverage",
            "ui.accreditation_tab_watch",
            "ui.accreditation_tab_timeline",
            "ui.accreditation_tab_agencies",
            "ui.accreditation_tab_missing",
            "ui.accreditation_tab_actions",
        ],
    ),
    (
        "ui.nav_quality",
        "ui.quality_title",
        [
            "ui.quality_tab_pass_rates",
            "ui.quality_tab_grades",
            "ui.quality_tab_drops",
            "ui.quality_tab_attestation",
            "ui.quality_tab_graduates",
            "ui.quality_tab_surveys",
        ],
    ),
    (
        "ui.nav_staff",
        "ui.staff_title",
        [
            "ui.staff_tab_composition",
            "ui.staff_tab_degree_share",
            "ui.staff_tab_international",
            "ui.staff_tab_rating",
        ],
    ),
    ("ui.nav_kpis", "ui.kpis_title", []),
    ("ui.nav_report", "deck.title", []),
]
# The page has settled: the same charts with the same amount of text, nothing stale and
# Streamlit not running, for 0.6 s.
# Settled: the script run has ended, the open tab's panel has been drawn (a lazy tab is empty
# until its rerun ends, which takes a while on a busy machine), every chart container holds
# its drawn chart, and nothing changed for a second.
SETTLED = """async () => {
  const visible = (e) => e.offsetParent !== null;
  const ready = () => {
    const panels = [...document.querySelectorAll('[role="tabpanel"]')].filter(visible);
    const empty = panels.some((p) => !p.querySelector('[data-testid="stElementContainer"]'));
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(visible);
    const undrawn = charts.some((c) => !c.querySelector('.main-svg text'));
    // Streamlit's own mark of a finished run, as its end-to-end tests read it.
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    return idle && !empty && !undrawn;
  };
  const sig = () => [...document.querySelectorAll('.js-plotly-plot')]
      .filter(visible)
      .map((p) => p.querySelectorAll('text').length).join(',')
    + '|' + document.querySelectorAll('[data-stale="true"]').length
    + '|' + !!document.querySelector('[data-testid="stStatusWidget"]');
  let last = sig(), same = 0;
  while (same < 5) {
    await new Promise((r) => setTimeout(r, 200));
    const now = sig();
    same = now === last && !now.endsWith('true') && ready() ? same + 1 : 0;
    last = now;
  }
}"""
# What is wrong with the visible charts' text: text outside the chart's SVG, titles (chart,
# axes, legend, notes) overlapping one another, value labels overlapping or run together
# ("93%93%"), and a note drawn over a bar.
CHECK = """() => {
  const problems = [];
  const titles = [];
  const box = (el) => el.getBoundingClientRect();
  const inside = (r, o) => r.left >= o.left - 1 && r.right <= o.right + 1
    && r.top >= o.top - 1 && r.bottom <= o.bottom + 1;
  const overlap = (a, b) =>
    Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left))
    * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const area = (r) => r.width * r.height;
  const wider = (r, by) => ({left: r.left - by, right: r.right + by, top: r.top, bottom: r.bottom});
  const plots = [...document.querySelectorAll('.js-plotly-plot')]
    .filter((p) => p.offsetParent !== null);
  plots.forEach((plot, i) => {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) return;
    const frame = box(svg);
    const title = (plot.querySelector('.gtitle') || {}).textContent || '';
    const name = title || `chart ${i + 1}`;
    if (title) titles.push(title);
    const texts = [];
    const pick = (selector, kind) => plot.querySelectorAll(selector).forEach((el) => {
      const r = box(el);
      if (!r.width || !r.height || el.closest('.hoverlayer')) return;
      texts.push({kind, text: el.textContent, r});
    });
    pick('.gtitle', 'title');
    pick('.g-xtitle text, .g-x2title text', 'x title');
    pick('.g-ytitle text, .g-y2title text', 'y title');
    pick('.xtick text, .x2tick text', 'x tick');
    pick('.ytick text, .y2tick text', 'y tick');
    pick('.legendtext, .legendtitletext', 'legend');
    pick('.textpoint text, text.bartext', 'bar text');
    pick('.annotation-text', 'note');
    const bars = [...plot.querySelectorAll('.bars .point path')].map(box).filter(area);
    const say = (what) => problems.push(`${name}: ${what}`);
    for (const t of texts) {
      if (!inside(t.r, frame)) {
        const at = `${Math.round(t.r.left - frame.left)},${Math.round(t.r.top - frame.top)}`;
        say(`${t.kind} "${t.text}" leaves the chart (at ${at}, ` +
            `${Math.round(t.r.width)}×${Math.round(t.r.height)} in ` +
            `${Math.round(frame.width)}×${Math.round(frame.height)})`);
      }
    }
    const heads = texts.filter((t) => ['title', 'x title', 'y title', 'legend', 'note']
      .includes(t.kind));
    heads.forEach((a, k) => heads.slice(k + 1).forEach((b) => {
      if (a.kind === b.kind && a.kind !== 'title') return;  // a legend's own items
      if (overlap(a.r, b.r) > 0.05 * Math.min(area(a.r), area(b.r))) {
        say(`${a.kind} "${a.text}" overlaps ${b.kind} "${b.text}"`);
      }
    }));
    const labels = texts.filter((t) => t.kind === 'bar text' || t.kind === 'note');
    labels.forEach((a, k) => labels.slice(k + 1).forEach((b) => {
      if (overlap(wider(a.r, 1), b.r) > 0) {
        say(`${a.kind} "${a.text}" runs into ${b.kind} "${b.text}"`);
      }
    }));
    texts.filter((t) => t.kind === 'note').forEach((t) => {
      if (bars.some((b) => overlap(t.r, b) > 0.05 * area(t.r))) {
        say(`note "${t.text}" is drawn over a bar`);
      }
    });
  });
  titles.forEach((t, k) => {
    if (titles.indexOf(t) !== k) problems.push(`two charts are titled "${t}"`);
  });
  return {charts: plots.length, problems};
}"""


async def _settle(page) -> None:
    await page.wait_for_timeout(300)
    await page.evaluate(SETTLED)


async def _open(page, name: str, heading: str) -> None:
    """Follow the sidebar link ``name`` (again if a busy rerun swallowed the click)."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)
    title = page.get_by_test_id("stHeading").get_by_text(heading, exact=True)
    for _ in range(5):
        if await link.get_attribute("aria-current") != "page":
            await link.click()
        try:
            await title.wait_for(timeout=20_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's timeout: click again
            continue
    raise AssertionError(f"{name!r} did not open")


async def _tab(page, label: str) -> None:
    """Open the tab ``label`` and wait until it is the selected one."""
    tab = page.get_by_role("tab", name=label, exact=True)
    for _ in range(5):
        await tab.click()
        try:
            await page.wait_for_function(
                """(label) => [...document.querySelectorAll('[role="tab"]')].some(
                    (t) => t.textContent.trim() === label
                        && t.getAttribute('aria-selected') === 'true')""",
                arg=label,
                timeout=20_000,
            )
            return
        except Exception:  # noqa: BLE001 - Playwright's timeout: click again
            continue
    raise AssertionError(f"the tab {label!r} did not open")


async def _check_language(browser, server: str, lang: str) -> tuple[list[str], int, int]:
    """Every page and tab in ``lang``: (problems, charts checked, views visited)."""
    text = catalog(lang)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(90_000)
    problems: list[str] = []
    charts = views = 0
    try:
        await page.goto(f"{server}/?lang={lang}", wait_until="domcontentloaded")
        fields = page.get_by_test_id("stTextInput").locator("input")
        await fields.first.wait_for()
        await fields.nth(0).fill("viewer")
        await fields.nth(1).fill(PASSWORD)
        await page.get_by_test_id("stFormSubmitButton").locator("button").click()
        await page.get_by_test_id("stSidebarNav").wait_for()
        for nav, heading, tabs in PAGES:
            await _open(page, text[nav], text[heading])
            await _settle(page)
            for tab in tabs or [None]:
                if tab:
                    await _tab(page, text[tab])
                    await _settle(page)
                found = await page.evaluate(CHECK)
                where = f"{lang} · {text[nav]}" + (f" · {text[tab]}" if tab else "")
                problems += [f"{where}: {p}" for p in found["problems"]]
                charts += found["charts"]
                views += 1
                if found["problems"]:
                    SHOTS.mkdir(exist_ok=True)
                    name = f"overflow-{lang}-{(tab or nav).split('.')[-1]}.png"
                    await page.screenshot(path=str(SHOTS / name), full_page=True)
    finally:
        await context.close()
    return problems, charts, views


async def _check_all(server: str) -> list[tuple[list[str], int, int]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            return await asyncio.gather(
                *(_check_language(browser, server, lang) for lang in LANGUAGES)
            )
        finally:
            await browser.close()


def test_chart_text_stays_inside_its_chart_in_every_language(server):
    started = time.monotonic()
    results = asyncio.run(_check_all(server))
    problems = [p for found, _, _ in results for p in found]
    charts = sum(c for _, c, _ in results)
    views = sum(v for _, _, v in results)
    print(f"{views} views, {charts} charts in {time.monotonic() - started:.0f} s")
    assert views == len(LANGUAGES) * sum(len(tabs) or 1 for _, _, tabs in PAGES)
    assert charts >= 120  # 125 on the demo: a view whose charts were not drawn would show here
    assert not problems, "\n".join(problems)
