"""What a Council deck says, independent of how it is drawn: the content and renderer meet here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The deck's sections, in the deck's order (sapat.report.sections holds one module each).
SECTIONS = ("rankings", "mobility", "agreements", "accreditation", "quality", "kpis")
# The section that reads out an overview alert of each domain (queries.overview.DOMAINS):
# teaching staff are part of academic quality in the deck.
DOMAIN_SECTIONS = {
    "rankings": "rankings",
    "mobility": "mobility",
    "agreements": "agreements",
    "accreditation": "accreditation",
    "quality": "quality",
    "staff": "quality",
    "kpis": "kpis",
}


@dataclass(frozen=True)
class SlideSpec:
    """One content slide: a title, the finding in one sentence, one chart, speaker notes.

    ``figure`` is a Plotly figure built by the same chart functions the pages use; the
    renderer turns it into a picture. ``bullets`` replaces the chart on text slides
    (risks, summary). ``notes`` holds the numbers behind the chart, for the speaker, and
    ends with a block naming its sources (``content.build_deck`` adds it): the ``datasets``
    the slide reads, the ``measures`` its KPIs are computed from, the ``years`` it shows.
    """

    section: str
    title: str
    headline: str
    notes: str
    figure: Any | None = None
    bullets: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()  # schemas.registry names, declared beside the slide's code
    measures: tuple[str, ...] = ()  # queries.measures names behind its computed KPIs
    years: tuple[str, ...] = ()  # what it shows: one year or date, or the first and last


@dataclass(frozen=True)
class DeckSpec:
    """A whole deck for one academic year in one language."""

    lang: str
    academic_year: str
    university: str
    title: str  # e.g. "Report to the Academic Council"
    subtitle: str  # e.g. "Academic year 2025-2026 · Osh State University"
    date_line: str  # the day it was built, in the locale's format
    agenda_title: str
    agenda: tuple[str, ...]  # section titles, in order
    slides: tuple[SlideSpec, ...]  # content slides, section by section
    risks: SlideSpec  # risks and alerts (bullets)
    summary: SlideSpec  # closing summary (bullets)
    sections: tuple[str, ...] = field(default=SECTIONS)
