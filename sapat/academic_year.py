"""The academic year: 1 September to 31 August, written '2025-2026', in Python and in SQL."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FIRST_MONTH = 9  # an academic year starts on 1 September and ends on 31 August
_TEXT = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True, order=True)
class AcademicYear:
    """One academic year, known by the calendar year it starts in; ordered as time runs."""

    start_year: int

    @classmethod
    def parse(cls, text: object) -> AcademicYear:
        """'2024-2025' → AcademicYear(2024); '2024-2026', '2024/25', '2024' raise ValueError."""
        m = _TEXT.match(text) if isinstance(text, str) else None
        if not m or int(m[2]) != int(m[1]) + 1:
            raise ValueError(f"not an academic year: {text!r}")
        return cls(int(m[1]))

    @staticmethod
    def is_valid(text: object) -> bool:
        """Whether ``text`` is an academic year as the warehouse stores it ('2024-2025')."""
        try:
            AcademicYear.parse(text)
        except ValueError:
            return False
        return True

    @classmethod
    def of(cls, day: dt.date) -> AcademicYear:
        """The academic year holding ``day``: 2026-11-21 is in 2026-2027, 2026-08-31 in
        2025-2026."""
        return cls(day.year if day.month >= FIRST_MONTH else day.year - 1)

    @classmethod
    def ending_in(cls, year: int) -> AcademicYear:
        """The academic year that ends in calendar year ``year``: 2026 → 2025-2026."""
        return cls(int(year) - 1)

    @property
    def end_year(self) -> int:
        """The calendar year it ends in (2025-2026 → 2026): KPI, ranking, staff and quality
        measure years are read against it."""
        return self.start_year + 1

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, FIRST_MONTH, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def previous(self) -> AcademicYear:
        return AcademicYear(self.start_year - 1)

    def next(self) -> AcademicYear:
        return AcademicYear(self.start_year + 1)

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year}"


# The same rules in DuckDB SQL, over a column (or any expression) of the warehouse; the
# columns hold only well-formed years (the upload parser sees to it).


def start_year_sql(text: str) -> str:
    """The calendar year an academic year column starts in: '2024-2025' → 2024."""
    return f"TRY_CAST(left({text}, 4) AS INTEGER)"


def end_year_sql(text: str) -> str:
    """The calendar year an academic year column ends in: '2024-2025' → 2025."""
    return f"TRY_CAST(right({text}, 4) AS INTEGER)"


def start_year_of_date_sql(day: str) -> str:
    """The start year of the academic year holding a DATE column (NULL for NULL)."""
    return f"CASE WHEN month({day}) >= {FIRST_MONTH} THEN year({day}) ELSE year({day}) - 1 END"


def ending_in_sql(year: str) -> str:
    """The academic year (text) ending in an integer calendar-year column: 2026 → '2025-2026'."""
    return f"CAST({year} - 1 AS VARCHAR) || '-' || CAST({year} AS VARCHAR)"
