"""Charts of the surveys: satisfaction over the years, by faculty, the weakest questions."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import empty as _empty
from sapat.charts.common import titled
from sapat.formats import number
from sapat.i18n import code_label, translate

GROUP_COLORS = {
    "students": "#1F4E79",
    "staff": "#E07A1F",
    "graduates": "#2E8B57",
    "employers": "#8E44AD",
}
# Red for dissatisfied through green for satisfied, centred on the scale's middle (3).
HEAT_SCALE = [[0.0, "#C0392B"], [0.5, "#F7DC6F"], [1.0, "#1E8449"]]
LOW_COLOR = "#C0392B"
QUESTION_WRAP = 55
# Figures go to the browser as the chart shows them: means to two decimals, shares to whole
# percent. The figure's JSON is the viewer's to read, and unrounded means are what a
# subtraction attack needs.
SCORE_DECIMALS = 2


def satisfaction_trend(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Mean score (1–5) per academic year, one line per respondent group (``satisfaction``)."""
    fig = titled(title, lang, 360)
    if frame.empty:
        return _empty(fig, lang)
    for group, color in GROUP_COLORS.items():
        part = frame[frame["respondent_group"] == group]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["academic_year"],
            y=part["mean_score"].astype("float64").round(SCORE_DECIMALS),
            name=code_label(group, lang),
            mode="lines+markers",
            line={"color": color, "width": 3},
            customdata=(100 * part["share_satisfied"].astype("float64")).round(0),
            hovertemplate="%{x}: %{y:.2f} · %{customdata:.0f} %<extra>"
            + code_label(group, lang)
            + "</extra>",
        )
    fig.update_xaxes(type="category", title=translate("col.academic_year", lang))
    fig.update_yaxes(title=translate("surveys.axis.mean_score", lang), range=[1, 5])
    return fig


def faculty_heatmap(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """One group's mean score per faculty (rows) and academic year (columns)."""
    fig = titled(title, lang, 360)
    if frame.empty:
        return _empty(fig, lang)
    grid = frame.pivot(index="faculty", columns="academic_year", values="mean_score")
    grid = grid.astype("float64").round(SCORE_DECIMALS)
    fig.add_heatmap(
        z=grid.values,
        x=list(grid.columns),
        y=list(grid.index),
        zmin=1,
        zmax=5,
        colorscale=HEAT_SCALE,
        text=[[number(v, lang, 2) if pd.notna(v) else "" for v in row] for row in grid.values],
        texttemplate="%{text}",
        colorbar={"title": {"text": "1–5"}},
        hovertemplate="%{y} · %{x}: %{z:.2f}<extra></extra>",
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(autorange="reversed")
    return fig


def lowest_bars(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """The lowest-scoring questions (``lowest_questions``), lowest at the top, with wrapped
    question texts and their respondent group."""
    fig = titled(title, lang, max(300, 120 + 44 * len(frame)))
    if frame.empty:
        return _empty(fig, lang)
    labels = [
        "<br>".join(textwrap.wrap(f"{q} ({code_label(g, lang)})", QUESTION_WRAP)[:3])
        for q, g in zip(frame["question"], frame["respondent_group"], strict=True)
    ]
    fig.add_bar(
        y=labels,
        x=frame["mean_score"].astype("float64").round(SCORE_DECIMALS),
        orientation="h",
        marker_color=[GROUP_COLORS.get(g, LOW_COLOR) for g in frame["respondent_group"]],
        text=[number(v, lang, 2) for v in frame["mean_score"]],
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
    )
    fig.update_xaxes(title=translate("surveys.axis.mean_score", lang), range=[1, 5.3])
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig
