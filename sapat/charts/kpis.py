"""Charts of strategy KPIs: one KPI over the years, by faculty, the status mix, the matrix."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from sapat import formats
from sapat.charts.common import LEGEND_ABOVE_RIGHT, legend_rows, top_margin
from sapat.charts.common import title as _title
from sapat.formats import is_number
from sapat.i18n import code_label, has, localized, translate
from sapat.queries.kpis import STATUSES

# One colour per status, shared by the charts and the page (badges, table cells).
STATUS_COLORS: dict[str, str] = {
    "on_track": "#2E8B57",
    "at_risk": "#F0A202",
    "off_track": "#C0392B",
    "no_target": "#9E9E9E",
    "no_value": "#C8C8C8",
}
UNKNOWN_COLOR = "#9E9E9E"
VALUE_LINE_COLOR = "#1F4E79"
TARGET_COLOR = "#555555"
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}
_LEGEND_WIDTH = 300  # pixels of a KPI chart (half a laptop screen) its legend takes a row (less
# than the chart is wide: Kyrgyz items wrap sooner than the 7 pixels a character estimate)
# Plotly (d3) number formats per KPI unit: (format, tick prefix, tick suffix).
# Percent KPIs are stored as 0–100, so they get a '%' suffix, never a d3 '%' format.
_UNIT_FORMATS: dict[str, tuple[str, str, str]] = {
    "percent": (".1f", "", "%"),
    "count": (",.0f", "", ""),
    "ratio": (".2f", "", ""),
    "score": (".2f", "", ""),
    "som": (".3~s", "", ""),
    "usd": (".3~s", "$", ""),
    "rank": ("d", "", ""),
}
_DEFAULT_FORMAT = (",.4~g", "", "")


def status_color(status: object) -> str:
    """The colour of a status; grey for anything unknown (or missing)."""
    return STATUS_COLORS.get(status, UNKNOWN_COLOR) if isinstance(status, str) else UNKNOWN_COLOR


def status_label(status: object, lang: str) -> str:
    """A KPI status ('on_track', 'at_risk', ...) in ``lang``."""
    if not isinstance(status, str):
        return "—"
    key = f"kpis.status.{status}"
    return translate(key, lang) if has(key, lang) else status


def direction_label(direction: object, lang: str) -> str:
    """'higher is better' / 'lower is better' in ``lang``; '' for anything else."""
    if not isinstance(direction, str):
        return ""
    key = f"kpis.direction.{direction}"
    return translate(key, lang) if has(key, lang) else ""


def format_value(value: object, unit: str | None, lang: str) -> str:
    """A KPI value as text with its unit, in the language's number format.

    '81.0%', '34,560', '3.95', '42,300,000 som' in English; '34 560', '81,0 %' in Russian.
    Percent values are 0–100 in the warehouse. A missing value is '—'. The pages, charts
    and the Council deck all write KPI values through this.
    """
    if not is_number(value):
        return formats.DASH
    number = float(value)
    if unit == "percent":
        return formats.percent(number / 100, lang, decimals=1)
    if unit in ("count", "rank"):
        return formats.number(number, lang)
    if unit in ("ratio", "score"):
        return formats.number(number, lang, decimals=2)
    if unit == "som":
        return translate("kpis.amount_som", lang, amount=formats.number(number, lang))
    if unit == "usd":
        return formats.money(number, "USD", lang)
    return formats.number(number, lang, decimals=0 if number.is_integer() else 2)


# Decimals of a KPI's change by its unit: whole counts (+690, not +690.0), percentage points
# to one decimal, ratios and scores to two.
_CHANGE_DECIMALS = {"percent": 1, "ratio": 2, "score": 2}


def format_change(value: object, unit: str | None, lang: str) -> str:
    """A KPI's change from the year before, signed, in the unit's precision; '—' if none."""
    if not is_number(value):
        return formats.DASH
    return formats.signed_number(value, lang, _CHANGE_DECIMALS.get(unit or "", 0))


def kpi_history(
    df: pd.DataFrame, lang: str, name: str, unit: str | None, direction: str | None
) -> go.Figure:
    """One KPI over the years (output of ``queries.kpis.history``).

    Values as a line whose markers are coloured by status, targets as a dashed line, and
    a note of the direction under the title. A rank axis is reversed, so up is better.
    """
    fig = go.Figure()
    fmt, prefix, suffix = _UNIT_FORMATS.get(unit or "", _DEFAULT_FORMAT)
    rows = _rows(df, ("year", "value", "target", "status"))
    value_label = translate("kpis.value", lang)
    target_label = translate("kpis.target", lang)
    measured = rows[rows["value"].map(is_number)]
    targeted = rows[rows["target"].map(is_number)]
    if len(targeted):
        fig.add_scatter(
            x=targeted["year"],
            y=targeted["target"],
            name=target_label,
            mode="lines+markers",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 2},
            marker={"color": TARGET_COLOR, "size": 6, "symbol": "diamond"},
            hovertemplate=f"{target_label}<br>%{{x}}: {prefix}%{{y:{fmt}}}{suffix}<extra></extra>",
        )
    if len(measured):
        fig.add_scatter(
            x=measured["year"],
            y=measured["value"],
            name=value_label,
            mode="lines+markers",
            line={"color": VALUE_LINE_COLOR, "width": 3},
            marker={
                "color": [status_color(s) for s in measured["status"]],
                "size": 12,
                "line": {"color": "white", "width": 1.5},
            },
            customdata=[status_label(s, lang) for s in measured["status"]],
            hovertemplate=(
                f"{value_label}<br>%{{x}}: {prefix}%{{y:{fmt}}}{suffix}"
                "<br>%{customdata}<extra></extra>"
            ),
        )
        _status_legend(fig, measured["status"], lang)
    note = direction_label(direction, lang)
    if note:
        # On its own line under the title, raised above the legend (see _layout).
        fig.add_annotation(
            text=note,
            name="direction",
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            yanchor="bottom",
            xanchor="left",
            showarrow=False,
            font={"size": 12, "color": TARGET_COLOR},
        )
    if not len(measured) and not len(targeted):
        _no_data(fig, lang)
    _layout(fig, name, translate("col.year", lang), unit, lang)
    # Whole years only, even when a year is missing in between.
    fig.update_xaxes(tickmode="linear", dtick=1, tickformat="d")
    if unit == "rank":
        fig.update_yaxes(autorange="reversed")
    return fig


def _layout(
    fig: go.Figure, title: str, x_title: str, unit: str | None, lang: str, **layout: object
) -> None:
    """The frame of a KPI chart: title, then the direction note if any, then the legend above
    the plot (below it, it ran into the axis title under slanted faculty names); the unit's
    y-axis title and ticks."""
    fmt, prefix, suffix = _UNIT_FORMATS.get(unit or "", _DEFAULT_FORMAT)
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    note = 0
    if any(a.name == "direction" for a in fig.layout.annotations):
        note = 20
        legend = 20 * legend_rows(names, _LEGEND_WIDTH) + 6 if names else 0
        fig.update_annotations(selector={"name": "direction"}, yshift=legend + 2)
    fig.update_layout(
        height=380,
        margin={**_MARGIN, "t": top_margin(title, names, _LEGEND_WIDTH) + note},
        title=_title(title),
        legend=LEGEND_ABOVE_RIGHT,
        xaxis_title=x_title,
        yaxis_title=code_label(unit, lang) if unit else None,
        **layout,
    )
    fig.update_yaxes(tickformat=fmt, tickprefix=prefix, ticksuffix=suffix)


def faculty_bars(
    df: pd.DataFrame, lang: str, unit: str | None, *, year: int | None = None
) -> go.Figure:
    """One KPI per faculty (output of ``queries.kpis.by_faculty``): bars coloured by
    status, the faculty's target as a marker on its bar."""
    fig = go.Figure()
    fmt, prefix, suffix = _UNIT_FORMATS.get(unit or "", _DEFAULT_FORMAT)
    rows = _rows(df, ("unit_scope", "value", "target", "status"))
    faculties = [code_label(s, lang) for s in rows["unit_scope"]]
    value_label = translate("kpis.value", lang)
    target_label = translate("kpis.target", lang)
    if len(rows):
        fig.add_bar(
            x=faculties,
            y=[v if is_number(v) else None for v in rows["value"]],
            name=value_label,
            marker_color=[status_color(s) for s in rows["status"]],
            text=[format_value(v, unit, lang) if is_number(v) else "" for v in rows["value"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[status_label(s, lang) for s in rows["status"]],
            hovertemplate=(
                f"%{{x}}<br>{value_label}: {prefix}%{{y:{fmt}}}{suffix}"
                "<br>%{customdata}<extra></extra>"
            ),
            showlegend=False,
        )
        if rows["target"].map(is_number).any():
            fig.add_scatter(
                x=faculties,
                y=[t if is_number(t) else None for t in rows["target"]],
                name=target_label,
                mode="markers",
                marker={
                    "symbol": "line-ew-open",
                    "size": 34,
                    "color": TARGET_COLOR,
                    "line": {"width": 3, "color": TARGET_COLOR},
                },
                hovertemplate=(
                    f"%{{x}}<br>{target_label}: {prefix}%{{y:{fmt}}}{suffix}<extra></extra>"
                ),
            )
        _status_legend(fig, rows["status"], lang)
    else:
        _no_data(fig, lang)
    title = (
        translate("kpis.faculty_title_year", lang, year=int(year))
        if year is not None
        else translate("kpis.faculty_title", lang)
    )
    _layout(fig, title, translate("col.faculty", lang), unit, lang, bargap=0.35)
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero")
    return fig


def faculty_matrix(df: pd.DataFrame, lang: str) -> Styler:
    """The faculty × KPI matrix (``queries.kpis.faculty_scorecard``, faculties already named
    for the reader) as a table: a row per KPI named in ``lang``, a column per faculty, each
    cell the value as ``format_value`` writes it, tinted with its status colour."""
    rows = _rows(
        df, ("code", "name_ky", "name_ru", "name_en", "unit", "unit_scope", "value", "status")
    )
    codes = list(dict.fromkeys(rows["code"]))
    faculties = list(dict.fromkeys(rows["unit_scope"]))
    text = pd.DataFrame(formats.DASH, index=codes, columns=faculties, dtype=object)
    tint = pd.DataFrame("", index=codes, columns=faculties, dtype=object)
    names: dict[str, str] = {}
    for row in rows.to_dict("records"):
        names[row["code"]] = localized(row, "name", lang)
        text.at[row["code"], row["unit_scope"]] = format_value(row["value"], row["unit"], lang)
        tint.at[row["code"], row["unit_scope"]] = (
            f"background-color: {status_color(row['status'])}33; font-weight: 600"
        )
    kpi = translate("ui.col_kpi_name", lang)
    text.insert(0, kpi, [names[c] for c in codes])
    tint.insert(0, kpi, "")
    text, tint = text.reset_index(drop=True), tint.reset_index(drop=True)
    return text.style.apply(lambda _: tint, axis=None)


def status_donut(counts: dict[str, int], lang: str) -> go.Figure:
    """The share of KPIs per status (output of ``queries.kpis.status_counts``).

    Statuses keep the STATUSES order and their colours; a status with no KPI is left out.
    The total is written in the hole.
    """
    fig = go.Figure()
    ordered = [s for s in STATUSES if s in counts] + [s for s in counts if s not in STATUSES]
    shown = [(s, int(counts[s])) for s in ordered if is_number(counts[s]) and counts[s] > 0]
    total = sum(n for _, n in shown)
    if shown:
        fig.add_pie(
            labels=[status_label(s, lang) for s, _ in shown],
            values=[n for _, n in shown],
            hole=0.55,
            sort=False,
            direction="clockwise",
            marker={"colors": [status_color(s) for s, _ in shown]},
            textinfo="value+percent",
            hovertemplate="%{label}: %{value} (%{percent})<extra></extra>",
        )
        fig.add_annotation(
            text=translate("kpis.donut_total", lang, count=total),
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 14},
        )
    else:
        _no_data(fig, lang)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    fig.update_layout(
        height=340,
        margin=_MARGIN,
        title=_title(translate("kpis.donut_title", lang)),
        legend={"orientation": "h", "y": -0.1, "x": 0},
    )
    return fig


def _status_legend(fig: go.Figure, statuses: pd.Series, lang: str) -> None:
    """Legend entries explaining the status colours present (markers carry no legend)."""
    present = set(statuses)
    for status in [s for s in STATUSES if s in present]:
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=status_label(status, lang),
            marker={"color": status_color(status), "size": 11},
            legendgroup="status",
            hoverinfo="skip",
        )


def _rows(df: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    """``df`` with every expected column (missing ones empty), in row order."""
    frame = pd.DataFrame() if df is None else df.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        out[column] = frame[column] if column in frame.columns else None
    return out.astype(object)


def _no_data(fig: go.Figure, lang: str) -> None:
    fig.add_annotation(
        text=translate("kpis.no_data", lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14, "color": TARGET_COLOR},
    )
