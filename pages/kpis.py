"""Strategy KPIs: a scorecard against targets, and one KPI's history and faculty split."""

import pandas as pd
import streamlit as st

from sapat.charts import kpis as charts
from sapat.downloads import table
from sapat.queries import kpis as kq
from sapat.web import chart, entry_guard, header, highlight, lang, query, t

entry_guard()


st.header(t("ui.kpis_title"), divider="gray")
years = query(kq.years)
if not years:
    st.info(t("ui.kpis_empty"))
    st.stop()


def mostly_measured(y: int) -> bool:
    counts = query(kq.status_counts, y)
    return counts["no_value"] * 2 < sum(counts.values())


# Open on the latest year in which most KPIs are measured: a year just begun is mostly empty.
default = next((i for i, y in enumerate(years) if mostly_measured(y)), 0)
left, right = st.columns([1, 4])
year = left.selectbox(t("ui.kpis_year"), years, index=default, key="kpi_year")
card = query(kq.scorecard, year)


def formatted(values: pd.Series, units: pd.Series) -> list[str]:
    return [charts.format_value(v, u, lang()) for v, u in zip(values, units, strict=True)]


def status_text(status: str) -> str:
    return t(f"kpis.status.{status}")


counts = query(kq.status_counts, year)
with right:
    cols = st.columns(len(kq.STATUSES))
    for column, status in zip(cols, kq.STATUSES, strict=True):
        column.metric(status_text(status), counts.get(status, 0), border=True)

shown = pd.DataFrame(
    {
        header("kpi_name"): card[f"name_{lang()}"],
        header("value"): formatted(card["value"], card["unit"]),
        header("target"): formatted(card["target"], card["unit"]),
        header("kpi_status"): card["status"].map(status_text),
        header("change"): card["change"],
        header("history"): card["history"],
        header("unit"): card["unit"].map(lambda u: t(f"code.{u}")),
    }
)
status_colors = {status_text(k): c for k, c in charts.STATUS_COLORS.items()}
table(
    highlight(shown, header("kpi_status"), status_colors),
    "dl_kpi_scorecard",
    t("download.kpi_scorecard", year=year),
    column_config={
        header("history"): st.column_config.LineChartColumn(header("history")),
        header("change"): st.column_config.NumberColumn(format="%+.1f"),
    },
)

st.subheader(t("ui.kpis_drill"))
codes = card["code"].tolist()
labels = dict(zip(card["code"], card[f"name_{lang()}"], strict=True))
code = st.selectbox(t("ui.kpis_choose"), codes, format_func=labels.get, key="kpi_code")
row = card.set_index("code").loc[code]
st.caption(t(f"kpis.direction.{row['direction']}"))
one, two = st.columns(2)
chart(
    one,
    charts.kpi_history(
        query(kq.history, code), lang(), labels[code], row["unit"], row["direction"]
    ),
    "kpi_history",
)
faculties = query(kq.by_faculty, code, year)
if faculties.empty:
    two.info(t("ui.kpis_no_faculty", year=year))
else:
    chart(two, charts.faculty_bars(faculties, lang(), row["unit"]), "kpi_faculties")
