"""AppTest of the accreditation and KPI pages on demo data and on an empty warehouse."""

import datetime as dt

import duckdb

from sapat.i18n import catalog
from sapat.queries import accreditation as aq
from sapat.queries import kpis as kq
from tests.conftest import app_test
from tests.test_mobility_pages import open_page, untranslated

EN = catalog("en")


def test_accreditation_page_shows_the_warehouse_numbers(demo_db, env_db):
    env_db(demo_db)
    at = open_page(
        "pages/accreditation.py", state={"accreditation_tab": EN["ui.accreditation_tab_watch"]}
    )
    conn = duckdb.connect(str(demo_db))
    summary = aq.summary(conn, dt.date.today())
    watch = aq.watch_list(conn, dt.date.today())
    conn.close()
    shown = {m.label: m.value for m in at.metric}
    assert shown[EN["accreditation.expiry.expired"]] == str(summary["expired"])
    assert shown[EN["accreditation.expiry.within_90"]] == str(summary["within_90"])
    assert shown[EN["ui.accreditation_overdue"]] == str(summary["overdue_actions"])
    table = at.dataframe[0].value
    assert len(table) == len(watch)
    assert set(table[EN["ui.col_expiry"]]) <= {EN[f"accreditation.expiry.{e}"] for e in aq.EXPIRY}


def test_accreditation_tabs_speak_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    ky = catalog("ky")
    for tab in ("coverage", "watch", "timeline", "agencies", "missing", "actions"):
        at = open_page(
            "pages/accreditation.py", "ky", {"accreditation_tab": ky[f"ui.accreditation_tab_{tab}"]}
        )
        assert not untranslated(at), (tab, untranslated(at))


def test_kpi_scorecard_matches_the_warehouse(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/kpis.py")
    year = at.selectbox(key="kpi_year").value
    conn = duckdb.connect(str(demo_db))
    card = kq.scorecard(conn, year)
    counts = kq.status_counts(conn, year)
    conn.close()
    table = at.dataframe[0].value
    assert table[EN["ui.col_kpi_name"]].tolist() == card["name_en"].tolist()
    assert table[EN["ui.col_kpi_status"]].tolist() == [
        EN[f"kpis.status.{s}"] for s in card["status"]
    ]
    shown = {m.label: m.value for m in at.metric}
    assert shown[EN["kpis.status.off_track"]] == str(counts["off_track"])
    assert not untranslated(at)


def test_kpi_drill_down_follows_the_choice(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/kpis.py", "ru")
    conn = duckdb.connect(str(demo_db))
    codes = kq.scorecard(conn, at.selectbox(key="kpi_year").value)["code"].tolist()
    conn.close()
    assert at.selectbox(key="kpi_code").value == codes[0]
    at.selectbox(key="kpi_code").set_value(codes[-1]).run()
    assert not at.exception
    assert at.selectbox(key="kpi_code").value == codes[-1]


def test_quality_pages_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/accreditation.py", "ru")
    assert any(catalog("ru")["ui.accreditation_empty"] in i.value for i in at.info)
    at = open_page("pages/kpis.py", "ky")
    assert any(catalog("ky")["ui.kpis_empty"] in i.value for i in at.info)


def test_overview_alerts_link_to_their_pages(demo_db, env_db):
    env_db(demo_db)
    at = app_test()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    conn = duckdb.connect(str(demo_db))
    from sapat.queries import overview

    alerts = overview.alerts(conn, dt.date.today())
    conn.close()
    links = [(p.label, p.proto.page) for p in at.get("page_link")]
    assert len(links) == min(7, len(alerts))
    # Each link opens the page of its alert's domain (page links carry the page's URL path).
    pages = at.session_state["_domain_pages"]
    assert {page for _, page in links} <= {pages[a.domain].url_path for a in alerts}
    expired = EN["alert.expired"].format(count={a.key: a for a in alerts}["expired"].count)
    assert expired in [label for label, _ in links]
