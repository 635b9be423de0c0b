"""Charts of academic quality: pass rates, grades, pass-rate drops, attestation, graduates."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import LEGEND_ABOVE_RIGHT, right_axis, short, titled
from sapat.charts.common import empty as _empty
from sapat.formats import number
from sapat.i18n import code_label, localized, translate

SESSION_COLORS = {"regular": "#1F4E79", "retake": "#E07A1F", "state_attestation": "#2E8B57"}
SESSION_DASH = {"regular": "solid", "retake": "dot"}
# A (best) to F (fail): greens to red, so a worse session reads redder at a glance.
GRADE_COLORS = {"a": "#1E8449", "b": "#58B368", "c": "#C9D66B", "d": "#F0B14A", "f": "#C0392B"}
EMPLOYMENT_COLOR = "#8E44AD"
GRADUATES_COLOR = "#A9C4E0"
PREVIOUS_COLOR = "#95A5A6"
DROP_COLOR = "#C0392B"
LABEL_LENGTH = 40
_ROW = 26  # pixels per row of a horizontal bar chart


def group_label(row: pd.Series, by: str, lang: str, length: int | None = LABEL_LENGTH) -> str:
    """A faculty code as it is, a programme by its name (``localized``; code if unnamed),
    shortened to ``length`` characters for an axis (None: whole, for a table)."""
    if by != "program":
        return str(row["grp"])
    text = localized(row, "name", lang) or str(row["grp"])
    return short(text, length) if length else text


def program_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """Programme names (``localized``; the code where a programme has none), shortened."""
    return [
        short(localized(r, "name", lang) or r["program_code"], LABEL_LENGTH)
        for r in frame.to_dict("records")
    ]


def pass_rate_trend(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Pass rate per academic year, the regular session beside the retake (``pass_rates``
    grouped by 'university' or one faculty)."""
    fig = titled(title, lang, 340)
    if frame.empty:
        return _empty(fig, lang)
    for session in ("regular", "retake"):
        part = frame[frame["session_type"] == session]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["academic_year"],
            y=part["pass_rate"],
            name=code_label(session, lang),
            mode="lines+markers+text",
            line={"color": SESSION_COLORS[session], "dash": SESSION_DASH[session], "width": 3},
            text=[number(v, lang, 1) for v in part["pass_rate"]],
            textposition="top center",
            cliponaxis=False,
        )
    fig.update_xaxes(type="category", title=translate("col.academic_year", lang))
    fig.update_yaxes(title=translate("quality.axis.pass_rate", lang), range=[0, 105])
    return fig


def pass_rate_bars(frame: pd.DataFrame, lang: str, by: str, title: str) -> go.Figure:
    """One year's pass rate per faculty or programme, regular beside retake, lowest at top."""
    groups = frame.drop_duplicates("grp")
    fig = titled(title, lang, max(300, 110 + _ROW * 2 * len(groups)))
    if frame.empty:
        return _empty(fig, lang)
    regular = frame[frame["session_type"] == "regular"].set_index("grp")["pass_rate"]
    order = sorted(groups["grp"], key=lambda g: regular.get(g, 0), reverse=True)
    labels = {r["grp"]: group_label(r, by, lang) for _, r in groups.iterrows()}
    for session in ("retake", "regular"):  # the regular bar on top within each group
        part = frame[frame["session_type"] == session].set_index("grp").reindex(order)
        part = part.dropna(subset=["pass_rate"])
        fig.add_bar(
            y=[labels[g] for g in part.index],
            x=part["pass_rate"],
            orientation="h",
            name=code_label(session, lang),
            marker_color=SESSION_COLORS[session],
            text=[number(v, lang, 1) for v in part["pass_rate"]],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_layout(barmode="group", legend={**LEGEND_ABOVE_RIGHT, "traceorder": "reversed"})
    fig.update_xaxes(title=translate("quality.axis.pass_rate", lang), range=[0, 108])
    fig.update_yaxes(
        automargin=True, categoryorder="array", categoryarray=[labels[g] for g in order][::-1]
    )
    return fig


def grade_bars(frame: pd.DataFrame, lang: str, by: str, title: str) -> go.Figure:
    """Grades A–F of one session as shares of the graded students, per faculty or programme."""
    fig = titled(title, lang, max(300, 120 + _ROW * len(frame)))
    graded = frame[frame["graded"] > 0] if not frame.empty else frame
    if graded.empty:
        return _empty(fig, lang)
    graded = graded.assign(label=[group_label(r, by, lang) for _, r in graded.iterrows()])
    graded = graded.assign(good=(graded["grade_a"] + graded["grade_b"]) / graded["graded"])
    graded = graded.sort_values("good")
    for grade, color in GRADE_COLORS.items():
        shares = 100 * graded[f"grade_{grade}"] / graded["graded"]
        fig.add_bar(
            y=graded["label"],
            x=shares,
            orientation="h",
            name=grade.upper(),
            marker_color=color,
            text=[number(v, lang) if v >= 4 else "" for v in shares],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            customdata=graded[f"grade_{grade}"],
            hovertemplate="%{y}: %{customdata} (%{x:.1f} %)<extra>" + grade.upper() + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=translate("quality.axis.share_of_graded", lang), range=[0, 100])
    fig.update_yaxes(automargin=True)
    return fig


def drop_chart(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Each flagged programme's pass rate the year before (grey) and now (red)."""
    fig = titled(title, lang, max(240, 130 + _ROW * 1.6 * len(frame)))
    if frame.empty:
        return _empty(fig, lang)
    labels = program_labels(frame, lang)
    for label, before, now in zip(labels, frame["previous_rate"], frame["pass_rate"], strict=True):
        fig.add_scatter(
            x=[before, now], y=[label, label], mode="lines", showlegend=False,
            line={"color": "#BDC3C7", "width": 6}, hoverinfo="skip",
        )  # fmt: skip
    for column, years, color, key, position in (
        (
            "previous_rate",
            "prev_year",
            PREVIOUS_COLOR,
            "quality.legend.previous_year",
            "top center",
        ),
        ("pass_rate", "academic_year", DROP_COLOR, "quality.legend.this_year", "bottom center"),
    ):
        # The legend names the year when every programme compares the same two years.
        single = frame[years].nunique() == 1
        fig.add_scatter(
            x=frame[column],
            y=labels,
            mode="markers+text",
            name=str(frame[years].iloc[0]) if single else translate(key, lang),
            marker={"color": color, "size": 14},
            text=[number(v, lang, 1) for v in frame[column]],
            textposition=position,
            cliponaxis=False,
        )
    fig.update_xaxes(title=translate("quality.axis.pass_rate", lang))
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def attestation_bars(frame: pd.DataFrame, lang: str, by: str, title: str) -> go.Figure:
    """One year's state attestation pass rate per faculty or programme (``attestation``),
    the lowest at the top, each with its average score."""
    fig = titled(title, lang, max(300, 110 + _ROW * len(frame)))
    if frame.empty:
        return _empty(fig, lang)
    part = frame.sort_values("pass_rate")
    score = translate("col.avg_score", lang)
    fig.add_bar(
        y=[group_label(r, by, lang) for _, r in part.iterrows()],
        x=part["pass_rate"],
        orientation="h",
        marker_color=SESSION_COLORS["state_attestation"],
        text=[
            f"{number(r, lang, 1)} · {score}: {number(s, lang, 1)}"
            if pd.notna(s)
            else number(r, lang, 1)
            for r, s in zip(part["pass_rate"], part["avg_score"], strict=True)
        ],  # fmt: skip
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
    )
    fig.update_xaxes(title=translate("quality.axis.pass_rate", lang), range=[0, 135])
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def graduates_trend(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Graduates per academic year (bars) and the share employed within a year (line)."""
    fig = titled(title, lang, 340)
    if frame.empty:
        return _empty(fig, lang)
    fig.add_bar(
        x=frame["academic_year"],
        y=frame["graduates_total"],
        name=translate("col.graduates_total", lang),
        marker_color=GRADUATES_COLOR,
        text=[number(v, lang) for v in frame["graduates_total"]],
        textposition="inside",
        insidetextanchor="start",  # at the foot of the bar, clear of the line above
    )
    known = frame.dropna(subset=["employment_rate"])
    fig.add_scatter(
        x=known["academic_year"],
        y=known["employment_rate"],
        name=translate("quality.legend.employment_rate", lang),
        yaxis="y2",
        mode="lines+markers+text",
        line={"color": EMPLOYMENT_COLOR, "width": 3},
        text=[number(v, lang, 1) for v in known["employment_rate"]],
        textposition="top center",
        cliponaxis=False,
    )
    fig.update_layout(
        yaxis={"title": translate("col.graduates_total", lang)},
        yaxis2=right_axis(translate("quality.axis.employment_rate", lang)),
    )
    fig.update_xaxes(type="category", title=translate("col.academic_year", lang))
    return fig


def employment_bars(frame: pd.DataFrame, lang: str, by: str, title: str) -> go.Figure:
    """One year's employment within a year per faculty or programme (``employment``)."""
    known = frame.dropna(subset=["employment_rate"]).sort_values("employment_rate")
    fig = titled(title, lang, max(300, 110 + _ROW * len(known)))
    if known.empty:
        return _empty(fig, lang)
    fig.add_bar(
        y=[group_label(r, by, lang) for _, r in known.iterrows()],
        x=known["employment_rate"],
        orientation="h",
        marker_color=EMPLOYMENT_COLOR,
        customdata=known[["employed_within_year", "graduates_total"]],
        text=[number(v, lang, 1) for v in known["employment_rate"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{customdata[0]} / %{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    fig.update_xaxes(title=translate("quality.axis.employment_rate", lang), range=[0, 108])
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig
