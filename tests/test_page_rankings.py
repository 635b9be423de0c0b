"""AppTest of the rankings page on demo data and on an empty warehouse."""

import duckdb
from streamlit.testing.v1 import AppTest

from sapat.i18n import catalog
from sapat.queries import rankings as rq
from tests.conftest import app_test

EN = catalog("en")


def open_rankings(lang: str = "en") -> AppTest:
    at = app_test()
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/rankings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_rankings_page_on_demo_data(demo_db, env_db):
    env_db(demo_db)
    at = open_rankings()
    assert at.header[0].value == EN["ui.rankings_title"]
    assert [tab.label for tab in at.tabs] == [
        EN["ui.tab_position"],
        EN["ui.tab_indicators"],
        EN["ui.tab_peers"],
        EN["ui.tab_whatif"],
        EN["ui.tab_agency"],
    ]
    conn = duckdb.connect(str(demo_db))
    home = rq.home_institution(conn)
    ranking = at.selectbox(key="ranking").value
    expected = rq.history(conn, ranking, (home,))
    conn.close()
    editions = at.table[0].value
    assert (
        editions[EN["ui.col_rank"]].tolist()
        == expected.sort_values("year", ascending=False)["rank_display"].tolist()
    )
    # Only the open tab is drawn; the what-if starts from the published scores and its
    # estimate moves with a slider.
    assert not at.slider
    at.session_state["ranking_tab"] = EN["ui.tab_whatif"]
    at.run()
    slider = at.slider[0]
    before = [m.value for m in at.metric if m.label == EN["ui.whatif_score"]][0]
    slider.set_value(min(100.0, slider.value + 20)).run()
    after = [m.value for m in at.metric if m.label == EN["ui.whatif_score"]][0]
    assert float(after) > float(before)
    assert any(EN["ui.whatif_caveat"][:30] in w.value for w in at.warning)


def test_switching_ranking_shows_its_editions(demo_db, env_db):
    env_db(demo_db)
    at = open_rankings()
    at.selectbox(key="ranking").set_value("qs_wur").run()
    assert not at.exception
    shown = at.table[0].value[EN["ui.col_rank"]].tolist()
    assert "1201-1400" in shown


def test_rankings_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_rankings("ru")
    assert any(catalog("ru")["ui.rankings_empty"] in i.value for i in at.info)


def test_a_failing_page_shows_a_translated_message_not_a_traceback(demo_db, env_db, monkeypatch):
    from sapat.queries import overview as oq

    env_db(demo_db)

    def broken(conn):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(oq, "latest_rankings", broken)
    at = app_test()
    at.session_state["lang"] = "ky"
    at.run()  # the default page, run inside app.py's frame
    assert not at.exception
    assert [e.value for e in at.error] == [catalog("ky")["ui.error_generic"]]
    assert at.sidebar.selectbox[0].value == "ky"  # the frame is still there


def test_the_peers_tab_offers_the_peer_groups_of_the_institutions(demo_db, env_db):
    env_db(demo_db)
    at = open_rankings()
    at.session_state["ranking_tab"] = EN["ui.tab_peers"]
    at.run()
    ranking = at.selectbox(key="ranking").value
    group = at.selectbox(key=f"peer_group_{ranking}")
    assert "Kyrgyzstan" in group.options
    group.select("Kyrgyzstan").run()
    assert not at.exception
    conn = duckdb.connect(str(demo_db))
    members = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT r.institution FROM ranking_results r JOIN institutions i "
            "ON i.name = r.institution WHERE r.ranking = ? AND i.peer_group = 'Kyrgyzstan' "
            "AND NOT i.is_home",
            [ranking],
        ).fetchall()
    }
    conn.close()
    chosen = at.multiselect(key=f"peers_{ranking}_Kyrgyzstan").value
    assert members and set(chosen) == members
