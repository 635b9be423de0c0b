"""Charts of the overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import LEGEND_ABOVE_RIGHT, title, top_margin
from sapat.i18n import code_label, translate

DIRECTION_COLORS = {"outgoing": "#1F4E79", "incoming": "#E07A1F"}


def direction_bars(fig: go.Figure, frame: pd.DataFrame, lang: str) -> go.Figure:
    """Participants per academic year (``mobility.trend``), outgoing beside incoming, each
    bar's count above it; a direction without any row has no bars (nor legend entry)."""
    for direction in ("outgoing", "incoming"):
        part = frame[frame["direction"] == direction]
        if part.empty:
            continue
        fig.add_bar(
            x=part["academic_year"],
            y=part["participants"],
            name=code_label(direction, lang),
            marker_color=DIRECTION_COLORS[direction],
            text=part["participants"],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=translate("ui.participants", lang))
    if not frame.empty:
        # Headroom so the value above the tallest bar clears the legend.
        fig.update_yaxes(range=[0, float(frame["participants"].max()) * 1.2])
    return fig


def mobility_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Participants per academic year, outgoing beside incoming."""
    fig = go.Figure()
    heading = translate("ui.mobility_trend", lang)
    names = [code_label(d, lang) for d in ("outgoing", "incoming")]
    # The legend under the title, above the plot: beside the title it ran into it.
    fig.update_layout(
        height=280,
        margin={"l": 10, "r": 10, "t": top_margin(heading, names, width=600) - 8, "b": 10},
        legend=LEGEND_ABOVE_RIGHT,
        title=title(heading),
    )
    return direction_bars(fig, frame, lang)
