"""Pieces every chart module shares: title style, shortened labels, the empty-data figure."""

from __future__ import annotations

import plotly.graph_objects as go

from sapat.i18n import translate

EMPTY_NOTE_COLOR = "#7F8C8D"
# A horizontal legend just above the plot, flush right, items in trace order.
LEGEND_ABOVE_RIGHT = {
    "orientation": "h",
    "y": 1.0,
    "yanchor": "bottom",
    "x": 1,
    "xanchor": "right",
    "traceorder": "normal",
}


def title(text: str) -> dict:
    """A chart title in the app's style."""
    return {"text": text, "font": {"size": 15}, "y": 0.98}


def short(text: object, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis, for axis labels."""
    text = str(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def empty(fig: go.Figure, lang: str) -> go.Figure:
    """The chart's frame with a 'nothing to show' note instead of blank axes."""
    fig.add_annotation(
        text=translate("ui.chart_empty", lang),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 14, "color": EMPTY_NOTE_COLOR},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
