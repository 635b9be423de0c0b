"""Overview: where the university stands, in one screen."""

import datetime as dt

import streamlit as st

from sapat.charts.overview import mobility_trend
from sapat.display import Delta, change_delta, rank_delta, share
from sapat.queries import overview as q
from sapat.web import card, chart, entry_guard, lang, query, t

entry_guard()

today = dt.date.today()
home = query(q.home_institution)
st.header(t("ui.overview_title"), divider="gray")
if home:
    st.caption(f"{t('ui.home_university')}: **{home}**")

ranks = query(q.latest_rankings)
mobility = query(q.mobility_by_year)
if ranks.empty and mobility.empty:
    st.info(t("ui.no_data"))
    st.stop()

if not ranks.empty:
    shown = ranks.head(6)
    for column, row in zip(st.columns(len(shown)), shown.itertuples(), strict=True):
        card(
            column,
            f"{t(f'ranking_short.{row.ranking}')} · {row.year}",
            row.rank_display,
            rank_delta(row.movement, row.prev_display, lang()),
            help=row.ranking_name,
        )

cells = iter(st.columns(6))
if not mobility.empty:
    years = sorted(mobility["academic_year"].unique())
    this, last = years[-1], (years[-2] if len(years) > 1 else None)
    counts = mobility.set_index(["academic_year", "direction"])["participants"]
    for direction in ("outgoing", "incoming"):
        now = int(counts.get((this, direction), 0))
        before = int(counts.get((last, direction), 0)) if last else None
        card(
            next(cells),
            t(f"ui.mobility_{direction}", year=this),
            now,
            change_delta(now, before, lang()),
        )
agreements = query(q.agreements_summary, today)
card(
    next(cells),
    t("ui.agreements_active"),
    agreements["active"],
    Delta(
        t("ui.agreements_expiring", count=agreements["expiring"]),
        "orange" if agreements["expiring"] else "gray",
    ),
)
cov = query(q.coverage, today)
card(
    next(cells),
    t("ui.programs_accredited"),
    share(cov["accredited"], cov["programs"]),
    Delta(f"{cov['accredited']} {t('ui.of_total', total=cov['programs'])}"),
)
expiring = query(q.expiring_soon, today)
card(next(cells), t("ui.expiring_180"), expiring, help=t("ui.expiring_180_help"))
kpis = query(q.kpis_off_track)
card(
    next(cells),
    t("ui.kpis_off_track", year=kpis["year"] or "—"),
    kpis["off_track"],
    Delta(t("ui.of_total", total=kpis["measured"]), "red" if kpis["off_track"] else "gray"),
)

if mobility.empty:
    st.info(t("ui.chart_empty"))
else:
    chart(st, mobility_trend(mobility, lang()), "overview_trend")
