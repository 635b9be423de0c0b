"""What the Academic Council deck says: its sections' slides, their risks and a summary."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import duckdb

from sapat import formats as fmt
from sapat.i18n import LANGUAGES, translate
from sapat.queries import provenance as pvq
from sapat.report.context import (
    MAX_SLIDES,
    DeckContext,
    empty_slide,
    notes,
    sentence,
    typeset,
)
from sapat.report.sections import BY_KEY
from sapat.report.spec import SECTIONS, DeckSpec, SlideSpec

__all__ = ["SECTIONS", "SOURCE_BREAK", "build_deck", "without_source"]

SOURCE_BREAK = "\n\n"  # between a slide's notes and its source block (notes have no blank line)


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
    summary = _summary(ctx, chosen, leads, risks)
    # Every slide's notes end with its sources, written here for all of them alike.
    read = tuple(dict.fromkeys(d for s in slides for d in s.datasets))
    found = {item["dataset"]: item for item in pvq.dataset_sources(ctx.conn, read)}
    risks, summary = (replace(s, datasets=read) for s in (risks, summary))
    return DeckSpec(
        lang=lang,
        academic_year=academic_year,
        university=typeset(ctx.university),
        title=typeset(ctx.t("report.deck_title")),
        subtitle=typeset(ctx.t("report.subtitle", year=academic_year, university=ctx.university)),
        date_line=ctx.t("report.date_line", date=fmt.date(ctx.today, lang)),
        agenda_title=ctx.t("report.agenda_title"),
        agenda=(
            *(ctx.t(BY_KEY[s].title_key) for s in chosen),
            ctx.t("report.risks.title"),
            ctx.t("report.summary.title"),
        ),
        slides=tuple(_finished(ctx, s, found, detail=True) for s in slides),
        risks=_finished(ctx, risks, found, detail=False),
        summary=_finished(ctx, summary, found, detail=False),
        sections=chosen,
    )


def _finished(
    ctx: DeckContext, spec: SlideSpec, found: dict[str, dict[str, Any]], *, detail: bool
) -> SlideSpec:
    """A slide as the deck prints it: its source block after the notes, minus signs set.

    ``detail``: each dataset's last uploads (a content slide); without it, the datasets are
    only named (the risks and summary slides, which read every section's)."""
    source = _source(ctx, spec, found) if detail else _source_list(ctx, spec)
    return replace(
        spec,
        title=typeset(spec.title),
        headline=typeset(spec.headline),
        notes=typeset(spec.notes + SOURCE_BREAK + source if spec.notes else source),
        bullets=tuple(typeset(b) for b in spec.bullets),
        figure=_typeset_figure(spec.figure),
    )


def without_source(text: str) -> str:
    """A slide's notes without the source block ``build_deck`` ends them with."""
    return text.split(SOURCE_BREAK, 1)[0]


def _label(ctx: DeckContext, dataset: str) -> str:
    return translate(f"dataset.{dataset}", ctx.lang)


def _measure_line(ctx: DeckContext, spec: SlideSpec) -> str:
    if not spec.measures:
        return ""
    labels = [translate(f"measure.{m}", ctx.lang) for m in spec.measures]
    return ctx.t("report.source.measures", measures="; ".join(labels))


def _source(ctx: DeckContext, spec: SlideSpec, found: dict[str, dict[str, Any]]) -> str:
    """'Source (shown: 2019-2020 – 2025-2026):' and a line a dataset: its name in the deck's
    language and the last uploads whose rows it still holds (batch, file, who, when)."""
    lines = [_source_title(ctx, spec)]
    for dataset in spec.datasets:
        batches = found.get(dataset, {}).get("batches", [])
        uploads = [
            ctx.t(
                "report.source.upload",
                batch=b["batch_id"],
                file=b["file_name"] or fmt.DASH,
                who=b["uploaded_by"] or fmt.DASH,
                when=_when(ctx, b["uploaded_at"]),
            )
            for b in batches
        ]
        lines.append(
            ctx.t(
                "report.source.dataset",
                dataset=_label(ctx, dataset),
                uploads="; ".join(uploads) or ctx.t("report.source.no_upload"),
            )
        )
    return notes(*lines, _measure_line(ctx, spec))


def _source_list(ctx: DeckContext, spec: SlideSpec) -> str:
    """The risks and summary slides' sources: the datasets every slide before them reads."""
    return notes(
        _source_title(ctx, spec),
        ctx.t(
            "report.source.all",
            datasets="; ".join(_label(ctx, d) for d in spec.datasets) or fmt.DASH,
        ),
        _measure_line(ctx, spec),
    )


def _source_title(ctx: DeckContext, spec: SlideSpec) -> str:
    if not spec.years:
        return ctx.t("report.source.title")
    shown = " – ".join((spec.years[0], spec.years[-1])) if len(spec.years) > 1 else spec.years[0]
    return ctx.t("report.source.title_years", years=shown)


def _when(ctx: DeckContext, moment: Any) -> str:
    """An upload's day in the locale's form and its time: 'November 21, 2026, 09:14'."""
    if moment is None or moment != moment:
        return fmt.DASH
    return ctx.t("report.source.when", date=fmt.date(moment, ctx.lang), time=f"{moment:%H:%M}")


def _typeset_figure(figure: Any) -> Any:
    """A chart's own words and value labels with true minus signs, as the slide's text."""
    if figure is None:
        return None
    layout = figure.layout
    if isinstance(layout.title.text, str):
        layout.title.text = typeset(layout.title.text)
    for note in layout.annotations or ():
        if isinstance(note.text, str):
            note.text = typeset(note.text)
    for trace in figure.data:
        text = getattr(trace, "text", None)
        if isinstance(text, str):
            trace.text = typeset(text)
        elif text is not None:
            trace.text = [typeset(t) if isinstance(t, str) else t for t in text]
    return figure


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
