"""Charts of the overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.i18n import code_label, translate

DIRECTION_COLORS = {"outgoing": "#1F4E79", "incoming": "#E07A1F"}


def mobility_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Participants per academic year, outgoing beside incoming."""
    fig = go.Figure()
    for direction in ("outgoing", "incoming"):
        part = frame[frame["direction"] == direction]
        fig.add_bar(
            x=part["academic_year"],
            y=part["participants"],
            name=code_label(direction, lang),
            marker_color=DIRECTION_COLORS[direction],
            text=part["participants"],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_layout(
        barmode="group",
        height=280,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
        yaxis_title=translate("ui.participants", lang),
        xaxis_type="category",
        title={"text": translate("ui.mobility_trend", lang), "font": {"size": 15}, "y": 0.98},
    )
    if not frame.empty:
        # Headroom so the value above the tallest bar clears the legend.
        fig.update_yaxes(range=[0, float(frame["participants"].max()) * 1.2])
    return fig
