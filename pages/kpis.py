"""Strategy KPIs: a scorecard against targets, KPIs by faculty, one KPI's history and split."""

import datetime as dt

import pandas as pd
import streamlit as st

from sapat import auth
from sapat.charts import kpis as charts
from sapat.downloads import table
from sapat.provenance import Source
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.source_view import card_help
from sapat.web import (
    chart,
    cursor,
    entry_guard,
    header,
    highlight,
    lang,
    localized_names,
    query,
    t,
    with_names,
)

user = entry_guard()


st.header(t("ui.kpis_title"), divider="gray")
# Snapshot measures (the accredited share) are read on this day; part of the cache key.
today = dt.date.today()
years = query(kq.years, today)
if not years:
    st.info(t("ui.kpis_empty"))
    st.stop()


# Open on the year the overview and the deck report too (a year just begun is mostly empty).
opened = query(kq.open_year, today)
default = years.index(opened) if opened in years else 0
left, right = st.columns([1, 4])
year = left.selectbox(t("ui.kpis_year"), years, index=default, key="kpi_year")
card = query(kq.scorecard, year, kq.UNIVERSITY, today)


def formatted(values: pd.Series, units: pd.Series) -> list[str]:
    return [charts.format_value(v, u, lang()) for v, u in zip(values, units, strict=True)]


def status_text(status: str) -> str:
    return t(f"kpis.status.{status}")


def link_control(code: str, name: str, unit: str, linked: str | None) -> None:
    """Editors of KPIs choose whether this KPI is computed from a quality measure."""
    # "" stands for "not computed": uploaded values.
    names = {"": t("kpis.link_uploaded")}
    names |= {m: t(f"measure.{m}") for m in kq.measure_choices(unit)}
    if linked and linked not in names:
        names[linked] = t(f"measure.{linked}")
    options = list(names)
    with st.columns([3, 2])[0], st.container(border=True):
        choice = st.selectbox(
            t("kpis.link_label"),
            options,
            index=options.index(linked or ""),
            format_func=names.get,
            help=t("kpis.link_help"),
            key=f"kpi_link_{code}",
        )
        if st.button(t("kpis.link_save"), key="kpi_link_save"):
            try:
                if not choice:
                    changed = kq.unlink(cursor(), code, user.username)
                    done = t("kpis.unlinked", name=name)
                else:
                    changed = kq.link(cursor(), code, choice, user.username)
                    done = t("kpis.linked", name=name, measure=names[choice])
            except kq.LinkError as exc:
                st.error(exc.message(lang()))
                return
            st.session_state["_kpi_link_message"] = done if changed else t("kpis.link_unchanged")
            st.rerun()


counts = query(kq.status_counts, year, kq.UNIVERSITY, today)
# Computed KPIs are read from warehouse measures: their datasets are these figures' too.
measured = tuple(Source(msq.source(m).datasets) for m in card["measure"].dropna().unique())
with right:
    cols = st.columns(len(kq.STATUSES))
    for column, status in zip(cols, kq.STATUSES, strict=True):
        column.metric(
            status_text(status),
            counts.get(status, 0),
            border=True,
            help=card_help((kq.status_counts, *measured)),
        )

kpi_names = localized_names(card, others=False)  # every KPI is named in every language
shown = pd.DataFrame(
    {
        header("kpi_name"): kpi_names,
        header("value"): formatted(card["value"], card["unit"]),
        header("target"): formatted(card["target"], card["unit"]),
        header("kpi_status"): card["status"].map(status_text),
        header("change"): [
            charts.format_change(c, u, lang())
            for c, u in zip(card["change"], card["unit"], strict=True)
        ],
        header("history"): card["history"],
        header("unit"): card["unit"].map(lambda u: t(f"code.{u}")),
        t("kpis.col_computed"): card["measure"].notna(),
        # Where an upload says otherwise than the warehouse: both are shown, never one silently.
        t("kpis.col_uploaded"): [
            f"⚠ {charts.format_value(u, unit, lang())}" if flag else ""
            for u, unit, flag in zip(card["uploaded"], card["unit"], card["differs"], strict=True)
        ],
    }
)
differing = card[card["differs"]]
if not differing.empty:
    st.warning(
        t(
            "kpis.differs",
            year=year,
            kpis="; ".join(
                t(
                    "kpis.differs_item",
                    name=name,
                    uploaded=charts.format_value(r.uploaded, r.unit, lang()),
                    computed=charts.format_value(r.value, r.unit, lang()),
                )
                for name, r in zip(
                    localized_names(differing, others=False), differing.itertuples(), strict=True
                )
            ),
        ),
        icon=":material/difference:",
    )
status_colors = {status_text(k): c for k, c in charts.STATUS_COLORS.items()}
table(
    highlight(shown, header("kpi_status"), status_colors),
    "dl_kpi_scorecard",
    t("download.kpi_scorecard", year=year),
    source=(kq.scorecard, *measured),
    column_config={
        header("history"): st.column_config.LineChartColumn(header("history")),
    },
)

st.subheader(t("scorecard.title", year=year))
matrix = query(kq.faculty_scorecard, year, today)
if matrix.empty:
    st.info(t("scorecard.empty", year=year))
else:
    st.caption(t("scorecard.note"))
    table(
        charts.faculty_matrix(with_names(matrix), lang()),
        "dl_kpi_faculty_matrix",
        t("scorecard.download", year=year),
        # Every KPI in sight: a header row and a row per KPI, 35 pixels each.
        height=35 * (matrix["code"].nunique() + 1) + 3,
        source=(kq.faculty_scorecard, *measured),
    )

st.subheader(t("ui.kpis_drill"))
codes = card["code"].tolist()
labels = dict(zip(card["code"], kpi_names, strict=True))
code = st.selectbox(t("ui.kpis_choose"), codes, format_func=labels.get, key="kpi_code")
row = card.set_index("code").loc[code]
st.caption(t(f"kpis.direction.{row['direction']}"))
linked = row["measure"] if pd.notna(row["measure"]) else None
if linked:
    st.caption(t("kpis.computed", measure=t(f"measure.{linked}")))
message = st.session_state.pop("_kpi_link_message", None)
if message:
    st.success(message)
# Only where there is a choice: no measure is counted in, say, som or ranks.
if auth.can_edit(user.roles, "kpi_values") and (linked or kq.measure_choices(row["unit"])):
    link_control(code, labels[code], row["unit"], linked)
# One KPI: computed from its measure, or uploaded.
computed_from = (msq.source(linked),) if linked else ()
one, two = st.columns(2)
chart(
    one,
    charts.kpi_history(
        query(kq.history, code, kq.UNIVERSITY, None, today),
        lang(),
        labels[code],
        row["unit"],
        row["direction"],
    ),
    "kpi_history",
    source=(kq.history, *computed_from),
)
faculties = query(kq.by_faculty, code, year, today)
if faculties.empty:
    two.info(t("ui.kpis_no_faculty", year=year))
else:
    figure = charts.faculty_bars(with_names(faculties), lang(), row["unit"])
    chart(two, figure, "kpi_faculties", source=(kq.by_faculty, *computed_from))
