"""The overview's queries: alerts as small records of a domain, academic quality counts."""

from __future__ import annotations

import pandas as pd

from sapat.queries import overview as oq
from tests.factories import insert

ACC = {"expired": 1, "within_90": 2, "within_180": 5, "overdue_actions": 0}
AGR = {"dormant": 3, "expiring": 0}
FLAGS = pd.DataFrame({"flag": ["credits_failed_over_15", "gpa_below_3"], "count": [4, 9]})


def _ranks(*rows: tuple[str, str, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ranking", "rank_display", "prev_display", "movement"])


def test_alerts_are_records_with_a_domain_and_raw_figures():
    ranks = _ranks(("qs_asia", "401-450", "351-400", "down"), ("the", "301", "320", "up"))
    off = pd.DataFrame({"code": ["a", "b"]})
    alerts = oq.build_alerts(ranks, ACC, AGR, off, FLAGS, {"degree_below": 1})
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
    assert all(a.domain in oq.DOMAINS for a in alerts)
    assert not any(isinstance(v, str) and "pages/" in v for a in alerts for v in a.params.values())


def test_nothing_to_report_is_no_alert():
    none = {"expired": 0, "within_90": 0, "within_180": 0, "overdue_actions": 0}
    flags = FLAGS.assign(count=0)
    assert (
        oq.build_alerts(_ranks(), none, {"dormant": 0, "expiring": 0}, pd.DataFrame(), flags) == []
    )


def test_overview_counts_faculties_below_and_programmes_with_a_drop(conn):
    assert oq.quality_alerts(conn) == {"degree_below": 0, "pass_rate_drops": 0}
    insert(conn, "staff_composition", faculty="F1", headcount=10, candidates_of_science=5)
    insert(conn, "staff_composition", faculty="F2", headcount=10, candidates_of_science=7)
    exam = {"faculty": "F1", "program_code": "P1", "students_total": 100}
    insert(conn, "exam_results", **exam, academic_year="2024-2025", students_passed=90)
    insert(conn, "exam_results", **exam, academic_year="2025-2026", students_passed=70)
    assert oq.quality_alerts(conn) == {"degree_below": 1, "pass_rate_drops": 1}
    assert oq.quality_alerts(conn, 0.75) == {"degree_below": 2, "pass_rate_drops": 1}
