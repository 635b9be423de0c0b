"""KPIs computed from academic quality measures: effective values, link/unlink, CLI, page."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sapat import auth, db
from sapat.charts.kpis import format_value
from sapat.i18n import LANGUAGES, catalog
from sapat.queries import kpis as k
from sapat.queries import measures
from tests.conftest import PASSWORD, app_test
from tests.test_cli import cli

EN = catalog("en")
UNI = "university"
KPI = "degree_share"  # a KPI whose code differs from the measure's name
MEASURE = "staff_degree_share"


def define(conn, code: str = KPI, unit: str = "percent", direction: str = "higher_is_better"):
    conn.execute(
        "INSERT INTO kpi_definitions VALUES (?, ?, ?, ?, ?, ?, 'strategy', 'Owner', NULL)",
        [code, f"ky {code}", f"ru {code}", f"en {code}", unit, direction],
    )


def value(conn, year: int, v: float, scope: str = UNI, code: str = KPI) -> None:
    conn.execute(
        "INSERT INTO kpi_values VALUES (?, ?, ?, ?, 'upload', NULL)", [code, year, scope, v]
    )


def target(conn, year: int, t: float, scope: str = UNI, code: str = KPI) -> None:
    conn.execute("INSERT INTO kpi_targets VALUES (?, ?, ?, ?, NULL)", [code, year, scope, t])


def staff(conn, year: int, faculty: str, headcount: int, with_degree: int) -> None:
    """One department of staff_composition: ``with_degree`` of ``headcount`` hold a degree."""
    conn.execute(
        "INSERT INTO staff_composition (year, faculty, department, headcount, fte, "
        "doctors_of_science, candidates_of_science, phd_holders) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [year, faculty, f"{faculty} dept", headcount, headcount * 0.9, 1, with_degree - 2, 1],
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
    frame = measures.values(conn, MEASURE, scope)
    return float(frame.set_index("year").loc[year, "value"])


def uni_value(conn, year: int, code: str = KPI) -> float | None:
    card = k.scorecard(conn, year).set_index("code")
    v = card.loc[code, "value"]
    return None if v != v else float(v)


# --- effective values ------------------------------------------------------------------------
def test_linked_value_equals_the_measure_for_the_university_and_a_faculty(wh):
    assert k.link(wh, KPI, MEASURE, "aibek")
    assert uni_value(wh, 2025) == measure_value(wh, 2025) == pytest.approx(100 * 108 / 150)
    med = k.scorecard(wh, 2025, "MED").set_index("code").loc[KPI, "value"]
    assert med == measure_value(wh, 2025, "MED") == pytest.approx(75.0)
    faculties = k.by_faculty(wh, KPI, 2025).set_index("unit_scope")["value"]
    assert faculties["ECON"] == measure_value(wh, 2025, "ECON")
    history = k.history(wh, KPI).set_index("year")["value"]
    assert history[2024] == measure_value(wh, 2024)
    card = k.scorecard(wh, 2025).set_index("code")
    assert card.loc[KPI, "measure"] == MEASURE
    assert card.loc[KPI, "previous_value"] == measure_value(wh, 2024)
    assert card.loc[KPI, "history"] == [50.0, measure_value(wh, 2024), measure_value(wh, 2025)]


def test_the_measure_wins_and_uploaded_values_fill_what_it_lacks(wh):
    k.link(wh, KPI, MEASURE, "aibek")
    # 2023: no staff data, so the uploaded value stays; 2024–2025: the measure's.
    history = k.history(wh, KPI).set_index("year")["value"].to_dict()
    assert history == {
        2023: 50.0,
        2024: measure_value(wh, 2024),
        2025: measure_value(wh, 2025),
    }
    # LAW has no staff data: its uploaded value stays beside the measured faculties.
    faculties = k.by_faculty(wh, KPI, 2025).set_index("unit_scope")["value"].to_dict()
    assert faculties == {
        "ECON": measure_value(wh, 2025, "ECON"),
        "LAW": 53.0,
        "MED": measure_value(wh, 2025, "MED"),
    }
    assert k.scopes(wh, KPI) == [UNI, "ECON", "LAW", "MED"]
    assert k.years(wh) == [2025, 2024, 2023]
    # The uploaded rows themselves are kept, untouched.
    assert wh.execute("SELECT count(*) FROM kpi_values").fetchone() == (9,)


def test_measure_years_without_upload_count_as_kpi_years(conn):
    define(conn)
    staff(conn, 2019, "MED", 10, 7)
    assert k.years(conn) == [] and k.latest_year(conn) is None
    k.link(conn, KPI, MEASURE, "aibek")
    assert k.years(conn) == [2019] and k.latest_year(conn) == 2019


def test_unlink_restores_the_uploaded_values(wh):
    before = k.scorecard(wh, 2025)
    k.link(wh, KPI, MEASURE, "aibek")
    assert uni_value(wh, 2025) != 52.0
    assert k.unlink(wh, KPI, "aibek")
    after = k.scorecard(wh, 2025)
    assert uni_value(wh, 2025) == 52.0
    assert after.drop(columns="history").equals(before.drop(columns="history"))
    assert after["measure"].isna().all()
    assert k.by_faculty(wh, KPI, 2025)["unit_scope"].tolist() == ["LAW", "MED"]
    assert not k.unlink(wh, KPI, "aibek")  # nothing left to unlink


def test_unlinked_kpis_are_unchanged(wh):
    define(wh, "other")
    value(wh, 2024, 7.0, code="other")
    value(wh, 2024, 8.0, "ECON", code="other")
    before = (k.history(wh, "other"), k.by_faculty(wh, "other", 2024))
    k.link(wh, KPI, MEASURE, "aibek")
    assert k.history(wh, "other").equals(before[0])
    assert k.by_faculty(wh, "other", 2024).equals(before[1])
    card = k.scorecard(wh, 2024).set_index("code")
    assert pd.isna(card.loc["other", "measure"]) and card.loc["other", "value"] == 7.0


def test_status_against_the_target_uses_the_computed_value(wh):
    # Uploaded, 52 % against a target of 60 % is off track; the measure's 72 % is on track.
    assert k.scorecard(wh, 2025).set_index("code").loc[KPI, "status"] == "off_track"
    assert k.off_track(wh, 2025)["code"].tolist() == [KPI]
    k.link(wh, KPI, MEASURE, "aibek")
    card = k.scorecard(wh, 2025).set_index("code")
    assert card.loc[KPI, "value"] == pytest.approx(72.0)
    assert card.loc[KPI, "status"] == "on_track"
    assert k.status_counts(wh, 2025)["on_track"] == 1
    assert k.off_track(wh, 2025).empty
    # Against 74 %, 72 % is within the 5 % band: at risk, in every query.
    wh.execute("UPDATE kpi_targets SET target = 74 WHERE year = 2025")
    assert k.scorecard(wh, 2025).set_index("code").loc[KPI, "status"] == "at_risk"
    assert k.history(wh, KPI).set_index("year").loc[2025, "status"] == "at_risk"
    wh.execute("INSERT INTO kpi_targets VALUES (?, 2025, 'MED', 80, NULL)", [KPI])
    med = k.by_faculty(wh, KPI, 2025).set_index("unit_scope").loc["MED"]
    assert (med["value"], med["status"]) == (pytest.approx(75.0), "off_track")


def test_a_link_whose_kpi_is_gone_is_listed_but_not_used(wh):
    k.link(wh, KPI, MEASURE, "aibek")
    wh.execute("DELETE FROM kpi_definitions")
    wh.execute("DELETE FROM kpi_values")
    wh.execute("DELETE FROM kpi_targets")
    assert k.years(wh) == [] and k.scopes(wh, KPI) == []
    assert k.links(wh)[["code", "measure", "defined"]].values.tolist() == [[KPI, MEASURE, False]]
    assert k.unlink(wh, KPI, "aibek")  # a stale link can still be removed


def test_every_measure_can_be_linked_and_read(conn):
    for name, m in measures.MEASURES.items():
        define(conn, f"kpi_{name}", unit=m.unit)
        k.link(conn, f"kpi_{name}", name, "aibek")
    assert k.links(conn)["measure"].tolist() == sorted(measures.MEASURES)
    assert k.scorecard(conn, 2025)["measure"].notna().all()
    assert k.years(conn) == []  # no quality data: nothing computed, nothing invented


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
    with pytest.raises(k.LinkError) as refused:
        k.link(wh, code, measure, "aibek")
    assert refused.value.code == error
    for lang in LANGUAGES:
        message = refused.value.message(lang)
        assert "kpis.error" not in message and (code in message or measure in message)
    assert wh.execute("SELECT count(*) FROM kpi_measures").fetchone() == (0,)
    assert wh.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
    assert db.data_version(wh) == version


def test_unlinking_an_unknown_kpi_is_refused(wh):
    with pytest.raises(k.LinkError) as refused:
        k.unlink(wh, "no_such_kpi", "aibek")
    assert refused.value.code == "unknown_kpi"
    assert not k.unlink(wh, KPI, "aibek")  # defined but not linked: nothing to do


def test_link_and_unlink_write_an_audit_row_and_bump_the_data_version(wh):
    def audit() -> list[tuple]:
        return wh.execute(
            'SELECT "user", action, detail FROM audit_log ORDER BY "at", action'
        ).fetchall()

    version = db.data_version(wh)
    assert k.link(wh, KPI, MEASURE, "aibek")
    assert db.data_version(wh) == version + 1
    assert audit() == [("aibek", "kpi_linked", f"{KPI} → {MEASURE}")]
    links = k.links(wh)
    assert links[["code", "measure", "linked_by"]].values.tolist() == [[KPI, MEASURE, "aibek"]]
    assert links["linked_at"].notna().all()

    # The same link again changes nothing: no audit row, no new data version.
    assert not k.link(wh, KPI, MEASURE, "bermet")
    assert db.data_version(wh) == version + 1 and len(audit()) == 1

    assert k.link(wh, KPI, "international_staff_share", "bermet")
    assert audit()[-1] == (
        "bermet",
        "kpi_linked",
        f"{KPI} → international_staff_share (was {MEASURE})",
    )
    assert k.unlink(wh, KPI, "bermet")
    assert audit()[-1] == ("bermet", "kpi_unlinked", f"{KPI} (was international_staff_share)")
    assert db.data_version(wh) == version + 3
    assert k.links(wh).empty


def test_link_waits_for_the_write_lock(wh):
    """The link is written under the lock every writer of the process takes (db.transaction)."""
    done = threading.Event()
    cursor = wh.cursor()

    def link() -> None:
        k.link(cursor, KPI, MEASURE, "aibek")
        done.set()

    with db._WRITE_LOCK:
        worker = threading.Thread(target=link)
        worker.start()
        assert not done.wait(0.3)
    worker.join(10)
    assert done.is_set()
    assert k.links(wh)["code"].tolist() == [KPI]


def test_measure_choices_match_the_kpi_unit():
    assert MEASURE in k.measure_choices("percent")
    assert "staff_rating_mean" not in k.measure_choices("percent")
    assert k.measure_choices("score") == [
        n for n, m in measures.MEASURES.items() if m.unit == "score"
    ]
    assert k.measure_choices("count") == []


def test_every_measure_has_a_label_in_every_language():
    for lang in LANGUAGES:
        labels = {catalog(lang)[f"measure.{name}"] for name in measures.MEASURES}
        assert len(labels) == len(measures.MEASURES), lang


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


# --- the KPI page --------------------------------------------------------------------------------
def page_warehouse(path: Path) -> None:
    """A warehouse with one uploaded percent KPI, staff data for its measure, and accounts."""
    conn = db.connect(path)
    try:
        define(conn)
        value(conn, 2025, 52.0)
        target(conn, 2025, 60.0)
        staff(conn, 2025, "MED", 100, 75)
        for name, roles in (
            ("kpieditor", ["editor:kpis"]),
            ("admin", ["admin"]),
            ("viewer", ["viewer"]),
            ("editor", ["editor:rankings", "editor:mobility"]),
        ):
            auth.add_user(conn, name, PASSWORD, roles)
    finally:
        conn.close()


def open_kpis(user: str):
    at = app_test(user)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/kpis.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown_value(at) -> str:
    table = at.dataframe[0].value
    return table[EN["col.value"]].iloc[0]


def test_an_editor_of_kpis_links_a_kpi_and_the_scorecard_shows_the_measure(db_path, env_db):
    page_warehouse(env_db(db_path))
    at = open_kpis("kpieditor")
    assert shown_value(at) == format_value(52.0, "percent", "en")
    control = at.selectbox(key=f"kpi_link_{KPI}")
    assert control.value == ""
    assert control.options[0] == EN["kpis.link_uploaded"]
    assert EN["measure.staff_rating_mean"] not in control.options  # not a percent
    control.set_value(MEASURE)
    at.button(key="kpi_link_save").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]

    label = EN[f"measure.{MEASURE}"]
    assert shown_value(at) == format_value(75.0, "percent", "en")
    assert EN["kpis.computed"].format(measure=label) in [c.value for c in at.caption]
    assert [s.value for s in at.success] == [
        EN["kpis.linked"].format(name=f"en {KPI}", measure=label)
    ]
    assert at.dataframe[0].value[EN["kpis.col_computed"]].tolist() == [True]

    # Back to the uploaded values.
    at.selectbox(key=f"kpi_link_{KPI}").set_value("")  # "" is "not computed"
    at.button(key="kpi_link_save").click()
    at.run()
    assert shown_value(at) == format_value(52.0, "percent", "en")
    assert not any(EN["kpis.computed"].split("{")[0] in c.value for c in at.caption)

    conn = duckdb.connect(str(db_path))
    try:
        rows = conn.execute("SELECT \"user\", action FROM audit_log WHERE action LIKE 'kpi%'")
        assert rows.fetchall() == [("kpieditor", "kpi_linked"), ("kpieditor", "kpi_unlinked")]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("user", "has_control"), [("viewer", False), ("editor", False), ("admin", True)]
)
def test_only_admins_and_kpi_editors_get_the_link_control(db_path, env_db, user, has_control):
    page_warehouse(env_db(db_path))
    at = open_kpis(user)
    keys = {s.key for s in at.selectbox}
    assert (f"kpi_link_{KPI}" in keys) is has_control
    assert any(b.key == "kpi_link_save" for b in at.button) is has_control


def test_a_viewer_sees_that_a_kpi_is_computed(db_path, env_db):
    page_warehouse(env_db(db_path))
    conn = db.connect(db_path)
    k.link(conn, KPI, MEASURE, "admin")
    conn.close()
    at = open_kpis("viewer")
    assert shown_value(at) == format_value(75.0, "percent", "en")
    label = EN[f"measure.{MEASURE}"]
    assert EN["kpis.computed"].format(measure=label) in [c.value for c in at.caption]
    assert not any(b.key == "kpi_link_save" for b in at.button)


def test_no_control_for_a_kpi_no_measure_can_compute(db_path, env_db):
    page_warehouse(env_db(db_path))
    conn = db.connect(db_path)
    conn.execute("UPDATE kpi_definitions SET unit = 'som'")
    conn.close()
    at = open_kpis("kpieditor")
    assert not any(b.key == "kpi_link_save" for b in at.button)
