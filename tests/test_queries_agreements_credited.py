"""Mobility per agreement: each mobility counts once, for an agreement in force on its start."""

# What fits no agreement is mobility without an agreement; an agreement is dormant only after
# years in force without mobility; the per-agreement counts add up to the partner's mobility.

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from sapat import db
from sapat.queries import agreements as agq
from tests.factories import insert

TODAY = dt.date(2026, 11, 21)


def agreement(conn, agreement_id: str, partner: str = "Erciyes University", **values) -> None:
    values.setdefault("signed_date", dt.date(2018, 11, 24))
    insert(conn, "agreements", agreement_id=agreement_id, partner_institution=partner, **values)


def mobility(conn, start: dt.date | None, partner: str = "Erciyes University", **values) -> None:
    year = values.pop("academic_year", None)
    if year is None:
        first = start.year if start.month >= 9 else start.year - 1
        year = f"{first}-{first + 1}"
    insert(
        conn,
        "mobility",
        partner_institution=partner,
        start_date=start,
        end_date=None if start is None else start + dt.timedelta(days=30),
        academic_year=year,
        **values,
    )


def credited(conn) -> dict[str, int]:
    use = agq.utilisation(conn)
    return use.groupby("agreement_id")["mobilities"].sum().astype(int).to_dict()


def unmatched(conn, scope: str | None = None) -> int:
    return int(agq.without_agreement(conn, scope)["mobilities"].sum())


def test_two_agreements_with_one_partner_do_not_double_its_mobility(conn):
    # Erciyes: an open-ended exchange agreement for everyone, a cooperation agreement of MED.
    agreement(conn, "AGR-004", agreement_type="exchange")
    agreement(
        conn,
        "AGR-055",
        agreement_type="cooperation",
        faculty="MED",
        signed_date=dt.date(2023, 2, 1),
    )
    mobility(conn, dt.date(2024, 3, 1), faculty="MED")  # its faculty's agreement first
    mobility(conn, dt.date(2024, 3, 1), faculty="ECON")  # not MED's: the university's one
    mobility(conn, dt.date(2022, 3, 1), faculty="MED")  # before MED's was signed
    assert credited(conn) == {"AGR-004": 2, "AGR-055": 1}
    assert sum(credited(conn).values()) == 3 and unmatched(conn) == 0


def test_an_agreement_carries_no_mobility_from_before_it_was_signed(conn):
    agreement(conn, "AGR-NEW", signed_date=dt.date(2025, 6, 8))
    mobility(conn, dt.date(2020, 10, 1))
    mobility(conn, dt.date(2025, 6, 8))  # the signing day itself counts
    assert credited(conn) == {"AGR-NEW": 1}
    without = agq.without_agreement(conn)
    assert without.to_dict("records") == [
        {
            "partner_institution": "Erciyes University",
            "partner_country": None,
            "mobilities": 1,
            "last_year": "2020-2021",
            "has_agreement": True,
        }
    ]
    assert agq.partners_without_agreement(conn).empty  # the partner has an agreement


def test_nor_mobility_from_after_it_ended_and_drafts_never(conn):
    agreement(conn, "AGR-OLD", valid_until=dt.date(2022, 8, 31), status="expired")
    agreement(conn, "AGR-DRAFT", status="draft", signed_date=None)
    mobility(conn, dt.date(2022, 8, 31))  # its last day
    mobility(conn, dt.date(2022, 9, 1))
    assert credited(conn) == {"AGR-OLD": 1}
    assert unmatched(conn) == 1


def test_another_facultys_agreement_does_not_cover_a_mobility(conn):
    agreement(conn, "AGR-ECON", agreement_type="double_degree", faculty="ECON")
    mobility(conn, dt.date(2024, 3, 1), faculty="MED")
    mobility(conn, dt.date(2024, 3, 1), faculty=None)  # faculty unknown: not excluded
    assert credited(conn) == {"AGR-ECON": 1}
    assert unmatched(conn) == 1


def test_the_most_specific_type_then_the_latest_signed(conn):
    agreement(conn, "A-MEMO", agreement_type="memorandum", signed_date=dt.date(2015, 1, 1))
    agreement(conn, "B-IIA", agreement_type="erasmus_iia", signed_date=dt.date(2019, 1, 1))
    agreement(conn, "C-IIA", agreement_type="erasmus_iia", signed_date=dt.date(2021, 1, 1))
    mobility(conn, dt.date(2020, 3, 1))  # C not yet signed: B
    mobility(conn, dt.date(2022, 3, 1))  # both IIAs: the latest signed
    mobility(conn, dt.date(2018, 3, 1))  # only the memorandum
    assert credited(conn) == {"A-MEMO": 1, "B-IIA": 1, "C-IIA": 1}
    assert agq.SPECIFICITY.index("erasmus_iia") < agq.SPECIFICITY.index("memorandum")


def test_a_row_without_a_start_date_counts_from_its_academic_years_first_day(conn):
    agreement(conn, "AGR-X", signed_date=dt.date(2024, 9, 1))
    mobility(conn, None, academic_year="2024-2025")
    mobility(conn, None, academic_year="2023-2024")
    assert credited(conn) == {"AGR-X": 1} and unmatched(conn) == 1


def test_withdrawn_applications_count_for_nothing(conn):
    agreement(conn, "AGR-X")
    mobility(conn, dt.date(2024, 3, 1), status="withdrawn")
    assert credited(conn) == {} and unmatched(conn) == 0


# --- dormant --------------------------------------------------------------------------------


def test_dormant_only_after_full_years_in_force_without_mobility(conn):
    agreement(conn, "A-FRESH", "Fresh Uni", signed_date=TODAY - dt.timedelta(days=60))
    agreement(conn, "B-OLD", "Old Uni", signed_date=dt.date(2020, 1, 1))
    agreement(conn, "C-EDGE", "Edge Uni", signed_date=dt.date(2024, 11, 21))  # 2 years today
    agreement(conn, "D-USED", "Used Uni", signed_date=dt.date(2020, 1, 1))
    mobility(conn, dt.date(2024, 11, 21), "Used Uni")  # the window's first day
    agreement(conn, "E-PLANNED", "Planned Uni", signed_date=dt.date(2020, 1, 1))
    mobility(conn, dt.date(2027, 2, 1), "Planned Uni", status="selected")  # planned counts
    ids = set(agq.dormant(conn, TODAY, years=2)["agreement_id"])
    assert ids == {"B-OLD", "C-EDGE"}
    assert set(agq.dormant(conn, TODAY, years=3)["agreement_id"]) == {"B-OLD"}
    assert agq.years_before(dt.date(2028, 2, 29), 2) == dt.date(2026, 2, 28)


def test_a_partners_mobility_under_another_agreement_leaves_one_dormant(conn):
    agreement(conn, "AGR-MEMO", agreement_type="memorandum", signed_date=dt.date(2016, 4, 3))
    agreement(conn, "AGR-EX", agreement_type="exchange", signed_date=dt.date(2023, 5, 20))
    mobility(conn, dt.date(2025, 10, 1))
    mobility(conn, dt.date(2023, 1, 10))  # before the exchange agreement: the memorandum's
    frame = agq.dormant(conn, TODAY).set_index("agreement_id")
    assert list(frame.index) == ["AGR-MEMO"]
    assert frame.loc["AGR-MEMO", "mobilities_total"] == 1
    assert frame.loc["AGR-MEMO", "last_mobility_year"] == "2022-2023"


# --- the per-agreement counts add up to at most the partner's mobility ----------------------


def partner_totals(conn) -> dict[str, tuple[int, int]]:
    """Per partner (its matching key): mobility credited to its agreements, and its mobility."""
    rows = conn.execute(
        """
        WITH keys AS (
            SELECT DISTINCT partner_institution AS name,
                   norm_name(coalesce(k.canonical, partner_institution)) AS pkey
            FROM (SELECT partner_institution FROM mobility UNION SELECT partner_institution
                  FROM agreements)
            LEFT JOIN institution_keys k ON k.key = norm_name(partner_institution)
            WHERE norm_name(partner_institution) <> ''
        ),
        own AS (
            SELECT x.pkey, count(*) AS n FROM mobility m JOIN keys x ON x.name = m.partner_institution
            WHERE m.status <> 'withdrawn' GROUP BY x.pkey
        )
        SELECT x.pkey, coalesce(o.n, 0), any_value(x.name)
        FROM keys x LEFT JOIN own o USING (pkey) GROUP BY ALL
        """
    ).fetchall()
    own = {pkey: int(n) for pkey, n, _ in rows}
    agreement_keys = dict(
        conn.execute(
            """
            SELECT a.agreement_id, norm_name(coalesce(k.canonical, a.partner_institution))
            FROM agreements a LEFT JOIN institution_keys k ON k.key = norm_name(a.partner_institution)
            """
        ).fetchall()
    )
    got: dict[str, int] = {}
    for agreement_id, n in credited(conn).items():
        key = agreement_keys[agreement_id]
        got[key] = got.get(key, 0) + n
    return {key: (got.get(key, 0), own[key]) for key in own}


def assert_adds_up(conn) -> None:
    totals = partner_totals(conn)
    over = {k: v for k, v in totals.items() if v[0] > v[1]}
    assert not over, over
    rows = db.first(
        conn.execute(
            "SELECT count(*) FROM mobility WHERE status <> 'withdrawn' "
            "AND norm_name(partner_institution) <> ''"
        )
    )[0]
    assert sum(credited(conn).values()) + unmatched(conn) == rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_per_agreement_counts_add_up_on_generated_cases(conn, seed):
    rng = np.random.default_rng(seed)
    partners = [f"Partner {i}" for i in range(6)]
    kinds = list(agq.SPECIFICITY)
    for i in range(25):
        signed = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 4000)))
        ends = (
            None if rng.random() < 0.3 else signed + dt.timedelta(days=int(rng.integers(200, 2500)))
        )
        agreement(
            conn,
            f"A-{i:02d}",
            str(rng.choice(partners)),
            agreement_type=str(rng.choice(kinds)),
            signed_date=None if rng.random() < 0.1 else signed,
            valid_until=ends,
            status=str(rng.choice(["active", "active", "expired", "terminated", "draft"])),
            faculty=None if rng.random() < 0.6 else str(rng.choice(["MED", "ECON"])),
        )
    for _ in range(300):
        start = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3900)))
        dated = rng.random() >= 0.05
        mobility(
            conn,
            start if dated else None,
            str(rng.choice(partners + ["No Agreement Uni"])),
            academic_year=None if dated else "2020-2021",
            faculty=None if rng.random() < 0.1 else str(rng.choice(["MED", "ECON", "LAW"])),
            status=str(rng.choice(["completed", "selected", "withdrawn"])),
        )
    assert_adds_up(conn)
    # Each mobility counts once: two agreements never show the same rows.
    assert sum(credited(conn).values()) <= sum(t[1] for t in partner_totals(conn).values())


def test_per_agreement_counts_add_up_on_the_demo(demo_db):
    conn = duckdb.connect(str(demo_db))
    try:
        assert_adds_up(conn)
        use = agq.utilisation(conn)
        # Al-Farabi and Erciyes each hold two agreements: no longer identical rows.
        for partner in ("Al-Farabi Kazakh National University", "Erciyes University"):
            mine = use[use["partner_institution"] == partner]
            per_agreement = mine.pivot_table("mobilities", "academic_year", "agreement_id")
            assert not (per_agreement.nunique(axis=1) == 1).all(), partner
    finally:
        conn.close()
