"""Demo KPIs: definitions, university and faculty targets, and the values measured against them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.demo.catalogue import (
    ACAD,
    CAREER,
    FACULTIES,
    FINANCE,
    HR,
    IRO,
    SPQ,
    read_catalogue,
)
from pipelines.demo.shared import split_total
from sapat import db
from sapat.queries.measures import MEASURES, measure_sql

# The kpi_definitions columns, in the order of the catalogue CSV.
KPI_COLUMNS = ("code", "name_ky", "name_ru", "name_en", "unit", "direction", "category", "owner")
KPI_DEFINITIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(r[c] for c in KPI_COLUMNS) for r in read_catalogue("kpi_definitions.csv")
)
KPI_YEARS = tuple(range(2020, 2027))
# KPIs computed from the academic quality data (KPI code → measure of
# sapat/queries/measures.py). Their uploaded values are the measure's own, so the two never
# disagree; years the measure has no data for have no value.
KPI_MEASURES: dict[str, str] = {
    "staff_degree_share": "staff_degree_share",
    "graduate_employment_rate": "graduate_employment_rate",
    "exam_pass_rate": "exam_pass_rate",
}
# KPIs the warehouse computes too, whose uploaded series the demo keeps (KPI code = measure):
# where the measure reaches they are its own figures (exchange students counted from the
# same mobility rows, staff summed from the same composition, the published QS Asia ranks),
# and they hold years it cannot (2020's exchange students, the accredited share before the
# demo's year: the warehouse computes that only for the year it is read in).
COMPUTED_KPIS: dict[str, str] = {
    code: code
    for code in (
        "accredited_programs_share",
        "english_taught_programs",
        "academic_staff_fte",
        "international_staff",
        "inbound_exchange_students",
        "outbound_exchange_students",
        "qs_asia_rank",
    )
}
# University values 2020..2026; None = not measured (yet). Derived KPIs are computed below.
KPI_SERIES: dict[str, tuple[float | None, ...]] = {
    "students_total": (29850, 30420, 31280, 32150, 33040, 33870, 34560),
    "international_students": (3920, 4310, 4980, 5620, 6140, 6580, 6920),
    "academic_staff_fte": (1312, 1335, 1352, 1378, 1401, 1418, 1426),
    "international_staff": (18, 22, 27, 34, 41, 47, 52),
    "staff_with_doctorate": (598, 606, 615, 631, 652, 668, 674),
    "publications_scopus": (86, 104, 131, 168, 205, 236, None),
    "citations_scopus": (212, 298, 405, 566, 760, 985, None),
    "dropout_rate": (8.9, 8.4, 8.1, 7.6, 7.9, 7.7, None),
    "research_income": (18.5e6, 21.2e6, 26.8e6, 31.5e6, 38.9e6, 42.3e6, None),
    "accredited_programs_share": (62.0, 66.0, 71.0, 74.0, 78.0, 81.0, 83.0),
    "qs_asia_rank": (None, None, None, None, None, 338, 316),
    "student_satisfaction": (3.62, 3.70, 3.74, 3.81, 3.85, 3.92, 3.95),
    "external_grants_usd": (410e3, 530e3, 720e3, 865e3, 1040e3, 1185e3, None),
}
KPI_TARGET_SERIES: dict[str, tuple[float | None, ...]] = {
    "students_total": (29500, 30500, 31500, 32500, 33500, 34500, 35500),
    "international_students": (3800, 4300, 4900, 5500, 6000, 6500, 6900),
    "academic_staff_fte": (1300, 1320, 1340, 1360, 1390, 1410, 1420),
    "international_staff": (15, 20, 25, 30, 40, 45, 50),
    "staff_with_doctorate": (590, 600, 615, 630, 650, 665, 670),
    "publications_scopus": (80, 100, 130, 160, 200, 250, 300),
    "citations_scopus": (200, 280, 400, 550, 750, 950, 1200),
    "inbound_exchange_students": (15, 25, 35, 50, 60, 65, 55),
    "outbound_exchange_students": (35, 50, 65, 85, 105, 125, 150),
    "international_students_share": (12.0, 13.0, 14.0, 15.0, 17.0, 19.0, 20.0),
    "student_staff_ratio": (22.0, 22.0, 21.5, 21.0, 20.5, 20.0, 20.0),
    "dropout_rate": (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0),
    # Set against the measured values (staff with a degree ÷ headcount 65–68 %, graduates
    # employed 70–75 %, regular sessions passed 84–87 %): mostly on track; employment was at
    # risk in 2023, and the pass rate is at risk against 2026's more ambitious target.
    "graduate_employment_rate": (None, 69.0, 70.0, 72.0, 73.0, 74.0, 76.0),
    "staff_degree_share": (65.0, 65.5, 65.5, 66.0, 66.5, 66.5, 67.5),
    "exam_pass_rate": (None, 83.5, 84.0, 84.5, 85.5, 86.0, 88.0),
    "research_income": (18e6, 20e6, 25e6, 30e6, 35e6, 40e6, 45e6),
    "accredited_programs_share": (60.0, 65.0, 70.0, 75.0, 78.0, 80.0, 85.0),
    "qs_asia_rank": (None, None, 500, 450, 400, 350, 300),
    "english_taught_programs": (2, 3, 4, 5, 6, 7, 8),
    "student_satisfaction": (3.6, 3.65, 3.7, 3.75, 3.8, 3.85, 3.9),
    "external_grants_usd": (400e3, 500e3, 700e3, 850e3, 1000e3, 1200e3, 1400e3),
}
# Faculty breakdowns (counts split by these shares, rates vary around the university's).
FACULTY_KPIS = (
    "students_total",
    "international_students",
    "staff_with_doctorate",
    "publications_scopus",
    "dropout_rate",
    "graduate_employment_rate",
    "staff_degree_share",
)
# Faculty targets that are not the university's: every faculty must keep the licensing
# minimum share of staff with a degree (the university aims higher).
FACULTY_TARGETS: dict[str, float] = {"staff_degree_share": 60.0}
FACULTY_SHARES: dict[str, dict[str, float]] = {
    "students_total": {
        "MED": 30,
        "ECON": 12,
        "LAW": 8,
        "PHILOL": 13,
        "MATH": 10,
        "PHYS": 7,
        "HIST": 7,
        "PED": 13,
    },
    "international_students": {
        "MED": 86,
        "ECON": 4,
        "LAW": 1,
        "PHILOL": 3,
        "MATH": 3,
        "PHYS": 1,
        "HIST": 1,
        "PED": 1,
    },
    "staff_with_doctorate": {
        "MED": 24,
        "ECON": 12,
        "LAW": 9,
        "PHILOL": 15,
        "MATH": 12,
        "PHYS": 10,
        "HIST": 9,
        "PED": 9,
    },
    "publications_scopus": {
        "MED": 30,
        "ECON": 10,
        "LAW": 4,
        "PHILOL": 8,
        "MATH": 20,
        "PHYS": 18,
        "HIST": 5,
        "PED": 5,
    },
}
KPI_SOURCES: dict[str, str] = {
    "students_total": ACAD,
    "dropout_rate": ACAD,
    "student_staff_ratio": ACAD,
    "english_taught_programs": ACAD,
    "academic_staff_fte": HR,
    "staff_with_doctorate": HR,
    "staff_degree_share": HR,
    "publications_scopus": "Scopus",
    "citations_scopus": "Scopus",
    "research_income": FINANCE,
    "external_grants_usd": FINANCE,
    "graduate_employment_rate": CAREER,
    "exam_pass_rate": ACAD,
    "student_satisfaction": "Анкетирование студентов",
    "qs_asia_rank": "QS",
    "accredited_programs_share": SPQ,
}


def _value_row(code: str, year: int, scope: str, value: float) -> dict[str, Any]:
    return {
        "code": code,
        "year": year,
        "unit_scope": scope,
        "value": float(value),
        "source": KPI_SOURCES.get(code, IRO),
    }


def _target_row(code: str, year: int, scope: str, target: float) -> dict[str, Any]:
    return {"code": code, "year": year, "unit_scope": scope, "target": float(target)}


def _university_values(
    mobility: list[dict[str, Any]], programs: list[dict[str, Any]]
) -> dict[str, list[float | None]]:
    """Each KPI's university value per year: the series, and those derived from other data."""
    values: dict[str, list[float | None]] = {k: list(v) for k, v in KPI_SERIES.items()}
    # Exchange students from the mobility register (academic year Y-1/Y counts for year Y).
    for code, direction in (
        ("inbound_exchange_students", "incoming"),
        ("outbound_exchange_students", "outgoing"),
    ):
        per_year = {y: 0 for y in KPI_YEARS}
        for m in mobility:
            if (
                m["direction"] == direction
                and m["scope"] == "international"
                and m["participant_category"].startswith("student")
                and m["status"] not in ("withdrawn", "applied", "selected")
            ):
                per_year[int(m["academic_year"][-4:])] += 1
        per_year[2020] = round(per_year[2021] * 0.7)
        values[code] = [float(per_year[y]) for y in KPI_YEARS]
    values["international_students_share"] = [
        round(100 * i / s, 1)
        for i, s in zip(values["international_students"], values["students_total"], strict=True)
    ]
    values["student_staff_ratio"] = [
        round(s / f, 2)
        for s, f in zip(values["students_total"], values["academic_staff_fte"], strict=True)
    ]
    english_now = sum(p["language"] == "en" and p["status"] == "active" for p in programs)
    values["english_taught_programs"] = [
        float(max(english_now - 6 + i, 1)) for i in range(len(KPI_YEARS) - 1)
    ] + [float(english_now)]

    # The values of KPIs computed from a measure come from the quality data (see generate).
    for code in KPI_MEASURES:
        values[code] = [None] * len(KPI_YEARS)
    return values


def kpi_rows(
    rng: np.random.Generator,
    mobility: list[dict[str, Any]],
    programs: list[dict[str, Any]],
) -> tuple[list[dict], list[dict], list[dict]]:
    """KPI definitions, targets and values, for the university and (some KPIs) each faculty."""
    definitions = [dict(zip(KPI_COLUMNS, d, strict=True)) for d in KPI_DEFINITIONS]
    values = _university_values(mobility, programs)
    kpi_values, kpi_targets = [], []
    for d in definitions:
        code = d["code"]
        for year, value, target in zip(
            KPI_YEARS, values[code], KPI_TARGET_SERIES[code], strict=True
        ):
            if value is not None:
                kpi_values.append(_value_row(code, year, "university", value))
            if target is not None:
                kpi_targets.append(_target_row(code, year, "university", target))
    for code in FACULTY_KPIS:
        for yi, year in enumerate(KPI_YEARS):
            total, target = values[code][yi], KPI_TARGET_SERIES[code][yi]
            if code in FACULTY_SHARES:
                shares = FACULTY_SHARES[code]
                split_v = split_total(rng, total, shares) if total is not None else {}
                split_t = split_total(None, target, shares) if target is not None else {}
            else:  # rates: each faculty around the university's value
                split_v = (
                    {f: round(total + rng.normal(0, 1.4), 1) for f in FACULTIES}
                    if total is not None
                    else {}
                )
                split_t = dict.fromkeys(FACULTIES, target) if target is not None else {}
            if code in FACULTY_TARGETS:
                split_t = dict.fromkeys(FACULTIES, FACULTY_TARGETS[code])
            for fac in FACULTIES:
                if fac in split_v:
                    kpi_values.append(_value_row(code, year, fac, split_v[fac]))
                if fac in split_t:
                    kpi_targets.append(_target_row(code, year, fac, split_t[fac]))
    return definitions, kpi_targets, kpi_values


def snapshot_values(
    values: list[dict], frames: dict[str, pd.DataFrame], today: dt.date
) -> list[dict]:
    """``values`` with each snapshot KPI's university value of ``today``'s year set to what
    the warehouse computes on that day, rounded as an office reports it: the demo's upload
    and its warehouse agree on the demo's own day (read later, the KPIs page flags it)."""
    conn = duckdb.connect()
    try:
        for name, frame in frames.items():
            conn.register(name, frame)
        found = {}
        for code, measure in COMPUTED_KPIS.items():
            if MEASURES[measure].as_of:
                row = db.first(
                    conn.execute(
                        f"SELECT value FROM ({measure_sql(measure, today)}) "
                        "WHERE unit_scope = 'university'"
                    )
                )
                found |= {code: round(row[0], 1)} if row else {}
    finally:
        conn.close()
    return [
        v | {"value": float(found[v["code"]])}
        if v["code"] in found and v["year"] == today.year and v["unit_scope"] == "university"
        else v
        for v in values
    ]


def measured_kpi_rows(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """The uploaded values of the KPIs computed from a measure: the measure's own rows (the
    university and each faculty, every year it covers), from the same SQL the dashboard runs."""
    conn = duckdb.connect()
    try:
        for name, frame in frames.items():
            conn.register(name, frame)
        rows = []
        for code, measure in KPI_MEASURES.items():
            found = conn.execute(
                f"SELECT year, unit_scope, value FROM ({measure_sql(measure)}) "
                "ORDER BY unit_scope <> 'university', unit_scope, year"
            ).fetchall()
            rows += [_value_row(code, int(y), u, v) for y, u, v in found]
        return rows
    finally:
        conn.close()
