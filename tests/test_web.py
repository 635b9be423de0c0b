"""Each thread queries through its own cursor: overlapping runs of one session never collide."""

from __future__ import annotations

import threading

from sapat import web


def test_overlapping_runs_each_get_their_own_cursor(db_path, env_db):
    env_db(db_path)
    web.cursor().execute("SELECT 1").fetchall()  # the process connection exists
    errors: list[BaseException] = []
    seen: list[object] = []
    start = threading.Barrier(4)

    def run() -> None:
        try:
            start.wait()
            conn = web.cursor()
            seen.append(conn)
            assert web.cursor() is conn  # the same cursor for the rest of this run
            for _ in range(20):
                conn.execute("SELECT sum(i) FROM range(200000) t(i)").fetchall()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({id(c) for c in seen}) == 4


def test_a_missing_card_value_shows_a_dash_not_none_or_nan():
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import streamlit as st

        from sapat.web import card

        card(st, "A", float("nan"))
        card(st, "B", None)
        card(st, "C", 0)

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["—", "—", "0"]
