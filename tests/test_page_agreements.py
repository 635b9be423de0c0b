"""AppTest of the agreements page on demo data and on an empty warehouse."""

import datetime as dt

import duckdb

from sapat.i18n import catalog
from sapat.queries import agreements as agq
from tests.app_kit import metric_values, open_page

EN = catalog("en")


def test_agreements_page_on_demo_data(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/agreements.py")
    conn = duckdb.connect(str(demo_db))
    summary = agq.summary(conn, dt.date.today(), 2)
    register = agq.register(conn, dt.date.today())
    conn.close()
    shown = metric_values(at)
    assert shown[EN["ui.agreements_total"]] == str(summary["total"])
    assert shown[EN["ui.agreements_expiring_6m"]] == str(summary["expiring"])
    assert len(at.dataframe[0].value) == len(register)
    at.text_input(key="agr_search").set_value(register.iloc[0]["partner_country"]).run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(register)


def test_agreements_use_tab_lists_dormant_agreements(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/agreements.py", state={"agreements_tab": EN["ui.agreements_tab_use"]})
    conn = duckdb.connect(str(demo_db))
    dormant = agq.dormant(conn, dt.date.today(), 2)
    conn.close()
    assert len(at.dataframe[0].value) == len(dormant)


def test_agreements_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/agreements.py", lang="ru")
    assert any(catalog("ru")["ui.agreements_empty"] in i.value for i in at.info)
