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


def test_licence_register_tab_in_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    ky = catalog("ky")
    at = open_page(
        "pages/accreditation.py", "ky", {"accreditation_tab": ky["register.tab_licenses"]}
    )
    conn = duckdb.connect(str(demo_db))
    today = dt.date.today()
    register = acq.license_register(conn, today)
    medicine = acq.license_register(conn, today, "медицина")
    faculty_codes = {r[0] for r in conn.execute("SELECT code FROM faculties").fetchall()}
    conn.close()
    grid = at.dataframe[0]
    table = grid.value
    assert len(table) == len(register)
    assert table[ky["col.license_no"]].tolist() == register["license_no"].tolist()
    assert table[ky["col.issuer"]].tolist() == register["issuer"].tolist()
    names = table[ky["ui.col_program_name"]]
    assert names.iloc[0] == ky["register.institutional"]  # the institutional licence
    assert names.iloc[1:].tolist() == register["name_ky"].iloc[1:].tolist()
    assert set(table[ky["col.status"]]) <= {ky[f"code.{s}"] for s in register["status"]}
    shown_expiry = set(table[ky["ui.col_expiry"]].dropna())
    assert shown_expiry <= {ky[f"accreditation.expiry.{e}"] for e in acq.EXPIRY}
    assert not set(table[ky["col.faculty"]].dropna()) & faculty_codes  # names, not codes
    # A missing end date or expiry class is an empty cell, never "None" or "nan".
    assert grid.proto.placeholder == ""
    text = table.astype(str).where(table.notna(), "")
    assert not text.isin(["None", "nan", "NaT", "<NA>"]).any().any()
    assert not untranslated(at)

    at.text_input(key="lic_search").set_value("МЕДИЦИНА").run()
    assert 0 < len(medicine) < len(register)
    assert at.dataframe[0].value[ky["col.license_no"]].tolist() == medicine["license_no"].tolist()
    at.text_input(key="lic_search").set_value("жок нерсе").run()
    assert [i.value for i in at.info] == [ky["register.no_match"]]
