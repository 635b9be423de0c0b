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
