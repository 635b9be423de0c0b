"""Tests of the deterministic demo data: contract, realism and the published facts."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd
import pytest

from pipelines.demo import (
    ACADEMIC_YEARS,
    DEFAULT_TODAY,
    FACULTIES,
    HOME,
    generate,
)
from pipelines.parsing import DTYPES
from schemas import codes
from schemas.registry import DATASETS

DATASET_KEYS = set(DATASETS) | {"institutions"}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate()


def _rank_of(frames, ranking: str, year: int, institution: str) -> pd.Series:
    r = frames["ranking_results"]
    rows = r[(r.ranking == ranking) & (r.year == year) & (r.institution == institution)]
    assert len(rows) == 1, (ranking, year, institution)
    return rows.iloc[0]


def _within(series: pd.Series, today: dt.date, days: int) -> pd.Series:
    start = pd.Timestamp(today)
    return (series >= start) & (series <= start + pd.Timedelta(days=days))


# --- contract ----------------------------------------------------------------------------
def test_keys_are_exactly_the_datasets_and_institutions(frames):
    assert set(frames) == DATASET_KEYS


def test_two_calls_give_identical_frames(frames):
    again = generate()
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, again[name], check_exact=True)


def _digest(frames: dict[str, pd.DataFrame]) -> str:
    """Every frame's name, columns, dtypes and values (floats written in full) in one hash."""
    h = hashlib.sha256()
    for name, frame in frames.items():
        h.update(name.encode())
        h.update(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
        h.update(frame.to_csv(index=False, lineterminator="\n").encode())
    return h.hexdigest()


# The demo is seeded: a refactoring of the generator must leave every frame as it was. A
# deliberate change of the demo data updates this hash (and says so in its commit).
# 2026: the accredited share of the demo year is what its warehouse computes on its day.
# Then: the demo's free text (actions, owners, departments, notes) in Russian and Kyrgyz,
# as the university writes it; every other value unchanged.
FRAMES_SHA256 = "41885e9d2590b978aa821a15d62d17fd4b0dea9c0fcf0210e63f96fa394ef01e"


def test_frames_are_pinned(frames):
    assert _digest(frames) == FRAMES_SHA256


def test_another_seed_gives_other_mobility(frames):
    other = generate(seed=7)
    assert not other["mobility"].equals(frames["mobility"])
    for name in DATASETS:
        DATASETS[name].model.validate(other[name], lazy=True)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_frame_validates_unchanged(frames, name):
    frame = frames[name]
    before = frame.copy()
    DATASETS[name].model.validate(frame, lazy=True)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_columns_and_dtypes_follow_the_model(frames, name):
    frame = frames[name]
    dataset = DATASETS[name]
    assert list(frame.columns) == [c.name for c in dataset.columns]
    for spec in dataset.columns:
        assert str(frame[spec.name].dtype) == DTYPES[spec.kind], (name, spec.name)
        if spec.kind == "date":
            stamps = frame[spec.name].dropna()
            assert (stamps == stamps.dt.normalize()).all(), (name, spec.name)


def test_institutions(frames):
    inst = frames["institutions"]
    assert list(inst.columns) == [c.name for c in DATASETS["institutions"].columns]
    assert inst.name.is_unique
    assert inst.loc[inst.is_home, "name"].tolist() == [HOME]
    assert all(isinstance(a, str) and a for a in inst.aliases)  # one cell, "; " between
    home_aliases = inst.loc[inst.is_home, "aliases"].iloc[0]
    assert "Ошский государственный университет" in home_aliases
    for name in (
        "American University of Central Asia",
        "Kyrgyz-Turkish Manas University",
        "Kyrgyz Russian Slavic University",
        "Kyrgyz National University named after J. Balasagyn",
        "Kyrgyz State Technical University named after I. Razzakov",
        "Kyrgyz State Medical Academy",
        "Ala-Too International University",
        "Kyrgyz National Agrarian University",
        "Arabaev Kyrgyz State University",
        "Kyrgyz Economic University",
        "Bishkek State University",
        "Al-Farabi Kazakh National University",
        "National University of Uzbekistan",
    ):
        assert name in set(inst.name), name
    ranked = set(frames["ranking_results"].institution)
    assert ranked <= set(inst.name)
    assert set(frames["ranking_indicator_scores"].institution) <= ranked


# --- rankings ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ranking", "year", "institution", "display"),
    [
        ("qs_wur", 2026, "Kyrgyz National University named after J. Balasagyn", "1201-1400"),
        ("qs_wur", 2026, "American University of Central Asia", "901-950"),
        ("qs_wur", 2026, "Kyrgyz-Turkish Manas University", "951-1000"),
        ("qs_wur", 2025, "Kyrgyz-Turkish Manas University", "901-950"),
        ("qs_wur", 2024, "Kyrgyz-Turkish Manas University", "851-900"),
        ("qs_wur", 2026, "Kyrgyz Russian Slavic University", "1001-1200"),
        ("qs_wur", 2025, "Kyrgyz Russian Slavic University", "851-900"),
        ("qs_wur", 2026, "Kyrgyz State Technical University named after I. Razzakov", "1201-1400"),
        ("qs_asia", 2026, "Osh State University", "316"),
        ("qs_asia", 2026, "Kyrgyz-Turkish Manas University", "230"),
        ("qs_eeca", 2021, "American University of Central Asia", "138"),
        ("qs_eeca", 2021, "Kyrgyz-Turkish Manas University", "183"),
        ("greenmetric", 2022, "Kyrgyz-Turkish Manas University", "710"),
    ],
)
def test_published_positions_are_present(frames, ranking, year, institution, display):
    row = _rank_of(frames, ranking, year, institution)
    assert row.rank_display == display
    assert row.source == "published"


def test_national_ranking_2024_is_the_published_scores_in_order(frames):
    r = frames["ranking_results"]
    nat = r[(r.ranking == "national_kg") & (r.year == 2024)].sort_values("rank_low")
    assert nat.rank_low.tolist() == list(range(1, 11))
    assert nat.overall_score.is_monotonic_decreasing
    assert nat.iloc[0].institution == "Kyrgyz State Medical Academy"
    assert nat.iloc[0].overall_score == pytest.approx(461.56)
    home = nat[nat.institution == HOME].iloc[0]
    assert (home.rank_display, home.overall_score) == ("4", pytest.approx(415.84))
    assert (nat.source == "published").all()


def test_invented_rows_are_marked_demo(frames):
    r = frames["ranking_results"]
    assert set(r.source) == {"published", "demo"}
    osh_wur = r[(r.ranking == "qs_wur") & (r.institution == HOME)]
    assert set(osh_wur.source) == {"demo"}
    osh_asia = r[(r.ranking == "qs_asia") & (r.institution == HOME)].sort_values("year")
    assert osh_asia.year.tolist() == list(range(2021, 2027))
    # Improving: every edition's best position is no worse than the previous edition's.
    assert osh_asia.rank_low.is_monotonic_decreasing


def test_rank_columns_are_derived_like_the_upload_pipeline(frames):
    parsing = pytest.importorskip("pipelines.parsing")
    for name in ("ranking_results", "ranking_indicator_scores"):
        df = frames[name]
        for row in df[df.rank_display.notna()].itertuples():
            rank = parsing.parse_rank(row.rank_display)
            low = None if pd.isna(row.rank_low) else int(row.rank_low)
            high = None if pd.isna(row.rank_high) else int(row.rank_high)
            assert (rank.low, rank.high) == (low, high), row
            if name == "ranking_results":
                assert (rank.is_tie, rank.is_band) == (row.is_tie, row.is_band), row


def test_rank_forms_bands_ties_open_and_reporter(frames):
    r = frames["ranking_results"].set_index("rank_display")
    assert r.loc["1401+"].rank_high is pd.NA and r.loc["1401+"].rank_low == 1401
    assert r.loc["Reporter"].rank_low.isna().all()
    assert r[r.is_tie].shape[0] >= 2
    band = frames["ranking_results"].query("rank_display == '851-900'").iloc[0]
    assert (band.rank_low, band.rank_high, band.is_band, band.is_tie) == (851, 900, True, False)


def test_indicator_scores_cover_the_editions(frames):
    s = frames["ranking_indicator_scores"]
    home = s[s.institution == HOME]
    for year in range(2021, 2027):
        assert len(home[(home.ranking == "qs_asia") & (home.year == year)]) == 11
    for year in (2025, 2026):
        assert len(home[(home.ranking == "qs_wur") & (home.year == year)]) >= 9
        assert len(home[(home.ranking == "the_wur") & (home.year == year)]) == 5
    assert s.score.between(1, 100).all()
    assert s.rank_display.isna().mean() > 0.7


# --- mobility ----------------------------------------------------------------------------
def test_mobility_size_and_years(frames):
    m = frames["mobility"]
    assert 1800 <= len(m) <= 2200
    per_year = m.academic_year.value_counts().sort_index()
    assert tuple(per_year.index) == ACADEMIC_YEARS
    assert per_year.is_monotonic_increasing
    assert m.mobility_id.str.fullmatch(r"MOB-20\d\d-\d{5}").all()
    assert m.participant_code.str.fullmatch(r"P-[0-9A-F]{6}").all()


def test_every_mobility_program_used_at_least_20_times(frames):
    counts = frames["mobility"].program.value_counts()
    for program in codes.MOBILITY_PROGRAM:
        assert counts.get(program, 0) >= 20, program


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("participant_category", codes.PARTICIPANT_CATEGORY),
        ("direction", codes.DIRECTION),
        ("scope", codes.MOBILITY_SCOPE),
        ("format", codes.MOBILITY_FORMAT),
        ("purpose", codes.PURPOSE),
        ("status", codes.MOBILITY_STATUS),
        ("funding_source", codes.FUNDING_SOURCE),
        ("gender", codes.GENDER),
        ("duration_type", codes.DURATION_TYPE),
    ],
)
def test_every_code_is_used(frames, column, values):
    assert set(frames["mobility"][column].dropna()) == set(values)


def test_mobility_is_consistent(frames):
    m = frames["mobility"]
    assert 0.6 <= (m.direction == "outgoing").mean() <= 0.7
    assert (m.duration_days == (m.end_date - m.start_date).dt.days).all()
    assert ((m.duration_days <= 31) == (m.duration_type == "short")).all()
    domestic = m[m.scope == "domestic"]
    assert len(domestic) > 0 and (domestic.partner_country == "Kyrgyzstan").all()
    assert set(m.faculty) == set(FACULTIES)
    study = m[m.purpose == "study"]
    assert study.duration_days.between(120, 160).all()
    assert m[m.purpose == "conference"].duration_days.le(31).all()
    staff = m[~m.participant_category.str.startswith("student")]
    assert staff.gpa_at_selection.isna().all() and staff.credits_planned.isna().all()
    for year, start, end in zip(m.academic_year, m.start_date, m.end_date, strict=True):
        first = int(year[:4])
        assert pd.Timestamp(first, 9, 1) <= start <= end <= pd.Timestamp(first + 1, 8, 31)


def test_mobility_triggers_the_regulation_flags(frames):
    m = frames["mobility"]
    assert (m.gpa_at_selection < 3).sum() >= 5
    assert (m.gpa_at_selection >= 3).mean() > 0.9
    assert (m.credits_failed > 15).sum() >= 1
    assert (m.credits_earned <= m.credits_planned).all()
    assert (m.credits_recognized <= m.credits_earned).all()
    staff = m[
        m.participant_category.isin(["academic_staff", "admin_staff"]) & m.report_date.notna()
    ]
    workdays = [
        len(pd.bdate_range(e + pd.Timedelta(days=1), r))
        for e, r in zip(staff.end_date, staff.report_date, strict=True)
    ]
    assert (staff.report_date > staff.end_date).all()
    assert sum(w > 5 for w in workdays) >= 5


def test_study_semester_by_level(frames):
    m = frames["mobility"]
    is_student = m.participant_category.str.startswith("student")
    assert m.loc[~is_student, "study_semester"].isna().all()
    students = m[is_student]
    assert students.study_semester.notna().all()
    tops = {"student_bachelor": 8, "student_master": 4, "student_phd": 6, "student_college": 6}
    for category, top in tops.items():
        semesters = m.loc[m.participant_category == category, "study_semester"]
        assert (semesters.min(), semesters.max()) == (1, top), category
    # Autumn mobility falls in an odd semester, spring and summer mobility in an even one.
    spring = students.start_date.dt.month.between(2, 8)
    assert ((students.study_semester % 2 == 0) == spring).all()


def test_study_semester_triggers_the_regulation_flags(frames):
    m = frames["mobility"]
    sent = m[(m.direction == "outgoing") & (m.status != "withdrawn")]
    bachelors = sent[sent.participant_category == "student_bachelor"]
    first_abroad = bachelors[(bachelors.scope == "international") & (bachelors.study_semester <= 2)]
    first_domestic = bachelors[(bachelors.scope == "domestic") & (bachelors.study_semester == 1)]
    masters = sent[sent.participant_category == "student_master"]
    off_semester = masters[~masters.study_semester.isin([2, 3])]
    assert 3 <= len(first_abroad) <= 0.1 * len(bachelors)
    assert len(first_domestic) >= 1
    assert 3 <= len(off_semester) <= 0.15 * len(masters)


def test_mobility_status_by_year(frames):
    m = frames["mobility"]
    current = m[m.academic_year == ACADEMIC_YEARS[-1]]
    past = m[m.academic_year != ACADEMIC_YEARS[-1]]
    assert {"applied", "selected", "departed"} <= set(current.status)
    assert not past.status.isin(["applied", "selected", "departed"]).any()
    assert past.status.isin(["completed", "report_submitted"]).mean() > 0.9


# --- agreements --------------------------------------------------------------------------
def test_agreements(frames):
    a, m = frames["agreements"], frames["mobility"]
    assert 50 <= len(a) <= 70
    assert a.agreement_id.str.fullmatch(r"AGR-\d{3}").all()
    partners = set(a.partner_institution)
    mobile = set(m.partner_institution)
    assert 3 <= len(partners - mobile) <= 10  # dormant agreements
    assert len(partners & mobile) / len(partners) > 0.8
    active = a[a.status == "active"]
    assert _within(active.valid_until, DEFAULT_TODAY, 183).sum() >= 3
    assert (a.status == "expired").sum() >= 3
    assert (a[a.status == "expired"].valid_until < pd.Timestamp(DEFAULT_TODAY)).all()
    assert active.valid_until.isna().sum() >= 5
    assert set(a.agreement_type) == set(codes.AGREEMENT_TYPE)


# --- programmes, licences, accreditation -------------------------------------------------
def test_programs(frames):
    p = frames["programs"]
    assert 70 <= len(p) <= 90
    assert (p.level == "bachelor").mean() > 0.4
    assert set(p.level) == set(codes.PROGRAM_LEVEL)
    assert set(p.faculty) == set(FACULTIES)
    assert set(p.language) == {"ky", "ru", "en"}
    assert (p.status == "active").mean() > 0.9
    assert p.name_ky.str.contains("[өүң]").any()


def test_licenses(frames):
    lic, p = frames["licenses"], frames["programs"]
    institutional = lic[lic.program_code.isna()]
    assert len(institutional) == 1 and institutional.valid_until.isna().all()
    assert set(lic.program_code.dropna()) <= set(p.program_code)
    active_programs = set(p.loc[p.status == "active", "program_code"])
    assert active_programs <= set(lic.program_code.dropna())
    assert lic.license_no.str.fullmatch(r"LS\d{9}").all()
    assert lic.valid_until.isna().mean() > 0.6
    assert (lic.status == "expired").sum() >= 1


def test_accreditations(frames):
    acc, p = frames["accreditations"], frames["programs"]
    assert set(acc.program_code.dropna()) <= set(p.program_code)
    institutional = acc[acc.scope == "institutional"]
    assert {"national", "international"} <= set(institutional.kind)
    assert set(acc.agency) >= {"EdNet", "AAEPO", "Sapattuu Bilim", "IAAR"}
    without = set(p.program_code) - set(acc.program_code.dropna())
    assert 5 <= len(without) <= 15
    current = acc[acc.status.isin(["accredited", "conditional"])]
    share = current.program_code.nunique() / len(p)
    assert 0.6 <= share <= 0.8
    assert _within(current.valid_until, DEFAULT_TODAY, 90).sum() >= 1
    assert {"planned", "self_assessment", "site_visit", "conditional", "expired"} <= set(acc.status)


def test_something_expires_within_180_days(frames):
    lic, acc = frames["licenses"], frames["accreditations"]
    lic_soon = _within(lic.loc[lic.status == "active", "valid_until"], DEFAULT_TODAY, 180)
    acc_soon = _within(
        acc.loc[acc.status.isin(["accredited", "conditional"]), "valid_until"],
        DEFAULT_TODAY,
        180,
    )
    assert lic_soon.sum() >= 1 and acc_soon.sum() >= 1


def test_relative_dates_follow_today():
    today = dt.date(2027, 9, 1)
    later = generate(today=today)
    lic = later["licenses"]
    assert _within(lic.loc[lic.status == "active", "valid_until"], today, 180).sum() >= 1
    a = later["agreements"]
    assert _within(a.loc[a.status == "active", "valid_until"], today, 183).sum() >= 3


def test_action_items(frames):
    items, acc = frames["action_items"], frames["accreditations"]
    assert 30 <= len(items) <= 50
    from_acc = items[items.source == "accreditation"]
    assert set(from_acc.source_id) <= set(acc.accreditation_id)
    today = pd.Timestamp(DEFAULT_TODAY)
    overdue = items[(items.due_date < today) & items.status.isin(["open", "in_progress"])]
    assert len(overdue) >= 3
    done = items[items.status == "done"]
    assert done.closed_on.notna().all() and (done.closed_on <= today).all()
    assert items.loc[items.status != "done", "closed_on"].isna().all()


# --- KPIs --------------------------------------------------------------------------------
RANKING_COUNTS = (
    "students_total",
    "international_students",
    "academic_staff_fte",
    "international_staff",
    "staff_with_doctorate",
    "publications_scopus",
    "citations_scopus",
    "inbound_exchange_students",
    "outbound_exchange_students",
)


def test_kpi_definitions(frames):
    d = frames["kpi_definitions"]
    assert len(d) == 21
    assert set(RANKING_COUNTS) <= set(d.code)
    assert set(d.direction) == set(codes.KPI_DIRECTION)
    assert set(d.category) == set(codes.KPI_CATEGORY)
    assert set(d.unit) == set(codes.KPI_UNIT)
    assert "Чет элдик студенттердин үлүшү" in set(d.name_ky)
    for col in ("name_ky", "name_ru"):
        assert d[col].str.contains("[А-Яа-яӨөҮүҢң]").all(), col


def test_kpi_values_and_targets(frames):
    d, t, v = frames["kpi_definitions"], frames["kpi_targets"], frames["kpi_values"]
    assert set(t.code) | set(v.code) <= set(d.code)
    assert set(v.year) == set(range(2020, 2027))
    assert set(v.unit_scope) == {"university", *FACULTIES}
    assert set(t.unit_scope) == {"university", *FACULTIES}
    uni = v[v.unit_scope == "university"]
    assert uni[uni.year == 2026].code.nunique() < len(d)  # the current year is partial
    assert uni[uni.year == 2025].code.nunique() == len(d)
    # Faculty counts add up to the university's.
    students = v[(v.code == "students_total") & (v.year == 2025)]
    by_faculty = students[students.unit_scope != "university"].value.sum()
    assert by_faculty == students[students.unit_scope == "university"].value.iloc[0]
    joined = uni.merge(t, on=["code", "year", "unit_scope"]).merge(d, on="code")
    latest = joined[joined.year == joined.year.max()]
    off = ((latest.direction == "higher_is_better") & (latest.value < latest.target)) | (
        (latest.direction == "lower_is_better") & (latest.value > latest.target)
    )
    assert 1 <= off.sum() < len(latest)


# --- privacy -----------------------------------------------------------------------------
PERSONAL = re.compile(
    r"(first|last|middle|full|given|family|sur|maiden|patronymic|father|student|participant|"
    r"staff|person|employee|teacher)_?name|fio|фио|surname|patronymic",
    re.IGNORECASE,
)


def test_no_column_is_named_like_a_personal_name(frames):
    for name, frame in frames.items():
        for column in frame.columns:
            assert not PERSONAL.search(column), (name, column)


def test_agreement_contacts_are_roles_not_people(frames):
    # contact_name is in the contract; the demo fills it with an office role only.
    contacts = set(frames["agreements"].contact_name.dropna())
    assert contacts and all(re.search(r"(?i)отдел|координатор|бөлүм", c) for c in contacts)


# --- language ----------------------------------------------------------------------------
# Columns a Kyrgyz university writes in its own words: in Russian or Kyrgyz, never English.
FREE_TEXT = {
    "action_items": ("recommendation", "owner"),
    "agreements": ("notes", "contact_name"),
    "licenses": ("issuer",),
    "kpi_definitions": ("owner",),
    "kpi_values": ("source",),
    "staff_composition": ("department",),
    "staff_rating": ("department",),
}
# Names that stay as their owners write them: foreign institutions and data publishers.
FOREIGN_NAMES = {"Scopus", "QS"}
LATIN, CYRILLIC = re.compile("[A-Za-z]"), re.compile("[А-Яа-яЁёӨөҮүҢң]")


@pytest.mark.parametrize(
    ("name", "column"), [(n, c) for n, cols in FREE_TEXT.items() for c in cols]
)
def test_free_text_is_russian_or_kyrgyz(frames, name, column):
    foreign = FOREIGN_NAMES | set(frames["institutions"].name)
    foreign |= set(frames["agreements"].partner_institution)
    values = set(frames[name][column].dropna())
    assert values, (name, column)
    english = {v for v in values if LATIN.search(v) and not CYRILLIC.search(v) and v not in foreign}
    assert not english, (name, column, sorted(english))
