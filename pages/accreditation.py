"""Accreditation and licensing: coverage, expiry watch list, licence register, timeline, actions."""

import datetime as dt

import pandas as pd
import streamlit as st

from sapat.charts import accreditation as charts
from sapat.display import share
from sapat.downloads import table
from sapat.queries import accreditation as acq
from sapat.web import (
    any_of,
    card,
    chart,
    entry_guard,
    header,
    highlight,
    labelled,
    lang,
    lazy_tabs,
    one_name,
    query,
    t,
    with_names,
)

entry_guard()

EXPIRY_COLORS = {"expired": "#C0392B", "within_90": "#E67E22", "within_180": "#D4AC0D"}

today = dt.date.today()
st.header(t("ui.accreditation_title"), divider="gray")
summary = query(acq.summary, today)
if not summary["programs"]:
    st.info(t("ui.accreditation_empty"))
    st.stop()

cells = st.columns(6)
card(
    cells[0],
    t("ui.accreditation_accredited"),
    share(summary["accredited"], summary["programs"], lang()),
    source=acq.coverage,
)
card(
    cells[1],
    t("ui.accreditation_licensed"),
    share(summary["licensed"], summary["programs"], lang()),
    source=acq.coverage,
)
card(cells[2], t("accreditation.expiry.expired"), summary["expired"], source=acq.watch_list)
card(
    cells[3],
    t("accreditation.expiry.within_90"),
    summary["within_90"],
    source=acq.watch_list,
)
card(
    cells[4],
    t("accreditation.expiry.within_180"),
    summary["within_180"],
    source=acq.watch_list,
)
card(cells[5], t("ui.accreditation_overdue"), summary["overdue_actions"], source=acq.action_items)


def names(frame: pd.DataFrame, short: bool = False) -> pd.DataFrame:
    """The programme name in the user's language instead of three name columns; faculties
    by their ``short`` names in a wide table."""
    # "item_id" here is a licence or certificate number, not an action item's id.
    out = one_name(frame.rename(columns={"item_id": "document_no"}))
    return labelled(
        out,
        {
            "expiry": lambda v: t(f"accreditation.expiry.{v}"),
            "item_kind": lambda v: t(f"accreditation.item_kind.{v}"),
        },
        short=short,
    )


def expiry_tints() -> dict[str, str]:
    """Each expiry class, as the user reads it, with its colour."""
    return {t(f"accreditation.expiry.{k}"): c for k, c in EXPIRY_COLORS.items()}


def licences(frame: pd.DataFrame) -> pd.DataFrame:
    """The licence register as users read it; the institutional licence named as such."""
    institution = frame["program_code"].isna()
    whole = t("register.institutional")
    stems = [c for c in frame.columns if c.startswith("name_")]
    return names(frame.assign(**{c: frame[c].mask(institution, whole) for c in stems}), short=True)


coverage_tab, watch_tab, licenses_tab, timeline_tab, agencies_tab, missing_tab, actions_tab = (
    lazy_tabs(
        "accreditation_tab",
        [
            t("ui.accreditation_tab_coverage"),
            t("ui.accreditation_tab_watch"),
            t("register.tab_licenses"),
            t("ui.accreditation_tab_timeline"),
            t("ui.accreditation_tab_agencies"),
            t("ui.accreditation_tab_missing"),
            t("ui.accreditation_tab_actions"),
        ],
    )
)

if coverage_tab.open:
    with coverage_tab:
        cov = query(acq.coverage, today)
        left, right = st.columns(2)
        for target, group in ((left, "faculty"), (right, "level")):
            part = with_names(cov[cov["group_type"] == group], "group_value")
            chart(
                target,
                charts.coverage_bars(part, lang(), group),
                f"cov_{group}",
                source=acq.coverage,
            )

if watch_tab.open:
    with watch_tab:
        watch = query(acq.watch_list, today)
        if watch.empty:
            st.success(t("ui.accreditation_none_expiring"))
        else:
            styled = highlight(names(watch), header("expiry"), expiry_tints())
            table(styled, "dl_acc_watch", t("download.accreditation_watch"), source=acq.watch_list)

if licenses_tab.open:
    with licenses_tab:
        left, right = st.columns([3, 2])
        search = left.text_input(
            t("ui.search"), key="lic_search", placeholder=t("register.search_hint")
        )
        statuses = any_of(right, t("col.status"), query(acq.license_statuses), "lic_status")
        register = query(acq.license_register, today, search.strip(), statuses)
        if register.empty:
            st.info(
                t("register.no_match" if search.strip() or statuses else "register.licenses_empty")
            )
        else:
            st.caption(t("ui.rows_shown", count=len(register)))
            styled = highlight(licences(register), header("expiry"), expiry_tints())
            # Open-ended licences have no end date nor expiry class: empty cells, not "None".
            table(
                styled,
                "dl_acc_licenses",
                t("register.download_licenses"),
                placeholder="",
                # Sized for the few rows with an end date, not the open-ended first ones.
                column_config={
                    header("valid_until"): st.column_config.TextColumn(width=105),
                    header("expiry"): st.column_config.TextColumn(width="medium"),
                },
                source=acq.license_register,
            )

if timeline_tab.open:
    with timeline_tab:
        st.caption(t("ui.accreditation_timeline_note"))
        chart(
            st,
            charts.validity_gantt(query(acq.timeline, today), lang(), today),
            "gantt",
            source=acq.timeline,
        )

if agencies_tab.open:
    with agencies_tab:
        agencies = query(acq.by_agency)
        chart(st, charts.agency_bars(agencies, lang()), "agencies", source=acq.by_agency)
        table(
            labelled(agencies),
            "dl_acc_agencies",
            t("download.accreditation_agencies"),
            source=acq.by_agency,
        )

if missing_tab.open:
    with missing_tab:
        missing = query(acq.without_accreditation)
        if missing.empty:
            st.success(t("ui.accreditation_all_accredited"))
        else:
            st.caption(t("ui.rows_shown", count=len(missing)))
            table(
                names(missing),
                "dl_acc_missing",
                t("download.accreditation_missing"),
                source=acq.without_accreditation,
            )

if actions_tab.open:
    with actions_tab:
        items = query(acq.action_items, today)
        if items.empty:
            st.info(t("ui.accreditation_no_actions"))
        else:
            chart(
                st,
                charts.actions_bar(query(acq.action_summary, today), lang()),
                "actions",
                source=acq.action_summary,
            )
            overdue = t("ui.col_overdue")
            shown = labelled(items, {"overdue": lambda v: overdue if v else ""})
            styled = highlight(shown, header("overdue"), {overdue: EXPIRY_COLORS["expired"]})
            table(
                styled,
                "dl_acc_actions",
                t("download.accreditation_actions"),
                source=acq.action_items,
            )
