"""Charts of the academic mobility page: trend, partner-country map, breakdowns, ratios."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import empty as _empty
from sapat.charts.common import title as _title
from sapat.charts.common import top_margin, wrapped
from sapat.charts.overview import DIRECTION_COLORS, direction_bars
from sapat.countries import country_name
from sapat.formats import is_number, percent
from sapat.i18n import code_label, has, translate
from schemas.registry import get_dataset

BAR_COLOR = "#1F4E79"
MAP_SCALE = "Blues"
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
# Columns whose values are stored codes with a code.<value> label (faculty codes are not):
# the mobility model's coded columns.
CODED = frozenset(get_dataset("mobility").coded_columns)

# Partner countries as the register writes them (English) → ISO 3166-1 alpha-3. The map
# uses ISO-3 wherever it can: exact, testable and independent of how plotly.js matches
# names; a name not listed here still goes to the map through "country names" matching.
ISO3: dict[str, str] = {
    "Kyrgyzstan": "KGZ",
    "Kyrgyz Republic": "KGZ",
    "Kazakhstan": "KAZ",
    "Uzbekistan": "UZB",
    "Tajikistan": "TJK",
    "Turkmenistan": "TKM",
    "Russia": "RUS",
    "Russian Federation": "RUS",
    "Turkey": "TUR",
    "Türkiye": "TUR",
    "Turkiye": "TUR",
    "China": "CHN",
    "South Korea": "KOR",
    "Korea": "KOR",
    "Republic of Korea": "KOR",
    "Japan": "JPN",
    "India": "IND",
    "Pakistan": "PAK",
    "Iran": "IRN",
    "Afghanistan": "AFG",
    "Mongolia": "MNG",
    "Malaysia": "MYS",
    "Azerbaijan": "AZE",
    "Georgia": "GEO",
    "Armenia": "ARM",
    "Belarus": "BLR",
    "Ukraine": "UKR",
    "Germany": "DEU",
    "Poland": "POL",
    "Hungary": "HUN",
    "Lithuania": "LTU",
    "Latvia": "LVA",
    "Estonia": "EST",
    "Czechia": "CZE",
    "Czech Republic": "CZE",
    "Slovakia": "SVK",
    "Italy": "ITA",
    "Spain": "ESP",
    "France": "FRA",
    "United Kingdom": "GBR",
    "UK": "GBR",
    "Austria": "AUT",
    "Netherlands": "NLD",
    "Romania": "ROU",
    "Bulgaria": "BGR",
    "Finland": "FIN",
    "United States": "USA",
    "USA": "USA",
    "Egypt": "EGY",
    "Saudi Arabia": "SAU",
    "United Arab Emirates": "ARE",
}
CENTRAL_ASIA_ISO3 = ("KGZ", "KAZ", "UZB", "TJK", "TKM")
# The zoomed map's window: the five Central Asian republics, a little of their neighbours.
_MAIN_MAP_WIDTH = 0.64
_CENTRAL_ASIA_LON = (46.0, 86.0)
_CENTRAL_ASIA_LAT = (33.0, 57.0)


def value_label(value: object, lang: str, column: str) -> str:
    """A breakdown value as shown: a code translated, a missing value as 'not stated'."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return translate("mobility.not_stated", lang)
    return code_label(str(value), lang) if column in CODED else str(value)


def country_label(name: str, lang: str) -> str:
    """A partner country's name in ``lang`` (babel's territory names, as every page and the
    deck write it); a name that is no known country as it is written."""
    return country_name(name, lang)


def trend_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    """Participants per academic year (``trend``), outgoing beside incoming."""
    fig = go.Figure()
    fig.update_layout(
        barmode="group",
        height=320,
        margin=_MARGIN,
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        title=_title(translate("mobility.chart.trend", lang)),
    )
    if df.empty:
        return _empty(fig, lang)
    direction_bars(fig, df, lang)
    fig.update_xaxes(title=translate("col.academic_year", lang))
    return fig


def country_map(df: pd.DataFrame, lang: str) -> go.Figure:
    """Participants per partner country (``by_country``) as a choropleth.

    Partners range from Western Europe to Japan, so a world view leaves Central Asia, where
    much of the mobility is, a few pixels wide. The main map therefore fits its bounds to
    the countries present, and when any Central Asian republic is among them a second,
    zoomed map of Central Asia stands beside it (a third of the width), on the same colour
    scale (one ``coloraxis``), so it is readable on screen and in the exported slide alike.
    Beside, not as an inset over the main map: over it, it hid partner countries whichever
    corner it took. Each geo gets an explicit domain: with two geos and none given, Plotly
    shrank the fitted main map into a corner.
    """
    fig = go.Figure()
    fig.update_layout(
        height=420,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        title=_title(translate("mobility.chart.map", lang)),
    )
    if df.empty:
        fig.update_geos(visible=False)
        return _empty(fig, lang)
    frame = df.assign(
        iso=df["partner_country"].map(ISO3),
        label=[country_label(c, lang) for c in df["partner_country"]],
    )
    known, unknown = frame[frame["iso"].notna()], frame[frame["iso"].isna()]
    participants = translate("ui.participants", lang)
    outgoing, incoming = code_label("outgoing", lang), code_label("incoming", lang)
    hover = (
        f"<b>%{{customdata[0]}}</b><br>{participants}: %{{z}}<br>"
        f"{outgoing}: %{{customdata[1]}}<br>{incoming}: %{{customdata[2]}}<extra></extra>"
    )

    def add(part: pd.DataFrame, geo: str, mode: str, column: str) -> None:
        fig.add_choropleth(
            locations=part[column],
            locationmode=mode,
            z=part["participants"],
            customdata=part[["label", "outgoing", "incoming"]].to_numpy(),
            hovertemplate=hover,
            coloraxis="coloraxis",
            geo=geo,
            marker_line_color="white",
            marker_line_width=0.5,
        )

    zoom = bool(known["iso"].isin(CENTRAL_ASIA_ISO3).any())
    for geo in ("geo", "geo2") if zoom else ("geo",):
        if not known.empty:
            add(known, geo, "ISO-3", "iso")
        if not unknown.empty:
            add(unknown, geo, "country names", "partner_country")
    fig.update_layout(
        coloraxis={
            "colorscale": MAP_SCALE,
            "cmin": 0,
            "colorbar": {"title": {"text": participants}, "thickness": 12, "len": 0.7},
        },
        geo={
            "fitbounds": "locations",
            "projection_type": "natural earth",
            "showcountries": True,
            "countrycolor": "#BBBBBB",
            "showland": True,
            "landcolor": "#F2F2F2",
            "showframe": False,
            "domain": {"x": [0.0, _MAIN_MAP_WIDTH if zoom else 1.0], "y": [0.0, 1.0]},
        },
    )
    if zoom:
        fig.update_layout(
            geo2={
                "domain": {"x": [_MAIN_MAP_WIDTH + 0.02, 1.0], "y": [0.05, 0.9]},
                "projection_type": "mercator",
                "lonaxis_range": list(_CENTRAL_ASIA_LON),
                "lataxis_range": list(_CENTRAL_ASIA_LAT),
                "showcountries": True,
                "countrycolor": "#BBBBBB",
                "showland": True,
                "landcolor": "#F2F2F2",
                "showframe": True,
                "framecolor": "#7F7F7F",
                "bgcolor": "white",
            },
        )
        fig.add_annotation(
            text=translate("mobility.chart.central_asia", lang),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=_MAIN_MAP_WIDTH + 0.02,
            y=0.91,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": "#404040"},
        )
    return fig


def dimension_bar(df: pd.DataFrame, lang: str, column: str) -> go.Figure:
    """Participants per value of one column (``by_dimension``), largest on top."""
    fig = go.Figure()
    key = f"mobility.chart.by.{column}"
    fig.update_layout(
        height=max(260, 60 + 28 * len(df)),
        margin=_MARGIN,
        title=_title(
            translate(key, lang) if has(key, lang) else translate("ui.participants", lang)
        ),
        showlegend=False,
    )
    if df.empty:
        return _empty(fig, lang)
    labels = [value_label(v, lang, column) for v in df["value"]]
    fig.add_bar(
        x=df["participants"],
        y=labels,
        orientation="h",
        marker_color=BAR_COLOR,
        text=df["participants"],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(
        title=translate("ui.participants", lang),
        range=[0, float(df["participants"].max()) * 1.15],
    )
    return fig


def recognition_bar(df: pd.DataFrame, lang: str, by: str | None = None) -> go.Figure:
    """Share of credits earned on mobility that were recognised, per group
    (``credit_recognition``); groups with nothing earned are left out. ``by`` ('faculty' or
    'program') names the groups in the title: the page shows both charts side by side."""
    fig = go.Figure()
    frame = df[df["rate"].notna()] if not df.empty else df
    key = f"mobility.chart.recognition_{by}" if by else "mobility.chart.recognition"
    heading = wrapped(translate(key, lang))
    top = max(_MARGIN["t"], top_margin(heading))
    fig.update_layout(
        height=max(260, top + 20 + 28 * len(frame)),
        margin={**_MARGIN, "t": top},
        title=_title(heading),
        showlegend=False,
    )
    if frame.empty:
        return _empty(fig, lang)
    # Programmes are codes with labels; faculty codes have none and show as stored.
    labels = [value_label(v, lang, "program") for v in frame["group"]]
    hover = [
        translate("mobility.hover.credits", lang, earned=f"{e:g}", recognized=f"{r:g}")
        for e, r in zip(frame["credits_earned"], frame["credits_recognized"], strict=True)
    ]
    fig.add_bar(
        x=frame["rate"],
        y=labels,
        orientation="h",
        marker_color=BAR_COLOR,
        text=[percent(r, lang) if is_number(r) else "" for r in frame["rate"]],
        textposition="outside",
        cliponaxis=False,
        customdata=hover,
        hovertemplate="%{y}: %{x:.1%}<br>%{customdata}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(
        title=translate("mobility.axis.recognition_rate", lang),
        tickformat=".0%",
        range=[0, max(1.0, float(frame["rate"].max())) * 1.12],
    )
    return fig


def ratios_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    """Inbound and outbound exchange students per student enrolled (``exchange_ratios``)."""
    fig = go.Figure()
    fig.update_layout(
        height=320,
        margin=_MARGIN,
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        title=_title(translate("mobility.chart.ratios", lang)),
    )
    if df.empty:
        return _empty(fig, lang)
    for column, key, direction in (
        ("inbound_ratio", "mobility.ratio.inbound", "incoming"),
        ("outbound_ratio", "mobility.ratio.outbound", "outgoing"),
    ):
        name = translate(key, lang)
        fig.add_scatter(
            x=df["academic_year"],
            y=df[column],
            name=name,
            mode="lines+markers",
            line={"color": DIRECTION_COLORS[direction]},
            hovertemplate=f"{name}<br>%{{x}}: %{{y:.2%}}<extra></extra>",
        )
    fig.update_xaxes(type="category", title=translate("col.academic_year", lang))
    fig.update_yaxes(
        title=translate("mobility.axis.share_of_students", lang),
        tickformat=".1%",
        rangemode="tozero",
    )
    return fig
