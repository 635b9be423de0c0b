"""KPIs computed from academic quality measures: effective values, link/unlink and their CLI."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from sapat import db
from sapat.i18n import LANGUAGES, catalog
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from tests.factories import insert
from tests.test_pipelines_cli import cli

EN = catalog("en")
UNI = "university"
KPI = "degree_share"  # a KPI whose code differs from the measure's name
MEASURE = "staff_degree_share"


def define(conn, code: str = KPI, unit: str = "percent") -> None:
    names = {f"name_{lang}": f"{lang} {code}" for lang in ("ky", "ru", "en")}
    insert(conn, "kpi_definitions", code=code, unit=unit, **names)


def value(conn, year: int, v: float, scope: str = UNI, code: str = KPI) -> None:
    insert(conn, "kpi_values", code=code, year=year, unit_scope=scope, value=v)


def target(conn, year: int, t: float, scope: str = UNI, code: str = KPI) -> None:
    insert(conn, "kpi_targets", code=code, year=year, unit_scope=scope, target=t)


def staff(conn, year: int, faculty: str, headcount: int, with_degree: int) -> None:
    """One department of staff_composition: ``with_degree`` of ``headcount`` hold a degree."""
    insert(
        conn,
        "staff_composition",
        year=year,
        faculty=faculty,
        headcount=headcount,
        candidates_of_science=with_degree,
    )


@pytest.fixture
def wh(conn):
    """A KPI with uploaded values for 2023–2025 (university, MED, LAW), and staff data (so the
    measure) for 2024–2025 in MED and ECON only."""
    define(conn)
    for year, v in ((2023, 50.0), (2024, 51.0), (2025, 52.0)):
        value(conn, year, v)
        value(conn, year, v - 1, "MED")
        value(conn, year, v + 1, "LAW")
        target(conn, year, 60.0)
    for year, (med, econ) in ((2024, (70, 30)), (2025, (75, 33))):
        staff(conn, year, "MED", 100, med)
        staff(conn, year, "ECON", 50, econ)
    return conn


def measure_value(conn, year: int, scope: str = UNI) -> float:
    frame = msq.values(conn, MEASURE, scope)
    return float(frame.set_index("year").loc[year, "value"])


def uni_value(conn, year: int, code: str = KPI) -> float | None:
    card = kq.scorecard(conn, year).set_index("code")
    v = card.loc[code, "value"]
    return None if v != v else float(v)


# --- effective values ------------------------------------------------------------------------
def test_linked_value_equals_the_measure_for_the_university_and_a_faculty(wh):
    assert kq.link(wh, KPI, MEASURE, "aibek")
    assert uni_value(wh, 2025) == measure_value(wh, 2025) == pytest.approx(100 * 108 / 150)
    med = kq.scorecard(wh, 2025, "MED").set_index("code").loc[KPI, "value"]
    assert med == measure_value(wh, 2025, "MED") == pytest.approx(75.0)
    faculties = kq.by_faculty(wh, KPI, 2025).set_index("unit_scope")["value"]
    assert faculties["ECON"] == measure_value(wh, 2025, "ECON")
    history = kq.history(wh, KPI).set_index("year")["value"]
    assert history[2024] == measure_value(wh, 2024)
    card = kq.scorecard(wh, 2025).set_index("code")
    assert card.loc[KPI, "measure"] == MEASURE
    assert card.loc[KPI, "previous_value"] == measure_value(wh, 2024)
    assert card.loc[KPI, "history"] == [50.0, measure_value(wh, 2024), measure_value(wh, 2025)]


def test_the_measure_wins_and_uploaded_values_fill_what_it_lacks(wh):
    kq.link(wh, KPI, MEASURE, "aibek")
    # 2023: no staff data, so the uploaded value stays; 2024–2025: the measure's.
    history = kq.history(wh, KPI).set_index("year")["value"].to_dict()
    assert history == {
        2023: 50.0,
        2024: measure_value(wh, 2024),
        2025: measure_value(wh, 2025),
    }
    # LAW has no staff data: its uploaded value stays beside the measured faculties.
    faculties = kq.by_faculty(wh, KPI, 2025).set_index("unit_scope")["value"].to_dict()
    assert faculties == {
        "ECON": measure_value(wh, 2025, "ECON"),
        "LAW": 53.0,
        "MED": measure_value(wh, 2025, "MED"),
    }
    assert kq.scopes(wh, KPI) == [UNI, "ECON", "LAW", "MED"]
    assert kq.years(wh) == [2025, 2024, 2023]
    # The uploaded rows themselves are kept, untouched.
    assert wh.execute("SELECT count(*) FROM kpi_values").fetchone() == (9,)


def test_measure_years_without_upload_count_as_kpi_years(conn):
    define(conn)
    staff(conn, 2019, "MED", 10, 7)
    assert kq.years(conn) == [] and kq.latest_year(conn) is None
    kq.link(conn, KPI, MEASURE, "aibek")
    assert kq.years(conn) == [2019] and kq.latest_year(conn) == 2019


def test_unlink_restores_the_uploaded_values(wh):
    before = kq.scorecard(wh, 2025)
    kq.link(wh, KPI, MEASURE, "aibek")
    assert uni_value(wh, 2025) != 52.0
    assert kq.unlink(wh, KPI, "aibek")
    after = kq.scorecard(wh, 2025)
    assert uni_value(wh, 2025) == 52.0
    assert after.drop(columns="history").equals(before.drop(columns="history"))
    assert after["measure"].isna().all()
    assert kq.by_faculty(wh, KPI, 2025)["unit_scope"].tolist() == ["LAW", "MED"]
    assert not kq.unlink(wh, KPI, "aibek")  # nothing left to unlink


def test_unlinked_kpis_are_unchanged(wh):
    define(wh, "other")
    value(wh, 2024, 7.0, code="other")
    value(wh, 2024, 8.0, "ECON", code="other")
    before = (kq.history(wh, "other"), kq.by_faculty(wh, "other", 2024))
    kq.link(wh, KPI, MEASURE, "aibek")
    assert kq.history(wh, "other").equals(before[0])
    assert kq.by_faculty(wh, "other", 2024).equals(before[1])
    card = kq.scorecard(wh, 2024).set_index("code")
    assert pd.isna(card.loc["other", "measure"]) and card.loc["other", "value"] == 7.0


def test_status_against_the_target_uses_the_computed_value(wh):
    # Uploaded, 52 % against a target of 60 % is off track; the measure's 72 % is on track.
    assert kq.scorecard(wh, 2025).set_index("code").loc[KPI, "status"] == "off_track"
    assert kq.off_track(wh, 2025)["code"].tolist() == [KPI]
    kq.link(wh, KPI, MEASURE, "aibek")
    card = kq.scorecard(wh, 2025).set_index("code")
    assert card.loc[KPI, "value"] == pytest.approx(72.0)
    assert card.loc[KPI, "status"] == "on_track"
    assert kq.status_counts(wh, 2025)["on_track"] == 1
    assert kq.off_track(wh, 2025).empty
    # Against 74 %, 72 % is within the 5 % band: at risk, in every query.
    wh.execute("UPDATE kpi_targets SET target = 74 WHERE year = 2025")
    assert kq.scorecard(wh, 2025).set_index("code").loc[KPI, "status"] == "at_risk"
    assert kq.history(wh, KPI).set_index("year").loc[2025, "status"] == "at_risk"
    target(wh, 2025, 80, "MED")
    med = kq.by_faculty(wh, KPI, 2025).set_index("unit_scope").loc["MED"]
    assert (med["value"], med["status"]) == (pytest.approx(75.0), "off_track")


def test_a_link_whose_kpi_is_gone_is_listed_but_not_used(wh):
    kq.link(wh, KPI, MEASURE, "aibek")
    wh.execute("DELETE FROM kpi_definitions")
    wh.execute("DELETE FROM kpi_values")
    wh.execute("DELETE FROM kpi_targets")
    assert kq.years(wh) == [] and kq.scopes(wh, KPI) == []
    assert kq.links(wh)[["code", "measure", "defined"]].values.tolist() == [[KPI, MEASURE, False]]
    assert kq.unlink(wh, KPI, "aibek")  # a stale link can still be removed


def test_every_measure_can_be_linked_and_read(conn):
    for name, m in msq.MEASURES.items():
        define(conn, f"kpi_{name}", unit=m.unit)
        kq.link(conn, f"kpi_{name}", name, "aibek")
    assert kq.links(conn)["measure"].tolist() == sorted(msq.MEASURES)
    assert kq.scorecard(conn, 2025)["measure"].notna().all()
    assert kq.years(conn) == []  # no quality data: nothing computed, nothing invented


# --- link and unlink ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "measure", "error"),
    [
        (KPI, "no_such_measure", "unknown_measure"),
        ("no_such_kpi", MEASURE, "unknown_kpi"),
        (KPI, "staff_rating_mean", "unit_mismatch"),  # a score measure on a percent KPI
    ],
)
def test_an_unknown_measure_or_kpi_is_refused_and_nothing_is_written(wh, code, measure, error):
    version = db.data_version(wh)
    with pytest.raises(kq.LinkError) as refused:
        kq.link(wh, code, measure, "aibek")
    assert refused.value.code == error
    for lang in LANGUAGES:
        message = refused.value.message(lang)
        assert "kpis.error" not in message and (code in message or measure in message)
    assert wh.execute("SELECT count(*) FROM kpi_measures").fetchone() == (0,)
    assert wh.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
    assert db.data_version(wh) == version


def test_unlinking_an_unknown_kpi_is_refused(wh):
    with pytest.raises(kq.LinkError) as refused:
        kq.unlink(wh, "no_such_kpi", "aibek")
    assert refused.value.code == "unknown_kpi"
    assert not kq.unlink(wh, KPI, "aibek")  # defined but not linked: nothing to do


def test_link_and_unlink_write_an_audit_row_and_bump_the_data_version(wh):
    def audit() -> list[tuple]:
        return wh.execute(
            'SELECT "user", action, detail FROM audit_log ORDER BY "at", action'
        ).fetchall()

    version = db.data_version(wh)
    assert kq.link(wh, KPI, MEASURE, "aibek")
    assert db.data_version(wh) == version + 1
    assert audit() == [("aibek", "kpi_linked", f"{KPI} → {MEASURE}")]
    links = kq.links(wh)
    assert links[["code", "measure", "linked_by"]].values.tolist() == [[KPI, MEASURE, "aibek"]]
    assert links["linked_at"].notna().all()

    # The same link again changes nothing: no audit row, no new data version.
    assert not kq.link(wh, KPI, MEASURE, "bermet")
    assert db.data_version(wh) == version + 1 and len(audit()) == 1

    assert kq.link(wh, KPI, "international_staff_share", "bermet")
    assert audit()[-1] == (
        "bermet",
        "kpi_linked",
        f"{KPI} → international_staff_share (was {MEASURE})",
    )
    assert kq.unlink(wh, KPI, "bermet")
    assert audit()[-1] == ("bermet", "kpi_unlinked", f"{KPI} (was international_staff_share)")
    assert db.data_version(wh) == version + 3
    assert kq.links(wh).empty


def test_link_waits_for_the_write_lock(wh):
    """The link is written under the lock every writer of the process takes (db.transaction)."""
    done = threading.Event()
    cursor = wh.cursor()

    def link() -> None:
        kq.link(cursor, KPI, MEASURE, "aibek")
        done.set()

    with db._WRITE_LOCK:
        worker = threading.Thread(target=link)
        worker.start()
        assert not done.wait(0.3)
    worker.join(10)
    assert done.is_set()
    assert kq.links(wh)["code"].tolist() == [KPI]


def test_measure_choices_match_the_kpi_unit():
    assert MEASURE in kq.measure_choices("percent")
    assert "staff_rating_mean" not in kq.measure_choices("percent")
    assert kq.measure_choices("score") == [n for n, m in msq.MEASURES.items() if m.unit == "score"]
    assert kq.measure_choices("count") == [n for n, m in msq.MEASURES.items() if m.unit == "count"]
    assert "accredited_programs_share" in kq.measure_choices("percent")
    assert kq.measure_choices("som") == []


def test_every_measure_has_a_label_in_every_language():
    for lang in LANGUAGES:
        labels = {catalog(lang)[f"measure.{name}"] for name in msq.MEASURES}
        assert len(labels) == len(msq.MEASURES), lang


# --- CLI -----------------------------------------------------------------------------------------
def test_cli_link_links_and_unlink(wh, db_path):
    wh.close()  # the CLI is another process: it needs the file unlocked
    d = ("--db", str(db_path))
    out = cli("kpis", "links", *d)
    assert out.returncode == 0 and out.stdout.strip() == EN["kpis.cli.no_links"]

    out = cli("kpis", "link", KPI, MEASURE, *d)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == EN["kpis.cli.linked"].format(code=KPI, measure=MEASURE)
    out = cli("kpis", "link", KPI, MEASURE, *d)
    assert out.stdout.strip() == EN["kpis.cli.already_linked"].format(code=KPI, measure=MEASURE)
    out = cli("kpis", "links", *d)
    assert out.stdout.split("\t")[:2] == [KPI, MEASURE]

    out = cli("kpis", "link", KPI, "no_such_measure", *d)
    assert out.returncode == 1 and "no_such_measure" in out.stderr and "Traceback" not in out.stderr
    out = cli("kpis", "link", "no_such_kpi", MEASURE, *d, "--lang", "ru")
    assert out.returncode == 1 and "no_such_kpi" in out.stderr and "Отказано" in out.stderr

    out = cli("kpis", "unlink", KPI, *d)
    assert out.returncode == 0
    assert out.stdout.strip() == EN["kpis.cli.unlinked"].format(code=KPI)
    out = cli("kpis", "unlink", KPI, *d)
    assert out.stdout.strip() == EN["kpis.cli.not_linked"].format(code=KPI)

    conn = duckdb.connect(str(db_path))
    try:
        actions = conn.execute('SELECT action FROM audit_log ORDER BY "at"').fetchall()
        assert actions == [("kpi_linked",), ("kpi_unlinked",)]
        assert conn.execute("SELECT count(*) FROM kpi_measures").fetchone() == (0,)
    finally:
        conn.close()


def test_cli_refuses_an_unknown_measure_before_opening_the_warehouse(tmp_path):
    missing = tmp_path / "never.duckdb"
    out = cli("kpis", "link", KPI, "no_such_measure", "--db", str(missing))
    assert out.returncode == 1 and "no_such_measure" in out.stderr
    assert not missing.exists()
