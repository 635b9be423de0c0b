"""Demo academic quality: exam sessions, graduates, staff and ratings, satisfaction surveys."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pipelines.demo.catalogue import ACADEMIC_YEARS, FACULTIES, read_catalogue
from pipelines.demo.kpis import KPI_SERIES, KPI_YEARS
from pipelines.demo.shared import apportion, split_total

# Years of study per programme level (general medicine and dentistry take six).
COURSE_YEARS = {
    "bachelor": 4,
    "specialist": 5,
    "master": 2,
    "phd": 3,
    "residency": 2,
    "college": 3,
}
SIX_YEAR_PROGRAMS = ("560001-SP", "560001-SP-EN", "560004-SP", "560004-SP-EN")
# Students in one course year of a programme, by level (low, high).
COHORT = {
    "bachelor": (35, 110),
    "specialist": (120, 260),
    "master": (10, 28),
    "phd": (3, 7),
    "residency": (6, 16),
    "college": (30, 60),
}
# Programmes stop having sessions once closed or suspended (last academic year with one).
LAST_SESSION_YEAR = {"closed": "2022-2023", "suspended": "2024-2025"}
# Share of students passing the regular session, by faculty, before the yearly improvement.
PASS_RATE = {
    "MED": 0.86,
    "ECON": 0.83,
    "LAW": 0.82,
    "PHILOL": 0.85,
    "MATH": 0.78,
    "PHYS": 0.77,
    "HIST": 0.84,
    "PED": 0.87,
}
PASS_RATE_GAIN = 0.006  # per academic year: the slow improvement the strategy asks for
# The planted fall: a new curriculum with a harder core course, in the last academic year.
PASS_RATE_DROP_PROGRAM = "710400-BA"
PASS_RATE_DROP = 0.17
SMALL_GROUP_LEVELS = ("phd", "residency")
RETAKE_PASS_RATE = 0.72
ATTESTATION_PASS_RATE = 0.96
# Shares of the passing students by grade A–D (an F is a fail), and the mean score of each.
GRADE_SHARES = (0.17, 0.31, 0.33, 0.19)
GRADE_SCORES = (92.0, 83.0, 76.0, 66.0, 38.0)
HONOURS_SHARE = {"bachelor": 0.09, "specialist": 0.07, "master": 0.14, "college": 0.06}
# Share of graduates employed within a year of graduating, by faculty.
EMPLOYMENT_RATE = {
    "MED": 0.84,
    "ECON": 0.70,
    "LAW": 0.63,
    "PHILOL": 0.61,
    "MATH": 0.78,
    "PHYS": 0.58,
    "HIST": 0.52,
    "PED": 0.74,
}

# Each faculty's departments (кафедры) with their relative size, named as the faculty
# names them.
DEPARTMENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "MED": (
        ("Кафедра внутренних болезней", 1.4),
        ("Кафедра хирургических болезней", 1.3),
        ("Кафедра акушерства и гинекологии", 0.8),
        ("Кафедра педиатрии", 0.9),
        ("Кафедра анатомии и физиологии", 1.0),
        ("Кафедра фармакологии и фармации", 0.8),
        ("Кафедра общественного здравоохранения", 0.7),
    ),
    "ECON": (
        ("Кафедра экономической теории", 1.0),
        ("Кафедра финансов и бухгалтерского учёта", 1.1),
        ("Кафедра менеджмента и маркетинга", 1.0),
        ("Кафедра мировой экономики и туризма", 0.8),
    ),
    "LAW": (
        ("Кафедра гражданского права и процесса", 1.0),
        ("Кафедра уголовного права и криминологии", 1.0),
        ("Кафедра конституционного и международного права", 0.9),
    ),
    "PHILOL": (
        ("Кыргыз тили жана адабияты кафедрасы", 1.2),
        ("Кафедра русской филологии", 1.0),
        ("Кафедра английской филологии", 1.1),
        ("Кафедра восточных языков", 0.8),
        ("Журналистика кафедрасы", 0.5),
    ),
    "MATH": (
        ("Кафедра алгебры и геометрии", 1.0),
        ("Кафедра прикладной математики и информатики", 1.0),
        ("Кафедра программной инженерии", 0.9),
        ("Кафедра информационной безопасности", 0.6),
    ),
    "PHYS": (
        ("Кафедра общей и теоретической физики", 1.0),
        ("Кафедра электроэнергетики", 0.8),
        ("Кафедра химии", 0.8),
        ("Кафедра биологии и экологии", 0.9),
    ),
    "HIST": (
        ("Кыргызстандын тарыхы кафедрасы", 1.0),
        ("Кафедра всемирной истории и международных отношений", 1.0),
        ("Кафедра философии и политологии", 0.8),
        ("Кафедра психологии и социологии", 0.8),
    ),
    "PED": (
        ("Педагогика жана психология кафедрасы", 1.0),
        ("Башталгыч жана мектепке чейинки билим берүү кафедрасы", 1.2),
        ("Кафедра физического воспитания и спорта", 0.8),
        ("Кафедра музыки и изобразительного искусства", 0.6),
    ),
}
# Academic staff FTE by faculty (shares), and international staff by faculty (shares).
STAFF_SHARES = {
    "MED": 26,
    "ECON": 11,
    "LAW": 8,
    "PHILOL": 15,
    "MATH": 12,
    "PHYS": 10,
    "HIST": 8,
    "PED": 10,
}
INTERNATIONAL_STAFF_SHARES = {
    "MED": 38,
    "ECON": 14,
    "LAW": 2,
    "PHILOL": 22,
    "MATH": 14,
    "PHYS": 5,
    "HIST": 3,
    "PED": 2,
}
# Share of staff with an academic degree (doctor, candidate of science or PhD), by faculty:
# the licensing threshold is configurable (60 % in the demo); pedagogy stays below it.
DEGREE_SHARE = {
    "MED": 0.66,
    "ECON": 0.64,
    "LAW": 0.65,
    "PHILOL": 0.69,
    "MATH": 0.67,
    "PHYS": 0.68,
    "HIST": 0.70,
    "PED": 0.51,
}
DEGREE_THRESHOLD = 0.60
LOW_DEGREE_FACULTY = "PED"
HEADCOUNT_PER_FTE = 1.09  # part-time teachers: more people than full-time posts
RATING_YEARS = tuple(range(2021, 2027))
# In the last rating year the history faculty handed in only a few rating sheets: too few
# to publish a faculty aggregate (the rule is five or more).
FEW_RATED_FACULTY, FEW_RATED_YEAR, FEW_RATED = "HIST", 2026, 4
RATING_WEIGHTS = (0.5, 0.3, 0.2)  # teaching, research, service
RATING_BASE = {  # mean teaching, research, service score by position
    "professor": (82, 74, 70),
    "associate_professor": (78, 60, 66),
    "senior_lecturer": (74, 42, 62),
    "lecturer": (70, 30, 58),
    "assistant": (66, 22, 55),
}

# Question code → its text in Kyrgyz, Russian and English.
SURVEY_QUESTIONS: dict[str, tuple[str, str, str]] = {
    r["code"]: (r["question_ky"], r["question_ru"], r["question_en"])
    for r in read_catalogue("survey_questions.csv")
}
# survey code, respondent group, questions (code, mean score in the first year), per faculty.
SURVEYS: tuple[tuple[str, str, tuple[tuple[str, float], ...], bool], ...] = (
    (
        "student_satisfaction",
        "students",
        (("Q01", 3.8), ("Q02", 3.6), ("Q03", 3.2), ("Q04", 3.3), ("Q05", 3.7), ("Q06", 3.6)),
        True,
    ),
    ("staff_satisfaction", "staff", (("Q07", 3.5), ("Q08", 3.1), ("Q03", 3.4), ("Q09", 3.7)), True),
    ("graduate_exit", "graduates", (("Q01", 3.9), ("Q10", 3.5), ("Q06", 3.8)), True),
    ("employer_feedback", "employers", (("Q11", 3.6), ("Q12", 3.9)), False),
)
SURVEY_GAIN = 0.06  # mean score gained per academic year


def _cohorts(rng: np.random.Generator, programs: list[dict[str, Any]]) -> dict[str, int]:
    """The size of one course year of each programme (first-year intake)."""
    return {p["program_code"]: int(rng.integers(*COHORT[p["level"]])) for p in programs}


def _mean_score(grades: list[int], total: int) -> float:
    """The average score that counts of A, B, C, D and F make (each at its typical score)."""
    return sum(g * s for g, s in zip(grades, GRADE_SCORES, strict=True)) / total


def _grades(rng: np.random.Generator, passed: int, total: int) -> tuple[list[int], float]:
    """Counts of A, B, C, D (passed) and F (failed), and the average score they make."""
    shares = np.array(GRADE_SHARES) * rng.uniform(0.85, 1.15, size=4)
    counts = apportion(shares, passed).astype(int)
    grades = [*counts.tolist(), total - passed]
    score = _mean_score(grades, total) if total else 0
    return grades, round(min(100.0, score + rng.normal(0, 1.2)), 1)


def exam_rows(
    rng: np.random.Generator, programs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sessions of every programme, and the graduates the state attestation produced."""
    cohorts = _cohorts(rng, programs)
    exams, graduates = [], []
    for p in programs:
        code, faculty, level = p["program_code"], p["faculty"], p["level"]
        years = 6 if code in SIX_YEAR_PROGRAMS else COURSE_YEARS[level]
        last = LAST_SESSION_YEAR.get(p["status"], ACADEMIC_YEARS[-1])
        program_rate = PASS_RATE[faculty] + rng.normal(0, 0.015)
        for yi, year in enumerate(ACADEMIC_YEARS):
            if year > last:
                break
            rate = program_rate + PASS_RATE_GAIN * yi
            if code == PASS_RATE_DROP_PROGRAM and year == ACADEMIC_YEARS[-1]:
                rate -= PASS_RATE_DROP
            for course in range(1, years + 1):
                # Later course years are smaller: some students leave along the way.
                base = cohorts[code] * (1 + 0.04 * yi) * (0.93 ** (course - 1))
                for semester in (1, 2):
                    total = max(2, int(round(base * rng.uniform(0.96, 1.04))))
                    r = min(0.99, rate + rng.normal(0, 0.012))
                    if level in SMALL_GROUP_LEVELS:
                        # A handful of students: one more failure would swing the rate by
                        # 20 points, so the demo lets them all pass.
                        r = 1.0
                    passed = int(round(total * r))
                    grades, score = _grades(rng, passed, total)
                    exams.append(
                        _session_row(
                            year, semester, p, course, "regular", total, passed, grades, score
                        )
                    )
                    failed = total - passed
                    if failed:
                        exams.append(_retake_row(rng, year, semester, p, course, failed))
                    if semester == 2 and course == years:
                        finalists = int(round(total * 0.97))
                        passed = int(
                            round(finalists * (ATTESTATION_PASS_RATE + rng.normal(0, 0.01)))
                        )
                        passed = min(finalists, passed)
                        grades, score = _grades(rng, passed, finalists)
                        exams.append(
                            _session_row(
                                year,
                                2,
                                p,
                                course,
                                "state_attestation",
                                finalists,
                                passed,
                                grades,
                                score,
                            )
                        )
                        graduates.append(_graduates_row(rng, p, year, passed))
    return exams, graduates


def _retake_row(
    rng: np.random.Generator,
    year: str,
    semester: int,
    program: dict[str, Any],
    course: int,
    failed: int,
) -> dict[str, Any]:
    """The retake of those who failed the regular session: most pass, with C or D."""
    passed = int(round(failed * (RETAKE_PASS_RATE + rng.normal(0, 0.04))))
    passed = min(failed, max(0, passed))
    grades = [0, 0, passed // 3, passed - passed // 3, failed - passed]
    score = round(_mean_score(grades, failed), 1)
    return _session_row(year, semester, program, course, "retake", failed, passed, grades, score)


def _session_row(
    year: str,
    semester: int,
    program: dict[str, Any],
    course: int,
    session: str,
    total: int,
    passed: int,
    grades: list[int],
    score: float,
) -> dict[str, Any]:
    return {
        "academic_year": year,
        "semester": semester,
        "faculty": program["faculty"],
        "program_code": program["program_code"],
        "course_year": course,
        "session_type": session,
        "students_total": total,
        "students_passed": passed,
        "avg_score": score,
        **dict(zip(("grade_a", "grade_b", "grade_c", "grade_d", "grade_f"), grades, strict=True)),
    }


def _graduates_row(
    rng: np.random.Generator, program: dict[str, Any], year: str, total: int
) -> dict[str, Any]:
    level, faculty = program["level"], program["faculty"]
    yi = ACADEMIC_YEARS.index(year)
    honours = int(round(total * HONOURS_SHARE.get(level, 0.0) * rng.uniform(0.7, 1.3)))
    employed = None
    # Employment within a year of graduating is not known yet for the last year's graduates.
    if year != ACADEMIC_YEARS[-1]:
        rate = EMPLOYMENT_RATE[faculty] + 0.012 * yi + rng.normal(0, 0.03)
        if level in ("phd", "residency"):
            rate = max(rate, 0.9)
        employed = min(total, int(round(total * rate)))
    return {
        "academic_year": year,
        "faculty": faculty,
        "program_code": program["program_code"],
        "level": level,
        "graduates_total": total,
        "with_honours": honours,
        "employed_within_year": employed,
    }


def staff_rows(rng: np.random.Generator) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Staff composition by department (FTE and international staff add up to the KPIs)
    and the annual rating of every teacher, under stable pseudonymous codes."""
    composition, ratings = [], []
    staff_codes: dict[tuple[str, str], list[str]] = {}
    next_code = 1
    for yi, year in enumerate(KPI_YEARS):
        fte_by_faculty = split_total(None, KPI_SERIES["academic_staff_fte"][yi], STAFF_SHARES)
        intl_by_faculty = split_total(
            None, KPI_SERIES["international_staff"][yi], INTERNATIONAL_STAFF_SHARES
        )
        for faculty, departments in DEPARTMENTS.items():
            weights = dict(departments)
            fte_parts = split_total(None, fte_by_faculty[faculty] * 10, weights)  # tenths of a post
            intl_parts = split_total(None, intl_by_faculty[faculty], weights)
            degree_share = DEGREE_SHARE[faculty] + 0.004 * yi
            for department, _ in departments:
                fte = fte_parts[department] / 10
                headcount = math.ceil(fte * HEADCOUNT_PER_FTE)
                degrees = int(round(headcount * (degree_share + rng.normal(0, 0.01))))
                doctors = int(round(headcount * rng.uniform(0.07, 0.11)))
                phd = int(round(headcount * (0.015 + 0.008 * yi)))
                candidates = max(0, degrees - doctors - phd)
                professors = min(doctors, int(round(doctors * 0.85)))
                associates = int(round(candidates * rng.uniform(0.55, 0.7)))
                composition.append(
                    {
                        "year": year,
                        "faculty": faculty,
                        "department": department,
                        "headcount": headcount,
                        "fte": fte,
                        "doctors_of_science": doctors,
                        "candidates_of_science": candidates,
                        "phd_holders": phd,
                        "professors": professors,
                        "associate_professors": associates,
                        "international_staff": intl_parts[department],
                    }
                )
                pool = staff_codes.setdefault((faculty, department), [])
                while len(pool) < headcount:
                    pool.append(f"T{next_code:05d}")
                    next_code += 1
                if year not in RATING_YEARS:
                    continue
                rated = pool[:headcount]
                if (faculty, year) == (FEW_RATED_FACULTY, FEW_RATED_YEAR):
                    first = departments[0][0] == department
                    rated = rated[:FEW_RATED] if first else []
                positions = (
                    ["professor"] * professors
                    + ["associate_professor"] * associates
                    + ["senior_lecturer"] * (headcount // 4)
                    + ["assistant"] * (headcount // 10)
                )
                positions += ["lecturer"] * (headcount - len(positions))
                ratings += _ratings(rng, year, faculty, department, rated, positions)
    return composition, ratings


def _ratings(
    rng: np.random.Generator,
    year: int,
    faculty: str,
    department: str,
    codes_: list[str],
    positions: list[str],
) -> list[dict[str, Any]]:
    if not codes_:
        return []
    noise = rng.normal(0, 9, size=(len(codes_), 3))
    gain = 1.2 * RATING_YEARS.index(year)
    rows = []
    for i, (code, position) in enumerate(zip(codes_, positions, strict=False)):
        parts = [
            round(float(np.clip(base + gain + noise[i, k], 5, 100)), 1)
            for k, base in enumerate(RATING_BASE[position])
        ]
        total = round(sum(w * s for w, s in zip(RATING_WEIGHTS, parts, strict=True)), 1)
        rows.append(
            {
                "year": year,
                "staff_code": code,
                "faculty": faculty,
                "department": department,
                "position": position,
                "teaching_score": parts[0],
                "research_score": parts[1],
                "service_score": parts[2],
                "total_score": total,
            }
        )
    return rows


def _totals(
    rows: list[dict[str, Any]], keys: tuple[str, str], value: str
) -> dict[tuple[Any, Any], int]:
    """The sum of one column over the rows that share the ``keys`` columns."""
    sums: dict[tuple[Any, Any], int] = {}
    for r in rows:
        k = (r[keys[0]], r[keys[1]])
        sums[k] = sums.get(k, 0) + r[value]
    return sums


def survey_rows(
    rng: np.random.Generator,
    exams: list[dict[str, Any]],
    graduates: list[dict[str, Any]],
    composition: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Satisfaction surveys of the four respondent groups, with the questions' three texts."""
    students = _totals(
        [e for e in exams if e["session_type"] == "regular" and e["semester"] == 1],
        ("academic_year", "faculty"),
        "students_total",
    )
    alumni = _totals(graduates, ("academic_year", "faculty"), "graduates_total")
    staff = _totals(composition, ("year", "faculty"), "headcount")
    faculty_tilt = {f: rng.normal(0, 0.12) for f in FACULTIES}
    rows = []
    for yi, year in enumerate(ACADEMIC_YEARS):
        for survey, group, questions, by_faculty in SURVEYS:
            if group == "employers" and yi < 2:
                continue  # the employer survey started in 2022-2023
            for faculty in FACULTIES if by_faculty else (None,):
                if group == "students":
                    pool = students[(year, faculty)] * 0.12
                elif group == "staff":
                    pool = staff[(int(year[-4:]), faculty)] * 0.45
                elif group == "graduates":
                    pool = alumni.get((year, faculty), 0) * 0.35
                else:
                    pool = 70
                responses = max(5, int(round(pool * rng.uniform(0.85, 1.15))))
                for question, first_mean in questions:
                    tilt = faculty_tilt[faculty] if faculty else 0.0
                    mean = first_mean + SURVEY_GAIN * yi + tilt + rng.normal(0, 0.05)
                    mean = round(float(np.clip(mean, 1, 5)), 2)
                    share = round(float(np.clip((mean - 2.3) / 2.2, 0, 1)), 3)
                    ky, ru, en = SURVEY_QUESTIONS[question]
                    rows.append(
                        {
                            "survey_code": survey,
                            "academic_year": year,
                            "respondent_group": group,
                            "faculty": faculty,
                            "question_code": question,
                            "question_ky": ky,
                            "question_ru": ru,
                            "question_en": en,
                            "responses": responses,
                            "mean_score": mean,
                            "share_satisfied": share,
                        }
                    )
    return rows
