"""What the Academic Council deck says: its sections' slides, their risks and a summary."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import duckdb

from sapat import formats as fmt
from sapat.i18n import LANGUAGES
from sapat.report.context import MAX_SLIDES, DeckContext, empty_slide, notes, sentence
from sapat.report.sections import BY_KEY
from sapat.report.spec import SECTIONS, DeckSpec, SlideSpec

__all__ = ["SECTIONS", "build_deck"]


def build_deck(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    lang: str,
    sections: tuple[str, ...] = SECTIONS,
    today: dt.date | None = None,
) -> DeckSpec:
    """The Council deck of ``academic_year`` in ``lang`` for the chosen ``sections``.

    Every section gives 2–4 chart slides, or one slide saying it has no data; comparisons
    are with the previous academic year. Expiries, dormancy and overdue actions are seen
    on ``today`` (default: the current date), which is also the deck's date line.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    chosen = tuple(s for s in SECTIONS if s in sections)
    if not chosen:
        raise ValueError(f"choose at least one section of {SECTIONS}")
    ctx = DeckContext.make(conn, academic_year, lang, today or dt.date.today())
    # Sections are built two at a time: DuckDB runs one section's queries (the GIL released)
    # while Python draws another's charts. Each thread reads through its own cursor.
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(lambda section: _section(ctx, section), chosen))
    slides: list[SlideSpec] = []
    leads: dict[str, list[str]] = {}
    for section, made in zip(chosen, built, strict=True):
        slides.extend(made)
        leads[section] = [s.headline for s in made]
    risks = _risks(ctx, chosen)
    return DeckSpec(
        lang=lang,
        academic_year=academic_year,
        university=ctx.university,
        title=ctx.t("report.deck_title"),
        subtitle=ctx.t("report.subtitle", year=academic_year, university=ctx.university),
        date_line=ctx.t("report.date_line", date=fmt.date(ctx.today, lang)),
        agenda_title=ctx.t("report.agenda_title"),
        agenda=(
            *(ctx.t(BY_KEY[s].title_key) for s in chosen),
            ctx.t("report.risks.title"),
            ctx.t("report.summary.title"),
        ),
        slides=tuple(slides),
        risks=risks,
        summary=_summary(ctx, chosen, leads, risks),
        sections=chosen,
    )


def _section(ctx: DeckContext, key: str) -> list[SlideSpec]:
    """One section's slides (at most MAX_SLIDES), or its no-data slide, on a cursor of its own."""
    cursor = ctx.conn.cursor()
    try:
        local = ctx.with_conn(cursor)
        return (BY_KEY[key].slides(local) or [empty_slide(local, key)])[:MAX_SLIDES]
    finally:
        cursor.close()


def _risks(ctx: DeckContext, chosen: tuple[str, ...]) -> SlideSpec:
    """What needs the Council's attention, most urgent first: the overview's alerts of the
    chosen sections in their order, then each section's own risks."""
    found = [risk for key in chosen for risk in BY_KEY[key].risks(ctx)]
    found.sort(key=lambda risk: (risk.severity, risk.order))  # stable: sections keep order
    act = sum(1 for risk in found if risk.severity == 1)
    plan = len(found) - act
    as_of = ctx.t("report.risks.as_of", date=fmt.date(ctx.today, ctx.lang))
    headline = (
        ctx.t("report.risks.headline", act=ctx.n(act), plan=ctx.n(plan))
        if found
        else ctx.t("report.risks.none", date=fmt.date(ctx.today, ctx.lang))
    )
    texts = tuple(sentence(risk.text) for risk in found) or (sentence(headline),)
    return SlideSpec(
        section="risks",
        title=ctx.t("report.risks.title"),
        headline=sentence(headline),
        notes=notes(sentence(as_of), *texts),
        bullets=texts,
    )


def _summary(
    ctx: DeckContext, chosen: tuple[str, ...], leads: dict[str, list[str]], risks: SlideSpec
) -> SlideSpec:
    """One bullet per section, its first finding; topped up to three with second findings
    and the risks headline when fewer sections are chosen."""
    bullets = [leads[s][0] for s in chosen if leads.get(s)]
    extra = [leads[s][1] for s in chosen if len(leads.get(s, ())) > 1] + [risks.headline]
    for text in extra:
        if len(bullets) >= 3:
            break
        bullets.append(text)
    headline = ctx.t("report.summary.headline", year=ctx.year, university=ctx.university)
    return SlideSpec(
        section="summary",
        title=ctx.t("report.summary.title"),
        headline=sentence(headline),
        notes=notes(*bullets, ctx.t("report.date_line", date=fmt.date(ctx.today, ctx.lang))),
        bullets=tuple(bullets),
    )
