"""One click to a deck: content from the warehouse, drawn, kept as a snapshot (page and CLI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from sapat import db
from sapat.report import snapshots
from sapat.report.spec import SECTIONS


@dataclass(frozen=True)
class BuiltDeck:
    pptx: bytes
    file_name: str
    slides: int
    snapshot: snapshots.Snapshot


def build_report(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    lang: str,
    sections: tuple[str, ...] = SECTIONS,
    *,
    user: str,
    today: dt.date | None = None,
) -> BuiltDeck:
    """Build the deck and keep it with the data version it was built from."""
    # Imported here: the renderer pulls in Kaleido, which pages that never build a deck
    # need not load.
    from sapat.report.content import build_deck
    from sapat.report.render import deck_filename, render_pptx

    version = db.data_version(conn)
    chosen = tuple(s for s in SECTIONS if s in sections)
    deck = build_deck(conn, academic_year, lang, chosen, today=today)
    pptx = render_pptx(deck)
    slides = 2 + len(deck.slides) + 2  # title, agenda, content, risks, summary
    name = deck_filename(deck)
    snapshot = snapshots.save(
        conn,
        pptx,
        academic_year=academic_year,
        lang=lang,
        sections=chosen,
        file_name=name,
        slides=slides,
        user=user,
        data_version=version,
    )
    return BuiltDeck(pptx, name, slides, snapshot)
