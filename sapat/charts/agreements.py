"""Charts of the register of agreements: types, partner countries, utilisation, expiry."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import LEGEND_ABOVE_RIGHT, categories_top_down, short, top_margin
from sapat.charts.common import empty as _empty
from sapat.charts.common import title as _title
from sapat.countries import country_name
from sapat.display import format_date
from sapat.i18n import code_label, column_label, translate

STATUS_COLORS = {
    "active": "#2E8B57",
    "draft": "#B0BEC5",
    "expired": "#C0392B",
    "terminated": "#7F8C8D",
}
OTHER_COLORS = ("#1F4E79", "#E07A1F", "#8E44AD", "#16A085", "#D4AC0D")
STATUS_ORDER = ("active", "draft", "expired", "terminated")
# Expiry urgency: (bucket, last day of the bucket, colour); the last bucket is open.
URGENCY = (
    ("month", 30, "#C0392B"),
    ("quarter", 90, "#E07A1F"),
    ("later", None, "#D4AC0D"),
)
LABEL_LENGTH = 48
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def validity_label(validity: str, lang: str) -> str:
    """One of queries.agreements.VALIDITY in ``lang``."""
    key = f"agreements.validity.{validity}"
    return translate(key, lang)


def _has(frame: pd.DataFrame, *columns: str) -> bool:
    return not frame.empty and all(c in frame.columns for c in columns)


def type_status_bar(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Agreements per type (output of ``by_type_status``), stacked by status.

    Horizontal bars, because type names are long in Kyrgyz and Russian; the most common
    type on top.
    """
    fig = go.Figure()
    fig.update_layout(
        height=320,
        margin=_MARGIN,
        title=_title(translate("agreements.type_status_title", lang)),
    )
    if not _has(frame, "agreement_type", "status", "agreements"):
        return _empty(fig, lang)
    totals = frame.groupby("agreement_type")["agreements"].sum().sort_values(kind="stable")
    types = list(totals.index)  # smallest first: plotly draws the first category at the bottom
    labels = [code_label(t, lang) for t in types]
    present = list(dict.fromkeys(frame["status"]))
    statuses = [s for s in STATUS_ORDER if s in present] + [
        s for s in present if s not in STATUS_ORDER
    ]
    for i, status in enumerate(statuses):
        part = (
            frame[frame["status"] == status]
            .groupby("agreement_type")["agreements"]
            .sum()
            .reindex(types)
        )
        name = code_label(status, lang)
        fig.add_bar(
            y=labels,
            x=part.fillna(0).tolist(),
            orientation="h",
            name=name,
            marker_color=STATUS_COLORS.get(status, OTHER_COLORS[i % len(OTHER_COLORS)]),
            text=[f"{v:g}" if pd.notna(v) and v else "" for v in part],
            textposition="inside",
            hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
        )
    # The legend above the plot, under the title: below it, it ran into the axis title.
    top = top_margin(str(fig.layout.title.text), [t.name for t in fig.data], width=800)
    fig.update_layout(
        barmode="stack",
        height=max(260, 44 * len(types) + top + 50),
        margin={**_MARGIN, "t": top},
        legend=LEGEND_ABOVE_RIGHT,
        xaxis_title=translate("agreements.count_axis", lang),
    )
    return fig


def partners_map(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Agreements per partner country (output of ``by_country``) on a world map.

    Countries are shaded by their number of agreements and labelled with it, and the map is
    fitted to the countries present, so Central Asia is not lost in a whole-world view.
    Country names are matched by Plotly's ``country names`` mode (English names and the
    usual variants: Turkey, South Korea, Czechia, Russia).
    """
    fig = go.Figure()
    fig.update_layout(
        height=460,
        margin=_MARGIN,
        title=_title(translate("agreements.map_title", lang)),
    )
    geo = {
        "projection_type": "natural earth",
        "showcountries": True,
        "countrycolor": "#FFFFFF",
        "showland": True,
        "landcolor": "#ECEFF1",
        "showframe": False,
        "showcoastlines": False,
    }
    if not _has(frame, "partner_country", "agreements"):
        fig.update_geos(**geo, center={"lat": 42, "lon": 70}, projection_scale=3)
        return _empty(fig, lang)
    data = frame.dropna(subset=["partner_country"])
    active = data["active"] if "active" in data.columns else pd.Series(pd.NA, index=data.index)
    agreements_word = translate("agreements.count_axis", lang)
    in_force_word = translate("agreements.in_force", lang)
    fig.add_choropleth(
        locations=data["partner_country"],
        locationmode="country names",
        z=data["agreements"],
        colorscale="Blues",
        zmin=0,
        zmax=max(float(data["agreements"].max()), 1.0),
        marker_line_color="#FFFFFF",
        marker_line_width=0.5,
        colorbar={"title": {"text": agreements_word}, "thickness": 12},
        # The country as the reader names it: the locations stay the English names the
        # map matches on.
        customdata=list(
            zip(
                data["agreements"],
                active.fillna(0),
                [country_name(c, lang) for c in data["partner_country"]],
                strict=True,
            )
        ),
        hovertemplate=(
            f"<b>%{{customdata[2]}}</b><br>{agreements_word}: %{{customdata[0]}}"
            f"<br>{in_force_word}: %{{customdata[1]}}<extra></extra>"
        ),
        name=agreements_word,
    )
    # The count written on each country: small Central Asian countries stay readable.
    fig.add_scattergeo(
        locations=data["partner_country"],
        locationmode="country names",
        text=data["agreements"].astype(str),
        mode="text",
        textfont={"size": 11, "color": "#102A43"},
        hoverinfo="skip",
        showlegend=False,
    )
    fig.update_geos(**geo, fitbounds="locations")
    return fig


def utilisation_heatmap(frame: pd.DataFrame, lang: str, top: int = 25) -> go.Figure:
    """Mobilities per agreement and academic year (output of ``utilisation``).

    The ``top`` agreements by total mobility, busiest on top; a year without mobility is an
    empty (zero) cell.
    """
    fig = go.Figure()
    fig.update_layout(
        height=420,
        margin=_MARGIN,
        title=_title(translate("agreements.utilisation_title", lang, top=top)),
    )
    if not _has(frame, "agreement_id", "partner_institution", "academic_year", "mobilities"):
        return _empty(fig, lang)
    labels = frame.groupby("agreement_id")["partner_institution"].first()
    totals = frame.groupby("agreement_id")["mobilities"].sum()
    order = (
        pd.DataFrame({"total": totals, "label": labels})
        .reset_index()
        .sort_values(["total", "agreement_id"], ascending=[False, True], kind="stable")
        .head(top)
    )
    years = sorted(frame["academic_year"].dropna().unique())
    grid = (
        frame[frame["agreement_id"].isin(order["agreement_id"])]
        .pivot_table(
            index="agreement_id", columns="academic_year", values="mobilities", aggfunc="sum"
        )
        .reindex(index=order["agreement_id"], columns=years)
        .fillna(0)
        .astype(int)
        .iloc[::-1]  # busiest on top
    )
    rows = order.set_index("agreement_id").loc[grid.index]
    y = [f"{_shorten(name)} · {aid}" for aid, name in zip(rows.index, rows["label"], strict=True)]
    word = translate("agreements.mobilities", lang)
    fig.add_heatmap(
        z=grid.to_numpy(),
        x=years,
        y=y,
        colorscale="Blues",
        zmin=0,
        text=[[str(v) if v else "" for v in row] for row in grid.to_numpy()],
        texttemplate="%{text}",
        textfont={"size": 11},
        xgap=2,
        ygap=2,
        colorbar={"title": {"text": word}, "thickness": 12},
        hovertemplate=f"%{{y}}<br>%{{x}}: %{{z}} {word}<extra></extra>",
    )
    fig.update_layout(
        height=max(300, 26 * len(y) + 130),
        margin={**_MARGIN, "t": 70},
        # Years on top, next to the busiest agreements; they need no axis title.
        xaxis={"type": "category", "side": "top"},
        yaxis={"type": "category", "automargin": True},
    )
    return fig


def _urgency(days: float) -> str:
    for bucket, limit, _ in URGENCY:
        if limit is None or days <= limit:
            return bucket
    return URGENCY[-1][0]


def expiry_timeline(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Days left per expiring agreement (output of ``expiring``), soonest on top.

    Bars are coloured by urgency: within a month, within three months, later.
    """
    fig = go.Figure()
    fig.update_layout(
        height=320,
        margin=_MARGIN,
        title=_title(translate("agreements.expiry_title", lang)),
    )
    if not _has(frame, "agreement_id", "partner_institution", "days_left"):
        return _empty(fig, lang)
    data = frame.dropna(subset=["days_left"]).sort_values(
        ["days_left", "agreement_id"], kind="stable"
    )
    if data.empty:
        return _empty(fig, lang)
    data = data.assign(
        label=[
            f"{_shorten(p)} · {a}"
            for p, a in zip(data["partner_institution"], data["agreement_id"], strict=True)
        ],
        bucket=[_urgency(float(d)) for d in data["days_left"]],
    )
    order = list(data["label"])
    until_word = column_label("valid_until", lang)
    days_word = translate("agreements.days_left", lang)
    for bucket, _, color in URGENCY:
        part = data[data["bucket"] == bucket]
        if part.empty:
            continue
        until = (
            pd.to_datetime(part["valid_until"]).map(lambda v: format_date(v, lang))
            if "valid_until" in part.columns
            else pd.Series("", index=part.index)
        )
        urgency_key = f"agreements.urgency.{bucket}"
        fig.add_bar(
            y=part["label"],
            x=part["days_left"].astype(float),
            orientation="h",
            name=translate(urgency_key, lang),
            marker_color=color,
            text=until,
            textposition="outside",
            cliponaxis=False,
            customdata=until,
            hovertemplate=(
                f"%{{y}}<br>{until_word}: %{{customdata}}<br>{days_word}: %{{x}}<extra></extra>"
            ),
        )
    fig.update_layout(
        height=max(240, 30 * len(order) + 130),
        margin={**_MARGIN, "t": 70},
        legend=LEGEND_ABOVE_RIGHT,
        xaxis={
            "title": days_word,
            "rangemode": "tozero",
            "range": [0, float(data["days_left"].max()) * 1.25 + 5],
        },
        yaxis=categories_top_down(order),  # soonest on top
    )
    return fig


def _shorten(text: object) -> str:
    return short(text, LABEL_LENGTH)
