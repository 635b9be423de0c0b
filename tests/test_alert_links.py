"""An overview alert opens the tab it is about, not the page's first tab."""

from __future__ import annotations

from sapat.i18n import catalog
from tests.conftest import app_test

EN = catalog("en")


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


def test_a_tab_named_in_the_address_opens(demo_db, env_db):
    env_db(demo_db)
    at = app_test(lang="en")
    at.query_params["tab"] = "ui.mobility_tab_flags"
    at.run()
    at.switch_page("pages/mobility.py").run()
    assert not at.exception
    assert at.session_state["mobility_tab"] == EN["ui.mobility_tab_flags"]


def test_an_old_ranking_edition_is_marked_as_old_on_the_overview(demo_db, env_db):
    import datetime as dt

    import duckdb

    from sapat.queries import overview as q

    env_db(demo_db)
    conn = duckdb.connect(str(demo_db))
    shown = q.latest_rankings(conn).head(6)
    conn.close()
    stale = shown[[q.is_stale(y, dt.date.today()) for y in shown["year"]]]
    assert not stale.empty  # the demo keeps an old QS EECA edition
    at = app_test(lang="en").run()
    deltas = {m.label: m.proto.delta for m in at.metric}
    for row in stale.itertuples():
        label = f"{EN[f'ranking_short.{row.ranking}']} · {row.year}"
        assert deltas[label] == EN["ui.rank_stale"].format(year=row.year)
