"""The Council deck's sections, one module each, in the deck's order (``spec.SECTIONS``)."""

from __future__ import annotations

from sapat.report.context import Section
from sapat.report.sections import accreditation, agreements, kpis, mobility, quality, rankings
from sapat.report.spec import SECTIONS

ALL: tuple[Section, ...] = (
    rankings.SECTION,
    mobility.SECTION,
    agreements.SECTION,
    accreditation.SECTION,
    quality.SECTION,
    kpis.SECTION,
)
BY_KEY: dict[str, Section] = {section.key: section for section in ALL}
if tuple(BY_KEY) != SECTIONS:  # a section added to one list must be added to the other
    raise ImportError(f"sections {tuple(BY_KEY)} differ from spec.SECTIONS {SECTIONS}")
