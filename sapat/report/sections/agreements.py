"""The deck's agreements section: partners by country, types, use by mobility, expiries."""

from __future__ import annotations

import pandas as pd

from sapat import formats as fmt
from sapat.academic_year import AcademicYear
from sapat.charts import agreements as agr_charts
from sapat.i18n import code_label
from sapat.queries import agreements as agq
from sapat.queries import overview as oq
from sapat.report.context import (
    NOTES_ROWS,
    DeckContext,
    Risk,
    Section,
    alert_risks,
    change,
    country,
    join,
    names,
    slide,
)
from sapat.report.spec import SlideSpec

KEY = "agreements"
# A slide shows about a dozen rows of the agreement-use heatmap legibly.
HEATMAP_ROWS = 12


def _countries(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("agr_countries", lambda: agq.by_country(ctx.conn, ctx.today))


def _dormant(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("dormant", lambda: agq.dormant(ctx.conn, ctx.today, agq.DORMANT_YEARS))


def _expiring(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("agr_expiring", lambda: agq.expiring(ctx.conn, ctx.today))


def _partners(ctx: DeckContext, frame: pd.DataFrame) -> str:
    """The partners of ``frame``'s agreements, named in the deck's language where known."""
    return names(ctx, list(ctx.institutions(frame, "partner_institution")["partner_institution"]))


def slides(ctx: DeckContext) -> list[SlideSpec]:
    if _countries(ctx).empty:  # no agreement at all
        return []
    made = [_map(ctx), _types(ctx), _use(ctx), _expiring_slide(ctx)]
    return [s for s in made if s]


def _map(ctx: DeckContext) -> SlideSpec:
    summary = ctx.agreement_summary()
    countries = _countries(ctx)
    notes = [ctx.t("report.notes.agreement_countries", date=fmt.date(ctx.today, ctx.lang))]
    for row in countries.head(NOTES_ROWS).itertuples():
        notes.append(
            ctx.t(
                "report.notes.agreement_country",
                country=country(row.partner_country, ctx.lang),
                agreements=ctx.n(row.agreements),
                active=ctx.n(row.active),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.agreements.map_title"),
        ctx.t(
            "report.agreements.map_headline",
            active=ctx.n(summary["active"]),
            total=ctx.n(summary["total"]),
            countries=ctx.n(summary["countries"]),
        ),
        notes,
        agr_charts.partners_map(countries, ctx.lang),
        datasets=("agreements",),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def _types(ctx: DeckContext) -> SlideSpec:
    types = agq.by_type_status(ctx.conn)
    signed = agq.signed(ctx.conn)
    year = AcademicYear.parse(ctx.year)
    this_year = signed[signed["year_start"] == year.start_year]
    now = len(this_year)
    before = int((signed["year_start"] == year.previous().start_year).sum())
    totals = types.groupby("agreement_type")["agreements"].sum().sort_values(ascending=False)
    headline = join(
        ctx,
        change(ctx, ctx.t("report.subject.signed"), now, before),
        ctx.t(
            "report.agreements.top_type",
            type=code_label(totals.index[0], ctx.lang),
            count=ctx.n(totals.iloc[0]),
            total=ctx.n(totals.sum()),
            share=ctx.pct(totals.iloc[0] / totals.sum()),
        ),
    )
    active = types[types["status"] == "active"].groupby("agreement_type")["agreements"].sum()
    notes = [ctx.t("report.notes.types")]
    for kind, count in totals.items():
        notes.append(f"{code_label(kind, ctx.lang)}: {ctx.n(count)} ({ctx.n(active.get(kind, 0))})")
    if not this_year.empty:
        partners = sorted(set(ctx.institution_names(this_year["partner_institution"]).values()))
        notes.append(
            ctx.t(
                "report.notes.signed",
                year=ctx.year,
                partners=fmt.listing(partners, ctx.lang),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.agreements.types_title"),
        headline,
        notes,
        agr_charts.type_status_bar(types, ctx.lang),
        datasets=("agreements",),
        years=(ctx.prev, ctx.year),
    )


def _use(ctx: DeckContext) -> SlideSpec | None:
    use = agq.utilisation(ctx.conn)
    use = ctx.institutions(use[use["academic_year"] <= ctx.year], "partner_institution")
    if use.empty:
        return None
    per_year = use.groupby("academic_year")["agreement_id"].nunique()
    now = int(per_year.get(ctx.year, 0))
    # Last year is compared only when mobility was recorded at all then.
    before = (
        int(per_year.get(ctx.prev, 0))
        if ctx.prev in set(ctx.mobility_by_year()["academic_year"])
        else None
    )
    dormant = _dormant(ctx)
    headline = join(
        ctx,
        change(ctx, ctx.t("report.subject.used"), now, before),
        ctx.t("report.agreements.dormant_tail", count=ctx.n(len(dormant)), years=agq.DORMANT_YEARS),
    )
    this_year = (
        use[use["academic_year"] == ctx.year]
        .sort_values(["mobilities", "agreement_id"], ascending=[False, True])
        .head(NOTES_ROWS)
    )
    notes = [ctx.t("report.notes.use", year=ctx.year)]
    for row in this_year.itertuples():
        notes.append(f"{row.partner_institution} ({row.agreement_id}): {ctx.n(row.mobilities)}")
    if not dormant.empty:
        notes.append(
            ctx.t(
                "report.notes.dormant",
                years=agq.DORMANT_YEARS,
                partners=_partners(ctx, dormant),
            )
        )
    # What no agreement carries: the rest of the partners' mobility (each counts once).
    unmatched = agq.without_agreement(ctx.conn, year=ctx.year)
    notes.append(
        ctx.t(
            "report.notes.unmatched",
            year=ctx.year,
            count=ctx.n(unmatched["mobilities"].sum()),
            partners=ctx.n(len(unmatched)),
        )
    )
    return slide(
        ctx,
        KEY,
        ctx.t("report.agreements.use_title"),
        headline,
        notes,
        agr_charts.utilisation_heatmap(use, ctx.lang, top=HEATMAP_ROWS),
        datasets=("agreements", "mobility", "institutions"),
        years=(use["academic_year"].min(), ctx.year),
    )


def _expiring_slide(ctx: DeckContext) -> SlideSpec | None:
    soon = ctx.institutions(_expiring(ctx), "partner_institution")
    if soon.empty:
        return None
    first = soon.iloc[0]
    notes = [
        ctx.t(
            "report.notes.expiring",
            partner=row.partner_institution,
            id=row.agreement_id,
            date=fmt.date(row.valid_until, ctx.lang),
            days=ctx.n(row.days_left),
        )
        for row in soon.itertuples()
    ]
    return slide(
        ctx,
        KEY,
        ctx.t("report.agreements.expiring_title"),
        ctx.t(
            "report.agreements.expiring_headline",
            count=ctx.n(len(soon)),
            partner=first["partner_institution"],
            date=fmt.date(first["valid_until"], ctx.lang),
        ),
        notes,
        agr_charts.expiry_timeline(soon, ctx.lang),
        datasets=("agreements",),
        years=(fmt.date(ctx.today, ctx.lang),),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """Dormant agreements and those about to expire, naming the partners."""

    def detail(alert: oq.Alert) -> str:
        if alert.key == "dormant_agreements":
            return _partners(ctx, _dormant(ctx))
        if alert.key == "agreements_expiring":
            return _partners(ctx, _expiring(ctx))
        return ""

    return alert_risks(ctx, KEY, detail)


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
