"""A large, realistic mobility workbook for the ingest benchmark, written by xlsxwriter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from sapat.i18n import column_label
from schemas import codes
from schemas.registry import get_dataset

COUNTRIES = [
    ("Turkey", "Ankara"),
    ("Kazakhstan", "Almaty"),
    ("Germany", "Berlin"),
    ("Poland", "Warsaw"),
    ("Russia", "Kazan"),
    ("China", "Urumqi"),
    ("South Korea", "Seoul"),
    ("Hungary", "Budapest"),
]
FACULTIES = ["MED", "ECON", "LAW", "PHILOL", "MATH", "PHYS", "HIST", "PED"]


def write_mobility_xlsx(
    path: Path, rows: int, lang: str = "ru", seed: int = 7, id_prefix: str = "MOB"
) -> Path:
    """``rows`` mobility records with headers in ``lang``, real date and number cells."""
    rng = np.random.default_rng(seed)
    columns = [c.name for c in get_dataset("mobility").input_columns]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("mobility")
    date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, [column_label(c, lang) for c in columns])
    cat = rng.choice(codes.PARTICIPANT_CATEGORY, rows)
    year = rng.integers(2016, 2026, rows)
    start_offset = rng.integers(0, 200, rows)
    length = rng.integers(5, 160, rows)
    country = rng.integers(0, len(COUNTRIES), rows)
    pick = {
        name: rng.choice(values, rows)
        for name, values in (
            ("gender", codes.GENDER),
            ("direction", codes.DIRECTION),
            ("format", codes.MOBILITY_FORMAT),
            ("purpose", codes.PURPOSE),
            ("program", codes.MOBILITY_PROGRAM),
            ("funding_source", codes.FUNDING_SOURCE),
            ("status", codes.MOBILITY_STATUS),
            ("faculty", FACULTIES),
        )
    }
    gpa = np.round(rng.uniform(2.5, 4.0, rows), 2)
    planned = rng.integers(20, 31, rows)
    position = {c: i for i, c in enumerate(columns)}
    for r in range(rows):
        start = dt.date(int(year[r]), 9, 1) + dt.timedelta(days=int(start_offset[r]))
        end = start + dt.timedelta(days=int(length[r]))
        c_name, city = COUNTRIES[country[r]]
        values = {
            "mobility_id": f"{id_prefix}-{r:07d}",
            "academic_year": f"{year[r]}-{year[r] + 1}",
            "participant_category": cat[r],
            "participant_code": f"P-{r * 7919 % 999983:06X}",
            "citizenship": "KG",
            "scope": "international",
            "partner_institution": f"{city} University",
            "partner_country": c_name,
            "partner_city": city,
            "gpa_at_selection": float(gpa[r]),
            "credits_planned": int(planned[r]),
            "credits_earned": int(planned[r]) - 2,
            "credits_recognized": int(planned[r]) - 3,
            "credits_failed": 2,
            **{name: str(v[r]) for name, v in pick.items()},
        }
        for name, value in values.items():
            sheet.write(r + 1, position[name], value)
        sheet.write_datetime(
            r + 1, position["start_date"], dt.datetime.combine(start, dt.time()), date_fmt
        )
        sheet.write_datetime(
            r + 1, position["end_date"], dt.datetime.combine(end, dt.time()), date_fmt
        )
        sheet.write_datetime(
            r + 1,
            position["report_date"],
            dt.datetime.combine(end + dt.timedelta(days=3), dt.time()),
            date_fmt,
        )
    book.close()
    return path
