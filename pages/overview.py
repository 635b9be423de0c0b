"""Overview: where the university stands and what needs attention, in one screen."""

import datetime as dt

import streamlit as st

from sapat import identity
from sapat.charts.overview import mobility_trend
from sapat.display import Delta, change_delta, points_delta, rank_delta, share
from sapat.formats import number, percent
from sapat.i18n import code_label
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.queries import mobility as mq
from sapat.queries import overview as oq
from sapat.queries.quality import DEFAULT_DROP_POINTS
from sapat.settings import degree_threshold
from sapat.web import TAB_PARAM, card, chart, entry_guard, lang, query, t

# Where app.py leaves the page of each alert domain (queries.overview.DOMAINS) for this page.
DOMAIN_PAGES_KEY = "_domain_pages"

entry_guard()

today = dt.date.today()
home = query(identity.display_name, lang())
st.header(t("ui.overview_title"), divider="gray")
if home:
    st.caption(f"{t('ui.home_university')}: **{home}**")

ranks = query(oq.latest_rankings)
mobility = query(oq.mobility_by_year)
# Academic quality beside the other headline numbers: (measure, card label key).
QUALITY_CARDS = (
    ("exam_pass_rate", "ui.overview_pass_rate"),
    ("staff_degree_share", "ui.overview_degree_share"),
)
quality = {name: query(msq.latest, name) for name, *_ in QUALITY_CARDS}
if ranks.empty and mobility.empty and not any(m["year"] for m in quality.values()):
    st.info(t("ui.no_data"))
    st.stop()

if not ranks.empty:
    shown = ranks.head(6)
    for column, row in zip(st.columns(len(shown)), shown.itertuples(), strict=True):
        stale = oq.is_stale(row.year, today)
        card(
            column,
            f"{t(f'ranking_short.{row.ranking}')} · {row.year}",
            row.rank_display,
            # An old edition is not where the university stands today: said, not implied.
            Delta(t("ui.rank_stale", year=row.year))
            if stale
            else rank_delta(row.movement, row.prev_display, lang()),
            help=row.ranking_name,
            source=oq.latest_rankings,
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
            source=oq.mobility_by_year,
        )
agr = query(agq.summary, today)
card(
    next(cells),
    t("ui.agreements_active"),
    agr["active"],
    Delta(t("ui.overview_dormant", count=agr["dormant"]), "orange" if agr["dormant"] else "gray"),
    source=agq.summary,
)
acc = query(acq.summary, today)
card(
    next(cells),
    t("ui.programs_accredited"),
    share(acc["accredited"], acc["programs"], lang()),
    Delta(f"{acc['accredited']} {t('ui.of_total', total=acc['programs'])}"),
    source=acq.coverage,
)
card(
    next(cells),
    t("ui.expiring_180"),
    acc["within_180"],
    help=t("ui.expiring_180_help"),
    delta=Delta(
        t("ui.overview_expired", count=acc["expired"]), "red" if acc["expired"] else "gray"
    ),
    source=acq.watch_list,
)
# The year the KPIs page opens on and the deck reports: one count of KPIs off track.
kpi_year = query(kq.open_year, today)
off = query(kq.off_track, kpi_year, today)
counts_kpi = query(kq.status_counts, kpi_year, kq.UNIVERSITY, today) if kpi_year else {}
measured = sum(v for k, v in counts_kpi.items() if k in ("on_track", "at_risk", "off_track"))
card(
    next(cells),
    t("ui.kpis_off_track", year=kpi_year) if kpi_year else t("ui.kpis_off_track_none"),
    len(off),
    Delta(t("ui.of_total", total=measured), "red" if len(off) else "gray"),
    source=(kq.off_track, kq.status_counts),
)

# Quality stands beside the chart rather than in a row of its own, so that the whole
# overview stays on one 1366×768 laptop screen.
left, middle, right = st.columns([5, 3, 6])
with left:
    if mobility.empty:
        st.info(t("ui.chart_empty"))
    else:
        chart(st, mobility_trend(mobility, lang()), "overview_trend", source=oq.mobility_by_year)
with middle:
    for name, label in QUALITY_CARDS:
        m = quality[name]
        if m["year"] is not None:
            card(
                st,
                t(label, year=msq.year_label(name, m["year"])),
                percent(m["value"] / 100, lang(), 1),
                points_delta(m["value"], m["previous"], lang(), 1, "ui.points_change"),
                source=msq.source(name),
            )
with right.container(gap="xsmall"):
    st.markdown(f"**{t('ui.alerts_title')}**")
    flags = query(mq.rule_flags, mq.MobilityFilter(), today)
    quality_flags = query(oq.quality_alerts, degree_threshold())
    alerts = oq.build_alerts(ranks, acc, agr, off, flags, quality_flags)
    if not alerts:
        st.success(t("ui.alerts_none"))
    # The page behind each alert's domain: app.py registers the pages, so it maps them.
    domain_pages = st.session_state.get(DOMAIN_PAGES_KEY, {})
    for alert in alerts[:7]:
        params = dict(alert.params)
        if alert.key == "ranking_drop":
            params["ranking"] = code_label(params["ranking"], lang())
        if alert.key == "pass_rate_drops":
            params["points"] = number(DEFAULT_DROP_POINTS, lang())
        label = t(f"alert.{alert.key}", **params)
        icon = ":material/error:" if alert.severity == 1 else ":material/schedule:"
        target = domain_pages.get(alert.domain)
        if target is None:  # a domain without a page of its own: the alert still shows
            st.markdown(f"{icon} {label}")
        else:
            tab = st.session_state.get("_alert_tabs", {}).get(alert.key)
            st.page_link(
                target, label=label, icon=icon, query_params={TAB_PARAM: tab} if tab else None
            )
