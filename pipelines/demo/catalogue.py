"""The demo's shared facts: the home university, its faculties, peers, partners and offices."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

# A fixed "today", so that relative dates (expiring within 6 months, overdue actions) and
# therefore every frame are the same on every run.
DEFAULT_TODAY = dt.date(2026, 11, 21)
HOME = "Osh State University"
ACADEMIC_YEARS = tuple(f"{y}-{y + 1}" for y in range(2020, 2026))
PUBLISHED, DEMO = "published", "demo"
ISSUER = "Министерство науки, высшего образования и инноваций Кыргызской Республики"

FACULTIES: dict[str, str] = {
    "MED": "Faculty of Medicine",
    "ECON": "Faculty of Economics and Business",
    "LAW": "Faculty of Law",
    "PHILOL": "Faculty of Philology",
    "MATH": "Faculty of Mathematics and Information Technology",
    "PHYS": "Faculty of Physics and Engineering",
    "HIST": "Faculty of History and Social Sciences",
    "PED": "Faculty of Pedagogy",
}
# code: (ky, ru) names, and short names in ky, ru, en.
FACULTY_NAMES: dict[str, tuple[str, str, str, str, str]] = {
    "MED": ("Медицина факультети", "Медицинский факультет", "Мед.", "Мед.", "Med."),
    "ECON": (
        "Экономика жана бизнес факультети",
        "Факультет экономики и бизнеса",
        "Экон.",
        "Экон.",
        "Econ.",
    ),
    "LAW": ("Юридикалык факультет", "Юридический факультет", "Юр.", "Юр.", "Law"),
    "PHILOL": ("Филология факультети", "Филологический факультет", "Филол.", "Филол.", "Philol."),
    "MATH": (
        "Математика жана маалыматтык технологиялар факультети",
        "Факультет математики и информационных технологий",
        "МжМТ",
        "МиИТ",
        "Math & IT",
    ),
    "PHYS": (
        "Физика жана инженерия факультети",
        "Физико-технический факультет",
        "Физ.-тех.",
        "Физ.-тех.",
        "Phys. & Eng.",
    ),
    "HIST": (
        "Тарых жана социалдык илимдер факультети",
        "Факультет истории и социальных наук",
        "Тарых",
        "Ист.",
        "Hist.",
    ),
    "PED": ("Педагогика факультети", "Педагогический факультет", "Пед.", "Пед.", "Ped."),
}
# Offices that own KPIs and action items, named as the university's own documents name
# them: mostly in Russian, some in Kyrgyz.
IRO, SPQ, ACAD = (
    "Отдел международного сотрудничества и рейтингов",
    "Отдел стратегического планирования и обеспечения качества",
    "Учебно-методический отдел",
)
HR, FINANCE, CAREER = (
    "Кадрлар бөлүмү",
    "Финансово-экономический отдел",
    "Центр карьеры и трудоустройства",
)
# Each faculty's dean's office, the owner of its programmes' corrective actions.
DEANS_OFFICES: dict[str, str] = {
    "MED": "Деканат медицинского факультета",
    "ECON": "Деканат факультета экономики и бизнеса",
    "LAW": "Деканат юридического факультета",
    "PHILOL": "Деканат филологического факультета",
    "MATH": "Деканат факультета математики и информационных технологий",
    "PHYS": "Деканат физико-технического факультета",
    "HIST": "Тарых жана социалдык илимдер факультетинин деканаты",
    "PED": "Педагогика факультетинин деканаты",
}

_HERE = Path(__file__).parent


def read_catalogue(file_name: str) -> list[dict[str, str]]:
    """The rows of one catalogue CSV beside this module, as text (no type guessing, so
    codes such as ``060109`` keep their leading zero)."""
    with (_HERE / file_name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- institutions ------------------------------------------------------------------------
# Short handles of the peers' names, for the ranking tables and the partner lists.
AUCA = "American University of Central Asia"
KTMU = "Kyrgyz-Turkish Manas University"
KRSU = "Kyrgyz Russian Slavic University"
KNU = "Kyrgyz National University named after J. Balasagyn"
KSTU = "Kyrgyz State Technical University named after I. Razzakov"
KSMA = "Kyrgyz State Medical Academy"
ALATOO = "Ala-Too International University"
KNAU = "Kyrgyz National Agrarian University"
ARABAEV = "Arabaev Kyrgyz State University"
KEU = "Kyrgyz Economic University"
BSU = "Bishkek State University"
FARABI = "Al-Farabi Kazakh National University"
ENU = "L.N. Gumilyov Eurasian National University"
NUUZ = "National University of Uzbekistan"
TNU = "Tajik National University"

# name, country, other spellings (as published tables and Russian/Kyrgyz documents write
# them; "|"-separated in the CSV).
INSTITUTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (r["name"], r["country"], tuple(r["aliases"].split("|")))
    for r in read_catalogue("institutions.csv")
)
COUNTRY = {name: country for name, country, _ in INSTITUTIONS}


def faculties() -> pd.DataFrame:
    """The faculties dataset: each code with its names in ky, ru and en."""
    rows = [
        (code, ky, ru, FACULTIES[code], s_ky, s_ru, s_en)
        for code, (ky, ru, s_ky, s_ru, s_en) in FACULTY_NAMES.items()
    ]
    columns = ["code", "name_ky", "name_ru", "name_en", "short_ky", "short_ru", "short_en"]
    frame = pd.DataFrame(rows, columns=columns).astype("str")
    return frame.assign(active=pd.array([True] * len(frame), dtype="boolean"))


# The comparison groups of the Rankings page's peers tab.
CENTRAL_ASIA = ("Kazakhstan", "Uzbekistan", "Tajikistan", "Turkmenistan")


def institutions() -> pd.DataFrame:
    """The institutions dataset: every ranked university, its spellings, and which is home."""

    def group(country: str) -> str | None:
        if country == "Kyrgyzstan":
            return "Kyrgyzstan"
        return "Central Asia" if country in CENTRAL_ASIA else None

    return pd.DataFrame(
        {
            "name": pd.Series([n for n, _, _ in INSTITUTIONS], dtype="str"),
            "aliases": pd.Series(["; ".join(a) for _, _, a in INSTITUTIONS], dtype="str"),
            "country": pd.Series([c for _, c, _ in INSTITUTIONS], dtype="str"),
            "is_home": pd.array([n == HOME for n, _, _ in INSTITUTIONS], dtype="boolean"),
            "city": pd.Series([None] * len(INSTITUTIONS), dtype="str"),
            "peer_group": pd.Series([group(c) for _, c, _ in INSTITUTIONS], dtype="str"),
            "ror_id": pd.Series([None] * len(INSTITUTIONS), dtype="str"),
        }
    )


# --- partners ----------------------------------------------------------------------------
# name, country, city, web domain (None: no site recorded). The Kyrgyz partners are for
# domestic mobility and are not in the register of international agreements.
PARTNERS: tuple[tuple[str, str, str, str | None], ...] = tuple(
    (r["name"], r["country"], r["city"], r["domain"] or None)
    for r in read_catalogue("partners.csv")
)
PARTNER = {p[0]: p for p in PARTNERS}
# Agreements that carry no mobility at all, and partners visited without an agreement.
DORMANT = (
    "Tokyo University of Foreign Studies",
    "University of Salamanca",
    "Palacký University Olomouc",
    "Mykolas Romeris University",
    "Altai State University",
    "M. Auezov South Kazakhstan University",
)
NO_AGREEMENT = (
    "Lomonosov Moscow State University",
    "Humboldt University of Berlin",
    "Centre for Development of Advanced Computing",
    "National Institute of Rural Development and Panchayati Raj",
)
EU = ("Germany", "Poland", "Hungary", "Lithuania", "Italy", "Spain", "Czechia", "Latvia")
