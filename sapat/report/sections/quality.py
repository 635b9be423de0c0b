"""The deck's academic quality section: pass rates, falls, teaching staff, graduates, surveys."""

from __future__ import annotations

import pandas as pd

from sapat import formats as fmt
from sapat.charts import quality as quality_charts
from sapat.charts import staff as staff_charts
from sapat.charts import surveys as survey_charts
from sapat.i18n import code_label, translate
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from sapat.queries import surveys as svq
from sapat.report.context import (
    NBSP,
    DeckContext,
    Risk,
    Section,
    change,
    is_text,
    join,
    lower_first,
    names,
    program_name,
    slide,
)
from sapat.report.spec import SlideSpec
from sapat.settings import degree_threshold

KEY = "quality"


def _rate(ctx: DeckContext, value: object) -> str:
    """A rate stored as 0–100 (pass rates, employment) as the locale writes a percentage."""
    return ctx.pct(float(value) / 100, 1) if fmt.is_number(value) else fmt.DASH  # type: ignore[arg-type]


def _pp(ctx: DeckContext, value: str) -> str:
    """``value`` in percentage points ('+0.4 pp', '+0,4 п. п.'), never broken across lines."""
    return ctx.t("report.points", value=value).replace(" ", NBSP)


def _points(ctx: DeckContext, value: object) -> str:
    """A change in percentage points, signed, to one decimal: '+0.4 pp'."""
    return _pp(ctx, fmt.signed_number(value, ctx.lang, 1))


def _drop_points(ctx: DeckContext) -> str:
    """The pass-rate fall that flags a programme, as the pages' default: '10 pp'."""
    points = qq.DEFAULT_DROP_POINTS
    return _pp(ctx, ctx.n(points, 0 if float(points).is_integer() else 1))


def _pass_rates(ctx: DeckContext) -> pd.DataFrame:
    """The university's regular and retake pass rates per academic year, up to the deck's."""

    def load() -> pd.DataFrame:
        frame = qq.pass_rates(ctx.conn, "university")
        return frame[frame["academic_year"] <= ctx.year].reset_index(drop=True)

    return ctx.cached("pass_rates", load)


def _faculty_rates(ctx: DeckContext) -> pd.DataFrame:
    """Each faculty's regular and retake pass rates in the deck's academic year."""

    def load() -> pd.DataFrame:
        frame = qq.pass_rates(ctx.conn, "faculty")
        return frame[frame["academic_year"] == ctx.year].reset_index(drop=True)

    return ctx.cached("faculty_rates", load)


def _pass_drops(ctx: DeckContext) -> pd.DataFrame:
    """Programmes whose regular-session pass rate fell by more than the page's default."""
    return ctx.cached(
        "pass_drops", lambda: qq.pass_rate_drops(ctx.conn, qq.DEFAULT_DROP_POINTS, ctx.year)
    )


def _degree_threshold(ctx: DeckContext) -> float:
    return ctx.cached("degree_threshold", degree_threshold)


def _staff_trend(ctx: DeckContext) -> pd.DataFrame:
    return ctx.cached("staff_trend", lambda: sq.composition_by_year(ctx.conn))


def _staff_year(ctx: DeckContext) -> int | None:
    """The staff (calendar) year of the deck: the year its academic year ends in (2025-2026 →
    2026), as for the KPIs; without figures for it, the latest year before it."""
    years = [int(y) for y in _staff_trend(ctx)["year"] if int(y) <= ctx.end]
    return max(years) if years else None


def _degree_shares(ctx: DeckContext) -> pd.DataFrame:
    """Each faculty's degree share in the staff year against the licensing threshold."""

    def load() -> pd.DataFrame:
        year = _staff_year(ctx)
        if year is None:
            return pd.DataFrame(columns=["faculty", "degree_share", "below"])
        return sq.degree_share(ctx.conn, year, _degree_threshold(ctx))

    return ctx.cached("degree_shares", load)


def _below_threshold(ctx: DeckContext) -> pd.DataFrame:
    shares = _degree_shares(ctx)
    return shares[shares["below"].astype(bool)]


def _faculty_shares(ctx: DeckContext, frame: pd.DataFrame) -> str:
    """'Faculty of Pedagogy (53.8%)', lowest first, the rest counted."""
    return names(
        ctx,
        [f"{ctx.faculty(r.faculty)} ({ctx.pct(r.degree_share, 1)})" for r in frame.itertuples()],
    )


def _drop_items(ctx: DeckContext, drops: pd.DataFrame) -> str:
    """'Software Engineering (78.5% → 62.3%, -16.2 pp)', the largest fall first."""
    return names(
        ctx,
        [
            ctx.t(
                "report.quality.drop_item",
                program=program_name(row, ctx.lang),
                before=_rate(ctx, row["previous_rate"]),
                now=_rate(ctx, row["pass_rate"]),
                change=_points(ctx, -row["drop"]),
            )
            for _, row in drops.iterrows()
        ],
    )


def slides(ctx: DeckContext) -> list[SlideSpec]:
    made = [_rates(ctx), _programmes(ctx), _staff(ctx), _graduates(ctx)]
    return [s for s in made if s]


def _rates(ctx: DeckContext) -> SlideSpec | None:
    """The regular-session pass rate beside the retakes' over the years."""
    rates = _pass_rates(ctx)
    by_year = rates.pivot_table(
        index="academic_year", columns="session_type", values="pass_rate", aggfunc="first"
    )
    if "regular" not in by_year or not fmt.is_number(by_year["regular"].get(ctx.year)):
        return None
    regular = by_year["regular"].dropna()
    now = regular[ctx.year]
    earlier = regular[regular.index < ctx.year]
    params = {"year": ctx.year, "rate": _rate(ctx, now)}
    if earlier.empty:
        lead = ctx.t("report.quality.regular", **params)
    else:
        lead = ctx.t(
            "report.quality.regular_change",
            **params,
            change=_points(ctx, now - earlier.iloc[-1]),
            previous=earlier.index[-1],
        )
    retake = by_year["retake"].get(ctx.year) if "retake" in by_year else None
    headline = (
        join(ctx, lead, ctx.t("report.quality.retake", rate=_rate(ctx, retake)))
        if fmt.is_number(retake)
        else lead
    )
    notes = [ctx.t("report.notes.pass_rates")]
    sessions = rates[rates["session_type"] == "regular"].set_index("academic_year")
    for year, row in by_year.iterrows():
        notes.append(
            ctx.t(
                "report.notes.pass_rate_year",
                year=year,
                regular=_rate(ctx, row.get("regular")),
                passed=ctx.n(sessions["students_passed"].get(year)),
                sat=ctx.n(sessions["students_total"].get(year)),
                retake=_rate(ctx, row.get("retake")),
            )
        )
    attestation = qq.attestation(ctx.conn)
    attestation = attestation[attestation["academic_year"] == ctx.year]
    if not attestation.empty and attestation["students_total"].sum() > 0:
        sat, passed = attestation["students_total"].sum(), attestation["students_passed"].sum()
        notes.append(
            ctx.t(
                "report.notes.attestation",
                year=ctx.year,
                rate=_rate(ctx, 100 * passed / sat),
                passed=ctx.n(passed),
                sat=ctx.n(sat),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.rates_title"),
        headline,
        notes,
        quality_charts.pass_rate_trend(
            rates, ctx.lang, ctx.t("quality.chart.trend", unit=ctx.university)
        ),
        datasets=("exam_results",),
        years=(rates["academic_year"].min(), ctx.year),
    )


def _programmes(ctx: DeckContext) -> SlideSpec | None:
    """Programmes whose pass rate fell sharply; without any, the faculties side by side."""
    drops = _pass_drops(ctx)
    return _drops(ctx, drops) if not drops.empty else _faculties(ctx)


def _faculty_rate_notes(ctx: DeckContext) -> list[str]:
    rates = _faculty_rates(ctx)
    if rates.empty:
        return []
    wide = rates.pivot_table(index="grp", columns="session_type", values="pass_rate")
    wide = wide.sort_values("regular") if "regular" in wide else wide
    notes = [ctx.t("report.notes.faculty_rates", year=ctx.year)]
    for faculty, row in wide.iterrows():
        notes.append(
            ctx.t(
                "report.notes.faculty_rate",
                faculty=ctx.faculty(faculty),
                regular=_rate(ctx, row.get("regular")),
                retake=_rate(ctx, row.get("retake")),
            )
        )
    return notes


def _drops(ctx: DeckContext, drops: pd.DataFrame) -> SlideSpec:
    points = _drop_points(ctx)
    notes = [ctx.t("report.notes.drops", points=points)]
    for _, row in drops.iterrows():
        notes.append(
            ctx.t(
                "report.notes.drop",
                program=program_name(row, ctx.lang),
                code=row["program_code"],
                faculty=ctx.faculty(row["faculty"]) if is_text(row["faculty"]) else fmt.DASH,
                before=_rate(ctx, row["previous_rate"]),
                prev_year=row["prev_year"],
                now=_rate(ctx, row["pass_rate"]),
                year=row["academic_year"],
                change=_points(ctx, -row["drop"]),
                students=ctx.n(row["students_total"]),
            )
        )
    notes += _faculty_rate_notes(ctx)
    fig = quality_charts.drop_chart(drops, ctx.lang, ctx.t("quality.chart.drops"))
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.drops_title", points=points),
        ctx.t(
            "report.quality.drops_headline",
            year=ctx.year,
            points=points,
            programs=_drop_items(ctx, drops),
        ),
        notes,
        fig,
        datasets=("exam_results", "programs", "faculties"),
        years=(ctx.prev, ctx.year),
    )


def _faculties(ctx: DeckContext) -> SlideSpec | None:
    rates = _faculty_rates(ctx)
    regular = rates[rates["session_type"] == "regular"].dropna(subset=["pass_rate"])
    if regular.empty:
        return None
    ordered = regular.sort_values(["pass_rate", "grp"])
    low, high = ordered.iloc[0], ordered.iloc[-1]
    params = {
        "low": ctx.faculty(low["grp"]),
        "low_rate": _rate(ctx, low["pass_rate"]),
        "high": ctx.faculty(high["grp"]),
        "high_rate": _rate(ctx, high["pass_rate"]),
    }
    compared = (_pass_rates(ctx)["academic_year"] < ctx.year).any()
    if compared:
        headline = join(
            ctx,
            ctx.t("report.quality.no_drops", year=ctx.year, points=_drop_points(ctx)),
            ctx.t("report.quality.faculty_range", **params),
        )
    else:
        headline = ctx.t("report.quality.faculty_range_year", year=ctx.year, **params)
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.faculties_title"),
        headline,
        _faculty_rate_notes(ctx),
        quality_charts.pass_rate_bars(
            ctx.named(rates, "grp"),
            ctx.lang,
            "faculty",
            ctx.t("quality.chart.by_faculty", year=ctx.year),
        ),
        datasets=("exam_results", "faculties"),
        years=(ctx.year,),
    )


def _staff(ctx: DeckContext) -> SlideSpec | None:
    """The share of teaching staff with a degree by faculty, against the licensing threshold."""
    shares = _degree_shares(ctx)
    if shares.empty:
        return None
    year = _staff_year(ctx)
    threshold = _degree_threshold(ctx)
    trend = _staff_trend(ctx).set_index("year")
    total = trend.loc[year]
    share, before = total["degree_share"], trend["degree_share"].get(year - 1)
    params = {"year": year, "share": ctx.pct(share, 1)}
    if fmt.is_number(before):
        lead = ctx.t(
            "report.quality.staff_share_change",
            **params,
            change=_points(ctx, 100 * (share - before)),
            previous=year - 1,
        )
    else:
        lead = ctx.t("report.quality.staff_share", **params)
    below = _below_threshold(ctx)
    limit = ctx.pct(threshold)
    tail = (
        ctx.t("report.quality.staff_below", threshold=limit, faculties=_faculty_shares(ctx, below))
        if not below.empty
        else ctx.t("report.quality.staff_all_meet", threshold=limit)
    )
    notes = [
        ctx.t("report.notes.staff_year", year=year, academic_year=ctx.year),
        ctx.t(
            "report.notes.staff_total",
            with_degree=ctx.n(total["with_degree"]),
            headcount=ctx.n(total["headcount"]),
            doctors=ctx.n(total["doctors_of_science"]),
            candidates=ctx.n(total["candidates_of_science"]),
            phd=ctx.n(total["phd_holders"]),
            professors=ctx.n(total["professors"]),
            associates=ctx.n(total["associate_professors"]),
        ),
    ]
    for row in shares.itertuples():
        status = "below" if row.below else "meets"
        notes.append(
            ctx.t(
                "report.notes.staff_faculty",
                faculty=ctx.faculty(row.faculty),
                with_degree=ctx.n(row.with_degree),
                headcount=ctx.n(row.headcount),
                share=ctx.pct(row.degree_share, 1),
                previous=ctx.pct(row.previous_share, 1),
                status=ctx.t(f"report.quality.{status}"),
            )
        )
    rating = _rating_notes(ctx)
    notes += rating
    fig = staff_charts.degree_share_bars(
        ctx.named(shares), ctx.lang, threshold, ctx.t("staff.chart.degree_share", year=year)
    )
    rated = ("staff_rating",) if rating else ()
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.staff_title"),
        join(ctx, lead, tail),
        notes,
        fig,
        datasets=("staff_composition", "faculties", *rated),
        years=(year - 1, year) if fmt.is_number(before) else (year,),
    )


def _rating_notes(ctx: DeckContext) -> list[str]:
    """The staff rating of the staff year, as the page's aggregates only (groups of at least
    ``MIN_GROUP`` people): never one person's scores."""
    year = _staff_year(ctx)
    if year is None or year not in sq.rating_years(ctx.conn):
        return []
    summary = sq.rating_summary(ctx.conn, year)
    shown = summary[~summary["hidden"].astype(bool)]
    university = shown[shown["faculty"] == "university"]
    if university.empty:
        return []
    whole = university.iloc[0]
    notes = [
        ctx.t(
            "report.notes.rating",
            year=year,
            count=sq.MIN_GROUP,
            mean=ctx.n(whole["mean_total"], 1),
            people=ctx.n(whole["people"]),
        )
    ]
    for row in shown[shown["faculty"] != "university"].itertuples():
        notes.append(
            ctx.t(
                "report.notes.rating_faculty",
                faculty=ctx.faculty(row.faculty),
                mean=ctx.n(row.mean_total, 1),
                people=ctx.n(row.people),
            )
        )
    hidden = summary[summary["hidden"].astype(bool)]
    if not hidden.empty:
        notes.append(
            translate(
                "ui.staff_rating_hidden",
                ctx.lang,
                faculties=ctx.faculties().listing(hidden["faculty"]),
                count=sq.MIN_GROUP,
            )
        )
    return notes


def _graduates(ctx: DeckContext) -> SlideSpec | None:
    """Graduates and their employment within a year; without graduates of the year, the
    satisfaction surveys."""
    grads = ctx.cached("graduates", lambda: qq.graduates_by_year(ctx.conn))
    grads = grads[grads["academic_year"] <= ctx.year]
    counts = grads.set_index("academic_year")["graduates_total"]
    if not fmt.is_number(counts.get(ctx.year)):
        return _surveys(ctx)
    before = counts.get(ctx.prev)
    lead = change(
        ctx,
        ctx.t("report.subject.graduates"),
        int(counts[ctx.year]),
        int(before) if fmt.is_number(before) else None,
    )
    known = grads.dropna(subset=["employment_rate"])
    headline = lead
    if not known.empty:
        last = known.iloc[-1]
        params = {"year": last["academic_year"], "rate": _rate(ctx, last["employment_rate"])}
        if len(known) > 1:
            prior = known.iloc[-2]
            tail = ctx.t(
                "report.quality.employment_change",
                **params,
                change=_points(ctx, last["employment_rate"] - prior["employment_rate"]),
                previous=prior["academic_year"],
            )
        else:
            tail = ctx.t("report.quality.employment", **params)
        headline = join(ctx, lead, tail)
    notes = [ctx.t("report.notes.graduates")]
    for row in grads.itertuples():
        notes.append(
            ctx.t(
                "report.notes.graduates_year",
                year=row.academic_year,
                graduates=ctx.n(row.graduates_total),
                honours=ctx.n(row.with_honours),
                rate=_rate(ctx, row.employment_rate),
            )
        )
    notes.append(translate("ui.quality_employment_note", ctx.lang))
    notes += _survey_notes(ctx)
    fig = quality_charts.graduates_trend(grads, ctx.lang, ctx.t("quality.chart.graduates"))
    surveyed = ("survey_results",) if not _satisfaction(ctx).empty else ()
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.graduates_title"),
        headline,
        notes,
        fig,
        datasets=("graduates", *surveyed),
        years=(grads["academic_year"].min(), ctx.year),
    )


def _satisfaction(ctx: DeckContext) -> pd.DataFrame:
    def load() -> pd.DataFrame:
        frame = svq.satisfaction(ctx.conn)
        return frame[frame["academic_year"] <= ctx.year].reset_index(drop=True)

    return ctx.cached("satisfaction", load)


def _survey_notes(ctx: DeckContext) -> list[str]:
    sat = _satisfaction(ctx)
    year = sat[sat["academic_year"] == ctx.year]
    if year.empty:
        return []
    notes = [ctx.t("report.notes.surveys", year=ctx.year)]
    for row in year.itertuples():
        notes.append(
            ctx.t(
                "report.notes.survey_group",
                group=code_label(row.respondent_group, ctx.lang),
                score=ctx.n(row.mean_score, 2),
                share=ctx.pct(row.share_satisfied),
            )
        )
    return notes


def _surveys(ctx: DeckContext) -> SlideSpec | None:
    sat = _satisfaction(ctx)
    year = sat[sat["academic_year"] == ctx.year]
    if year.empty:
        return None
    groups = fmt.listing(
        [
            f"{lower_first(code_label(r.respondent_group, ctx.lang))} {ctx.n(r.mean_score, 2)}"
            for r in year.itertuples()
        ],
        ctx.lang,
    )
    return slide(
        ctx,
        KEY,
        ctx.t("report.quality.surveys_title"),
        ctx.t("report.quality.surveys_headline", year=ctx.year, groups=groups),
        _survey_notes(ctx),
        survey_charts.satisfaction_trend(sat, ctx.lang, ctx.t("surveys.chart.trend")),
        datasets=("survey_results",),
        years=(sat["academic_year"].min(), ctx.year),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """Faculties below the licensing degree share (act now: the licence depends on it) and
    programmes whose pass rate fell sharply (plan: the faculty has to explain and act).

    Worded here rather than taken from the overview's alerts (which the deck's alerts leave
    out): the deck names the faculties and programmes, as of its own year.
    """
    found: list[Risk] = []
    below = _below_threshold(ctx)
    if not below.empty:
        text = ctx.t(
            "report.risks.degree_below",
            year=_staff_year(ctx),
            threshold=ctx.pct(_degree_threshold(ctx)),
            faculties=_faculty_shares(ctx, below),
        )
        found.append(Risk(1, text))
    drops = _pass_drops(ctx)
    if not drops.empty:
        text = ctx.t(
            "report.risks.pass_drops",
            year=ctx.year,
            points=_drop_points(ctx),
            programs=_drop_items(ctx, drops),
        )
        found.append(Risk(2, text))
    return found


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
