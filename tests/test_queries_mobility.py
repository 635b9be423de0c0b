"""Mobility queries on hand-made rows: filters, headline, breakdowns, ratios; migration 004."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pandas as pd
import pytest

from pipelines.ingest import ingest_bytes
from pipelines.loader import rollback
from sapat import db
from sapat.academic_year import AcademicYear
from sapat.queries import mobility as mq
from sapat.queries.mobility import MobilityFilter
from tests.conftest import xlsx_bytes
from tests.factories import insert

_ids = itertools.count(1)
# The row these tests start from; each test changes only the columns it is about.
ROW = {
    "academic_year": "2024-2025",
    "participant_category": "student_bachelor",
    "participant_code": "P-000001",
    "faculty": "ECON",
    "direction": "outgoing",
    "scope": "international",
    "format": "physical",
    "purpose": "study",
    "program": "erasmus_plus",
    "partner_institution": "Ankara University",
    "partner_country": "Turkey",
    "start_date": dt.date(2024, 9, 2),
    "end_date": dt.date(2025, 1, 20),
    "duration_type": "long",
    "status": "completed",
    "study_semester": 5,
}


def add(conn: duckdb.DuckDBPyConnection, **values: object) -> str:
    """Insert one mobility row: ROW overridden by ``values``; returns its mobility_id."""
    row = insert(conn, "mobility", **{"mobility_id": f"M-{next(_ids):06d}", **ROW, **values})
    return str(row["mobility_id"])


def as_dict(frame: pd.DataFrame, key: str, value: str) -> dict:
    return dict(zip(frame[key], frame[value], strict=True))


# --- migration 004 -----------------------------------------------------------------------
def _columns(conn, table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]


def test_study_semester_is_in_mobility_and_history_in_the_same_order(conn):
    mobility = _columns(conn, "mobility")
    assert "study_semester" in mobility
    assert _columns(conn, "hist_mobility") == [*mobility, "replaced_by"]


def test_migration_004_keeps_earlier_history(db_path):
    conn = duckdb.connect(str(db_path))
    conn.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    for version, path in db.migrations():
        if version < 4:
            conn.execute(path.read_text(encoding="utf-8"))
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name]
            )
    conn.execute(
        "INSERT INTO hist_mobility (mobility_id, academic_year, participant_category, "
        "participant_code, direction, scope, status, batch_id, replaced_by) "
        "VALUES ('M1', '2023-2024', 'academic_staff', 'P-1', 'outgoing', 'international', "
        "'completed', 1, 2)"
    )
    assert 4 in db.migrate(conn)
    row = conn.execute(
        "SELECT mobility_id, batch_id, replaced_by, study_semester FROM hist_mobility"
    ).fetchall()
    assert row == [("M1", 1, 2, None)]
    assert _columns(conn, "hist_mobility") == [*_columns(conn, "mobility"), "replaced_by"]
    conn.close()


def _mobility_file(semester: int, partner: str) -> bytes:
    header = [
        "mobility_id",
        "academic_year",
        "participant_category",
        "participant_code",
        "direction",
        "scope",
        "partner_institution",
        "status",
        "Семестр обучения",
    ]
    row = [
        "M1",
        "2024-2025",
        "student_master",
        "P-1",
        "outgoing",
        "international",
        partner,
        "completed",
        semester,
    ]
    return xlsx_bytes([header, row])


def test_study_semester_loads_by_its_label_and_rolls_back(conn):
    first = ingest_bytes(conn, "mobility", "a.xlsx", _mobility_file(2, "Gazi University"))
    assert first.loaded, [p.message("en") for p in first.problems]
    second = ingest_bytes(conn, "mobility", "b.xlsx", _mobility_file(3, "Ege University"))
    assert second.result.rows_changed == 1
    query = "SELECT study_semester, partner_institution, batch_id FROM mobility"
    assert conn.execute(query).fetchall() == [(3, "Ege University", second.result.batch_id)]
    rollback(conn, second.result.batch_id, "tester")
    assert conn.execute(query).fetchall() == [(2, "Gazi University", first.result.batch_id)]


def test_study_semester_out_of_range_is_a_problem(conn):
    report = ingest_bytes(conn, "mobility", "a.xlsx", _mobility_file(13, "Gazi University"))
    assert not report.loaded
    assert [(p.column, p.code) for p in report.problems] == [("Семестр обучения", "too_large")]


# --- filters and options -----------------------------------------------------------------
def test_filter_is_hashable_and_empty_by_default():
    f = MobilityFilter(years=("2024-2025",))
    assert hash(f) == hash(MobilityFilter(years=("2024-2025",)))
    assert {f: 1}[MobilityFilter(years=("2024-2025",))] == 1
    assert all(v == () for v in MobilityFilter().__dict__.values())


def test_options_are_distinct_sorted_and_skip_withdrawn(conn):
    add(conn, academic_year="2024-2025", faculty="LAW", program="mevlana")
    add(conn, academic_year="2022-2023", faculty="ECON", format=None)
    add(conn, academic_year="2024-2025", faculty="ECON", duration_type="short")
    add(conn, academic_year="2019-2020", faculty="MED", status="withdrawn")
    opts = mq.options(conn)
    assert list(opts) == [
        "years",
        "directions",
        "scopes",
        "categories",
        "programs",
        "faculties",
        "formats",
        "durations",
    ]
    assert opts["years"] == ["2022-2023", "2024-2025"]
    assert opts["faculties"] == ["ECON", "LAW"]
    assert opts["programs"] == ["erasmus_plus", "mevlana"]
    assert opts["formats"] == ["physical"]
    assert opts["durations"] == ["long", "short"]


def test_options_of_an_empty_warehouse(conn):
    assert mq.options(conn) == {name: [] for name in mq.FILTER_COLUMNS}


def test_filters_combine_and_across_fields_or_within_one(conn):
    add(conn, faculty="ECON", program="erasmus_plus")
    add(conn, faculty="ECON", program="mevlana")
    add(conn, faculty="LAW", program="erasmus_plus")
    add(conn, faculty="MED", program="erasmus_plus")
    add(conn, faculty="LAW", program="erasmus_plus", status="withdrawn")

    def total(f: MobilityFilter) -> int:
        return int(mq.trend(conn, f)["participants"].sum())

    assert total(MobilityFilter()) == 4
    assert total(MobilityFilter(faculties=("ECON", "LAW"))) == 3
    assert total(MobilityFilter(programs=("erasmus_plus",))) == 3
    assert total(MobilityFilter(faculties=("ECON", "LAW"), programs=("erasmus_plus",))) == 2
    assert total(MobilityFilter(faculties=("ECON",), programs=("daad",))) == 0
    assert total(MobilityFilter(faculties=("nobody'; DROP TABLE mobility; --",))) == 0
    assert total(MobilityFilter()) == 4


def test_every_filter_field_filters_its_column(conn):
    add(conn)
    other = {
        "years": ("academic_year", "2023-2024"),
        "directions": ("direction", "incoming"),
        "scopes": ("scope", "domestic"),
        "categories": ("participant_category", "academic_staff"),
        "programs": ("program", "daad"),
        "faculties": ("faculty", "LAW"),
        "formats": ("format", "virtual"),
        "durations": ("duration_type", "short"),
    }
    for name, (column, value) in other.items():
        add(conn, **{column: value})
        only = mq.trend(conn, MobilityFilter(**{name: (value,)}))
        assert only["participants"].sum() == 1, name


# --- headline and trend ------------------------------------------------------------------
def test_headline_counts_and_previous_year(conn):
    year, prev = "2024-2025", "2023-2024"
    add(conn, academic_year=year, partner_country="Turkey", partner_institution="A")
    add(conn, academic_year=year, partner_country="Turkey", partner_institution="B")
    add(
        conn,
        academic_year=year,
        direction="incoming",
        partner_country="Germany",
        partner_institution="C",
    )
    add(
        conn,
        academic_year=year,
        participant_category="academic_staff",
        study_semester=None,
        partner_institution="B",
    )
    add(
        conn,
        academic_year=year,
        participant_category="admin_staff",
        direction="incoming",
        study_semester=None,
        partner_institution="A",
    )
    add(
        conn,
        academic_year=year,
        status="withdrawn",
        partner_country="Japan",
        partner_institution="D",
    )
    add(conn, academic_year=prev, partner_country="Kazakhstan", partner_institution="E")
    add(conn, academic_year="2022-2023")  # two years back: not in the comparison
    h = mq.headline(conn, MobilityFilter(years=("2019-2020",)), year)  # f.years is ignored
    assert h["measure"].tolist() == list(mq.MEASURES)
    assert as_dict(h, "measure", "value") == {
        "outgoing_students": 2,
        "incoming_students": 1,
        "outgoing_staff": 1,
        "incoming_staff": 1,
        "countries": 2,
        "partners": 3,
    }
    assert as_dict(h, "measure", "previous") == {
        "outgoing_students": 1,
        "incoming_students": 0,
        "outgoing_staff": 0,
        "incoming_staff": 0,
        "countries": 1,
        "partners": 1,
    }


def test_headline_previous_is_null_without_data_and_zero_when_filtered_out(conn):
    add(conn, academic_year="2024-2025", faculty="ECON")
    add(conn, academic_year="2023-2024", faculty="LAW", status="withdrawn")
    h = mq.headline(conn, MobilityFilter(), "2024-2025")
    assert h["previous"].isna().all()
    assert h.loc[h.measure == "outgoing_students", "value"].item() == 1
    add(conn, academic_year="2023-2024", faculty="LAW")
    h = mq.headline(conn, MobilityFilter(faculties=("ECON",)), "2024-2025")
    assert h["previous"].tolist() == [0] * len(mq.MEASURES)
    assert h.loc[h.measure == "outgoing_students", "value"].item() == 1


def test_headline_of_a_year_without_data_is_zeros(conn):
    h = mq.headline(conn, MobilityFilter(), "2030-2031")
    assert h["value"].tolist() == [0] * 6 and h["previous"].isna().all()


def test_headline_rejects_a_malformed_year(conn):
    with pytest.raises(ValueError):
        mq.headline(conn, MobilityFilter(), "2024")
    assert str(AcademicYear.parse("2024-2025").previous()) == "2023-2024"


def test_trend_per_year_and_direction_without_withdrawn(conn):
    add(conn, academic_year="2023-2024")
    add(conn, academic_year="2023-2024", direction="incoming")
    add(conn, academic_year="2024-2025")
    add(conn, academic_year="2024-2025")
    add(conn, academic_year="2024-2025", status="withdrawn")
    t = mq.trend(conn, MobilityFilter())
    assert list(t.columns) == ["academic_year", "direction", "participants"]
    assert list(t.itertuples(index=False, name=None)) == [
        ("2023-2024", "incoming", 1),
        ("2023-2024", "outgoing", 1),
        ("2024-2025", "outgoing", 2),
    ]
    t = mq.trend(conn, MobilityFilter(years=("2024-2025",)))
    assert t["participants"].tolist() == [2]


# --- breakdowns --------------------------------------------------------------------------
def test_by_country_sorted_with_directions(conn):
    for _ in range(3):
        add(conn, partner_country="Turkey")
    add(conn, partner_country="Turkey", direction="incoming")
    add(conn, partner_country="Kazakhstan", direction="incoming")
    add(conn, partner_country="Kazakhstan", direction="incoming", status="withdrawn")
    add(conn, partner_country=None)
    c = mq.by_country(conn, MobilityFilter())
    assert list(c.columns) == ["partner_country", "participants", "outgoing", "incoming"]
    assert list(c.itertuples(index=False, name=None)) == [
        ("Turkey", 4, 3, 1),
        ("Kazakhstan", 1, 0, 1),
    ]


@pytest.mark.parametrize("column", mq.DIMENSIONS)
def test_by_dimension_accepts_each_listed_column(conn, column):
    add(conn)
    add(conn)
    d = mq.by_dimension(conn, MobilityFilter(), column)
    assert list(d.columns) == ["value", "participants"]
    assert d["participants"].tolist() == [2]


def test_by_dimension_counts_most_first_and_keeps_not_stated(conn):
    add(conn, purpose="study")
    add(conn, purpose="research")
    add(conn, purpose="research")
    add(conn, purpose=None)
    add(conn, purpose="research", status="withdrawn")
    d = mq.by_dimension(conn, MobilityFilter(), "purpose")
    assert d["value"].tolist()[:2] == ["research", "study"]
    assert pd.isna(d["value"].iloc[2])
    assert d["participants"].tolist() == [2, 1, 1]


@pytest.mark.parametrize(
    "column", ["status", "participant_code", "program; DROP TABLE mobility", "", "PROGRAM"]
)
def test_by_dimension_rejects_other_columns(conn, column):
    with pytest.raises(ValueError):
        mq.by_dimension(conn, MobilityFilter(), column)
    assert conn.execute("SELECT count(*) FROM mobility").fetchone() == (0,)


def test_credit_recognition_by_faculty(conn):
    add(conn, faculty="ECON", credits_earned=30.0, credits_recognized=30.0)
    add(conn, faculty="ECON", credits_earned=20.0, credits_recognized=10.0)
    add(conn, faculty="ECON", credits_earned=25.0, credits_recognized=None)  # pending
    add(conn, faculty="LAW", credits_earned=0.0, credits_recognized=0.0)
    add(conn, faculty="MED", credits_earned=10.0, credits_recognized=10.0, direction="incoming")
    add(conn, faculty="MED", credits_earned=10.0, credits_recognized=10.0, status="withdrawn")
    add(
        conn,
        faculty="PED",
        participant_category="academic_staff",
        credits_earned=5.0,
        credits_recognized=1.0,
    )
    r = mq.credit_recognition(conn, MobilityFilter(), "faculty")
    assert list(r.columns) == ["group", "credits_earned", "credits_recognized", "rate"]
    assert r["group"].tolist() == ["ECON", "LAW"]
    econ = r.iloc[0]
    assert (econ.credits_earned, econ.credits_recognized) == (50.0, 40.0)
    assert econ.rate == pytest.approx(0.8)
    assert pd.isna(r.iloc[1].rate)


def test_credit_recognition_by_programme_and_bad_grouping(conn):
    add(conn, program="mevlana", credits_earned=10.0, credits_recognized=5.0)
    add(conn, program="erasmus_plus", credits_earned=10.0, credits_recognized=10.0)
    r = mq.credit_recognition(conn, MobilityFilter(), "program")
    assert as_dict(r, "group", "rate") == {"mevlana": 0.5, "erasmus_plus": 1.0}
    assert r["group"].tolist() == ["mevlana", "erasmus_plus"]  # lowest rate first
    for bad in ("status", "faculty, participant_code", "purpose"):
        with pytest.raises(ValueError):
            mq.credit_recognition(conn, MobilityFilter(), bad)


# --- exchange ratios ---------------------------------------------------------------------
def test_exchange_ratios_by_hand(conn):
    for code, year, scope, value in (
        ("students_total", 2024, "university", 10000),
        ("students_total", 2024, "ECON", 1000),
        ("students_total", 2022, "university", 8000),
        ("international_students", 2023, "university", 500),
    ):
        insert(conn, "kpi_values", code=code, year=year, unit_scope=scope, value=value)
    year = "2024-2025"
    for _ in range(3):
        add(conn, academic_year=year, direction="incoming")
    for category in (
        "student_bachelor",
        "student_master",
        "student_phd",
        "student_college",
        "student_bachelor",
    ):
        add(conn, academic_year=year, participant_category=category)
    add(conn, academic_year=year, scope="domestic")  # not exchange across borders
    add(conn, academic_year=year, participant_category="academic_staff")  # not a student
    add(conn, academic_year=year, status="withdrawn")
    add(conn, academic_year="2023-2024")  # no students_total for 2023: no row
    add(conn, academic_year="2022-2023", direction="incoming")
    r = mq.exchange_ratios(conn)
    assert list(r.columns) == [
        "academic_year",
        "kpi_year",
        "students_total",
        "inbound_students",
        "outbound_students",
        "inbound_ratio",
        "outbound_ratio",
    ]
    assert r["academic_year"].tolist() == ["2022-2023", "2024-2025"]
    last = r.iloc[1]
    assert (last.kpi_year, last.students_total) == (2024, 10000)
    assert (last.inbound_students, last.outbound_students) == (3, 5)
    assert last.inbound_ratio == pytest.approx(3 / 10000)
    assert last.outbound_ratio == pytest.approx(5 / 10000)
    first = r.iloc[0]
    assert (first.inbound_students, first.outbound_students) == (1, 0)
    assert first.inbound_ratio == pytest.approx(1 / 8000) and first.outbound_ratio == 0


def test_exchange_ratios_zero_students_give_null(conn):
    insert(conn, "kpi_values", code="students_total", year=2024, value=0)
    add(conn)
    r = mq.exchange_ratios(conn)
    assert pd.isna(r.iloc[0].outbound_ratio)


def test_queries_on_an_empty_warehouse(conn):
    f = MobilityFilter()
    assert mq.trend(conn, f).empty
    assert mq.by_country(conn, f).empty
    assert mq.by_dimension(conn, f, "faculty").empty
    assert mq.credit_recognition(conn, f, "faculty").empty
    assert mq.exchange_ratios(conn).empty
