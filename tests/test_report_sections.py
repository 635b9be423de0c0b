"""The Council deck, one module per section: the same words as before the split, section by section."""

from __future__ import annotations

import json

import duckdb
import pytest

from sapat.queries import overview as oq
from sapat.report import sections
from sapat.report.content import build_deck
from sapat.report.context import DeckContext, Risk
from sapat.report.spec import DOMAIN_SECTIONS, SECTIONS
from tests import deck_text

EXPECTED = json.loads(deck_text.PATH.read_text(encoding="utf-8"))
DECKS = {name: (year, lang, chosen) for name, year, lang, chosen in deck_text.DECKS}


@pytest.fixture(scope="module")
def demo(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def test_the_reference_holds_every_deck_and_the_demo_year_in_each_language():
    assert set(EXPECTED) == set(DECKS)
    assert {DECKS[lang] for lang in ("ky", "ru", "en")} == {
        (deck_text.YEAR, lang, SECTIONS) for lang in ("ky", "ru", "en")
    }


@pytest.mark.parametrize("name", list(DECKS))
def test_deck_text_is_unchanged(demo, name):
    """Every title, headline, note and bullet of the deck, as tests/data/deck_text.json keeps
    them (written by ``python -m tests.deck_text`` before the deck was split into sections)."""
    year, lang, chosen = DECKS[name]
    got = deck_text.deck_text(build_deck(demo, year, lang, chosen, today=deck_text.TODAY))
    want = EXPECTED[name]
    # Slide by slide first, so that a failure names the slide and the field that changed.
    for index, (mine, theirs) in enumerate(zip(got["slides"], want["slides"], strict=False)):
        for key, value in theirs.items():
            assert mine[key] == value, (name, index, mine["title"], key)
    for part in ("risks", "summary"):
        for key, value in want[part].items():
            assert got[part][key] == value, (name, part, key)
    assert got == want


def test_sections_follow_the_specs_order_with_a_title_each():
    assert tuple(s.key for s in sections.ALL) == SECTIONS
    for section in sections.ALL:
        assert section.title_key == f"report.section.{section.key}"
        assert callable(section.slides) and callable(section.risks)


def test_every_alert_domain_has_a_section():
    assert set(DOMAIN_SECTIONS) == set(oq.DOMAINS)
    assert set(DOMAIN_SECTIONS.values()) <= set(SECTIONS)


def test_each_section_gives_its_slides_and_risks_on_its_own(demo):
    """A section reads only the context: slides of its own key, risks as records."""
    ctx = DeckContext.make(demo, deck_text.YEAR, "en", deck_text.TODAY)
    for section in sections.ALL:
        made = section.slides(ctx)
        assert made and {s.section for s in made} == {section.key}
        risks = section.risks(ctx)
        assert all(isinstance(r, Risk) and r.severity in (1, 2) and r.text for r in risks)
    # Alert risks keep the alerts' positions; a section's own risks come after them.
    alerts = ctx.alerts()
    for section in sections.ALL:
        for risk in section.risks(ctx):
            if risk.order != float("inf"):
                alert = alerts[int(risk.order)]
                assert DOMAIN_SECTIONS[alert.domain] == section.key
                assert alert.severity == risk.severity


def test_the_decks_alerts_are_read_as_of_its_year(demo):
    """An earlier year's deck compares rankings and KPIs of that year, not the latest."""
    ctx = DeckContext.make(demo, "2021-2022", "en", deck_text.TODAY)
    assert (ctx.latest_rankings()["year"] <= 2022).all()
    assert ctx.kpi_year() == 2022
    for alert in ctx.alerts():
        assert alert.domain in oq.DOMAINS and "count" in alert.params
