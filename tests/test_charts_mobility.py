"""Mobility charts: traces, labels in the chosen language, the map's inset, empty frames."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from sapat.charts import mobility as ch
from sapat.countries import country_name
from sapat.i18n import LANGUAGES, code_label, translate


def _trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "academic_year": ["2023-2024", "2023-2024", "2024-2025", "2024-2025"],
            "direction": ["incoming", "outgoing", "incoming", "outgoing"],
            "participants": [5, 12, 7, 15],
        }
    )


def _countries(*names: str) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame(
        {
            "partner_country": list(names),
            "participants": list(range(n * 10, 0, -10)),
            "outgoing": list(range(n * 6, 0, -6)),
            "incoming": list(range(n * 4, 0, -4)),
        }
    )


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trend_chart_has_one_trace_per_direction_named_in_the_language(lang):
    fig = ch.trend_chart(_trend(), lang)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.name for t in fig.data] == [
        code_label("outgoing", lang),
        code_label("incoming", lang),
    ]
    assert list(fig.data[0].y) == [12, 15] and list(fig.data[1].y) == [5, 7]
    assert fig.layout.title.text == translate("mobility.chart.trend", lang)
    assert fig.layout.yaxis.title.text == translate("ui.participants", lang)


def test_trend_chart_names_differ_by_language():
    names = {ch.trend_chart(_trend(), lang).data[0].name for lang in LANGUAGES}
    assert len(names) == 3


def test_country_map_uses_iso_codes_and_a_zoomed_central_asia():
    fig = ch.country_map(_countries("Turkey", "Kazakhstan", "Germany"), "ru")
    main = [t for t in fig.data if t.geo == "geo"]
    inset = [t for t in fig.data if t.geo == "geo2"]
    assert len(main) == 1 and len(inset) == 1
    assert all(t.type == "choropleth" and t.coloraxis == "coloraxis" for t in fig.data)
    assert main[0].locationmode == "ISO-3"
    assert list(main[0].locations) == ["TUR", "KAZ", "DEU"]
    assert list(main[0].z) == [30, 20, 10]
    assert [row[0] for row in main[0].customdata] == ["Турция", "Казахстан", "Германия"]
    assert fig.layout.geo.fitbounds == "locations"
    # Side by side, each in its own domain: the zoomed map never covers the main one.
    assert fig.layout.geo.domain.x[1] < fig.layout.geo2.domain.x[0]
    lon, lat = fig.layout.geo2.lonaxis.range, fig.layout.geo2.lataxis.range
    assert lon[0] < 70 < lon[1] and lat[0] < 42 < lat[1]  # Kyrgyzstan is in the zoomed map
    assert translate("mobility.chart.central_asia", "ru") in _annotations(fig)
    assert fig.layout.title.text == translate("mobility.chart.map", "ru")


def test_country_map_without_central_asia_has_no_zoomed_map():
    fig = ch.country_map(_countries("Germany", "Poland"), "en")
    assert {t.geo for t in fig.data} == {"geo"}
    assert "geo2" not in fig.to_plotly_json()["layout"]
    assert tuple(fig.layout.geo.domain.x) == (0.0, 1.0)


def test_country_map_passes_unknown_names_to_plotly_name_matching():
    fig = ch.country_map(_countries("Kyrgyzstan", "Vietnam"), "ky")
    main = [t for t in fig.data if t.geo == "geo"]
    modes = {t.locationmode: list(t.locations) for t in main}
    assert modes == {"ISO-3": ["KGZ"], "country names": ["Vietnam"]}
    labels = [row[0] for t in main for row in t.customdata]
    # A country the map cannot code is still named in the reader's language.
    assert labels == ["Кыргызстан", "Вьетнам"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogued_country_has_a_name_in_each_language(lang):
    """Babel's territory names, as pages, exports and the deck write them: Cyrillic in the
    Kyrgyz and Russian interface."""
    for name in ch.ISO3:
        label = ch.country_label(name, lang)
        assert label and label == country_name(name, lang)
        assert bool(re.search("[а-яА-ЯөүңӨҮҢ]", label)) == (lang != "en"), label


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dimension_bar_translates_codes_and_not_stated(lang):
    frame = pd.DataFrame({"value": ["erasmus_plus", "mevlana", None], "participants": [10, 4, 1]})
    fig = ch.dimension_bar(frame, lang, "program")
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == [
        code_label("erasmus_plus", lang),
        code_label("mevlana", lang),
        translate("mobility.not_stated", lang),
    ]
    assert list(bar.x) == [10, 4, 1]
    assert fig.layout.title.text == translate("mobility.chart.by.program", lang)


def test_dimension_bar_shows_faculty_codes_as_stored():
    fig = ch.dimension_bar(
        pd.DataFrame({"value": ["ECON", "LAW"], "participants": [3, 2]}), "ky", "faculty"
    )
    assert list(fig.data[0].y) == ["ECON", "LAW"]


def test_recognition_bar_rates_and_labels():
    frame = pd.DataFrame(
        {
            "group": ["mevlana", "erasmus_plus", "daad"],
            "credits_earned": [10.0, 20.0, 0.0],
            "credits_recognized": [5.0, 20.0, 0.0],
            "rate": [0.5, 1.0, None],
        }
    )
    fig = ch.recognition_bar(frame, "ru")
    (bar,) = fig.data
    assert list(bar.x) == [0.5, 1.0]  # no rate, no bar
    assert list(bar.y) == [code_label("mevlana", "ru"), code_label("erasmus_plus", "ru")]
    assert list(bar.text) == ["50\xa0%", "100\xa0%"]  # as Russian writes a percentage
    assert "10" in bar.customdata[0] and "5" in bar.customdata[0]
    assert fig.layout.xaxis.tickformat == ".0%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recognition_bars_side_by_side_have_their_own_titles(lang):
    frame = pd.DataFrame(
        {"group": ["MATH"], "credits_earned": [10.0], "credits_recognized": [5.0], "rate": [0.5]}
    )
    titles = [
        ch.recognition_bar(frame, lang, by).layout.title.text.replace("<br>", " ")
        for by in ("faculty", "program")
    ]
    assert titles == [
        translate("mobility.chart.recognition_faculty", lang),
        translate("mobility.chart.recognition_program", lang),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ratios_chart_two_lines(lang):
    frame = pd.DataFrame(
        {
            "academic_year": ["2023-2024", "2024-2025"],
            "kpi_year": [2023, 2024],
            "students_total": [10000.0, 11000.0],
            "inbound_students": [20, 30],
            "outbound_students": [40, 44],
            "inbound_ratio": [0.002, 30 / 11000],
            "outbound_ratio": [0.004, 0.004],
        }
    )
    fig = ch.ratios_chart(frame, lang)
    assert [t.name for t in fig.data] == [
        translate("mobility.ratio.inbound", lang),
        translate("mobility.ratio.outbound", lang),
    ]
    assert list(fig.data[0].y) == [0.002, 30 / 11000]
    assert fig.layout.yaxis.tickformat == ".1%"


@pytest.mark.parametrize(
    ("build", "columns"),
    [
        (ch.trend_chart, ["academic_year", "direction", "participants"]),
        (ch.country_map, ["partner_country", "participants", "outgoing", "incoming"]),
        (lambda df, lang: ch.dimension_bar(df, lang, "purpose"), ["value", "participants"]),
        (ch.recognition_bar, ["group", "credits_earned", "credits_recognized", "rate"]),
        (
            ch.ratios_chart,
            [
                "academic_year",
                "kpi_year",
                "students_total",
                "inbound_students",
                "outbound_students",
                "inbound_ratio",
                "outbound_ratio",
            ],
        ),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_empty_frames_give_a_figure_that_says_so(build, columns, lang):
    fig = build(_empty_frame(columns), lang)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert translate("ui.chart_empty", lang) in _annotations(fig)
    fig.to_json()


def test_figures_serialise():
    for fig in (
        ch.trend_chart(_trend(), "en"),
        ch.country_map(_countries("Kyrgyzstan", "Turkey", "Atlantis"), "en"),
        ch.dimension_bar(
            pd.DataFrame({"value": ["short"], "participants": [1]}), "en", "duration_type"
        ),
    ):
        assert fig.to_json()
