"""AppTest of the agreements page on demo data and on an empty warehouse."""

import datetime as dt

import duckdb
import pandas as pd

from sapat.i18n import catalog
from sapat.queries import agreements as agq
from tests.app_kit import metric_values, open_page, untranslated

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


def test_agreements_register_shows_quotas_and_contacts_in_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    ky = catalog("ky")
    at = open_page("pages/agreements.py", "ky")
    conn = duckdb.connect(str(demo_db))
    register = agq.register(conn, dt.date.today())
    faculty_codes = {r[0] for r in conn.execute("SELECT code FROM faculties").fetchall()}
    conn.close()
    grid = at.dataframe[0]
    table = grid.value
    assert table[ky["col.agreement_id"]].tolist() == register["agreement_id"].tolist()
    for column in agq.QUOTAS:
        shown = table[ky[f"col.{column}"]]
        assert pd.api.types.is_integer_dtype(shown), (column, shown.dtype)  # 5, never 5.0
        assert shown.tolist() == register[column].tolist()
        assert shown.notna().any()
    for column in ("contact_name", "contact_email", "website"):
        assert table[ky[f"col.{column}"]].tolist() == register[column].tolist()
    # An agreement silent on its quotas shows empty cells, never "None" or "nan".
    assert grid.proto.placeholder == ""
    text = table.astype(str).where(table.notna(), "")
    assert not text.isin(["None", "nan", "NaT", "<NA>"]).any().any()
    assert not set(table[ky["col.faculty"]].dropna()) & faculty_codes
    assert not untranslated(at)
