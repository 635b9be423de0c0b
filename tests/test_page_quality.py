"""AppTest of the Academic quality page: demo pass rates, faculty choice, drops, empty states."""

from __future__ import annotations

import duckdb
import pytest

from sapat.formats import number, percent
from sapat.i18n import catalog
from sapat.queries import quality as qq
from tests.app_kit import metric_values, open_page, untranslated
from tests.factories import insert

EN = catalog("en")
QUALITY_TABS = ("pass_rates", "grades", "drops", "attestation", "graduates", "surveys")


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
    shown = metric_values(at)
    for session in qq.SESSION_TYPES:
        label = EN[f"ui.quality_pass_rate_{session}"].format(year="2025-2026")
        assert shown[label] == percent(head.loc[session, "pass_rate"] / 100, "en", 1)


def test_choosing_a_faculty_changes_the_cards_and_lists_its_programmes(demo):
    at = open_page("pages/quality.py", state={"aq_faculty": "MATH"})
    head = qq.headline(demo, "MATH").set_index("session_type")
    label = EN["ui.quality_pass_rate_regular"].format(year="2025-2026")
    assert metric_values(at)[label] == percent(head.loc["regular", "pass_rate"] / 100, "en", 1)
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


def test_the_page_explains_an_empty_warehouse(db_path, conn, env_db):
    env_db(db_path)
    conn.close()
    at = open_page("pages/quality.py")
    assert at.info[0].value == EN["ui.quality_empty"]


def test_only_surveys_is_enough_for_the_quality_page(db_path, conn, env_db):
    texts = {"question_ky": "ky", "question_ru": "ru", "question_en": "en"}
    figures = {"responses": 10, "mean_score": 3.0, "share_satisfied": 0.4}
    insert(conn, "survey_results", faculty="F1", question_code="Q1", **texts, **figures)
    conn.close()
    env_db(db_path)
    at = open_page("pages/quality.py")
    assert "—" in metric_values(at).values()
    at = open_page("pages/quality.py", state={"quality_tab": EN["ui.quality_tab_surveys"]})
    assert at.dataframe[0].value[EN["ui.col_question"]].tolist() == ["en"]
    at = open_page("pages/quality.py", state={"quality_tab": EN["ui.quality_tab_drops"]})
    assert at.success
