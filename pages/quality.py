"""Academic quality: pass rates, grades, pass-rate drops, attestation, graduates, surveys."""

import pandas as pd
import streamlit as st

from sapat.charts import quality as charts
from sapat.charts import surveys as survey_charts
from sapat.display import points_delta
from sapat.downloads import table
from sapat.formats import number, percent
from sapat.i18n import code_label, translate
from sapat.queries import quality as qq
from sapat.queries import surveys as svq
from sapat.web import (
    card,
    chart,
    entry_guard,
    faculties,
    faculty_label,
    labelled,
    lang,
    lazy_tabs,
    one_name,
    query,
    t,
    with_names,
)

entry_guard()
language = lang()

st.header(t("ui.quality_title"), divider="gray")
opts = query(qq.options)
survey_years = query(svq.years)
if not opts["years"] and not survey_years:
    st.info(t("ui.quality_empty"))
    st.stop()

faculty_names = faculties()
faculty = st.selectbox(
    t("ui.quality_faculty"),
    [None, *sorted(opts["faculties"], key=faculty_label)],
    # Names bound now: a widget's labels may be formatted outside this run (AppTest).
    format_func=lambda f, names=faculty_names: (
        translate("ui.all_faculties", language) if f is None else names.label(f)
    ),
    key="aq_faculty",
    width=460,  # the longest faculty name, whole
)
by = "program" if faculty else "faculty"


def rate(value: object) -> str:
    return percent(value / 100, language, 1) if pd.notna(value) else "—"


def session_label(session: tuple) -> str:
    """A session (year, semester, type) as '2025-2026, semester 2, Regular session'."""
    year, semester, kind = session
    return translate(
        "ui.quality_session_label",
        language,
        year=year,
        semester=semester,
        type=code_label(kind, language),
    )


def one_year(frame: pd.DataFrame, key: str) -> tuple[str, pd.DataFrame]:
    """The academic year the user picks among the frame's (newest first), and its rows."""
    years = sorted(frame["academic_year"].unique(), reverse=True)
    year = st.selectbox(t("ui.quality_year"), years, key=key, width=200)
    return year, frame[frame["academic_year"] == year]


def named_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """The ``grp`` column as the faculty or programme name it stands for, headed by ``by``."""
    named = frame.assign(
        grp=[charts.group_label(r, by, language, None) for _, r in frame.iterrows()]
    )
    return named.drop(columns=["name_ky", "name_ru", "name_en"]).rename(columns={"grp": by})


head = query(qq.headline, faculty).set_index("session_type")
grads = query(qq.graduates_by_year, faculty)
known = grads.dropna(subset=["employment_rate"])
cells = st.columns(4)
for column, session in zip(cells, qq.SESSION_TYPES, strict=False):
    if session in head.index:
        row = head.loc[session]
        previous = row["previous"] if pd.notna(row["previous"]) else None
        card(
            column,
            t(f"ui.quality_pass_rate_{session}", year=row["academic_year"]),
            rate(row["pass_rate"]),
            points_delta(row["pass_rate"], previous, language),
            source=qq.headline,
        )
    else:
        card(column, t(f"ui.quality_pass_rate_{session}", year="—"), "—", source=qq.headline)
if not known.empty:
    last = known.iloc[-1]
    before = known.iloc[-2]["employment_rate"] if len(known) > 1 else None
    card(
        cells[3],
        t("ui.quality_employment", year=last["academic_year"]),
        rate(last["employment_rate"]),
        points_delta(last["employment_rate"], before, language),
        source=qq.graduates_by_year,
    )
else:
    card(cells[3], t("ui.quality_employment", year="—"), "—", source=qq.graduates_by_year)

rates_tab, grades_tab, drops_tab, attestation_tab, graduates_tab, surveys_tab = lazy_tabs(
    "quality_tab",
    [
        t("ui.quality_tab_pass_rates"),
        t("ui.quality_tab_grades"),
        t("ui.quality_tab_drops"),
        t("ui.quality_tab_attestation"),
        t("ui.quality_tab_graduates"),
        t("ui.quality_tab_surveys"),
    ],
)

if rates_tab.open:
    with rates_tab:
        trend = query(qq.pass_rates, "university", faculty)
        where = faculty_label(faculty) if faculty else t("ui.all_faculties")
        chart(
            st,
            charts.pass_rate_trend(trend, language, t("quality.chart.trend", unit=where)),
            "aq_trend",
            source=qq.pass_rates,
        )
        rates = query(qq.pass_rates, by, faculty)
        if rates.empty:
            st.info(t("ui.chart_empty"))
        else:
            year, of_year = one_year(rates, "aq_rates_year")
            chart(
                st,
                charts.pass_rate_bars(
                    with_names(of_year, "grp"),
                    language,
                    by,
                    t(f"quality.chart.by_{by}", year=year),
                ),
                "aq_bars",
                source=qq.pass_rates,
            )
            wide = named_groups(rates).pivot_table(
                index=[by, "session_type"], columns="academic_year", values="pass_rate"
            )
            wide = wide.round(1).reset_index()
            # Year columns keep their names; only the two leading columns are labelled.
            keys = labelled(wide[[by, "session_type"]])
            table(
                pd.concat([keys, wide.drop(columns=[by, "session_type"])], axis=1),
                "dl_aq_rates",
                t("download.quality_pass_rates"),
                source=qq.pass_rates,
            )

if grades_tab.open:
    with grades_tab:
        sessions = opts["sessions"]
        if not sessions:
            st.info(t("ui.chart_empty"))
        else:
            session = st.selectbox(
                t("ui.quality_session"), sessions, format_func=session_label, key="aq_session"
            )
            grades = query(qq.grade_distribution, *session, faculty)
            title = t("quality.chart.grades", session=session_label(session))
            chart(
                st,
                charts.grade_bars(with_names(grades, "grp"), language, by, title),
                "aq_grades",
                source=qq.grade_distribution,
            )
            table(
                labelled(named_groups(grades)),
                "dl_aq_grades",
                t("download.quality_grades"),
                source=qq.grade_distribution,
            )

if drops_tab.open:
    with drops_tab:
        # A drop needs a year before it: every year with exam data but the first.
        comparable = opts["exam_years"][1:][::-1]
        left, right = st.columns([1, 2])
        year = left.selectbox(t("ui.quality_year"), comparable, key="aq_drop_year")
        threshold = right.slider(
            t("ui.quality_drop_threshold"),
            min_value=1.0,
            max_value=30.0,
            value=qq.DEFAULT_DROP_POINTS,
            step=0.5,
            format="%.1f",
            key="aq_drop_points",
            help=t("ui.quality_drop_help"),
        )
        drops = query(qq.pass_rate_drops, threshold, year, faculty)
        if drops.empty:
            st.success(t("ui.quality_no_drops", points=number(threshold, language, 1)))
        else:
            st.warning(
                t("ui.quality_drops_found", count=len(drops), points=number(threshold, language, 1))
            )
            chart(
                st,
                charts.drop_chart(drops, language, t("quality.chart.drops")),
                "aq_drops",
                source=qq.pass_rate_drops,
            )
            shown = one_name(drops).round({"previous_rate": 1, "pass_rate": 1, "drop": 1})
            table(
                labelled(shown),
                "dl_aq_drops",
                t("download.quality_drops"),
                source=qq.pass_rate_drops,
            )

if attestation_tab.open:
    with attestation_tab:
        att = query(qq.attestation, by, faculty)
        if att.empty:
            st.info(t("ui.quality_no_attestation"))
        else:
            year, of_year = one_year(att, "aq_att_year")
            chart(
                st,
                charts.attestation_bars(
                    with_names(of_year, "grp"),
                    language,
                    by,
                    t(f"quality.chart.attestation_by_{by}", year=year),
                ),
                "aq_attestation",
                source=qq.attestation,
            )
            shown = named_groups(att).round({"pass_rate": 1, "avg_score": 1})
            table(
                labelled(shown),
                "dl_aq_attestation",
                t("download.quality_attestation"),
                source=qq.attestation,
            )

if graduates_tab.open:
    with graduates_tab:
        if grads.empty:
            st.info(t("ui.quality_no_graduates"))
        else:
            chart(
                st,
                charts.graduates_trend(grads, language, t("quality.chart.graduates")),
                "aq_grad_trend",
                source=qq.graduates_by_year,
            )
            rows = query(qq.graduates, faculty)
            if not known.empty:
                year = known.iloc[-1]["academic_year"]
                chart(
                    st,
                    charts.employment_bars(
                        with_names(query(qq.employment, year, by, faculty), "grp"),
                        language,
                        by,
                        t(f"quality.chart.employment_by_{by}", year=year),
                    ),
                    "aq_employment",
                    source=qq.employment,
                )
            st.caption(t("ui.quality_employment_note"))
            shown = one_name(rows).round({"employment_rate": 1})
            table(
                labelled(shown),
                "dl_aq_graduates",
                t("download.quality_graduates"),
                source=qq.graduates,
            )

if surveys_tab.open:
    with surveys_tab:
        if not survey_years:
            st.info(t("ui.surveys_empty"))
        else:
            # Rows of few respondents are left out of every figure, the university's too.
            st.caption(t("ui.surveys_privacy_note", count=svq.MIN_RESPONSES))
            sat = query(svq.satisfaction, faculty)
            chart(
                st,
                survey_charts.satisfaction_trend(sat, language, t("surveys.chart.trend")),
                "sv_trend",
                source=svq.satisfaction,
            )
            left, right = st.columns(2)
            groups = query(svq.groups)
            group = left.selectbox(
                t("ui.surveys_group"),
                [None, *groups],
                format_func=lambda g: (
                    translate("ui.all", language) if g is None else code_label(g, language)
                ),
                key="sv_group",
            )
            year = right.selectbox(t("ui.quality_year"), survey_years[::-1], key="sv_year")
            if group and not faculty:
                chart(
                    st,
                    survey_charts.faculty_heatmap(
                        with_names(query(svq.by_faculty, group)),
                        language,
                        t("surveys.chart.faculties", group=code_label(group, language)),
                    ),
                    "sv_heat",
                    source=svq.by_faculty,
                )
            low = query(svq.lowest_questions, year, language, group, faculty)
            chart(
                st,
                survey_charts.lowest_bars(low, language, t("surveys.chart.lowest", year=year)),
                "sv_lowest",
                source=svq.lowest_questions,
            )
            shown = low.round(
                {"mean_score": 2, "share_satisfied": 3, "previous_score": 2, "change": 2}
            )
            table(
                labelled(shown),
                "dl_sv_lowest",
                t("download.surveys_lowest"),
                source=svq.lowest_questions,
            )
