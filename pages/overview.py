"""Overview: where the university stands, in one screen."""

import datetime as dt

import streamlit as st

from sapat.charts.overview import mobility_trend
from sapat.i18n import code_label
from sapat.queries import overview as q
from sapat.web import lang, query, t

today = dt.date.today()
home = query(q.home_institution)
st.title(t("ui.overview_title"))
if home:
    st.caption(f"{t('ui.home_university')}: **{home}**")

ranks = query(q.latest_rankings)
mobility = query(q.mobility_by_year)
if ranks.empty and mobility.empty:
    st.info(t("ui.no_data"))
    st.stop()

if not ranks.empty:
    st.subheader(t("ui.rankings_latest"))
    cols = st.columns(min(len(ranks), 5))
    for col, row in zip(cols, ranks.head(5).itertuples(), strict=False):
        delta, color = None, "off"
        if row.movement == "new":
            delta = t("ui.rank_new")
        elif row.movement == "up":
            delta, color = t("ui.rank_change_better", previous=row.prev_display), "normal"
        elif row.movement == "down":
            delta, color = "-" + t("ui.rank_change_worse", previous=row.prev_display), "normal"
        else:
            delta = t("ui.rank_change_same", previous=row.prev_display)
        col.metric(
            f"{code_label(row.ranking, lang())} · {row.year}", row.rank_display,
            delta=delta, delta_color=color, border=True,
        )

left, right = st.columns([3, 2])
with right:
    if not mobility.empty:
        years = sorted(mobility["academic_year"].unique())
        this, last = years[-1], years[-2] if len(years) > 1 else None
        by = mobility.set_index(["academic_year", "direction"])["participants"]
        a, b = st.columns(2)
        for box, direction, label in ((a, "outgoing", "ui.mobility_outgoing"), (b, "incoming", "ui.mobility_incoming")):
            now = int(by.get((this, direction), 0))
            before = int(by.get((last, direction), 0)) if last else None
            box.metric(
                f"{t(label)} · {this}", now, border=True,
                delta=None if before is None else f"{now - before:+d} {t('ui.vs_last_year')}",
            )
    agreements = query(q.agreements_summary, today)
    cov = query(q.coverage, today)
    c, d = st.columns(2)
    c.metric(t("ui.agreements_active"), agreements["active"], border=True,
             delta=t("ui.agreements_expiring", count=agreements["expiring"]), delta_color="off")
    share = f"{cov['accredited'] / cov['programs']:.0%}" if cov["programs"] else "—"
    d.metric(t("ui.programs_accredited"), share, border=True,
             delta=f"{cov['accredited']} {t('ui.of_total', total=cov['programs'])}", delta_color="off")
    e, f = st.columns(2)
    e.metric(t("ui.expiring_180"), query(q.expiring_soon, today), border=True)
    kpis = query(q.kpis_off_track)
    f.metric(t("ui.kpis_off_track", year=kpis["year"] or "—"), kpis["off_track"], border=True,
             delta=t("ui.of_total", total=kpis["measured"]), delta_color="off")
with left:
    if mobility.empty:
        st.info(t("ui.chart_empty"))
    else:
        st.plotly_chart(mobility_trend(mobility, lang()), width="stretch")
