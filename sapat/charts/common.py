"""Pieces every chart module shares: title style, shortened labels, the empty-data figure."""

from __future__ import annotations

import plotly.graph_objects as go

from sapat.formats import plotly_separators
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


def categories_top_down(order: list) -> dict:
    """A y-axis of categories listed top-down in ``order`` (Plotly draws the first category
    at the bottom), wide enough for its labels."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(order)[::-1],
        "automargin": True,
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


def titled(text: str, lang: str, height: int = 360) -> go.Figure:
    """An empty figure in the app's style: title, legend above, the language's separators."""
    fig = go.Figure()
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title=title(text),
        legend=LEGEND_ABOVE_RIGHT,
        separators=plotly_separators(lang),
    )
    return fig


def right_axis(text: str, top: float = 105, step: float | None = 20) -> dict:
    """A second y-axis on the right (a share beside counts), from 0 to ``top``, no grid.

    Ticks every ``step``: left alone, the axis is ticked to line up with the left one's
    gridlines, at numbers like 25.5 and 50.9.
    """
    axis = {"title": text, "overlaying": "y", "side": "right", "range": [0, top]}
    axis |= {"showgrid": False}
    if step:
        axis |= {"tickmode": "linear", "tick0": 0, "dtick": step}
    return axis
