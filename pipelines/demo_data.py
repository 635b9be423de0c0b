"""Deterministic demo data for one Kyrgyz state university and its peers."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.parsing import DTYPES
from sapat.queries.measures import measure_sql
from schemas import codes
from schemas.registry import DATASETS

# A fixed "today", so that relative dates (expiring within 6 months, overdue actions) and
# therefore every frame are the same on every run.
DEFAULT_TODAY = dt.date(2026, 11, 21)
HOME = "Osh State University"
ACADEMIC_YEARS = tuple(f"{y}-{y + 1}" for y in range(2020, 2026))
# Participants per academic year: mobility grows after the pandemic year 2020-2021.
MOBILITY_PER_YEAR = (170, 240, 310, 370, 430, 480)
PUBLISHED, DEMO = "published", "demo"
ISSUER = "Ministry of Science, Higher Education and Innovation of the Kyrgyz Republic"

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

# --- institutions ------------------------------------------------------------------------
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

# name, country, other spellings (as published tables and Russian/Kyrgyz documents write them)
INSTITUTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        HOME,
        "Kyrgyzstan",
        (
            "Ошский государственный университет",
            "Ош мамлекеттик университети",
            "ОшГУ",
            "ОшМУ",
            "OshSU",
            "Osh State Univ.",
        ),
    ),
    (
        AUCA,
        "Kyrgyzstan",
        (
            "Американский университет в Центральной Азии",
            "Борбордук Азиядагы Америка университети",
            "АУЦА",
            "AUCA",
        ),
    ),
    (
        KTMU,
        "Kyrgyzstan",
        (
            "Кыргызско-Турецкий университет «Манас»",
            "Кыргыз-Түрк «Манас» университети",
            "Kırgızistan-Türkiye Manas Üniversitesi",
            "Manas University",
            "KTMU",
            "КТУ «Манас»",
        ),
    ),
    (
        KRSU,
        "Kyrgyzstan",
        (
            "Kyrgyz-Russian Slavic University",
            "Kyrgyz Russian Slavic University named after B.N. Yeltsin",
            "Кыргызско-Российский Славянский университет им. Б.Н. Ельцина",
            "КРСУ",
            "KRSU",
        ),
    ),
    (
        KNU,
        "Kyrgyzstan",
        (
            "Kyrgyz National University",
            "Кыргызский национальный университет им. Ж. Баласагына",
            "Жусуп Баласагын атындагы Кыргыз улуттук университети",
            "КНУ",
            "KNU",
        ),
    ),
    (
        KSTU,
        "Kyrgyzstan",
        (
            "Kyrgyz State Technical University",
            "Кыргызский государственный технический университет им. И. Раззакова",
            "КГТУ",
            "KSTU",
        ),
    ),
    (
        KSMA,
        "Kyrgyzstan",
        (
            "Kyrgyz State Medical Academy named after I.K. Akhunbaev",
            "Кыргызская государственная медицинская академия им. И.К. Ахунбаева",
            "КГМА",
            "KSMA",
        ),
    ),
    (
        ALATOO,
        "Kyrgyzstan",
        (
            "Международный университет Ала-Тоо",
            "Ала-Тоо Эл аралык университети",
            "International Atatürk Alatoo University",
            "IAAU",
        ),
    ),
    (
        KNAU,
        "Kyrgyzstan",
        (
            "Kyrgyz National Agrarian University named after K.I. Skryabin",
            "Кыргызский национальный аграрный университет им. К.И. Скрябина",
            "КНАУ",
            "Agrarian University",
        ),
    ),
    (
        ARABAEV,
        "Kyrgyzstan",
        (
            "Kyrgyz State University named after I. Arabaev",
            "Кыргызский государственный университет им. И. Арабаева",
            "КГУ им. И. Арабаева",
            "Arabaev University",
        ),
    ),
    (
        KEU,
        "Kyrgyzstan",
        (
            "Kyrgyz Economic University named after M. Ryskulbekov",
            "Кыргызский экономический университет им. М. Рыскулбекова",
            "КЭУ",
            "Economic University",
        ),
    ),
    (
        BSU,
        "Kyrgyzstan",
        (
            "Bishkek State University named after K. Karasaev",
            "Бишкекский государственный университет им. К. Карасаева",
            "БГУ",
        ),
    ),
    (
        FARABI,
        "Kazakhstan",
        (
            "Казахский национальный университет им. аль-Фараби",
            "КазНУ",
            "KazNU",
            "Al-Farabi University",
        ),
    ),
    (
        ENU,
        "Kazakhstan",
        (
            "L.N. Gumilyov Eurasian National University (ENU)",
            "Евразийский национальный университет им. Л.Н. Гумилёва",
            "ЕНУ",
            "ENU",
        ),
    ),
    (
        NUUZ,
        "Uzbekistan",
        (
            "National University of Uzbekistan named after Mirzo Ulugbek",
            "Национальный университет Узбекистана им. Мирзо Улугбека",
            "НУУз",
            "NUUz",
        ),
    ),
    (TNU, "Tajikistan", ("Таджикский национальный университет", "ТНУ", "TNU")),
)
COUNTRY = {name: country for name, country, _ in INSTITUTIONS}

# --- rankings ----------------------------------------------------------------------------
# Published positions (README "Facts about Kyrgyz universities" and the QS/THE tables in
# shared/data/public/rankings). Scores only where the table prints one.
PUBLISHED_RESULTS: tuple[tuple[str, int, str, str, float | None], ...] = (
    ("qs_wur", 2024, KTMU, "851-900", None),
    ("qs_wur", 2024, FARABI, "=230", 41.6),
    ("qs_wur", 2024, ENU, "=355", 30.9),
    ("qs_wur", 2025, KRSU, "851-900", None),
    ("qs_wur", 2025, KTMU, "901-950", None),
    ("qs_wur", 2025, KSTU, "1201-1400", None),
    ("qs_wur", 2025, FARABI, "163", 51.0),
    ("qs_wur", 2025, ENU, "321", 34.2),
    ("qs_wur", 2025, NUUZ, "781-790", None),
    ("qs_wur", 2026, AUCA, "901-950", None),
    ("qs_wur", 2026, KTMU, "951-1000", None),
    ("qs_wur", 2026, KRSU, "1001-1200", None),
    ("qs_wur", 2026, KNU, "1201-1400", None),
    ("qs_wur", 2026, KSTU, "1201-1400", None),
    ("qs_wur", 2026, FARABI, "166", 59.8),
    ("qs_wur", 2026, ENU, "317", 43.9),
    ("qs_wur", 2026, NUUZ, "721-730", None),
    ("qs_asia", 2026, HOME, "316", None),
    ("qs_asia", 2026, KTMU, "230", None),
    ("qs_eeca", 2021, AUCA, "138", None),
    ("qs_eeca", 2021, KTMU, "183", None),
    ("greenmetric", 2022, KTMU, "710", None),
    ("the_wur", 2024, KTMU, "Reporter", None),
    ("the_wur", 2024, FARABI, "1201–1500", None),
    ("the_wur", 2024, ENU, "1501+", None),
    ("the_wur", 2024, NUUZ, "Reporter", None),
)
# The Ministry's first national ranking: the published scores; ranks follow the scores.
NATIONAL_2024: tuple[tuple[str, float], ...] = (
    (KSMA, 461.56),
    (ALATOO, 453.58),
    (KSTU, 436.74),
    (HOME, 415.84),
    (KRSU, 412.74),
    (KNU, 404.36),
    (KNAU, 403.54),
    (ARABAEV, 352.92),
    (KEU, 324.3),
    (BSU, 318.12),
)
# Invented next edition (one tie, as the Ministry may publish).
NATIONAL_2025_DEMO: tuple[tuple[str, float], ...] = (
    (KSMA, 466.20),
    (ALATOO, 458.91),
    (KSTU, 441.35),
    (HOME, 421.70),
    (KRSU, 421.70),
    (KNU, 409.82),
    (KNAU, 401.27),
    (ARABAEV, 359.44),
    (BSU, 327.63),
    (KEU, 326.08),
)
# Invented history: QS Asia 2021..2026 (2026 of HOME and KTMU are published, see above).
QS_ASIA_DEMO: dict[str, tuple[str, ...]] = {
    HOME: ("501-550", "451-500", "401-450", "351-400", "=338"),
    KTMU: ("261-270", "251-260", "241", "=236", "228"),
    AUCA: ("351-400", "351-400", "301-350", "281", "266", "259"),
    KRSU: ("401-450", "351-400", "351-400", "331", "318", "305"),
    KNU: ("451-500", "401-450", "401-450", "371", "=356", "342"),
    KSTU: ("501-550", "501-550", "451-500", "451-500", "401-450", "391"),
    FARABI: ("48", "44", "46", "43", "=40", "38"),
    ENU: ("81", "76", "79", "72", "68", "=63"),
    NUUZ: ("401-450", "351-400", "351-400", "321", "301", "287"),
    TNU: ("601-650", "551-600", "551-600", "501-550", "451-500", "451-500"),
}
OTHER_DEMO_RESULTS: tuple[tuple[str, int, str, str], ...] = (
    ("qs_wur", 2025, HOME, "1401+"),
    ("qs_wur", 2026, HOME, "1201-1400"),
    ("the_wur", 2024, HOME, "Reporter"),
    ("the_wur", 2025, HOME, "1501+"),
    ("the_wur", 2025, FARABI, "1201–1500"),
    ("the_wur", 2025, ENU, "1501+"),
    ("the_wur", 2025, NUUZ, "1501+"),
    ("the_wur", 2025, KTMU, "Reporter"),
    ("the_wur", 2026, HOME, "1501+"),
    ("the_wur", 2026, FARABI, "1001–1200"),
    ("the_wur", 2026, ENU, "1501+"),
    ("the_wur", 2026, NUUZ, "1501+"),
    ("the_wur", 2026, KTMU, "1501+"),
    ("the_wur", 2026, KNU, "Reporter"),
    ("qs_eeca", 2021, HOME, "251-300"),
    ("qs_eeca", 2021, KNU, "251-300"),
    ("qs_eeca", 2021, KRSU, "201-250"),
    ("greenmetric", 2022, HOME, "846"),
    ("greenmetric", 2023, HOME, "812"),
    ("greenmetric", 2024, HOME, "779"),
    ("greenmetric", 2023, KTMU, "702"),
    ("greenmetric", 2024, KTMU, "695"),
)

QS_ASIA_INDICATORS = (
    "academic_reputation",
    "employer_reputation",
    "faculty_student",
    "citations_per_paper",
    "international_research_network",
    "papers_per_faculty",
    "staff_with_phd",
    "international_students",
    "international_faculty",
    "inbound_exchange",
    "outbound_exchange",
)
QS_WUR_INDICATORS = (
    "academic_reputation",
    "employer_reputation",
    "faculty_student",
    "citations_per_faculty",
    "international_faculty",
    "international_students",
    "international_research_network",
    "employment_outcomes",
    "sustainability",
)
QS_WUR_2026_EXTRA = ("international_student_diversity",)
THE_INDICATORS = (
    "teaching",
    "research_environment",
    "research_quality",
    "international_outlook",
    "industry",
)
INDICATOR_EDITIONS = (
    *(("qs_asia", y) for y in range(2021, 2027)),
    ("qs_wur", 2025),
    ("qs_wur", 2026),
    ("the_wur", 2025),
    ("the_wur", 2026),
)

# Published QS WUR indicator score/rank pairs ('-' = not published), in the order of
# QS_WUR_INDICATORS (+ international_student_diversity after international_students in 2026).
_QS25 = QS_WUR_INDICATORS
_QS26 = (*QS_WUR_INDICATORS[:6], "international_student_diversity", *QS_WUR_INDICATORS[6:])
PUBLISHED_INDICATORS: dict[tuple[int, str], str] = {
    (2025, FARABI): "54.2/146 79.6/77 99.3/33 1.4/701+ 49/370 54.2/272 64.7/561 59.6/206 29.8/445=",
    (2025, ENU): "34.4/256 62/130 92.6/76 1.4/701+ 68.7/289 8.2/701+ 22.8/701+ 5.5/701+ 10.5/655=",
    (2025, NUUZ): "25.5/347 15.8/540 5.2/701+ 1.3/701+ 89/197 2.5/701+ 11.8/701+ 20.4/559 1.4/701+",
    (2025, KRSU): "9.3/601+ 7/601+ 99.8/26 1/701+ - - 3.1/701+ 24.1/470 -",
    (2025, KTMU): "15.1/583 10.9/601+ 10.7/701+ 1.7/701+ 90.5/189 19.7/549 7.1/701+ 5.7/701+ "
    "1/701+",
    (2025, KSTU): "14.6/598 7/601+ 12/701+ 1/701+ 2.6/701+ 5.8/701+ 1.2/701+ 22.6/506 -",
    (2026, FARABI): "60.7/172 86.3/85 99.6/36 2.1/801+ 80.9/288 83.2/204 79.3/213 75.7/426 "
    "66.2/234 62.8/443",
    (2026, ENU): "40.1/300 85.8/86 94.7/78 2/801+ 84.6/262 25.8/649 27.2/650 31.4/801+ "
    "7.5/801+ 46.6/801+",
    (2026, NUUZ): "29.7/412 38.9/355 7.5/801+ 1.9/801+ 92.9/200 6.8/801+ 10.4/801+ 21.3/801+ "
    "30.4/545 43.5/801+",
    (2026, AUCA): "12.7/701+ 14.5/701+ 60.9/296 2.4/801+ 58/398 96.4/105 81.5/193 4.3/801+ "
    "6.6/801+ 7.5/801+",
    (2026, KTMU): "19.2/642 23/579 14.5/801+ 3/801+ 95.3/175 28.2/613 26.6/663 8.2/801+ "
    "7.9/801+ 33.1/801+",
    (2026, KRSU): "10.9/701+ 13.4/701+ 99.9/30 1/801+ - - - 1.6/801+ 35.4/486 -",
    (2026, KNU): "14.3/701+ 12.6/701+ 28.4/671 1.1/801+ 2.6/801+ 14/801+ 16.2/801+ 4.5/801+ "
    "51.7/327 -",
    (2026, KSTU): "16.1/701+ 15.1/701+ 13.9/801+ 1/801+ 10.7/801+ 11.5/801+ 14.2/801+ 1.1/801+ "
    "30.6/542 8.5/801+",
}
# The home university's indicator levels (its strengths: international students, staff with
# a doctorate; its weaknesses: citations, international faculty).
HOME_LEVELS: dict[str, float] = {
    "academic_reputation": 9,
    "employer_reputation": 11,
    "faculty_student": 24,
    "citations_per_paper": 4,
    "international_research_network": 7,
    "papers_per_faculty": 3,
    "staff_with_phd": 27,
    "international_students": 52,
    "international_faculty": 4,
    "inbound_exchange": 7,
    "outbound_exchange": 9,
    "citations_per_faculty": 1.2,
    "employment_outcomes": 21,
    "sustainability": 4,
    "international_student_diversity": 18,
    "teaching": 14,
    "research_environment": 9,
    "research_quality": 11,
    "international_outlook": 41,
    "industry": 17,
}

# --- mobility ----------------------------------------------------------------------------
# name, country, city, web domain (None: no site recorded)
PARTNERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Ankara University", "Turkey", "Ankara", "ankara.edu.tr"),
    ("Gazi University", "Turkey", "Ankara", "gazi.edu.tr"),
    ("Ege University", "Turkey", "Izmir", "ege.edu.tr"),
    ("Erciyes University", "Turkey", "Kayseri", "erciyes.edu.tr"),
    ("Karadeniz Technical University", "Turkey", "Trabzon", "ktu.edu.tr"),
    ("Atatürk University", "Turkey", "Erzurum", "atauni.edu.tr"),
    ("Süleyman Demirel University", "Turkey", "Isparta", "sdu.edu.tr"),
    (FARABI, "Kazakhstan", "Almaty", "kaznu.kz"),
    (ENU, "Kazakhstan", "Astana", "enu.kz"),
    (
        "Khoja Akhmet Yassawi International Kazakh-Turkish University",
        "Kazakhstan",
        "Turkistan",
        "ayu.edu.kz",
    ),
    ("Karaganda Buketov University", "Kazakhstan", "Karaganda", "buketov.edu.kz"),
    ("M. Auezov South Kazakhstan University", "Kazakhstan", "Shymkent", "auezov.edu.kz"),
    ("Lomonosov Moscow State University", "Russia", "Moscow", "msu.ru"),
    ("Kazan Federal University", "Russia", "Kazan", "kpfu.ru"),
    ("Ural Federal University", "Russia", "Yekaterinburg", "urfu.ru"),
    ("Novosibirsk State University", "Russia", "Novosibirsk", "nsu.ru"),
    ("Tomsk State University", "Russia", "Tomsk", "tsu.ru"),
    ("Altai State University", "Russia", "Barnaul", "asu.ru"),
    (NUUZ, "Uzbekistan", "Tashkent", "nuu.uz"),
    ("Andijan State University", "Uzbekistan", "Andijan", "adu.uz"),
    ("Fergana State University", "Uzbekistan", "Fergana", "fdu.uz"),
    ("Samarkand State University", "Uzbekistan", "Samarkand", "samdu.uz"),
    (TNU, "Tajikistan", "Dushanbe", "tnu.tj"),
    ("Justus Liebig University Giessen", "Germany", "Giessen", "uni-giessen.de"),
    ("Martin Luther University Halle-Wittenberg", "Germany", "Halle (Saale)", "uni-halle.de"),
    ("University of Göttingen", "Germany", "Göttingen", "uni-goettingen.de"),
    ("Humboldt University of Berlin", "Germany", "Berlin", "hu-berlin.de"),
    ("University of Warsaw", "Poland", "Warsaw", "uw.edu.pl"),
    ("Jagiellonian University", "Poland", "Kraków", "uj.edu.pl"),
    ("University of Łódź", "Poland", "Łódź", "uni.lodz.pl"),
    ("Xinjiang University", "China", "Urumqi", "xju.edu.cn"),
    ("Lanzhou University", "China", "Lanzhou", "lzu.edu.cn"),
    ("Shaanxi Normal University", "China", "Xi'an", "snnu.edu.cn"),
    ("Pusan National University", "South Korea", "Busan", "pusan.ac.kr"),
    ("Kyung Hee University", "South Korea", "Seoul", "khu.ac.kr"),
    ("Jawaharlal Nehru University", "India", "New Delhi", "jnu.ac.in"),
    ("Centre for Development of Advanced Computing", "India", "Pune", "cdac.in"),
    (
        "National Institute of Rural Development and Panchayati Raj",
        "India",
        "Hyderabad",
        "nirdpr.org.in",
    ),
    ("University of Szeged", "Hungary", "Szeged", "u-szeged.hu"),
    ("Eötvös Loránd University", "Hungary", "Budapest", "elte.hu"),
    ("Vytautas Magnus University", "Lithuania", "Kaunas", "vdu.lt"),
    ("Mykolas Romeris University", "Lithuania", "Vilnius", "mruni.eu"),
    ("University of Bologna", "Italy", "Bologna", "unibo.it"),
    ("Sapienza University of Rome", "Italy", "Rome", "uniroma1.it"),
    ("University of Granada", "Spain", "Granada", "ugr.es"),
    ("University of Salamanca", "Spain", "Salamanca", "usal.es"),
    ("University of Tsukuba", "Japan", "Tsukuba", "tsukuba.ac.jp"),
    ("Tokyo University of Foreign Studies", "Japan", "Tokyo", "tufs.ac.jp"),
    ("Masaryk University", "Czechia", "Brno", "muni.cz"),
    ("Palacký University Olomouc", "Czechia", "Olomouc", "upol.cz"),
    ("University of Latvia", "Latvia", "Riga", "lu.lv"),
    ("Belarusian State University", "Belarus", "Minsk", "bsu.by"),
    ("Yerevan State University", "Armenia", "Yerevan", "ysu.am"),
    # domestic partners (domestic mobility; not in the register of international agreements)
    (KNU, "Kyrgyzstan", "Bishkek", "knu.kg"),
    (KSTU, "Kyrgyzstan", "Bishkek", "kstu.kg"),
    (KTMU, "Kyrgyzstan", "Bishkek", "manas.edu.kg"),
    (KRSU, "Kyrgyzstan", "Bishkek", "krsu.kg"),
    ("Jalal-Abad State University", "Kyrgyzstan", "Jalal-Abad", None),
    ("Issyk-Kul State University", "Kyrgyzstan", "Karakol", None),
    ("Batken State University", "Kyrgyzstan", "Batken", None),
    ("Naryn State University", "Kyrgyzstan", "Naryn", None),
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

# --- programmes --------------------------------------------------------------------------
# (direction code, faculty, name_ky, name_ru, name_en, variants "LEVEL:language[:status]")
DIRECTIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("560001", "MED", "Дарылоо иши", "Лечебное дело", "General Medicine", "SP:ru SP-EN:en"),
    ("560002", "MED", "Педиатрия", "Педиатрия", "Paediatrics", "SP:ru"),
    ("560004", "MED", "Стоматология", "Стоматология", "Dentistry", "SP:ru SP-EN:en"),
    ("560005", "MED", "Фармация", "Фармация", "Pharmacy", "SP:ru"),
    (
        "560003",
        "MED",
        "Медициналык-профилактикалык иш",
        "Медико-профилактическое дело",
        "Preventive Medicine",
        "SP:ru",
    ),
    ("560001-SURG", "MED", "Хирургия", "Хирургия", "Surgery", "RES:ru"),
    ("560001-THER", "MED", "Терапия", "Терапия", "Internal Medicine", "RES:ru"),
    (
        "560001-OBGYN",
        "MED",
        "Акушерчилик жана гинекология",
        "Акушерство и гинекология",
        "Obstetrics and Gynaecology",
        "RES:ru",
    ),
    (
        "560002-PED",
        "MED",
        "Педиатрия (ординатура)",
        "Педиатрия (ординатура)",
        "Paediatrics (residency)",
        "RES:ru",
    ),
    ("060109", "MED", "Медайымдык иш", "Сестринское дело", "Nursing", "COL:ky"),
    ("560100", "MED", "Клиникалык медицина", "Клиническая медицина", "Clinical Medicine", "PHD:ru"),
    ("580100", "ECON", "Экономика", "Экономика", "Economics", "BA:ky MA:ru PHD:ru BA-EN:en"),
    ("580200", "ECON", "Менеджмент", "Менеджмент", "Management", "BA:ky MA:ru"),
    ("580300", "ECON", "Финансы жана кредит", "Финансы и кредит", "Finance and Credit", "BA:ky"),
    (
        "580500",
        "ECON",
        "Бухгалтердик эсеп, талдоо жана аудит",
        "Бухгалтерский учёт, анализ и аудит",
        "Accounting, Analysis and Audit",
        "BA:ky",
    ),
    ("580700", "ECON", "Туризм", "Туризм", "Tourism", "BA:ky"),
    ("580400", "ECON", "Дүйнөлүк экономика", "Мировая экономика", "World Economy", "BA:en"),
    ("580800", "ECON", "Маркетинг", "Маркетинг", "Marketing", "BA:ru"),
    ("530500", "LAW", "Юриспруденция", "Юриспруденция", "Jurisprudence", "BA:ky MA:ru PHD:ru"),
    ("530501", "LAW", "Эл аралык укук", "Международное право", "International Law", "BA:ru"),
    ("530502", "LAW", "Бажы иши", "Таможенное дело", "Customs Affairs", "BA:ru:suspended"),
    (
        "530503",
        "LAW",
        "Укук коргоо ишмердүүлүгү",
        "Правоохранительная деятельность",
        "Law Enforcement",
        "BA:ky",
    ),
    (
        "520100",
        "PHILOL",
        "Кыргыз филологиясы",
        "Кыргызская филология",
        "Kyrgyz Philology",
        "BA:ky MA:ky PHD:ky",
    ),
    (
        "520101",
        "PHILOL",
        "Орус филологиясы",
        "Русская филология",
        "Russian Philology",
        "BA:ru MA:ru",
    ),
    (
        "520300",
        "PHILOL",
        "Лингвистика (англис тили)",
        "Лингвистика (английский язык)",
        "Linguistics (English)",
        "BA:en MA:en",
    ),
    (
        "520301",
        "PHILOL",
        "Лингвистика (түрк тили)",
        "Лингвистика (турецкий язык)",
        "Linguistics (Turkish)",
        "BA:ky",
    ),
    (
        "520302",
        "PHILOL",
        "Лингвистика (кытай тили)",
        "Лингвистика (китайский язык)",
        "Linguistics (Chinese)",
        "BA:ky",
    ),
    (
        "520303",
        "PHILOL",
        "Лингвистика (немис тили)",
        "Лингвистика (немецкий язык)",
        "Linguistics (German)",
        "BA:ru:closed",
    ),
    (
        "520400",
        "PHILOL",
        "Котормо иши жана котормо таануу",
        "Перевод и переводоведение",
        "Translation Studies",
        "BA:ru",
    ),
    ("520500", "PHILOL", "Журналистика", "Журналистика", "Journalism", "BA:ky"),
    (
        "510200",
        "MATH",
        "Колдонмо математика жана информатика",
        "Прикладная математика и информатика",
        "Applied Mathematics and Informatics",
        "BA:ru MA:ru",
    ),
    ("510100", "MATH", "Математика", "Математика", "Mathematics", "BA:ky MA:ky PHD:ru"),
    (
        "710300",
        "MATH",
        "Колдонмо информатика",
        "Прикладная информатика",
        "Applied Informatics",
        "BA:ky",
    ),
    (
        "710400",
        "MATH",
        "Программалык инженерия",
        "Программная инженерия",
        "Software Engineering",
        "BA:ru BA-EN:en",
    ),
    (
        "710100",
        "MATH",
        "Информатика жана эсептөө техникасы",
        "Информатика и вычислительная техника",
        "Computer Science and Engineering",
        "BA:ru MA:ru",
    ),
    (
        "710500",
        "MATH",
        "Маалыматтык коопсуздук",
        "Информационная безопасность",
        "Information Security",
        "BA:ru",
    ),
    (
        "230115",
        "MATH",
        "Компьютердик системаларда программалоо",
        "Программирование в компьютерных системах",
        "Programming in Computer Systems",
        "COL:ru",
    ),
    ("510400", "PHYS", "Физика", "Физика", "Physics", "BA:ky MA:ru PHD:ru"),
    (
        "640200",
        "PHYS",
        "Электр энергетикасы",
        "Электроэнергетика",
        "Electric Power Engineering",
        "BA:ru",
    ),
    ("510500", "PHYS", "Химия", "Химия", "Chemistry", "BA:ky"),
    ("510600", "PHYS", "Биология", "Биология", "Biology", "BA:ky MA:ky"),
    ("510700", "PHYS", "География", "География", "Geography", "BA:ky:closed"),
    (
        "510800",
        "PHYS",
        "Экология жана жаратылышты пайдалануу",
        "Экология и природопользование",
        "Ecology and Environmental Management",
        "BA:ky",
    ),
    ("530100", "HIST", "Тарых", "История", "History", "BA:ky MA:ky PHD:ky"),
    (
        "530200",
        "HIST",
        "Эл аралык мамилелер",
        "Международные отношения",
        "International Relations",
        "BA:ru MA:en",
    ),
    ("530300", "HIST", "Саясат таануу", "Политология", "Political Science", "BA:ky"),
    ("530400", "HIST", "Социология", "Социология", "Sociology", "BA:ky"),
    ("530600", "HIST", "Психология", "Психология", "Psychology", "BA:ru MA:ru"),
    (
        "530700",
        "HIST",
        "Чыгыш таануу жана африка таануу",
        "Востоковедение и африканистика",
        "Oriental and African Studies",
        "BA:ky",
    ),
    (
        "550100",
        "PED",
        "Башталгыч билим берүү",
        "Начальное образование",
        "Primary Education",
        "BA:ky MA:ky",
    ),
    (
        "550200",
        "PED",
        "Мектепке чейинки билим берүү",
        "Дошкольное образование",
        "Preschool Education",
        "BA:ky",
    ),
    ("550300", "PED", "Дене тарбиясы", "Физическая культура", "Physical Education", "BA:ky"),
    ("550400", "PED", "Социалдык педагогика", "Социальная педагогика", "Social Pedagogy", "BA:ky"),
    (
        "550500",
        "PED",
        "Кесиптик окутуу",
        "Профессиональное обучение",
        "Vocational Education",
        "BA:ru:suspended",
    ),
    (
        "550600",
        "PED",
        "Музыкалык билим берүү",
        "Музыкальное образование",
        "Music Education",
        "BA:ky",
    ),
    ("550700", "PED", "Көркөм сүрөт", "Изобразительное искусство", "Fine Arts", "BA:ky"),
    ("550000", "PED", "Педагогика", "Педагогика", "Pedagogy", "PHD:ky"),
    (
        "050709",
        "PED",
        "Башталгыч класстарда окутуу",
        "Преподавание в начальных классах",
        "Primary School Teaching",
        "COL:ky",
    ),
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

RECOMMENDATIONS: dict[str, tuple[str, ...]] = {
    "accreditation": (
        "Align programme learning outcomes with the national qualifications framework",
        "Raise the share of teaching staff with academic degrees on the programme",
        "Introduce a regular employer survey and use its results in programme review",
        "Extend e-library subscriptions (Scopus, ScienceDirect) available to the programme",
        "Publish self-assessment and accreditation reports on the university website",
        "Include students in the programme quality committee",
        "Adopt a staff development plan including teaching in English",
        "Check all final theses with the anti-plagiarism system",
        "Renew laboratory equipment used for practical training",
        "Formalise the recognition of credits earned in academic mobility",
        "Increase outgoing mobility of students and staff under existing agreements",
        "Track graduates' employment and report it annually",
        "Harmonise assessment criteria and grading rubrics across course sections",
        "Sign agreements with clinical training sites for every clinical discipline",
        "Make teaching buildings accessible to students with disabilities",
    ),
    "licensing": (
        "Bring classroom area per student up to the licensing norm",
        "Submit documents confirming staff qualifications for the programme licence",
        "Update the list of teaching equipment attached to the licence",
    ),
    "external_audit": (
        "Ensure grant funds for academic mobility are used only for their stated purpose",
        "Document the selection of mobility participants by the commission",
    ),
}
# Recommendations that only make sense for some faculties' programmes.
RECOMMENDATION_FACULTIES: dict[str, tuple[str | None, ...]] = {
    "Sign agreements with clinical training sites for every clinical discipline": ("MED",),
    "Renew laboratory equipment used for practical training": ("MED", "MATH", "PHYS"),
}

# --- KPIs --------------------------------------------------------------------------------
IRO, SPQ, ACAD = (
    "Department of International Relations and Rankings",
    "Strategic Planning and Quality Department",
    "Academic Affairs Office",
)
INTERNAL_AUDIT: tuple[tuple[str, str], ...] = (
    ("Reconcile the mobility register with the register of agreements", IRO),
    ("Archive signed agreements in the document management system", IRO),
    ("Collect missing mobility reports from staff who have returned", IRO),
    ("Update faculty KPI data for the annual strategy report", SPQ),
    ("Correct student numbers that differ between faculties and the academic office", ACAD),
)
KPI_DEFINITIONS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "students_total",
        "Студенттердин жалпы саны",
        "Общее число студентов",
        "Total number of students",
        "count",
        "higher_is_better",
        "ranking",
        ACAD,
    ),
    (
        "international_students",
        "Чет элдик студенттердин саны",
        "Число иностранных студентов",
        "International students",
        "count",
        "higher_is_better",
        "ranking",
        IRO,
    ),
    (
        "academic_staff_fte",
        "Профессордук-окутуучулук курам (толук ставкага келтирилген)",
        "Профессорско-преподавательский состав (в ставках)",
        "Academic staff (FTE)",
        "count",
        "higher_is_better",
        "ranking",
        "Human Resources Department",
    ),
    (
        "international_staff",
        "Чет элдик окутуучулардын саны",
        "Число иностранных преподавателей",
        "International academic staff",
        "count",
        "higher_is_better",
        "ranking",
        IRO,
    ),
    (
        "staff_with_doctorate",
        "Илимий даражасы бар окутуучулардын саны",
        "Число преподавателей с учёной степенью",
        "Academic staff with a doctorate",
        "count",
        "higher_is_better",
        "ranking",
        "Human Resources Department",
    ),
    (
        "publications_scopus",
        "Scopus базасындагы басылмалардын саны",
        "Число публикаций в Scopus",
        "Publications in Scopus",
        "count",
        "higher_is_better",
        "ranking",
        "Research Department",
    ),
    (
        "citations_scopus",
        "Scopus боюнча шилтемелердин саны",
        "Число цитирований в Scopus",
        "Citations in Scopus",
        "count",
        "higher_is_better",
        "ranking",
        "Research Department",
    ),
    (
        "inbound_exchange_students",
        "Алмашуу программасы менен келген студенттердин саны",
        "Число входящих студентов по обмену",
        "Inbound exchange students",
        "count",
        "higher_is_better",
        "ranking",
        IRO,
    ),
    (
        "outbound_exchange_students",
        "Алмашуу программасы менен чет өлкөгө кеткен студенттердин саны",
        "Число исходящих студентов по обмену",
        "Outbound exchange students",
        "count",
        "higher_is_better",
        "ranking",
        IRO,
    ),
    (
        "international_students_share",
        "Чет элдик студенттердин үлүшү",
        "Доля иностранных студентов",
        "Share of international students",
        "percent",
        "higher_is_better",
        "strategy",
        IRO,
    ),
    (
        "student_staff_ratio",
        "Бир окутуучуга туура келген студенттердин саны",
        "Число студентов на одного преподавателя",
        "Students per academic staff member",
        "ratio",
        "lower_is_better",
        "licensing",
        ACAD,
    ),
    (
        "dropout_rate",
        "Окуудан чыгарылган студенттердин үлүшү",
        "Доля отчисленных студентов",
        "Dropout rate",
        "percent",
        "lower_is_better",
        "strategy",
        ACAD,
    ),
    (
        "exam_pass_rate",
        "Экзамендерди ийгиликтүү тапшырган студенттердин үлүшү",
        "Доля студентов, успешно сдавших экзамены",
        "Exam pass rate",
        "percent",
        "higher_is_better",
        "strategy",
        ACAD,
    ),
    (
        "graduate_employment_rate",
        "Бүтүрүүчүлөрдүн жумушка орношуу деңгээли",
        "Трудоустройство выпускников",
        "Graduate employment rate",
        "percent",
        "higher_is_better",
        "strategy",
        "Career Centre",
    ),
    (
        "staff_degree_share",
        "Илимий даражасы бар окутуучулардын үлүшү",
        "Доля преподавателей с учёной степенью",
        "Share of academic staff with a degree",
        "percent",
        "higher_is_better",
        "licensing",
        "Human Resources Department",
    ),
    (
        "research_income",
        "Илимий изилдөөлөрдөн түшкөн каражат",
        "Доходы от научных исследований",
        "Research income",
        "som",
        "higher_is_better",
        "strategy",
        "Research Department",
    ),
    (
        "accredited_programs_share",
        "Аккредитациядан өткөн программалардын үлүшү",
        "Доля аккредитованных программ",
        "Share of accredited programmes",
        "percent",
        "higher_is_better",
        "licensing",
        SPQ,
    ),
    (
        "qs_asia_rank",
        "QS Азия рейтингиндеги орду",
        "Место в рейтинге QS Asia",
        "Position in the QS Asia ranking",
        "rank",
        "lower_is_better",
        "ranking",
        IRO,
    ),
    (
        "english_taught_programs",
        "Англис тилинде окутулган программалардын саны",
        "Число программ на английском языке",
        "English-taught programmes",
        "count",
        "higher_is_better",
        "strategy",
        ACAD,
    ),
    (
        "student_satisfaction",
        "Студенттердин канааттануу индекси",
        "Индекс удовлетворённости студентов",
        "Student satisfaction index",
        "score",
        "higher_is_better",
        "strategy",
        SPQ,
    ),
    (
        "external_grants_usd",
        "Эл аралык гранттардын көлөмү",
        "Объём международных грантов",
        "International grant funding",
        "usd",
        "higher_is_better",
        "strategy",
        IRO,
    ),
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
    "academic_staff_fte": "Human Resources Department",
    "staff_with_doctorate": "Human Resources Department",
    "staff_degree_share": "Human Resources Department",
    "publications_scopus": "Scopus",
    "citations_scopus": "Scopus",
    "research_income": "Finance Department",
    "external_grants_usd": "Finance Department",
    "graduate_employment_rate": "Career Centre",
    "exam_pass_rate": ACAD,
    "student_satisfaction": "Student survey",
    "qs_asia_rank": "QS",
    "accredited_programs_share": SPQ,
}


# --- helpers -----------------------------------------------------------------------------
class _Choice:
    """Weighted choice driven by one uniform draw (far cheaper than rng.choice per row)."""

    def __init__(self, weights: dict[str, float] | Sequence[tuple[str, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        items = [(k, w) for k, w in items if w > 0]
        self.keys = [k for k, _ in items]
        self.cum = np.cumsum([w for _, w in items], dtype=float)
        self.cum /= self.cum[-1]

    def __call__(self, rng: np.random.Generator) -> str:
        return self.keys[
            min(int(np.searchsorted(self.cum, rng.random(), side="right")), len(self.keys) - 1)
        ]


_RANK_EXACT = re.compile(r"^(=)?(\d+)(=)?$")
_RANK_BAND = re.compile(r"^(\d+)\s*[-–]\s*(\d+)$")
_RANK_OPEN = re.compile(r"^(\d+)\+$")


def parse_rank(text: str | None) -> tuple[int | None, int | None, bool | None, bool | None]:
    """rank_display → (rank_low, rank_high, is_tie, is_band), as the upload pipeline parses it."""
    if text is None:
        return None, None, None, None
    if m := _RANK_EXACT.match(text):
        n = int(m[2])
        return n, n, bool(m[1] or m[3]), False
    if m := _RANK_BAND.match(text):
        return int(m[1]), int(m[2]), False, True
    if m := _RANK_OPEN.match(text):
        return int(m[1]), None, False, True
    return None, None, False, False  # Reporter: listed, not ranked


def _days(rng: np.random.Generator, low: int, high: int) -> int:
    """A whole number of days in [low, high]."""
    return int(rng.integers(low, high + 1))


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _column(values: list[Any], kind: str) -> pd.Series | pd.api.extensions.ExtensionArray:
    dtype = DTYPES[kind]
    if kind == "date":
        stamps = [pd.NaT if v is None else pd.Timestamp(v) for v in values]
        return pd.Series(stamps, dtype="datetime64[us]")
    if dtype == "str":
        return pd.Series(values, dtype="str")
    return pd.array(values, dtype=dtype)


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows → a frame with the model's columns, in its order, with the warehouse dtypes."""
    schema = DATASETS[name].schema
    data = {
        col: _column([r.get(col) for r in rows], spec.metadata["kind"])
        for col, spec in schema.columns.items()
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


# --- datasets ----------------------------------------------------------------------------
def _institutions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": pd.Series([n for n, _, _ in INSTITUTIONS], dtype="str"),
            "aliases": pd.Series([list(a) for _, _, a in INSTITUTIONS], dtype=object),
            "country": pd.Series([c for _, c, _ in INSTITUTIONS], dtype="str"),
            "is_home": pd.array([n == HOME for n, _, _ in INSTITUTIONS], dtype="boolean"),
        }
    )


def _qs_asia_score(rank: int) -> float:
    # QS prints an overall score for exact ranks; it falls off roughly exponentially.
    return round(100 * math.exp(-rank / 250), 1)


def _ranking_results() -> list[dict[str, Any]]:
    entries: list[tuple[str, int, str, str, float | None, str]] = [
        (r, y, inst, disp, score, PUBLISHED) for r, y, inst, disp, score in PUBLISHED_RESULTS
    ]
    for inst, history in QS_ASIA_DEMO.items():
        for year, disp in zip(range(2021, 2027), history, strict=False):
            low, _, _, is_band = parse_rank(disp)
            score = _qs_asia_score(low) if not is_band and low else None
            entries.append(("qs_asia", year, inst, disp, score, DEMO))
    entries += [(r, y, inst, disp, None, DEMO) for r, y, inst, disp in OTHER_DEMO_RESULTS]
    for year, table, source in ((2024, NATIONAL_2024, PUBLISHED), (2025, NATIONAL_2025_DEMO, DEMO)):
        scores = [s for _, s in table]
        for inst, score in table:
            better = sum(s > score for s in scores)
            tie = scores.count(score) > 1
            entries.append(
                ("national_kg", year, inst, f"{'=' if tie else ''}{better + 1}", score, source)
            )
    rows = []
    for ranking, year, inst, disp, score, source in sorted(entries, key=lambda e: e[:3]):
        low, high, tie, band = parse_rank(disp)
        rows.append(
            {
                "ranking": ranking,
                "year": year,
                "institution": inst,
                "country": COUNTRY[inst],
                "rank_display": disp,
                "rank_low": low,
                "rank_high": high,
                "is_tie": tie,
                "is_band": band,
                "overall_score": score,
                "source": source,
            }
        )
    return rows


def _indicator_scores(rng: np.random.Generator, results: list[dict[str, Any]]) -> list[dict]:
    ranked = {
        (r["ranking"], r["year"], r["institution"]): r["rank_low"]
        for r in results
        if r["rank_low"] is not None
    }
    rows: list[dict[str, Any]] = []
    levels: dict[tuple[str, str], float] = {}
    for ranking, year in INDICATOR_EDITIONS:
        if ranking == "qs_asia":
            indicators = QS_ASIA_INDICATORS
        elif ranking == "qs_wur":
            indicators = _QS26 if year >= 2026 else _QS25
        else:
            indicators = THE_INDICATORS
        for inst, _, _ in INSTITUTIONS:
            low = ranked.get((ranking, year, inst))
            if low is None:
                continue
            published = PUBLISHED_INDICATORS.get((year, inst)) if ranking == "qs_wur" else None
            if published:
                order = _QS26 if year >= 2026 else _QS25
                for ind, pair in zip(order, published.split(), strict=True):
                    if pair == "-":
                        continue
                    score, rank = pair.split("/")
                    r_low, r_high, _, _ = parse_rank(rank)
                    rows.append(
                        _indicator_row(ranking, year, inst, ind, float(score), rank, r_low, r_high)
                    )
                continue
            # Demo scores: an institution's level per indicator, lifted by its position.
            strength = {
                "qs_asia": (600 / low) ** 0.35,
                "qs_wur": (1500 / low) ** 0.3,
                "the_wur": (1600 / low) ** 0.3,
            }[ranking]
            for ind in indicators:
                key = (inst, ind)
                if key not in levels:
                    levels[key] = HOME_LEVELS[ind] if inst == HOME else float(rng.uniform(4, 40))
                score = levels[key] * strength * (1 + 0.03 * (year - 2021))
                # Gentle year-to-year wobble, proportional to the level.
                score *= 1 + rng.normal(0, 0.04)
                score = round(float(np.clip(score + rng.normal(0, 0.3), 1, 100)), 1)
                rank = None
                if ranking != "the_wur" and rng.random() < 0.15:
                    position = int((101 - score) ** 1.45)
                    cap = {"qs_asia": 501, "qs_wur": 701 if year < 2026 else 801}[ranking]
                    rank = f"{cap}+" if position >= cap else str(max(position, 1))
                r_low, r_high, _, _ = parse_rank(rank)
                rows.append(_indicator_row(ranking, year, inst, ind, score, rank, r_low, r_high))
    return rows


def _indicator_row(
    ranking: str,
    year: int,
    inst: str,
    indicator: str,
    score: float,
    rank: str | None,
    low: int | None,
    high: int | None,
) -> dict[str, Any]:
    return {
        "ranking": ranking,
        "year": year,
        "institution": inst,
        "indicator": indicator,
        "score": score,
        "rank_display": rank,
        "rank_low": low,
        "rank_high": high,
    }


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


def _mobility(rng: np.random.Generator) -> list[dict[str, Any]]:
    pools = _partner_pools()
    program_choice = _Choice(PROGRAM_WEIGHTS)
    category_choice = {
        p: _Choice(list(zip(codes.PARTICIPANT_CATEGORY, w, strict=True)))
        for p, w in PROGRAM_CATEGORIES.items()
    }
    purpose_choice = {c: _Choice(w) for c, w in PURPOSES.items()}
    funding_choice = {p: _Choice(w) for p, w in FUNDING.items()}
    faculty_choice = _Choice(FACULTY_WEIGHTS)
    citizenship_choice = _Choice(OUTGOING_CITIZENSHIP)
    domestic_funding = _Choice({"university": 45, "state": 35, "self_funded": 20})
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
    anytime = dt.date(y0, 9, 10) + dt.timedelta(days=_days(rng, 0, 290))
    summer = dt.date(y0 + 1, 6, 20) + dt.timedelta(days=_days(rng, 0, 45))
    if purpose == "study":  # one semester
        if rng.random() < 0.6:
            return dt.date(y0, 9, 1) + dt.timedelta(days=_days(rng, 0, 20)), _days(rng, 120, 160)
        return dt.date(y0 + 1, 2, 1) + dt.timedelta(days=_days(rng, 0, 20)), _days(rng, 120, 145)
    if purpose == "language_course":
        if rng.random() < 0.8:
            return summer, _days(rng, 14, 30)
        return dt.date(y0 + 1, 2, 1) + dt.timedelta(days=_days(rng, 0, 15)), _days(rng, 60, 110)
    if purpose == "summer_school":
        return summer, _days(rng, 10, 28)
    spans = {
        "internship": (14, 60),
        "research": (14, 90),
        "teaching": (5, 14),
        "training": (5, 21),
        "conference": (3, 7),
    }
    low, high = spans[purpose]
    return anytime, _days(rng, low, high)


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
        earned = planned - _days(rng, 3, 10)
    else:  # more than 15 failed: expulsion risk under the regulation
        earned = planned - _days(rng, 16, 20)
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
        return end + dt.timedelta(days=_days(rng, 32, 75) if late else _days(rng, 5, 30))
    workdays = _days(rng, 6, 20) if late else _days(rng, 1, 5)
    return np.busday_offset(np.datetime64(end), workdays, roll="forward").astype(object)


def _study_semesters(rng: np.random.Generator, rows: list[dict[str, Any]]) -> None:
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


def _agreements(rng: np.random.Generator, today: dt.date) -> list[dict[str, Any]]:
    partners = [p for p in PARTNERS if p[1] != "Kyrgyzstan" and p[0] not in NO_AGREEMENT]
    extras = (
        (FARABI, "double_degree", "ECON", "Double-degree master's programme in Economics"),
        (
            "Ural Federal University",
            "double_degree",
            "MATH",
            "Double-degree master's programme in Applied Mathematics and Informatics",
        ),
        (
            "Kazan Federal University",
            "joint_program",
            "PHILOL",
            "Joint master's programme in Russian Philology",
        ),
        (ENU, "joint_program", "HIST", "Joint master's programme in International Relations"),
        ("Xinjiang University", "exchange", "PHILOL", "Chinese language exchange"),
        ("Erciyes University", "cooperation", "MED", "Clinical training placements"),
        ("Justus Liebig University Giessen", "cooperation", "PHYS", None),
        ("Jagiellonian University", "erasmus_iia", "LAW", None),
        ("Pusan National University", "exchange", "PHILOL", "Korean language exchange"),
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
        specs.append((name, kind, None, "No exchanges since signing" if name in DORMANT else None))
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
            signed, valid_until = today - dt.timedelta(days=_days(rng, 200, 4000)), None
        elif cls == "draft":
            signed, valid_until = None, None
            notes = "Draft under review by the legal department"
        else:
            offset = {
                "soon": (10, 175),
                "expired": (-1500, -30),
                "terminated": (100, 900),
                "active": (200, 1800),
            }[cls]
            valid_until = today + dt.timedelta(days=_days(rng, *offset))
            signed = _add_months(valid_until, -12 * years) + dt.timedelta(days=1)
            if signed > today:
                signed = today - dt.timedelta(days=_days(rng, 30, 300))
            if cls == "soon" and notes is None:
                notes = "Renewal under discussion"
            if cls == "terminated":
                notes = "Terminated by mutual consent"
        status = {"draft": "draft", "terminated": "terminated", "expired": "expired"}.get(
            cls, "active"
        )
        if kind in ("memorandum", "cooperation") and faculty is None:
            quotas: tuple[int | None, int | None, int | None] = (None, None, None)
        elif kind == "double_degree":
            quotas = (_days(rng, 3, 10), _days(rng, 0, 5), _days(rng, 0, 2))
        else:
            quotas = (_days(rng, 2, 8), _days(rng, 1, 6), _days(rng, 1, 4))
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
                "contact_name": "Erasmus+ institutional coordinator"
                if kind == "erasmus_iia"
                else "International Relations Office",
                "contact_email": f"{local}@{domain}" if domain else None,
                "website": f"https://{domain}" if domain else None,
                "notes": notes,
            }
        )
    return rows


def _programs() -> list[dict[str, Any]]:
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


def _licenses(
    rng: np.random.Generator, programs: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
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
        issued = dt.date(2012, 1, 1) + dt.timedelta(days=_days(rng, 0, 4700))
        valid_until, status = None, "active"
        if p["status"] == "suspended":
            status = "suspended"
        elif p["status"] == "closed":
            status, valid_until = "revoked", None
        else:
            k = active.index(p["program_code"])
            if k in soon:
                valid_until = today + dt.timedelta(days=_days(rng, 20, 175))
            elif k in expired:
                valid_until = today - dt.timedelta(days=_days(rng, 15, 400))
                status = "expired"
            elif k in limited:
                valid_until = today + dt.timedelta(days=_days(rng, 240, 1500))
            if valid_until is not None:
                issued = min(issued, _add_months(valid_until, -60))
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


def _accreditations(
    rng: np.random.Generator, programs: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
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
            valid_from = _add_months(valid_until, -12 * years) + dt.timedelta(days=1)
            decision = valid_from - dt.timedelta(days=_days(rng, 0, 10))
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
            decision = today - dt.timedelta(days=_days(rng, 60, 400))
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
    current = today + dt.timedelta(days=_days(rng, 120, 170))
    add("institutional", None, "EdNet", "expired", _add_months(current, -60))
    add("institutional", None, "IAAR", "accredited", current)
    add("institutional", None, "IAAR", "self_assessment", None)
    international_until = today + dt.timedelta(days=_days(rng, 900, 1300))
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
    agency_choice = _Choice({"EdNet": 35, "AAEPO": 20, "Sapattuu Bilim": 20, "IAAR": 25})
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
            status, until = "accredited", today + dt.timedelta(days=_days(rng, 10, 88))
        elif status == "soon180":
            status, until = "accredited", today + dt.timedelta(days=_days(rng, 95, 175))
        elif status == "expired":
            until = today - dt.timedelta(days=_days(rng, 20, 400))
        elif status == "conditional":
            until = today + dt.timedelta(days=_days(rng, 200, 700))
        else:
            until = today + dt.timedelta(days=_days(rng, 200, 1780))
        years = 3 if status == "conditional" else 5
        if status == "accredited" and rng.random() < 0.2:
            # The previous cycle, kept as history.
            add("program", code, agency, "expired", _add_months(until, -12 * years))
        add("program", code, agency, status, until, years)
    return rows


def _action_items(
    rng: np.random.Generator,
    accreditations: list[dict[str, Any]],
    licenses: list[dict[str, Any]],
    programs: list[dict[str, Any]],
    today: dt.date,
) -> list[dict[str, Any]]:
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
        due = acc["decision_date"] + dt.timedelta(days=_days(rng, 180, 720))
        fac = faculty_of.get(acc["program_code"] or "")
        texts = [
            t
            for t in RECOMMENDATIONS["accreditation"]
            if fac in RECOMMENDATION_FACULTIES.get(t, (fac,))
        ]
        text = texts[int(rng.integers(len(texts)))]
        owner = f"Dean's office, {FACULTIES[fac]}" if fac else SPQ
        items.append(("accreditation", acc["accreditation_id"], due, text, owner))
    for n in range(10):
        year = 2024 + n % 3
        due = dt.date(year, 3, 1) + dt.timedelta(days=_days(rng, 0, 300))
        text, owner = INTERNAL_AUDIT[n % len(INTERNAL_AUDIT)]
        items.append(("internal_audit", f"IA-{year}-{n // 3 + 1:02d}", due, text, owner))
    for n in range(3):
        lic = licenses[1 + int(rng.integers(len(licenses) - 1))]
        due = lic["issued_on"] + dt.timedelta(days=_days(rng, 90, 365))
        due = max(due, today - dt.timedelta(days=_days(rng, 30, 500)))
        items.append(("licensing", lic["license_no"], due, RECOMMENDATIONS["licensing"][n], ACAD))
    for n in range(3):
        due = dt.date(2025, 6, 30) + dt.timedelta(days=_days(rng, 0, 540))
        items.append(
            (
                "external_audit",
                "EA-2025-01",
                due,
                RECOMMENDATIONS["external_audit"][n % 2],
                "Finance Department",
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
            closed = min(due + dt.timedelta(days=_days(rng, -90, 40)), today - dt.timedelta(days=1))
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


def _kpis(
    rng: np.random.Generator,
    mobility: list[dict[str, Any]],
    programs: list[dict[str, Any]],
) -> tuple[list[dict], list[dict], list[dict]]:
    definitions = [
        dict(
            zip(
                ("code", "name_ky", "name_ru", "name_en", "unit", "direction", "category", "owner"),
                d,
                strict=True,
            )
        )
        for d in KPI_DEFINITIONS
    ]
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

    kpi_values, kpi_targets = [], []
    for d in definitions:
        code = d["code"]
        source = KPI_SOURCES.get(code, IRO)
        for year, value, target in zip(
            KPI_YEARS, values[code], KPI_TARGET_SERIES[code], strict=True
        ):
            if value is not None:
                kpi_values.append(
                    {
                        "code": code,
                        "year": year,
                        "unit_scope": "university",
                        "value": float(value),
                        "source": source,
                    }
                )
            if target is not None:
                kpi_targets.append(
                    {
                        "code": code,
                        "year": year,
                        "unit_scope": "university",
                        "target": float(target),
                    }
                )
    for code in FACULTY_KPIS:
        source = KPI_SOURCES.get(code, IRO)
        for yi, year in enumerate(KPI_YEARS):
            total, target = values[code][yi], KPI_TARGET_SERIES[code][yi]
            if code in FACULTY_SHARES:
                shares = FACULTY_SHARES[code]
                split_v = _split(rng, total, shares) if total is not None else {}
                split_t = _split(None, target, shares) if target is not None else {}
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
                    kpi_values.append(
                        {
                            "code": code,
                            "year": year,
                            "unit_scope": fac,
                            "value": float(split_v[fac]),
                            "source": source,
                        }
                    )
                if fac in split_t:
                    kpi_targets.append(
                        {
                            "code": code,
                            "year": year,
                            "unit_scope": fac,
                            "target": float(split_t[fac]),
                        }
                    )
    return definitions, kpi_targets, kpi_values


def _measured_kpi_values(frames: dict[str, pd.DataFrame]) -> list[dict]:
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
            source = KPI_SOURCES.get(code, IRO)
            rows += [
                {"code": code, "year": int(y), "unit_scope": u, "value": float(v), "source": source}
                for y, u, v in found
            ]
        return rows
    finally:
        conn.close()


def _split(rng: np.random.Generator | None, total: float, shares: dict[str, float]) -> dict:
    """Split a count over faculties (noisy shares when rng is given); parts sum to total."""
    weights = np.array(list(shares.values()), dtype=float)
    if rng is not None:
        weights = weights * rng.uniform(0.93, 1.07, size=len(weights))
    raw = weights / weights.sum() * total
    parts = np.floor(raw)
    remainder = int(round(total - parts.sum()))
    parts[np.argsort(-(raw - parts), kind="stable")[:remainder]] += 1
    return dict(zip(shares, parts.tolist(), strict=True))


# --- academic quality ----------------------------------------------------------------------
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

DEPARTMENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "MED": (
        ("Internal Medicine", 1.4),
        ("Surgery", 1.3),
        ("Obstetrics and Gynaecology", 0.8),
        ("Paediatrics", 0.9),
        ("Anatomy and Physiology", 1.0),
        ("Pharmacology and Pharmacy", 0.8),
        ("Public Health", 0.7),
    ),
    "ECON": (
        ("Economic Theory", 1.0),
        ("Finance and Accounting", 1.1),
        ("Management and Marketing", 1.0),
        ("World Economy and Tourism", 0.8),
    ),
    "LAW": (
        ("Civil Law", 1.0),
        ("Criminal Law", 1.0),
        ("Constitutional and International Law", 0.9),
    ),
    "PHILOL": (
        ("Kyrgyz Language and Literature", 1.2),
        ("Russian Philology", 1.0),
        ("English Philology", 1.1),
        ("Oriental Languages", 0.8),
        ("Journalism", 0.5),
    ),
    "MATH": (
        ("Mathematics", 1.0),
        ("Applied Mathematics and Informatics", 1.0),
        ("Software Engineering", 0.9),
        ("Information Security", 0.6),
    ),
    "PHYS": (
        ("Physics", 1.0),
        ("Electric Power Engineering", 0.8),
        ("Chemistry", 0.8),
        ("Biology and Ecology", 0.9),
    ),
    "HIST": (
        ("History of Kyrgyzstan", 1.0),
        ("World History and International Relations", 1.0),
        ("Philosophy and Political Science", 0.8),
        ("Psychology and Sociology", 0.8),
    ),
    "PED": (
        ("Pedagogy and Psychology", 1.0),
        ("Primary and Preschool Education", 1.2),
        ("Physical Education", 0.8),
        ("Music and Fine Arts", 0.6),
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

SURVEY_QUESTIONS: dict[str, tuple[str, str, str]] = {
    "Q01": (
        "Сабактардын сапатына канчалык канааттанасыз?",
        "Насколько вы удовлетворены качеством преподавания?",
        "How satisfied are you with the quality of teaching?",
    ),
    "Q02": (
        "Билимди баалоо канчалык адилеттүү жана ачык жүргүзүлөт?",
        "Насколько справедливо и прозрачно оцениваются знания?",
        "How fair and transparent is the assessment of your work?",
    ),
    "Q03": (
        "Китепкананын жана электрондук ресурстардын жеткиликтүүлүгүнө баа бериңиз",
        "Оцените доступность библиотеки и электронных ресурсов",
        "Rate the availability of the library and electronic resources",
    ),
    "Q04": (
        "Аудиториялардын жана лабораториялардын абалына баа бериңиз",
        "Оцените состояние аудиторий и лабораторий",
        "Rate the condition of classrooms and laboratories",
    ),
    "Q05": (
        "Деканаттын жана кураторлордун колдоосуна канчалык канааттанасыз?",
        "Насколько вы удовлетворены поддержкой деканата и кураторов?",
        "How satisfied are you with the support of the dean's office and advisers?",
    ),
    "Q06": (
        "Жалпысынан университетте окууга канчалык канааттанасыз?",
        "В целом насколько вы удовлетворены обучением в университете?",
        "Overall, how satisfied are you with your studies at the university?",
    ),
    "Q07": (
        "Иштөө шарттарына канчалык канааттанасыз?",
        "Насколько вы удовлетворены условиями труда?",
        "How satisfied are you with your working conditions?",
    ),
    "Q08": (
        "Илимий ишти жана кесиптик өнүгүүнү колдоого баа бериңиз",
        "Оцените поддержку научной работы и профессионального развития",
        "Rate the support for research and professional development",
    ),
    "Q09": (
        "Жалпысынан университетте иштөөгө канчалык канааттанасыз?",
        "В целом насколько вы удовлетворены работой в университете?",
        "Overall, how satisfied are you with working at the university?",
    ),
    "Q10": (
        "Алган билимиңиз жана көндүмдөрүңүз азыркы ишиңизге канчалык туура келет?",
        "Насколько полученные знания и навыки соответствуют вашей нынешней работе?",
        "How well do the knowledge and skills you gained fit your current job?",
    ),
    "Q11": (
        "Бүтүрүүчүлөрдүн кесиптик билимине жана көндүмдөрүнө баа бериңиз",
        "Оцените профессиональные знания и навыки выпускников",
        "Rate the professional knowledge and skills of the graduates",
    ),
    "Q12": (
        "Университеттин бүтүрүүчүлөрүн кайра ишке алууга канчалык даярсыз?",
        "Насколько вы готовы снова принять на работу выпускников университета?",
        "How likely are you to hire the university's graduates again?",
    ),
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


def _grades(rng: np.random.Generator, passed: int, total: int) -> tuple[list[int], float]:
    """Counts of A, B, C, D (passed) and F (failed), and the average score they make."""
    shares = np.array(GRADE_SHARES) * rng.uniform(0.85, 1.15, size=4)
    raw = shares / shares.sum() * passed
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts), kind="stable")[: passed - counts.sum()]] += 1
    grades = [*counts.tolist(), total - passed]
    score = sum(g * s for g, s in zip(grades, GRADE_SCORES, strict=True)) / total if total else 0
    return grades, round(min(100.0, score + rng.normal(0, 1.2)), 1)


def _exam_results(
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
                        _exam_row(
                            year, semester, p, course, "regular", total, passed, grades, score
                        )
                    )
                    failed = total - passed
                    if failed:
                        re_passed = int(round(failed * (RETAKE_PASS_RATE + rng.normal(0, 0.04))))
                        re_passed = min(failed, max(0, re_passed))
                        grades = [
                            0,
                            0,
                            re_passed // 3,
                            re_passed - re_passed // 3,
                            failed - re_passed,
                        ]
                        score = round(
                            sum(g * s for g, s in zip(grades, GRADE_SCORES, strict=True)) / failed,
                            1,
                        )
                        exams.append(
                            _exam_row(
                                year,
                                semester,
                                p,
                                course,
                                "retake",
                                failed,
                                re_passed,
                                grades,
                                score,
                            )
                        )
                    if semester == 2 and course == years:
                        finalists = int(round(total * 0.97))
                        passed = int(
                            round(finalists * (ATTESTATION_PASS_RATE + rng.normal(0, 0.01)))
                        )
                        passed = min(finalists, passed)
                        grades, score = _grades(rng, passed, finalists)
                        exams.append(
                            _exam_row(
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


def _exam_row(
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


def _staff(rng: np.random.Generator) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Staff composition by department (FTE and international staff add up to the KPIs)
    and the annual rating of every teacher, under stable pseudonymous codes."""
    composition, ratings = [], []
    staff_codes: dict[tuple[str, str], list[str]] = {}
    next_code = 1
    for yi, year in enumerate(KPI_YEARS):
        fte_by_faculty = _split(None, KPI_SERIES["academic_staff_fte"][yi], STAFF_SHARES)
        intl_by_faculty = _split(
            None, KPI_SERIES["international_staff"][yi], INTERNATIONAL_STAFF_SHARES
        )
        for faculty, departments in DEPARTMENTS.items():
            weights = dict(departments)
            fte_parts = _split(None, fte_by_faculty[faculty] * 10, weights)  # tenths of a post
            intl_parts = _split(None, intl_by_faculty[faculty], weights)
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


def _surveys(
    rng: np.random.Generator,
    exams: list[dict[str, Any]],
    graduates: list[dict[str, Any]],
    composition: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Satisfaction surveys of the four respondent groups, with the questions' three texts."""
    students: dict[tuple[str, str], int] = {}
    for e in exams:
        if e["session_type"] == "regular" and e["semester"] == 1:
            k = (e["academic_year"], e["faculty"])
            students[k] = students.get(k, 0) + e["students_total"]
    alumni: dict[tuple[str, str], int] = {}
    for g in graduates:
        k = (g["academic_year"], g["faculty"])
        alumni[k] = alumni.get(k, 0) + g["graduates_total"]
    staff = {(c["year"], c["faculty"]): 0 for c in composition}
    for c in composition:
        staff[(c["year"], c["faculty"])] += c["headcount"]
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


def generate(seed: int = 2026, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every dataset's demo frame (validating against its model), plus ``institutions``.

    The same seed and today give identical frames; relative dates (expiring soon, overdue)
    are computed from ``today``, 2026-11-21 unless given.
    """
    today = today or DEFAULT_TODAY
    rng = np.random.default_rng(seed)
    results = _ranking_results()
    indicators = _indicator_scores(rng, results)
    mobility = _mobility(rng)
    _study_semesters(np.random.default_rng([seed, 4]), mobility)
    agreements = _agreements(rng, today)
    programs = _programs()
    licenses = _licenses(rng, programs, today)
    accreditations = _accreditations(rng, programs, today)
    actions = _action_items(rng, accreditations, licenses, programs, today)
    definitions, targets, values = _kpis(rng, mobility, programs)
    # Own generators, so the quality data never shifts the other datasets' random draws.
    exams, graduates = _exam_results(np.random.default_rng([seed, 5]), programs)
    composition, ratings = _staff(np.random.default_rng([seed, 6]))
    surveys = _surveys(np.random.default_rng([seed, 7]), exams, graduates, composition)
    quality = {
        "exam_results": _frame("exam_results", exams),
        "graduates": _frame("graduates", graduates),
        "staff_composition": _frame("staff_composition", composition),
    }
    values = values + _measured_kpi_values(quality)
    return {
        "ranking_results": _frame("ranking_results", results),
        "ranking_indicator_scores": _frame("ranking_indicator_scores", indicators),
        "mobility": _frame("mobility", mobility),
        "agreements": _frame("agreements", agreements),
        "programs": _frame("programs", programs),
        "licenses": _frame("licenses", licenses),
        "accreditations": _frame("accreditations", accreditations),
        "action_items": _frame("action_items", actions),
        "kpi_definitions": _frame("kpi_definitions", definitions),
        "kpi_targets": _frame("kpi_targets", targets),
        "kpi_values": _frame("kpi_values", values),
        **quality,
        "staff_rating": _frame("staff_rating", ratings),
        "survey_results": _frame("survey_results", surveys),
        "institutions": _institutions(),
    }
