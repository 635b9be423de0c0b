"""AppTest of app.py and the overview it opens on: the warehouse's numbers, alerts, languages."""

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from sapat.formats import percent
from sapat.i18n import catalog, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import overview as oq
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from tests.app_kit import metric_values
from tests.conftest import app_test

EN = catalog("en")


def run_app(lang: str | None = None) -> AppTest:
    at = app_test()
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label_start: str):
    found = [m for m in at.metric if m.label.startswith(label_start)]
    assert found, f"no metric starting {label_start!r}; have {[m.label for m in at.metric]}"
    return found[0]


def test_overview_on_demo_data_shows_warehouse_numbers(demo_db, env_db):
    env_db(demo_db)
    at = run_app("en")
    en = catalog("en")
    assert at.header[0].value == en["ui.overview_title"]
    assert any(en["ui.demo_banner"] in w.value for w in at.sidebar.warning)
    conn = duckdb.connect(str(demo_db))  # same configuration as the app's connection
    today = dt.date.today()
    agreements = agq.summary(conn, today)
    assert metric(at, en["ui.agreements_active"]).value == str(agreements["active"])
    expiring = acq.summary(conn, today)["within_180"]
    assert metric(at, en["ui.expiring_180"]).value == str(expiring)
    year = kq.open_year(conn, today)  # the year the KPIs page opens on and the deck reports
    off = metric(at, en["ui.kpis_off_track"].format(year=year))
    assert off.value == str(len(kq.off_track(conn, year, today)))
    ranks = oq.latest_rankings(conn)
    shown = {m.value for m in at.metric}
    assert set(ranks.head(5)["rank_display"]) <= shown
    mobility = oq.mobility_by_year(conn)
    this = mobility["academic_year"].max()
    out_now = mobility[(mobility.academic_year == this) & (mobility.direction == "outgoing")]
    label = en["ui.mobility_outgoing"].format(year=this)
    assert metric(at, label).value == str(int(out_now.participants.sum()))
    conn.close()


def test_kyrgyz_is_the_default_language(demo_db, env_db):
    env_db(demo_db)
    at = run_app()
    assert at.header[0].value == catalog("ky")["ui.overview_title"]
    assert at.sidebar.selectbox[0].value == "ky"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_language_picker_switches_the_page(demo_db, env_db, lang):
    env_db(demo_db)
    at = run_app()
    at.sidebar.selectbox[0].set_value(lang).run()
    assert at.header[0].value == catalog(lang)["ui.overview_title"]


def test_empty_warehouse_shows_a_helpful_empty_state(db_path, env_db):
    env_db(db_path)
    at = run_app("en")
    assert any(catalog("en")["ui.no_data"] in i.value for i in at.info)
    assert not at.sidebar.warning  # no demo banner on a real (empty) warehouse


def test_overview_alerts_link_to_the_page_of_their_domain(demo_db, env_db):
    env_db(demo_db)
    at = run_app("en")
    pages = at.session_state["_domain_pages"]
    assert set(pages) == set(oq.DOMAINS)
    conn = duckdb.connect(str(demo_db))
    alerts = oq.alerts(conn, dt.date.today())
    conn.close()
    links = [(p.label, p.proto.page) for p in at.get("page_link")]
    assert links and len(links) == min(7, len(alerts))
    # Each link opens the page app.py maps its alert's domain to, in the alerts' order.
    for (label, page), alert in zip(links, alerts, strict=False):
        assert page == pages[alert.domain].url_path
        if alert.key == "expired":
            assert label == translate("alert.expired", "en", count=alert.count)
    expired = translate("alert.expired", "en", count={a.key: a for a in alerts}["expired"].count)
    assert expired in [label for label, _ in links]


def test_overview_shows_pass_rate_and_degree_share_with_their_change(demo_db, env_db):
    env_db(demo_db)
    # The app's configuration: a page test may still hold its connection in this process.
    demo = duckdb.connect(str(demo_db))
    at = run_app("en")
    head = qq.headline(demo).set_index("session_type").loc["regular"]
    whole = sq.composition_by_year(demo).set_index("year")
    demo.close()
    shown = metric_values(at)
    rate = shown[EN["ui.overview_pass_rate"].format(year="2025-2026")]
    assert rate == percent(head["pass_rate"] / 100, "en", 1)
    label = EN["ui.overview_degree_share"].format(year=2026)
    assert shown[label] == percent(whole.loc[2026, "degree_share"], "en", 1)
    deltas = {m.label: m.proto.delta for m in at.metric}
    change = 100 * (whole.loc[2026, "degree_share"] - whole.loc[2025, "degree_share"])
    assert deltas[label] == EN["ui.points_change"].format(change=f"+{change:.1f}")
    pass_change = head["pass_rate"] - head["previous"]
    assert deltas[EN["ui.overview_pass_rate"].format(year="2025-2026")] == EN[
        "ui.points_change"
    ].format(change=f"+{pass_change:.1f}")
    links = [p.label for p in at.get("page_link")]
    assert EN["alert.degree_below"].format(count=1) in links
    assert translate("alert.pass_rate_drops", "en", count=1, points="10") in links


def test_alert_links_name_their_tab(demo_db, env_db):
    env_db(demo_db)
    at = app_test(lang="en").run()
    assert not at.exception
    links = {p.label: p.proto for p in at.get("page_link")}
    risk = next(p for label, p in links.items() if "failed more than 15 credits" in label)
    assert "tab=ui.mobility_tab_flags" in risk.query_string
    # Every page with tabs opens on the alert's tab (the KPI page has none).
    kpi = EN["alert.kpis_off_track"].split("{")[0]
    assert all(p.query_string.startswith("tab=ui.") for k, p in links.items() if kpi not in k)


def test_an_old_ranking_edition_is_marked_as_old_on_the_overview(demo_db, env_db):
    env_db(demo_db)
    conn = duckdb.connect(str(demo_db))
    shown = oq.latest_rankings(conn).head(6)
    conn.close()
    stale = shown[[oq.is_stale(y, dt.date.today()) for y in shown["year"]]]
    assert not stale.empty  # the demo keeps an old QS EECA edition
    at = app_test(lang="en").run()
    deltas = {m.label: m.proto.delta for m in at.metric}
    for row in stale.itertuples():
        label = f"{EN[f'ranking_short.{row.ranking}']} · {row.year}"
        assert deltas[label] == EN["ui.rank_stale"].format(year=row.year)
