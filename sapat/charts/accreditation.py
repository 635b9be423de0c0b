"""Charts of licences and accreditations: coverage, validity timeline, agencies, actions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from sapat.charts.common import (
    LEGEND_ABOVE_RIGHT,
    categories_top_down,
    short,
    top_margin,
    wrapped,
)
from sapat.charts.common import empty as _empty
from sapat.charts.common import title as _title
from sapat.display import format_date
from sapat.formats import is_number, percent
from sapat.i18n import code_label, column_label, localized, translate

# Expiry class → colour (queries.accreditation.EXPIRY), then the normal and open-ended
# colours of each kind of item: licences blue, accreditations green, open-ended lighter.
EXPIRY_COLORS = {"expired": "#C0392B", "within_90": "#E07A1F", "within_180": "#D4AC0D"}
NORMAL_COLORS = {"license": "#1F4E79", "accreditation": "#2E8B57"}
OPEN_COLORS = {"license": "#A9C4E0", "accreditation": "#A8D5BA"}
# Licences are hatched, accreditations solid, and they sit in separate lanes of a row.
KIND_PATTERNS = {"license": "/", "accreditation": ""}
KINDS = ("license", "accreditation")
# The bar classes of the gantt, in legend order: the expiry classes, then in force for more
# than 180 days, then open-ended.
BAR_CLASSES = ("expired", "within_90", "within_180", "valid", "open_ended")
# Licence and accreditation statuses under which an item grants validity: only these have a
# period worth drawing (a planned or denied accreditation, a revoked licence have none).
DRAWN_STATUSES = {
    "license": ("active", "expired"),
    "accreditation": ("accredited", "conditional", "expired"),
}
STATUS_COLORS = {
    "accredited": "#2E8B57",
    "conditional": "#82C99A",
    "expired": "#C0392B",
    "denied": "#7F8C8D",
    "site_visit": "#1F4E79",
    "self_assessment": "#5B8DB8",
    "planned": "#B0BEC5",
}
STATUS_ORDER = (
    "accredited",
    "conditional",
    "site_visit",
    "self_assessment",
    "planned",
    "expired",
    "denied",
)
ACTION_ORDER = ("open", "in_progress", "done", "cancelled")
ACTION_COLOR = "#1F4E79"
OVERDUE_COLOR = "#C0392B"
SHARE_COLORS = {"accredited_share": "#2E8B57", "licensed_share": "#1F4E79"}
OTHER_COLORS = ("#1F4E79", "#E07A1F", "#8E44AD", "#16A085", "#D4AC0D")
LEVEL_ORDER = ("college", "bachelor", "specialist", "master", "phd", "residency")
GANTT_LIMIT = 120  # rows (programmes) of the gantt: the ~80 of a university fit
LABEL_LENGTH = 44
_ROW_HEIGHT = 26
_GANTT_TOP = 150  # pixels above the gantt's plot: title, legend, date ticks
_FOREVER = pd.Timestamp("2200-01-01")
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def expiry_label(expiry: str, lang: str) -> str:
    """One of queries.accreditation.EXPIRY in ``lang``."""
    key = "accreditation.expiry." + expiry
    return translate(key, lang)


def item_kind_label(kind: str, lang: str) -> str:
    """'license' or 'accreditation' in ``lang``."""
    key = "accreditation.item_kind." + kind
    return translate(key, lang)


def _has(frame: pd.DataFrame | None, *columns: str) -> bool:
    return frame is not None and not frame.empty and all(c in frame.columns for c in columns)


def _ordered(present: list[str], order: tuple[str, ...]) -> list[str]:
    return [s for s in order if s in present] + [s for s in present if s not in order]


def coverage_bars(frame: pd.DataFrame, lang: str, group_type: str = "faculty") -> go.Figure:
    """Shares of active programmes accredited and licensed today, per faculty or level.

    ``frame`` is the output of ``coverage``; ``group_type`` picks its 'faculty' or 'level'
    rows. Two horizontal bars per group on a 0–100 % axis, each labelled with its percent
    at its end (side by side, upright bars too narrow for their labels ran them together);
    the hover gives the counts behind it.
    """
    fig = go.Figure()
    key = (
        "accreditation.coverage_title_level"
        if group_type == "level"
        else "accreditation.coverage_title_faculty"
    )
    heading = wrapped(translate(key, lang))
    fig.update_layout(height=360, margin=_MARGIN, title=_title(heading))
    columns = ("group_type", "group_value", "programs", "accredited_share", "licensed_share")
    if not _has(frame, *columns):
        return _empty(fig, lang)
    data = frame[(frame["group_type"] == group_type) & (frame["programs"] > 0)]
    if data.empty:
        return _empty(fig, lang)
    if group_type == "level":
        order = _ordered(list(data["group_value"]), LEVEL_ORDER)
        data = data.set_index("group_value").loc[order].reset_index()
        labels = [code_label(v, lang) for v in data["group_value"]]
    else:
        data = data.sort_values("group_value", kind="stable")
        labels = [str(v) for v in data["group_value"]]
    programs_word = translate("accreditation.programs", lang)
    names = []
    for share, count, key in (
        ("accredited_share", "accredited", "accreditation.accredited"),
        ("licensed_share", "licensed", "accreditation.licensed"),
    ):
        name = translate(key, lang)
        names.append(name)
        values = data[share].astype(float)
        counts = data[count] if count in data.columns else pd.Series(pd.NA, index=data.index)
        fig.add_bar(
            y=labels,
            x=values,
            orientation="h",
            name=name,
            marker_color=SHARE_COLORS[share],
            text=[percent(v, lang) if is_number(v) else "" for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=list(zip(counts.fillna(0), data["programs"], strict=True)),
            hovertemplate=(
                f"%{{y}}<br>{name}: %{{x:.0%}} "
                f"(%{{customdata[0]}} / %{{customdata[1]}} {programs_word})<extra></extra>"
            ),
        )
    top = top_margin(heading, names)
    fig.update_layout(
        barmode="group",
        bargap=0.2,
        # 36 px a group of two bars: eight faculties and the cards above them print on
        # one A4 landscape page (tests/test_browser_print.py).
        height=max(320, 36 * len(labels) + top + 60),
        margin={**_MARGIN, "t": top},
        # Listed as drawn, top-down: Plotly draws a group's first bar at the bottom.
        legend={**LEGEND_ABOVE_RIGHT, "traceorder": "reversed"},
        xaxis={
            "title": translate("accreditation.share_axis", lang),
            "tickformat": ".0%",
            "range": [0, 1.15],
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
        },
        # The first group on top; the title names what the groups are.
        yaxis=categories_top_down(labels),
    )
    return fig


def _row_label(row: pd.Series, lang: str) -> str:
    if not isinstance(row.get("program_code"), str):
        return translate("accreditation.institution", lang)
    name = localized(row, "name", lang)
    return f"{row['program_code']} · {_shorten(name)}" if name else str(row["program_code"])


def _bar_class(row: pd.Series) -> str:
    if isinstance(row.get("expiry"), str) and row["expiry"] in EXPIRY_COLORS:
        return row["expiry"]
    return "open_ended" if pd.isna(row["valid_until"]) else "valid"


def _attention(data: pd.DataFrame) -> set:
    """Rows (programme keys) whose latest licence or accreditation has ended or ends soon.

    The latest item of each kind is the one lasting longest (open-ended counts as forever),
    so a renewed item's old expired cycle does not call for attention: the same idea as the
    watch list, without its database.
    """
    latest = data.assign(
        _end=data["valid_until"].fillna(_FOREVER),
        _flag=data["expiry"].isin(list(EXPIRY_COLORS)),
    ).sort_values("_end", kind="stable")
    last = latest.groupby(["_row", "item_kind"], sort=False).tail(1)
    return set(last.loc[last["_flag"], "_row"])


def validity_gantt(
    frame: pd.DataFrame, lang: str, today: dt.date, limit: int = GANTT_LIMIT
) -> go.Figure:
    """Validity periods of licences and accreditations (output of ``timeline``), per programme.

    One row per programme (the institution on top), accreditations (solid) in the upper lane
    of a row and licences (hatched) in the lower one; a bar runs from valid_from to
    valid_until, coloured by expiry: red expired, amber within 90 days, yellow within 180,
    otherwise the kind's colour; open-ended items run to the right edge in a lighter colour.
    Only granting statuses are drawn (DRAWN_STATUSES). A dashed line marks ``today``.

    With more than ``limit`` programmes, those whose latest item has ended or ends within
    180 days come first, and the first ``limit`` rows are shown (the title says how many).
    """
    fig = go.Figure()
    title = translate("accreditation.gantt_title", lang)
    fig.update_layout(height=360, margin=_MARGIN, title=_title(title))
    columns = ("item_kind", "item_id", "status", "valid_from", "valid_until")
    if not _has(frame, *columns):
        return _empty(fig, lang)
    drawn = [
        kind in DRAWN_STATUSES and status in DRAWN_STATUSES[kind]
        for kind, status in zip(frame["item_kind"], frame["status"], strict=True)
    ]
    data = frame[drawn].copy()
    data = data[data["valid_from"].notna() | data["valid_until"].notna()]
    if data.empty:
        return _empty(fig, lang)
    if "expiry" not in data.columns:
        data["expiry"] = None
    if "program_code" not in data.columns:
        data["program_code"] = None
    data["valid_from"] = pd.to_datetime(data["valid_from"])
    data["valid_until"] = pd.to_datetime(data["valid_until"])
    data["_row"] = data["program_code"].where(data["program_code"].notna(), "")
    rows = list(dict.fromkeys(data["_row"]))  # timeline order: institution, faculty, code
    total, limit = len(rows), max(1, int(limit))
    if total > limit:
        urgent = _attention(data)
        keep = set(
            ([r for r in rows if r in urgent] + [r for r in rows if r not in urgent])[:limit]
        )
        rows = [r for r in rows if r in keep]
        data = data[data["_row"].isin(keep)]
        title = translate("accreditation.gantt_title_limited", lang, shown=len(rows), total=total)
        fig.update_layout(title=_title(title))
    labels = {}
    for _, row in data.drop_duplicates("_row").iterrows():
        labels[row["_row"]] = _row_label(row, lang)
    data["_label"] = data["_row"].map(labels)
    data["_class"] = [_bar_class(r) for _, r in data.iterrows()]

    now = pd.Timestamp(today)
    last_end = data["valid_until"].max()
    right = max(now, last_end if pd.notna(last_end) else now) + pd.Timedelta(days=365)
    first = data["valid_from"].min()
    left = (first if pd.notna(first) else now) - pd.Timedelta(days=120)
    start = data["valid_from"].fillna(left)
    end = data["valid_until"].fillna(right)

    open_word = translate("accreditation.open_ended", lang)
    status_word = column_label("status", lang)
    for kind in KINDS:
        kind_name = item_kind_label(kind, lang)
        for bar_class in BAR_CLASSES:
            mask = (data["item_kind"] == kind) & (data["_class"] == bar_class)
            if not mask.any():
                continue
            part = data[mask]
            if bar_class in EXPIRY_COLORS:
                color, name = EXPIRY_COLORS[bar_class], expiry_label(bar_class, lang)
            elif bar_class == "open_ended":
                color, name = OPEN_COLORS[kind], open_word
            else:
                color, name = NORMAL_COLORS[kind], translate("accreditation.valid", lang)
            until = [
                format_date(v, lang) if pd.notna(v) else open_word for v in part["valid_until"]
            ]
            since = [format_date(v, lang) if pd.notna(v) else "…" for v in part["valid_from"]]
            fig.add_bar(
                y=part["_label"],
                x=((end[mask] - start[mask]).dt.total_seconds() * 1000).tolist(),
                base=[v.isoformat() for v in start[mask]],
                orientation="h",
                name=name,
                legendgroup=kind,
                legendgrouptitle_text=kind_name,
                offsetgroup=kind,
                marker={
                    "color": color,
                    "pattern": {
                        "shape": KIND_PATTERNS[kind],
                        "fgcolor": "#FFFFFF",
                        "size": 6,
                        "fillmode": "overlay",
                    },
                    "line": {"width": 0},
                },
                customdata=list(
                    zip(
                        part["item_id"],
                        part["body"] if "body" in part.columns else [""] * len(part),
                        [code_label(s, lang) for s in part["status"]],
                        since,
                        until,
                        strict=True,
                    )
                ),
                hovertemplate=(
                    f"%{{y}}<br>{kind_name} %{{customdata[0]}} · %{{customdata[1]}}"
                    f"<br>{status_word}: %{{customdata[2]}}"
                    f"<br>%{{customdata[3]}} – %{{customdata[4]}}<extra>{name}</extra>"
                ),
            )
    # The today line: a shape and a label rather than add_vline, which mishandles dates.
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=now.isoformat(),
        x1=now.isoformat(),
        y0=0,
        y1=1,
        line={"color": "#102A43", "width": 1.5, "dash": "dash"},
    )
    # Its label inside the plot, by the line's top, in a row of its own (the axis runs half
    # a row further up than the first programme): above the plot are the date ticks, and
    # in the first programme's row it covered that row's bars. Left of the line, because
    # today sits near the right end of the axis.
    fig.add_annotation(
        x=now.isoformat(),
        y=1,
        xref="x",
        yref="paper",
        xanchor="right",
        yanchor="top",
        text=translate("accreditation.today", lang, date=format_date(today, lang)),
        showarrow=False,
        bgcolor="rgba(255,255,255,0.85)",
        font={"size": 11, "color": "#102A43"},
    )
    order = [labels[r] for r in rows]
    height = max(360, _ROW_HEIGHT * (len(order) + 1) + _GANTT_TOP + 20)
    # Title, legend and date ticks above the plot at fixed pixel offsets, whatever the height.
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        height=height,
        margin={**_MARGIN, "t": _GANTT_TOP},
        title={**_title(title), "yref": "container", "y": 1 - 8 / height, "yanchor": "top"},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - 36 / height,
            "yanchor": "top",
            "x": 0,
            "groupclick": "toggleitem",
        },
        xaxis={"type": "date", "range": [left.isoformat(), right.isoformat()], "side": "top"},
        # Institution on top, then programmes in timeline order; above them today's row.
        yaxis={**categories_top_down(order), "range": [-0.5, len(order) + 0.5]},
    )
    return fig


def agency_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Accreditations per agency (output of ``by_agency``), stacked by status.

    International agencies are hatched and named with their kind, and listed after the
    national ones; within a kind, the busiest on top.
    """
    fig = go.Figure()
    fig.update_layout(
        height=320, margin=_MARGIN, title=_title(translate("accreditation.agency_title", lang))
    )
    if not _has(frame, "agency", "kind", "status", "accreditations"):
        return _empty(fig, lang)
    agencies = (
        frame.groupby(["agency", "kind"], sort=False)["accreditations"]
        .sum()
        .reset_index()
        .assign(_intl=lambda d: d["kind"] == "international")
        # Plotly draws the first category at the bottom: international and smallest first.
        .sort_values(["_intl", "accreditations", "agency"], ascending=[False, True, False])
    )
    keys = list(zip(agencies["agency"], agencies["kind"], strict=True))
    labels = [f"{a} ({code_label(k, lang)})" for a, k in keys]
    patterns = ["/" if k == "international" else "" for _, k in keys]
    statuses = _ordered(list(dict.fromkeys(frame["status"])), STATUS_ORDER)
    counts = frame.groupby(["agency", "kind", "status"])["accreditations"].sum()
    for i, status in enumerate(statuses):
        values = [float(counts.get((a, k, status), 0)) for a, k in keys]
        name = code_label(status, lang)
        fig.add_bar(
            y=labels,
            x=values,
            orientation="h",
            name=name,
            marker={
                "color": STATUS_COLORS.get(status, OTHER_COLORS[i % len(OTHER_COLORS)]),
                "pattern": {
                    "shape": patterns,
                    "fgcolor": "#FFFFFF",
                    "size": 6,
                    "fillmode": "overlay",
                },
            },
            text=[f"{v:g}" if v else "" for v in values],
            textposition="inside",
            hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
        )
    # A long legend (Kyrgyz status names) wraps to a second row: room for it under the title.
    top = max(70, top_margin("", [code_label(s, lang) for s in statuses], width=800))
    fig.update_layout(
        barmode="stack",
        height=max(260, 44 * len(labels) + top + 60),
        margin={**_MARGIN, "t": top},
        legend=LEGEND_ABOVE_RIGHT,
        xaxis_title=translate("accreditation.count_axis", lang),
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "automargin": True,
        },
    )
    return fig


def actions_bar(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Corrective actions per status (output of ``action_summary``), overdue ones in red."""
    fig = go.Figure()
    fig.update_layout(
        height=320, margin=_MARGIN, title=_title(translate("accreditation.actions_title", lang))
    )
    if not _has(frame, "status", "items"):
        return _empty(fig, lang)
    data = frame.groupby("status", sort=False)[
        ["items", "overdue"] if "overdue" in frame.columns else ["items"]
    ].sum()
    if "overdue" not in data.columns:
        data["overdue"] = 0
    order = _ordered(list(data.index), ACTION_ORDER)
    data = data.loc[order]
    labels = [code_label(s, lang) for s in order]
    overdue = data["overdue"].astype(float)
    on_time = data["items"].astype(float) - overdue
    for values, key, color in (
        (on_time, "accreditation.not_overdue", ACTION_COLOR),
        (overdue, "accreditation.overdue", OVERDUE_COLOR),
    ):
        name = translate(key, lang)
        fig.add_bar(
            x=labels,
            y=values.tolist(),
            name=name,
            marker_color=color,
            text=[f"{v:g}" if v else "" for v in values],
            textposition="inside",
            hovertemplate=f"%{{x}}<br>{name}: %{{y}}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        margin={**_MARGIN, "t": 70},
        legend=LEGEND_ABOVE_RIGHT,
        yaxis_title=translate("accreditation.items_axis", lang),
        xaxis={"type": "category"},
    )
    return fig


def _shorten(text: object) -> str:
    return short(text, LABEL_LENGTH)
