"""AppTest of app.py: the overview shows the warehouse's numbers, in the chosen language."""

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from sapat.i18n import catalog
from sapat.queries import accreditation, kpis
from sapat.queries import agreements as aq
from sapat.queries import overview as q
from tests.conftest import app_test


def run_app(lang: str | None = None) -> AppTest:
    at = app_test()
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label_start: str):
    found = [m for m in at.metric if m.label.startswith(label_start)]
    assert found, f"no metric starting {label_start!r}; have {[m.label for m in at.metric]}"
    return found[0]


def test_overview_on_demo_data_shows_warehouse_numbers(demo_db, env_db):
    env_db(demo_db)
    at = run_app("en")
    en = catalog("en")
    assert at.header[0].value == en["ui.overview_title"]
    assert any(en["ui.demo_banner"] in w.value for w in at.sidebar.warning)
    conn = duckdb.connect(str(demo_db))  # same configuration as the app's connection
    today = dt.date.today()
    agreements = aq.summary(conn, today)
    assert metric(at, en["ui.agreements_active"]).value == str(agreements["active"])
    expiring = accreditation.summary(conn, today)["within_180"]
    assert metric(at, en["ui.expiring_180"]).value == str(expiring)
    latest = kpis.latest_year(conn)
    off = metric(at, en["ui.kpis_off_track"].format(year=kpis.years(conn)[0]))
    assert off.value == str(len(kpis.off_track(conn, latest)))
    ranks = q.latest_rankings(conn)
    shown = {m.value for m in at.metric}
    assert set(ranks.head(5)["rank_display"]) <= shown
    mobility = q.mobility_by_year(conn)
    this = mobility["academic_year"].max()
    out_now = mobility[(mobility.academic_year == this) & (mobility.direction == "outgoing")]
    label = en["ui.mobility_outgoing"].format(year=this)
    assert metric(at, label).value == str(int(out_now.participants.sum()))
    conn.close()


def test_kyrgyz_is_the_default_language(demo_db, env_db):
    env_db(demo_db)
    at = run_app()
    assert at.header[0].value == catalog("ky")["ui.overview_title"]
    assert at.sidebar.selectbox[0].value == "ky"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_language_picker_switches_the_page(demo_db, env_db, lang):
    env_db(demo_db)
    at = run_app()
    at.sidebar.selectbox[0].set_value(lang).run()
    assert at.header[0].value == catalog(lang)["ui.overview_title"]


def test_empty_warehouse_shows_a_helpful_empty_state(db_path, env_db):
    env_db(db_path)
    at = run_app("en")
    assert any(catalog("en")["ui.no_data"] in i.value for i in at.info)
    assert not at.sidebar.warning  # no demo banner on a real (empty) warehouse


def test_mobility_chart_has_both_directions_in_the_language():
    import pandas as pd

    from sapat.charts.overview import mobility_trend

    frame = pd.DataFrame(
        {
            "academic_year": ["2024-2025", "2024-2025", "2025-2026"],
            "direction": ["outgoing", "incoming", "outgoing"],
            "participants": [10, 4, 12],
        }
    )
    fig = mobility_trend(frame, "ru")
    names = [trace.name for trace in fig.data]
    assert names == [catalog("ru")["code.outgoing"], catalog("ru")["code.incoming"]]
    assert list(fig.data[0].y) == [10, 12] and list(fig.data[1].y) == [4]
    assert fig.layout.yaxis.range[1] > 12  # the labels above the bars have room


def test_dates_are_shown_in_the_users_format():
    import datetime as dt

    from sapat.display import format_date

    day = dt.date(2025, 12, 4)
    assert format_date(day, "ky") == "04.12.2025"
    assert format_date(day, "ru") == "04.12.2025"
    assert format_date(day, "en") == "04 Dec 2025"
    assert format_date(dt.datetime(2025, 12, 4, 0, 0), "ru") == "04.12.2025"
    assert format_date(None, "en") == ""
