"""What every section of the Council deck shares: the year and language, shared queries, wording."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from sapat import formats as fmt
from sapat import identity
from sapat.academic_year import AcademicYear
from sapat.charts.common import empty as empty_figure
from sapat.countries import country_name
from sapat.faculties import FacultyNames, faculty_names
from sapat.i18n import localized, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import mobility as mq
from sapat.queries import overview as oq
from sapat.queries import rankings as rq
from sapat.report.spec import DOMAIN_SECTIONS, SlideSpec

MAX_SLIDES = 4  # per section
LISTED = 3  # names spelled out in a risk bullet; the rest are counted
NOTES_ROWS = 12  # rows of a table read out in the notes
NBSP = "\xa0"  # keeps a number and its unit on one line


@dataclass
class DeckContext:
    """One deck's year, language and day, and the query results its sections share.

    Sections are built on two threads, each through a cursor of its own (``with_conn``); the
    cache is shared between them, so a result one section fetched serves the others and the
    risks slide.
    """

    conn: duckdb.DuckDBPyConnection
    year: str  # the academic year, e.g. 2025-2026
    prev: str  # the one before
    end: int  # its second calendar year: rankings and KPIs are read up to it
    lang: str
    today: dt.date
    home: str | None
    university: str
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def make(
        cls, conn: duckdb.DuckDBPyConnection, year: str, lang: str, today: dt.date
    ) -> DeckContext:
        home = rq.home_institution(conn)
        university = (
            university_name(conn, home, lang)
            if home
            else translate("report.university_unknown", lang)
        )
        academic = AcademicYear.parse(year)  # ValueError for anything else
        prev, end = str(academic.previous()), academic.end_year
        return cls(conn, year, prev, end, lang, today, home, university)

    def with_conn(self, conn: duckdb.DuckDBPyConnection) -> DeckContext:
        """The same deck read through another cursor, sharing the cache."""
        return replace(self, conn=conn)

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def n(self, value: object, decimals: int = 0) -> str:
        return fmt.number(value, self.lang, decimals)

    def pct(self, fraction: object, decimals: int = 0) -> str:
        return fmt.percent(fraction, self.lang, decimals)

    def cached(self, name: str, make: Callable[[], Any]) -> Any:
        """One query result shared by the section slides and the risks slide."""
        if name not in self.cache:
            self.cache[name] = make()
        return self.cache[name]

    def faculties(self) -> FacultyNames:
        """The faculties' names in the deck's language."""
        return self.cached("faculties", lambda: faculty_names(self.conn, self.lang))

    def faculty(self, code: object, short: bool = False) -> str:
        """A faculty (or the university) by its name in the deck's language, as pages show it."""
        return self.faculties().label(code, short)

    def named(self, frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        """A frame for a chart, its faculty ``columns`` as short names (``FacultyNames.named``)."""
        return self.faculties().named(frame, *columns)

    def institution(self, name: object) -> str:
        """An institution (a partner, a peer, the university) by its name in the deck's
        language where the warehouse knows one; else as the register spells it."""
        if not is_text(name):
            return ""
        return self.institution_names((name,)).get(name, name)  # type: ignore[arg-type]

    def institution_names(self, spellings: Any) -> dict[str, str]:
        """Each spelling of ``spellings`` → the name of its institution in the deck's language
        (``institution_name``), matched through every known spelling (``institution_keys``)."""
        names = self.cached("institution_names", lambda: _institution_names(self.conn, self.lang))
        wanted = sorted({s for s in spellings if is_text(s)})
        if not wanted:
            return {}
        rows = self.conn.execute(
            "SELECT s, k.canonical FROM unnest(CAST($s AS VARCHAR[])) t(s) "
            "JOIN institution_keys k ON k.key = norm_name(t.s)",
            {"s": wanted},
        ).fetchall()
        found = {spelling: names.get(canonical) for spelling, canonical in rows}
        # The university as every page names it (identity), whatever the register wrote.
        found |= {s: self.university for s, c in rows if self.home is not None and c == self.home}
        return {s: found.get(s) or s for s in wanted}

    def institutions(self, frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        """``frame`` with its institution ``columns`` named in the deck's language."""
        if frame.empty:
            return frame
        out = frame.copy()
        for column in columns:
            named = self.institution_names(out[column])
            out[column] = [named.get(v, v) if is_text(v) else v for v in out[column]]
        return out

    # -- query results more than one section (or the alerts) reads --------------------------

    def latest_rankings(self) -> pd.DataFrame:
        """The university's latest edition of each ranking up to the deck's year, the freshest
        first, then in the rankings page's order (``rankings_with_data``)."""

        def load() -> pd.DataFrame:
            latest = oq.latest_rankings(self.conn, as_of=self.end)
            order = {c: i for i, c in enumerate(rq.rankings_with_data(self.conn)["ranking"])}
            return (
                latest.assign(_order=latest["ranking"].map(order))
                .sort_values(["year", "_order"], ascending=[False, True], kind="stable")
                .drop(columns="_order")
                .reset_index(drop=True)
            )

        return self.cached("latest_rankings", load)

    def mobility_by_year(self) -> pd.DataFrame:
        return self.cached("mobility_by_year", lambda: oq.mobility_by_year(self.conn))

    def accreditation_summary(self) -> dict[str, int]:
        return self.cached("acc_summary", lambda: acq.summary(self.conn, self.today))

    def agreement_summary(self) -> dict[str, int]:
        return self.cached("agr_summary", lambda: agq.summary(self.conn, self.today))

    def kpi_years(self) -> list[int]:
        return self.cached("kpi_years", lambda: kq.years(self.conn, self.today))

    def kpi_year(self) -> int | None:
        """The KPI (calendar) year the deck reports (``kpis.reported_year``)."""
        return self.cached(
            "kpi_year",
            lambda: kq.reported_year(self.conn, self.year, self.kpi_years(), self.today),
        )

    def off_track(self) -> pd.DataFrame:
        """University KPIs off target in the deck's KPI year (none without one)."""

        def load() -> pd.DataFrame:
            year = self.kpi_year()
            off = kq.off_track(self.conn, year, self.today) if year is not None else pd.DataFrame()
            return off if not off.empty else pd.DataFrame(columns=list(_KPI_NAMES))

        return self.cached("off_track", load)

    def rule_flags(self) -> pd.DataFrame:
        """The mobility regulation's flags over the deck's academic year, seen on its day."""
        return self.cached(
            "rule_flags",
            lambda: mq.rule_flags(self.conn, mq.MobilityFilter(years=(self.year,)), self.today),
        )

    def alerts(self) -> list[oq.Alert]:
        """The overview's alerts as of the deck's year and day. Academic quality is left out:
        its section words its own risks, naming the faculties and programmes."""
        return self.cached(
            "alerts",
            lambda: oq.build_alerts(
                self.latest_rankings(),
                self.accreditation_summary(),
                self.agreement_summary(),
                self.off_track(),
                self.rule_flags(),
            ),
        )


_KPI_NAMES = ("code", "name_ky", "name_ru", "name_en")


@dataclass(frozen=True)
class Risk:
    """One bullet of the risks slide. ``order``: the position of the overview alert it reads
    out (the alerts' order, most urgent first); a section's own risks follow the alerts."""

    severity: int  # 1 = act now, 2 = plan
    text: str
    order: float = math.inf


@dataclass(frozen=True)
class Section:
    """One section of the deck: its slides and the risks it puts on the risks slide."""

    key: str  # as in spec.SECTIONS
    title_key: str  # its agenda line in the catalog
    slides: Callable[[DeckContext], list[SlideSpec]]
    risks: Callable[[DeckContext], list[Risk]]


def alert_risks(
    ctx: DeckContext,
    section: str,
    detail: Callable[[oq.Alert], str] = lambda alert: "",
    params: Callable[[oq.Alert], dict[str, object]] = lambda alert: {},
) -> list[Risk]:
    """The overview's alerts read out by ``section`` (spec.DOMAIN_SECTIONS), as sentences of
    the deck's language: ``params`` gives an alert's figures beyond its count, ``detail`` the
    names behind the count, shown in brackets."""
    risks = []
    for position, alert in enumerate(ctx.alerts()):
        if DOMAIN_SECTIONS.get(alert.domain) != section:
            continue
        text = ctx.t(f"alert.{alert.key}", count=ctx.n(alert.count), **params(alert))
        names = detail(alert)
        risks.append(Risk(alert.severity, f"{text} ({names})" if names else text, position))
    return risks


# ---------------------------------------------------------------------------------------------
# The university's name


def university_name(conn: duckdb.DuckDBPyConnection, home: str, lang: str) -> str:
    """The university's name in ``lang``, as every page shows it (sapat.identity)."""
    return identity.display_name(conn, lang) or home


# A Kyrgyz name of an institution: letters Russian lacks, or a possessive ending
# (университети); as sapat.identity tells the university's own names apart.
_KYRGYZ = re.compile(r"[ңөүҢӨҮ]|(?:университети|институту|академиясы|колледжи)\b")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


def institution_name(name: str, aliases: list[str], lang: str) -> str | None:
    """An institution's name in ``lang`` among its spellings, None if it has none: English is
    its own (Latin) name; Russian and Kyrgyz the longest full Cyrillic alias of the language
    (abbreviations such as КНУ are no name to print)."""
    if lang == "en":
        return None if _CYRILLIC.search(name) else name
    spelled = [a.strip() for a in (name, *aliases) if isinstance(a, str) and a.strip()]
    full = [a for a in spelled if " " in a and _CYRILLIC.search(a)]
    kyrgyz = [a for a in full if _KYRGYZ.search(a)]
    found = kyrgyz if lang == "ky" else [a for a in full if a not in kyrgyz]
    return max(found, key=len) if found else None


def _institution_names(conn: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Each known institution's name in ``lang``, where it has one (a ``name_<lang>``
    column of the institutions table, should it hold one, wins over the aliases)."""
    columns = {
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'institutions'"
        ).fetchall()
    }
    own = f"name_{lang}" if f"name_{lang}" in columns else "NULL"
    rows = conn.execute(f"SELECT name, aliases, {own} FROM institutions").fetchall()
    names = {}
    for name, aliases, named in rows:
        found = named if is_text(named) else institution_name(name, list(aliases or []), lang)
        if found:
            names[name] = found
    return names


# ---------------------------------------------------------------------------------------------
# Wording


def sentence(text: str) -> str:
    """Capitalised, ending with a full stop (a question or exclamation mark is kept)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def change(ctx: DeckContext, subject: str, now: int, before: int | None) -> str:
    """'<subject> rose from 273 to 291 (+7%)', fell, held, or had nothing to compare with."""
    if before is None:
        return ctx.t("report.change.none", subject=subject, now=ctx.n(now), previous=ctx.prev)
    if now == before:
        return ctx.t("report.change.flat", subject=subject, now=ctx.n(now), previous=ctx.prev)
    moved = (
        fmt.signed_percent((now - before) / before, ctx.lang)
        if before
        else fmt.signed_number(now - before, ctx.lang)
    )
    key = "report.change.up" if now > before else "report.change.down"
    return ctx.t(key, subject=subject, before=ctx.n(before), now=ctx.n(now), change=moved)


def join(ctx: DeckContext, first: str, second: str) -> str:
    return sentence(ctx.t("report.join", first=first, second=second))


def names(ctx: DeckContext, listed: list[str]) -> str:
    """Up to LISTED names as the language lists them, the rest counted: 'A, B, C and 2 more'."""
    listed = [str(n) for n in listed if isinstance(n, str) and n.strip()]
    shown = listed[:LISTED]
    if len(listed) > LISTED:
        shown.append(ctx.t("report.more", count=ctx.n(len(listed) - LISTED)))
    return fmt.listing(shown, ctx.lang)


def notes(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def slide(
    ctx: DeckContext,
    section: str,
    title: str,
    headline: str,
    lines: str | list[str] | tuple[str, ...],
    figure: go.Figure,
    *,
    datasets: tuple[str, ...],
    years: tuple[object, ...] = (),
    measures: tuple[str, ...] = (),
) -> SlideSpec:
    """A chart slide: the headline made a sentence, the notes one line each; ``datasets``
    it reads, ``years`` it shows (one, or the first and last) and ``measures`` behind its
    KPIs make the notes' source block (``content.build_deck``)."""
    text = lines if isinstance(lines, str) else notes(*lines)
    # Numbers Plotly formats itself (axis ticks, d3 formats) in the deck's locale too.
    figure.update_layout(separators=fmt.plotly_separators(ctx.lang))
    return SlideSpec(
        section=section,
        title=title,
        headline=sentence(headline),
        notes=text,
        figure=figure,
        datasets=tuple(dict.fromkeys(datasets)),
        measures=tuple(dict.fromkeys(measures)),
        years=tuple(dict.fromkeys(str(y) for y in years if y is not None and str(y))),
    )


def empty_slide(ctx: DeckContext, section: str) -> SlideSpec:
    """The one slide of a section without data: says so, with the charts' empty frame."""
    fig = empty_figure(go.Figure(), ctx.lang)
    fig.update_layout(title={"text": ctx.t(f"report.section.{section}")})
    said = ctx.t(f"report.empty.{section}", year=ctx.year)
    return slide(
        ctx,
        section,
        ctx.t(f"report.section.{section}"),
        said,
        (sentence(said), ctx.t("report.empty.notes")),
        fig,
        datasets=SECTION_DATASETS[section],
        years=(ctx.year,),
    )


# What each section reads, for its no-data slide's source block (the datasets it looked in).
SECTION_DATASETS: dict[str, tuple[str, ...]] = {
    "rankings": ("ranking_results", "ranking_indicator_scores", "institutions"),
    "mobility": ("mobility",),
    "agreements": ("agreements",),
    "accreditation": ("programs", "licenses", "accreditations", "action_items"),
    "quality": ("exam_results", "staff_composition", "graduates", "survey_results"),
    "kpis": ("kpi_definitions", "kpi_targets", "kpi_values"),
}


# ---------------------------------------------------------------------------------------------
# Typesetting

# A hyphen-minus standing for a minus: at the start, or after a space, bracket or sign, and
# before a digit; never inside "2024-2025", "1201-1400" or a code such as "AGR-2023-01".
_ASCII_MINUS = re.compile(r"(^|[\s(\[{:;,/=→~≈<>])-(?=\d)", re.MULTILINE)
# A minus (from any source) not yet joined to its number.
_LOOSE_MINUS = re.compile("\u2212(?!\u2060)(?=\\d)")
MINUS = "\u2212\u2060"  # the minus sign, and a word joiner: no line break after it


def typeset(text: str) -> str:
    """``text`` as the deck prints it: every minus the true sign (U+2212), never split from
    its number at the end of a line. Babel writes a hyphen-minus in all three locales."""
    if not text:
        return text
    return _LOOSE_MINUS.sub(MINUS, _ASCII_MINUS.sub(lambda m: m.group(1) + MINUS, text))


def country(name: object, lang: str) -> str:
    """A country in ``lang`` (babel's territory names), as the pages name it."""
    return country_name(name, lang) if isinstance(name, str) else ""


def program_name(row: Any, lang: str) -> str:
    """A programme's name in ``lang`` (another language's if missing); the university for
    institutional items."""
    code = row.get("program_code")
    if not isinstance(code, str):
        return translate("accreditation.institution", lang)
    return localized(row, "name", lang) or code
