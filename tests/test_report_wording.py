"""The Council deck reads as a person would write it: shares, not head counts; minus signs;
unchanged figures; names in the deck's language; every slide's sources (issue 17 §4, §6)."""

from __future__ import annotations

import re

import duckdb
import pytest

from sapat import formats as fmt
from sapat.faculties import faculty_names
from sapat.i18n import LANGUAGES, translate
from sapat.queries import kpis as kq
from sapat.queries import provenance as pvq
from sapat.report import context
from sapat.report.content import build_deck
from sapat.report.spec import DeckSpec
from schemas.registry import DATASETS
from tests.test_report_content import TODAY, YEAR, _deck_texts


@pytest.fixture(scope="module")
def demo(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def decks(demo) -> dict[str, DeckSpec]:
    return {lang: build_deck(demo, YEAR, lang, today=TODAY) for lang in LANGUAGES}


# --- wording a person would write (issue 17 §4) ----------------------------------------------

# A hyphen-minus standing for a minus: at the start or after a space, bracket or sign, and
# before a digit (a range such as 2024-2025 or 1201-1400 has a digit before it).
ASCII_MINUS = re.compile(r"(?:^|[\s(\[{:;,/=→])-\d", re.MULTILINE)


def test_typeset_sets_minus_signs_and_leaves_ranges_and_codes():
    m = context.MINUS
    assert context.typeset("-3 and (-4%), → -16.2 pp") == f"{m}3 and ({m}4%), → {m}16.2 pp"
    assert context.typeset("2024-2025, 1201-1400, AGR-2023-01, 21-ноябрь") == (
        "2024-2025, 1201-1400, AGR-2023-01, 21-ноябрь"
    )
    assert context.typeset("a\n-0.5") == f"a\n{m}0.5"
    assert context.typeset("\u22125") == f"{m}5"  # a minus from elsewhere gets its joiner
    assert context.typeset(context.typeset("-5")) == f"{m}5"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_negative_number_is_written_with_a_hyphen(decks, lang):
    """Every negative number of the deck is U+2212 joined to its digits (the demo has two
    falls: an indicator score and a programme's pass rate)."""
    deck = decks[lang]
    texts = _deck_texts(deck, figures=False)
    for slide in deck.slides:
        for trace in slide.figure.data:
            text = getattr(trace, "text", None)
            texts += (
                [text]
                if isinstance(text, str)
                else [t for t in (() if text is None else text) if isinstance(t, str)]
            )
    joined = "\n".join(texts)
    assert not ASCII_MINUS.search(joined), ASCII_MINUS.search(joined)
    assert "\u2212" in joined
    assert all(joined[i + 1] == "\u2060" for i, c in enumerate(joined) if c == "\u2212")


def test_an_unchanged_figure_reads_naturally_in_every_language(conn):
    said = {
        lang: context.change(
            context.DeckContext.make(conn, YEAR, lang, TODAY),
            translate("report.subject.graduates", lang),
            54,
            54,
        )
        for lang in LANGUAGES
    }
    assert said["en"] == "the number of graduates was unchanged at 54, as in 2024-2025"
    assert said["ru"] == "число выпускников: 54, как и в 2024-2025 учебном году"
    assert said["ky"] == "бүтүрүүчүлөрдүн саны 2024-2025 окуу жылындагыдай эле 54 бойдон калды"
    for lang in LANGUAGES:
        held = translate(
            "report.rankings.lead_same",
            lang,
            ranking="QS Asia",
            edition=2026,
            rank="316",
            previous="316",
            prev_edition=2025,
        )
        assert held.count("316") == 1, held  # the position once, not "316 (316 in 2025)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_faculties_are_compared_by_shares_never_by_head_counts(decks, demo, lang):
    """A faculty named in a headline carries a percentage, never a raw count: the demo's
    KPI split is the number of students, which says which faculty is largest."""
    names = faculty_names(demo, lang)
    faculties = [names.label(code) for code in ("MED", "HIST", "ECON", "PED", "LAW", "MATH")]
    for slide in decks[lang].slides:
        for faculty in faculties:
            for bracket in re.findall(re.escape(faculty) + r" \(([^)]*)\)", slide.headline):
                assert "%" in bracket, (slide.title, faculty, bracket)
    [split] = [s for s in decks[lang].slides if s.section == "kpis"][-1:]
    assert fmt.number(10332, lang) not in split.headline  # MED's students: the largest
    assert fmt.percent(4469 / 4260, lang, 1) in split.headline  # ECON: most of its target


def test_institution_names_follow_the_deck_language():
    aliases = [
        "Американский университет в Центральной Азии",
        "АУЦА",
        "AUCA",
        "Борбордук Азиядагы Америка университети",
    ]
    name = "American University of Central Asia"
    assert context.institution_name(name, aliases, "en") == name
    assert context.institution_name(name, aliases, "ru") == aliases[0]
    assert context.institution_name(name, aliases, "ky") == aliases[-1]
    assert context.institution_name(name, ["КРСУ", "KRSU"], "ru") is None  # no full name


@pytest.mark.parametrize(
    ("lang", "auca", "krsu"),
    [
        ("ky", "Борбордук Азиядагы Америка университети", "Kyrgyz Russian Slavic University"),
        (
            "ru",
            "Американский университет в Центральной Азии",
            "Кыргызско-Российский Славянский университет им. Б.Н. Ельцина",
        ),
        ("en", "American University of Central Asia", "Kyrgyz Russian Slavic University"),
    ],
)
def test_peers_and_partners_are_named_in_the_deck_language(decks, lang, auca, krsu):
    """Peers where the warehouse knows a name in the language (KRSU has no Kyrgyz one),
    the university as every page names it, partners through their spellings."""
    deck = decks[lang]
    [peers] = [s for s in deck.slides if s.title.startswith("QS Asia:")]
    assert f"{auca}: 259" in peers.notes and f"{krsu}: 305" in peers.notes
    assert f"{deck.university}: 316" in peers.notes
    traces = {t.name for t in peers.figure.data}
    assert auca in traces and deck.university in traces
    signed = [s for s in deck.slides if s.section == "agreements"][1].notes
    farabi = {"ru": "Казахский национальный университет им. аль-Фараби"}
    assert farabi.get(lang, "Al-Farabi Kazakh National University") in signed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_slide_names_its_sources_in_its_notes(decks, demo, lang):
    """Each slide's notes end with its datasets in the deck's language and the uploads that
    loaded their rows; KPI slides name the measures their computed KPIs come from."""
    deck = decks[lang]
    uploads = {d["dataset"]: d["batches"] for d in pvq.dataset_sources(demo, tuple(DATASETS))}
    for slide in deck.slides:
        assert slide.datasets and set(slide.datasets) <= set(DATASETS), slide.title
        notes, _, source = slide.notes.partition("\n\n")
        assert notes and source, slide.title
        first = source.splitlines()[0]
        assert first.startswith(translate("report.source.title", lang)[:-1]), first
        for dataset in slide.datasets:
            line = next(
                x
                for x in source.splitlines()
                if x.startswith(translate(f"dataset.{dataset}", lang) + ":")
            )
            batch = uploads[dataset][0]
            assert batch["file_name"] in line and batch["uploaded_by"] in line, line
            assert fmt.date(batch["uploaded_at"], lang) in line
        for year in slide.years:
            assert year in first
    kpis = [s for s in deck.slides if s.section == "kpis"]
    linked = kq.scorecard(demo, kq.reported_year(demo, YEAR), today=TODAY)["measure"].dropna()
    assert set(kpis[0].measures) == set(linked)
    assert all(translate(f"measure.{m}", lang) in kpis[0].notes for m in linked)
    for slide in (deck.risks, deck.summary):
        assert translate("report.source.title", lang) in slide.notes
        assert translate("dataset.mobility", lang) in slide.notes
