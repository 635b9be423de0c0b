"""AppTest of the KPI page: the scorecard, the drill-down, the empty state, the measure link."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from sapat import auth, db
from sapat.charts.kpis import STATUS_COLORS, format_value
from sapat.faculties import faculty_names
from sapat.i18n import catalog
from sapat.queries import kpis as kq
from tests.app_kit import metric_values, open_page, untranslated
from tests.conftest import PASSWORD
from tests.factories import insert

EN = catalog("en")
KPI = "degree_share"  # a KPI whose code differs from the measure's name
MEASURE = "staff_degree_share"


def test_kpi_scorecard_matches_the_warehouse(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/kpis.py")
    year = at.selectbox(key="kpi_year").value
    conn = duckdb.connect(str(demo_db))
    card = kq.scorecard(conn, year)
    counts = kq.status_counts(conn, year)
    conn.close()
    table = at.dataframe[0].value
    assert table[EN["ui.col_kpi_name"]].tolist() == card["name_en"].tolist()
    assert table[EN["ui.col_kpi_status"]].tolist() == [
        EN[f"kpis.status.{s}"] for s in card["status"]
    ]
    shown = metric_values(at)
    assert shown[EN["kpis.status.off_track"]] == str(counts["off_track"])
    assert not untranslated(at)


def test_kpi_drill_down_follows_the_choice(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/kpis.py", "ru")
    conn = duckdb.connect(str(demo_db))
    codes = kq.scorecard(conn, at.selectbox(key="kpi_year").value)["code"].tolist()
    conn.close()
    assert at.selectbox(key="kpi_code").value == codes[0]
    at.selectbox(key="kpi_code").set_value(codes[-1]).run()
    assert not at.exception
    assert at.selectbox(key="kpi_code").value == codes[-1]


def test_kpi_page_on_an_empty_warehouse(db_path, env_db):
    env_db(db_path)
    at = open_page("pages/kpis.py", "ky")
    assert any(catalog("ky")["ui.kpis_empty"] in i.value for i in at.info)


# --- a KPI computed from a measure -------------------------------------------------------------
def page_warehouse(path: Path) -> None:
    """A warehouse with one uploaded percent KPI, staff data for its measure, and accounts."""
    conn = db.connect(path)
    try:
        names = {f"name_{lang}": f"{lang} {KPI}" for lang in ("ky", "ru", "en")}
        insert(conn, "kpi_definitions", code=KPI, unit="percent", **names)
        insert(conn, "kpi_values", code=KPI, year=2025, value=52.0)
        insert(conn, "kpi_targets", code=KPI, year=2025, target=60.0)
        staff = {"year": 2025, "faculty": "MED", "headcount": 100}
        insert(conn, "staff_composition", **staff, candidates_of_science=75)  # 75 % hold a degree
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
    return open_page("pages/kpis.py", user=user)


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
    kq.link(conn, KPI, MEASURE, "admin")
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


# --- KPIs by faculty ---------------------------------------------------------------------------
def cell_colors(grid) -> dict[tuple[int, int], str]:
    """The background colour of each styled cell of a Styler-drawn grid, by (row, column)."""
    colors = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", grid.proto.arrow_data.styler.styles):
        color = re.search(r"background-color:\s*(#[0-9A-Fa-f]{6})", body)
        for row, col in re.findall(r"row(\d+)_col(\d+)", selectors):
            if color:
                colors[(int(row), int(col))] = color.group(1).upper()
    return colors


def test_kpis_by_faculty_in_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    ky = catalog("ky")
    at = open_page("pages/kpis.py", "ky")
    year = at.selectbox(key="kpi_year").value
    conn = duckdb.connect(str(demo_db))
    matrix = kq.faculty_scorecard(conn, year, dt.date.today())
    names = faculty_names(conn, "ky")
    conn.close()
    assert ky["scorecard.title"].format(year=year) in [s.value for s in at.subheader]
    grid = at.dataframe[1]
    shown = grid.value
    codes = list(dict.fromkeys(matrix["code"]))
    faculties = list(dict.fromkeys(matrix["unit_scope"]))
    kpi = ky["ui.col_kpi_name"]
    assert list(shown.columns) == [kpi, *[names.label(f, short=True) for f in faculties]]
    assert not set(shown.columns) & set(faculties)  # faculties by name, never by code
    assert shown[kpi].tolist() == matrix.drop_duplicates("code")["name_ky"].tolist()
    colors = cell_colors(grid)
    for cell in matrix.itertuples():
        row, col = codes.index(cell.code), 1 + faculties.index(cell.unit_scope)
        assert shown.iloc[row, col] == format_value(cell.value, cell.unit, "ky")
        if faculties.index(cell.unit_scope) < 2:  # two faculties' colours, cell by cell
            assert colors[(row, col)] == STATUS_COLORS[cell.status].upper()
    assert not shown.isna().any().any()
    assert not shown.isin(["None", "nan", "NaT", "<NA>"]).any().any()
    assert not untranslated(at)


def test_kpis_by_faculty_without_faculty_values(db_path, env_db):
    page_warehouse(env_db(db_path))  # university values only
    at = open_page("pages/kpis.py", "ky")
    assert catalog("ky")["scorecard.empty"].format(year=2025) in [i.value for i in at.info]
    assert len(at.dataframe) == 1  # the scorecard, no matrix
