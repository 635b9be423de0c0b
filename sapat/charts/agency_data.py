"""Charts of the data given to ranking agencies: QS ratios over years, year-on-year jumps."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import title as _title
from sapat.formats import is_number, signed_percent
from sapat.i18n import code_label, localized, translate
from sapat.queries.agency_data import PERCENT_RATIOS, THRESHOLD_DEFAULT

FLAGGED_COLOR = "#C0392B"
NORMAL_COLOR = "#1F4E79"
THRESHOLD_COLOR = "#7F7F7F"
RATIO_COLORS = ("#1F4E79", "#E07A1F", "#2E8B57", "#8E44AD", "#C0392B", "#17A2B8")
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def ratio_label(column: str, lang: str) -> str:
    """A qs_ratios column's name in ``lang``."""
    key = f"agency.ratio.{column}"
    return translate(key, lang)


def status_label(status: str, lang: str) -> str:
    """A jumps status ('jump', 'ok', 'missing_previous', ...) in ``lang``."""
    key = f"agency.status.{status}"
    return translate(key, lang)


def kpi_name(row: pd.Series, lang: str) -> str:
    """The KPI's name in ``lang``, else its code (KPI names are given in every language, so a
    missing one is not looked for in another)."""
    return localized(row, "name", lang, others=False) or code_label(row.get("code"), lang)


def ratios_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """One line per share of ``qs_ratios`` (the PERCENT_RATIOS columns) over years."""
    fig = go.Figure()
    columns = [c for c in PERCENT_RATIOS if c in frame.columns]
    for i, column in enumerate(columns):
        name = ratio_label(column, lang)
        fig.add_scatter(
            x=frame["year"],
            y=frame[column],
            name=name,
            mode="lines+markers",
            line={"color": RATIO_COLORS[i % len(RATIO_COLORS)]},
            hovertemplate=f"{name}<br>%{{x}}: %{{y:.2%}}<extra></extra>",
        )
    fig.update_layout(
        height=360,
        margin=_MARGIN,
        legend={"orientation": "h", "y": -0.22, "x": 0},
        title=_title(translate("agency.ratios_title", lang)),
        xaxis_title=translate("col.year", lang),
        yaxis_title=translate("agency.share_axis", lang),
    )
    # Years are categories: a ratio per year, no fractional years between them.
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    return fig


def jumps_bar(frame: pd.DataFrame, lang: str, threshold: float | None = None) -> go.Figure:
    """Relative change per KPI (output of ``jumps``): red bars flagged, dashed ±threshold.

    Horizontal bars, because KPI names are long in Kyrgyz and Russian. The threshold is
    the frame's ``threshold`` column unless given. A KPI whose change cannot be computed
    gets an empty (zero) grey bar labelled with its status, so it is not silently absent.
    """
    if threshold is None:
        values = frame["threshold"].dropna() if "threshold" in frame.columns else ()
        threshold = float(values.iloc[0]) if len(values) else THRESHOLD_DEFAULT
    names = [_wrap(kpi_name(row, lang)) for _, row in frame.iterrows()]
    flagged = [bool(f) for f in frame["flagged"]] if "flagged" in frame.columns else []
    changes = list(frame["change"]) if "change" in frame.columns else []
    statuses = list(frame["status"]) if "status" in frame.columns else []
    computed = [is_number(c) for c in changes]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[c if ok else 0.0 for c, ok in zip(changes, computed, strict=True)],
        orientation="h",
        marker_color=[
            FLAGGED_COLOR if f else NORMAL_COLOR if ok else THRESHOLD_COLOR
            for f, ok in zip(flagged, computed, strict=True)
        ],
        text=[
            signed_percent(c, lang, 1) if ok else status_label(s, lang)
            for c, s, ok in zip(changes, statuses, computed, strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        customdata=[status_label(s, lang) for s in statuses],
        hovertemplate="%{y}<br>%{text}<br>%{customdata}<extra></extra>",
        name=translate("agency.change_axis", lang),
        showlegend=False,
    )
    fig.add_vline(
        x=threshold,
        line_dash="dash",
        line_color=THRESHOLD_COLOR,
        annotation_text=translate("agency.threshold", lang, percent=f"{threshold * 100:g}%"),
        annotation_position="top",
    )
    fig.add_vline(x=-threshold, line_dash="dash", line_color=THRESHOLD_COLOR)
    year = frame["year"].iloc[0] if "year" in frame.columns and len(frame) else None
    title = (
        translate("agency.jumps_title", lang, year=int(year), previous=int(year) - 1)
        if year is not None
        else translate("agency.jumps_title_plain", lang)
    )
    # Symmetric axis with room for the value labels beside the longest bar.
    top = max([threshold, *(abs(c) for c, ok in zip(changes, computed, strict=True) if ok)])
    top = top * 1.4 or 0.1
    fig.update_layout(
        height=max(300, 44 * len(names) + 90),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title=_title(title),
        xaxis_title=translate("agency.change_axis", lang),
    )
    fig.update_xaxes(tickformat=".0%", range=[-top, top], zeroline=True)
    # First KPI at the top, as in the table beside it.
    fig.update_yaxes(autorange="reversed")
    return fig


def _wrap(text: str, width: int = 32) -> str:
    """Break a long label at word boundaries (Plotly wraps only at <br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
