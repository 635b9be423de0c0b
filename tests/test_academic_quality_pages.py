"""The Academic quality and Teaching staff pages in AppTest: demo numbers, rules, empty states."""

from __future__ import annotations

import duckdb
import pytest

from sapat.formats import number, percent
from sapat.i18n import catalog
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from tests.conftest import app_test
from tests.test_mobility_pages import untranslated

EN = catalog("en")
QUALITY_TABS = ("pass_rates", "grades", "drops", "attestation", "graduates", "surveys")
STAFF_TABS = ("composition", "degree_share", "international", "rating")


def open_page(page: str, lang: str = "en", state: dict | None = None, user: str = "viewer"):
    at = app_test(user)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at) -> str:
    return " ".join(x.value for x in [*at.info, *at.warning, *at.success, *at.error, *at.caption])


@pytest.fixture
def demo(demo_db, env_db):
    env_db(demo_db)
    # The app's configuration: a page test may still hold its connection in this process.
    conn = duckdb.connect(str(demo_db))
    yield conn
    conn.close()


def test_quality_cards_show_the_warehouse_pass_rates(demo):
    at = open_page("pages/quality.py")
    assert at.header[0].value == EN["ui.quality_title"]
    head = qq.headline(demo).set_index("session_type")
    shown = metrics(at)
    for session in qq.SESSION_TYPES:
        label = EN[f"ui.quality_pass_rate_{session}"].format(year="2025-2026")
        assert shown[label] == percent(head.loc[session, "pass_rate"] / 100, "en", 1)


def test_choosing_a_faculty_changes_the_cards_and_lists_its_programmes(demo):
    at = open_page("pages/quality.py", state={"aq_faculty": "MATH"})
    head = qq.headline(demo, "MATH").set_index("session_type")
    label = EN["ui.quality_pass_rate_regular"].format(year="2025-2026")
    assert metrics(at)[label] == percent(head.loc["regular", "pass_rate"] / 100, "en", 1)
    table = at.dataframe[0].value
    programmes = set(qq.pass_rates(demo, "program", "MATH")["name_en"])
    assert set(table[EN["col.program"]]) == programmes


@pytest.mark.parametrize(("points", "expected"), [(10.0, ["710400-BA"]), (17.0, [])])
def test_the_drop_tab_lists_programmes_beyond_the_chosen_fall(demo, points, expected):
    state = {"quality_tab": EN["ui.quality_tab_drops"], "aq_drop_points": points}
    at = open_page("pages/quality.py", state=state)
    assert [r for r in qq.pass_rate_drops(demo, points)["program_code"]] == expected
    if expected:
        assert at.warning[0].value == EN["ui.quality_drops_found"].format(
            count=1, points=number(points, "en", 1)
        )
        assert at.dataframe[0].value[EN["col.program_code"]].tolist() == expected
    else:
        assert at.success[0].value == EN["ui.quality_no_drops"].format(
            points=number(points, "en", 1)
        )


def test_every_tab_works_for_a_faculty_and_speaks_kyrgyz(demo):
    ky = catalog("ky")
    for tab in QUALITY_TABS:
        state = {"quality_tab": ky[f"ui.quality_tab_{tab}"], "aq_faculty": "MATH"}
        at = open_page("pages/quality.py", "ky", state)
        assert not untranslated(at), (tab, untranslated(at))
        assert at.get("plotly_chart"), tab
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
    assert at.error[0].value == EN["ui.staff_below"].format(
        share=percent(0.6, "en"), faculties="PED", count=1
    )
    table = at.dataframe[0].value
    flagged = table[table[EN["ui.col_below"]] == EN["ui.staff_flag_below"]]
    assert flagged[EN["col.faculty"]].tolist() == below
    label = EN["ui.staff_degree_share"].format(year=year)
    whole = sq.composition_by_year(demo).set_index("year").loc[year, "degree_share"]
    assert metrics(at)[label] == percent(whole, "en", 1)


def test_viewers_see_rating_aggregates_of_five_or_more_only(demo):
    state = {"staff_tab": EN["ui.staff_tab_rating"]}
    at = open_page("pages/staff.py", state=state)
    summary = sq.rating_summary(demo, max(sq.rating_years(demo)))
    hidden = summary[summary["hidden"]]["faculty"].tolist()
    assert hidden == ["HIST"]
    assert "HIST" in texts(at)
    assert len(at.dataframe) == 1  # the aggregate table, no individual rows
    shown = at.dataframe[0].value
    assert "HIST" not in set(shown[EN["col.faculty"]])
    assert shown[EN["ui.col_people"]].min() >= sq.MIN_GROUP
    assert EN["col.staff_code"] not in shown.columns


def test_admins_also_see_the_individual_rows(demo):
    state = {"staff_tab": EN["ui.staff_tab_rating"], "ts_faculty": "HIST"}
    at = open_page("pages/staff.py", state=state, user="admin")
    rows = sq.rating_rows(demo, max(sq.rating_years(demo)), "HIST")
    assert len(at.dataframe) == 2
    individual = at.dataframe[1].value
    assert individual[EN["col.staff_code"]].tolist() == rows["staff_code"].tolist()


def test_both_pages_explain_an_empty_warehouse(db_path, conn, env_db):
    env_db(db_path)
    conn.close()
    at = open_page("pages/quality.py")
    assert at.info[0].value == EN["ui.quality_empty"]
    at = open_page("pages/staff.py", "ru")
    assert at.info[0].value == catalog("ru")["ui.staff_empty"]


def test_only_surveys_is_enough_for_the_quality_page(db_path, conn, env_db):
    conn.execute(
        "INSERT INTO survey_results VALUES ('s', '2024-2025', 'students', 'F1', 'Q1', "
        "'ky', 'ru', 'en', 10, 3.0, 0.4, NULL)"
    )
    conn.close()
    env_db(db_path)
    at = open_page("pages/quality.py")
    assert "—" in metrics(at).values()
    at = open_page("pages/quality.py", state={"quality_tab": EN["ui.quality_tab_surveys"]})
    assert at.dataframe[0].value[EN["ui.col_question"]].tolist() == ["en"]
    at = open_page("pages/quality.py", state={"quality_tab": EN["ui.quality_tab_drops"]})
    assert at.success


def test_overview_shows_pass_rate_and_degree_share_with_their_change(demo):
    at = app_test()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    shown = metrics(at)
    head = qq.headline(demo).set_index("session_type").loc["regular"]
    rate = shown[EN["ui.overview_pass_rate"].format(year="2025-2026")]
    assert rate == percent(head["pass_rate"] / 100, "en", 1)
    whole = sq.composition_by_year(demo).set_index("year")
    label = EN["ui.overview_degree_share"].format(year=2026)
    assert shown[label] == percent(whole.loc[2026, "degree_share"], "en", 1)
    deltas = {m.label: m.proto.delta for m in at.metric}
    change = 100 * (whole.loc[2026, "degree_share"] - whole.loc[2025, "degree_share"])
    assert deltas[label] == EN["ui.points_change"].format(change=f"+{change:.1f}")
    pass_change = head["pass_rate"] - head["previous"]
    assert deltas[EN["ui.overview_pass_rate"].format(year="2025-2026")] == EN[
        "ui.points_change"
    ].format(change=f"+{pass_change:.1f}")
    links = [p.label for p in at.get("page_link")]
    assert EN["alert.degree_below"].format(count=1) in links
    assert EN["alert.pass_rate_drops"].format(count=1, points="10") in links
