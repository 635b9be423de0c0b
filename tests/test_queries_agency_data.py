"""Queries on the institutional data given to ranking agencies: counts, jumps, QS ratios."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.demo import KPI_YEARS
from sapat.queries import agency_data as adq
from tests.factories import insert


def define(conn: duckdb.DuckDBPyConnection, *codes: str) -> None:
    for code in codes:
        names = {f"name_{lang}": f"{lang} {code}" for lang in ("ky", "ru", "en")}
        insert(conn, "kpi_definitions", code=code, **names, category="ranking")


def put(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    year: int,
    value: float,
    scope: str = "university",
) -> None:
    insert(conn, "kpi_values", code=code, year=year, unit_scope=scope, value=value)


def series(conn: duckdb.DuckDBPyConnection, values: dict[str, dict[int, float]]) -> None:
    define(conn, *values)
    for code, by_year in values.items():
        for year, value in by_year.items():
            put(conn, code, year, value)


def jump_row(conn: duckdb.DuckDBPyConnection, code: str, year: int, **kw) -> pd.Series:
    frame = adq.jumps(conn, year, **kw)
    return frame.set_index("code").loc[code]


# --- constants and the threshold setting -----------------------------------------------
def test_agency_kpis_are_the_demo_codes():
    from pipelines.demo import KPI_DEFINITIONS

    assert set(adq.AGENCY_KPIS) <= {d[0] for d in KPI_DEFINITIONS}
    assert len(adq.AGENCY_KPIS) == 9
    assert adq.THRESHOLD_DEFAULT == 0.25


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 0.25),
        ("", 0.25),
        ("0.4", 0.4),
        (" 0.1 ", 0.1),
        ("30%", 0.30),
        ("0", 0.0),
        ("abc", 0.25),
        ("-0.2", 0.25),
        ("nan", 0.25),
        ("inf", 0.25),
        ("%", 0.25),
    ],
)
def test_jump_threshold_env(monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: float):
    if raw is None:
        monkeypatch.delenv(adq.THRESHOLD_ENV, raising=False)
    else:
        monkeypatch.setenv("SAPAT_JUMP_THRESHOLD", raw)
    assert adq.jump_threshold() == pytest.approx(expected)


# --- empty warehouse ----------------------------------------------------------------------
def test_empty_warehouse_gives_empty_frames(conn):
    counts = adq.agency_counts(conn)
    assert counts.empty
    assert list(counts.columns) == [
        "code",
        "name_ky",
        "name_ru",
        "name_en",
        "unit",
        "year",
        "value",
        "source",
    ]
    frame = adq.jumps(conn, 2024)
    assert frame.empty
    assert {"change", "flagged", "status", "threshold"} <= set(frame.columns)
    ratios = adq.qs_ratios(conn)
    assert ratios.empty
    assert list(ratios.columns) == ["year", *adq.RATIO_COLUMNS]
    assert adq.latest_year(conn) is None


# --- agency_counts and latest_year ---------------------------------------------------------
def test_counts_keep_only_university_values_of_agency_kpis(conn):
    series(conn, {"students_total": {2023: 1000, 2024: 1100}, "dropout_rate": {2024: 5}})
    put(conn, "students_total", 2024, 300, scope="MED")
    put(conn, "citations_scopus", 2022, 40)  # no definition: kept, names NULL
    counts = adq.agency_counts(conn)
    assert list(zip(counts["code"], counts["year"], counts["value"], strict=True)) == [
        ("citations_scopus", 2022, 40.0),
        ("students_total", 2023, 1000.0),
        ("students_total", 2024, 1100.0),
    ]
    assert counts.loc[1, "name_ru"] == "ru students_total"
    assert pd.isna(counts.loc[0, "name_en"])
    assert adq.latest_year(conn) == 2024


def test_latest_year_ignores_other_kpis_and_faculties(conn):
    series(conn, {"publications_scopus": {2021: 10}, "research_income": {2026: 5}})
    put(conn, "publications_scopus", 2025, 3, scope="MATH")
    assert adq.latest_year(conn) == 2021


# --- jumps --------------------------------------------------------------------------------
def test_exactly_the_threshold_is_not_flagged(conn):
    series(conn, {"students_total": {2023: 1000, 2024: 1250}})
    row = jump_row(conn, "students_total", 2024)
    assert row["change"] == pytest.approx(0.25)
    assert not row["flagged"]
    assert row["status"] == "ok"


def test_exact_threshold_with_float_noise_is_not_flagged(conn):
    # (1.5 - 1.2) / 1.2 is 0.25000000000000006 in binary floating point.
    series(conn, {"students_total": {2023: 1.2, 2024: 1.5}})
    assert not jump_row(conn, "students_total", 2024)["flagged"]


def test_just_above_the_threshold_is_flagged(conn):
    series(conn, {"students_total": {2023: 1000, 2024: 1251}})
    row = jump_row(conn, "students_total", 2024)
    assert row["change"] == pytest.approx(0.251)
    assert row["flagged"]
    assert row["status"] == "jump"


def test_a_drop_of_30_percent_is_flagged(conn):
    series(conn, {"international_staff": {2023: 50, 2024: 35}})
    row = jump_row(conn, "international_staff", 2024)
    assert row["change"] == pytest.approx(-0.30)
    assert row["flagged"]
    assert row["status"] == "jump"


def test_threshold_argument(conn):
    series(conn, {"students_total": {2023: 1000, 2024: 1251}})
    row = jump_row(conn, "students_total", 2024, threshold=0.3)
    assert not row["flagged"]
    assert row["status"] == "ok"
    assert row["threshold"] == 0.3
    with pytest.raises(ValueError):
        adq.jumps(conn, 2024, threshold=-0.1)


def test_missing_previous_year(conn):
    series(conn, {"publications_scopus": {2022: 10, 2024: 40}})
    row = jump_row(conn, "publications_scopus", 2024)
    assert row["status"] == "missing_previous"
    assert not row["flagged"]
    assert pd.isna(row["change"]) and pd.isna(row["previous_value"])
    assert row["value"] == 40


def test_zero_previous_value(conn):
    series(
        conn,
        {
            "inbound_exchange_students": {2023: 0, 2024: 12},
            "outbound_exchange_students": {2023: 0, 2024: 0},
        },
    )
    frame = adq.jumps(conn, 2024).set_index("code")
    row = frame.loc["inbound_exchange_students"]
    assert row["status"] == "zero_previous"
    assert not row["flagged"]
    assert pd.isna(row["change"])
    # 0 → 0 is no change at all.
    same = frame.loc["outbound_exchange_students"]
    assert same["status"] == "ok"
    assert same["change"] == 0
    assert not same["flagged"]


def test_missing_current_year(conn):
    series(conn, {"citations_scopus": {2023: 500}, "students_total": {2024: 10}})
    row = jump_row(conn, "citations_scopus", 2024)
    assert row["status"] == "missing_current"
    assert not row["flagged"]
    assert pd.isna(row["value"]) and row["previous_value"] == 500


def test_jumps_rows_columns_and_order(conn):
    series(conn, {"outbound_exchange_students": {2024: 5}, "students_total": {2024: 10}})
    define(conn, "staff_with_doctorate")  # defined, never measured
    put(conn, "dropout_rate", 2024, 7)  # not an agency KPI
    frame = adq.jumps(conn, 2024)
    assert list(frame.columns) == [
        "code",
        "name_ky",
        "name_ru",
        "name_en",
        "year",
        "previous_year",
        "value",
        "previous_value",
        "change",
        "flagged",
        "status",
        "threshold",
    ]
    assert list(frame["code"]) == [
        "students_total",
        "staff_with_doctorate",
        "outbound_exchange_students",
    ]
    assert list(frame["status"]) == ["missing_previous", "missing_current", "missing_previous"]
    assert set(frame["year"]) == {2024} and set(frame["previous_year"]) == {2023}
    assert frame["flagged"].dtype == bool
    assert frame.loc[0, "name_ky"] == "ky students_total"


def test_jumps_ignore_faculty_values(conn):
    series(conn, {"students_total": {2023: 1000, 2024: 1010}})
    put(conn, "students_total", 2024, 5000, scope="MED")
    put(conn, "students_total", 2023, 1, scope="LAW")
    row = jump_row(conn, "students_total", 2024)
    assert row["status"] == "ok"
    assert row["change"] == pytest.approx(0.01)


# --- qs_ratios ----------------------------------------------------------------------------
def test_ratio_arithmetic(conn):
    series(
        conn,
        {
            "students_total": {2024: 20000},
            "international_students": {2024: 3000},
            "academic_staff_fte": {2024: 1000},
            "international_staff": {2024: 50},
            "staff_with_doctorate": {2024: 450},
            "publications_scopus": {2024: 200},
            "citations_scopus": {2024: 900},
            "inbound_exchange_students": {2024: 40},
            "outbound_exchange_students": {2024: 100},
        },
    )
    row = adq.qs_ratios(conn).iloc[0]
    assert row["year"] == 2024
    expected = {
        "faculty_student_ratio": 0.05,  # 1000 / 20000
        "students_per_staff": 20.0,  # 20000 / 1000
        "international_faculty_ratio": 0.05,  # 50 / 1000
        "international_student_ratio": 0.15,  # 3000 / 20000
        "inbound_exchange_ratio": 0.002,  # 40 / 20000
        "outbound_exchange_ratio": 0.005,  # 100 / 20000
        "doctorate_share": 0.45,  # 450 / 1000
        "citations_per_paper": 4.5,  # 900 / 200
        "papers_per_faculty": 0.2,  # 200 / 1000
        "citations_per_faculty": 0.9,  # 900 / 1000
    }
    for column, value in expected.items():
        assert row[column] == pytest.approx(value), column


def test_ratios_are_null_for_missing_inputs_and_zero_denominators(conn):
    series(
        conn,
        {
            "students_total": {2023: 0, 2024: 500},
            "academic_staff_fte": {2023: 10, 2024: 0},
            "international_students": {2023: 5, 2024: 50},
            "publications_scopus": {2024: 0},
            "citations_scopus": {2024: 12},
        },
    )
    put(conn, "students_total", 2025, 100, scope="MED")  # faculty only: no university row
    ratios = adq.qs_ratios(conn).set_index("year")
    assert list(ratios.index) == [2023, 2024]
    y23, y24 = ratios.loc[2023], ratios.loc[2024]
    # 2023: no students → every per-student ratio is NULL; staff-based ratios need inputs.
    for column in (
        "faculty_student_ratio",
        "international_student_ratio",
        "inbound_exchange_ratio",
        "outbound_exchange_ratio",
        "international_faculty_ratio",
        "doctorate_share",
        "citations_per_paper",
    ):
        assert pd.isna(y23[column]), column
    assert y23["students_per_staff"] == 0
    # 2024: staff 0 → per-staff ratios NULL; papers 0 → citations per paper NULL.
    assert y24["faculty_student_ratio"] == 0
    assert y24["international_student_ratio"] == pytest.approx(0.1)
    for column in ("students_per_staff", "papers_per_faculty", "citations_per_faculty"):
        assert pd.isna(y24[column]), column
    assert pd.isna(y24["citations_per_paper"])


# --- the demo warehouse -------------------------------------------------------------------
def test_demo_ratios_are_plausible(demo_db):
    connection = duckdb.connect(str(demo_db))
    try:
        ratios = adq.qs_ratios(connection)
        assert list(ratios["year"]) == list(KPI_YEARS)
        for column in adq.PERCENT_RATIOS:
            assert ratios[column].notna().all(), column
            assert ((ratios[column] > 0) & (ratios[column] < 1)).all(), column
        assert ratios["students_per_staff"].between(5, 60).all()
        measured = ratios["citations_per_paper"].dropna()
        assert len(measured) >= len(KPI_YEARS) - 1
        assert (measured > 0).all()
        assert adq.latest_year(connection) == max(KPI_YEARS)
        frame = adq.jumps(connection, max(KPI_YEARS))
        assert list(frame["code"]) == list(adq.AGENCY_KPIS)
        assert frame["name_en"].notna().all()
        assert set(frame["status"]) <= set(adq.STATUSES)
        counts = adq.agency_counts(connection)
        assert set(counts["code"]) == set(adq.AGENCY_KPIS)
    finally:
        connection.close()
