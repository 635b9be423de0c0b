"""The academic year type: parsing, neighbours, dates, the calendar years, and its SQL twins."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from sapat.academic_year import (
    AcademicYear,
    end_year_sql,
    ending_in_sql,
    start_year_of_date_sql,
    start_year_sql,
)


def test_parse_and_write_back():
    year = AcademicYear.parse("2025-2026")
    assert year == AcademicYear(2025)
    assert str(year) == "2025-2026"
    assert (year.start_year, year.end_year) == (2025, 2026)
    assert AcademicYear.ending_in(2026) == year


@pytest.mark.parametrize("text", ["2024-2026", "2024/25", "2024", "", None, 2024, " 2024-2025"])
def test_anything_else_is_not_an_academic_year(text):
    with pytest.raises(ValueError):
        AcademicYear.parse(text)
    assert not AcademicYear.is_valid(text)


def test_neighbours_and_order():
    year = AcademicYear.parse("2024-2025")
    assert str(year.previous()) == "2023-2024"
    assert str(year.next()) == "2025-2026"
    assert year.previous() < year < year.next()


def test_first_of_september_to_thirty_first_of_august():
    year = AcademicYear(2023)
    assert (year.first_day, year.last_day) == (dt.date(2023, 9, 1), dt.date(2024, 8, 31))
    assert AcademicYear.of(dt.date(2023, 9, 1)) == year
    assert AcademicYear.of(dt.date(2024, 8, 31)) == year
    assert AcademicYear.of(dt.date(2024, 9, 1)) == year.next()


def test_the_sql_says_the_same():
    conn = duckdb.connect()
    row = conn.execute(
        f"""
        SELECT {start_year_sql("'2024-2025'")}, {end_year_sql("'2024-2025'")},
               {start_year_of_date_sql("DATE '2026-08-31'")},
               {start_year_of_date_sql("DATE '2026-09-01'")},
               {start_year_of_date_sql("CAST(NULL AS DATE)")},
               {ending_in_sql("2026")}
        """
    ).fetchone()
    assert row == (2024, 2025, 2025, 2026, None, "2025-2026")
