"""AppTest of the Data page: a figure's source opens its upload in History."""

from __future__ import annotations

import duckdb

from sapat.i18n import catalog
from tests.conftest import app_test

EN = catalog("en")


def test_history_opens_on_the_upload_a_source_links_to(demo_db, env_db):
    env_db(demo_db)
    conn = duckdb.connect(str(demo_db))
    [(batch,)] = conn.execute("SELECT min(batch_id) FROM mobility").fetchall()
    conn.close()
    at = app_test("editor", lang="en")
    at.run()
    at.switch_page("pages/data.py")
    at.query_params["tab"] = "data.tab_history"
    at.query_params["batch"] = str(batch)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["data_tab"] == EN["data.tab_history"]
    assert at.selectbox(key="data_undo_batch").value == batch
    assert any(f"{batch} · " in i.value for i in at.info)
    # Taken once: the next run no longer forces that upload.
    assert "batch" not in at.query_params


def test_an_unknown_batch_is_ignored(demo_db, env_db):
    env_db(demo_db)
    at = app_test("editor", lang="en")
    at.run()
    at.switch_page("pages/data.py")
    at.query_params["tab"] = "data.tab_history"
    at.query_params["batch"] = "999999"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.info or all("999999" not in i.value for i in at.info)


def test_every_uploader_says_what_it_takes(demo_db, env_db):
    env_db(demo_db)
    at = app_test("editor", lang="ru")
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    hint = catalog("ru")["ui.uploader_hint"].split("{")[0]
    hints = [c.value for c in at.caption if c.value.startswith(hint)]
    assert len(hints) >= 2  # one file, several files (the ranking tab draws when opened)
