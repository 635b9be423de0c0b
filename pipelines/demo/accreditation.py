"""Demo accreditation: programmes, licences, accreditations and the actions they asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from pipelines.demo.catalogue import (
    ACAD,
    DEANS_OFFICES,
    FINANCE,
    IRO,
    ISSUER,
    SPQ,
    read_catalogue,
)
from pipelines.demo.shared import Choice, add_months, draw_days

# (direction code, faculty, name_ky, name_ru, name_en, variants "LEVEL:language[:status]")
DIRECTIONS: tuple[tuple[str, str, str, str, str, str], ...] = tuple(
    (r["direction"], r["faculty"], r["name_ky"], r["name_ru"], r["name_en"], r["variants"])
    for r in read_catalogue("programmes.csv")
)
LEVELS = {
    "BA": "bachelor",
    "MA": "master",
    "PHD": "phd",
    "SP": "specialist",
    "RES": "residency",
    "COL": "college",
}
LEVEL_LABEL = {
    "master": (" (магистратура)", " (магистратура)", " (master's)"),
    "phd": (" (PhD докторантура)", " (PhD докторантура)", " (PhD)"),
    "college": (" (колледж)", " (колледж)", " (college)"),
}
NATIONAL_AGENCIES: dict[str, str] = {
    "EdNet": "Kyrgyzstan",
    "AAEPO": "Kyrgyzstan",
    "Sapattuu Bilim": "Kyrgyzstan",
    "IAAR": "Kazakhstan",
}
INTERNATIONAL_AGENCIES: dict[str, str] = {"ASIIN": "Germany", "FIBAA": "Germany"}

# Recommendations as the experts' reports and the audits word them (mostly Russian, some
# Kyrgyz). The number of texts per source is part of the random draws: keep it.
CLINICAL_SITES = "Заключить договоры с клиническими базами по всем клиническим дисциплинам"
LABORATORIES = "Обновить лабораторное оборудование, используемое для практических занятий"
RECOMMENDATIONS: dict[str, tuple[str, ...]] = {
    "accreditation": (
        "Привести результаты обучения по программе в соответствие с Национальной рамкой "
        "квалификаций",
        "Увеличить долю преподавателей с учёными степенями, работающих на программе",
        "Ввести регулярное анкетирование работодателей и учитывать его результаты при "
        "обновлении программы",
        "Расширить подписку на электронные ресурсы (Scopus, ScienceDirect), доступные "
        "студентам программы",
        "Өзүн-өзү баалоо отчетун жана аккредитациянын жыйынтыктарын университеттин сайтына "
        "жарыялоо",
        "Включить представителей студентов в состав комиссии по качеству образовательной программы",
        "Утвердить план повышения квалификации ППС, включая преподавание на английском языке",
        "Проверять все выпускные квалификационные работы в системе «Антиплагиат»",
        LABORATORIES,
        "Утвердить порядок перезачёта кредитов, полученных в рамках академической мобильности",
        "Түзүлгөн келишимдердин алкагында студенттердин жана окутуучулардын академиялык "
        "мобилдүүлүгүн көбөйтүү",
        "Ежегодно проводить мониторинг трудоустройства выпускников и отчитываться о его "
        "результатах",
        "Унифицировать критерии оценивания и рейтинговые шкалы во всех потоках дисциплины",
        CLINICAL_SITES,
        "Обеспечить доступность учебных корпусов для студентов с ограниченными "
        "возможностями здоровья",
    ),
    "licensing": (
        "Привести учебную площадь на одного студента в соответствие с лицензионным нормативом",
        "Представить документы, подтверждающие квалификацию ППС, для лицензирования программы",
        "Обновить перечень учебного оборудования, прилагаемый к лицензии",
    ),
    "external_audit": (
        "Обеспечить целевое использование грантовых средств на академическую мобильность",
        "Оформлять отбор участников мобильности протоколом конкурсной комиссии",
    ),
}
# Recommendations that only make sense for some faculties' programmes.
RECOMMENDATION_FACULTIES: dict[str, tuple[str | None, ...]] = {
    CLINICAL_SITES: ("MED",),
    LABORATORIES: ("MED", "MATH", "PHYS"),
}

# Findings of the university's own audits, with the office that must act on them.
INTERNAL_AUDIT: tuple[tuple[str, str], ...] = (
    ("Сверить реестр академической мобильности с реестром договоров", IRO),
    ("Разместить подписанные договоры в системе электронного документооборота", IRO),
    (
        "Сапардан кайтып келген кызматкерлерден академиялык мобилдүүлүк боюнча жетишпеген "
        "отчетторду чогултуу",
        IRO,
    ),
    ("Актуализировать данные факультетов по KPI для годового отчёта по стратегии", SPQ),
    (
        "Устранить расхождения в численности студентов между данными деканатов и "
        "учебно-методического отдела",
        ACAD,
    ),
)


def program_rows() -> list[dict[str, Any]]:
    """One programme per variant of each direction (level, language, status)."""
    rows = []
    for direction, faculty, ky, ru, en, variants in DIRECTIONS:
        for variant in variants.split():
            level_code, language, *rest = variant.split(":")
            base = level_code.removesuffix("-EN")
            level = LEVELS[base]
            suffix = LEVEL_LABEL.get(level, ("", "", ""))
            english = level_code.endswith("-EN")
            rows.append(
                {
                    "program_code": f"{direction}-{level_code}",
                    "name_ky": ky + suffix[0] + (" (англис тилинде)" if english else ""),
                    "name_ru": ru + suffix[1] + (" (на английском языке)" if english else ""),
                    "name_en": en + suffix[2] + (" (English-taught)" if english else ""),
                    "level": level,
                    "faculty": faculty,
                    "language": language,
                    "status": rest[0] if rest else "active",
                }
            )
    return rows


def license_rows(
    rng: np.random.Generator, programs: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
    """The institutional licence and one per programme (suspended and revoked ones included)."""
    rows = [
        {
            "license_no": "LS190001234",
            "program_code": None,
            "issued_on": dt.date(2019, 6, 14),
            "valid_until": None,
            "issuer": ISSUER,
            "status": "active",
        }
    ]
    active = [p["program_code"] for p in programs if p["status"] == "active"]
    # Kyrgyz licences are mostly open-ended; a few are time-limited, some of those ending soon.
    special = rng.permutation(len(active))
    soon, expired, limited = set(special[:3]), set(special[3:6]), set(special[6:16])
    for i, p in enumerate(programs):
        issued = dt.date(2012, 1, 1) + dt.timedelta(days=draw_days(rng, 0, 4700))
        valid_until, status = None, "active"
        if p["status"] == "suspended":
            status = "suspended"
        elif p["status"] == "closed":
            status, valid_until = "revoked", None
        else:
            k = active.index(p["program_code"])
            if k in soon:
                valid_until = today + dt.timedelta(days=draw_days(rng, 20, 175))
            elif k in expired:
                valid_until = today - dt.timedelta(days=draw_days(rng, 15, 400))
                status = "expired"
            elif k in limited:
                valid_until = today + dt.timedelta(days=draw_days(rng, 240, 1500))
            if valid_until is not None:
                issued = min(issued, add_months(valid_until, -60))
        rows.append(
            {
                "license_no": f"LS{issued.year % 100:02d}{4100 + i * 37:07d}",
                "program_code": p["program_code"],
                "issued_on": issued,
                "valid_until": valid_until,
                "issuer": ISSUER,
                "status": status,
            }
        )
    return rows


def accreditation_rows(
    rng: np.random.Generator, programs: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
    """Institutional and programme accreditations in every stage, some about to lapse."""
    rows: list[dict[str, Any]] = []

    def add(
        scope: str,
        program: str | None,
        agency: str,
        status: str,
        valid_until: dt.date | None,
        years: int = 5,
    ) -> None:
        national = agency in NATIONAL_AGENCIES
        valid_from = decision = None
        certificate = None
        if valid_until is not None:
            valid_from = add_months(valid_until, -12 * years) + dt.timedelta(days=1)
            decision = valid_from - dt.timedelta(days=draw_days(rng, 0, 10))
            n = len(rows) + 1
            year = decision.year
            certificate = {
                "EdNet": f"EdNet-{year}-{n:04d}",
                "AAEPO": f"AAEPO/{year}/{n:03d}",
                "Sapattuu Bilim": f"SB-{year}-{n:03d}",
                "IAAR": f"AB {3000 + 7 * n}",
                "ASIIN": f"ASIIN-{year}-{n:04d}",
                "FIBAA": f"FIBAA-{20000 + n}",
            }[agency]
        elif status == "denied":
            decision = today - dt.timedelta(days=draw_days(rng, 60, 400))
        rows.append(
            {
                "accreditation_id": f"ACC-{len(rows) + 1:03d}",
                "scope": scope,
                "program_code": program,
                "agency": agency,
                "agency_country": (NATIONAL_AGENCIES | INTERNATIONAL_AGENCIES)[agency],
                "kind": "national" if national else "international",
                "status": status,
                "decision_date": decision,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "certificate_no": certificate,
            }
        )

    # Institutional: an expired first cycle, the current one ending within 6 months, its
    # renewal under way, and one international accreditation.
    current = today + dt.timedelta(days=draw_days(rng, 120, 170))
    add("institutional", None, "EdNet", "expired", add_months(current, -60))
    add("institutional", None, "IAAR", "accredited", current)
    add("institutional", None, "IAAR", "self_assessment", None)
    international_until = today + dt.timedelta(days=draw_days(rng, 900, 1300))
    add("institutional", None, "FIBAA", "accredited", international_until, years=6)

    codes_ = [p["program_code"] for p in programs]
    closed = [c for p, c in zip(programs, codes_, strict=True) if p["status"] == "closed"]
    newer = [
        c
        for p, c in zip(programs, codes_, strict=True)
        if p["level"] in ("phd", "residency", "college") and c not in closed
    ]
    picked = rng.choice(len(newer), size=10 - len(closed), replace=False)
    without = set(closed) | {newer[i] for i in picked}
    covered = [c for c in codes_ if c not in without]
    statuses = (
        ["planned"] * 3
        + ["self_assessment"] * 3
        + ["site_visit"] * 2
        + ["conditional"] * 4
        + ["denied"]
        + ["expired"] * 3
        + ["soon90"] * 3
        + ["soon180"] * 4
    )
    statuses += ["accredited"] * (len(covered) - len(statuses))
    order = rng.permutation(len(statuses))
    agency_choice = Choice({"EdNet": 35, "AAEPO": 20, "Sapattuu Bilim": 20, "IAAR": 25})
    faculty_of = {p["program_code"]: p["faculty"] for p in programs}
    for i, code in enumerate(covered):
        status = statuses[order[i]]
        fac = faculty_of[code]
        agency = "IAAR" if fac == "MED" else agency_choice(rng)
        if status == "accredited" and fac in ("ECON", "MATH") and rng.random() < 0.25:
            agency = "ASIIN" if fac == "MATH" else "FIBAA"
        if status in ("planned", "self_assessment", "site_visit", "denied"):
            add("program", code, agency, status, None)
            continue
        if status == "soon90":
            status, until = "accredited", today + dt.timedelta(days=draw_days(rng, 10, 88))
        elif status == "soon180":
            status, until = "accredited", today + dt.timedelta(days=draw_days(rng, 95, 175))
        elif status == "expired":
            until = today - dt.timedelta(days=draw_days(rng, 20, 400))
        elif status == "conditional":
            until = today + dt.timedelta(days=draw_days(rng, 200, 700))
        else:
            until = today + dt.timedelta(days=draw_days(rng, 200, 1780))
        years = 3 if status == "conditional" else 5
        if status == "accredited" and rng.random() < 0.2:
            # The previous cycle, kept as history.
            add("program", code, agency, "expired", add_months(until, -12 * years))
        add("program", code, agency, status, until, years)
    return rows


def action_item_rows(
    rng: np.random.Generator,
    accreditations: list[dict[str, Any]],
    licenses: list[dict[str, Any]],
    programs: list[dict[str, Any]],
    today: dt.date,
) -> list[dict[str, Any]]:
    """Recommendations of accreditations, audits and licensing checks, some overdue."""
    faculty_of = {p["program_code"]: p["faculty"] for p in programs}
    visited = [
        a
        for a in accreditations
        if a["status"] in ("accredited", "conditional") and a["decision_date"]
    ]
    picks = rng.choice(len(visited), size=24, replace=True)
    items: list[tuple[str, str, dt.date, str, str]] = []
    for k in picks:
        acc = visited[int(k)]
        due = acc["decision_date"] + dt.timedelta(days=draw_days(rng, 180, 720))
        fac = faculty_of.get(acc["program_code"] or "")
        texts = [
            t
            for t in RECOMMENDATIONS["accreditation"]
            if fac in RECOMMENDATION_FACULTIES.get(t, (fac,))
        ]
        text = texts[int(rng.integers(len(texts)))]
        owner = DEANS_OFFICES[fac] if fac else SPQ
        items.append(("accreditation", acc["accreditation_id"], due, text, owner))
    for n in range(10):
        year = 2024 + n % 3
        due = dt.date(year, 3, 1) + dt.timedelta(days=draw_days(rng, 0, 300))
        text, owner = INTERNAL_AUDIT[n % len(INTERNAL_AUDIT)]
        items.append(("internal_audit", f"IA-{year}-{n // 3 + 1:02d}", due, text, owner))
    for n in range(3):
        lic = licenses[1 + int(rng.integers(len(licenses) - 1))]
        due = lic["issued_on"] + dt.timedelta(days=draw_days(rng, 90, 365))
        due = max(due, today - dt.timedelta(days=draw_days(rng, 30, 500)))
        items.append(("licensing", lic["license_no"], due, RECOMMENDATIONS["licensing"][n], ACAD))
    for n in range(3):
        due = dt.date(2025, 6, 30) + dt.timedelta(days=draw_days(rng, 0, 540))
        items.append(
            (
                "external_audit",
                "EA-2025-01",
                due,
                RECOMMENDATIONS["external_audit"][n % 2],
                FINANCE,
            )
        )
    rows = []
    for i, (source, source_id, due, text, owner) in enumerate(items):
        r = rng.random()
        if due < today:  # past due: mostly done, some still open (overdue)
            status = (
                "done"
                if r < 0.62
                else "in_progress"
                if r < 0.8
                else ("open" if r < 0.92 else "cancelled")
            )
        else:
            status = "open" if r < 0.4 else "in_progress" if r < 0.9 else "done"
        closed = None
        if status == "done":
            closed = min(
                due + dt.timedelta(days=draw_days(rng, -90, 40)), today - dt.timedelta(days=1)
            )
        rows.append(
            {
                "item_id": f"ACT-{i + 1:03d}",
                "source": source,
                "source_id": source_id,
                "recommendation": text,
                "owner": owner,
                "due_date": due,
                "status": status,
                "closed_on": closed,
            }
        )
    return rows
