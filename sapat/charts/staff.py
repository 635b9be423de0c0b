"""Charts of the teaching staff: degrees and titles, the degree share, the staff rating."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import empty as _empty
from sapat.charts.common import right_axis, titled
from sapat.formats import number, percent
from sapat.i18n import translate

# Doctors of science darkest; staff without a degree a light grey.
DEGREE_COLORS = {
    "doctors_of_science": "#0B3558",
    "candidates_of_science": "#1F4E79",
    "phd_holders": "#5B8DB8",
    "without_degree": "#D5DBDB",
}
TITLE_COLORS = {"professors": "#7D3C98", "associate_professors": "#BB8FCE"}
BELOW_COLOR = "#C0392B"
MEETS_COLOR = "#2E8B57"
THRESHOLD_COLOR = "#7F8C8D"
SHARE_COLOR = "#E07A1F"
INTERNATIONAL_COLOR = "#16A085"
PART_COLORS = {
    "teaching_score": "#1F4E79",
    "research_score": "#E07A1F",
    "service_score": "#16A085",
}
BOX_COLOR = "#5B8DB8"
_ROW = 30
# Rating figures go to the browser as the chart shows them, one decimal: the figure's JSON
# is the viewer's to read, and unrounded means are what a subtraction attack needs.
RATING_DECIMALS = 1
_BOX = {"q1": "p25", "median": "median", "q3": "p75", "lowerfence": "p10", "upperfence": "p90"}
# The rating's two charts stand side by side, each half a laptop screen wide: a longer
# title goes on two lines rather than run out of the chart, and the three parts' legend
# goes below the plot, where it cannot run into the title.
_HALF_TITLE = 46
_HALF_HEIGHT = 420
_LEGEND_BELOW = {"orientation": "h", "y": -0.32, "yanchor": "top", "x": 0, "xanchor": "left"}


def _half_title(text: str) -> str:
    return "<br>".join(textwrap.wrap(text, _HALF_TITLE))


def composition_trend(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Headcount per year split by the highest degree (``composition_by_year``), with the
    share holding any degree as a line on the right axis."""
    fig = titled(title, lang, 380)
    if frame.empty:
        return _empty(fig, lang)
    for column, color in DEGREE_COLORS.items():
        fig.add_bar(
            x=frame["year"].astype(str),
            y=frame[column],
            name=translate(f"staff.legend.{column}", lang),
            marker_color=color,
        )
    fig.add_scatter(
        x=frame["year"].astype(str),
        y=100 * frame["degree_share"],
        name=translate("staff.legend.degree_share", lang),
        yaxis="y2",
        mode="lines+markers+text",
        line={"color": SHARE_COLOR, "width": 3},
        text=[percent(v, lang, 1) for v in frame["degree_share"]],
        textposition="top center",
        cliponaxis=False,
    )
    fig.update_layout(
        barmode="stack",
        yaxis={"title": translate("col.headcount", lang)},
        yaxis2=right_axis(translate("staff.axis.degree_share", lang)),
    )
    fig.update_xaxes(type="category", title=translate("staff.axis.year", lang))
    return fig


def titles_by_faculty(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Professors and associate professors per faculty in one year (``composition_by_faculty``)."""
    fig = titled(title, lang, 340)
    if frame.empty:
        return _empty(fig, lang)
    for column, color in TITLE_COLORS.items():
        fig.add_bar(
            x=frame["faculty"],
            y=frame[column],
            name=translate(f"col.{column}", lang),
            marker_color=color,
            text=frame[column],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=translate("staff.axis.people", lang))
    return fig


def degree_share_bars(frame: pd.DataFrame, lang: str, threshold: float, title: str) -> go.Figure:
    """Each faculty's degree share (``degree_share``) against the licensing threshold;
    faculties below it in red."""
    fig = titled(title, lang, max(300, 130 + _ROW * len(frame)))
    if frame.empty:
        return _empty(fig, lang)
    below = frame["below"].astype(bool)
    fig.add_bar(
        y=frame["faculty"],
        x=100 * frame["degree_share"],
        orientation="h",
        marker_color=[BELOW_COLOR if b else MEETS_COLOR for b in below],
        text=[
            f"{percent(s, lang, 1)} ({number(d, lang)} / {number(h, lang)})"
            for s, d, h in zip(
                frame["degree_share"], frame["with_degree"], frame["headcount"], strict=True
            )
        ],
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
    )
    fig.add_vline(x=100 * threshold, line={"color": THRESHOLD_COLOR, "dash": "dash", "width": 2})
    # The line's label sits above the plot, where no bar or bar label can run into it.
    fig.add_annotation(
        x=100 * threshold,
        y=1,
        yref="paper",
        yanchor="bottom",
        text=translate("staff.threshold_line", lang, share=percent(threshold, lang)),
        showarrow=False,
        font={"color": THRESHOLD_COLOR},
    )
    fig.update_xaxes(title=translate("staff.axis.degree_share", lang), range=[0, 118])
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def international_trend(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """International staff per year (bars) and their share of the headcount (line)."""
    fig = titled(title, lang, 340)
    if frame.empty or frame["international_staff"].isna().all():
        return _empty(fig, lang)
    years = frame["year"].astype(str)
    fig.add_bar(
        x=years,
        y=frame["international_staff"],
        name=translate("col.international_staff", lang),
        marker_color=INTERNATIONAL_COLOR,
        text=[number(v, lang) for v in frame["international_staff"]],
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_scatter(
        x=years,
        y=100 * frame["international_share"],
        name=translate("staff.legend.international_share", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": SHARE_COLOR, "width": 3},
        hovertemplate="%{y:.1f} %<extra></extra>",
    )
    top = float(frame["international_staff"].max() or 1)
    share_top = float(100 * frame["international_share"].max() or 1)
    fig.update_layout(
        yaxis={"title": translate("staff.axis.people", lang), "range": [0, top * 1.25]},
        yaxis2=right_axis(translate("staff.axis.international_share", lang), share_top * 1.4, None),
    )
    fig.update_xaxes(type="category", title=translate("staff.axis.year", lang))
    return fig


def _shown_rating(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The shown (not hidden) rows of ``rating_summary``, figures rounded as drawn, with a
    ``label`` in ``lang``."""
    shown = summary[~summary["hidden"].astype(bool)] if not summary.empty else summary
    figures = [c for c in shown.columns if c not in ("faculty", "people", "hidden")]
    shown = shown.assign(**{c: shown[c].astype("float64").round(RATING_DECIMALS) for c in figures})
    return shown.assign(
        label=[
            translate("staff.university", lang) if f == "university" else f
            for f in shown["faculty"]
        ]
    )


def rating_boxes(summary: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Total rating scores per faculty as boxes drawn from aggregates (``rating_summary``):
    whiskers at the 10th and 90th percentiles, the box from the 25th to the 75th, the
    median and the mean. A group without percentiles (too few for a box) is its mean alone;
    hidden (too small) faculties are left out."""
    shown = _shown_rating(summary, lang)
    fig = titled(_half_title(title), lang, _HALF_HEIGHT)
    if shown.empty:
        return _empty(fig, lang)
    shown = shown.assign(_order=shown["median"].fillna(shown["mean_total"])).sort_values("_order")
    boxed = shown[shown["median"].notna()]
    if not boxed.empty:
        fig.add_trace(
            go.Box(
                x=boxed["label"],
                mean=boxed["mean_total"],
                marker_color=BOX_COLOR,
                name=translate("col.total_score", lang),
                showlegend=False,
                **{key: boxed[column] for key, column in _BOX.items()},
            )
        )
    means = shown[shown["median"].isna()]
    if not means.empty:
        fig.add_scatter(
            x=means["label"],
            y=means["mean_total"],
            mode="markers",
            marker={"color": BOX_COLOR, "symbol": "diamond", "size": 11},
            name=translate("ui.col_mean_total", lang),
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
            showlegend=False,
        )
    fig.update_xaxes(categoryorder="array", categoryarray=list(shown["label"]))
    fig.update_yaxes(title=translate("col.total_score", lang))
    return fig


def rating_parts(summary: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Mean teaching, research and service scores per faculty (hidden faculties left out)."""
    shown = _shown_rating(summary, lang)
    fig = titled(_half_title(title), lang, _HALF_HEIGHT)
    fig.update_layout(legend=_LEGEND_BELOW)
    if shown.empty:
        return _empty(fig, lang)
    for column, color in PART_COLORS.items():
        fig.add_bar(
            x=shown["label"],
            y=shown[column],
            name=translate(f"col.{column}", lang),
            marker_color=color,
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=translate("staff.axis.mean_score", lang), range=[0, 100])
    return fig
