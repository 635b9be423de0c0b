"""AppTest of the mobility page on demo data and on an empty warehouse."""

import duckdb

from sapat.i18n import catalog
from sapat.queries import mobility as mq
from tests.app_kit import metric_values, open_page
from tests.conftest import app_test

EN = catalog("en")


def test_mobility_headline_matches_the_warehouse(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/mobility.py")
    assert at.header[0].value == EN["ui.mobility_title"]
    conn = duckdb.connect(str(demo_db))
    years = mq.options(conn)["years"]
    head = mq.headline(conn, mq.MobilityFilter(years=tuple(years)), years[-1])
    conn.close()
    shown = metric_values(at)
    for row in head.itertuples():
        assert shown[EN[f"mobility.measure.{row.measure}"]] == str(int(row.value))


def test_mobility_filters_change_the_numbers(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/mobility.py")
    at.multiselect(key="mob_programs").set_value(["erasmus_plus"]).run()
    assert not at.exception
    conn = duckdb.connect(str(demo_db))
    years = mq.options(conn)["years"]
    flt = mq.MobilityFilter(years=tuple(years), programs=("erasmus_plus",))
    head = mq.headline(conn, flt, years[-1]).set_index("measure")["value"]
    conn.close()
    label = EN["mobility.measure.outgoing_students"]
    assert metric_values(at)[label] == str(int(head["outgoing_students"]))


def test_mobility_rule_flags_tab(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/mobility.py", state={"mobility_tab": EN["ui.mobility_tab_flags"]})
    titles = [e.label for e in at.expander]
    for rule in mq.RULES:
        assert any(EN[f"mobility.flag.{rule}.title"] in title for title in titles)


def test_mobility_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/mobility.py", lang="ky")
    assert any(catalog("ky")["ui.mobility_empty"] in i.value for i in at.info)


def test_a_tab_named_in_the_address_opens(demo_db, env_db):
    env_db(demo_db)
    at = app_test(lang="en")
    at.query_params["tab"] = "ui.mobility_tab_flags"
    at.run()
    at.switch_page("pages/mobility.py").run()
    assert not at.exception
    assert at.session_state["mobility_tab"] == EN["ui.mobility_tab_flags"]
