"""Demo agreements: the register of international partnership agreements and their validity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from pipelines.demo.catalogue import DORMANT, ENU, EU, FARABI, NO_AGREEMENT, PARTNER, PARTNERS
from pipelines.demo.shared import add_months, draw_days


def agreement_rows(rng: np.random.Generator, today: dt.date) -> list[dict[str, Any]]:
    """One agreement per international partner (save those visited without one) plus a few
    faculty agreements, spread over validity classes: some expire soon, some have expired."""
    partners = [p for p in PARTNERS if p[1] != "Kyrgyzstan" and p[0] not in NO_AGREEMENT]
    extras = (
        (FARABI, "double_degree", "ECON", "Магистратура двойного диплома по экономике"),
        (
            "Ural Federal University",
            "double_degree",
            "MATH",
            "Магистратура двойного диплома «Прикладная математика и информатика»",
        ),
        (
            "Kazan Federal University",
            "joint_program",
            "PHILOL",
            "Совместная магистерская программа по русской филологии",
        ),
        (ENU, "joint_program", "HIST", "Совместная магистратура «Международные отношения»"),
        (
            "Xinjiang University",
            "exchange",
            "PHILOL",
            "Кытай тилин үйрөнүү боюнча студенттик алмашуу",
        ),
        ("Erciyes University", "cooperation", "MED", "Клиническая практика студентов-медиков"),
        ("Justus Liebig University Giessen", "cooperation", "PHYS", None),
        ("Jagiellonian University", "erasmus_iia", "LAW", None),
        (
            "Pusan National University",
            "exchange",
            "PHILOL",
            "Корей тилин үйрөнүү боюнча студенттик алмашуу",
        ),
        ("Andijan State University", "cooperation", "PED", None),
        ("University of Tsukuba", "exchange", "MATH", None),
    )
    specs: list[tuple[str, str, str | None, str | None]] = []
    for name, country, _, _ in partners:
        if country in EU:
            kind = "erasmus_iia"
        elif country == "Turkey":
            kind = "exchange"  # Mevlana exchange protocol
        else:
            kind = "cooperation" if rng.random() < 0.6 else "memorandum"
        specs.append(
            (name, kind, None, "С момента подписания обменов не было" if name in DORMANT else None)
        )
    specs += list(extras)
    # Validity classes: open-ended, expiring within 6 months, expired, terminated, draft.
    classes = ["open"] * 12 + ["soon"] * 6 + ["expired"] * 7 + ["terminated"] + ["draft"] * 2
    classes += ["active"] * (len(specs) - len(classes))
    order = rng.permutation(len(classes))
    rows = []
    for i, (name, kind, faculty, notes) in enumerate(specs):
        _, country, city, domain = PARTNER[name]
        cls = classes[order[i]]
        valid_until: dt.date | None
        signed: dt.date | None
        years = 7 if kind == "erasmus_iia" else 5
        if cls == "open":
            signed, valid_until = today - dt.timedelta(days=draw_days(rng, 200, 4000)), None
        elif cls == "draft":
            signed, valid_until = None, None
            notes = "Проект на согласовании в юридическом отделе"
        else:
            offset = {
                "soon": (10, 175),
                "expired": (-1500, -30),
                "terminated": (100, 900),
                "active": (200, 1800),
            }[cls]
            valid_until = today + dt.timedelta(days=draw_days(rng, *offset))
            signed = add_months(valid_until, -12 * years) + dt.timedelta(days=1)
            if signed > today:
                signed = today - dt.timedelta(days=draw_days(rng, 30, 300))
            if cls == "soon" and notes is None:
                notes = "Обсуждается продление договора"
            if cls == "terminated":
                notes = "Расторгнут по взаимному согласию сторон"
        status = {"draft": "draft", "terminated": "terminated", "expired": "expired"}.get(
            cls, "active"
        )
        if kind in ("memorandum", "cooperation") and faculty is None:
            quotas: tuple[int | None, int | None, int | None] = (None, None, None)
        elif kind == "double_degree":
            quotas = (draw_days(rng, 3, 10), draw_days(rng, 0, 5), draw_days(rng, 0, 2))
        else:
            quotas = (draw_days(rng, 2, 8), draw_days(rng, 1, 6), draw_days(rng, 1, 4))
        local = "erasmus" if kind == "erasmus_iia" else ("international", "ir", "intl")[i % 3]
        rows.append(
            {
                "agreement_id": f"AGR-{i + 1:03d}",
                "partner_institution": name,
                "partner_country": country,
                "partner_city": city,
                "agreement_type": kind,
                "signed_date": signed,
                "valid_until": valid_until,
                "status": status,
                "faculty": faculty,
                "quota_students_out": quotas[0],
                "quota_students_in": quotas[1],
                "quota_staff": quotas[2],
                # A role, not a person: the register keeps no personal names in the demo.
                "contact_name": "Институциональный координатор Erasmus+"
                if kind == "erasmus_iia"
                else "Отдел международного сотрудничества",
                "contact_email": f"{local}@{domain}" if domain else None,
                "website": f"https://{domain}" if domain else None,
                "notes": notes,
            }
        )
    return rows
