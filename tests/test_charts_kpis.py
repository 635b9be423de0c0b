"""Strategy KPI charts: traces, status colours, units, languages, empty frames."""

from __future__ import annotations

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

from sapat.charts import kpis as charts
from sapat.i18n import LANGUAGES, catalog, translate
from sapat.queries import kpis as kq


def history_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2021, 2022, 2023, 2024],
            "value": [8.9, 8.4, 8.1, 7.9, None],
            "target": [9.0, 8.5, 7.5, 7.0, 6.5],
            "status": ["on_track", "on_track", "at_risk", "off_track", "no_value"],
        }
    )


def faculty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_scope": ["ECON", "LAW", "MED", "PED"],
            "value": [7.2, None, 9.0, 6.0],
            "target": [7.0, 7.0, 7.0, None],
            "status": ["at_risk", "no_value", "off_track", "no_target"],
        }
    )


def by_name(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {t.name: t for t in fig.data}


# --- colours and labels ------------------------------------------------------------------
def test_status_colours_cover_every_status():
    assert set(charts.STATUS_COLORS) == set(kq.STATUSES)
    assert charts.STATUS_COLORS["on_track"] == "#2E8B57"
    assert charts.STATUS_COLORS["off_track"] == "#C0392B"
    assert len({charts.STATUS_COLORS[s] for s in ("on_track", "at_risk", "off_track")}) == 3
    assert charts.status_color("weird") == charts.status_color(None) == charts.UNKNOWN_COLOR


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_status_and_direction_is_translated(lang):
    texts = catalog(lang)
    for status in kq.STATUSES:
        assert f"kpis.status.{status}" in texts
        assert charts.status_label(status, lang) == texts[f"kpis.status.{status}"]
    for direction in kq.DIRECTIONS:
        assert charts.direction_label(direction, lang) == texts[f"kpis.direction.{direction}"]
    assert charts.status_label(None, lang) == "—"
    assert charts.direction_label("sideways", lang) == ""


def test_kyrgyz_and_russian_labels_are_cyrillic_and_differ():
    for status in kq.STATUSES:
        assert len({charts.status_label(status, lang) for lang in LANGUAGES}) == 3
        for lang in ("ky", "ru"):
            label = charts.status_label(status, lang)
            assert all(not ("a" <= ch.lower() <= "z") for ch in label), label


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (81.0, "percent", "en", "81.0%"),
        (6.55, "percent", "ru", "6,6\xa0%"),
        (34560.0, "count", "ky", "34\u202f560"),
        (34560.0, "count", "en", "34,560"),
        (316.0, "rank", "ky", "316"),
        (24.237, "ratio", "en", "24.24"),
        (3.95, "score", "en", "3.95"),
        (42.3e6, "som", "en", "42,300,000 som"),
        (42.3e6, "som", "ru", "42\u202f300\u202f000 сом"),
        (1185000.0, "usd", "en", "$1,185,000"),
        (None, "percent", "en", "—"),
        (float("nan"), "count", "en", "—"),
    ],
)
def test_format_value(value, unit, lang, expected):
    assert charts.format_value(value, unit, lang) == expected


# --- kpi_history -------------------------------------------------------------------------
def test_history_traces_and_status_colours():
    fig = charts.kpi_history(history_frame(), "en", "Dropout rate", "percent", "lower_is_better")
    traces = by_name(fig)
    values, targets = traces["Value"], traces["Target"]
    # the year without a value is not drawn as a value; its target is
    assert list(values.x) == [2020, 2021, 2022, 2023]
    assert list(values.y) == [8.9, 8.4, 8.1, 7.9]
    assert list(values.marker.color) == [
        charts.STATUS_COLORS["on_track"],
        charts.STATUS_COLORS["on_track"],
        charts.STATUS_COLORS["at_risk"],
        charts.STATUS_COLORS["off_track"],
    ]
    assert values.mode == "lines+markers"
    assert targets.line.dash == "dash"
    assert list(targets.x) == [2020, 2021, 2022, 2023, 2024]
    # a legend entry per status present among the values
    assert {"On track", "At risk", "Off track"} <= set(traces)
    assert "No value" not in traces
    assert fig.layout.title.text == "Dropout rate"
    notes = [a.text for a in fig.layout.annotations]
    assert translate("kpis.direction.lower_is_better", "en") in notes
    # percent data are 0–100: a '%' suffix, not a d3 percent format (which would × 100)
    assert fig.layout.yaxis.ticksuffix == "%"
    assert "%" not in (fig.layout.yaxis.tickformat or "")
    assert "%{y:.1f}%" in values.hovertemplate


@pytest.mark.parametrize("lang", LANGUAGES)
def test_history_language(lang):
    fig = charts.kpi_history(history_frame(), lang, "name", "percent", "higher_is_better")
    names = {t.name for t in fig.data}
    assert translate("kpis.value", lang) in names
    assert translate("kpis.target", lang) in names
    assert translate("kpis.status.at_risk", lang) in names
    assert fig.layout.xaxis.title.text == translate("col.year", lang)
    assert translate("kpis.direction.higher_is_better", lang) in [
        a.text for a in fig.layout.annotations
    ]
    values = by_name(fig)[translate("kpis.value", lang)]
    assert values.customdata[0] == translate("kpis.status.on_track", lang)


def test_history_rank_axis_is_reversed_and_money_is_abbreviated():
    frame = pd.DataFrame(
        {"year": [2025, 2026], "value": [338.0, 316.0], "target": [350.0, 300.0]}
    )  # no status column: markers fall back to grey
    fig = charts.kpi_history(frame, "en", "QS Asia", "rank", "lower_is_better")
    assert fig.layout.yaxis.autorange == "reversed"
    assert set(by_name(fig)["Value"].marker.color) == {charts.UNKNOWN_COLOR}
    money = charts.kpi_history(frame, "en", "Grants", "usd", "higher_is_better")
    assert money.layout.yaxis.tickprefix == "$" and money.layout.yaxis.autorange is None


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(columns=["year", "value", "target", "status"]),
        pd.DataFrame(),
        pd.DataFrame({"year": [2024], "value": [None], "target": [None], "status": [None]}),
    ],
)
def test_history_empty_frames(frame):
    fig = charts.kpi_history(frame, "ky", "x", None, None)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert translate("kpis.no_data", "ky") in [a.text for a in fig.layout.annotations]
    fig.to_dict()  # serialisable


# --- faculty_bars ------------------------------------------------------------------------
def test_faculty_bars_values_targets_and_colours():
    fig = charts.faculty_bars(faculty_frame(), "en", "percent", year=2025)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 1
    bar = bars[0]
    assert list(bar.x) == ["ECON", "LAW", "MED", "PED"]
    assert list(bar.y) == [7.2, None, 9.0, 6.0]
    assert list(bar.marker.color) == [
        charts.STATUS_COLORS["at_risk"],
        charts.STATUS_COLORS["no_value"],
        charts.STATUS_COLORS["off_track"],
        charts.STATUS_COLORS["no_target"],
    ]
    assert list(bar.text) == ["7.2%", "", "9.0%", "6.0%"]
    target = by_name(fig)["Target"]
    assert target.mode == "markers" and list(target.y) == [7.0, 7.0, 7.0, None]
    assert fig.layout.title.text == "By faculty, 2025"
    assert fig.layout.yaxis.ticksuffix == "%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_faculty_bars_language(lang):
    fig = charts.faculty_bars(faculty_frame(), lang, "count")
    assert fig.layout.title.text == translate("kpis.faculty_title", lang)
    assert fig.layout.xaxis.title.text == translate("col.faculty", lang)
    assert translate("kpis.status.off_track", lang) in {t.name for t in fig.data}


def test_faculty_bars_without_targets_and_empty():
    frame = faculty_frame().assign(target=None)
    fig = charts.faculty_bars(frame, "ru", "count")
    assert "Target" not in by_name(fig) and translate("kpis.target", "ru") not in by_name(fig)
    for empty in (
        pd.DataFrame(columns=["unit_scope", "value", "target", "status"]),
        pd.DataFrame(),
    ):
        fig = charts.faculty_bars(empty, "en", "percent")
        assert len(fig.data) == 0
        assert "No data" in [a.text for a in fig.layout.annotations]


# --- status_donut ------------------------------------------------------------------------
def test_status_donut_slices_colours_and_total():
    counts = {"on_track": 9, "at_risk": 2, "off_track": 3, "no_target": 0, "no_value": 6}
    fig = charts.status_donut(counts, "en")
    (pie,) = fig.data
    assert list(pie.labels) == ["On track", "At risk", "Off track", "No value"]
    assert list(pie.values) == [9, 2, 3, 6]
    assert list(pie.marker.colors) == [
        charts.STATUS_COLORS[s] for s in ("on_track", "at_risk", "off_track", "no_value")
    ]
    assert pie.hole and pie.sort is False
    assert "20 KPIs" in [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_donut_language(lang):
    fig = charts.status_donut({"off_track": 1}, lang)
    assert fig.layout.title.text == translate("kpis.donut_title", lang)
    assert list(fig.data[0].labels) == [translate("kpis.status.off_track", lang)]


@pytest.mark.parametrize("counts", [{}, dict.fromkeys(kq.STATUSES, 0)])
def test_status_donut_empty(counts):
    fig = charts.status_donut(counts, "en")
    assert len(fig.data) == 0
    assert "No data" in [a.text for a in fig.layout.annotations]


# --- on the demo warehouse ----------------------------------------------------------------
def test_charts_on_demo_data(demo_db):
    conn = duckdb.connect(str(demo_db))
    try:
        year = kq.open_year(conn)  # a snapshot measure may begin a mostly empty new year
        card = kq.scorecard(conn, year)
        for lang in LANGUAGES:
            for _, row in card.iterrows():
                frame = kq.history(conn, row["code"])
                fig = charts.kpi_history(
                    frame, lang, row[f"name_{lang}"], row["unit"], row["direction"]
                )
                assert fig.data, row["code"]
            # A KPI split by faculty the year before too (the accredited share is split in
            # the year it is read only).
            split = next(
                c
                for c in card["code"]
                if len(kq.scopes(conn, c)) > 1 and len(kq.by_faculty(conn, c, year - 1)) > 1
            )
            unit = card.set_index("code").loc[split, "unit"]
            fig = charts.faculty_bars(kq.by_faculty(conn, split, year - 1), lang, unit)
            assert len(fig.data[0].x) > 1
            donut = charts.status_donut(kq.status_counts(conn, year), lang)
            assert sum(donut.data[0].values) == len(card)
    finally:
        conn.close()


# --- the faculty × KPI matrix ----------------------------------------------------------------
def matrix_frame() -> pd.DataFrame:
    rows = [
        ("share", "percent", "Мед.", 81.04, "on_track"),
        ("share", "percent", "Юр.", 70.0, "off_track"),
        ("count", "count", "Мед.", 34560.0, "at_risk"),
        ("count", "count", "Юр.", None, "no_value"),
    ]
    return pd.DataFrame(
        [
            {
                "code": code,
                "name_ky": f"ky {code}",
                "name_ru": f"ru {code}",
                "name_en": f"en {code}",
                "unit": unit,
                "unit_scope": faculty,
                "value": value,
                "status": status,
            }
            for code, unit, faculty, value, status in rows
        ]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_faculty_matrix_writes_values_in_the_language_and_tints_by_status(lang):
    styler = charts.faculty_matrix(matrix_frame(), lang)
    shown = styler.data
    kpi = translate("ui.col_kpi_name", lang)
    assert list(shown.columns) == [kpi, "Мед.", "Юр."]
    assert shown[kpi].tolist() == [f"{lang} share", f"{lang} count"]
    assert shown.loc[0, "Мед."] == charts.format_value(81.04, "percent", lang)
    assert shown.loc[1, "Мед."] == charts.format_value(34560.0, "count", lang)
    assert shown.loc[1, "Юр."] == "—"  # no value: a dash, never None or nan
    html = styler.to_html()
    for status in ("on_track", "off_track", "at_risk", "no_value"):
        assert f"background-color: {charts.STATUS_COLORS[status]}33" in html
    assert not shown.isna().any().any()
    assert ">nan<" not in html and ">None<" not in html


def test_faculty_matrix_of_nothing_is_an_empty_table():
    assert charts.faculty_matrix(matrix_frame().iloc[0:0], "ky").data.shape[0] == 0


@pytest.mark.parametrize(
    ("value", "unit", "lang", "shown"),
    [
        (690.0, "count", "en", "+690"),  # a count's change is whole
        (-35.0, "count", "ky", "\u2212\u206035"),
        (-7.63, "percent", "ru", "\u2212\u20607,6"),  # percentage points, one decimal
        (0.3, "ratio", "en", "+0.30"),
        (None, "count", "en", "—"),
    ],
)
def test_a_kpi_change_is_written_in_its_units_precision(value, unit, lang, shown):
    assert charts.format_change(value, unit, lang) == shown
