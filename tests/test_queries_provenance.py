"""Where figures come from: years and the uploads whose rows are still in the warehouse."""

from __future__ import annotations

import pytest

from pipelines.loader import rollback
from sapat.provenance import Source, reads, source_of
from sapat.queries import provenance as pvq
from sapat.upload import commit_upload
from tests.conftest import xlsx_bytes

HEADERS = ["Mobility ID", "Academic year", "Participant category", "Participant code"]
HEADERS += ["Direction", "Scope", "Status", "Start date", "End date"]


def _mobility(*ids: int, year: str = "2025-2026") -> bytes:
    rows = [
        [f"M-{i}", year, "student_master", f"P-{i}", "outgoing", "international", "departed"]
        + ["01.02.2026", "30.06.2026"]
        for i in ids
    ]
    return xlsx_bytes([HEADERS, *rows])


def _upload(conn, name: str, data: bytes, user: str):
    report = commit_upload(conn, "mobility", name, data, mode="strict", user=user, lang="en")
    assert report.result is not None and report.result.status == "committed", report
    return report.result.batch_id


def test_an_empty_dataset_has_no_rows_years_or_uploads(conn):
    [found] = pvq.dataset_sources(conn, ("mobility",))
    assert found == {
        "dataset": "mobility",
        "rows": 0,
        "years": [],
        "academic": True,
        "batches": [],
    }


def test_the_uploads_that_last_changed_the_rows_newest_first(conn):
    first = _upload(conn, "autumn.xlsx", _mobility(1, 2, 3, year="2023-2024"), "aida")
    second = _upload(conn, "spring.xlsx", _mobility(3, 4), "bakyt")
    [found] = pvq.dataset_sources(conn, ("mobility",))
    assert found["rows"] == 4
    assert found["years"] == [2023, 2025] and found["academic"]
    batches = [
        (b["batch_id"], b["file_name"], b["uploaded_by"], b["rows"]) for b in found["batches"]
    ]
    # M-3 was loaded again by the spring file: it now belongs to that upload.
    assert batches == [(second, "spring.xlsx", "bakyt", 2), (first, "autumn.xlsx", "aida", 2)]


def test_an_undone_upload_is_no_longer_a_source(conn):
    first = _upload(conn, "autumn.xlsx", _mobility(1, 2), "aida")
    second = _upload(conn, "spring.xlsx", _mobility(5), "bakyt")
    rollback(conn, second, user="aida")
    [found] = pvq.dataset_sources(conn, ("mobility",))
    assert [b["batch_id"] for b in found["batches"]] == [first]


def test_reads_is_checked_against_the_registry_and_sources_merge():
    @reads("mobility", "agreements")
    def credited(conn):  # pragma: no cover - only its declaration matters
        return None

    assert source_of(credited) == Source(("mobility", "agreements"))
    merged = source_of((credited, Source(("agreements", "kpi_values"), measure="pass_rate")))
    assert merged == Source(("mobility", "agreements", "kpi_values"), "pass_rate")
    assert source_of(None) is None and source_of(lambda: 1) is None
    with pytest.raises(ValueError, match="unknown"):
        reads("mobilty")
