"""The overview's alerts: small records of a domain, linked by app.py to the page of that domain."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from sapat.i18n import catalog
from sapat.queries import overview as q
from tests.conftest import app_test

EN = catalog("en")
ACC = {"expired": 1, "within_90": 2, "within_180": 5, "overdue_actions": 0}
AGR = {"dormant": 3, "expiring": 0}
FLAGS = pd.DataFrame({"flag": ["credits_failed_over_15", "gpa_below_3"], "count": [4, 9]})


def _ranks(*rows: tuple[str, str, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ranking", "rank_display", "prev_display", "movement"])


def test_alerts_are_records_with_a_domain_and_raw_figures():
    ranks = _ranks(("qs_asia", "401-450", "351-400", "down"), ("the", "301", "320", "up"))
    off = pd.DataFrame({"code": ["a", "b"]})
    alerts = q.build_alerts(ranks, ACC, AGR, off, FLAGS, {"degree_below": 1})
    assert [(a.key, a.severity, a.domain, a.count) for a in alerts] == [
        ("ranking_drop", 1, "rankings", 1),
        ("expired", 1, "accreditation", 1),
        ("expiring_90", 1, "accreditation", 2),
        ("kpis_off_track", 1, "kpis", 2),
        ("expulsion_risk", 1, "mobility", 4),
        ("degree_below", 1, "staff", 1),
        ("expiring_180", 2, "accreditation", 3),
        ("dormant_agreements", 2, "agreements", 3),
    ]
    # A ranking drop carries its ranking's code and both positions as they were published,
    # nothing packed into one string, and no page: the app decides where an alert leads.
    assert alerts[0].params == {
        "count": 1,
        "ranking": "qs_asia",
        "rank": "401-450",
        "previous": "351-400",
    }
    assert all(a.domain in q.DOMAINS for a in alerts)
    assert not any(isinstance(v, str) and "pages/" in v for a in alerts for v in a.params.values())


def test_nothing_to_report_is_no_alert():
    none = {"expired": 0, "within_90": 0, "within_180": 0, "overdue_actions": 0}
    flags = FLAGS.assign(count=0)
    assert (
        q.build_alerts(_ranks(), none, {"dormant": 0, "expiring": 0}, pd.DataFrame(), flags) == []
    )


def test_overview_alerts_link_to_the_page_of_their_domain(demo_db, env_db):
    env_db(demo_db)
    at = app_test()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    pages = at.session_state["_domain_pages"]
    assert set(pages) == set(q.DOMAINS)
    conn = duckdb.connect(str(demo_db))
    alerts = q.alerts(conn, dt.date.today())
    conn.close()
    links = [(p.label, p.proto.page) for p in at.get("page_link")]
    assert links and len(links) == min(7, len(alerts))
    # Each link opens the page app.py maps its alert's domain to, in the alerts' order.
    for (label, page), alert in zip(links, alerts, strict=False):
        assert page == pages[alert.domain].url_path
        if alert.key == "expired":
            assert label == EN["alert.expired"].format(count=alert.count)
