"""AppTest of the accreditation page on demo data and on an empty warehouse."""

import datetime as dt

import duckdb

from sapat.i18n import catalog
from sapat.queries import accreditation as acq
from tests.app_kit import metric_values, open_page, untranslated

EN = catalog("en")


def test_accreditation_page_shows_the_warehouse_numbers(demo_db, env_db):
    env_db(demo_db)
    at = open_page(
        "pages/accreditation.py", state={"accreditation_tab": EN["ui.accreditation_tab_watch"]}
    )
    conn = duckdb.connect(str(demo_db))
    summary = acq.summary(conn, dt.date.today())
    watch = acq.watch_list(conn, dt.date.today())
    conn.close()
    shown = metric_values(at)
    assert shown[EN["accreditation.expiry.expired"]] == str(summary["expired"])
    assert shown[EN["accreditation.expiry.within_90"]] == str(summary["within_90"])
    assert shown[EN["ui.accreditation_overdue"]] == str(summary["overdue_actions"])
    table = at.dataframe[0].value
    assert len(table) == len(watch)
    assert set(table[EN["ui.col_expiry"]]) <= {EN[f"accreditation.expiry.{e}"] for e in acq.EXPIRY}


def test_accreditation_tabs_speak_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    ky = catalog("ky")
    for tab in ("coverage", "watch", "timeline", "agencies", "missing", "actions"):
        at = open_page(
            "pages/accreditation.py", "ky", {"accreditation_tab": ky[f"ui.accreditation_tab_{tab}"]}
        )
        assert not untranslated(at), (tab, untranslated(at))


def test_accreditation_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/accreditation.py", "ru")
    assert any(catalog("ru")["ui.accreditation_empty"] in i.value for i in at.info)
