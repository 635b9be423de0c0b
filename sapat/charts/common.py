"""Pieces every chart module shares: title style, shortened labels, the empty-data figure."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

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


# A chart half a 1366-pixel laptop screen wide (two side by side) is about 440 pixels: a
# title of more characters than this goes on two lines rather than run out of the chart.
HALF_TITLE = 46
_HALF_WIDTH = 420  # pixels a horizontal legend above such a chart may take in one row
_TITLE_LINE = 22  # pixels per line of a title


def title(text: str) -> dict:
    """A chart title in the app's style, hung from the top: a second line grows downwards.

    Plotly lifts a title of several lines by half a line whatever its anchor, out of the
    chart: the padding takes it back down.
    """
    pad = 8 + (11 if "<br>" in text else 0)
    return {"text": text, "font": {"size": 15}, "y": 1, "yanchor": "top", "pad": {"t": pad}}


def wrapped(text: str, width: int = HALF_TITLE) -> str:
    """``text`` on lines of at most ``width`` characters (Plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def legend_rows(names: Sequence[str], width: int = _HALF_WIDTH) -> int:
    """About how many rows a horizontal legend of ``names`` takes in ``width`` pixels."""
    row, rows = 0.0, 1
    for name in names:
        item = 40 + 7 * len(str(name))  # the swatch, its gaps, ~7 pixels a character
        if row and row + item > width:
            rows, row = rows + 1, 0.0
        row += item
    return rows


def top_margin(heading: str, names: Sequence[str] = (), width: int = _HALF_WIDTH) -> int:
    """The top margin that holds ``heading`` (its ``<br>`` lines) and, under it, a legend of
    ``names`` above the plot (LEGEND_ABOVE_RIGHT) in ``width`` pixels, never overlapping."""
    lines = heading.count("<br>") + 1
    legend = 20 * legend_rows(names, width) + 6 if names else 0
    return 14 + _TITLE_LINE * lines + legend + (8 if names else 0)


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
