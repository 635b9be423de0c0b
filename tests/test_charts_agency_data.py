"""Charts of the agency data: ratio lines, jump bars coloured by flag, labels by language."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from sapat.charts import agency_data as charts
from sapat.i18n import LANGUAGES, translate
from sapat.queries.agency_data import PERCENT_RATIOS, RATIO_COLUMNS


def ratios_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"year": [2023, 2024, 2025]})
    for i, column in enumerate(RATIO_COLUMNS):
        frame[column] = [0.01 * (i + 1), 0.02 * (i + 1), float("nan")]
    return frame


def jumps_frame(threshold: float = 0.25) -> pd.DataFrame:
    rows = [
        ("students_total", 1000.0, 1300.0, 0.30, True, "jump"),
        ("international_students", 100.0, 110.0, 0.10, False, "ok"),
        ("academic_staff_fte", 100.0, 60.0, -0.40, True, "jump"),
        ("citations_scopus", 50.0, None, None, False, "missing_current"),
        ("inbound_exchange_students", 0.0, 5.0, None, False, "zero_previous"),
        ("publications_scopus", 100.0, 125.0, 0.25, False, "ok"),
    ]
    return pd.DataFrame(
        [
            {
                "code": code,
                "name_ky": f"ky-{code}",
                "name_ru": f"ru-{code}",
                "name_en": f"en-{code}",
                "year": 2024,
                "previous_year": 2023,
                "value": value,
                "previous_value": previous,
                "change": change,
                "flagged": flagged,
                "status": status,
                "threshold": threshold,
            }
            for code, previous, value, change, flagged, status in rows
        ]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ratios_trend_one_line_per_share(lang):
    fig = charts.ratios_trend(ratios_frame(), lang)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == len(PERCENT_RATIOS)
    names = [trace.name for trace in fig.data]
    assert names == [translate(f"agency.ratio.{c}", lang) for c in PERCENT_RATIOS]
    assert all(not name.startswith("agency.") for name in names)
    assert "%" in fig.layout.yaxis.tickformat
    assert fig.layout.title.text == translate("agency.ratios_title", lang)
    first = fig.data[0]
    assert list(first.x) == [2023, 2024, 2025]
    assert first.y[0] == pytest.approx(0.01)


def test_ratio_names_differ_by_language():
    names = {charts.ratios_trend(ratios_frame(), lang).data[0].name for lang in LANGUAGES}
    assert len(names) == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_jumps_bar_names_in_the_chosen_language(lang):
    fig = charts.jumps_bar(jumps_frame(), lang)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 1
    assert bars[0].orientation == "h"
    assert list(bars[0].y) == [f"{lang}-{code}" for code in jumps_frame()["code"]]
    assert fig.layout.xaxis.title.text == translate("agency.change_axis", lang)
    assert "2024" in fig.layout.title.text and "2023" in fig.layout.title.text


def test_red_bars_exactly_for_flagged_rows():
    frame = jumps_frame()
    fig = charts.jumps_bar(frame, "en")
    colors = list(fig.data[0].marker.color)
    assert len(colors) == len(frame)
    for color, flagged in zip(colors, frame["flagged"], strict=True):
        assert (color == charts.FLAGGED_COLOR) == bool(flagged)
    assert colors.count(charts.FLAGGED_COLOR) == int(frame["flagged"].sum()) == 2


def test_dashed_lines_at_plus_minus_threshold():
    fig = charts.jumps_bar(jumps_frame(threshold=0.3), "ru")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted(s.x0 for s in lines) == pytest.approx([-0.3, 0.3])
    assert all(s.line.dash == "dash" for s in lines)
    # An explicit threshold wins over the frame's column.
    fig = charts.jumps_bar(jumps_frame(threshold=0.3), "ru", threshold=0.1)
    assert sorted(s.x0 for s in fig.layout.shapes) == pytest.approx([-0.1, 0.1])


def test_uncomputable_changes_show_their_status():
    fig = charts.jumps_bar(jumps_frame(), "ky")
    bar = fig.data[0]
    assert bar.x[3] == 0 and bar.x[4] == 0
    assert bar.marker.color[3] == bar.marker.color[4] == charts.THRESHOLD_COLOR
    assert bar.text[3] == translate("agency.status.missing_current", "ky")
    assert bar.text[4] == translate("agency.status.zero_previous", "ky")
    # Kyrgyz writes a decimal comma and the minus sign (U+2212), never a hyphen.
    assert bar.text[0] == "+30,0%"
    assert bar.text[2] == "\u2212\u206040,0%"


def test_missing_name_falls_back_to_the_code():
    frame = jumps_frame()
    frame.loc[1, "name_en"] = None
    fig = charts.jumps_bar(frame, "en")
    assert fig.data[0].y[1] == "international_students"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_empty_frames_give_figures(lang):
    empty_jumps = jumps_frame().iloc[0:0]
    fig = charts.jumps_bar(empty_jumps, lang)
    assert isinstance(fig, go.Figure)
    assert fig.data[0].y is None or len(fig.data[0].y) == 0
    assert fig.layout.title.text == translate("agency.jumps_title_plain", lang)
    assert sorted(s.x0 for s in fig.layout.shapes) == pytest.approx([-0.25, 0.25])
    fig = charts.ratios_trend(ratios_frame().iloc[0:0], lang)
    assert isinstance(fig, go.Figure)
    assert all(t.x is None or len(t.x) == 0 for t in fig.data)
    # Entirely bare frames (no columns) do not raise either.
    charts.jumps_bar(pd.DataFrame(), lang)
    charts.ratios_trend(pd.DataFrame(), lang)


def test_long_names_wrap_at_word_boundaries():
    frame = jumps_frame()
    frame.loc[0, "name_en"] = "Academic staff with a doctorate, full-time equivalent"
    label = charts.jumps_bar(frame, "en").data[0].y[0]
    assert "<br>" in label
    assert label.replace("<br>", " ") == frame.loc[0, "name_en"]


def test_figures_serialise():
    for fig in (
        charts.ratios_trend(ratios_frame(), "en"),
        charts.jumps_bar(jumps_frame(), "en"),
    ):
        data = fig.to_plotly_json()
        assert data["data"]
        assert not any(
            isinstance(v, float) and math.isinf(v) for t in data["data"] for v in (t.get("y") or ())
        )
