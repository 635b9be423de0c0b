"""Teaching staff: degrees and titles by faculty, the licensing degree share, the rating."""

import pandas as pd
import streamlit as st

from sapat import auth
from sapat.charts import staff as charts
from sapat.display import change_delta, points_delta
from sapat.downloads import table
from sapat.formats import number, percent
from sapat.i18n import code_label, translate
from sapat.queries import staff as sq
from sapat.settings import degree_threshold
from sapat.web import (
    card,
    chart,
    entry_guard,
    faculties,
    faculty_label,
    header,
    highlight,
    labelled,
    lang,
    lazy_tabs,
    query,
    t,
    with_names,
)

user = entry_guard()
language = lang()
is_admin = "admin" in user.roles

st.header(t("ui.staff_title"), divider="gray")
years = query(sq.years)
if not years:
    st.info(t("ui.staff_empty"))
    st.stop()

threshold = degree_threshold()
left, right = st.columns([1, 3])
year = left.selectbox(t("ui.staff_year"), years, key="ts_year")
faculty_names = faculties()
faculty = right.selectbox(
    t("ui.quality_faculty"),
    [None, *sorted(query(sq.faculties), key=faculty_label)],
    # Names bound now: a widget's labels may be formatted outside this run (AppTest).
    format_func=lambda f, names=faculty_names: (
        translate("ui.all_faculties", language) if f is None else names.label(f)
    ),
    key="ts_faculty",
)

trend = query(sq.composition_by_year, faculty)
now = trend[trend["year"] == year]
before = trend[trend["year"] == year - 1]


def figure(column: str, scale: float = 1.0) -> tuple[float | None, float | None]:
    """This year's and last year's value of a composition column (None when absent)."""
    this = (
        float(now[column].iloc[0]) * scale
        if not now.empty and pd.notna(now[column].iloc[0])
        else None
    )
    last = (
        float(before[column].iloc[0]) * scale
        if not before.empty and pd.notna(before[column].iloc[0])
        else None
    )
    return this, last


cells = st.columns(5)
headcount, headcount_before = figure("headcount")
card(
    cells[0],
    t("ui.staff_headcount", year=year),
    number(headcount, language) if headcount is not None else "—",
    help=t("ui.staff_fte", fte=number(figure("fte")[0], language, 1)) if headcount else None,
    source=sq.composition_by_year,
)
share, share_before = figure("degree_share", 100)
card(
    cells[1],
    t("ui.staff_degree_share", year=year),
    percent(share / 100, language, 1) if share is not None else "—",
    points_delta(share, share_before, language),
    help=t("ui.staff_threshold_help", share=percent(threshold, language)),
    source=sq.composition_by_year,
)
doctors, _ = figure("doctors_of_science")
card(
    cells[2],
    t("col.doctors_of_science"),
    number(doctors, language) if doctors is not None else "—",
    source=sq.composition_by_year,
)
titled, _ = figure("professors")
assoc, _ = figure("associate_professors")
card(
    cells[3],
    t("ui.staff_titled"),
    number((titled or 0) + (assoc or 0), language) if titled is not None else "—",
    source=sq.composition_by_year,
)
intl, intl_before = figure("international_staff")
card(
    cells[4],
    t("col.international_staff"),
    number(intl, language) if intl is not None else "—",
    change_delta(int(intl), int(intl_before) if intl_before is not None else None, language)
    if intl is not None
    else None,
    source=sq.composition_by_year,
)

composition_tab, share_tab, international_tab, rating_tab = lazy_tabs(
    "staff_tab",
    [
        t("ui.staff_tab_composition"),
        t("ui.staff_tab_degree_share"),
        t("ui.staff_tab_international"),
        t("ui.staff_tab_rating"),
    ],
)
where = faculty_label(faculty) if faculty else t("ui.all_faculties")

if composition_tab.open:
    with composition_tab:
        chart(
            st,
            charts.composition_trend(trend, language, t("staff.chart.composition", unit=where)),
            "ts_composition",
            source=sq.composition_by_year,
        )
        by_faculty = query(sq.composition_by_faculty, year)
        chart(
            st,
            charts.titles_by_faculty(
                with_names(by_faculty), language, t("staff.chart.titles", year=year)
            ),
            "ts_titles",
            source=sq.composition_by_faculty,
        )
        shown = by_faculty.assign(
            degree_share=(100 * by_faculty["degree_share"]).round(1),
            international_share=(100 * by_faculty["international_share"]).round(1),
        )
        # Short names: ten figures per faculty have to fit beside them.
        shown = labelled(shown, short=True)
        table(
            shown,
            "dl_ts_composition",
            t("download.staff_composition", year=year),
            source=sq.composition_by_faculty,
        )

if share_tab.open:
    with share_tab:
        shares = query(sq.degree_share, year, threshold)
        below = shares[shares["below"]]
        if shares.empty:
            st.info(t("ui.chart_empty"))
        elif below.empty:
            st.success(t("ui.staff_all_meet", share=percent(threshold, language)))
        else:
            st.error(
                t(
                    "ui.staff_below",
                    count=len(below),
                    faculties=faculties().listing(below["faculty"]),
                    share=percent(threshold, language),
                )
            )
        chart(
            st,
            charts.degree_share_bars(
                with_names(shares), language, threshold, t("staff.chart.degree_share", year=year)
            ),
            "ts_share",
            source=sq.degree_share,
        )
        st.caption(t("ui.staff_threshold_note", share=percent(threshold, language)))
        flag = t("ui.staff_flag_below")
        shown = shares.assign(
            degree_share=(100 * shares["degree_share"]).round(1),
            previous_share=(100 * shares["previous_share"]).round(1),
            below=shares["below"].map({True: flag, False: ""}),
        )
        table(
            highlight(
                labelled(shown, short=True), header("below"), {flag: charts.BELOW_COLOR}
            ).format(precision=1),
            "dl_ts_share",
            t("download.staff_degree_share", year=year),
            source=sq.degree_share,
        )

if international_tab.open:
    with international_tab:
        chart(
            st,
            charts.international_trend(trend, language, t("staff.chart.international", unit=where)),
            "ts_international",
            source=sq.composition_by_year,
        )
        by_faculty = query(sq.composition_by_faculty, year)
        shown = by_faculty[["faculty", "headcount", "international_staff", "international_share"]]
        shown = shown.assign(international_share=(100 * shown["international_share"]).round(1))
        table(
            labelled(shown),
            "dl_ts_international",
            t("download.staff_international", year=year),
            source=sq.composition_by_faculty,
        )

if rating_tab.open:
    with rating_tab:
        rating_years = query(sq.rating_years)
        if not rating_years:
            st.info(t("ui.staff_no_rating"))
        else:
            rating_year = year if year in rating_years else rating_years[0]
            if rating_year != year:
                st.caption(t("ui.staff_rating_year", year=rating_year))
            summary = query(sq.rating_summary, rating_year)
            hidden = summary[summary["hidden"]]
            st.caption(t("ui.staff_rating_rule", count=sq.MIN_GROUP))
            # Whose figures the university's are: the shown faculties' only.
            st.caption(t("ui.staff_rating_university_note", count=sq.MIN_GROUP))
            if (~summary["hidden"] & summary["median"].isna()).any():
                st.caption(t("ui.staff_rating_box_note", count=sq.BOX_MIN))
            if not hidden.empty:
                st.info(
                    t(
                        "ui.staff_rating_hidden",
                        faculties=faculties().listing(hidden["faculty"]),
                        count=sq.MIN_GROUP,
                    )
                )
            one, two = st.columns(2)
            chart(
                one,
                charts.rating_boxes(
                    with_names(summary), language, t("staff.chart.rating", year=rating_year)
                ),
                "ts_rating",
                source=sq.rating_summary,
            )
            chart(
                two,
                charts.rating_parts(
                    with_names(summary), language, t("staff.chart.parts", year=rating_year)
                ),
                "ts_parts",
                source=sq.rating_summary,
            )
            shown = summary[~summary["hidden"]].drop(columns=["hidden"])
            shown = shown.assign(
                faculty=shown["faculty"].replace({"university": t("staff.university")})
            ).round(charts.RATING_DECIMALS)  # the table's data goes to the browser as shown
            shown = labelled(shown, short=True)
            table(
                shown,
                "dl_ts_rating",
                t("download.staff_rating", year=rating_year),
                source=sq.rating_summary,
            )
            if is_admin:
                st.subheader(t("ui.staff_rating_rows"))
                st.caption(t("ui.staff_rating_rows_note"))
                rows = query(sq.rating_rows, rating_year, faculty)
                shown_rows = labelled(rows, {"position": lambda v: code_label(v, language)})
                table(
                    shown_rows,
                    "dl_ts_rows",
                    t("download.staff_rating_rows", year=rating_year),
                    allowed=auth.is_admin,
                    source=sq.rating_rows,
                )
