"""The deck's accreditation section: coverage, expiries, agencies, corrective actions."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sapat import formats as fmt
from sapat.charts import accreditation as acc_charts
from sapat.i18n import code_label
from sapat.queries import accreditation as acq
from sapat.queries import overview as oq
from sapat.report.context import (
    DeckContext,
    Risk,
    Section,
    alert_risks,
    names,
    program_name,
    slide,
)
from sapat.report.spec import SlideSpec

KEY = "accreditation"
# The watch list's expiry classes behind each expiry alert (within_180 of the alert is the
# later ones only: the first 90 days have their own alert).
ALERT_EXPIRY = {
    "expired": ("expired",),
    "expiring_90": ("within_90",),
    "expiring_180": ("within_180",),
}


def _coverage(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("coverage", lambda: acq.coverage(ctx.conn, ctx.today))


def _action_items(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("actions", lambda: acq.action_items(ctx.conn, ctx.today))


def _watch(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("watch", lambda: acq.watch_list(ctx.conn, ctx.today))


def slides(ctx: DeckContext) -> list[SlideSpec]:
    if not ctx.accreditation_summary()["programs"]:
        return []
    made = [_coverage_slide(ctx), _watch_slide(ctx), _agencies(ctx), _actions(ctx)]
    return [s for s in made if s]


def _coverage_slide(ctx: DeckContext) -> SlideSpec:
    cov = _coverage(ctx)
    overall = cov[cov["group_type"] == "overall"].iloc[0]
    faculties = cov[(cov["group_type"] == "faculty") & (cov["programs"] > 0)]
    lowest = faculties.sort_values(["accredited_share", "group_value"]).iloc[0]
    headline = ctx.t(
        "report.accreditation.coverage_headline",
        accredited=ctx.n(overall["accredited"]),
        programs=ctx.n(overall["programs"]),
        share=ctx.pct(overall["accredited_share"]),
        licensed=ctx.n(overall["licensed"]),
        licensed_share=ctx.pct(overall["licensed_share"]),
        faculty=ctx.faculty(lowest["group_value"]),
        faculty_share=ctx.pct(lowest["accredited_share"]),
    )
    year_ago = ctx.today - dt.timedelta(days=365)
    before = acq.coverage(ctx.conn, year_ago).query("group_type == 'overall'").iloc[0]
    notes = [ctx.t("report.notes.coverage_date", date=fmt.date(ctx.today, ctx.lang))]
    for row in faculties.itertuples():
        notes.append(
            ctx.t(
                "report.notes.coverage",
                group=ctx.faculty(row.group_value),
                accredited=ctx.n(row.accredited),
                programs=ctx.n(row.programs),
                share=ctx.pct(row.accredited_share),
                licensed=ctx.n(row.licensed),
                licensed_share=ctx.pct(row.licensed_share),
            )
        )
    notes.append(
        ctx.t(
            "report.notes.coverage_before",
            date=fmt.date(year_ago, ctx.lang),
            accredited=ctx.n(before["accredited"]),
            programs=ctx.n(before["programs"]),
            share=ctx.pct(before["accredited_share"]),
        )
    )
    return slide(
        ctx,
        KEY,
        ctx.t("report.accreditation.coverage_title"),
        headline,
        notes,
        acc_charts.coverage_bars(ctx.named(cov, "group_value"), ctx.lang, "faculty"),
        datasets=("programs", "licenses", "accreditations", "faculties"),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def _watch_slide(ctx: DeckContext) -> SlideSpec | None:
    watch = _watch(ctx)
    if watch.empty:
        return None
    # The items on the watch list only: their validity running out against the today line.
    timeline = acq.timeline(ctx.conn, ctx.today)
    watched = set(zip(watch["item_kind"], watch["item_id"], strict=True))
    keep = [
        (kind, item) in watched
        for kind, item in zip(timeline["item_kind"], timeline["item_id"], strict=True)
    ]
    summary = ctx.accreditation_summary()
    notes = [
        ctx.t(
            "report.notes.watch",
            kind=acc_charts.item_kind_label(row["item_kind"], ctx.lang),
            id=row["item_id"],
            program=program_name(row, ctx.lang),
            status=ctx.t(f"report.expiry.{row['expiry']}"),
            date=fmt.date(row["valid_until"], ctx.lang),
        )
        for _, row in watch.iterrows()
    ]
    return slide(
        ctx,
        KEY,
        ctx.t("report.accreditation.watch_title"),
        ctx.t(
            "report.accreditation.watch_headline",
            expired=ctx.n(summary["expired"]),
            within_90=ctx.n(summary["within_90"]),
            later=ctx.n(summary["within_180"] - summary["within_90"]),
        ),
        notes,
        acc_charts.validity_gantt(timeline[keep], ctx.lang, ctx.today),
        datasets=("licenses", "accreditations", "programs"),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def _agencies(ctx: DeckContext) -> SlideSpec | None:
    agencies = acq.by_agency(ctx.conn)
    if agencies.empty:
        return None
    granted = agencies[agencies["status"].isin(["accredited", "conditional"])]
    notes = []
    for (agency, kind), part in agencies.groupby(["agency", "kind"], sort=False):
        statuses = ", ".join(
            f"{code_label(s, ctx.lang)} — {ctx.n(n)}"
            for s, n in zip(part["status"], part["accreditations"], strict=True)
        )
        notes.append(f"{agency} ({code_label(kind, ctx.lang)}): {statuses}")
    return slide(
        ctx,
        KEY,
        ctx.t("report.accreditation.agency_title"),
        ctx.t(
            "report.accreditation.agency_headline",
            granted=ctx.n(granted["accreditations"].sum()),
            agencies=ctx.n(granted["agency"].nunique()),
            international=ctx.n(
                granted.loc[granted["kind"] == "international", "accreditations"].sum()
            ),
        ),
        notes,
        acc_charts.agency_bars(agencies, ctx.lang),
        datasets=("accreditations",),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def _actions(ctx: DeckContext) -> SlideSpec | None:
    summary = acq.action_summary(ctx.conn, ctx.today)
    if summary.empty:
        return None
    by_status = summary.set_index("status")
    open_items = int(by_status["items"].reindex(list(acq.OPEN_ACTION)).fillna(0).sum())
    notes = [
        ctx.t(
            "report.notes.actions",
            status=code_label(row.status, ctx.lang),
            items=ctx.n(row.items),
            overdue=ctx.n(row.overdue),
        )
        for row in summary.itertuples()
    ]
    items = _action_items(ctx)
    overdue = items[items["overdue"]]
    if not overdue.empty:
        worst = overdue.sort_values("days_overdue", ascending=False).iloc[0]
        notes.append(
            ctx.t(
                "report.notes.longest_overdue",
                id=worst["item_id"],
                days=ctx.n(worst["days_overdue"]),
                date=fmt.date(worst["due_date"], ctx.lang),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.accreditation.actions_title"),
        ctx.t(
            "report.accreditation.actions_headline",
            overdue=ctx.n(int(summary["overdue"].sum())),
            open=ctx.n(open_items),
            done=ctx.n(int(by_status["items"].get("done", 0))),
        ),
        notes,
        acc_charts.actions_bar(summary, ctx.lang),
        datasets=("action_items",),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """Expired and expiring licences and accreditations, naming the programmes, and overdue
    corrective actions."""

    def detail(alert: oq.Alert) -> str:
        classes = ALERT_EXPIRY.get(alert.key)
        if classes is None:
            return ""
        watch = _watch(ctx)
        part = watch[watch["expiry"].isin(classes)]
        return names(ctx, [program_name(r, ctx.lang) for _, r in part.iterrows()])

    return alert_risks(ctx, KEY, detail)


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
