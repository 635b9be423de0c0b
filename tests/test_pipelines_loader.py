"""Loading in one transaction: strict and valid-rows modes, no-op re-uploads, exact undo."""

import json

import pytest

from pipelines.ingest import ingest_bytes
from pipelines.loader import RollbackRefused, rollback
from sapat import db
from tests.conftest import xlsx_bytes

HEADER = ["program_code", "name_en", "level", "faculty", "status"]


def programs(*rows: list) -> bytes:
    return xlsx_bytes([HEADER, *rows])


def table(conn, sql="SELECT program_code, name_en, level, batch_id FROM programs ORDER BY 1"):
    return conn.execute(sql).fetchall()


def batch(conn, batch_id):
    return conn.execute(
        "SELECT rows_in, rows_loaded, rows_rejected, status, mode FROM upload_batches "
        "WHERE batch_id = ?",
        [batch_id],
    ).fetchone()


def test_strict_upload_with_a_bad_row_loads_nothing_and_records_why(conn):
    data = programs(
        ["P1", "Economics", "bachelor", "ECON", "active"],
        ["P2", "Law", "doctorate", "LAW", "active"],
    )
    report = ingest_bytes(conn, "programs", "p.xlsx", data)
    assert not report.loaded
    assert table(conn) == []
    assert batch(conn, report.result.batch_id) == (2, 0, 2, "rejected", "strict")
    rejected = conn.execute(
        'SELECT sheet, row_number, "column", value, problem, row_data FROM rejected_rows'
    ).fetchall()
    assert len(rejected) == 1
    sheet, row, column, value, problem, row_data = rejected[0]
    assert (sheet, row, column, value) == ("data", 3, "level", "doctorate")
    assert "Bachelor" in problem  # allowed values named by their labels
    assert json.loads(row_data)["program_code"] == "P2"


def test_valid_rows_mode_loads_the_good_rows_and_keeps_the_rest(conn):
    data = programs(
        ["P1", "Economics", "bachelor", "ECON", "active"],
        ["P2", "Law", "doctorate", "LAW", "active"],
        ["P3", None, "master", None, "active"],
    )
    report = ingest_bytes(conn, "programs", "p.xlsx", data, mode="valid_rows")
    assert report.loaded
    assert table(conn) == [("P1", "Economics", "bachelor", report.result.batch_id)]
    rows_in, loaded, rejected, status, mode = batch(conn, report.result.batch_id)
    assert (rows_in, loaded, rejected, status, mode) == (3, 1, 2, "committed", "valid_rows")
    assert rows_in == loaded + rejected
    problems = conn.execute('SELECT row_number, "column" FROM rejected_rows ORDER BY 1').fetchall()
    assert problems == [(3, "level"), (4, "faculty")]


def test_uploading_the_same_file_twice_changes_nothing(conn):
    data = programs(
        ["P1", "Economics", "bachelor", "ECON", "active"],
        ["P2", "Law", "bachelor", "LAW", "active"],
    )
    first = ingest_bytes(conn, "programs", "p.xlsx", data)
    version = db.data_version(conn)
    before = table(conn)
    second = ingest_bytes(conn, "programs", "p.xlsx", data)
    assert second.loaded
    assert (second.result.rows_new, second.result.rows_changed, second.result.rows_unchanged) == (
        0,
        0,
        2,
    )
    assert table(conn) == before
    assert all(row[3] == first.result.batch_id for row in table(conn))
    assert db.data_version(conn) == version


def test_rollback_removes_inserted_rows_and_restores_changed_ones(conn):
    first = ingest_bytes(
        conn,
        "programs",
        "a.xlsx",
        programs(
            ["P1", "Economics", "bachelor", "ECON", "active"],
            ["P2", "Law", "bachelor", "LAW", "active"],
        ),
    )
    before = table(conn)
    second = ingest_bytes(
        conn,
        "programs",
        "b.xlsx",
        programs(
            ["P1", "Economics and Management", "master", "ECON", "active"],
            ["P2", "Law", "bachelor", "LAW", "active"],
            ["P3", "Medicine", "specialist", "MED", "active"],
        ),
    )
    assert (second.result.rows_new, second.result.rows_changed, second.result.rows_unchanged) == (
        1,
        1,
        1,
    )
    assert len(table(conn)) == 3
    version = db.data_version(conn)
    assert rollback(conn, second.result.batch_id, "tester") == {"removed": 1, "restored": 1}
    assert table(conn) == before
    assert batch(conn, second.result.batch_id)[3] == "rolled_back"
    assert db.data_version(conn) == version + 1
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'rollback'").fetchone() == (
        1,
    )
    with pytest.raises(RollbackRefused) as again:
        rollback(conn, second.result.batch_id, "tester")
    assert again.value.code == "not_committed"
    assert rollback(conn, first.result.batch_id, "tester") == {"removed": 2, "restored": 0}
    assert table(conn) == []


def test_rollback_is_refused_while_a_later_upload_changed_the_same_rows(conn):
    first = ingest_bytes(
        conn, "programs", "a.xlsx", programs(["P1", "Economics", "bachelor", "ECON", "active"])
    )
    later = ingest_bytes(
        conn, "programs", "b.xlsx", programs(["P1", "Economy", "bachelor", "ECON", "active"])
    )
    with pytest.raises(RollbackRefused) as refused:
        rollback(conn, first.result.batch_id, "tester")
    assert refused.value.code == "changed_later"
    assert str(later.result.batch_id) in refused.value.params["later"]
    rollback(conn, later.result.batch_id, "tester")
    rollback(conn, first.result.batch_id, "tester")
    assert table(conn) == []


def test_rollback_of_unknown_batch(conn):
    with pytest.raises(RollbackRefused) as refused:
        rollback(conn, 999, "tester")
    assert refused.value.code == "no_such_batch"


def test_a_failure_inside_the_load_leaves_nothing_behind(conn, monkeypatch):
    import pipelines.loader as loader

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_rejected_records", boom)
    data = programs(
        ["P1", "Economics", "bachelor", "ECON", "active"],
        ["P2", "Law", "doctorate", "LAW", "active"],
    )
    with pytest.raises(RuntimeError):
        ingest_bytes(conn, "programs", "p.xlsx", data, mode="valid_rows")
    assert table(conn) == []
    assert conn.execute("SELECT count(*) FROM upload_batches").fetchone() == (0,)


def test_references_must_exist(conn):
    ingest_bytes(
        conn, "programs", "p.xlsx", programs(["P1", "Economics", "bachelor", "ECON", "active"])
    )
    data = xlsx_bytes(
        [
            ["license_no", "program_code", "issued_on", "status"],
            ["L1", "P1", "01.09.2020", "active"],
            ["L2", "P9", "01.09.2020", "active"],
            ["L3", None, "01.09.2015", "active"],
        ]
    )
    report = ingest_bytes(conn, "licenses", "l.xlsx", data, mode="valid_rows")
    assert [(p.row, p.code) for p in report.problems] == [(3, "unknown_reference")]
    assert conn.execute("SELECT license_no FROM licenses ORDER BY 1").fetchall() == [
        ("L1",),
        ("L3",),
    ]


def test_mobility_duration_is_derived(conn):
    header = [
        "mobility_id",
        "academic_year",
        "participant_category",
        "participant_code",
        "direction",
        "scope",
        "start_date",
        "end_date",
        "status",
    ]
    data = xlsx_bytes(
        [
            header,
            [
                "M1",
                "2024-2025",
                "student_bachelor",
                "P-1",
                "outgoing",
                "international",
                "01.09.2024",
                "20.01.2025",
                "completed",
            ],
            [
                "M2",
                "2024/25",
                "academic_staff",
                "P-2",
                "incoming",
                "international",
                "01.10.2024",
                "10.10.2024",
                "completed",
            ],
        ]
    )
    report = ingest_bytes(conn, "mobility", "m.xlsx", data)
    assert report.loaded, [p.message("en") for p in report.problems]
    rows = conn.execute(
        "SELECT mobility_id, academic_year, duration_days, duration_type FROM mobility ORDER BY 1"
    ).fetchall()
    assert rows == [("M1", "2024-2025", 141, "long"), ("M2", "2024-2025", 9, "short")]
