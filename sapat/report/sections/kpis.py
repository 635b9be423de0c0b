"""The deck's KPI section: statuses of the year, the KPIs furthest off target, a faculty split."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from sapat import formats as fmt
from sapat.charts import kpis as kpi_charts
from sapat.i18n import localized
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.queries import overview as oq
from sapat.report.context import (
    DeckContext,
    Risk,
    Section,
    alert_risks,
    lower_first,
    names,
    slide,
)
from sapat.report.spec import SlideSpec
from schemas.registry import DATASETS

KEY = "kpis"


def _value(ctx: DeckContext, value: object, unit: str | None) -> str:
    """A KPI value in the deck's locale, with its unit, as the KPIs page writes it."""
    return kpi_charts.format_value(value, unit, ctx.lang)


def _name(row: Any, lang: str) -> str:
    # As the agency charts name a KPI: in the deck's language, else by its code.
    return localized(row, "name", lang, others=False) or str(row.get("code"))


def _status_text(status: str, lang: str) -> str:
    return lower_first(kpi_charts.status_label(status, lang))


def _note(ctx: DeckContext, key: str, unit: str | None, row: Any, **label: object) -> str:
    """One KPI figure read out in the notes: its value and target in ``unit``, its status.
    ``row``: a Series or an ``itertuples()`` row with value, target and status."""
    return ctx.t(
        key,
        **label,
        value=_value(ctx, row.value, unit),
        target=_value(ctx, row.target, unit),
        status=_status_text(row.status, ctx.lang),
    )


# What a KPI slide reads: the definitions, targets and uploaded values, and the tables of
# the measures its KPIs are computed from.
KPI_DATASETS = ("kpi_definitions", "kpi_targets", "kpi_values")


def _measures(rows: Any) -> tuple[str, ...]:
    """The measures the KPIs of ``rows`` are computed from (None: uploaded values)."""
    found = (
        getattr(r, "measure", None) if not hasattr(r, "get") else r.get("measure") for r in rows
    )
    return tuple(dict.fromkeys(m for m in found if isinstance(m, str) and m in msq.MEASURES))


def _datasets(ctx: DeckContext, rows: Any) -> tuple[str, ...]:
    """KPI_DATASETS and the datasets of the measures behind the KPIs of ``rows``: the tables
    a measure's SQL names (a measure reads one table, or a query over a few)."""
    rows = list(rows)
    words: set[str] = set()
    for measure in _measures(rows):
        words |= set(re.findall(r"\w+", msq.measure_sql(measure, ctx.today)))
    tables = [name for name, spec in DATASETS.items() if spec.table in words]
    return (*KPI_DATASETS, *tables)


def slides(ctx: DeckContext) -> list[SlideSpec]:
    year = ctx.kpi_year()
    if year is None:
        return []
    card = kq.scorecard(ctx.conn, year, kq.UNIVERSITY, ctx.today)
    if card.empty:
        return []
    made = [_status(ctx, year, card)]
    for _, row in _focus(card).iterrows():
        made.append(_history(ctx, year, row))
    faculty = _faculty(ctx, year, card)
    if faculty:
        made.append(faculty)
    return made


def _status(ctx: DeckContext, year: int, card: pd.DataFrame) -> SlideSpec:
    # status_counts() of the year, from the scorecard's own statuses (the same rule).
    found = card["status"].value_counts()
    counts = {status: int(found.get(status, 0)) for status in kq.STATUSES}
    measured = counts["on_track"] + counts["at_risk"] + counts["off_track"]
    notes = [ctx.t("report.notes.kpi_year", year=year, academic_year=ctx.year)]
    if year - 1 in ctx.kpi_years():
        before = kq.status_counts(ctx.conn, year - 1, kq.UNIVERSITY, ctx.today)
        notes.append(
            ctx.t(
                "report.notes.kpi_before",
                year=year - 1,
                on_track=ctx.n(before["on_track"]),
                at_risk=ctx.n(before["at_risk"]),
                off_track=ctx.n(before["off_track"]),
            )
        )
    for _, row in card.iterrows():
        notes.append(_note(ctx, "report.notes.kpi", row["unit"], row, name=_name(row, ctx.lang)))
    # An uploaded figure the warehouse contradicts is read out, as the KPIs page flags it.
    for _, row in card[card["differs"]].iterrows():
        notes.append(
            ctx.t(
                "report.notes.kpi_differs",
                name=_name(row, ctx.lang),
                uploaded=_value(ctx, row["uploaded"], row["unit"]),
                computed=_value(ctx, row["value"], row["unit"]),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.kpis.status_title", year=year),
        ctx.t(
            "report.kpis.status_headline",
            year=year,
            measured=ctx.n(measured),
            on_track=ctx.n(counts["on_track"]),
            at_risk=ctx.n(counts["at_risk"]),
            off_track=ctx.n(counts["off_track"]),
        ),
        notes,
        kpi_charts.status_donut(counts, ctx.lang),
        datasets=_datasets(ctx, (r for _, r in card.iterrows())),
        years=(year,),
        measures=_measures(r for _, r in card.iterrows()),
    )


def _gap(row: pd.Series) -> float:
    """How far a KPI is from its target, as a share of the target (positive: behind)."""
    value, target = float(row["value"]), float(row["target"])
    gap = (target - value) if row["direction"] == "higher_is_better" else (value - target)
    return gap / abs(target) if target else gap


def _focus(card: pd.DataFrame) -> pd.DataFrame:
    """The two KPIs the Council should look at: the furthest off track, then at risk, else the
    first two measured ones."""
    scored = card[card["status"].isin(["off_track", "at_risk", "on_track"])].copy()
    if scored.empty:
        return scored
    scored["_gap"] = [_gap(r) for _, r in scored.iterrows()]
    scored["_rank"] = scored["status"].map({"off_track": 0, "at_risk": 1, "on_track": 2})
    return scored.sort_values(["_rank", "_gap"], ascending=[True, False]).head(2)


def _history(ctx: DeckContext, year: int, row: pd.Series) -> SlideSpec:
    name = _name(row, ctx.lang)
    unit = row["unit"]
    history = kq.history(ctx.conn, row["code"], as_of=year, today=ctx.today)
    params = {
        "name": name,
        "year": year,
        "value": _value(ctx, row["value"], unit),
        "target": _value(ctx, row["target"], unit),
        "status": _status_text(row["status"], ctx.lang),
    }
    if fmt.is_number(row["previous_value"]):
        headline = ctx.t(
            "report.kpis.history_headline",
            **params,
            previous=_value(ctx, row["previous_value"], unit),
            prev_year=year - 1,
        )
    else:
        headline = ctx.t("report.kpis.history_no_previous", **params)
    notes = [kpi_charts.direction_label(row["direction"], ctx.lang)]
    for h in history.itertuples():
        notes.append(_note(ctx, "report.notes.kpi_year_value", unit, h, year=h.year))
    return slide(
        ctx,
        KEY,
        f"{kpi_charts.status_label(row['status'], ctx.lang)}: {name}",
        headline,
        notes,
        kpi_charts.kpi_history(history, ctx.lang, name, unit, row["direction"]),
        datasets=_datasets(ctx, (row,)),
        years=(history["year"].min(), history["year"].max()) if not history.empty else (year,),
        measures=_measures((row,)),
    )


def _reached(row: Any, direction: str) -> float | None:
    """The share of its target a faculty reached (1.0: exactly on target), the way the
    KPI's ``direction`` reads; None without a positive value and target."""
    value, target = row.value, row.target
    if not (fmt.is_number(value) and fmt.is_number(target)) or value <= 0 or target <= 0:
        return None
    return value / target if direction == "higher_is_better" else target / value


def _faculty(ctx: DeckContext, year: int, card: pd.DataFrame) -> SlideSpec | None:
    """The KPI with the most faculties off target, split by faculty.

    Faculties differ in size: a count (students, staff) says which faculty is largest, not
    which does best. Percentages are compared as they are; every other unit by the share of
    its own target each faculty reached; without targets, faculties are not ranked at all.
    """
    best_pick = None
    split = kq.faculty_codes(ctx.conn, year, ctx.today)
    for _, row in card[card["code"].isin(split)].iterrows():
        frame = kq.by_faculty(ctx.conn, row["code"], year, ctx.today)
        measured = frame[frame["value"].map(fmt.is_number)] if not frame.empty else frame
        if len(measured) < 2:
            continue
        off = int((measured["status"] == "off_track").sum())
        if best_pick is None or off > best_pick[0]:
            best_pick = (off, row, frame, measured)
    if best_pick is None:
        return None
    off, row, frame, measured = best_pick
    unit, name = row["unit"], _name(row, ctx.lang)
    params: dict[str, object] = {
        "name": name,
        "year": year,
        "off": ctx.n(off),
        "count": ctx.n(len(measured)),
    }
    reached = {f.unit_scope: _reached(f, row["direction"]) for f in measured.itertuples()}
    if unit == "percent":  # a rate already: compared as it is, lower first if better
        sign = -1 if row["direction"] == "lower_is_better" else 1
        scores = {f.unit_scope: sign * float(f.value) for f in measured.itertuples()}
        shown = {f.unit_scope: _value(ctx, f.value, unit) for f in measured.itertuples()}
        key = "report.kpis.faculty_headline"
    else:
        scores = {scope: r for scope, r in reached.items() if r is not None}
        shown = {scope: ctx.pct(r, 1) for scope, r in scores.items()}
        key = "report.kpis.faculty_headline_target"
    # Highest first; faculties of equal score in code order.
    ranked = sorted(scores, key=lambda scope: (-scores[scope], scope))
    if len(ranked) >= 2:
        best, worst = ranked[0], ranked[-1]
        params |= {
            "best": ctx.faculty(best),
            "best_value": shown[best],
            "worst": ctx.faculty(worst),
            "worst_value": shown[worst],
        }
    else:
        key = "report.kpis.faculty_off"
    notes = [kpi_charts.direction_label(row["direction"], ctx.lang)]
    for f in frame.itertuples():
        share = reached.get(f.unit_scope)
        line = (
            "report.notes.kpi_reached"
            if unit != "percent" and share is not None
            else "report.notes.kpi"
        )
        notes.append(
            _note(ctx, line, unit, f, name=ctx.faculty(f.unit_scope), share=ctx.pct(share, 1))
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.kpis.faculty_title", name=name, year=year),
        ctx.t(key, **params),
        notes,
        kpi_charts.faculty_bars(ctx.named(frame), ctx.lang, unit, year=year),
        datasets=(*_datasets(ctx, (row,)), "faculties"),
        years=(year,),
        measures=_measures((row,)),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """The KPIs off target in the deck's KPI year, by name."""

    def detail(alert: oq.Alert) -> str:
        off = ctx.off_track()
        if alert.key != "kpis_off_track" or off.empty:
            return ""
        return names(ctx, [_name(r, ctx.lang) for _, r in off.iterrows()])

    return alert_risks(ctx, KEY, detail)


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
