"""AppTest of the mobility and agreements pages on demo data and on an empty warehouse."""

import datetime as dt

import duckdb
from streamlit.testing.v1 import AppTest

from sapat.i18n import catalog
from sapat.queries import agreements as aq
from sapat.queries import mobility as mq
from tests.conftest import app_test

EN = catalog("en")


def open_page(page: str, lang: str = "en", state: dict | None = None) -> AppTest:
    at = app_test()
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


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


def test_agreements_page_on_demo_data(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/agreements.py")
    conn = duckdb.connect(str(demo_db))
    summary = aq.summary(conn, dt.date.today(), 2)
    register = aq.register(conn, dt.date.today())
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
    dormant = aq.dormant(conn, dt.date.today(), 2)
    conn.close()
    assert len(at.dataframe[0].value) == len(dormant)


def test_agreements_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/agreements.py", lang="ru")
    assert any(catalog("ru")["ui.agreements_empty"] in i.value for i in at.info)


def untranslated(at: AppTest) -> list[str]:
    """Headings, labels and texts that show a catalog key instead of words."""
    texts = [str(c) for d in [*at.dataframe, *at.table] for c in d.value.columns]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander]
    texts += [x.value for x in [*at.markdown, *at.caption, *at.info, *at.warning, *at.success]]
    prefixes = ("ui.", "col.", "code.", "mobility.", "agreements.", "agency.", "indicator.")
    return [x for x in texts if any(x.startswith(p) or f" {p}" in x for p in prefixes)]


def test_every_tab_speaks_the_language(demo_db, env_db):
    env_db(demo_db)
    pages = {
        "pages/mobility.py": (
            "mobility_tab",
            [f"ui.mobility_tab_{k}" for k in ("trends", "countries", "credits", "ratios", "flags")],
        ),
        "pages/agreements.py": (
            "agreements_tab",
            [f"ui.agreements_tab_{k}" for k in ("register", "expiring", "map", "use")],
        ),
        "pages/rankings.py": (
            "ranking_tab",
            [f"ui.tab_{k}" for k in ("position", "indicators", "peers", "whatif", "agency")],
        ),
    }
    for lang in ("ky", "ru"):
        words = catalog(lang)
        for page, (key, tabs) in pages.items():
            for tab in tabs:
                at = open_page(page, lang=lang, state={key: words[tab]})
                assert not untranslated(at), (page, tab, untranslated(at))
