"""Academic mobility: headline numbers, trends, partner countries, credits and rule flags."""

import datetime as dt

import pandas as pd
import streamlit as st

from sapat.charts import mobility as charts
from sapat.display import change_delta
from sapat.downloads import table
from sapat.queries import mobility as mq
from sapat.web import (
    any_of,
    card,
    chart,
    entry_guard,
    faculty_label,
    labelled,
    lang,
    lazy_tabs,
    query,
    t,
    with_names,
)

entry_guard()

FLAG_ROWS_SHOWN = 500  # the newest rows behind a flag; the count above is complete

st.header(t("ui.mobility_title"), divider="gray")
opts = query(mq.options)
if not opts["years"]:
    st.info(t("ui.mobility_empty"))
    st.stop()

years = opts["years"]
first, last = (
    st.select_slider(t("ui.mobility_years"), years, value=(years[0], years[-1]), key="mob_years")
    if len(years) > 1
    else (years[0], years[0])
)
chosen_years = tuple(y for y in years if first <= y <= last)


def pick(column, field: str, shown=None) -> tuple:
    label = t(f"ui.mobility_filter_{field}")
    return any_of(column, label, opts[field], f"mob_{field}", shown=shown)


with st.expander(t("ui.filters"), icon=":material/filter_alt:"):
    # Faculties by name need the room of two filters.
    row1, row2 = st.columns(4), st.columns([2, 1, 1])
    flt = mq.MobilityFilter(
        years=chosen_years,
        directions=pick(row1[0], "directions"),
        scopes=pick(row1[1], "scopes"),
        categories=pick(row1[2], "categories"),
        programs=pick(row1[3], "programs"),
        faculties=pick(row2[0], "faculties", faculty_label),
        formats=pick(row2[1], "formats"),
        durations=pick(row2[2], "durations"),
    )

head = query(mq.headline, flt, last)
for column, row in zip(st.columns(len(head)), head.itertuples(), strict=True):
    value = int(row.value) if pd.notna(row.value) else 0
    before = int(row.previous) if pd.notna(row.previous) else None
    delta = change_delta(value, before, lang())
    card(column, t(f"mobility.measure.{row.measure}"), value, delta, source=mq.headline)
st.caption(t("ui.mobility_headline_note", year=last))

trends_tab, countries_tab, credits_tab, ratios_tab, flags_tab = lazy_tabs(
    "mobility_tab",
    [
        t("ui.mobility_tab_trends"),
        t("ui.mobility_tab_countries"),
        t("ui.mobility_tab_credits"),
        t("ui.mobility_tab_ratios"),
        t("ui.mobility_tab_flags"),
    ],
)

if trends_tab.open:
    with trends_tab:
        chart(st, charts.trend_chart(query(mq.trend, flt), lang()), "mob_trend", source=mq.trend)
        left, right = st.columns(2)
        for i, column in enumerate(("program", "faculty", "purpose", "duration_type")):
            target = left if i % 2 == 0 else right
            frame = query(mq.by_dimension, flt, column)
            if column == "faculty":
                frame = with_names(frame, "value")
            figure = charts.dimension_bar(frame, lang(), column)
            chart(target, figure, f"mob_{column}", source=mq.by_dimension)

if countries_tab.open:
    with countries_tab:
        countries = query(mq.by_country, flt)
        if countries.empty:
            st.info(t("ui.chart_empty"))
        else:
            chart(st, charts.country_map(countries, lang()), "mob_map", source=mq.by_country)
            table(
                labelled(countries),
                "dl_mob_countries",
                t("download.mobility_countries"),
                source=mq.by_country,
            )

if credits_tab.open:
    with credits_tab:
        st.caption(t("ui.mobility_credits_note"))
        left, right = st.columns(2)
        for target, by in ((left, "faculty"), (right, "program")):
            frame = query(mq.credit_recognition, flt, by)
            if by == "faculty":
                frame = with_names(frame, "group")
            figure = charts.recognition_bar(frame, lang(), by)
            chart(target, figure, f"mob_credits_{by}", source=mq.credit_recognition)

if ratios_tab.open:
    with ratios_tab:
        ratios = query(mq.exchange_ratios)
        if ratios.empty:
            st.info(t("ui.mobility_ratios_empty"))
        else:
            chart(st, charts.ratios_chart(ratios, lang()), "mob_ratios", source=mq.exchange_ratios)
            table(
                labelled(ratios),
                "dl_mob_ratios",
                t("download.mobility_ratios"),
                source=mq.exchange_ratios,
            )

if flags_tab.open:
    with flags_tab:
        today = dt.date.today()  # part of the cache key: reports become late as days pass
        flags = query(mq.rule_flags, flt, today)
        st.caption(t("ui.mobility_flags_note"))
        for row in flags.itertuples():
            icon = ":material/warning:" if row.count else ":material/check_circle:"
            with st.expander(
                f"{t(f'mobility.flag.{row.flag}.title')}: **{row.count}**",
                icon=icon,
                expanded=False,
            ):
                st.write(t(f"mobility.flag.{row.flag}.explain"))
                if row.count:
                    rows = query(mq.flagged_rows, flt, row.flag, today, FLAG_ROWS_SHOWN)
                    table(
                        labelled(rows, short=True),  # a wide table: faculties by short name
                        f"dl_mob_flag_{row.flag}",
                        t(f"download.mobility_flag_{row.flag}"),
                        source=mq.flagged_rows,
                    )
