"""Partners and agreements: the register, expiries, a map, and how much agreements are used."""

import datetime as dt

import pandas as pd
import streamlit as st

from sapat.charts import agreements as charts
from sapat.downloads import table
from sapat.queries import agreements as agq
from sapat.web import (
    any_of,
    card,
    chart,
    country_label,
    entry_guard,
    faculty_label,
    labelled,
    lang,
    lazy_tabs,
    query,
    t,
)

entry_guard()

today = dt.date.today()
st.header(t("ui.agreements_title"), divider="gray")
opts = query(agq.options)
if not opts["statuses"]:
    st.info(t("ui.agreements_empty"))
    st.stop()

years = st.session_state.get("dormant_years", agq.DORMANT_YEARS)
summary = query(agq.summary, today, years)
cells = st.columns(5)
card(cells[0], t("ui.agreements_total"), summary["total"], source=agq.summary)
card(cells[1], t("ui.agreements_active"), summary["active"], source=agq.summary)
card(cells[2], t("ui.agreements_expiring_6m"), summary["expiring"], source=agq.summary)
card(cells[3], t("ui.agreements_dormant", years=years), summary["dormant"], source=agq.summary)
card(cells[4], t("ui.agreements_without"), summary["without_agreement"], source=agq.summary)


def validity(frame: pd.DataFrame) -> pd.DataFrame:
    return labelled(frame, {"validity": lambda v: t(f"agreements.validity.{v}")})


register_tab, expiring_tab, map_tab, use_tab = lazy_tabs(
    "agreements_tab",
    [
        t("ui.agreements_tab_register"),
        t("ui.agreements_tab_expiring"),
        t("ui.agreements_tab_map"),
        t("ui.agreements_tab_use"),
    ],
)

if register_tab.open:
    with register_tab:
        search = st.text_input(
            t("ui.search"), key="agr_search", placeholder=t("ui.agreements_search_hint")
        )
        c = st.columns([1, 1, 1, 2.5])  # faculties by name need the room
        statuses = any_of(c[0], t("col.status"), opts["statuses"], "agr_status")
        types = any_of(c[1], t("col.agreement_type"), opts["types"], "agr_type")
        countries = any_of(
            c[2], t("col.partner_country"), opts["countries"], "agr_country", shown=country_label
        )
        faculties = any_of(
            c[3], t("col.faculty"), opts["faculties"], "agr_faculty", shown=faculty_label
        )
        register = query(agq.register, today, search.strip(), statuses, types, countries, faculties)
        st.caption(t("ui.rows_shown", count=len(register)))
        # An unknown quota or end date is an empty cell, not the grid's "None".
        table(
            validity(register),
            "dl_agr_register",
            t("download.agreements_register"),
            placeholder="",
            source=agq.register,
        )

if expiring_tab.open:
    with expiring_tab:
        soon = query(agq.expiring, today)
        if soon.empty:
            st.success(t("ui.agreements_none_expiring"))
        else:
            chart(st, charts.expiry_timeline(soon, lang()), "agr_expiry", source=agq.expiring)
            table(
                validity(soon),
                "dl_agr_expiring",
                t("download.agreements_expiring"),
                placeholder="",
                source=agq.expiring,
            )

if map_tab.open:
    with map_tab:
        chart(
            st,
            charts.partners_map(query(agq.by_country, today), lang()),
            "agr_map",
            source=agq.by_country,
        )
        chart(
            st,
            charts.type_status_bar(query(agq.by_type_status), lang()),
            "agr_types",
            source=agq.by_type_status,
        )

if use_tab.open:
    with use_tab:
        chart(
            st,
            charts.utilisation_heatmap(query(agq.utilisation), lang()),
            "agr_use",
            source=agq.utilisation,
        )
        years = st.columns([1, 3])[0].number_input(
            t("ui.dormant_years"), 1, 10, agq.DORMANT_YEARS, key="dormant_years"
        )
        st.subheader(t("ui.agreements_dormant", years=years))
        dormant = query(agq.dormant, today, int(years))
        if dormant.empty:
            st.success(t("ui.agreements_none_dormant"))
        else:
            table(
                labelled(dormant),
                "dl_agr_dormant",
                t("download.agreements_dormant"),
                source=agq.dormant,
            )
        st.subheader(t("ui.agreements_without"))
        without = query(agq.partners_without_agreement)
        if without.empty:
            st.success(t("ui.agreements_all_covered"))
        else:
            table(
                labelled(without),
                "dl_agr_without",
                t("download.agreements_without"),
                source=agq.partners_without_agreement,
            )
        # Each mobility counts for one agreement at most; what none covers is listed here.
        st.subheader(t("ui.agreements_unmatched"))
        st.caption(t("ui.agreements_unmatched_note"))
        unmatched = query(agq.without_agreement)
        if unmatched.empty:
            st.success(t("ui.agreements_all_matched"))
        else:
            table(
                labelled(unmatched, {"has_agreement": lambda v: "✓" if v else ""}),
                "dl_agr_unmatched",
                t("download.agreements_unmatched"),
                source=agq.without_agreement,
            )
