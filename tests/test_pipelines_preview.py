"""The commit preview: the loader's own counts and cell changes, with nothing written."""

import time

import pandas as pd

from pipelines.ingest import ingest_bytes
from pipelines.preview import CHANGE_COLUMNS, preview_changes
from sapat import db
from tests.conftest import xlsx_bytes

HEADER = ["program_code", "name_en", "level", "faculty", "status"]
MOBILITY = [
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


def checked(conn, dataset, data, name="f.xlsx"):
    report = ingest_bytes(conn, dataset, name, data, check_only=True)
    assert not report.problems, [p.message("en") for p in report.problems]
    return report


def footprint(conn):
    """Everything a preview must leave as it was."""
    return (
        conn.execute("SELECT * FROM programs ORDER BY 1").fetchall(),
        conn.execute("SELECT count(*) FROM hist_programs").fetchone(),
        conn.execute("SELECT count(*) FROM upload_batches").fetchone(),
        conn.execute("SELECT count(*) FROM audit_log").fetchone(),
        db.data_version(conn),
    )


def test_counts_and_changes_are_what_the_commit_then_reports(conn):
    ingest_bytes(
        conn,
        "programs",
        "p.xlsx",
        xlsx_bytes(
            [
                HEADER,
                ["P1", "Economics", "bachelor", "ECON", "active"],
                ["P2", "Law", "bachelor", "LAW", "active"],
                ["P3", "History", "master", "HIST", "active"],
            ]
        ),
    )
    data = xlsx_bytes(
        [
            HEADER,
            ["P1", "Economics", "bachelor", "ECON", "active"],  # unchanged
            ["P2", "Law", "master", "LAW", "closed"],  # two cells changed
            ["P3", None, "master", "HIST", "active"],  # a value removed
            ["P4", "Physics", "bachelor", "PHYS", "active"],  # new
        ],
        before=[["Programmes, 2025"]],
    )
    report = checked(conn, "programs", data)
    before = footprint(conn)
    preview = preview_changes(conn, "programs", report.good)
    assert footprint(conn) == before
    assert (preview.new, preview.changed, preview.unchanged) == (1, 2, 1)
    assert list(preview.changes.columns) == CHANGE_COLUMNS
    # Rows as Excel numbers them (a title row above the header), columns in table order.
    assert preview.changes.values.tolist() == [
        [4, "P2", "level", "bachelor", "master"],
        [4, "P2", "status", "active", "closed"],
        [5, "P3", "name_en", "History", ""],
    ]
    assert preview.new_rows["row"].tolist() == [6]
    assert preview.new_rows.loc[0, "program_code"] == "P4"
    assert {"name_ky", "faculty", "status"} <= set(preview.new_rows.columns)

    result = ingest_bytes(conn, "programs", "p.xlsx", data).result
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1, 2, 1)


def test_an_empty_warehouse_makes_every_row_new(conn):
    report = checked(
        conn,
        "programs",
        xlsx_bytes(
            [
                HEADER,
                ["P1", "Economics", "bachelor", "ECON", "active"],
                ["P2", "Law", "bachelor", "LAW", "active"],
            ]
        ),
    )
    before = footprint(conn)
    preview = preview_changes(conn, "programs", report.good)
    assert (preview.new, preview.changed, preview.unchanged) == (2, 0, 0)
    assert preview.changes.empty and list(preview.changes.columns) == CHANGE_COLUMNS
    assert preview.new_rows[["row", "program_code"]].values.tolist() == [[2, "P1"], [3, "P2"]]
    assert footprint(conn) == before


def test_nothing_is_left_registered_on_the_connection(conn):
    def objects():
        return conn.execute(
            "SELECT view_name FROM duckdb_views() UNION ALL "
            "SELECT table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()

    report = checked(conn, "programs", xlsx_bytes([HEADER, ["P1", "E", "bachelor", "E", "active"]]))
    before = objects()
    preview_changes(conn, "programs", report.good)
    assert objects() == before


def test_no_rows_preview_nothing(conn):
    report = checked(conn, "programs", xlsx_bytes([HEADER, ["P1", "E", "bachelor", "E", "active"]]))
    preview = preview_changes(conn, "programs", report.good.iloc[:0])
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, 0)
    assert preview.changes.empty and preview.new_rows.empty


def test_derived_columns_change_with_their_source_and_dates_compare_as_dates(conn):
    row = ["M1", "2024-2025", "student_bachelor", "P-1", "outgoing", "international"]
    ingest_bytes(
        conn,
        "mobility",
        "m.xlsx",
        xlsx_bytes([MOBILITY, [*row, "01.09.2024", "20.01.2025", "completed"]]),
    )
    # The same dates written another way are no change; a shorter stay changes the
    # derived duration and its type too.
    same = checked(
        conn, "mobility", xlsx_bytes([MOBILITY, [*row, "2024-09-01", "2025-01-20", "completed"]])
    )
    assert preview_changes(conn, "mobility", same.good).unchanged == 1
    data = xlsx_bytes([MOBILITY, [*row, "01.09.2024", "20.09.2024", "completed"]])
    preview = preview_changes(conn, "mobility", checked(conn, "mobility", data).good)
    assert (preview.new, preview.changed, preview.unchanged) == (0, 1, 0)
    assert preview.changes[["column", "before", "after"]].values.tolist() == [
        ["end_date", "2025-01-20", "2024-09-20"],
        ["duration_days", "141", "19"],
        ["duration_type", "long", "short"],
    ]
    result = ingest_bytes(conn, "mobility", "m.xlsx", data).result
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (0, 1, 0)


def test_a_composite_key_is_shown_joined_and_the_limit_holds(conn):
    header = ["ranking", "year", "institution", "rank_display"]
    ingest_bytes(
        conn,
        "ranking_results",
        "r.xlsx",
        xlsx_bytes([header, ["qs_wur", 2025, "KNU", "801-850"], ["qs_wur", 2025, "AUCA", "1401+"]]),
    )
    data = xlsx_bytes([header, ["qs_wur", 2025, "KNU", "39"], ["qs_wur", 2025, "AUCA", "40"]])
    report = checked(conn, "ranking_results", data)
    full = preview_changes(conn, "ranking_results", report.good)
    assert full.changed == 2
    assert full.changes["key"].iloc[0] == "qs_wur · 2025 · KNU"
    knu = full.changes[full.changes["row"] == 2]
    assert knu["column"].tolist()[:3] == ["rank_display", "rank_low", "rank_high"]
    assert knu[["before", "after"]].values.tolist()[:3] == [
        ["801-850", "39"],
        ["801", "39"],
        ["850", "39"],
    ]
    short = preview_changes(conn, "ranking_results", report.good, limit=2)
    assert short.changes.values.tolist() == full.changes.head(2).values.tolist()
    assert short.changed == 2  # counts are never cut by the limit


def test_ten_thousand_rows_half_changed(conn):
    def csv(changed):
        lines = [",".join(HEADER)]
        lines += [
            f"P{i},Name {i}{'x' if changed and i % 2 else ''},bachelor,ECON,active"
            for i in range(10_000)
        ]
        return "\n".join(lines).encode()

    ingest_bytes(conn, "programs", "p.csv", csv(False))
    report = checked(conn, "programs", csv(True), "p.csv")
    start = time.perf_counter()
    preview = preview_changes(conn, "programs", report.good)
    print(f"preview of 10,000 rows: {(time.perf_counter() - start) * 1000:.0f} ms")
    assert (preview.new, preview.changed, preview.unchanged) == (0, 5000, 5000)
    assert len(preview.changes) == 500
    assert preview.changes["row"].is_monotonic_increasing
    result = ingest_bytes(conn, "programs", "p.csv", csv(True)).result
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (0, 5000, 5000)


def test_new_rows_keep_the_model_types(conn):
    report = checked(
        conn,
        "mobility",
        xlsx_bytes(
            [
                MOBILITY,
                [
                    "M9",
                    "2024-2025",
                    "student_bachelor",
                    "P-9",
                    "outgoing",
                    "international",
                    "01.09.2024",
                    "20.09.2024",
                    "completed",
                ],
            ]
        ),
    )
    rows = preview_changes(conn, "mobility", report.good).new_rows
    assert rows.loc[0, "row"] == 2
    assert rows.loc[0, "start_date"] == pd.Timestamp("2024-09-01")
    assert rows.loc[0, "duration_days"] == 19
