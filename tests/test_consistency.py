"""One number per quantity: every figure shown in more than one place reads the same in each."""

# ``QUANTITIES`` lists each such quantity once: the one function that computes it, and every
# place that shows it — the Overview's cards, the domain page's cards and tables (AppTest), the
# Council deck's headlines, notes and risks (built as tests/deck_text.py builds it, the number
# read back out of its ky, ru and en text) and KPI values. Each is compared on the demo
# warehouse and on a second one generated from another seed, on today's date (the pages read
# the warehouse on the real day, so the deck is built on it too).

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.demo import build_demo
from sapat import db
from sapat.i18n import LANGUAGES, catalog, code_label, localized, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import measures as msq
from sapat.queries import mobility as mq
from sapat.queries import overview as oq
from sapat.report.content import build_deck
from sapat.report.spec import DeckSpec
from tests.conftest import app_test

TODAY = dt.date.today()
# A number as the pages and the deck write it in any language: digits grouped by (narrow)
# no-break spaces or commas, a decimal point or comma, a sign (hyphen or U+2212), a percent.
NUMBER = r"[−+-]?\u2060?\d(?:[\d\u00a0\u202f\u2009.,]*\d)?(?:[\u00a0\u202f\u2009]?%)?"
SPACES = ("\u00a0", "\u202f", "\u2009")


@dataclass(frozen=True)
class Shown:
    """A figure as one place shows it: its number (or text) and the decimals written."""

    value: float | str
    decimals: int = 0

    def matches(self, true: float | str) -> bool:
        if isinstance(self.value, str) or isinstance(true, str):
            return str(self.value) == str(true)
        # Rounded to what is shown: 75 % is right for 74.68 %, 74.7 % too, 74.6 % is not.
        return abs(self.value - float(true)) <= 0.5 * 10**-self.decimals + 1e-9


def number(text: str, lang: str) -> Shown:
    """A number written in ``lang`` (1 234,5 % in ky and ru, 1,234.5% in en) as a Shown."""
    s = text.strip().replace("\u2212", "-").replace("\u2060", "").rstrip("%")
    for space in SPACES:
        s = s.replace(space, "")
    s = s.replace(",", ".") if lang in ("ky", "ru") else s.replace(",", "")
    return Shown(float(s), len(s.split(".")[1]) if "." in s else 0)


def read(text: str, key: str, lang: str, numbers: tuple[str, ...], **fixed: object) -> dict:
    """The numbers a sentence of catalog ``key`` was written with, read back out of ``text``
    ({} when no sentence of that kind is there). ``fixed``: placeholders whose words are known."""
    template, pattern, pos, seen = catalog(lang)[key], "", 0, set()
    plurals: dict[str, list[str]] = {}  # a plural's number is in one of its forms' groups
    for m in re.finditer(r"\{(\w+)(?::plural:([^{}]*))?\}", template):
        pattern += re.escape(template[pos : m.start()])
        name, forms = m.group(1), m.group(2)
        if forms is not None:
            # "{count:plural:one=# row|other=# rows}": any of the forms, "#" the number.
            alternatives = []
            for i, form in enumerate(f.split("=", 1)[1] for f in forms.split("|")):
                group = f"{name}__{i}"
                if "#" in form:
                    plurals.setdefault(name, []).append(group)
                alternatives.append(re.escape(form).replace("\\#", f"(?P<{group}>{NUMBER})"))
            pattern += "(?:" + "|".join(alternatives) + ")"
        elif name in fixed:
            pattern += re.escape(str(fixed[name]))
        elif name in numbers:
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>{NUMBER})"
            seen.add(name)
        else:
            pattern += ".+?"
        pos = m.end()
    pattern += re.escape(template[pos:])
    # sentence() capitalises a sentence's first letter: the case of the words may differ.
    found = re.search(pattern, text, re.IGNORECASE)
    if not found:
        return {}

    def value(name: str) -> str:
        if name in plurals:
            return next(found.group(g) for g in plurals[name] if found.group(g) is not None)
        return found.group(name)

    return {n: number(value(n), lang) for n in numbers}


@dataclass
class Views:
    """Everything one warehouse shows: pages (AppTest, in ``lang``), decks, its connection."""

    conn: duckdb.DuckDBPyConnection
    lang: str  # the pages' language
    year: str  # the academic year the overview's mobility cards and the deck are about
    pages: dict[str, AppTest] = field(default_factory=dict)
    rankings: dict[str, pd.DataFrame] = field(default_factory=dict)  # the editions table
    decks: dict[str, DeckSpec] = field(default_factory=dict)

    def t(self, key: str, lang: str | None = None, **params: object) -> str:
        return translate(key, lang or self.lang, **params)

    def metric(self, page: str, label: str, part: str = "value") -> Shown | None:
        for m in self.pages[page].metric:
            if m.label == label:
                return number(str(getattr(m, part)), self.lang) if part == "value" else m
        return None

    def delta_first(self, page: str, label: str) -> Shown | None:
        """The first number of a card's delta line."""
        for m in self.pages[page].metric:
            if m.label == label and m.delta and (found := re.search(NUMBER, str(m.delta))):
                return number(found.group(0), self.lang)
        return None

    def delta(self, page: str, label: str, key: str, name: str = "count") -> Shown | None:
        """A number inside a card's delta line, written with catalog ``key``."""
        for m in self.pages[page].metric:
            if m.label == label and m.delta:
                return read(str(m.delta), key, self.lang, (name,)).get(name)
        return None

    def deck_text(self, lang: str, part: str = "slides") -> str:
        deck = self.decks[lang]
        if part == "risks":
            return deck.risks.notes
        if part == "summary":
            return deck.summary.notes
        return "\n".join(f"{s.headline}\n{s.notes}" for s in deck.slides)

    def in_deck(
        self, key: str, name: str | tuple[str, ...], part: str = "slides", **fixed: object
    ) -> dict:
        """``name`` of sentence ``key`` in each language's deck (the languages saying it);
        several names: their sum."""
        names = (name,) if isinstance(name, str) else name
        found = {}
        for lang in LANGUAGES:
            got = read(self.deck_text(lang, part), key, lang, names, **fixed)
            if got:
                found[lang] = Shown(
                    sum(got[n].value for n in names), max(got[n].decimals for n in names)
                )
        return found

    def risk(self, key: str) -> dict:
        """An alert's count on the risks slide in each language (0 when it is not raised)."""
        return {
            lang: read(self.deck_text(lang, "risks"), key, lang, ("count",)).get("count", Shown(0))
            for lang in LANGUAGES
        }

    def kpi_year(self) -> int | None:
        """The KPI year the deck reports: the KPI page's only when the two agree."""
        return kq.reported_year(self.conn, self.year, today=TODAY)

    def kpi_page(self, code: str) -> Shown | None:
        """A KPI's value in the KPI page's scorecard (the year it opens on)."""
        table = self.pages["kpis"].dataframe[0].value
        name = db.first(
            self.conn.execute(
                f"SELECT name_{self.lang} FROM kpi_definitions WHERE code = ?", [code]
            )
        )[0]
        cat = catalog(self.lang)
        row = table[table[cat["ui.col_kpi_name"]] == name]
        return number(row[cat["col.value"]].iloc[0], self.lang) if len(row) else None

    def kpi_notes(self, code: str) -> dict:
        """A KPI's value in the deck's KPI notes, in each language."""
        card = kq.scorecard(self.conn, self.kpi_year(), kq.UNIVERSITY, TODAY).set_index("code")
        found = {}
        for lang in LANGUAGES:
            name = localized(card.loc[code], "name", lang, others=False)
            got = read(self.deck_text(lang), "report.notes.kpi", lang, ("value",), name=name)
            if "value" in got:
                found[lang] = got["value"]
        return found


Place = Callable[[Views], "Shown | dict | None"]


@dataclass(frozen=True)
class Quantity:
    """One quantity shown in several places: its one definition and everywhere it is shown.
    ``value``: the true value (a dict for one per key, e.g. per ranking)."""

    name: str
    definition: str
    value: Callable[[Views], Any]
    places: dict[str, Place]


def _summary(v: Views) -> dict[str, int]:
    return acq.summary(v.conn, TODAY)


def _agreements(v: Views) -> dict[str, int]:
    return agq.summary(v.conn, TODAY)


def _mobility(v: Views, direction: str) -> int:
    frame = oq.mobility_by_year(v.conn).set_index(["academic_year", "direction"])
    return int(frame["participants"].get((v.year, direction), 0))


def _headline(v: Views) -> pd.Series:
    return mq.headline(v.conn, mq.MobilityFilter(), v.year).set_index("measure")["value"]


def _measure(v: Views, name: str) -> dict[str, float | int | None]:
    return msq.latest(v.conn, name, TODAY)


def _when(condition: bool, place: Callable[[], Any]) -> Any:
    """A place that shows the quantity only on some warehouses (a KPI of the same year)."""
    return place() if condition else None


def _share(v: Views) -> float:
    s = _summary(v)
    return 100 * s["accredited"] / s["programs"]


def _mobility_page_sum(v: Views, direction: str) -> Shown | None:
    parts = [
        v.metric("mobility", v.t(f"mobility.measure.{direction}_{who}"))
        for who in ("students", "staff")
    ]
    return Shown(sum(p.value for p in parts)) if all(parts) else None


def _change(v: Views, direction: str) -> dict:
    """This year's figure in the deck's trend headline ('… rose from 273 to 291 …')."""
    found = {}
    for lang in LANGUAGES:
        subject = catalog(lang)[f"report.subject.{direction}"]
        for key in ("report.change.up", "report.change.down", "report.change.flat"):
            got = read(v.deck_text(lang), key, lang, ("now",), subject=subject)
            got = got or read(
                v.deck_text(lang), "report.change.none", lang, ("now",), subject=subject
            )
            if got:
                found[lang] = got["now"]
                break
    return found


def _quality_rate(v: Views, name: str, keys: tuple[str, str], label: str) -> dict:
    m = _measure(v, name)
    shown = msq.year_label(name, m["year"])
    found = {}
    for lang in LANGUAGES:
        for key in keys:
            got = read(v.deck_text(lang), key, lang, (label,), year=shown)
            if got:
                found[lang] = got[label]
                break
    return found


def _ranks_overview(v: Views) -> dict[str, Shown]:
    ranks = oq.latest_rankings(v.conn).head(6)
    out = {}
    for r in ranks.itertuples():
        card = v.metric("overview", f"{v.t(f'ranking_short.{r.ranking}')} · {r.year}", "raw")
        if card is not None:
            out[r.ranking] = Shown(str(card.value))
    return out


def _ranks_deck(v: Views) -> dict[str, Shown]:
    out = {}
    for r in oq.latest_rankings(v.conn, as_of=int(v.year[-4:])).itertuples():
        for lang in LANGUAGES:
            prefix = f"\n{code_label(r.ranking, lang)} {r.year}: "
            text = v.deck_text(lang)
            if prefix in text:
                out[f"{r.ranking} ({lang})"] = Shown(text.split(prefix)[1].split(" (")[0])
    return out


def _ranks_true(v: Views) -> dict[str, Any]:
    ranks = oq.latest_rankings(v.conn).set_index("ranking")
    shown = ranks["rank_display"].to_dict()
    out = shown | {f"{k} ({lang})": d for k, d in shown.items() for lang in LANGUAGES}
    if (
        "qs_asia" in ranks.index
        and ranks.loc["qs_asia", "rank_low"] == ranks.loc["qs_asia", "rank_high"]
    ):
        out["qs_asia (KPI)"] = float(ranks.loc["qs_asia", "rank_low"])  # an exact position
    return out


def _kpi_rank(v: Views) -> dict[str, Shown]:
    """QS Asia's position as the KPI page shows it, when the KPI's year is the edition's."""
    ranks = oq.latest_rankings(v.conn).set_index("ranking")
    if "qs_asia" not in ranks.index or ranks.loc["qs_asia", "year"] != kq.open_year(v.conn, TODAY):
        return {}
    got = v.kpi_page("qs_asia_rank")
    return {"qs_asia (KPI)": got} if got else {}


def _measured(
    name: str, measure: str, cards: dict[str, tuple[str, str]], deck: tuple[str, str, str]
) -> Quantity:
    """A measure's latest university figure: the cards (page, label key) that show it with
    its year, the deck's sentence of it (with and without a change, and the placeholder),
    and its KPI (whose code is the measure's) where the KPI's year is the measure's."""

    def year(v: Views) -> int:
        return _measure(v, measure)["year"]

    places: dict[str, Place] = {
        title: lambda v, p=page, k=key: v.metric(p, v.t(k, year=msq.year_label(measure, year(v))))
        for title, (page, key) in cards.items()
    }
    places["deck: headline"] = lambda v: _quality_rate(v, measure, deck[:2], deck[2])
    places["KPI page"] = lambda v: _when(
        kq.open_year(v.conn, TODAY) == year(v), lambda: v.kpi_page(measure)
    )
    places["deck: KPI notes"] = lambda v: _when(
        v.kpi_year() == year(v), lambda: v.kpi_notes(measure)
    )
    return Quantity(
        name,
        f"measures.latest({measure!r}), also the {measure} KPI",
        lambda v: _measure(v, measure)["value"],
        places,
    )


QUANTITIES: tuple[Quantity, ...] = (
    Quantity(
        "accredited share (%)",
        "accreditation.summary: accredited ÷ programs (accredited_programs_sql), the measure "
        "accredited_programs_share of its KPI reads the same SQL",
        _share,
        {
            "Overview card": lambda v: v.metric("overview", v.t("ui.programs_accredited")),
            "Accreditation page card": lambda v: v.metric(
                "accreditation", v.t("ui.accreditation_accredited")
            ),
            "deck: coverage headline": lambda v: v.in_deck(
                "report.accreditation.coverage_headline", "share"
            ),
            "deck: summary": lambda v: v.in_deck(
                "report.accreditation.coverage_headline", "share", "summary"
            ),
            "KPI page (accredited_programs_share)": lambda v: _when(
                kq.open_year(v.conn, TODAY) == TODAY.year,
                lambda: v.kpi_page("accredited_programs_share"),
            ),
            "deck: KPI notes": lambda v: _when(
                v.kpi_year() == TODAY.year, lambda: v.kpi_notes("accredited_programs_share")
            ),
        },
    ),
    Quantity(
        "accredited programmes",
        "accreditation.summary['accredited']",
        lambda v: _summary(v)["accredited"],
        {
            "Overview card delta («58 of 79»)": lambda v: v.delta_first(
                "overview", v.t("ui.programs_accredited")
            ),
            "deck: coverage headline": lambda v: v.in_deck(
                "report.accreditation.coverage_headline", "accredited"
            ),
        },
    ),
    Quantity(
        "licences and accreditations expiring within 180 days",
        "accreditation.summary['within_180'] (watch_list, 180 days)",
        lambda v: _summary(v)["within_180"],
        {
            "Overview card": lambda v: v.metric("overview", v.t("ui.expiring_180")),
            "Accreditation page card": lambda v: v.metric(
                "accreditation", v.t("accreditation.expiry.within_180")
            ),
            "deck: watch headline (90 + later)": lambda v: v.in_deck(
                "report.accreditation.watch_headline", ("within_90", "later")
            ),
            "deck: risks (90 + 180)": lambda v: {
                lang: Shown(
                    v.risk("alert.expiring_90")[lang].value
                    + v.risk("alert.expiring_180")[lang].value
                )
                for lang in LANGUAGES
            },
        },
    ),
    Quantity(
        "licences and accreditations expired",
        "accreditation.summary['expired']",
        lambda v: _summary(v)["expired"],
        {
            "Overview card delta": lambda v: v.delta(
                "overview", v.t("ui.expiring_180"), "ui.overview_expired"
            ),
            "Accreditation page card": lambda v: v.metric(
                "accreditation", v.t("accreditation.expiry.expired")
            ),
            "deck: watch headline": lambda v: v.in_deck(
                "report.accreditation.watch_headline", "expired"
            ),
            "deck: risks": lambda v: v.risk("alert.expired"),
        },
    ),
    *(
        Quantity(
            f"{direction} mobility",
            "overview.mobility_by_year = mobility.trend (withdrawn not counted), latest year",
            lambda v, d=direction: _mobility(v, d),
            {
                "Overview card": lambda v, d=direction: v.metric(
                    "overview", v.t(f"ui.mobility_{d}", year=v.year)
                ),
                "Mobility page cards (students + staff)": lambda v, d=direction: _mobility_page_sum(
                    v, d
                ),
                "deck: trend headline": lambda v, d=direction: _change(v, d),
                "deck: trend notes": lambda v, d=direction: v.in_deck(
                    "report.notes.trend_year", d, year=v.year
                ),
            },
        )
        for direction in ("outgoing", "incoming")
    ),
    Quantity(
        "partner countries",
        "mobility.headline['countries']: countries of the year's mobility partners",
        lambda v: int(_headline(v)["countries"]),
        {
            "Mobility page card": lambda v: v.metric("mobility", v.t("mobility.measure.countries")),
            "deck: trend notes": lambda v: {
                lang: number(m.group(1), lang)
                for lang in LANGUAGES
                if (
                    m := re.search(
                        re.escape(catalog(lang)["mobility.measure.countries"])
                        + f": ({NUMBER}) \\(",
                        v.deck_text(lang),
                    )
                )
            },
            "deck: map headline": lambda v: v.in_deck(
                "report.mobility.map_headline", "countries", year=v.year
            ),
        },
    ),
    Quantity(
        "active agreements",
        "agreements.summary['active'] (in force today)",
        lambda v: _agreements(v)["active"],
        {
            "Overview card": lambda v: v.metric("overview", v.t("ui.agreements_active")),
            "Agreements page card": lambda v: v.metric("agreements", v.t("ui.agreements_active")),
            "deck: map headline": lambda v: v.in_deck("report.agreements.map_headline", "active"),
        },
    ),
    Quantity(
        "dormant agreements",
        "agreements.summary['dormant'] = len(agreements.dormant): credited mobility only",
        lambda v: _agreements(v)["dormant"],
        {
            "Overview card delta": lambda v: v.delta(
                "overview", v.t("ui.agreements_active"), "ui.overview_dormant"
            ),
            "Agreements page card": lambda v: v.metric(
                "agreements", v.t("ui.agreements_dormant", years=agq.DORMANT_YEARS)
            ),
            "deck: use headline": lambda v: v.in_deck(
                "report.agreements.dormant_tail", "count", years=agq.DORMANT_YEARS
            ),
            "deck: risks": lambda v: v.risk("alert.dormant_agreements"),
        },
    ),
    Quantity(
        "agreements expiring within 6 months",
        "agreements.summary['expiring'] = len(agreements.expiring)",
        lambda v: _agreements(v)["expiring"],
        {
            "Agreements page card": lambda v: v.metric(
                "agreements", v.t("ui.agreements_expiring_6m")
            ),
            "deck: expiring headline": lambda v: v.in_deck(
                "report.agreements.expiring_headline", "count"
            ),
            "deck: risks": lambda v: v.risk("alert.agreements_expiring"),
        },
    ),
    _measured(
        "pass rate (regular sessions, %)",
        "exam_pass_rate",
        {
            "Overview card": ("overview", "ui.overview_pass_rate"),
            "Quality page card": ("quality", "ui.quality_pass_rate_regular"),
        },
        ("report.quality.regular_change", "report.quality.regular", "rate"),
    ),
    _measured(
        "teaching staff with a degree (%)",
        "staff_degree_share",
        {
            "Overview card": ("overview", "ui.overview_degree_share"),
            "Staff page card": ("staff", "ui.staff_degree_share"),
        },
        ("report.quality.staff_share_change", "report.quality.staff_share", "share"),
    ),
    Quantity(
        "KPIs off target",
        "kpis.off_track(kpis.open_year(today)): the year the KPI page opens on",
        lambda v: len(kq.off_track(v.conn, kq.open_year(v.conn, TODAY), TODAY)),
        {
            "Overview card": lambda v: v.metric(
                "overview", v.t("ui.kpis_off_track", year=kq.open_year(v.conn, TODAY))
            ),
            "KPI page status card": lambda v: v.metric("kpis", v.t("kpis.status.off_track")),
            "deck: KPI headline": lambda v: _when(
                v.kpi_year() == kq.open_year(v.conn, TODAY),
                lambda: v.in_deck("report.kpis.status_headline", "off_track"),
            ),
            "deck: risks": lambda v: _when(
                v.kpi_year() == kq.open_year(v.conn, TODAY),
                lambda: v.risk("alert.kpis_off_track"),
            ),
        },
    ),
    Quantity(
        "latest rank per ranking",
        "overview.latest_rankings: rank_display of each ranking's latest edition",
        _ranks_true,
        {
            "Overview cards": _ranks_overview,
            "Rankings page editions table": lambda v: {
                code: Shown(str(frame[v.t("ui.col_rank")].iloc[0]))
                for code, frame in v.rankings.items()
            },
            "deck: rankings notes": _ranks_deck,
            "KPI page (qs_asia_rank)": _kpi_rank,
        },
    ),
)


# --- the two warehouses and everything they show ------------------------------------------


def _open(at: AppTest, page: str, **state: object) -> AppTest:
    at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _page(lang: str, page: str | None = None, **state: object) -> AppTest:
    """A fresh run of app.py (the overview), or of ``page`` opened from it, in ``lang``."""
    at = app_test("viewer", lang, timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return _open(at, page, **state) if page else at


PAGES = ("accreditation", "agreements", "mobility", "quality", "staff", "kpis")


@pytest.fixture(scope="module", params=["demo", "seed 7"])
def views(request, demo_db, tmp_path_factory) -> Iterator[Views]:
    """The demo warehouse (pages in English), and one generated from seed 7 (in Russian)."""
    if request.param == "demo":
        path, lang = demo_db, "en"
    else:
        path, lang = tmp_path_factory.mktemp("seed7") / "seed7.duckdb", "ru"
        build_demo(path, seed=7)
    before = os.environ.get("SAPAT_DB")
    os.environ["SAPAT_DB"] = str(path)
    conn = duckdb.connect(str(path))  # the app's configuration: the two share the file
    try:
        year = mq.options(conn)["years"][-1]
        v = Views(conn, lang, year)
        v.pages["overview"] = _page(lang)
        for page in PAGES:
            v.pages[page] = _page(lang, f"pages/{page}.py")
        for code in oq.latest_rankings(conn).head(6)["ranking"]:
            at = _page(lang, "pages/rankings.py", ranking=code)
            v.rankings[code] = at.table[0].value
        for deck_lang in LANGUAGES:
            v.decks[deck_lang] = build_deck(conn, year, deck_lang, today=TODAY)
        yield v
    finally:
        conn.close()
        if before is None:
            os.environ.pop("SAPAT_DB", None)
        else:
            os.environ["SAPAT_DB"] = before


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", QUANTITIES, ids=lambda q: q.name)
def test_every_place_shows_the_quantity_alike(views: Views, quantity: Quantity):
    true = quantity.value(views)
    assert true is not None, f"{quantity.name}: nothing to compare on this warehouse"
    wrong, read_somewhere = [], 0
    for place, shown_by in quantity.places.items():
        shown = shown_by(views)
        if shown is None:
            continue  # not shown on this warehouse (a KPI of another year)
        items = shown.items() if isinstance(shown, dict) else [("", shown)]
        for key, got in items:
            expected = true.get(key) if isinstance(true, dict) else true
            read_somewhere += 1
            if expected is None or not got.matches(expected):
                wrong.append(f"{place} {key}: shows {got.value!r}, the warehouse says {expected!r}")
    assert not wrong, f"{quantity.name} ({quantity.definition}):\n" + "\n".join(wrong)
    assert read_somewhere >= 2, f"{quantity.name} was read in fewer than two places"


def test_every_deck_place_is_read_in_every_language(views: Views):
    """A deck place that reads in one language reads in all three: a template that changes
    in one language only must not make this test compare less without saying so."""
    for quantity in QUANTITIES:
        for place, shown_by in quantity.places.items():
            if not place.startswith("deck"):
                continue
            shown = shown_by(views)
            if isinstance(shown, dict) and shown and quantity.name != "latest rank per ranking":
                assert set(shown) == set(LANGUAGES), (quantity.name, place, sorted(shown))


def test_the_deck_credits_mobility_as_the_agreements_page_does(views: Views):
    """The deck's use notes read each agreement's mobility from agreements.utilisation."""
    use = agq.utilisation(views.conn)
    use = use[use["academic_year"] == views.year].set_index("agreement_id")["mobilities"]
    for lang in LANGUAGES:
        lines = re.findall(rf"\(([^()]+)\): ({NUMBER})$", views.deck_text(lang), re.MULTILINE)
        listed = {a: number(n, lang).value for a, n in lines if a in use.index}
        assert listed, lang
        assert listed == {a: float(use[a]) for a in listed}, lang


def test_partner_countries_and_agreement_countries_have_different_names():
    """The deck said 'partner countries' of two counts (20 of mobility, 18 of agreements)."""
    for lang in LANGUAGES:
        cat = catalog(lang)
        agreements = cat["report.agreements.map_headline"].lower()
        mobility = cat["report.mobility.map_headline"].lower()
        shared = {"ky": "өнөктөш өлкө", "ru": "стран-партнёр", "en": "partner"}[lang]
        assert shared not in agreements, lang
        assert shared in mobility or lang == "en", lang


def test_numbers_are_read_in_each_language():
    assert number("1\u00a0234,5\u00a0%", "ru") == Shown(1234.5, 1)
    assert number("1\u202f066", "ky") == Shown(1066.0, 0)
    assert number("\u221216,2", "ru") == Shown(-16.2, 1)
    assert number("1,066", "en") == Shown(1066.0, 0)
    assert number("74.7%", "en") == Shown(74.7, 1)
    text = "Истекают в течение 90 дней: 1\u00a0204 (Экономика)."
    assert read(text, "alert.expiring_90", "ru", ("count",)) == {"count": Shown(1204.0)}
    assert read(text, "alert.expired", "ru", ("count",)) == {}
    assert Shown(75.0).matches(74.68) and Shown(74.7, 1).matches(74.68)
    assert not Shown(74.6, 1).matches(74.68)
