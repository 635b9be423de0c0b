"""AppTest of the Teaching staff page: the degree threshold, the rating's privacy, empty state."""

from __future__ import annotations

import duckdb
import pytest

from sapat.faculties import faculty_names
from sapat.formats import percent
from sapat.i18n import catalog
from sapat.queries import staff as sq
from tests.app_kit import metric_values, open_page, untranslated

EN = catalog("en")
STAFF_TABS = ("composition", "degree_share", "international", "rating")


def texts(at) -> str:
    return " ".join(x.value for x in [*at.info, *at.warning, *at.success, *at.error, *at.caption])


@pytest.fixture
def demo(demo_db, env_db):
    env_db(demo_db)
    # The app's configuration: a page test may still hold its connection in this process.
    conn = duckdb.connect(str(demo_db))
    yield conn
    conn.close()


def test_every_tab_works_for_a_faculty_and_speaks_kyrgyz(demo):
    ky = catalog("ky")
    for tab in STAFF_TABS:
        state = {"staff_tab": ky[f"ui.staff_tab_{tab}"], "ts_faculty": "PED"}
        at = open_page("pages/staff.py", "ky", state)
        assert not untranslated(at), (tab, untranslated(at))
        assert at.get("plotly_chart"), tab


def test_the_staff_page_flags_the_faculty_below_the_threshold(demo):
    at = open_page("pages/staff.py", state={"staff_tab": EN["ui.staff_tab_degree_share"]})
    year = max(sq.years(demo))
    shares = sq.degree_share(demo, year, sq.DEFAULT_DEGREE_THRESHOLD)
    below = shares[shares["below"]]["faculty"].tolist()
    assert below == ["PED"]
    names = faculty_names(demo, "en")  # faculties by name, not code
    assert at.error[0].value == EN["ui.staff_below"].format(
        share=percent(0.6, "en"), faculties=names.label("PED"), count=1
    )
    table = at.dataframe[0].value
    flagged = table[table[EN["ui.col_below"]] == EN["ui.staff_flag_below"]]
    # A table of many figures per faculty: the short names.
    assert flagged[EN["col.faculty"]].tolist() == [names.label(f, short=True) for f in below]
    label = EN["ui.staff_degree_share"].format(year=year)
    whole = sq.composition_by_year(demo).set_index("year").loc[year, "degree_share"]
    assert metric_values(at)[label] == percent(whole, "en", 1)


def test_viewers_see_rating_aggregates_of_five_or_more_only(demo):
    state = {"staff_tab": EN["ui.staff_tab_rating"]}
    at = open_page("pages/staff.py", state=state)
    summary = sq.rating_summary(demo, max(sq.rating_years(demo)))
    hidden = summary[summary["hidden"]]["faculty"].tolist()
    assert hidden == ["HIST"]
    hist = faculty_names(demo, "en").label("HIST")
    assert hist in texts(at)
    assert len(at.dataframe) == 1  # the aggregate table, no individual rows
    shown = at.dataframe[0].value
    assert hist not in set(shown[EN["col.faculty"]])
    assert shown[EN["ui.col_people"]].min() >= sq.MIN_GROUP
    assert EN["col.staff_code"] not in shown.columns


def test_admins_also_see_the_individual_rows(demo):
    state = {"staff_tab": EN["ui.staff_tab_rating"], "ts_faculty": "HIST"}
    at = open_page("pages/staff.py", state=state, user="admin")
    rows = sq.rating_rows(demo, max(sq.rating_years(demo)), "HIST")
    assert len(at.dataframe) == 2
    individual = at.dataframe[1].value
    assert individual[EN["col.staff_code"]].tolist() == rows["staff_code"].tolist()


def test_the_page_explains_an_empty_warehouse(db_path, conn, env_db):
    env_db(db_path)
    conn.close()
    at = open_page("pages/staff.py", "ru")
    assert at.info[0].value == catalog("ru")["ui.staff_empty"]
