"""The Council deck's content: real numbers in the locale's format, every text translated."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string

import duckdb
import pytest

from sapat import formats as fmt
from sapat.faculties import faculty_names
from sapat.i18n import LANGUAGES, catalog, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.queries import overview as oq
from sapat.queries import quality as qq
from sapat.queries import staff as sq
from sapat.queries.overview import available_years
from sapat.report import context
from sapat.report.content import build_deck
from sapat.report.spec import SECTIONS, DeckSpec
from sapat.settings import degree_threshold

TODAY = dt.date(2026, 11, 21)  # the demo data's own "today"
YEAR = "2025-2026"  # the demo's latest academic year
NBSP = "\xa0"
NARROW = "\u202f"  # the group sign between digits in ky and ru
# A catalog key left in a text: a known prefix, a dot, a code.
RAW_KEY = re.compile(
    r"\b(?:report|ui|code|alert|kpis|mobility|accreditation|agreements|indicator|"
    r"ranking_short|col|deck|quality|staff|surveys|download)\.[a-z_]"
)


# --- formats ---------------------------------------------------------------------------------


def test_numbers_use_each_locales_separators():
    assert fmt.number(34560.45, "en", 1) == "34,560.5"
    assert fmt.number(34560.45, "ru", 1) == f"34{NARROW}560,5"
    assert fmt.number(34560.45, "ky", 1) == f"34{NARROW}560,5"
    assert fmt.number(291, "en") == "291"
    assert fmt.number(2.5, "en") == "3"  # half away from zero, as people round
    assert fmt.number(None, "ru") == fmt.number(float("nan"), "ru") == "—"


def test_percentages_and_signed_changes():
    assert fmt.percent(0.31, "en") == "31%"
    assert fmt.percent(0.31, "ky") == "31%"
    assert fmt.percent(0.31, "ru") == f"31{NBSP}%"
    assert fmt.percent(0.3125, "ru", 1) == f"31,3{NBSP}%"
    assert fmt.signed_percent(0.3125, "en") == "+31%"
    assert fmt.signed_percent(0.3125, "ru") == f"+31{NBSP}%"
    assert fmt.signed_percent(0.3125, "ky") == "+31%"
    assert fmt.signed_percent(-0.044, "en") == f"{context.MINUS}4%"
    assert fmt.signed_percent(0.001, "en") == "0%"  # rounds to nothing: no sign
    assert fmt.signed_number(3.25, "ru", 1) == "+3,3"
    assert fmt.signed_number(-0.5, "en", 1) == f"{context.MINUS}0.5"


def test_dates_and_money_in_each_locale():
    day = dt.date(2026, 5, 4)
    assert fmt.date(day, "en") == "May 4, 2026"
    assert fmt.date(day, "ru").startswith("4 мая 2026")
    assert "2026" in fmt.date(day, "ky") and "май" in fmt.date(day, "ky")
    assert fmt.date(dt.datetime(2026, 5, 4, 13, 0), "en") == "May 4, 2026"
    assert fmt.date(None, "en") == "—"
    assert fmt.money(1185000, "USD", "en") == "$1,185,000"
    assert fmt.money(1185000, "USD", "ru") == f"1{NARROW}185{NARROW}000{NBSP}$"
    assert fmt.listing(["a", "b", "c"], "ky") == "a, b жана c"
    assert fmt.plotly_separators("en") == ".,"
    assert fmt.plotly_separators("ru") == fmt.plotly_separators("ky") == f",{NARROW}"


# --- the demo deck ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def decks(demo) -> dict[str, DeckSpec]:
    return {lang: build_deck(demo, YEAR, lang, today=TODAY) for lang in LANGUAGES}


def _figure_texts(fig) -> list[str]:
    """Every text a figure shows as words: titles, axis and legend titles, annotations,
    trace names, colour bar titles."""
    layout = fig.to_plotly_json().get("layout", {})
    texts = []

    def title(node) -> None:
        if isinstance(node, dict):
            t = node.get("title")
            text = t.get("text") if isinstance(t, dict) else t
            if isinstance(text, str):
                texts.append(text)

    title(layout)
    for key, value in layout.items():
        if re.match(r"^(x|y)axis\d*$|^legend\d*$|^coloraxis\d*$", key) and isinstance(value, dict):
            title(value)
            title(value.get("colorbar"))
    texts += [a.get("text", "") for a in layout.get("annotations", ())]
    for trace in fig.data:
        if isinstance(trace.name, str):
            texts.append(trace.name)
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.title.text:
            texts.append(colorbar.title.text)
        group = getattr(trace, "legendgrouptitle", None)
        if group is not None and group.text:
            texts.append(group.text)
    return texts


def _deck_texts(deck: DeckSpec, figures: bool = True) -> list[str]:
    texts = [deck.title, deck.subtitle, deck.date_line, deck.agenda_title, *deck.agenda]
    for slide in (*deck.slides, deck.risks, deck.summary):
        texts += [slide.title, slide.headline, slide.notes, *slide.bullets]
        if figures and slide.figure is not None:
            texts += _figure_texts(slide.figure)
    return texts


def _has_data(trace) -> bool:
    for attribute in ("x", "y", "z", "values", "locations"):
        values = getattr(trace, attribute, None)
        if values is not None and any(v is not None and v == v for v in _flat(values)):
            return True
    return False


def _flat(values):
    for v in values:
        if isinstance(v, list | tuple):
            yield from _flat(v)
        else:
            yield v


def _headline(deck: DeckSpec, section: str, index: int = 0) -> str:
    return [s for s in deck.slides if s.section == section][index].headline


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_deck_has_every_section_with_charts_and_text(decks, lang):
    deck = decks[lang]
    assert deck.sections == SECTIONS
    assert len(deck.slides) >= 18
    assert [s.section for s in deck.slides] == sorted(
        (s.section for s in deck.slides), key=SECTIONS.index
    )
    for section in SECTIONS:
        assert 2 <= sum(s.section == section for s in deck.slides) <= 4, section
    for slide in deck.slides:
        assert slide.title.strip() and slide.headline.strip(), slide
        assert len(slide.notes.splitlines()) >= 2, slide.title
        assert slide.figure is not None and any(_has_data(t) for t in slide.figure.data), (
            slide.title
        )
        assert slide.headline[0].isupper() or slide.headline[0].isdigit(), slide.headline
        assert slide.headline.endswith("."), slide.headline
        assert slide.figure.layout.separators == fmt.plotly_separators(lang)
    assert deck.agenda == (
        *(translate(f"report.section.{s}", lang) for s in SECTIONS),
        translate("report.risks.title", lang),
        translate("report.summary.title", lang),
    )
    assert deck.risks.bullets and deck.risks.headline and deck.risks.notes
    # One finding per section.
    assert deck.summary.bullets == tuple(_headline(deck, s) for s in SECTIONS)
    assert YEAR in deck.subtitle and deck.university in deck.subtitle
    assert fmt.date(TODAY, lang) in deck.date_line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_key_or_placeholder_is_left_in_the_deck(decks, lang):
    for text in _deck_texts(decks[lang]):
        assert "{" not in text and "}" not in text, text
        assert not RAW_KEY.search(text), text


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_a_kyrgyz_or_russian_deck_holds_no_english_sentence(decks, lang):
    """No catalog text (deck, alerts, labels) reaches the deck in English."""
    text = "\n".join(_deck_texts(decks[lang]))
    en, other = catalog("en"), catalog(lang)
    checked = 0
    for key, english in en.items():
        if other[key] == english:
            continue  # a name, the same in every language (Erasmus+, QS Asia)
        for literal, *_ in string.Formatter().parse(english):
            fragment = literal.strip(" :;,.()—-")
            if len(fragment.split()) >= 3 and re.search("[A-Za-z]{3}", fragment):
                checked += 1
                assert fragment not in text, (key, fragment)
    assert checked > 100


def test_university_name_is_the_warehouses_in_each_language(decks, demo):
    home = oq.home_institution(demo)
    assert decks["en"].university == home == "Osh State University"
    assert decks["ru"].university == "Ошский государственный университет"
    assert decks["ky"].university == "Ош мамлекеттик университети"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mobility_headline_states_the_warehouse_counts(decks, demo, lang):
    counts = oq.mobility_by_year(demo).set_index(["academic_year", "direction"])["participants"]
    headline = _headline(decks[lang], "mobility")
    for direction in ("outgoing", "incoming"):
        now, before = int(counts[(YEAR, direction)]), int(counts[("2024-2025", direction)])
        assert fmt.number(now, lang) in headline
        assert fmt.number(before, lang) in headline
        assert fmt.signed_percent((now - before) / before, lang) in headline
    if lang == "en":
        assert headline.startswith("Outgoing mobility rose from 273 to 291 (+7%)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_headlines_state_the_warehouse_numbers(decks, demo, lang):
    deck = decks[lang]
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    qs = oq.latest_rankings(demo).set_index("ranking").loc["qs_asia"]
    lead = _headline(deck, "rankings")
    assert qs["rank_display"] in lead and qs["prev_display"] in lead and str(qs["year"]) in lead

    agreements = agq.summary(demo, TODAY)
    first = _headline(deck, "agreements")
    assert n(agreements["active"]) in first and n(agreements["total"]) in first
    expiring = [s for s in deck.slides if s.section == "agreements"][-1].headline
    assert n(agreements["expiring"]) in expiring

    acc = acq.summary(demo, TODAY)
    coverage = _headline(deck, "accreditation")
    assert n(acc["accredited"]) in coverage and n(acc["programs"]) in coverage
    assert fmt.percent(acc["accredited"] / acc["programs"], lang) in coverage
    watch = _headline(deck, "accreditation", 1)
    assert n(acc["expired"]) in watch and n(acc["within_90"]) in watch

    year = kq.reported_year(demo, YEAR)
    counts = kq.status_counts(demo, year)
    status = _headline(deck, "kpis")
    assert str(year) in status
    for key in ("on_track", "at_risk", "off_track"):
        assert n(counts[key]) in status


@pytest.mark.parametrize("today", [TODAY, dt.date(2024, 3, 1), dt.date(2030, 1, 1)])
def test_the_deck_reads_the_pages_summaries(demo, today):
    """The deck's shared figures are the queries' own, not counted again from lists."""
    ctx = context.DeckContext.make(demo, YEAR, "en", today)
    assert ctx.accreditation_summary() == acq.summary(demo, today)
    assert ctx.agreement_summary() == agq.summary(demo, today)
    assert ctx.kpi_year() == kq.reported_year(demo, YEAR)


def test_latest_rankings_as_of_a_year_stop_at_its_editions(demo):
    """A deck on an earlier year reads the editions published up to its end year."""
    latest = oq.latest_rankings(demo).set_index("ranking")
    assert oq.latest_rankings(demo, as_of=9999).set_index("ranking").equals(latest)
    qs = latest.loc["qs_asia"]
    before = oq.latest_rankings(demo, as_of=int(qs["year"]) - 1).set_index("ranking")
    assert before.loc["qs_asia", "year"] == qs["prev_year"]
    assert before.loc["qs_asia", "rank_display"] == qs["prev_display"]
    assert oq.latest_rankings(demo, as_of=1990).empty
    # The deck orders them freshest first, then as the rankings page does.
    ctx = context.DeckContext.make(demo, "2024-2025", "en", TODAY)
    years = list(ctx.latest_rankings()["year"])
    assert years == sorted(years, reverse=True) and max(years) <= 2025


def test_kpi_year_of_an_academic_year_is_its_second_calendar_year(demo):
    assert kq.reported_year(demo, YEAR) == 2026
    assert kq.reported_year(demo, "2021-2022") == 2022
    assert kq.reported_year(demo, "1990-1991") is None


def test_available_years_are_the_warehouses_newest_first(demo):
    years = available_years(demo)
    assert years[0] == YEAR
    assert years == sorted(years, reverse=True)
    assert set(oq.mobility_by_year(demo)["academic_year"]) <= set(years)


def test_risks_list_expiries_off_track_kpis_and_dormant_agreements(decks, demo):
    bullets = decks["en"].risks.bullets
    acc, agr = acq.summary(demo, TODAY), agq.summary(demo, TODAY)
    off = kq.off_track(demo, kq.reported_year(demo, YEAR))
    expected = {
        "expired": acc["expired"],
        "expiring_90": acc["within_90"],
        "kpis_off_track": len(off),
        "dormant_agreements": agr["dormant"],
        "overdue_actions": acc["overdue_actions"],
    }
    for alert, count in expected.items():
        text = translate(f"alert.{alert}", "en", count=count)
        assert any(b.startswith(text) for b in bullets), text
    assert any(off.iloc[0]["name_en"] in b for b in bullets)
    assert any("mobility regulation" in b for b in bullets)


def test_sections_subset_gives_only_those_sections(demo):
    deck = build_deck(demo, YEAR, "ru", ("kpis", "mobility"), today=TODAY)
    assert deck.sections == ("mobility", "kpis")
    assert {s.section for s in deck.slides} == {"mobility", "kpis"}
    assert deck.agenda[:2] == (
        translate("report.section.mobility", "ru"),
        translate("report.section.kpis", "ru"),
    )
    expired = translate("alert.expired", "ru", count=1).split(":")[0]
    assert not any(expired in b for b in deck.risks.bullets)
    assert 3 <= len(deck.summary.bullets) <= 5
    with pytest.raises(ValueError):
        build_deck(demo, YEAR, "en", ("mobility", "weather"), today=TODAY)
    with pytest.raises(ValueError):
        build_deck(demo, YEAR, "en", (), today=TODAY)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_year_without_mobility_says_so(demo, lang):
    deck = build_deck(demo, "2019-2020", lang, today=TODAY)
    mobility = [s for s in deck.slides if s.section == "mobility"]
    assert len(mobility) == 1
    assert mobility[0].headline == translate("report.empty.mobility", lang, year="2019-2020") + "."
    assert mobility[0].figure is not None
    # The first year with mobility has nothing to compare with, and says that too.
    first = build_deck(demo, "2020-2021", lang, ("mobility",), today=TODAY)
    counts = oq.mobility_by_year(demo).set_index(["academic_year", "direction"])["participants"]
    incoming = translate(
        "report.change.none",
        lang,
        subject=translate("report.subject.incoming", lang),
        now=fmt.number(counts[("2020-2021", "incoming")], lang),
        previous="2019-2020",
    )
    assert incoming in first.slides[0].headline


def test_change_wording_handles_up_down_flat_and_missing(conn):
    ctx = context.DeckContext.make(conn, YEAR, "en", TODAY)
    assert context.change(ctx, "x", 147, 112) == "x rose from 112 to 147 (+31%)"
    assert context.change(ctx, "x", 100, 125) == f"x fell from 125 to 100 ({context.MINUS}20%)"
    assert context.change(ctx, "x", 54, 54) == "x was unchanged at 54, as in 2024-2025"
    assert context.change(ctx, "x", 8, 0) == "x rose from 0 to 8 (+8)"
    assert "no figures for 2024-2025" in context.change(ctx, "x", 8, None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_warehouse_builds_a_deck_that_says_there_is_no_data(conn, lang):
    assert available_years(conn) == []
    deck = build_deck(conn, YEAR, lang, today=TODAY)
    assert deck.university == translate("report.university_unknown", lang)
    assert len(deck.slides) == len(SECTIONS)
    for slide, section in zip(deck.slides, SECTIONS, strict=True):
        assert slide.headline == translate(f"report.empty.{section}", lang, year=YEAR) + "."
        assert slide.figure is not None
    assert deck.risks.headline.startswith(
        translate("report.risks.none", lang, date=fmt.date(TODAY, lang))[:10]
    )
    assert 3 <= len(deck.summary.bullets) <= len(SECTIONS)
    for text in _deck_texts(deck):
        assert "{" not in text and not RAW_KEY.search(text), text


# --- academic quality --------------------------------------------------------------------

QUALITY_TABLES = (
    "exam_results",
    "graduates",
    "staff_composition",
    "staff_rating",
    "survey_results",
)


def _quality(deck: DeckSpec) -> list:
    return [s for s in deck.slides if s.section == "quality"]


def _plain(text: str) -> str:
    """Text with its no-break spaces as plain ones: '+0.4\xa0pp' is '+0.4 pp' to read."""
    return text.replace(NBSP, " ").replace(NARROW, " ")


def _pp(value: str, lang: str) -> str:
    """Percentage points as the deck writes them, unit and number kept together."""
    return translate("report.points", lang, value=value).replace(" ", NBSP)


def _drop_item(drop, lang: str) -> str:
    return context.typeset(
        translate(
            "report.quality.drop_item",
            lang,
            program=drop[f"name_{lang}"],
            before=fmt.percent(drop["previous_rate"] / 100, lang, 1),
            now=fmt.percent(drop["pass_rate"] / 100, lang, 1),
            change=_pp(fmt.signed_number(-drop["drop"], lang, 1), lang),
        )
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quality_section_has_chart_slides_in_every_language(decks, lang):
    slides = _quality(decks[lang])
    assert len(slides) >= 3
    titles = [s.title for s in slides]
    assert titles[0] == translate("report.quality.rates_title", lang)
    assert translate("report.quality.staff_title", lang) in titles
    for slide in slides:
        assert slide.figure is not None and any(_has_data(t) for t in slide.figure.data)
    agenda = translate("report.section.quality", lang)
    assert agenda in decks[lang].agenda
    assert agenda == translate("report.section.quality", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quality_headlines_state_the_warehouse_numbers(decks, demo, lang):
    pct = lambda fraction: fmt.percent(fraction, lang, 1)  # noqa: E731
    slides = {s.title: s for s in _quality(decks[lang])}

    # Pass rates: the page's headline query, and the overview's and KPIs' measure.
    head = qq.headline(demo).set_index("session_type")
    regular, retake = head.loc["regular"], head.loc["retake"]
    assert regular["academic_year"] == YEAR
    assert regular["pass_rate"] == pytest.approx(msq.latest(demo, "exam_pass_rate")["value"])
    rates = slides[translate("report.quality.rates_title", lang)].headline
    assert pct(regular["pass_rate"] / 100) in rates
    assert pct(retake["pass_rate"] / 100) in rates
    change = fmt.signed_number(regular["pass_rate"] - regular["previous"], lang, 1)
    assert change in rates and regular["prev_year"] in rates
    if lang == "en":
        assert _plain(rates) == (
            "In 2025-2026 the regular-session pass rate was 86.8% (+0.4 pp on 2024-2025); "
            "at retakes it was 71.8%."
        )

    # The programme whose pass rate fell, named in the deck's language.
    drops = qq.pass_rate_drops(demo, qq.DEFAULT_DROP_POINTS, YEAR)
    assert list(drops["program_code"]) == ["710400-BA"]
    points = _pp(fmt.number(qq.DEFAULT_DROP_POINTS, lang), lang)
    fell = slides[translate("report.quality.drops_title", lang, points=points)].headline
    assert _drop_item(drops.iloc[0], lang) in fell
    if lang == "en":
        assert _plain(fell) == (
            "In 2025-2026 the regular-session pass rate fell by more than 10 pp in "
            f"Software Engineering (78.5% → 62.3%, {context.MINUS}16.2 pp)."
        )

    # Teaching staff of 2026, the calendar year 2025-2026 ends in.
    threshold = degree_threshold()
    shares = sq.degree_share(demo, 2026, threshold)
    total = sq.composition_by_year(demo).set_index("year").loc[2026]
    assert 100 * total["degree_share"] == pytest.approx(
        msq.latest(demo, "staff_degree_share")["value"]
    )
    staff = slides[translate("report.quality.staff_title", lang)].headline
    assert "2026" in staff and pct(total["degree_share"]) in staff
    assert fmt.percent(threshold, lang) in staff
    below = shares[shares["below"]]
    assert list(below["faculty"]) == ["PED"]
    names = faculty_names(demo, lang)  # a faculty by its name in the deck's language
    for row in shares.itertuples():
        named = f"{names.label(row.faculty)} ({pct(row.degree_share)})"
        assert (named in staff) == row.below, row.faculty

    # Graduates of the year against the year before, employment of the latest known year.
    grads = qq.graduates_by_year(demo).set_index("academic_year")
    graduates = slides[translate("report.quality.graduates_title", lang)].headline
    for year in (YEAR, "2024-2025"):
        assert fmt.number(grads.loc[year, "graduates_total"], lang) in graduates
    assert pct(grads.loc["2024-2025", "employment_rate"] / 100) in graduates


@pytest.mark.parametrize("lang", LANGUAGES)
def test_risks_name_the_faculty_below_the_threshold_and_the_programme_that_fell(decks, demo, lang):
    """The demo's planted issues: PED below 60 % staff with a degree, 710400-BA's fall."""
    bullets = decks[lang].risks.bullets
    threshold = degree_threshold()
    shares = sq.degree_share(demo, 2026, threshold)
    below = shares[shares["below"]].iloc[0]
    assert below["faculty"] == "PED" and below["degree_share"] < 0.6 == threshold
    faculty = translate(
        "report.risks.degree_below",
        lang,
        year=2026,
        threshold=fmt.percent(threshold, lang),
        faculties=f"{faculty_names(demo, lang).label('PED')} "
        f"({fmt.percent(below['degree_share'], lang, 1)})",
    )
    drop = qq.pass_rate_drops(demo, qq.DEFAULT_DROP_POINTS, YEAR).iloc[0]
    assert drop["program_code"] == "710400-BA"
    programme = translate(
        "report.risks.pass_drops",
        lang,
        year=YEAR,
        points=_pp(fmt.number(qq.DEFAULT_DROP_POINTS, lang), lang),
        programs=_drop_item(drop, lang),
    )
    assert faculty + "." in bullets and programme + "." in bullets
    # The licence is at stake: needing action now, listed before what needs planning.
    assert bullets.index(faculty + ".") < bullets.index(programme + ".")
    if lang == "en":
        assert _plain(faculty) == (
            "Faculties below the licensing requirement of 60% of staff with a degree in 2026: "
            "Faculty of Pedagogy (53.8%)"
        )


def test_the_staff_rating_appears_only_as_aggregates(decks, demo):
    """No one's rating reaches the deck: no staff code, and nothing of a faculty with fewer
    rated people than the page's minimum (HIST in 2026), not even its mean."""
    rows = demo.execute(
        "SELECT staff_code, faculty, total_score FROM staff_rating WHERE year = 2026"
    ).df()
    hist = rows[rows["faculty"] == "HIST"]
    assert 0 < len(hist) < sq.MIN_GROUP
    summary = sq.rating_summary(demo, 2026).set_index("faculty")
    staff_title = {lang: translate("report.quality.staff_title", lang) for lang in LANGUAGES}
    for lang, deck in decks.items():
        text = "\n".join(_deck_texts(deck))
        assert not any(code in text for code in rows["staff_code"])
        [staff] = [s for s in _quality(deck) if s.title == staff_title[lang]]
        # The chart is the degree share; the notes read out the rating's aggregates only.
        assert staff.figure.layout.title.text == translate(
            "staff.chart.degree_share", lang, year=2026
        )
        assert fmt.number(summary.loc["university", "mean_total"], lang, 1) in staff.notes
        hidden = [fmt.number(v, lang, 1) for v in hist["total_score"]]
        hidden.append(fmt.number(hist["total_score"].mean(), lang, 1))
        assert not any(v in staff.notes for v in hidden), hidden


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_year_without_drops_compares_the_faculties(demo, lang):
    deck = build_deck(demo, "2024-2025", lang, ("quality",), today=TODAY)
    assert qq.pass_rate_drops(demo, qq.DEFAULT_DROP_POINTS, "2024-2025").empty
    second = _quality(deck)[1]
    assert second.title == translate("report.quality.faculties_title", lang)
    rates = qq.pass_rates(demo, "faculty")
    regular = rates[(rates["academic_year"] == "2024-2025") & (rates["session_type"] == "regular")]
    low = regular.sort_values("pass_rate").iloc[0]
    assert faculty_names(demo, lang).label(low["grp"]) in second.headline
    assert fmt.percent(low["pass_rate"] / 100, lang, 1) in second.headline
    points = _pp(fmt.number(qq.DEFAULT_DROP_POINTS, lang), lang)
    assert not any(points in b for b in deck.risks.bullets)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_warehouse_without_quality_data_says_so_in_the_section(demo_db, tmp_path, lang):
    path = tmp_path / "no_quality.duckdb"
    shutil.copy(demo_db, path)
    connection = duckdb.connect(str(path))
    for table in QUALITY_TABLES:
        connection.execute(f"DELETE FROM {table}")
    deck = build_deck(connection, YEAR, lang, ("mobility", "quality"), today=TODAY)
    connection.close()
    [slide] = _quality(deck)
    assert slide.headline == translate("report.empty.quality", lang, year=YEAR) + "."
    assert slide.figure is not None
    assert len([s for s in deck.slides if s.section == "mobility"]) >= 2
    assert not any("PED" in b for b in deck.risks.bullets)


def test_bad_arguments_are_refused(conn):
    with pytest.raises(ValueError):
        build_deck(conn, "2025/26", "en", today=TODAY)
    with pytest.raises(ValueError):
        build_deck(conn, YEAR, "de", today=TODAY)
