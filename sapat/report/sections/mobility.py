"""The deck's mobility section: participants over the years, countries, programmes, credits."""

from __future__ import annotations

import pandas as pd

from sapat import formats as fmt
from sapat.charts import mobility as mob_charts
from sapat.i18n import translate
from sapat.queries import mobility as mq
from sapat.report.context import (
    NOTES_ROWS,
    DeckContext,
    Risk,
    Section,
    alert_risks,
    change,
    country,
    join,
    lower_first,
    slide,
)
from sapat.report.spec import SlideSpec

KEY = "mobility"
# The regulation's flag the overview already raises as an alert (expulsion risk): the rule
# breaches bullet leaves it out rather than count it twice.
ALERTED_FLAG = "credits_failed_over_15"


def _direction_counts(ctx: DeckContext, direction: str) -> tuple[int, int | None]:
    """This year's and last year's participants in one direction (None: no data last year)."""
    frame = ctx.mobility_by_year()
    counts = frame.set_index(["academic_year", "direction"])["participants"]
    now = int(counts.get((ctx.year, direction), 0))
    if ctx.prev not in set(frame["academic_year"]):
        return now, None
    return now, int(counts.get((ctx.prev, direction), 0))


def slides(ctx: DeckContext) -> list[SlideSpec]:
    frame = ctx.mobility_by_year()
    if ctx.year not in set(frame["academic_year"]):
        return []
    years = tuple(sorted(y for y in frame["academic_year"].unique() if y <= ctx.year))
    this_year = mq.MobilityFilter(years=(ctx.year,))
    made = [
        _trend(ctx, years),
        _map(ctx, this_year),
        _programs(ctx, this_year),
        _credits(ctx, this_year),
    ]
    return [s for s in made if s]


def _headline(ctx: DeckContext) -> pd.DataFrame:
    """The mobility page's headline measures of the deck's year (``mobility.headline``): the
    one count of partner countries both the trend and the map slide say."""
    return ctx.cached(
        "mobility_headline", lambda: mq.headline(ctx.conn, mq.MobilityFilter(), ctx.year)
    )


def _trend(ctx: DeckContext, years: tuple[str, ...]) -> SlideSpec:
    out_now, out_before = _direction_counts(ctx, "outgoing")
    in_now, in_before = _direction_counts(ctx, "incoming")
    headline = join(
        ctx,
        change(ctx, ctx.t("report.subject.outgoing"), out_now, out_before),
        change(ctx, ctx.t("report.subject.incoming"), in_now, in_before),
    )
    # queries.mobility.trend() of these years: the overview's counts, already fetched.
    trend = ctx.mobility_by_year()
    trend = trend[trend["academic_year"].isin(years)]
    notes = [ctx.t("report.notes.trend")]
    counts = trend.set_index(["academic_year", "direction"])["participants"]
    for year in years:
        notes.append(
            ctx.t(
                "report.notes.trend_year",
                year=year,
                outgoing=ctx.n(counts.get((year, "outgoing"), 0)),
                incoming=ctx.n(counts.get((year, "incoming"), 0)),
            )
        )
    head = _headline(ctx)
    notes.append(ctx.t("report.notes.measures", year=ctx.year, previous=ctx.prev))
    for row in head.itertuples():
        notes.append(
            f"{translate(f'mobility.measure.{row.measure}', ctx.lang)}: {ctx.n(row.value)}"
            f" ({ctx.prev}: {ctx.n(row.previous) if fmt.is_number(row.previous) else fmt.DASH})"
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.mobility.trend_title"),
        headline,
        notes,
        mob_charts.trend_chart(trend, ctx.lang),
        datasets=("mobility",),
        years=(years[0], years[-1]),
    )


def _map(ctx: DeckContext, flt: mq.MobilityFilter) -> SlideSpec | None:
    countries = mq.by_country(ctx.conn, flt)
    if countries.empty:
        return None
    top = countries.iloc[0]
    # The largest partner country by its share of the participants with a partner country.
    total = int(countries["participants"].sum())
    notes = [ctx.t("report.notes.countries", year=ctx.year)]
    for row in countries.head(NOTES_ROWS).itertuples():
        notes.append(
            ctx.t(
                "report.notes.country",
                country=country(row.partner_country, ctx.lang),
                total=ctx.n(row.participants),
                outgoing=ctx.n(row.outgoing),
                incoming=ctx.n(row.incoming),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.mobility.map_title", year=ctx.year),
        ctx.t(
            "report.mobility.map_headline",
            year=ctx.year,
            countries=ctx.n(_headline(ctx).set_index("measure").at["countries", "value"]),
            country=country(top["partner_country"], ctx.lang),
            count=ctx.n(top["participants"]),
            total=ctx.n(total),
            share=ctx.pct(top["participants"] / total) if total else fmt.DASH,
        ),
        notes,
        mob_charts.country_map(countries, ctx.lang),
        datasets=("mobility",),
        years=(ctx.year,),
    )


def _programs(ctx: DeckContext, flt: mq.MobilityFilter) -> SlideSpec | None:
    frame = mq.by_dimension(ctx.conn, flt, "program")
    if frame.empty:
        return None
    total = int(frame["participants"].sum())
    named = frame[frame["value"].notna()]
    top = (named if not named.empty else frame).iloc[0]
    notes = [ctx.t("report.notes.programs", year=ctx.year, total=ctx.n(total))]
    for row in frame.itertuples():
        label = mob_charts.value_label(row.value, ctx.lang, "program")
        notes.append(f"{label}: {ctx.n(row.participants)} ({ctx.pct(row.participants / total)})")
    return slide(
        ctx,
        KEY,
        ctx.t("report.mobility.programs_title", year=ctx.year),
        ctx.t(
            "report.mobility.programs_headline",
            year=ctx.year,
            program=mob_charts.value_label(top["value"], ctx.lang, "program"),
            count=ctx.n(top["participants"]),
            total=ctx.n(total),
            share=ctx.pct(top["participants"] / total),
        ),
        notes,
        mob_charts.dimension_bar(frame, ctx.lang, "program"),
        datasets=("mobility",),
        years=(ctx.year,),
    )


def _credits(ctx: DeckContext, flt: mq.MobilityFilter) -> SlideSpec | None:
    frame = mq.credit_recognition(ctx.conn, flt, "faculty")
    frame = frame[frame["rate"].notna()] if not frame.empty else frame
    if frame.empty:
        return None
    earned = float(frame["credits_earned"].sum())
    recognized = float(frame["credits_recognized"].sum())
    lowest = frame.sort_values(["rate", "group"]).iloc[0]
    if recognized >= earned:
        headline = ctx.t("report.mobility.credits_all", year=ctx.year, earned=ctx.n(earned))
    else:
        headline = ctx.t(
            "report.mobility.credits_headline",
            year=ctx.year,
            earned=ctx.n(earned),
            recognized=ctx.n(recognized),
            share=ctx.pct(recognized / earned),
            group=ctx.faculty(lowest["group"]),
            rate=ctx.pct(lowest["rate"]),
        )
    notes = [translate("ui.mobility_credits_note", ctx.lang)]
    for row in frame.itertuples():
        notes.append(
            ctx.t(
                "report.notes.credits",
                group=ctx.faculty(row.group),
                recognized=ctx.n(row.credits_recognized),
                earned=ctx.n(row.credits_earned),
                rate=ctx.pct(row.rate),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.mobility.credits_title", year=ctx.year),
        headline,
        notes,
        mob_charts.recognition_bar(ctx.named(frame, "group"), ctx.lang),
        datasets=("mobility", "faculties"),
        years=(ctx.year,),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """Students at risk of expulsion (the overview's alert), then every other rule of the
    regulation the year's mobility breaches, counted (plan: the office has to follow up)."""
    found = alert_risks(ctx, KEY)
    flags = ctx.rule_flags()
    breaches = flags[(flags["count"] > 0) & (flags["flag"] != ALERTED_FLAG)]
    if not breaches.empty:
        items = [
            f"{lower_first(translate(f'mobility.flag.{r.flag}.title', ctx.lang))}"
            f" — {ctx.n(r.count)}"
            for r in breaches.itertuples()
        ]
        found.append(
            Risk(2, ctx.t("report.risks.rule_flags", year=ctx.year, flags="; ".join(items)))
        )
    return found


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
