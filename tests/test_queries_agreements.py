"""Queries of the agreements page: name matching, validity, utilisation, dormant agreements."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import openpyxl
import pandas as pd
import pytest

from sapat.academic_year import AcademicYear
from sapat.export import to_csv_bytes, to_xlsx_bytes
from sapat.queries import agreements as agq
from tests.factories import insert

TODAY = dt.date(2026, 11, 21)  # academic year 2026-2027
KNU = "Kyrgyz National University named after J. Balasagyn"


def add_institution(conn, name: str, aliases: list[str], country: str = "Kyrgyzstan") -> None:
    insert(conn, "institutions", name=name, aliases=aliases, country=country)


def add_agreement(
    conn,
    agreement_id: str,
    partner: str,
    *,
    status: str = "active",
    valid_until: dt.date | None = None,
    country: str = "Kazakhstan",
    kind: str = "cooperation",
    signed: dt.date | None = dt.date(2020, 1, 15),
    city: str | None = None,
    faculty: str | None = None,
    contact: str | None = None,
    notes: str | None = None,
) -> None:
    insert(
        conn,
        "agreements",
        agreement_id=agreement_id,
        partner_institution=partner,
        partner_country=country,
        partner_city=city,
        agreement_type=kind,
        signed_date=signed,
        valid_until=valid_until,
        status=status,
        faculty=faculty,
        contact_name=contact,
        notes=notes,
    )


def add_mobility(
    conn,
    partner: str | None,
    year: str,
    *,
    status: str = "completed",
    scope: str = "international",
    country: str | None = "Kazakhstan",
    count: int = 1,
) -> None:
    for _ in range(count):
        insert(
            conn,
            "mobility",
            academic_year=year,
            participant_category="academic_staff",
            scope=scope,
            partner_institution=partner,
            partner_country=country,
            status=status,
            start_date=None,
            end_date=None,
        )


def norm(conn, text):
    return conn.execute("SELECT norm_name(?)", [text]).fetchone()[0]


# --- norm_name and institution_keys -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uni X ", "unix"),
        ("  uni-x.", "unix"),
        ("L.N. Gumilyov (ENU), No. 2", "lngumilyovenuno2"),
        ("Ошский  ГОСУДАРСТВЕННЫЙ университет!", "ошскийгосударственныйуниверситет"),
        ("«КНУ» им. Ж. Баласагына", "кнуимжбаласагына"),
        ("Ош мамлекеттик университети — ҮӨҢ", "ошмамлекеттикуниверситетиүөң"),
        ("ЖЁЛТЫЙ Ёж", "желтыйеж"),
        ("Göttingen, Łódź", "göttingenłódź"),
        ("Кыргыз-Түрк «Манас» университети", "кыргызтүркманасуниверситети"),
        ("", ""),
    ],
)
def test_norm_name(conn, text, expected):
    assert norm(conn, text) == expected


def test_norm_name_edge_cases(conn):
    assert norm(conn, None) is None
    # A decomposed й (и + combining breve) is the same letter as the precomposed one.
    assert norm(conn, "Университет й") == norm(conn, "Университет и\u0306") == "университетй"
    assert norm(conn, "ё") == norm(conn, "Ё") == norm(conn, "е")
    assert norm(conn, "Uni X") != norm(conn, "Uni Y")


def test_institution_keys_map_names_and_aliases_to_one_canonical_name(conn):
    add_institution(conn, KNU, ["KNU", "Kyrgyz National University", "КНУ им. Ж. Баласагына"])
    add_institution(conn, "Kyrgyz-Turkish Manas University", ["Manas", "K.N.U."], "Kyrgyzstan")
    add_institution(conn, "No Aliases University", None, "Kazakhstan")
    keys = dict(conn.execute("SELECT key, canonical FROM institution_keys").fetchall())
    assert keys["kyrgyznationaluniversitynamedafterjbalasagyn"] == KNU
    assert keys["kyrgyznationaluniversity"] == KNU
    assert keys["кнуимжбаласагына"] == KNU
    assert keys["manas"] == "Kyrgyz-Turkish Manas University"
    assert keys["noaliasesuniversity"] == "No Aliases University"
    # "K.N.U." is listed for Manas, "KNU" for KNU: one key, resolved without duplicates.
    assert keys["knu"] in (KNU, "Kyrgyz-Turkish Manas University")
    dupes = conn.execute(
        "SELECT count(*) FROM (SELECT key FROM institution_keys GROUP BY key HAVING count(*) > 1)"
    ).fetchone()[0]
    assert dupes == 0


def test_a_spelling_that_is_an_institutions_own_name_wins_over_an_alias(conn):
    add_institution(conn, "Uni A", ["Uni B"])
    add_institution(conn, "Uni B", [])
    keys = dict(conn.execute("SELECT key, canonical FROM institution_keys").fetchall())
    assert keys["unib"] == "Uni B"


# --- utilisation ------------------------------------------------------------------------


def test_utilisation_joins_mobility_through_aliases(conn):
    add_institution(conn, KNU, ["KNU", "Kyrgyz National University"])
    add_agreement(conn, "AGR-1", KNU, country="Kyrgyzstan")
    add_mobility(conn, "KNU", "2024-2025")
    add_mobility(conn, "Kyrgyz National University", "2024-2025")
    add_mobility(conn, KNU, "2024-2025")
    add_mobility(conn, "  kyrgyz national university ", "2025-2026")
    add_mobility(conn, "KNU", "2025-2026", status="withdrawn")  # not mobility
    add_mobility(conn, "Another University", "2025-2026")
    add_mobility(conn, None, "2025-2026")
    frame = agq.utilisation(conn)
    assert list(frame.columns) == [
        "agreement_id",
        "partner_institution",
        "academic_year",
        "mobilities",
    ]
    assert frame.to_dict("records") == [
        {
            "agreement_id": "AGR-1",
            "partner_institution": KNU,
            "academic_year": "2024-2025",
            "mobilities": 3,
        },
        {
            "agreement_id": "AGR-1",
            "partner_institution": KNU,
            "academic_year": "2025-2026",
            "mobilities": 1,
        },
    ]


def test_utilisation_matches_case_space_and_punctuation_without_aliases(conn):
    add_agreement(conn, "AGR-X", "Uni X ")
    add_agreement(conn, "AGR-K", "KNU")  # the register uses an alias, mobility the full name
    add_institution(conn, KNU, ["KNU"])
    add_mobility(conn, "uni x", "2023-2024")
    add_mobility(conn, "UNI-X", "2023-2024")
    add_mobility(conn, "Uni  X.", "2024-2025")
    add_mobility(conn, "Uni Y", "2024-2025")
    add_mobility(conn, KNU, "2024-2025", count=2)
    frame = agq.utilisation(conn)
    got = {(r.agreement_id, r.academic_year): r.mobilities for r in frame.itertuples()}
    assert got == {
        ("AGR-K", "2024-2025"): 2,
        ("AGR-X", "2023-2024"): 2,
        ("AGR-X", "2024-2025"): 1,
    }


def test_two_agreements_with_one_partner_share_its_mobility(conn):
    # Each mobility counts once, for the more specific agreement (tests/
    # test_queries_agreements_credited.py has the rules).
    add_agreement(conn, "AGR-1", "Uni X", kind="memorandum")
    add_agreement(conn, "AGR-2", "uni x", kind="double_degree")
    add_mobility(conn, "Uni X", "2025-2026", count=2)
    frame = agq.utilisation(conn)
    assert frame["agreement_id"].tolist() == ["AGR-2"]
    assert frame["mobilities"].tolist() == [2]


# --- dormant ------------------------------------------------------------------------------


def test_academic_year_starts_on_the_first_of_september():
    assert AcademicYear.of(dt.date(2026, 11, 21)).start_year == 2026
    assert AcademicYear.of(dt.date(2026, 9, 1)).start_year == 2026
    assert AcademicYear.of(dt.date(2026, 8, 31)).start_year == 2025
    assert AcademicYear.of(dt.date(2027, 1, 10)).start_year == 2026


def _dormant_fixture(conn):
    future = dt.date(2028, 6, 30)
    add_agreement(conn, "A-RECENT", "Recent Uni", valid_until=future)
    add_mobility(conn, "Recent Uni", "2025-2026")  # oldest counted year (years=2)
    add_mobility(conn, "Recent Uni", "2022-2023", count=2)
    add_agreement(conn, "B-OLD", "Old Uni", valid_until=future)
    add_mobility(conn, "Old Uni", "2024-2025", count=3)  # one year older than the window
    add_mobility(conn, "Old Uni", "2023-2024")
    add_agreement(conn, "C-NEVER", "Never Uni")  # open-ended, never any mobility
    add_agreement(conn, "D-EXPIRED", "Expired Uni", status="expired", valid_until=future)
    add_agreement(conn, "E-TERMINATED", "Terminated Uni", status="terminated")
    add_agreement(conn, "F-PAST", "Past Uni", valid_until=TODAY - dt.timedelta(days=1))
    add_agreement(conn, "G-DRAFT", "Draft Uni", status="draft", signed=None)
    add_agreement(conn, "H-ENDS-TODAY", "Today Uni", valid_until=TODAY)
    add_agreement(conn, "I-WITHDRAWN", "Withdrawn Uni")
    add_mobility(conn, "Withdrawn Uni", "2026-2027", status="withdrawn")
    add_agreement(conn, "J-CURRENT", "Current Uni")
    add_mobility(conn, "current uni", "2026-2027")


def test_dormant_at_the_window_boundary(conn):
    _dormant_fixture(conn)
    frame = agq.dormant(conn, TODAY, years=2)
    assert list(frame.columns) == [
        "agreement_id",
        "partner_institution",
        "partner_country",
        "agreement_type",
        "signed_date",
        "valid_until",
        "last_mobility_year",
        "mobilities_total",
    ]
    rows = {r.agreement_id: r for r in frame.itertuples()}
    assert set(rows) == {"B-OLD", "C-NEVER", "H-ENDS-TODAY", "I-WITHDRAWN"}
    assert rows["B-OLD"].last_mobility_year == "2024-2025"
    assert rows["B-OLD"].mobilities_total == 4
    assert pd.isna(rows["C-NEVER"].last_mobility_year)
    assert rows["C-NEVER"].mobilities_total == 0
    assert rows["I-WITHDRAWN"].mobilities_total == 0  # withdrawn applications are not mobility
    # Never-used agreements first, then the longest unused.
    assert frame["agreement_id"].tolist()[-1] == "B-OLD"


def test_dormant_window_follows_years_and_todays_academic_year(conn):
    _dormant_fixture(conn)
    wider = set(agq.dormant(conn, TODAY, years=3)["agreement_id"])
    assert "B-OLD" not in wider and "C-NEVER" in wider
    one = set(agq.dormant(conn, TODAY, years=1)["agreement_id"])
    assert "A-RECENT" in one and "J-CURRENT" not in one
    # On 31 August 2026 the academic year is still 2025-2026: the window is 2024-2026.
    summer = set(agq.dormant(conn, dt.date(2026, 8, 31), years=2)["agreement_id"])
    assert "B-OLD" not in summer and "A-RECENT" not in summer
    assert "F-PAST" in summer  # still in force on that day


def test_expired_or_terminated_agreements_are_never_dormant(conn):
    _dormant_fixture(conn)
    for years in (1, 2, 5):
        ids = set(agq.dormant(conn, TODAY, years=years)["agreement_id"])
        assert not ids & {"D-EXPIRED", "E-TERMINATED", "F-PAST", "G-DRAFT"}


def test_dormant_matches_partners_through_aliases(conn):
    add_institution(conn, KNU, ["KNU"])
    add_agreement(conn, "AGR-KNU", KNU, country="Kyrgyzstan")
    add_mobility(conn, "K.N.U.", "2026-2027")
    assert agq.dormant(conn, TODAY).empty


# --- validity and expiry ----------------------------------------------------------------


def _expiry_fixture(conn):
    add_agreement(conn, "E-TODAY", "Ends Today", valid_until=TODAY)
    add_agreement(conn, "E-LAST", "Ends At Limit", valid_until=dt.date(2027, 5, 21))
    add_agreement(conn, "E-AFTER", "Ends After Limit", valid_until=dt.date(2027, 5, 22))
    add_agreement(conn, "E-PAST", "Ended Yesterday", valid_until=dt.date(2026, 11, 20))
    add_agreement(conn, "E-OPEN", "Open Ended", valid_until=None)
    add_agreement(conn, "E-MID", "Ends Mid", valid_until=dt.date(2027, 1, 10))
    add_agreement(
        conn, "E-STATUS", "Marked Expired", status="expired", valid_until=dt.date(2027, 1, 1)
    )
    add_agreement(conn, "E-DRAFT", "Draft", status="draft", valid_until=dt.date(2027, 1, 1))
    add_agreement(
        conn, "E-TERM", "Terminated", status="terminated", valid_until=dt.date(2027, 1, 1)
    )


def test_expiring_includes_today_and_the_limit_but_never_open_ended(conn):
    _expiry_fixture(conn)
    frame = agq.expiring(conn, TODAY)
    assert frame["agreement_id"].tolist() == ["E-TODAY", "E-MID", "E-LAST"]
    assert frame["days_left"].tolist() == [0, 50, 181]
    assert set(frame["validity"]) == {"expiring"}
    assert list(frame.columns) == list(agq.register(conn, TODAY).columns)
    assert agq.expiring(conn, TODAY, months=1)["agreement_id"].tolist() == ["E-TODAY"]


def test_expiring_window_at_the_end_of_a_month(conn):
    add_agreement(conn, "FEB-28", "Feb", valid_until=dt.date(2027, 2, 28))
    add_agreement(conn, "MAR-01", "Mar", valid_until=dt.date(2027, 3, 1))
    assert agq.expiring(conn, dt.date(2026, 8, 31))["agreement_id"].tolist() == ["FEB-28"]


def test_register_validity_and_urgency_order(conn):
    _expiry_fixture(conn)
    frame = agq.register(conn, TODAY)
    assert list(frame.columns) == [
        "agreement_id",
        "partner_institution",
        "partner_country",
        "partner_city",
        "agreement_type",
        "status",
        "faculty",
        "signed_date",
        "valid_until",
        "days_left",
        "validity",
        "quota_students_out",
        "quota_students_in",
        "quota_staff",
        "contact_name",
        "contact_email",
        "website",
    ]
    validity = dict(zip(frame["agreement_id"], frame["validity"], strict=True))
    assert validity == {
        "E-TODAY": "expiring",
        "E-LAST": "expiring",
        "E-MID": "expiring",
        "E-AFTER": "valid",
        "E-PAST": "expired",
        "E-OPEN": "open_ended",
        "E-STATUS": "expired",  # the register says expired: its date does not revive it
        "E-TERM": "expired",
        "E-DRAFT": "valid",  # not in force, so not 'expiring' either
    }
    assert set(validity.values()) <= set(agq.VALIDITY)
    ranks = [agq.URGENCY.index(v) for v in frame["validity"]]
    assert ranks == sorted(ranks)
    expiring_part = frame[frame["validity"] == "expiring"]["partner_institution"].tolist()
    assert expiring_part == sorted(expiring_part)  # then by partner
    open_row = frame[frame["agreement_id"] == "E-OPEN"].iloc[0]
    assert pd.isna(open_row["days_left"])
    past_row = frame[frame["agreement_id"] == "E-PAST"].iloc[0]
    assert past_row["days_left"] == -1


# --- register: search and filters --------------------------------------------------------


def _register_fixture(conn):
    add_agreement(
        conn,
        "AGR-001",
        "Al-Farabi Kazakh National University",
        city="Almaty",
        faculty="ECON",
        contact="International Office",
        notes="Double degree; 100% funded by the partner",
        kind="double_degree",
    )
    add_agreement(
        conn,
        "AGR-002",
        "Ural Federal University",
        country="Russia",
        city="Yekaterinburg",
        faculty="MATH",
        notes="100 places, a_b programme",
    )
    add_agreement(
        conn,
        "AGR-003",
        'O\'Brien "Quoted" College',
        country="Ireland",
        city="Dublin",
        notes="path C:\\docs\\axb",
        status="draft",
    )
    add_agreement(
        conn,
        "AGR-004",
        KNU,
        country="Kyrgyzstan",
        city="Bishkek",
        contact="Ms. Asel Ösmönova",
        kind="memorandum",
    )
    add_institution(conn, KNU, ["KNU", "Кыргыз улуттук университети"])


def ids(frame):
    return sorted(frame["agreement_id"])


def test_search_is_case_insensitive_over_every_text_field(conn):
    _register_fixture(conn)
    assert ids(agq.register(conn, TODAY, search="agr-00")) == [
        "AGR-001",
        "AGR-002",
        "AGR-003",
        "AGR-004",
    ]
    assert ids(agq.register(conn, TODAY, search="FARABI")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="russia")) == ["AGR-002"]
    assert ids(agq.register(conn, TODAY, search="yekaterin")) == ["AGR-002"]
    assert ids(agq.register(conn, TODAY, search="econ")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="international office")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="ösmön")) == ["AGR-004"]
    assert ids(agq.register(conn, TODAY, search="double DEGREE")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="  ural  ".strip())) == ["AGR-002"]
    assert agq.register(conn, TODAY, search="no such partner").empty
    assert len(agq.register(conn, TODAY, search="   ")) == 4


def test_search_finds_a_partner_by_any_known_spelling(conn):
    _register_fixture(conn)
    assert ids(agq.register(conn, TODAY, search="knu")) == ["AGR-004"]
    assert ids(agq.register(conn, TODAY, search="УЛУТТУК")) == ["AGR-004"]


def test_search_treats_percent_underscore_quotes_and_backslash_literally(conn):
    _register_fixture(conn)
    assert ids(agq.register(conn, TODAY, search="100%")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="100")) == ["AGR-001", "AGR-002"]
    assert ids(agq.register(conn, TODAY, search="%")) == ["AGR-001"]
    assert ids(agq.register(conn, TODAY, search="a_b")) == ["AGR-002"]
    assert agq.register(conn, TODAY, search="a_b_").empty
    assert ids(agq.register(conn, TODAY, search="_")) == ["AGR-002"]
    assert ids(agq.register(conn, TODAY, search="o'brien")) == ["AGR-003"]
    assert ids(agq.register(conn, TODAY, search='"quoted"')) == ["AGR-003"]
    assert ids(agq.register(conn, TODAY, search="c:\\docs\\")) == ["AGR-003"]
    assert agq.register(conn, TODAY, search="c:\\docs\\\\").empty
    hostile = "'; DROP TABLE agreements; --"
    assert agq.register(conn, TODAY, search=hostile).empty
    assert conn.execute("SELECT count(*) FROM agreements").fetchone()[0] == 4


def test_register_filters_combine_and_empty_filters_do_not_filter(conn):
    _register_fixture(conn)
    assert len(agq.register(conn, TODAY)) == 4
    assert ids(agq.register(conn, TODAY, statuses=("draft",))) == ["AGR-003"]
    assert ids(agq.register(conn, TODAY, types=("double_degree", "memorandum"))) == [
        "AGR-001",
        "AGR-004",
    ]
    assert ids(agq.register(conn, TODAY, countries=("Russia", "Ireland"))) == [
        "AGR-002",
        "AGR-003",
    ]
    assert ids(agq.register(conn, TODAY, faculties=("MATH",))) == ["AGR-002"]
    assert agq.register(conn, TODAY, countries=("Russia",), faculties=("ECON",)).empty
    assert ids(agq.register(conn, TODAY, search="university", statuses=("active",))) == [
        "AGR-001",
        "AGR-002",
        "AGR-004",
    ]


def test_options_are_the_distinct_values_present_sorted(conn):
    _register_fixture(conn)
    assert agq.options(conn) == {
        "statuses": ["active", "draft"],
        "types": ["cooperation", "double_degree", "memorandum"],
        "countries": ["Ireland", "Kazakhstan", "Kyrgyzstan", "Russia"],
        "faculties": ["ECON", "MATH"],
    }


def test_empty_warehouse(conn):
    assert agq.options(conn) == {"statuses": [], "types": [], "countries": [], "faculties": []}
    assert agq.register(conn, TODAY).empty
    assert agq.expiring(conn, TODAY).empty
    assert agq.by_type_status(conn).empty
    assert agq.by_country(conn, TODAY).empty
    assert agq.utilisation(conn).empty
    assert agq.dormant(conn, TODAY).empty
    assert agq.partners_without_agreement(conn).empty
    assert agq.summary(conn, TODAY) == {
        "total": 0,
        "active": 0,
        "countries": 0,
        "expiring": 0,
        "dormant": 0,
        "without_agreement": 0,
    }


# --- aggregates, partners without agreement, summary ------------------------------------


def test_by_type_status_and_by_country(conn):
    _expiry_fixture(conn)
    add_agreement(conn, "RU-1", "Ural", country="Russia", kind="memorandum")
    add_agreement(conn, "RU-2", "Kazan", country="Russia", status="expired", kind="memorandum")
    types = agq.by_type_status(conn)
    assert list(types.columns) == ["agreement_type", "status", "agreements"]
    got = {(r.agreement_type, r.status): r.agreements for r in types.itertuples()}
    assert got == {
        ("cooperation", "active"): 6,
        ("cooperation", "draft"): 1,
        ("cooperation", "expired"): 1,
        ("cooperation", "terminated"): 1,
        ("memorandum", "active"): 1,
        ("memorandum", "expired"): 1,
    }
    countries = agq.by_country(conn, TODAY)
    assert list(countries.columns) == ["partner_country", "agreements", "active"]
    assert countries.to_dict("records") == [
        # active today: status active and not past its end (E-PAST ended yesterday)
        {"partner_country": "Kazakhstan", "agreements": 9, "active": 5},
        {"partner_country": "Russia", "agreements": 2, "active": 1},
    ]


def test_partners_without_agreement(conn):
    add_institution(conn, KNU, ["KNU"])
    add_institution(conn, "Humboldt University of Berlin", ["HU Berlin"], "Germany")
    add_agreement(conn, "AGR-KNU", KNU, country="Kyrgyzstan")
    add_agreement(conn, "AGR-T", "Terminated Uni", status="terminated")  # any status counts
    add_mobility(conn, "KNU", "2025-2026")  # has an agreement through its alias
    add_mobility(conn, "terminated uni", "2025-2026")
    add_mobility(conn, "Uni Y", "2023-2024", count=2, country="Turkey")
    add_mobility(conn, "uni y ", "2025-2026", country="Turkey")
    add_mobility(conn, "HU Berlin", "2024-2025", country=None)
    add_mobility(conn, "Withdrawn Only", "2025-2026", status="withdrawn")
    add_mobility(
        conn, "Naryn State University", "2025-2026", scope="domestic", country="Kyrgyzstan", count=5
    )
    frame = agq.partners_without_agreement(conn)
    assert list(frame.columns) == [
        "partner_institution",
        "partner_country",
        "mobilities",
        "last_year",
    ]
    assert frame.to_dict("records") == [
        {
            "partner_institution": "Uni Y",
            "partner_country": "Turkey",
            "mobilities": 3,
            "last_year": "2025-2026",
        },
        {
            "partner_institution": "Humboldt University of Berlin",
            "partner_country": "Germany",
            "mobilities": 1,
            "last_year": "2024-2025",
        },
    ]
    everyone = agq.partners_without_agreement(conn, scope=None)
    assert everyone["partner_institution"].tolist()[0] == "Naryn State University"
    assert len(everyone) == 3


def test_summary_counts_follow_the_lists(conn):
    _expiry_fixture(conn)
    _dormant_fixture(conn)
    add_mobility(conn, "No Agreement Uni", "2025-2026")
    summary = agq.summary(conn, TODAY)
    assert summary == {
        "total": 19,
        # in force: every active agreement not past its end
        "active": 5 + 6,
        "countries": 1,  # every fixture partner is in Kazakhstan
        "expiring": 3 + 1,  # E-TODAY, E-MID, E-LAST and H-ENDS-TODAY
        "dormant": len(agq.dormant(conn, TODAY)),
        "without_agreement": 1,
    }
    # the expiry fixture's partners have no mobility: every one in force is dormant
    assert summary["dormant"] == 4 + 5
    assert agq.summary(conn, TODAY, years=3, months=1)["expiring"] == 2


# --- the demo warehouse -----------------------------------------------------------------


def test_demo_warehouse_has_dormant_expiring_and_used_agreements(demo_db):
    from pipelines.demo import DEFAULT_TODAY

    conn = duckdb.connect(str(demo_db))
    try:
        assert not agq.dormant(conn, DEFAULT_TODAY).empty
        assert not agq.expiring(conn, DEFAULT_TODAY).empty
        used = agq.utilisation(conn)["agreement_id"].nunique()
        total = conn.execute("SELECT count(*) FROM agreements").fetchone()[0]
        assert used >= 0.75 * total
        assert not agq.partners_without_agreement(conn).empty
        summary = agq.summary(conn, DEFAULT_TODAY)
        assert 0 < summary["expiring"] < summary["active"] <= summary["total"]
    finally:
        conn.close()


def test_register_shows_quotas_as_whole_numbers_and_contacts_and_exports_them(conn):
    insert(
        conn,
        "agreements",
        agreement_id="Q-1",
        partner_institution="Uni Q",
        quota_students_out=5,
        quota_students_in=0,
        quota_staff=2,
        contact_name="Айгүл Осмонова",
        contact_email="intl@uni-q.kz",
        website="https://uni-q.kz",
    )
    insert(conn, "agreements", agreement_id="Q-2", partner_institution="Uni R")
    frame = agq.register(conn, TODAY).set_index("agreement_id")
    for column in agq.QUOTAS:
        assert pd.api.types.is_integer_dtype(frame[column]), frame[column].dtype
    assert frame.loc["Q-1", list(agq.QUOTAS)].tolist() == [5, 0, 2]
    assert frame.loc["Q-2", list(agq.QUOTAS)].isna().all()  # not stated: no number at all
    assert frame.loc["Q-1", ["contact_name", "contact_email", "website"]].tolist() == [
        "Айгүл Осмонова",
        "intl@uni-q.kz",
        "https://uni-q.kz",
    ]
    assert agq.register(conn, TODAY, search="UNI-Q.KZ")["agreement_id"].tolist() == ["Q-1"]
    assert agq.register(conn, TODAY, search="осмонова")["agreement_id"].tolist() == ["Q-1"]

    # The downloads carry the numbers as numbers, and an unknown quota as an empty cell.
    exported = frame.reset_index()
    csv = to_csv_bytes(exported).decode("utf-8-sig").splitlines()
    assert ",5,0,2,Айгүл Осмонова," in csv[1 + exported.index[exported.agreement_id == "Q-1"][0]]
    q2 = csv[1 + exported.index[exported.agreement_id == "Q-2"][0]]
    assert "nan" not in q2 and "None" not in q2 and "<NA>" not in q2
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(exported))).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    head = [c.value for c in sheet[1]]
    quotas = [head.index(c) for c in agq.QUOTAS]
    assert [rows["Q-1"][i] for i in quotas] == [5, 0, 2]
    assert [rows["Q-2"][i] for i in quotas] == [None, None, None]
