"""Faculties by name, countries in the reader's language: every page, the deck and exports."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.demo.catalogue import FACULTIES, FACULTY_NAMES
from sapat.countries import country_code, country_name
from sapat.faculties import FacultyNames, faculty_names
from sapat.i18n import LANGUAGES, catalog
from sapat.report.content import build_deck
from tests import deck_text
from tests.conftest import app_test
from tests.test_downloads import deferred, tables_with_buttons  # noqa: F401 (a fixture)

# A faculty code standing alone: not inside a programme code such as 560002-PED-RES.
BARE_CODE = re.compile(r"(?<![\w-])(" + "|".join(FACULTIES) + r")(?![\w-])")
# Each page with the session-state key of its tabs and the tabs' catalog keys, and the
# state that makes its faculty views appear (a survey group for the faculty heatmap).
PAGES: dict[str, tuple[str | None, tuple[str, ...], dict[str, Any]]] = {
    "overview": (None, (), {}),
    "rankings": (
        "ranking_tab",
        tuple(f"ui.tab_{k}" for k in ("position", "indicators", "peers", "whatif", "agency")),
        {},
    ),
    "mobility": (
        "mobility_tab",
        tuple(
            f"ui.mobility_tab_{k}" for k in ("trends", "countries", "credits", "ratios", "flags")
        ),
        {},
    ),
    "agreements": (
        "agreements_tab",
        tuple(f"ui.agreements_tab_{k}" for k in ("register", "expiring", "map", "use")),
        {},
    ),
    "accreditation": (
        "accreditation_tab",
        tuple(
            f"ui.accreditation_tab_{k}"
            for k in ("coverage", "watch", "timeline", "agencies", "missing", "actions")
        ),
        {},
    ),
    "quality": (
        "quality_tab",
        tuple(
            f"ui.quality_tab_{k}"
            for k in ("pass_rates", "grades", "drops", "attestation", "graduates", "surveys")
        ),
        {"sv_group": "students"},
    ),
    "staff": (
        "staff_tab",
        tuple(
            f"ui.staff_tab_{k}" for k in ("composition", "degree_share", "international", "rating")
        ),
        {},
    ),
    "kpis": (None, (), {}),
}
# Pages whose views show every faculty of the demo somewhere (by name or short name).
ALL_FACULTIES_SHOWN = ("mobility", "accreditation", "quality", "staff")


def ky_names(code: str) -> tuple[str, str]:
    """The demo's Kyrgyz name and short name of a faculty."""
    name, _, short, _, _ = FACULTY_NAMES[code]
    return name, short


def code_headers(lang: str) -> set[str]:
    """Headers of the columns that keep a code (program_code, agreement_id, ...): a code
    belongs there."""
    words = catalog(lang)
    return {
        text
        for key, text in words.items()
        if key.startswith(("col.", "ui.col_")) and re.search(r"(code|_id|_no)$", key)
    }


# What a map matches its countries on (English names, ISO codes): never drawn as text.
NOT_SHOWN = frozenset({"locations"})


def _strings(node: Any) -> Iterator[str]:
    """Every string in a Plotly figure's JSON: titles, tick labels, category arrays, legend
    names, texts, hover texts."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _cells(frame: pd.DataFrame, skip: set[str]) -> Iterator[str]:
    if frame.index.name is not None:
        frame = frame.reset_index()
    for column in frame.columns:
        yield str(column)
        if str(column) not in skip:
            yield from (str(v) for v in frame[column] if isinstance(v, str))


def shown_texts(at: AppTest, lang: str) -> list[str]:
    """All text the page shows: words, numbers' labels, table cells (but codes), options as
    displayed, and the charts' texts."""
    texts = [
        x.value
        for x in [
            *at.title,
            *at.header,
            *at.subheader,
            *at.markdown,
            *at.caption,
            *at.info,
            *at.warning,
            *at.success,
            *at.error,
        ]
    ]
    texts += [str(x) for m in at.metric for x in (m.label, m.value, m.proto.help) if x]
    texts += [e.label for e in at.expander]
    for widget in [*at.selectbox, *at.multiselect, *at.radio]:
        texts += [widget.label, *(str(o) for o in widget.options)]
    skip = code_headers(lang)
    for element in [*at.dataframe, *at.table]:
        texts += list(_cells(element.value, skip))
    for figure in at.get("plotly_chart"):
        texts += list(_strings(json.loads(figure.proto.spec)))
    return texts


def page_views(page: str, lang: str, user: str = "admin") -> Iterator[tuple[str, AppTest]]:
    """The page's first view, then each of its tabs opened in turn (as a click does)."""
    key, tabs, state = PAGES[page]
    words = catalog(lang)
    at = app_test(user, lang)
    at.run()
    at.switch_page(f"pages/{page}.py")
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    yield "", at
    for tab in tabs:
        at.session_state[key] = words[tab]
        at.run()
        assert not at.exception, (tab, [e.message for e in at.exception])
        yield tab, at


@pytest.fixture
def demo(demo_db, env_db):
    env_db(demo_db)
    conn = duckdb.connect(str(demo_db))
    yield conn
    conn.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", list(PAGES))
def test_no_page_shows_a_bare_faculty_code(demo, page, lang):
    shown: list[str] = []
    for tab, at in page_views(page, lang):
        texts = shown_texts(at, lang)
        bare = sorted({m for x in texts for m in BARE_CODE.findall(x)})
        assert not bare, (page, tab, bare, [x for x in texts if BARE_CODE.search(x)][:5])
        # Countries in the reader's language: an English name only on the English screen.
        english = {x for x in texts if country_code(x) and x != country_name(x, lang)}
        assert not english, (page, tab, sorted(english))
        shown += texts
    if lang == "ky" and page in ALL_FACULTIES_SHOWN:
        text = "\n".join(shown)
        unnamed = [c for c in FACULTIES if not any(n in text for n in ky_names(c))]
        assert not unnamed, (page, unnamed)


def test_filters_show_names_and_keep_codes(demo):
    """A faculty filter lists names (alphabetically) and filters by the code."""
    at = next(page_views("quality", "ky"))[1]
    box = at.selectbox(key="aq_faculty")
    names = [ky_names(c)[0] for c in FACULTIES]
    assert box.options[1:] == sorted(names)
    box.select("MATH").run()
    assert not at.exception
    assert at.selectbox(key="aq_faculty").value == "MATH"
    # The charts' titles name the faculty chosen.
    assert ky_names("MATH")[0] in "\n".join(shown_texts(at, "ky"))


def test_kpi_faculty_split_names_the_faculties(demo):
    """The KPI page's faculty split, on a KPI that has one, by short name; 'university' too."""
    from sapat.queries import kpis as kq

    year = kq.years(demo)[0]
    code = next(iter(kq.faculty_codes(demo, year)), None)
    assert code, "the demo has no KPI split by faculty"
    at = app_test("viewer", "ky")
    at.run()
    at.switch_page("pages/kpis.py")
    at.session_state["kpi_year"] = year
    at.session_state["kpi_code"] = code
    at.run()
    assert not at.exception
    text = "\n".join(shown_texts(at, "ky"))
    assert not BARE_CODE.search(text)
    shorts = [ky_names(c)[1] for c in FACULTIES]
    assert sum(s in text for s in shorts) >= 2


@pytest.mark.parametrize(("tab", "short"), [("international", False), ("composition", True)])
def test_a_download_names_the_faculties(demo, deferred, tab, short):  # noqa: F811
    """A staff table's xlsx and csv carry the faculties' names as the table shows them: full
    names, or short ones in a table of many figures per faculty; never codes."""
    words = catalog("ky")
    at = next(v for name, v in page_views("staff", "ky") if name == f"ui.staff_tab_{tab}")
    ((element, buttons),) = tables_with_buttons(at)
    header = words["col.faculty"]
    expected = {ky_names(c)[1 if short else 0] for c in FACULTIES}
    assert set(element.value[header]) - {words["code.university"]} == expected
    _, _, build_xlsx = deferred[buttons[0].proto.deferred_file_id]
    sheet = openpyxl.load_workbook(io.BytesIO(build_xlsx())).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index(header)
    assert {r[column] for r in rows[1:]} - {words["code.university"]} == expected
    _, _, build_csv = deferred[buttons[1].proto.deferred_file_id]
    csv_text = build_csv().decode("utf-8-sig")
    assert not BARE_CODE.search(csv_text)
    assert ky_names("MATH")[1 if short else 0] in csv_text


def test_a_country_download_is_in_the_readers_language(demo, deferred):  # noqa: F811
    at = next(v for tab, v in page_views("mobility", "ru") if tab == "ui.mobility_tab_countries")
    ((element, buttons),) = tables_with_buttons(at)
    _, _, build_csv = deferred[buttons[1].proto.deferred_file_id]
    csv_text = build_csv().decode("utf-8-sig")
    assert "Кыргызстан" in csv_text and "Турция" in csv_text
    assert "Kyrgyzstan" not in csv_text and "Turkey" not in csv_text


# --- the helper and the deck ------------------------------------------------------------


def test_a_code_without_a_name_shows_as_the_code():
    frame = pd.DataFrame(
        {
            "code": ["MATH"],
            "name_ky": ["Математика"],
            "name_ru": ["Математика (ru)"],
            "name_en": ["Mathematics"],
            "short_ky": [None],
            "short_ru": ["Мат."],
            "short_en": ["Math"],
        }
    )
    names = FacultyNames.of(frame, "ky")
    assert names.label("MATH") == "Математика"
    assert names.label("MATH", short=True) == "Математика"  # no English abbreviation
    assert names.label("BIO") == "BIO"
    assert names.label("university") == catalog("ky")["code.university"]
    empty = FacultyNames.of(frame.iloc[0:0], "en")
    assert empty.label("MATH") == "MATH"
    named = names.named(pd.DataFrame({"faculty": ["MATH", None], "n": [1, 2]}))
    assert named["faculty"].iloc[0] == "Математика" and pd.isna(named["faculty"].iloc[1])


def test_faculty_names_come_from_the_warehouse(demo):
    for lang in LANGUAGES:
        names = faculty_names(demo, lang)
        assert set(names.full) == set(FACULTIES)
    assert faculty_names(demo, "en").label("MED") == FACULTIES["MED"]
    assert faculty_names(demo, "ky").label("MATH", short=True) == "МжМТ"


def _deck_strings(deck: Any) -> Iterator[str]:
    """The deck's words (titles, headlines, notes, bullets), then its charts' texts."""
    yield from _strings(deck_text.deck_text(deck))
    for slide in [*deck.slides, deck.risks, deck.summary]:
        if slide.figure is not None:
            yield from _strings(json.loads(slide.figure.to_json()))


def test_the_kyrgyz_deck_names_faculties_and_countries(demo):
    deck = build_deck(demo, deck_text.YEAR, "ky", today=deck_text.TODAY)
    texts = list(_deck_strings(deck))
    bare = [x for x in texts if BARE_CODE.search(x)]
    assert not bare, bare[:5]
    joined = "\n".join(texts)
    assert any(ky_names(c)[1] in joined for c in FACULTIES)  # short names on the charts
    assert ky_names("HIST")[0] in joined  # the lowest recognition rate, named
    assert "Түркия" in joined and "Казакстан" in joined
    english = {x for x in texts if country_code(x) and x != country_name(x, "ky")}
    assert not english, sorted(english)
