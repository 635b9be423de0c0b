"""The Council deck's words on the demo warehouse, kept in tests/data/deck_text.json.

``python -m tests.deck_text`` (re)writes the file from the current code. It was written before
the deck was split into one module per section, and ``tests/test_report_sections.py`` holds
every later version to it: rewrite it only for a change of wording that is meant.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from sapat.report.content import build_deck, without_source
from sapat.report.spec import SECTIONS, DeckSpec, SlideSpec

PATH = Path(__file__).parent / "data" / "deck_text.json"
TODAY = dt.date(2026, 11, 21)  # the demo data's own "today", as in test_report_content
YEAR = "2025-2026"  # the demo's latest academic year
# (name, academic year, language, sections): the demo year in every language, then decks
# that exercise an earlier year (everything read "as of" it), an empty year and a subset
# of sections (which alerts reach the risks slide).
DECKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("ky", YEAR, "ky", SECTIONS),
    ("ru", YEAR, "ru", SECTIONS),
    ("en", YEAR, "en", SECTIONS),
    ("en 2024-2025", "2024-2025", "en", SECTIONS),
    ("ru 2020-2021", "2020-2021", "ru", SECTIONS),
    ("en mobility+kpis", YEAR, "en", ("mobility", "kpis")),
    (
        "ky rankings+agreements+accreditation",
        YEAR,
        "ky",
        ("rankings", "agreements", "accreditation"),
    ),
)


def slide_text(slide: SlideSpec) -> dict[str, Any]:
    """A slide's words; its notes without their source block, which names uploads by the
    time they were made (the demo's, the time it was built), kept as what it names."""
    return {
        "section": slide.section,
        "title": slide.title,
        "headline": slide.headline,
        "notes": without_source(slide.notes),
        "bullets": list(slide.bullets),
        "datasets": list(slide.datasets),
        "measures": list(slide.measures),
        "years": list(slide.years),
    }


def deck_text(deck: DeckSpec) -> dict[str, Any]:
    """Every word of a deck but its charts': the title and agenda slides, each content slide's
    title, headline and notes, the risks and summary slides with their bullets."""
    return {
        "title": deck.title,
        "subtitle": deck.subtitle,
        "date_line": deck.date_line,
        "agenda_title": deck.agenda_title,
        "agenda": list(deck.agenda),
        "sections": list(deck.sections),
        "slides": [slide_text(s) for s in deck.slides],
        "risks": slide_text(deck.risks),
        "summary": slide_text(deck.summary),
    }


def build_all(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    return {
        name: deck_text(build_deck(conn, year, lang, sections, today=TODAY))
        for name, year, lang, sections in DECKS
    }


def main() -> int:
    from pipelines.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        build_demo(path)
        conn = duckdb.connect(str(path))
        try:
            decks = build_all(conn)
        finally:
            conn.close()
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(json.dumps(decks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{PATH}: {len(decks)} decks, {sum(len(d['slides']) for d in decks.values())} slides")
    return 0


if __name__ == "__main__":
    sys.exit(main())
