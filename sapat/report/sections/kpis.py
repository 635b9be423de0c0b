"""The deck's KPI section: statuses of the year, the KPIs furthest off target, a faculty split."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sapat.charts import kpis as kpi_charts
from sapat.i18n import code_label, translate
from sapat.queries import kpis as kq
from sapat.queries import overview as oq
from sapat.report import formats as fmt
from sapat.report.context import (
    DeckContext,
    Risk,
    Section,
    alert_risks,
    finite,
    lower_first,
    names,
    slide,
)
from sapat.report.spec import SlideSpec

KEY = "kpis"


def _value(ctx: DeckContext, value: object, unit: str | None) -> str:
    """A KPI value in the deck's locale, with its unit (percent KPIs are stored as 0–100)."""
    if not finite(value):
        return fmt.DASH
    value = float(value)  # type: ignore[arg-type]
    if unit == "percent":
        return ctx.pct(value / 100, 1)
    if unit in ("count", "rank"):
        return ctx.n(value)
    if unit in ("ratio", "score"):
        return ctx.n(value, 2)
    if unit == "som":
        return translate("kpis.amount_som", ctx.lang, amount=ctx.n(value))
    if unit == "usd":
        return fmt.money(value, "USD", ctx.lang)
    return ctx.n(value, 0 if value == int(value) else 2)


def _name(row: Any, lang: str) -> str:
    name = row.get(f"name_{lang}")
    return name if isinstance(name, str) and name.strip() else str(row.get("code"))


def _status_text(status: str, lang: str) -> str:
    return lower_first(kpi_charts.status_label(status, lang))


def slides(ctx: DeckContext) -> list[SlideSpec]:
    year = ctx.kpi_year()
    if year is None:
        return []
    card = kq.scorecard(ctx.conn, year)
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
        before = kq.status_counts(ctx.conn, year - 1)
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
        notes.append(
            ctx.t(
                "report.notes.kpi",
                name=_name(row, ctx.lang),
                value=_value(ctx, row["value"], row["unit"]),
                target=_value(ctx, row["target"], row["unit"]),
                status=_status_text(row["status"], ctx.lang),
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
    history = kq.history(ctx.conn, row["code"], as_of=year)
    params = {
        "name": name,
        "year": year,
        "value": _value(ctx, row["value"], unit),
        "target": _value(ctx, row["target"], unit),
        "status": _status_text(row["status"], ctx.lang),
    }
    if finite(row["previous_value"]):
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
        notes.append(
            ctx.t(
                "report.notes.kpi_year_value",
                year=h.year,
                value=_value(ctx, h.value, unit),
                target=_value(ctx, h.target, unit),
                status=_status_text(h.status, ctx.lang),
            )
        )
    return slide(
        ctx,
        KEY,
        f"{kpi_charts.status_label(row['status'], ctx.lang)}: {name}",
        headline,
        notes,
        kpi_charts.kpi_history(history, ctx.lang, name, unit, row["direction"]),
    )


def _faculty(ctx: DeckContext, year: int, card: pd.DataFrame) -> SlideSpec | None:
    """The KPI with the most faculties off target, split by faculty."""
    best_pick = None
    split = kq.faculty_codes(ctx.conn, year)
    for _, row in card[card["code"].isin(split)].iterrows():
        frame = kq.by_faculty(ctx.conn, row["code"], year)
        measured = frame[frame["value"].map(finite)] if not frame.empty else frame
        if len(measured) < 2:
            continue
        off = int((measured["status"] == "off_track").sum())
        if best_pick is None or off > best_pick[0]:
            best_pick = (off, row, frame, measured)
    if best_pick is None:
        return None
    off, row, frame, measured = best_pick
    unit, name = row["unit"], _name(row, ctx.lang)
    ascending = row["direction"] == "lower_is_better"
    ordered = measured.sort_values(["value", "unit_scope"], ascending=[ascending, True])
    best, worst = ordered.iloc[0], ordered.iloc[-1]
    notes = [kpi_charts.direction_label(row["direction"], ctx.lang)]
    for f in frame.itertuples():
        notes.append(
            ctx.t(
                "report.notes.kpi",
                name=code_label(f.unit_scope, ctx.lang),
                value=_value(ctx, f.value, unit),
                target=_value(ctx, f.target, unit),
                status=_status_text(f.status, ctx.lang),
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.kpis.faculty_title", name=name, year=year),
        ctx.t(
            "report.kpis.faculty_headline",
            name=name,
            year=year,
            best=code_label(best["unit_scope"], ctx.lang),
            best_value=_value(ctx, best["value"], unit),
            worst=code_label(worst["unit_scope"], ctx.lang),
            worst_value=_value(ctx, worst["value"], unit),
            off=ctx.n(off),
            count=ctx.n(len(measured)),
        ),
        notes,
        kpi_charts.faculty_bars(frame, ctx.lang, unit, year=year),
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
