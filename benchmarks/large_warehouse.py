"""A warehouse 60× the demo: 5,000 programmes, 500,000 mobility rows, 10 years of KPIs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.mobility_warehouse import _mobility_frame
from pipelines import demo as demo_data
from sapat import db

PROGRAMS = 5_000
MOBILITY_ROWS = 500_000
AGREEMENTS = 3_600
KPI_YEARS = range(2017, 2027)
FACULTIES = ("MED", "ECON", "LAW", "PHILOL", "MATH", "PHYS", "HIST", "PED")


def _insert(conn, table: str, frame: pd.DataFrame) -> None:
    conn.register("_frame", frame)
    conn.execute(f"INSERT INTO {table} BY NAME SELECT *, 1 AS batch_id FROM _frame")
    conn.unregister("_frame")


def _programs(rng: np.random.Generator, today: dt.date) -> dict[str, pd.DataFrame]:
    codes = [f"P{i:05d}" for i in range(PROGRAMS)]
    faculty = rng.choice(FACULTIES, PROGRAMS)
    programs = pd.DataFrame(
        {
            "program_code": codes,
            "name_ky": codes,
            "name_ru": codes,
            "name_en": codes,
            "level": rng.choice(
                ["bachelor", "master", "phd", "specialist", "college"],
                PROGRAMS,
                p=[0.6, 0.2, 0.08, 0.07, 0.05],
            ),
            "faculty": faculty,
            "language": rng.choice(["ky", "ru", "en"], PROGRAMS),
            "status": rng.choice(["active", "suspended", "closed"], PROGRAMS, p=[0.9, 0.05, 0.05]),
        }
    )
    # Validity ends spread from two years ago to six years ahead, a fifth open-ended.
    ends = [today + dt.timedelta(days=int(d)) for d in rng.integers(-730, 2190, PROGRAMS)]
    licenses = pd.DataFrame(
        {
            "license_no": [f"L{i:06d}" for i in range(PROGRAMS)],
            "program_code": codes,
            "issued_on": [
                today - dt.timedelta(days=int(d)) for d in rng.integers(400, 4000, PROGRAMS)
            ],
            "valid_until": [None if rng.random() < 0.2 else e for e in ends],
            "issuer": "Ministry",
            "status": "active",
        }
    )
    accredited = rng.random(PROGRAMS) < 0.85
    starts = [e - dt.timedelta(days=5 * 365) for e in ends]
    accreditations = pd.DataFrame(
        {
            "accreditation_id": [f"A{i:06d}" for i in range(PROGRAMS)],
            "scope": "program",
            "program_code": codes,
            "agency": rng.choice(["EdNet", "AAEPO", "Sapattuu Bilim", "IAAR", "ASIIN"], PROGRAMS),
            "agency_country": "Kyrgyzstan",
            "kind": rng.choice(["national", "international"], PROGRAMS, p=[0.8, 0.2]),
            "status": np.where(accredited, "accredited", "self_assessment"),
            "decision_date": starts,
            "valid_from": starts,
            "valid_until": ends,
            "certificate_no": codes,
        }
    )[accredited | (rng.random(PROGRAMS) < 0.5)]
    return {"programs": programs, "licenses": licenses, "accreditations": accreditations}


def _agreements(rng: np.random.Generator, mobility: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    partners = mobility[["partner_institution", "partner_country"]].drop_duplicates()
    partners = partners.sample(
        n=min(AGREEMENTS, len(partners)), random_state=1, replace=len(partners) < AGREEMENTS
    )
    n = len(partners)
    return pd.DataFrame(
        {
            "agreement_id": [f"AG{i:05d}" for i in range(n)],
            "partner_institution": partners["partner_institution"].to_numpy(),
            "partner_country": partners["partner_country"].to_numpy(),
            "partner_city": None,
            "agreement_type": rng.choice(["memorandum", "exchange", "erasmus_iia"], n),
            "signed_date": [today - dt.timedelta(days=int(d)) for d in rng.integers(100, 3000, n)],
            "valid_until": [today + dt.timedelta(days=int(d)) for d in rng.integers(-300, 1800, n)],
            "status": rng.choice(["active", "expired"], n, p=[0.85, 0.15]),
            "faculty": rng.choice(FACULTIES, n),
        }
    )


def _kpis(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = demo_data.generate()["kpi_definitions"]["code"].tolist()
    rows = [(c, y, s) for c in codes for y in KPI_YEARS for s in ("university", *FACULTIES)]
    frame = pd.DataFrame(rows, columns=["code", "year", "unit_scope"])
    base = rng.uniform(10, 1000, len(frame))
    values = frame.assign(value=base, source="bench")
    targets = frame.assign(target=base * rng.uniform(0.9, 1.15, len(frame)))
    return values, targets


def build_60x(path: str | Path, today: dt.date | None = None, seed: int = 60) -> Path:
    """The demo warehouse, then every table it holds scaled up ≈60× (mobility 250×)."""
    from pipelines.demo import build_demo

    path = Path(path)
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    build_demo(path)
    mobility = _mobility_frame(MOBILITY_ROWS, seed)
    conn = db.connect(path)
    try:
        with db.transaction(conn) as tx:
            for table in (
                "mobility",
                "agreements",
                "licenses",
                "accreditations",
                "action_items",
                "programs",
                "kpi_values",
                "kpi_targets",
            ):
                tx.execute(f"DELETE FROM {table}")
            _insert(tx, "mobility", mobility)
            _insert(tx, "agreements", _agreements(rng, mobility, today))
            for table, frame in _programs(rng, today).items():
                _insert(tx, table, frame)
            values, targets = _kpis(rng)
            _insert(tx, "kpi_values", values)
            _insert(tx, "kpi_targets", targets)
            db.bump_data_version(tx)
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return path
