"""The deck's rankings section: the university's positions, indicator scores and peers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sapat import formats as fmt
from sapat.charts import rankings as rank_charts
from sapat.display import rank_delta
from sapat.i18n import code_label, translate
from sapat.queries import overview as oq
from sapat.queries import rankings as rq
from sapat.report.context import (
    DeckContext,
    Risk,
    Section,
    alert_risks,
    is_text,
    slide,
)
from sapat.report.spec import SlideSpec

KEY = "rankings"
PEERS = 4  # regional peers beside the university on the peers slide
# The published tables, and the institutions that tell the university and its peers by
# name (in the deck's language) and region.
RANKING_DATASETS = ("ranking_results", "institutions")


def _label(code: str, lang: str) -> str:
    return code_label(code, lang)


def _histories(ctx: DeckContext) -> list[tuple[str, pd.DataFrame]]:
    """Each ranking of the university with its editions up to the year's end, in the order
    of ``ctx.latest_rankings`` (the freshest latest edition first)."""

    def load() -> list[tuple[str, pd.DataFrame]]:
        if not ctx.home:
            return []
        out = []
        for code in ctx.latest_rankings()["ranking"]:
            hist = rq.history(ctx.conn, code, (ctx.home,), as_of=ctx.end)
            out.append((code, hist.sort_values("year").reset_index(drop=True)))
        return out

    return ctx.cached("ranking_histories", load)


def _rank_sentence(ctx: DeckContext, row: Any) -> str:
    params = {
        "ranking": _label(row.ranking, ctx.lang),
        "edition": row.year,
        "rank": row.rank_display,
        "previous": row.prev_display,
        "prev_edition": int(row.prev_year) if fmt.is_number(row.prev_year) else None,
    }
    if not isinstance(row.prev_display, str) or params["prev_edition"] is None:
        return ctx.t("report.rankings.lead_new", **params)
    if row.movement in ("up", "down", "same"):
        return ctx.t(f"report.rankings.lead_{row.movement}", **params)
    return ctx.t("report.rankings.lead_other", **params)


def _edition_notes(ctx: DeckContext, label: str, hist: pd.DataFrame) -> list[str]:
    lines = [ctx.t("report.notes.editions", ranking=label)]
    for row in hist.itertuples():
        line = f"{row.year}: {row.rank_display}"
        if fmt.is_number(row.overall_score):
            line += " · " + ctx.t("report.notes.overall", score=ctx.n(row.overall_score, 1))
        lines.append(line)
    return lines


def slides(ctx: DeckContext) -> list[SlideSpec]:
    histories = _histories(ctx)
    current = ctx.latest_rankings()
    ranked = [(code, hist) for code, hist in histories if hist["rank_low"].notna().any()]
    if not ranked:
        return []
    # The position in the two rankings with the freshest editions, the lead one's indicators,
    # the lead one beside regional peers. Every other ranking is read out in the notes.
    made = [
        _position(ctx, code, hist, current, overview=i == 0)
        for i, (code, hist) in enumerate(ranked[:2])
    ]
    lead = ranked[0][0]
    indicators = _indicators(ctx, [code for code, _ in ranked])
    if indicators:
        made.append(indicators)
    peers = _peers(ctx, lead, next(current[current["ranking"] == lead].itertuples()))
    if peers:
        made.append(peers)
    return made


def _position(
    ctx: DeckContext, code: str, hist: pd.DataFrame, current: pd.DataFrame, overview: bool
) -> SlideSpec:
    """The university's position in one ranking over its editions up to the year."""
    row = next(current[current["ranking"] == code].itertuples())
    label = _label(code, ctx.lang)
    notes = _edition_notes(ctx, label, hist)
    if overview:
        notes.append(ctx.t("report.notes.rankings_all", year=ctx.end))
        for other in current.itertuples():
            previous = other.prev_display if is_text(other.prev_display) else None
            delta = rank_delta(other.movement, previous, ctx.lang).text
            notes.append(
                f"{_label(other.ranking, ctx.lang)} {other.year}: {other.rank_display} ({delta})"
            )
    notes.append(translate("ui.bands_note", ctx.lang))
    return slide(
        ctx,
        KEY,
        ctx.t("report.rankings.lead_title", ranking=label),
        _rank_sentence(ctx, row),
        notes,
        rank_charts.rank_history(ctx.institutions(hist, "institution"), ctx.lang, ctx.university),
        datasets=RANKING_DATASETS,
        years=(hist["year"].min(), hist["year"].max()),
    )


def _indicators(ctx: DeckContext, codes: list[str]) -> SlideSpec | None:
    """Indicator scores of the first ranking (in the lead's order) that publishes them."""
    for code in codes:
        years = [y for y in rq.indicator_years(ctx.conn, code, ctx.home) if y <= ctx.end]
        if not years:
            continue
        edition = years[0]
        parts = rq.breakdown(ctx.conn, code, edition, ctx.home)
        scored = parts.dropna(subset=["score"])
        if scored.empty:
            continue
        break
    else:
        return None
    label = _label(code, ctx.lang)

    def name(indicator: str) -> str:
        return rank_charts.indicator_label(indicator, ctx.lang)

    params = {"ranking": label, "edition": edition}
    compared = scored.dropna(subset=["change"])
    gains = compared[compared["change"] > 0].sort_values("change", ascending=False)
    falls = compared[compared["change"] < 0].sort_values("change")
    if not gains.empty:
        params |= {
            "up_name": name(gains.iloc[0]["indicator"]),
            "up_change": fmt.signed_number(gains.iloc[0]["change"], ctx.lang, 1),
        }
    if not falls.empty:
        params |= {
            "down_name": name(falls.iloc[0]["indicator"]),
            "down_change": fmt.signed_number(falls.iloc[0]["change"], ctx.lang, 1),
        }
    if not gains.empty and not falls.empty:
        headline = ctx.t("report.rankings.indicators_both", **params)
    elif not gains.empty:
        headline = ctx.t("report.rankings.indicators_up", **params)
    elif not falls.empty:
        headline = ctx.t("report.rankings.indicators_down", **params)
    else:
        best = scored.sort_values("score", ascending=False)
        headline = ctx.t(
            "report.rankings.indicators_none",
            **params,
            high_name=name(best.iloc[0]["indicator"]),
            high_score=ctx.n(best.iloc[0]["score"], 1),
            low_name=name(best.iloc[-1]["indicator"]),
            low_score=ctx.n(best.iloc[-1]["score"], 1),
        )
    notes = [ctx.t("report.notes.indicators", ranking=label, edition=edition)]
    for row in scored.itertuples():
        notes.append(
            ctx.t(
                "report.notes.indicator",
                indicator=name(row.indicator),
                score=ctx.n(row.score, 1),
                previous=ctx.n(row.prev_score, 1),
                weight=ctx.pct(row.weight / 100) if fmt.is_number(row.weight) else fmt.DASH,
            )
        )
    return slide(
        ctx,
        KEY,
        ctx.t("report.rankings.indicators_title", ranking=label, edition=edition),
        headline,
        notes,
        rank_charts.indicator_scores(scored, ctx.lang),
        datasets=("ranking_indicator_scores", "institutions"),
        years=(edition,),
    )


def _peers(ctx: DeckContext, code: str, lead_row: Any) -> SlideSpec | None:
    """The university beside the regional peers nearest to it in the lead ranking's edition."""
    edition = int(lead_row.year)
    table = rq.edition(ctx.conn, code, edition).dropna(subset=["rank_low"])
    mine = table[table["institution"] == ctx.home]
    if mine.empty:
        return None
    home_low = float(mine.iloc[0]["rank_low"])
    candidates = rq.peer_candidates(ctx.conn, code)
    suggested = set(candidates[candidates["suggested"] & ~candidates["is_home"]]["institution"])
    peers = table[table["institution"].isin(suggested)].assign(
        distance=lambda d: (d["rank_low"].astype(float) - home_low).abs()
    )
    peers = peers.sort_values(["distance", "institution"]).head(PEERS)
    if peers.empty:
        return None
    chosen = (ctx.home, *peers["institution"])
    frame = rq.history(ctx.conn, code, chosen, as_of=ctx.end)
    shown = table[table["institution"].isin(chosen)]
    place = int((shown["rank_low"].astype(float) < home_low).sum()) + 1
    label = _label(code, ctx.lang)
    notes = [ctx.t("report.notes.peers", ranking=label, edition=edition)]
    for row in ctx.institutions(shown, "institution").itertuples():
        notes.append(f"{row.institution}: {row.rank_display}")
    return slide(
        ctx,
        KEY,
        ctx.t("report.rankings.peers_title", ranking=label),
        ctx.t(
            "report.rankings.peers_headline",
            ranking=label,
            edition=edition,
            place=place,
            count=ctx.n(len(shown)),
        ),
        notes,
        rank_charts.rank_history(ctx.institutions(frame, "institution"), ctx.lang, ctx.university),
        datasets=RANKING_DATASETS,
        years=(frame["year"].min(), frame["year"].max()),
    )


def risks(ctx: DeckContext) -> list[Risk]:
    """A fall in a ranking, with both positions."""

    def params(alert: oq.Alert) -> dict[str, object]:
        p = alert.params
        return {
            "ranking": _label(p["ranking"], ctx.lang),
            "rank": p["rank"],
            "previous": p["previous"],
        }

    return alert_risks(ctx, KEY, params=params)


SECTION = Section(KEY, f"report.section.{KEY}", slides, risks)
