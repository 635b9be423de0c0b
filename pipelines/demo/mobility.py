"""Demo mobility: who went where, under which programme, for how long, and what came of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from pipelines.demo.catalogue import (
    ACADEMIC_YEARS,
    DORMANT,
    EU,
    NO_AGREEMENT,
    PARTNER,
    PARTNERS,
)
from pipelines.demo.shared import Choice, draw_days
from schemas import codes

# Participants per academic year: mobility grows after the pandemic year 2020-2021.
MOBILITY_PER_YEAR = (170, 240, 310, 370, 430, 480)
PROGRAM_COUNTRIES: dict[str, tuple[str, ...]] = {
    "erasmus_plus": (*EU, "Turkey"),
    "mevlana": ("Turkey",),
    "daad": ("Germany",),
    "itec": ("India",),
    "sco_university": ("Russia", "Kazakhstan", "China", "Tajikistan"),
    "cis_network_university": ("Russia", "Kazakhstan", "Belarus", "Armenia"),
    "orhun": ("Turkey",),
    "osh_declaration": ("Uzbekistan", "Tajikistan", "Kazakhstan"),
    "bilateral_agreement": (),  # any partner holding an agreement
    "individual_invitation": (),  # anyone
    "other": ("South Korea", "Japan", "China", "India", "Russia"),
}
PROGRAM_WEIGHTS: dict[str, float] = {
    "erasmus_plus": 18,
    "mevlana": 8,
    "daad": 4,
    "itec": 4,
    "sco_university": 5,
    "cis_network_university": 4,
    "orhun": 5,
    "osh_declaration": 4,
    "bilateral_agreement": 28,
    "individual_invitation": 12,
    "other": 8,
}
# Weights over PARTICIPANT_CATEGORY: college, bachelor, master, phd, academic, admin staff.
PROGRAM_CATEGORIES: dict[str, tuple[float, ...]] = {
    "erasmus_plus": (0, 40, 15, 7, 30, 8),
    "mevlana": (0, 55, 10, 3, 30, 2),
    "daad": (0, 10, 25, 25, 40, 0),
    "itec": (0, 0, 0, 0, 55, 45),
    "sco_university": (0, 20, 55, 10, 15, 0),
    "cis_network_university": (0, 15, 50, 15, 20, 0),
    "orhun": (0, 50, 15, 5, 30, 0),
    "osh_declaration": (5, 45, 10, 5, 30, 5),
    "bilateral_agreement": (6, 40, 10, 6, 30, 8),
    "individual_invitation": (0, 5, 8, 12, 70, 5),
    "other": (8, 40, 8, 4, 30, 10),
}
# Years of study per level (bachelor 1–8 semesters, master 1–4, PhD and college 1–6).
STUDY_YEARS = {"student_bachelor": 4, "student_master": 2, "student_phd": 3, "student_college": 3}
# Shares of outgoing students the regulation would not send, so the dashboard's flags show:
# first-year bachelors (more often on domestic mobility, allowed from the second semester)
# and master's students outside semesters 2–3.
FIRST_YEAR_SHARE = {"international": 0.04, "domestic": 0.15}
MASTER_OFF_SEMESTER_SHARE = 0.07
PURPOSES: dict[str, dict[str, float]] = {
    "student_college": {"internship": 40, "summer_school": 30, "language_course": 30},
    "student_bachelor": {
        "study": 52,
        "internship": 10,
        "summer_school": 15,
        "language_course": 13,
        "conference": 6,
        "research": 4,
    },
    "student_master": {
        "study": 50,
        "internship": 10,
        "summer_school": 12,
        "language_course": 8,
        "conference": 10,
        "research": 10,
    },
    "student_phd": {
        "research": 40,
        "conference": 25,
        "study": 15,
        "summer_school": 10,
        "internship": 10,
    },
    "academic_staff": {
        "teaching": 25,
        "research": 18,
        "training": 22,
        "conference": 30,
        "summer_school": 5,
    },
    "admin_staff": {"training": 75, "conference": 15, "language_course": 10},
}
FUNDING: dict[str, dict[str, float]] = {
    "erasmus_plus": {"program_grant": 1},
    "mevlana": {"program_grant": 1},
    "daad": {"program_grant": 1},
    "itec": {"host": 1},
    "sco_university": {"state": 50, "host": 50},
    "cis_network_university": {"host": 60, "state": 40},
    "orhun": {"program_grant": 1},
    "osh_declaration": {"university": 60, "host": 40},
    "bilateral_agreement": {"university": 45, "host": 35, "self_funded": 20},
    "individual_invitation": {"host": 60, "self_funded": 25, "other": 15},
    "other": {"self_funded": 40, "university": 20, "state": 20, "other": 20},
}
FACULTY_WEIGHTS: dict[str, float] = {
    "MED": 15,
    "ECON": 14,
    "LAW": 9,
    "PHILOL": 18,
    "MATH": 13,
    "PHYS": 8,
    "HIST": 9,
    "PED": 14,
}
OUTGOING_CITIZENSHIP = {
    "Kyrgyzstan": 93,
    "Uzbekistan": 3,
    "Tajikistan": 2,
    "Kazakhstan": 1,
    "India": 1,
}
VIRTUAL_SHARE = (0.55, 0.22, 0.08, 0.06, 0.05, 0.05)  # by academic year: the pandemic first


def _partner_pools() -> dict[tuple[str, str], list[str]]:
    """(program, scope) → partners a participant of that programme may go to / come from."""
    active = [p for p in PARTNERS if p[0] not in DORMANT]
    international = [p for p in active if p[1] != "Kyrgyzstan"]
    domestic = [p[0] for p in active if p[1] == "Kyrgyzstan"]
    pools: dict[tuple[str, str], list[str]] = {}
    for program, countries in PROGRAM_COUNTRIES.items():
        if program == "bilateral_agreement":
            names = [p[0] for p in international if p[0] not in NO_AGREEMENT]
        elif program == "individual_invitation":
            names = [p[0] for p in international]
        elif program == "itec":
            names = [p[0] for p in international if p[0] in NO_AGREEMENT and p[1] == "India"]
        else:
            names = [p[0] for p in international if p[1] in countries]
        pools[(program, "international")] = names
        pools[(program, "domestic")] = domestic
    return pools


def mobility_rows(rng: np.random.Generator) -> list[dict[str, Any]]:
    """The mobility register, academic year by academic year (study_semester is set apart)."""
    pools = _partner_pools()
    program_choice = Choice(PROGRAM_WEIGHTS)
    category_choice = {
        p: Choice(list(zip(codes.PARTICIPANT_CATEGORY, w, strict=True)))
        for p, w in PROGRAM_CATEGORIES.items()
    }
    purpose_choice = {c: Choice(w) for c, w in PURPOSES.items()}
    funding_choice = {p: Choice(w) for p, w in FUNDING.items()}
    faculty_choice = Choice(FACULTY_WEIGHTS)
    citizenship_choice = Choice(OUTGOING_CITIZENSHIP)
    domestic_funding = Choice({"university": 45, "state": 35, "self_funded": 20})
    # Pseudonymous participant codes; staff codes recur (people travel more than once).
    pool = [f"P-{c:06X}" for c in rng.choice(16**6, size=2600, replace=False)]
    staff_codes, fresh = pool[:320], iter(pool[320:])

    rows: list[dict[str, Any]] = []
    for yi, (year, count) in enumerate(zip(ACADEMIC_YEARS, MOBILITY_PER_YEAR, strict=True)):
        y0 = 2020 + yi
        current = yi == len(ACADEMIC_YEARS) - 1
        year_start, year_end = dt.date(y0, 9, 1), dt.date(y0 + 1, 8, 31)
        batch = []
        for _ in range(count):
            program = program_choice(rng)
            category = category_choice[program](rng)
            is_student = category.startswith("student")
            purpose = "training" if program == "itec" else purpose_choice[category](rng)
            if program == "individual_invitation" and purpose == "study":
                purpose = "conference"
            incoming_share = {"itec": 0.0, "daad": 0.1}.get(program, 0.37)
            direction = "incoming" if rng.random() < incoming_share else "outgoing"
            domestic = (
                program in ("bilateral_agreement", "individual_invitation", "other")
                and rng.random() < 0.3
            )
            scope = "domestic" if domestic else "international"
            names = pools[(program, scope)]
            partner = names[int(rng.integers(len(names)))]
            _, country, city, _ = PARTNER[partner]
            r = rng.random()
            virtual = VIRTUAL_SHARE[yi]
            fmt = "virtual" if r < virtual else "blended" if r < virtual + 0.05 else "physical"

            start, duration = _mobility_dates(rng, purpose, y0)
            end = start + dt.timedelta(days=duration)
            if end > year_end:
                start, end = year_end - dt.timedelta(days=duration), year_end
            start = max(start, year_start)

            if direction == "outgoing":
                citizenship = citizenship_choice(rng) if is_student else "Kyrgyzstan"
            else:
                citizenship = country
            if is_student or direction == "incoming":
                participant = next(fresh)
            else:
                participant = staff_codes[int(320 * rng.random() ** 1.6)]
            status = _mobility_status(rng, direction, current)
            row = {
                "academic_year": year,
                "participant_category": category,
                "participant_code": participant,
                "gender": "female" if rng.random() < 0.58 else "male",
                "citizenship": citizenship,
                "faculty": faculty_choice(rng),
                "direction": direction,
                "scope": scope,
                "format": fmt,
                "purpose": purpose,
                "program": program,
                "partner_institution": partner,
                "partner_country": country,
                "partner_city": city,
                "start_date": start,
                "end_date": end,
                "duration_days": (end - start).days,
                "duration_type": "short" if (end - start).days <= 31 else "long",
                "funding_source": (domestic_funding if domestic else funding_choice[program])(rng),
                "status": status,
            }
            _student_fields(rng, row, is_student)
            row["report_date"] = _report_date(rng, row, is_student)
            batch.append(row)
        batch.sort(key=lambda r: (r["start_date"], r["participant_code"]))
        for n, row in enumerate(batch, start=1):
            row["mobility_id"] = f"MOB-{y0 + 1}-{n:05d}"
        rows += batch
    return rows


def _mobility_dates(rng: np.random.Generator, purpose: str, y0: int) -> tuple[dt.date, int]:
    """Start date and length in days of one mobility in academic year y0/y0+1."""
    anytime = dt.date(y0, 9, 10) + dt.timedelta(days=draw_days(rng, 0, 290))
    summer = dt.date(y0 + 1, 6, 20) + dt.timedelta(days=draw_days(rng, 0, 45))
    if purpose == "study":  # one semester
        if rng.random() < 0.6:
            return dt.date(y0, 9, 1) + dt.timedelta(days=draw_days(rng, 0, 20)), draw_days(
                rng, 120, 160
            )
        return dt.date(y0 + 1, 2, 1) + dt.timedelta(days=draw_days(rng, 0, 20)), draw_days(
            rng, 120, 145
        )
    if purpose == "language_course":
        if rng.random() < 0.8:
            return summer, draw_days(rng, 14, 30)
        return dt.date(y0 + 1, 2, 1) + dt.timedelta(days=draw_days(rng, 0, 15)), draw_days(
            rng, 60, 110
        )
    if purpose == "summer_school":
        return summer, draw_days(rng, 10, 28)
    spans = {
        "internship": (14, 60),
        "research": (14, 90),
        "teaching": (5, 14),
        "training": (5, 21),
        "conference": (3, 7),
    }
    low, high = spans[purpose]
    return anytime, draw_days(rng, low, high)


def _mobility_status(rng: np.random.Generator, direction: str, current: bool) -> str:
    r = rng.random()
    if current:
        table = (
            ("applied", 0.12),
            ("selected", 0.30),
            ("departed", 0.55),
            ("completed", 0.70),
            ("report_submitted", 0.94),
            ("withdrawn", 1.0),
        )
    elif direction == "incoming":
        table = (("completed", 0.95), ("withdrawn", 1.0))
    else:
        table = (("report_submitted", 0.70), ("completed", 0.94), ("withdrawn", 1.0))
    return next(status for status, upto in table if r < upto)


def _student_fields(rng: np.random.Generator, row: dict[str, Any], is_student: bool) -> None:
    """GPA at selection (outgoing students) and credits (students' study mobility)."""
    if is_student and row["direction"] == "outgoing":
        # A few selected below the regulation's GPA of 3 (the dashboard flags them).
        gpa = rng.uniform(2.5, 2.99) if rng.random() < 0.04 else 3.0 + 1.0 * rng.beta(2.2, 1.6)
        row["gpa_at_selection"] = round(float(gpa), 2)
    if not (is_student and row["purpose"] == "study"):
        return
    planned = float(rng.choice([20, 24, 25, 27, 28, 30]))
    row["credits_planned"] = planned
    if row["status"] not in ("completed", "report_submitted"):
        return
    r = rng.random()
    if r < 0.70:
        earned = planned
    elif r < 0.96:
        earned = planned - draw_days(rng, 3, 10)
    else:  # more than 15 failed: expulsion risk under the regulation
        earned = planned - draw_days(rng, 16, 20)
    row["credits_earned"] = earned
    row["credits_failed"] = planned - earned
    if row["direction"] == "outgoing" and row["status"] == "report_submitted":
        row["credits_recognized"] = earned if rng.random() < 0.85 else max(earned - 3, 0.0)


def _report_date(rng: np.random.Generator, row: dict[str, Any], is_student: bool) -> dt.date | None:
    """Report (staff) or transcript (students) date after return; some late."""
    if row["status"] != "report_submitted":
        return None
    end = row["end_date"]
    late = rng.random() < 0.15
    if is_student:  # transcript: due within a month
        return end + dt.timedelta(days=draw_days(rng, 32, 75) if late else draw_days(rng, 5, 30))
    workdays = draw_days(rng, 6, 20) if late else draw_days(rng, 1, 5)
    return np.busday_offset(np.datetime64(end), workdays, roll="forward").astype(object)


def set_study_semesters(rng: np.random.Generator, rows: list[dict[str, Any]]) -> None:
    """The semester of study of each student's mobility (staff: None), set in place.

    Drawn from its own generator, so adding the column changed no other demo value. The
    parity follows the start date: a mobility starting September–January falls in an odd
    (autumn) semester, one starting February–August in an even (spring) one.
    """
    for row in rows:
        category = row["participant_category"]
        years = STUDY_YEARS.get(category)
        if years is None:
            row["study_semester"] = None
            continue
        spring = 2 <= row["start_date"].month <= 8
        outgoing = row["direction"] == "outgoing"
        r = rng.random()
        if category == "student_master":
            # Semesters 2–3 (first-year spring, second-year autumn); a few 1 or 4.
            off = outgoing and r < MASTER_OFF_SEMESTER_SHARE
            year = (2 if spring else 1) if off else (1 if spring else 2)
        elif category == "student_bachelor" and outgoing:
            first = r < FIRST_YEAR_SHARE[row["scope"]]
            year = 1 if first else 2 + int(rng.integers(years - 1))
        else:
            year = 1 + int(rng.integers(years))
        row["study_semester"] = 2 * (year - 1) + (2 if spring else 1)
