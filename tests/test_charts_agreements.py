"""Charts of the agreements page: traces, labels in the user's language, empty frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from sapat.charts import agreements as ch
from sapat.i18n import LANGUAGES, code_label, translate
from sapat.queries.agreements import VALIDITY

TYPES = pd.DataFrame(
    {
        "agreement_type": ["erasmus_iia", "erasmus_iia", "memorandum", "memorandum", "exchange"],
        "status": ["active", "expired", "active", "draft", "active"],
        "agreements": [15, 2, 14, 1, 3],
    }
)
COUNTRIES = pd.DataFrame(
    {
        "partner_country": ["Kazakhstan", "Turkey", "Uzbekistan", "South Korea"],
        "agreements": [7, 8, 5, 3],
        "active": [7, 7, 5, 2],
    }
)


def _use(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["agreement_id", "partner_institution", "academic_year", "mobilities"]
    )


USE = _use(
    [
        ("AGR-1", "Busy University", "2023-2024", 10),
        ("AGR-1", "Busy University", "2024-2025", 12),
        ("AGR-2", "Quiet University", "2024-2025", 1),
        ("AGR-3", "Middle University", "2023-2024", 4),
        ("AGR-3", "Middle University", "2025-2026", 3),
    ]
)


def _expiring(days: list[int]) -> pd.DataFrame:
    today = dt.date(2026, 11, 21)
    return pd.DataFrame(
        {
            "agreement_id": [f"AGR-{i}" for i in range(len(days))],
            "partner_institution": [f"Partner {i}" for i in range(len(days))],
            "valid_until": [pd.Timestamp(today + dt.timedelta(days=d)) for d in days],
            "days_left": pd.array(days, dtype="Int64"),
            "validity": "expiring",
        }
    )


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_validity_labels_exist_in_every_language(lang):
    labels = [ch.validity_label(v, lang) for v in VALIDITY]
    assert len(set(labels)) == len(VALIDITY)
    assert not any(label.startswith("agreements.") for label in labels)


def test_type_status_bar_stacks_statuses_by_type():
    fig = ch.type_status_bar(TYPES, "ru")
    assert fig.layout.barmode == "stack"
    names = [t.name for t in fig.data]
    assert names == [code_label(s, "ru") for s in ("active", "draft", "expired")]
    assert all(t.type == "bar" and t.orientation == "h" for t in fig.data)
    # Largest type on top (plotly draws the last category at the top).
    assert list(fig.data[0].y) == [
        code_label(t, "ru") for t in ("exchange", "memorandum", "erasmus_iia")
    ]
    active = fig.data[0]
    assert list(active.x) == [3, 14, 15]
    expired = fig.data[2]
    assert list(expired.x) == [0, 0, 2]
    assert fig.data[0].marker.color == ch.STATUS_COLORS["active"]
    assert _title(fig) == translate("agreements.type_status_title", "ru")


def test_partners_map_shades_and_labels_the_countries_present():
    fig = ch.partners_map(COUNTRIES, "ky")
    choropleth, labels = fig.data
    assert choropleth.type == "choropleth" and labels.type == "scattergeo"
    assert choropleth.locationmode == labels.locationmode == "country names"
    assert list(choropleth.locations) == list(COUNTRIES["partner_country"])
    assert list(choropleth.z) == [7, 8, 5, 3]
    assert choropleth.zmin == 0 and choropleth.zmax == 8
    assert list(labels.text) == ["7", "8", "5", "3"]
    assert fig.layout.geo.fitbounds == "locations"
    assert translate("agreements.in_force", "ky") in choropleth.hovertemplate
    assert _title(fig) == translate("agreements.map_title", "ky")


def test_partners_map_without_the_active_column():
    fig = ch.partners_map(COUNTRIES[["partner_country", "agreements"]], "en")
    assert list(fig.data[0].z) == [7, 8, 5, 3]


def test_utilisation_heatmap_busiest_on_top_with_zero_cells():
    fig = ch.utilisation_heatmap(USE, "en")
    (heat,) = fig.data
    assert heat.type == "heatmap"
    assert list(heat.x) == ["2023-2024", "2024-2025", "2025-2026"]
    assert [label.split(" · ")[-1] for label in heat.y] == ["AGR-2", "AGR-3", "AGR-1"]
    assert heat.z.tolist() == [[0, 1, 0], [4, 0, 3], [10, 12, 0]]
    assert list(heat.text[0]) == ["", "1", ""]
    assert "25" in _title(fig)


def test_utilisation_heatmap_keeps_the_top_agreements_and_shortens_long_names():
    rows = [(f"AGR-{i:02d}", f"University {i}", "2025-2026", i) for i in range(1, 31)]
    rows.append(("AGR-99", "A" * 120, "2025-2026", 100))
    fig = ch.utilisation_heatmap(_use(rows), "ru", top=5)
    (heat,) = fig.data
    assert len(heat.y) == 5
    assert heat.y[-1].endswith("AGR-99") and "…" in heat.y[-1]
    assert heat.y[0].endswith("AGR-27")
    assert "5" in _title(fig)
    assert translate("agreements.mobilities", "ru") in heat.hovertemplate


def test_expiry_timeline_colours_by_urgency_soonest_on_top():
    fig = ch.expiry_timeline(_expiring([100, 5, 45, 30, 0]), "ky")
    names = [t.name for t in fig.data]
    assert names == [translate(f"agreements.urgency.{b}", "ky") for b, _, _ in ch.URGENCY]
    month, quarter, later = fig.data
    assert list(month.x) == [0, 5, 30]
    assert list(quarter.x) == [45]
    assert list(later.x) == [100]
    assert [t.marker.color for t in fig.data] == [c for _, _, c in ch.URGENCY]
    assert month.text[0] == "21.11.2026"  # the Kyrgyz date format
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1].endswith("AGR-4")  # 0 days left: top of the chart
    assert order[0].endswith("AGR-0")  # 100 days left: bottom
    assert fig.layout.xaxis.title.text == translate("agreements.days_left", "ky")


def test_expiry_timeline_skips_empty_buckets():
    fig = ch.expiry_timeline(_expiring([120, 150]), "en")
    assert [t.name for t in fig.data] == [translate("agreements.urgency.later", "en")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_titles_follow_the_language(lang):
    figs = [
        ch.type_status_bar(TYPES, lang),
        ch.partners_map(COUNTRIES, lang),
        ch.utilisation_heatmap(USE, lang),
        ch.expiry_timeline(_expiring([10]), lang),
    ]
    titles = [_title(f) for f in figs]
    assert all(titles) and not any(t.startswith("agreements.") for t in titles)
    other = "en" if lang != "en" else "ru"
    assert _title(ch.partners_map(COUNTRIES, other)) != titles[1]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(),
        TYPES.head(0),
        COUNTRIES.head(0),
        USE.head(0),
        _expiring([]),
        _expiring([5]).assign(days_left=pd.array([None], dtype="Int64")),
    ],
    ids=["no-columns", "types", "countries", "use", "expiring", "no-days"],
)
def test_empty_frames_give_a_figure_with_a_note(frame):
    for build in (ch.type_status_bar, ch.partners_map, ch.utilisation_heatmap, ch.expiry_timeline):
        fig = build(frame, "ru")
        assert isinstance(fig, go.Figure)
        assert len(fig.data) == 0
        assert fig.layout.annotations[0].text == translate("ui.chart_empty", "ru")
        fig.to_json()  # serialisable: the page and the report can both use it
