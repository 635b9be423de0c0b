"""What the Academic Council deck says: slides built from the pages' own queries and charts."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import duckdb
import pandas as pd
import plotly.graph_objects as go

from sapat import db
from sapat.charts import accreditation as acc_charts
from sapat.charts import agreements as agr_charts
from sapat.charts import kpis as kpi_charts
from sapat.charts import mobility as mob_charts
from sapat.charts import quality as quality_charts
from sapat.charts import rankings as rank_charts
from sapat.charts import staff as staff_charts
from sapat.charts import surveys as survey_charts
from sapat.charts.common import empty as empty_figure
from sapat.display import rank_delta
from sapat.i18n import LANGUAGES, code_label, translate
from sapat.queries import accreditation as acq
from sapat.queries import agreements as agq
from sapat.queries import kpis as kq
from sapat.queries import mobility as mq
from sapat.queries import overview as oq
from sapat.queries import quality as qq
from sapat.queries import rankings as rq
from sapat.queries import staff as sq
from sapat.queries import surveys as svq
from sapat.report import formats as fmt
from sapat.report.spec import SECTIONS, DeckSpec, SlideSpec
from sapat.settings import degree_threshold

__all__ = [
    "SECTIONS",
    "agreements_signed",
    "available_years",
    "build_deck",
    "faculty_kpi_codes",
    "kpi_year",
    "university_name",
]

MAX_SLIDES = 4  # per section
LISTED = 3  # names spelled out in a risk bullet; the rest are counted
NOTES_ROWS = 12  # rows of a table read out in the notes
PEERS = 4  # regional peers beside the university on the peers slide
DORMANT_YEARS = 2  # as on the overview and the agreements page
# Which section each overview alert (queries.overview.build_alerts) belongs to.
ALERT_SECTIONS = {
    "ranking_drop": "rankings",
    "expired": "accreditation",
    "expiring_90": "accreditation",
    "expiring_180": "accreditation",
    "overdue_actions": "accreditation",
    "kpis_off_track": "kpis",
    "expulsion_risk": "mobility",
    "dormant_agreements": "agreements",
    "agreements_expiring": "agreements",
}
_ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
# A slide shows about a dozen rows of the agreement-use heatmap legibly.
HEATMAP_ROWS = 12
NBSP = "\xa0"  # keeps a number and its unit on one line


# ---------------------------------------------------------------------------------------------
# Public API


def available_years(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Academic years the warehouse holds data for, newest first.

    A year counts when it has mobility, exam results or graduates, or university KPI values
    or a ranking edition of the university for its second calendar year (the KPI year of
    2024-2025 is 2025, see ``kpi_year``; an edition published in 2025 is the latest one of
    2024-2025).
    """
    rows = conn.execute(
        f"""
        WITH {kq.effective_sql(conn)}
        SELECT DISTINCT academic_year FROM mobility WHERE status <> 'withdrawn'
        UNION
        SELECT DISTINCT academic_year FROM exam_results
        UNION
        SELECT DISTINCT academic_year FROM graduates
        UNION
        SELECT DISTINCT CAST(year - 1 AS VARCHAR) || '-' || CAST(year AS VARCHAR)
        FROM kpi_eff WHERE unit_scope = 'university'
        UNION
        SELECT DISTINCT CAST(r.year - 1 AS VARCHAR) || '-' || CAST(r.year AS VARCHAR)
        FROM ranking_results r JOIN institutions i ON i.name = r.institution AND i.is_home
        """
    ).fetchall()
    years = {r[0] for r in rows if isinstance(r[0], str) and _is_academic_year(r[0])}
    return sorted(years, reverse=True)


def kpi_year(
    conn: duckdb.DuckDBPyConnection, academic_year: str, years: list[int] | None = None
) -> int | None:
    """The KPI (calendar) year reported for an academic year, or None without KPI data.

    KPI values of year Y describe academic year Y-1/Y (the demo's exchange counts and the
    ranking editions say so: QS Asia 2026 is the qs_asia_rank KPI of 2026). Among the KPI
    years up to that one, the KPIs page's rule picks: the latest year in which most KPIs
    are measured, else the latest year with any KPI. ``years``: ``kq.years`` if known.
    """
    end = _end_year(academic_year)
    years = [y for y in (kq.years(conn) if years is None else years) if y <= end]
    for year in years:
        counts = kq.status_counts(conn, year)
        if counts["no_value"] * 2 < sum(counts.values()):
            return year
    return years[0] if years else None


def build_deck(
    conn: duckdb.DuckDBPyConnection,
    academic_year: str,
    lang: str,
    sections: tuple[str, ...] = SECTIONS,
    today: dt.date | None = None,
) -> DeckSpec:
    """The Council deck of ``academic_year`` in ``lang`` for the chosen ``sections``.

    Every section gives 2–4 chart slides, or one slide saying it has no data; comparisons
    are with the previous academic year. Expiries, dormancy and overdue actions are seen
    on ``today`` (default: the current date), which is also the deck's date line.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    chosen = tuple(s for s in SECTIONS if s in sections)
    if not chosen:
        raise ValueError(f"choose at least one section of {SECTIONS}")
    ctx = _Context.make(conn, academic_year, lang, today or dt.date.today())
    # Sections are built two at a time: DuckDB runs one section's queries (the GIL released)
    # while Python draws another's charts. Each thread reads through its own cursor.
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(lambda section: _section(ctx, section), chosen))
    slides: list[SlideSpec] = []
    leads: dict[str, list[str]] = {}
    for section, made in zip(chosen, built, strict=True):
        slides.extend(made)
        leads[section] = [s.headline for s in made]
    risks = _risks(ctx, chosen)
    return DeckSpec(
        lang=lang,
        academic_year=academic_year,
        university=ctx.university,
        title=ctx.t("report.deck_title"),
        subtitle=ctx.t("report.subtitle", year=academic_year, university=ctx.university),
        date_line=ctx.t("report.date_line", date=fmt.date(ctx.today, lang)),
        agenda_title=ctx.t("report.agenda_title"),
        agenda=(
            *(ctx.t(f"report.section.{s}") for s in chosen),
            ctx.t("report.risks.title"),
            ctx.t("report.summary.title"),
        ),
        slides=tuple(slides),
        risks=risks,
        summary=_summary(ctx, chosen, leads, risks),
        sections=chosen,
    )


def _section(ctx: _Context, section: str) -> list[SlideSpec]:
    """One section's slides (at most MAX_SLIDES), or its no-data slide, on a cursor of its own."""
    cursor = ctx.conn.cursor()
    try:
        local = replace(ctx, conn=cursor)
        return (BUILDERS[section](local) or [_empty_slide(local, section)])[:MAX_SLIDES]
    finally:
        cursor.close()


# ---------------------------------------------------------------------------------------------
# Context and wording helpers


@dataclass
class _Context:
    conn: duckdb.DuckDBPyConnection
    year: str  # the academic year, e.g. 2025-2026
    prev: str  # the one before
    end: int  # its second calendar year: rankings and KPIs are read up to it
    lang: str
    today: dt.date
    home: str | None
    university: str
    _cache: dict

    @classmethod
    def make(cls, conn, year: str, lang: str, today: dt.date) -> _Context:
        home = rq.home_institution(conn)
        university = (
            university_name(conn, home, lang)
            if home
            else translate("report.university_unknown", lang)
        )
        prev = mq.previous_academic_year(year)  # ValueError for anything else
        return cls(conn, year, prev, _end_year(year), lang, today, home, university, {})

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def n(self, value: object, decimals: int = 0) -> str:
        return fmt.number(value, self.lang, decimals)

    def pct(self, fraction: object, decimals: int = 0) -> str:
        return fmt.percent(fraction, self.lang, decimals)

    def cached(self, name: str, make: Callable[[], object]):
        """One query result shared by the section slides and the risks slide."""
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]


# Kyrgyz names of institutions: its own letters, or a possessive ending (университети).
_KYRGYZ_NAME = re.compile(r"[ңөүҢӨҮ]|(?:университети|институту|академиясы|колледжи)\b")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


def university_name(conn: duckdb.DuckDBPyConnection, home: str, lang: str) -> str:
    """The home university's full name in ``lang``, from its recorded aliases.

    The register names institutions in English and keeps other spellings as aliases
    (``Ошский государственный университет``, ``Ош мамлекеттик университети``, ``ОшМУ``). A
    Kyrgyz or Russian deck takes the full Cyrillic alias of its language (Kyrgyz ones are
    told by their letters or possessive ending); without one, the English name stays.
    """
    if lang == "en":
        return home
    row = db.first(conn.execute("SELECT aliases FROM institutions WHERE name = ?", [home]))
    aliases = [a for a in (row[0] if row and row[0] else []) if isinstance(a, str)]
    full = [a for a in aliases if " " in a.strip() and _CYRILLIC.search(a)]
    kyrgyz = [a for a in full if _KYRGYZ_NAME.search(a)]
    russian = [a for a in full if a not in kyrgyz]
    found = kyrgyz if lang == "ky" else russian
    return max(found, key=len) if found else home


def _is_academic_year(text: str) -> bool:
    m = _ACADEMIC_YEAR.match(text)
    return bool(m) and int(m[2]) == int(m[1]) + 1


def _end_year(academic_year: str) -> int:
    m = _ACADEMIC_YEAR.match(academic_year or "")
    if not m:
        raise ValueError(f"not an academic year: {academic_year!r}")
    return int(m[2])


def _year_start(day: object) -> int | None:
    """The first calendar year of the academic year holding ``day`` (it starts 1 September)."""
    if day is None or day != day:
        return None
    return agq.academic_year_start(pd.Timestamp(day).date())


def _sentence(text: str) -> str:
    """Capitalised, ending with a full stop (a question or exclamation mark is kept)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _finite(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except TypeError:
        return False


def _change(ctx: _Context, subject: str, now: int, before: int | None) -> str:
    """'<subject> rose from 273 to 291 (+7%)', fell, held, or had nothing to compare with."""
    if before is None:
        return ctx.t("report.change.none", subject=subject, now=ctx.n(now), previous=ctx.prev)
    if now == before:
        return ctx.t("report.change.flat", subject=subject, now=ctx.n(now), previous=ctx.prev)
    change = (
        fmt.signed_percent((now - before) / before, ctx.lang)
        if before
        else fmt.signed_number(now - before, ctx.lang)
    )
    key = "report.change.up" if now > before else "report.change.down"
    return ctx.t(key, subject=subject, before=ctx.n(before), now=ctx.n(now), change=change)


def _join(ctx: _Context, first: str, second: str) -> str:
    return _sentence(ctx.t("report.join", first=first, second=second))


def _names(ctx: _Context, names: list[str]) -> str:
    """Up to LISTED names as the language lists them, the rest counted: 'A, B, C and 2 more'."""
    names = [str(n) for n in names if isinstance(n, str) and n.strip()]
    shown = names[:LISTED]
    if len(names) > LISTED:
        shown.append(ctx.t("report.more", count=ctx.n(len(names) - LISTED)))
    return fmt.listing(shown, ctx.lang)


def _notes(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _slide(ctx: _Context, section: str, title: str, headline: str, notes, figure) -> SlideSpec:
    lines = notes if isinstance(notes, str) else _notes(*notes)
    # Numbers Plotly formats itself (axis ticks, d3 formats) in the deck's locale too.
    figure.update_layout(separators=fmt.plotly_separators(ctx.lang))
    return SlideSpec(
        section=section, title=title, headline=_sentence(headline), notes=lines, figure=figure
    )


def _empty_slide(ctx: _Context, section: str) -> SlideSpec:
    """The one slide of a section without data: says so, with the charts' empty frame."""
    fig = empty_figure(go.Figure(), ctx.lang)
    fig.update_layout(title={"text": ctx.t(f"report.section.{section}")})
    return _slide(
        ctx,
        section,
        ctx.t(f"report.section.{section}"),
        ctx.t(f"report.empty.{section}", year=ctx.year),
        (_sentence(ctx.t(f"report.empty.{section}", year=ctx.year)), ctx.t("report.empty.notes")),
        fig,
    )


def _country(name: object, lang: str) -> str:
    return mob_charts.country_label(str(name), lang) if isinstance(name, str) else ""


def _program_name(row, lang: str) -> str:
    """A programme's name in ``lang`` (another language's if missing); the university for
    institutional items."""
    code = row.get("program_code")
    if not isinstance(code, str):
        return translate("accreditation.institution", lang)
    for column in (f"name_{lang}", "name_en", "name_ru", "name_ky"):
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value
    return code


def _kpi_value(ctx: _Context, value: object, unit: str | None) -> str:
    """A KPI value in the deck's locale, with its unit (percent KPIs are stored as 0–100)."""
    if not _finite(value):
        return fmt.DASH
    value = float(value)
    if unit == "percent":
        return ctx.pct(value / 100, 1)
    if unit in ("count", "rank"):
        return ctx.n(value)
    if unit in ("ratio", "score"):
        return ctx.n(value, 2)
    if unit == "som":
        return translate("kpis.amount_som", ctx.lang, amount=ctx.n(value))
    if unit == "usd":
        return fmt.money(value, "USD", ctx.lang)
    return ctx.n(value, 0 if value == int(value) else 2)


# ---------------------------------------------------------------------------------------------
# Rankings


def _ranking_label(code: str, lang: str) -> str:
    return code_label(code, lang)


def _ranking_histories(ctx: _Context) -> list[tuple[str, pd.DataFrame]]:
    """Each ranking of the university with its editions up to the year's end: the freshest
    latest edition first, then the longest history (the order of ``rankings_with_data``)."""

    def load():
        if not ctx.home:
            return []
        systems = rq.rankings_with_data(ctx.conn)
        out = []
        for code, has_home in zip(systems["ranking"], systems["has_home"], strict=True):
            if not has_home:
                continue
            hist = rq.history(ctx.conn, code, (ctx.home,))
            hist = hist[hist["year"] <= ctx.end].sort_values("year").reset_index(drop=True)
            if not hist.empty:
                out.append((code, hist))
        return sorted(out, key=lambda item: -int(item[1]["year"].max()))  # stable

    return ctx.cached("rankings", load)


def _current_editions(ctx: _Context) -> pd.DataFrame:
    """The latest edition up to the year of each ranking, as build_alerts reads them."""
    rows = []
    for code, hist in _ranking_histories(ctx):
        last = hist.iloc[-1]
        prev_year = int(hist.iloc[-2]["year"]) if len(hist) > 1 else None
        prev = last["prev_display"] if isinstance(last["prev_display"], str) else None
        rows.append(
            {
                "ranking": code,
                "year": int(last["year"]),
                "rank_display": str(last["rank_display"]),
                "prev_display": prev,
                "prev_year": prev_year,
                "movement": last["movement"] if isinstance(last["movement"], str) else "new",
                "ranked": bool(hist["rank_low"].notna().any()),
            }
        )
    columns = ["ranking", "year", "rank_display", "prev_display", "prev_year", "movement"]
    return pd.DataFrame(rows, columns=[*columns, "ranked"])


def _rank_sentence(ctx: _Context, row) -> str:
    params = {
        "ranking": _ranking_label(row.ranking, ctx.lang),
        "edition": row.year,
        "rank": row.rank_display,
        "previous": row.prev_display,
        "prev_edition": int(row.prev_year) if _finite(row.prev_year) else None,
    }
    if not isinstance(row.prev_display, str) or params["prev_edition"] is None:
        return ctx.t("report.rankings.lead_new", **params)
    if row.movement in ("up", "down", "same"):
        return ctx.t(f"report.rankings.lead_{row.movement}", **params)
    return ctx.t("report.rankings.lead_other", **params)


def _edition_notes(ctx: _Context, label: str, hist: pd.DataFrame) -> list[str]:
    lines = [ctx.t("report.notes.editions", ranking=label)]
    for row in hist.itertuples():
        line = f"{row.year}: {row.rank_display}"
        if _finite(row.overall_score):
            line += " · " + ctx.t("report.notes.overall", score=ctx.n(row.overall_score, 1))
        lines.append(line)
    return lines


def _rankings(ctx: _Context) -> list[SlideSpec]:
    histories = _ranking_histories(ctx)
    current = _current_editions(ctx)
    ranked = [(code, hist) for code, hist in histories if hist["rank_low"].notna().any()]
    if not ranked:
        return []
    # The position in the two rankings with the freshest editions, the lead one's indicators,
    # the lead one beside regional peers. Every other ranking is read out in the notes.
    slides = [
        _ranking_position(ctx, code, hist, current, overview=i == 0)
        for i, (code, hist) in enumerate(ranked[:2])
    ]
    lead = ranked[0][0]
    indicators = _rankings_indicators(ctx, [code for code, _ in ranked])
    if indicators:
        slides.append(indicators)
    peers = _rankings_peers(ctx, lead, next(current[current["ranking"] == lead].itertuples()))
    if peers:
        slides.append(peers)
    return slides


def _ranking_position(
    ctx: _Context, code: str, hist: pd.DataFrame, current: pd.DataFrame, overview: bool
) -> SlideSpec:
    """The university's position in one ranking over its editions up to the year."""
    row = next(current[current["ranking"] == code].itertuples())
    label = _ranking_label(code, ctx.lang)
    notes = _edition_notes(ctx, label, hist)
    if overview:
        notes.append(ctx.t("report.notes.rankings_all", year=ctx.end))
        for other in current.itertuples():
            previous = other.prev_display if _is_text(other.prev_display) else None
            delta = rank_delta(other.movement, previous, ctx.lang).text
            notes.append(
                f"{_ranking_label(other.ranking, ctx.lang)} {other.year}: "
                f"{other.rank_display} ({delta})"
            )
    notes.append(translate("ui.bands_note", ctx.lang))
    return _slide(
        ctx,
        "rankings",
        ctx.t("report.rankings.lead_title", ranking=label),
        _rank_sentence(ctx, row),
        notes,
        rank_charts.rank_history(hist, ctx.lang, ctx.home),
    )


def _rankings_indicators(ctx: _Context, codes: list[str]) -> SlideSpec | None:
    """Indicator scores of the first ranking (in the lead's order) that publishes them."""
    for code in codes:
        years = [y for y in rq.indicator_years(ctx.conn, code, ctx.home) if y <= ctx.end]
        if not years:
            continue
        edition = years[0]
        parts = rq.breakdown(ctx.conn, code, edition, ctx.home)
        scored = parts.dropna(subset=["score"])
        if scored.empty:
            continue
        break
    else:
        return None
    label = _ranking_label(code, ctx.lang)

    def name(indicator: str) -> str:
        return rank_charts.indicator_label(indicator, ctx.lang)

    params = {"ranking": label, "edition": edition}
    compared = scored.dropna(subset=["change"])
    gains = compared[compared["change"] > 0].sort_values("change", ascending=False)
    falls = compared[compared["change"] < 0].sort_values("change")
    if not gains.empty:
        params |= {
            "up_name": name(gains.iloc[0]["indicator"]),
            "up_change": fmt.signed_number(gains.iloc[0]["change"], ctx.lang, 1),
        }
    if not falls.empty:
        params |= {
            "down_name": name(falls.iloc[0]["indicator"]),
            "down_change": fmt.signed_number(falls.iloc[0]["change"], ctx.lang, 1),
        }
    if not gains.empty and not falls.empty:
        headline = ctx.t("report.rankings.indicators_both", **params)
    elif not gains.empty:
        headline = ctx.t("report.rankings.indicators_up", **params)
    elif not falls.empty:
        headline = ctx.t("report.rankings.indicators_down", **params)
    else:
        best = scored.sort_values("score", ascending=False)
        headline = ctx.t(
            "report.rankings.indicators_none",
            **params,
            high_name=name(best.iloc[0]["indicator"]),
            high_score=ctx.n(best.iloc[0]["score"], 1),
            low_name=name(best.iloc[-1]["indicator"]),
            low_score=ctx.n(best.iloc[-1]["score"], 1),
        )
    notes = [ctx.t("report.notes.indicators", ranking=label, edition=edition)]
    for row in scored.itertuples():
        notes.append(
            ctx.t(
                "report.notes.indicator",
                indicator=name(row.indicator),
                score=ctx.n(row.score, 1),
                previous=ctx.n(row.prev_score, 1),
                weight=ctx.pct(row.weight / 100) if _finite(row.weight) else fmt.DASH,
            )
        )
    return _slide(
        ctx,
        "rankings",
        ctx.t("report.rankings.indicators_title", ranking=label, edition=edition),
        headline,
        notes,
        rank_charts.indicator_scores(scored, ctx.lang),
    )


def _rankings_peers(ctx: _Context, code: str, lead_row) -> SlideSpec | None:
    """The university beside the regional peers nearest to it in the lead ranking's edition."""
    edition = int(lead_row.year)
    table = rq.edition(ctx.conn, code, edition).dropna(subset=["rank_low"])
    mine = table[table["institution"] == ctx.home]
    if mine.empty:
        return None
    home_low = float(mine.iloc[0]["rank_low"])
    candidates = rq.peer_candidates(ctx.conn, code)
    suggested = set(candidates[candidates["suggested"] & ~candidates["is_home"]]["institution"])
    peers = table[table["institution"].isin(suggested)].assign(
        distance=lambda d: (d["rank_low"].astype(float) - home_low).abs()
    )
    peers = peers.sort_values(["distance", "institution"]).head(PEERS)
    if peers.empty:
        return None
    chosen = (ctx.home, *peers["institution"])
    frame = rq.history(ctx.conn, code, chosen)
    frame = frame[frame["year"] <= ctx.end]
    shown = table[table["institution"].isin(chosen)]
    place = int((shown["rank_low"].astype(float) < home_low).sum()) + 1
    label = _ranking_label(code, ctx.lang)
    notes = [ctx.t("report.notes.peers", ranking=label, edition=edition)]
    for row in shown.itertuples():
        notes.append(f"{row.institution}: {row.rank_display}")
    return _slide(
        ctx,
        "rankings",
        ctx.t("report.rankings.peers_title", ranking=label),
        ctx.t(
            "report.rankings.peers_headline",
            ranking=label,
            edition=edition,
            place=place,
            count=ctx.n(len(shown)),
        ),
        notes,
        rank_charts.rank_history(frame, ctx.lang, ctx.home),
    )


# ---------------------------------------------------------------------------------------------
# Mobility


def _mobility_counts(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("mobility_by_year", lambda: oq.mobility_by_year(ctx.conn))


def _direction_counts(ctx: _Context, direction: str) -> tuple[int, int | None]:
    """This year's and last year's participants in one direction (None: no data last year)."""
    frame = _mobility_counts(ctx)
    counts = frame.set_index(["academic_year", "direction"])["participants"]
    now = int(counts.get((ctx.year, direction), 0))
    if ctx.prev not in set(frame["academic_year"]):
        return now, None
    return now, int(counts.get((ctx.prev, direction), 0))


def _mobility(ctx: _Context) -> list[SlideSpec]:
    frame = _mobility_counts(ctx)
    if ctx.year not in set(frame["academic_year"]):
        return []
    years = tuple(sorted(y for y in frame["academic_year"].unique() if y <= ctx.year))
    this_year = mq.MobilityFilter(years=(ctx.year,))
    slides = [_mobility_trend(ctx, years)]
    slides.append(_mobility_map(ctx, this_year))
    slides.append(_mobility_programs(ctx, this_year))
    credits = _mobility_credits(ctx, this_year)
    if credits:
        slides.append(credits)
    return [s for s in slides if s]


def _mobility_trend(ctx: _Context, years: tuple[str, ...]) -> SlideSpec:
    out_now, out_before = _direction_counts(ctx, "outgoing")
    in_now, in_before = _direction_counts(ctx, "incoming")
    headline = _join(
        ctx,
        _change(ctx, ctx.t("report.subject.outgoing"), out_now, out_before),
        _change(ctx, ctx.t("report.subject.incoming"), in_now, in_before),
    )
    # queries.mobility.trend() of these years: the overview's counts, already fetched.
    trend = _mobility_counts(ctx)
    trend = trend[trend["academic_year"].isin(years)]
    notes = [ctx.t("report.notes.trend")]
    counts = trend.set_index(["academic_year", "direction"])["participants"]
    for year in years:
        notes.append(
            ctx.t(
                "report.notes.trend_year",
                year=year,
                outgoing=ctx.n(counts.get((year, "outgoing"), 0)),
                incoming=ctx.n(counts.get((year, "incoming"), 0)),
            )
        )
    head = mq.headline(ctx.conn, mq.MobilityFilter(), ctx.year)
    notes.append(ctx.t("report.notes.measures", year=ctx.year, previous=ctx.prev))
    for row in head.itertuples():
        notes.append(
            f"{translate(f'mobility.measure.{row.measure}', ctx.lang)}: {ctx.n(row.value)}"
            f" ({ctx.prev}: {ctx.n(row.previous) if _finite(row.previous) else fmt.DASH})"
        )
    return _slide(
        ctx,
        "mobility",
        ctx.t("report.mobility.trend_title"),
        headline,
        notes,
        mob_charts.trend_chart(trend, ctx.lang),
    )


def _mobility_map(ctx: _Context, flt: mq.MobilityFilter) -> SlideSpec | None:
    countries = mq.by_country(ctx.conn, flt)
    if countries.empty:
        return None
    top = countries.iloc[0]
    notes = [ctx.t("report.notes.countries", year=ctx.year)]
    for row in countries.head(NOTES_ROWS).itertuples():
        notes.append(
            ctx.t(
                "report.notes.country",
                country=_country(row.partner_country, ctx.lang),
                total=ctx.n(row.participants),
                outgoing=ctx.n(row.outgoing),
                incoming=ctx.n(row.incoming),
            )
        )
    return _slide(
        ctx,
        "mobility",
        ctx.t("report.mobility.map_title", year=ctx.year),
        ctx.t(
            "report.mobility.map_headline",
            year=ctx.year,
            countries=ctx.n(len(countries)),
            country=_country(top["partner_country"], ctx.lang),
            count=ctx.n(top["participants"]),
        ),
        notes,
        mob_charts.country_map(countries, ctx.lang),
    )


def _mobility_programs(ctx: _Context, flt: mq.MobilityFilter) -> SlideSpec | None:
    frame = mq.by_dimension(ctx.conn, flt, "program")
    if frame.empty:
        return None
    total = int(frame["participants"].sum())
    named = frame[frame["value"].notna()]
    top = (named if not named.empty else frame).iloc[0]
    notes = [ctx.t("report.notes.programs", year=ctx.year, total=ctx.n(total))]
    for row in frame.itertuples():
        label = mob_charts.value_label(row.value, ctx.lang, "program")
        notes.append(f"{label}: {ctx.n(row.participants)} ({ctx.pct(row.participants / total)})")
    return _slide(
        ctx,
        "mobility",
        ctx.t("report.mobility.programs_title", year=ctx.year),
        ctx.t(
            "report.mobility.programs_headline",
            year=ctx.year,
            program=mob_charts.value_label(top["value"], ctx.lang, "program"),
            count=ctx.n(top["participants"]),
            total=ctx.n(total),
            share=ctx.pct(top["participants"] / total),
        ),
        notes,
        mob_charts.dimension_bar(frame, ctx.lang, "program"),
    )


def _mobility_credits(ctx: _Context, flt: mq.MobilityFilter) -> SlideSpec | None:
    frame = mq.credit_recognition(ctx.conn, flt, "faculty")
    frame = frame[frame["rate"].notna()] if not frame.empty else frame
    if frame.empty:
        return None
    earned = float(frame["credits_earned"].sum())
    recognized = float(frame["credits_recognized"].sum())
    lowest = frame.sort_values(["rate", "group"]).iloc[0]
    if recognized >= earned:
        headline = ctx.t("report.mobility.credits_all", year=ctx.year, earned=ctx.n(earned))
    else:
        headline = ctx.t(
            "report.mobility.credits_headline",
            year=ctx.year,
            earned=ctx.n(earned),
            recognized=ctx.n(recognized),
            share=ctx.pct(recognized / earned),
            group=lowest["group"],
            rate=ctx.pct(lowest["rate"]),
        )
    notes = [translate("ui.mobility_credits_note", ctx.lang)]
    for row in frame.itertuples():
        notes.append(
            ctx.t(
                "report.notes.credits",
                group=row.group,
                recognized=ctx.n(row.credits_recognized),
                earned=ctx.n(row.credits_earned),
                rate=ctx.pct(row.rate),
            )
        )
    return _slide(
        ctx,
        "mobility",
        ctx.t("report.mobility.credits_title", year=ctx.year),
        headline,
        notes,
        mob_charts.recognition_bar(frame, ctx.lang),
    )


# ---------------------------------------------------------------------------------------------
# Agreements


def _agreement_countries(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("agr_countries", lambda: agq.by_country(ctx.conn, ctx.today))


def _agreement_summary(ctx: _Context) -> dict[str, int]:
    """``queries.agreements.summary``'s counts, from the lists the slides fetch anyway.

    summary() would run dormant() and expiring() a second time, the slowest queries here;
    by_country() counts every agreement and those in force by the same rule as summary().
    """
    countries = _agreement_countries(ctx)
    return {
        "total": int(countries["agreements"].sum()),
        "active": int(countries["active"].sum()),
        "expiring": len(_expiring_agreements(ctx)),
        "dormant": len(_dormant(ctx)),
    }


def _dormant(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("dormant", lambda: agq.dormant(ctx.conn, ctx.today, DORMANT_YEARS))


def _expiring_agreements(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("agr_expiring", lambda: agq.expiring(ctx.conn, ctx.today))


def _agreements(ctx: _Context) -> list[SlideSpec]:
    if _agreement_countries(ctx).empty:  # no agreement at all
        return []
    slides = [
        _agreements_map(ctx),
        _agreements_types(ctx),
        _agreements_use(ctx),
        _agreements_expiring(ctx),
    ]
    return [s for s in slides if s]


def _agreements_map(ctx: _Context) -> SlideSpec:
    summary = _agreement_summary(ctx)
    countries = _agreement_countries(ctx)
    in_force = countries[countries["active"] > 0]
    notes = [ctx.t("report.notes.agreement_countries", date=fmt.date(ctx.today, ctx.lang))]
    for row in countries.head(NOTES_ROWS).itertuples():
        notes.append(
            ctx.t(
                "report.notes.agreement_country",
                country=_country(row.partner_country, ctx.lang),
                agreements=ctx.n(row.agreements),
                active=ctx.n(row.active),
            )
        )
    return _slide(
        ctx,
        "agreements",
        ctx.t("report.agreements.map_title"),
        ctx.t(
            "report.agreements.map_headline",
            active=ctx.n(summary["active"]),
            total=ctx.n(summary["total"]),
            countries=ctx.n(len(in_force)),
        ),
        notes,
        agr_charts.partners_map(countries, ctx.lang),
    )


def agreements_signed(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every agreement's partner and signing date (NULL when unknown), for counts per year.

    ``queries.agreements.register`` has these too, but matches every known spelling of the
    partner for its search, which a count of signatures does not need.
    """
    return conn.execute(
        "SELECT agreement_id, partner_institution, signed_date FROM agreements"
    ).df()


def _agreements_types(ctx: _Context) -> SlideSpec:
    types = agq.by_type_status(ctx.conn)
    register = agreements_signed(ctx.conn)
    signed_in = register["signed_date"].map(_year_start)
    start = _end_year(ctx.year) - 1
    now = int((signed_in == start).sum())
    before = int((signed_in == start - 1).sum())
    totals = types.groupby("agreement_type")["agreements"].sum().sort_values(ascending=False)
    headline = _join(
        ctx,
        _change(ctx, ctx.t("report.subject.signed"), now, before),
        ctx.t(
            "report.agreements.top_type",
            type=code_label(totals.index[0], ctx.lang),
            count=ctx.n(totals.iloc[0]),
            total=ctx.n(totals.sum()),
        ),
    )
    active = types[types["status"] == "active"].groupby("agreement_type")["agreements"].sum()
    notes = [ctx.t("report.notes.types")]
    for kind, count in totals.items():
        notes.append(f"{code_label(kind, ctx.lang)}: {ctx.n(count)} ({ctx.n(active.get(kind, 0))})")
    signed = register[signed_in == start]
    if not signed.empty:
        notes.append(
            ctx.t(
                "report.notes.signed",
                year=ctx.year,
                partners=fmt.listing(
                    sorted(set(signed["partner_institution"].astype(str))), ctx.lang
                ),
            )
        )
    return _slide(
        ctx,
        "agreements",
        ctx.t("report.agreements.types_title"),
        headline,
        notes,
        agr_charts.type_status_bar(types, ctx.lang),
    )


def _agreements_use(ctx: _Context) -> SlideSpec | None:
    use = agq.utilisation(ctx.conn)
    use = use[use["academic_year"] <= ctx.year]
    if use.empty:
        return None
    per_year = use.groupby("academic_year")["agreement_id"].nunique()
    now = int(per_year.get(ctx.year, 0))
    before = (
        int(per_year.get(ctx.prev, 0))
        if ctx.prev in set(_mobility_counts(ctx)["academic_year"])
        else None
    )
    dormant = _dormant(ctx)
    headline = _join(
        ctx,
        _change(ctx, ctx.t("report.subject.used"), now, before),
        ctx.t("report.agreements.dormant_tail", count=ctx.n(len(dormant)), years=DORMANT_YEARS),
    )
    this_year = (
        use[use["academic_year"] == ctx.year]
        .sort_values(["mobilities", "agreement_id"], ascending=[False, True])
        .head(NOTES_ROWS)
    )
    notes = [ctx.t("report.notes.use", year=ctx.year)]
    for row in this_year.itertuples():
        notes.append(f"{row.partner_institution} ({row.agreement_id}): {ctx.n(row.mobilities)}")
    if not dormant.empty:
        notes.append(
            ctx.t(
                "report.notes.dormant",
                years=DORMANT_YEARS,
                partners=_names(ctx, list(dormant["partner_institution"])),
            )
        )
    return _slide(
        ctx,
        "agreements",
        ctx.t("report.agreements.use_title"),
        headline,
        notes,
        agr_charts.utilisation_heatmap(use, ctx.lang, top=HEATMAP_ROWS),
    )


def _agreements_expiring(ctx: _Context) -> SlideSpec | None:
    soon = _expiring_agreements(ctx)
    if soon.empty:
        return None
    first = soon.iloc[0]
    notes = []
    for row in soon.itertuples():
        notes.append(
            ctx.t(
                "report.notes.expiring",
                partner=row.partner_institution,
                id=row.agreement_id,
                date=fmt.date(row.valid_until, ctx.lang),
                days=ctx.n(row.days_left),
            )
        )
    return _slide(
        ctx,
        "agreements",
        ctx.t("report.agreements.expiring_title"),
        ctx.t(
            "report.agreements.expiring_headline",
            count=ctx.n(len(soon)),
            partner=first["partner_institution"],
            date=fmt.date(first["valid_until"], ctx.lang),
        ),
        notes,
        agr_charts.expiry_timeline(soon, ctx.lang),
    )


# ---------------------------------------------------------------------------------------------
# Accreditation and licensing


def _coverage(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("coverage", lambda: acq.coverage(ctx.conn, ctx.today))


def _action_items(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("actions", lambda: acq.action_items(ctx.conn, ctx.today))


def _accreditation_summary(ctx: _Context) -> dict[str, int]:
    """``queries.accreditation.summary``'s counts, from the lists the slides fetch anyway.

    The same rules from the same queries (summary() runs coverage() and watch_list() again):
    the overall coverage row, the watch list's expiry classes (within_180 includes
    within_90), the overdue corrective actions.
    """
    overall = _coverage(ctx).query("group_type == 'overall'").iloc[0]
    expiry = _watch(ctx)["expiry"]
    return {
        "programs": int(overall["programs"]),
        "accredited": int(overall["accredited"]),
        "licensed": int(overall["licensed"]),
        "within_90": int((expiry == "within_90").sum()),
        "within_180": int(expiry.isin(["within_90", "within_180"]).sum()),
        "expired": int((expiry == "expired").sum()),
        "overdue_actions": int(_action_items(ctx)["overdue"].sum()),
    }


def _watch(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("watch", lambda: acq.watch_list(ctx.conn, ctx.today))


def _accreditation(ctx: _Context) -> list[SlideSpec]:
    if not _accreditation_summary(ctx)["programs"]:
        return []
    slides = [
        _accreditation_coverage(ctx),
        _accreditation_watch(ctx),
        _accreditation_agencies(ctx),
        _accreditation_actions(ctx),
    ]
    return [s for s in slides if s]


def _accreditation_coverage(ctx: _Context) -> SlideSpec:
    cov = _coverage(ctx)
    overall = cov[cov["group_type"] == "overall"].iloc[0]
    faculties = cov[(cov["group_type"] == "faculty") & (cov["programs"] > 0)]
    lowest = faculties.sort_values(["accredited_share", "group_value"]).iloc[0]
    headline = ctx.t(
        "report.accreditation.coverage_headline",
        accredited=ctx.n(overall["accredited"]),
        programs=ctx.n(overall["programs"]),
        share=ctx.pct(overall["accredited_share"]),
        licensed=ctx.n(overall["licensed"]),
        licensed_share=ctx.pct(overall["licensed_share"]),
        faculty=lowest["group_value"],
        faculty_share=ctx.pct(lowest["accredited_share"]),
    )
    year_ago = ctx.today - dt.timedelta(days=365)
    before = acq.coverage(ctx.conn, year_ago).query("group_type == 'overall'").iloc[0]
    notes = [ctx.t("report.notes.coverage_date", date=fmt.date(ctx.today, ctx.lang))]
    for row in faculties.itertuples():
        notes.append(
            ctx.t(
                "report.notes.coverage",
                group=row.group_value,
                accredited=ctx.n(row.accredited),
                programs=ctx.n(row.programs),
                share=ctx.pct(row.accredited_share),
                licensed=ctx.n(row.licensed),
                licensed_share=ctx.pct(row.licensed_share),
            )
        )
    notes.append(
        ctx.t(
            "report.notes.coverage_before",
            date=fmt.date(year_ago, ctx.lang),
            accredited=ctx.n(before["accredited"]),
            programs=ctx.n(before["programs"]),
            share=ctx.pct(before["accredited_share"]),
        )
    )
    return _slide(
        ctx,
        "accreditation",
        ctx.t("report.accreditation.coverage_title"),
        headline,
        notes,
        acc_charts.coverage_bars(cov, ctx.lang, "faculty"),
    )


def _accreditation_watch(ctx: _Context) -> SlideSpec | None:
    watch = _watch(ctx)
    if watch.empty:
        return None
    # The items on the watch list only: their validity running out against the today line.
    timeline = acq.timeline(ctx.conn, ctx.today)
    watched = set(zip(watch["item_kind"], watch["item_id"], strict=True))
    keep = [
        (kind, item) in watched
        for kind, item in zip(timeline["item_kind"], timeline["item_id"], strict=True)
    ]
    summary = _accreditation_summary(ctx)
    notes = []
    for _, row in watch.iterrows():
        notes.append(
            ctx.t(
                "report.notes.watch",
                kind=acc_charts.item_kind_label(row["item_kind"], ctx.lang),
                id=row["item_id"],
                program=_program_name(row, ctx.lang),
                status=ctx.t(f"report.expiry.{row['expiry']}"),
                date=fmt.date(row["valid_until"], ctx.lang),
            )
        )
    return _slide(
        ctx,
        "accreditation",
        ctx.t("report.accreditation.watch_title"),
        ctx.t(
            "report.accreditation.watch_headline",
            expired=ctx.n(summary["expired"]),
            within_90=ctx.n(summary["within_90"]),
            later=ctx.n(summary["within_180"] - summary["within_90"]),
        ),
        notes,
        acc_charts.validity_gantt(timeline[keep], ctx.lang, ctx.today),
    )


def _accreditation_agencies(ctx: _Context) -> SlideSpec | None:
    agencies = acq.by_agency(ctx.conn)
    if agencies.empty:
        return None
    granted = agencies[agencies["status"].isin(["accredited", "conditional"])]
    notes = []
    for (agency, kind), part in agencies.groupby(["agency", "kind"], sort=False):
        statuses = ", ".join(
            f"{code_label(s, ctx.lang)} — {ctx.n(n)}"
            for s, n in zip(part["status"], part["accreditations"], strict=True)
        )
        notes.append(f"{agency} ({code_label(kind, ctx.lang)}): {statuses}")
    return _slide(
        ctx,
        "accreditation",
        ctx.t("report.accreditation.agency_title"),
        ctx.t(
            "report.accreditation.agency_headline",
            granted=ctx.n(granted["accreditations"].sum()),
            agencies=ctx.n(granted["agency"].nunique()),
            international=ctx.n(
                granted.loc[granted["kind"] == "international", "accreditations"].sum()
            ),
        ),
        notes,
        acc_charts.agency_bars(agencies, ctx.lang),
    )


def _accreditation_actions(ctx: _Context) -> SlideSpec | None:
    summary = acq.action_summary(ctx.conn, ctx.today)
    if summary.empty:
        return None
    by_status = summary.set_index("status")
    open_items = int(by_status["items"].reindex(list(acq.OPEN_ACTION)).fillna(0).sum())
    notes = []
    for row in summary.itertuples():
        notes.append(
            ctx.t(
                "report.notes.actions",
                status=code_label(row.status, ctx.lang),
                items=ctx.n(row.items),
                overdue=ctx.n(row.overdue),
            )
        )
    items = _action_items(ctx)
    overdue = items[items["overdue"]]
    if not overdue.empty:
        worst = overdue.sort_values("days_overdue", ascending=False).iloc[0]
        notes.append(
            ctx.t(
                "report.notes.longest_overdue",
                id=worst["item_id"],
                days=ctx.n(worst["days_overdue"]),
                date=fmt.date(worst["due_date"], ctx.lang),
            )
        )
    return _slide(
        ctx,
        "accreditation",
        ctx.t("report.accreditation.actions_title"),
        ctx.t(
            "report.accreditation.actions_headline",
            overdue=ctx.n(int(summary["overdue"].sum())),
            open=ctx.n(open_items),
            done=ctx.n(int(by_status["items"].get("done", 0))),
        ),
        notes,
        acc_charts.actions_bar(summary, ctx.lang),
    )


# ---------------------------------------------------------------------------------------------
# Academic quality and teaching staff


def _rate(ctx: _Context, value: object) -> str:
    """A rate stored as 0–100 (pass rates, employment) as the locale writes a percentage."""
    return ctx.pct(float(value) / 100, 1) if _finite(value) else fmt.DASH


def _pp(ctx: _Context, value: str) -> str:
    """``value`` in percentage points ('+0.4 pp', '+0,4 п. п.'), never broken across lines."""
    return ctx.t("report.points", value=value).replace(" ", NBSP)


def _points(ctx: _Context, value: object) -> str:
    """A change in percentage points, signed, to one decimal: '+0.4 pp'."""
    return _pp(ctx, fmt.signed_number(value, ctx.lang, 1))


def _drop_points(ctx: _Context) -> str:
    """The pass-rate fall that flags a programme, as the pages' default: '10 pp'."""
    points = qq.DEFAULT_DROP_POINTS
    return _pp(ctx, ctx.n(points, 0 if float(points).is_integer() else 1))


def _pass_rates(ctx: _Context) -> pd.DataFrame:
    """The university's regular and retake pass rates per academic year, up to the deck's."""

    def load():
        frame = qq.pass_rates(ctx.conn, "university")
        return frame[frame["academic_year"] <= ctx.year].reset_index(drop=True)

    return ctx.cached("pass_rates", load)


def _faculty_rates(ctx: _Context) -> pd.DataFrame:
    """Each faculty's regular and retake pass rates in the deck's academic year."""

    def load():
        frame = qq.pass_rates(ctx.conn, "faculty")
        return frame[frame["academic_year"] == ctx.year].reset_index(drop=True)

    return ctx.cached("faculty_rates", load)


def _pass_drops(ctx: _Context) -> pd.DataFrame:
    """Programmes whose regular-session pass rate fell by more than the page's default."""
    return ctx.cached(
        "pass_drops", lambda: qq.pass_rate_drops(ctx.conn, qq.DEFAULT_DROP_POINTS, ctx.year)
    )


def _degree_threshold(ctx: _Context) -> float:
    return ctx.cached("degree_threshold", degree_threshold)


def _staff_trend(ctx: _Context) -> pd.DataFrame:
    return ctx.cached("staff_trend", lambda: sq.composition_by_year(ctx.conn))


def _staff_year(ctx: _Context) -> int | None:
    """The staff (calendar) year of the deck: the year its academic year ends in (2025-2026 →
    2026), as for the KPIs; without figures for it, the latest year before it."""
    years = [int(y) for y in _staff_trend(ctx)["year"] if int(y) <= ctx.end]
    return max(years) if years else None


def _degree_shares(ctx: _Context) -> pd.DataFrame:
    """Each faculty's degree share in the staff year against the licensing threshold."""

    def load():
        year = _staff_year(ctx)
        if year is None:
            return pd.DataFrame(columns=["faculty", "degree_share", "below"])
        return sq.degree_share(ctx.conn, year, _degree_threshold(ctx))

    return ctx.cached("degree_shares", load)


def _below_threshold(ctx: _Context) -> pd.DataFrame:
    shares = _degree_shares(ctx)
    return shares[shares["below"].astype(bool)]


def _faculty_shares(ctx: _Context, frame: pd.DataFrame) -> str:
    """'PED (53.8%)', lowest first, the rest counted."""
    return _names(ctx, [f"{r.faculty} ({ctx.pct(r.degree_share, 1)})" for r in frame.itertuples()])


def _drop_items(ctx: _Context, drops: pd.DataFrame) -> str:
    """'Software Engineering (78.5% → 62.3%, -16.2 pp)', the largest fall first."""
    return _names(
        ctx,
        [
            ctx.t(
                "report.quality.drop_item",
                program=_program_name(row, ctx.lang),
                before=_rate(ctx, row["previous_rate"]),
                now=_rate(ctx, row["pass_rate"]),
                change=_points(ctx, -row["drop"]),
            )
            for _, row in drops.iterrows()
        ],
    )


def _quality(ctx: _Context) -> list[SlideSpec]:
    slides = [
        _quality_rates(ctx),
        _quality_programmes(ctx),
        _quality_staff(ctx),
        _quality_graduates(ctx),
    ]
    return [s for s in slides if s]


def _quality_rates(ctx: _Context) -> SlideSpec | None:
    """The regular-session pass rate beside the retakes' over the years."""
    rates = _pass_rates(ctx)
    by_year = rates.pivot_table(
        index="academic_year", columns="session_type", values="pass_rate", aggfunc="first"
    )
    if "regular" not in by_year or not _finite(by_year["regular"].get(ctx.year)):
        return None
    regular = by_year["regular"].dropna()
    now = regular[ctx.year]
    earlier = regular[regular.index < ctx.year]
    params = {"year": ctx.year, "rate": _rate(ctx, now)}
    if earlier.empty:
        lead = ctx.t("report.quality.regular", **params)
    else:
        lead = ctx.t(
            "report.quality.regular_change",
            **params,
            change=_points(ctx, now - earlier.iloc[-1]),
            previous=earlier.index[-1],
        )
    retake = by_year["retake"].get(ctx.year) if "retake" in by_year else None
    headline = (
        _join(ctx, lead, ctx.t("report.quality.retake", rate=_rate(ctx, retake)))
        if _finite(retake)
        else lead
    )
    notes = [ctx.t("report.notes.pass_rates")]
    sessions = rates[rates["session_type"] == "regular"].set_index("academic_year")
    for year, row in by_year.iterrows():
        notes.append(
            ctx.t(
                "report.notes.pass_rate_year",
                year=year,
                regular=_rate(ctx, row.get("regular")),
                passed=ctx.n(sessions["students_passed"].get(year)),
                sat=ctx.n(sessions["students_total"].get(year)),
                retake=_rate(ctx, row.get("retake")),
            )
        )
    attestation = qq.attestation(ctx.conn)
    attestation = attestation[attestation["academic_year"] == ctx.year]
    if not attestation.empty and attestation["students_total"].sum() > 0:
        sat, passed = attestation["students_total"].sum(), attestation["students_passed"].sum()
        notes.append(
            ctx.t(
                "report.notes.attestation",
                year=ctx.year,
                rate=_rate(ctx, 100 * passed / sat),
                passed=ctx.n(passed),
                sat=ctx.n(sat),
            )
        )
    return _slide(
        ctx,
        "quality",
        ctx.t("report.quality.rates_title"),
        headline,
        notes,
        quality_charts.pass_rate_trend(
            rates, ctx.lang, ctx.t("quality.chart.trend", unit=ctx.university)
        ),
    )


def _quality_programmes(ctx: _Context) -> SlideSpec | None:
    """Programmes whose pass rate fell sharply; without any, the faculties side by side."""
    drops = _pass_drops(ctx)
    return _quality_drops(ctx, drops) if not drops.empty else _quality_faculties(ctx)


def _faculty_rate_notes(ctx: _Context) -> list[str]:
    rates = _faculty_rates(ctx)
    if rates.empty:
        return []
    wide = rates.pivot_table(index="grp", columns="session_type", values="pass_rate")
    wide = wide.sort_values("regular") if "regular" in wide else wide
    notes = [ctx.t("report.notes.faculty_rates", year=ctx.year)]
    for faculty, row in wide.iterrows():
        notes.append(
            ctx.t(
                "report.notes.faculty_rate",
                faculty=faculty,
                regular=_rate(ctx, row.get("regular")),
                retake=_rate(ctx, row.get("retake")),
            )
        )
    return notes


def _quality_drops(ctx: _Context, drops: pd.DataFrame) -> SlideSpec:
    points = _drop_points(ctx)
    notes = [ctx.t("report.notes.drops", points=points)]
    for _, row in drops.iterrows():
        notes.append(
            ctx.t(
                "report.notes.drop",
                program=_program_name(row, ctx.lang),
                code=row["program_code"],
                faculty=row["faculty"] if _is_text(row["faculty"]) else fmt.DASH,
                before=_rate(ctx, row["previous_rate"]),
                prev_year=row["prev_year"],
                now=_rate(ctx, row["pass_rate"]),
                year=row["academic_year"],
                change=_points(ctx, -row["drop"]),
                students=ctx.n(row["students_total"]),
            )
        )
    notes += _faculty_rate_notes(ctx)
    fig = quality_charts.drop_chart(drops, ctx.lang, ctx.t("quality.chart.drops"))
    return _slide(
        ctx,
        "quality",
        ctx.t("report.quality.drops_title", points=points),
        ctx.t(
            "report.quality.drops_headline",
            year=ctx.year,
            points=points,
            programs=_drop_items(ctx, drops),
        ),
        notes,
        fig,
    )


def _quality_faculties(ctx: _Context) -> SlideSpec | None:
    rates = _faculty_rates(ctx)
    regular = rates[rates["session_type"] == "regular"].dropna(subset=["pass_rate"])
    if regular.empty:
        return None
    ordered = regular.sort_values(["pass_rate", "grp"])
    low, high = ordered.iloc[0], ordered.iloc[-1]
    params = {
        "low": low["grp"],
        "low_rate": _rate(ctx, low["pass_rate"]),
        "high": high["grp"],
        "high_rate": _rate(ctx, high["pass_rate"]),
    }
    compared = (_pass_rates(ctx)["academic_year"] < ctx.year).any()
    if compared:
        headline = _join(
            ctx,
            ctx.t("report.quality.no_drops", year=ctx.year, points=_drop_points(ctx)),
            ctx.t("report.quality.faculty_range", **params),
        )
    else:
        headline = ctx.t("report.quality.faculty_range_year", year=ctx.year, **params)
    return _slide(
        ctx,
        "quality",
        ctx.t("report.quality.faculties_title"),
        headline,
        _faculty_rate_notes(ctx),
        quality_charts.pass_rate_bars(
            rates, ctx.lang, "faculty", ctx.t("quality.chart.by_faculty", year=ctx.year)
        ),
    )


def _quality_staff(ctx: _Context) -> SlideSpec | None:
    """The share of teaching staff with a degree by faculty, against the licensing threshold."""
    shares = _degree_shares(ctx)
    if shares.empty:
        return None
    year = _staff_year(ctx)
    threshold = _degree_threshold(ctx)
    trend = _staff_trend(ctx).set_index("year")
    total = trend.loc[year]
    share, before = total["degree_share"], trend["degree_share"].get(year - 1)
    params = {"year": year, "share": ctx.pct(share, 1)}
    if _finite(before):
        lead = ctx.t(
            "report.quality.staff_share_change",
            **params,
            change=_points(ctx, 100 * (share - before)),
            previous=year - 1,
        )
    else:
        lead = ctx.t("report.quality.staff_share", **params)
    below = _below_threshold(ctx)
    limit = ctx.pct(threshold)
    tail = (
        ctx.t("report.quality.staff_below", threshold=limit, faculties=_faculty_shares(ctx, below))
        if not below.empty
        else ctx.t("report.quality.staff_all_meet", threshold=limit)
    )
    notes = [
        ctx.t("report.notes.staff_year", year=year, academic_year=ctx.year),
        ctx.t(
            "report.notes.staff_total",
            with_degree=ctx.n(total["with_degree"]),
            headcount=ctx.n(total["headcount"]),
            doctors=ctx.n(total["doctors_of_science"]),
            candidates=ctx.n(total["candidates_of_science"]),
            phd=ctx.n(total["phd_holders"]),
            professors=ctx.n(total["professors"]),
            associates=ctx.n(total["associate_professors"]),
        ),
    ]
    for row in shares.itertuples():
        status = "below" if row.below else "meets"
        notes.append(
            ctx.t(
                "report.notes.staff_faculty",
                faculty=row.faculty,
                with_degree=ctx.n(row.with_degree),
                headcount=ctx.n(row.headcount),
                share=ctx.pct(row.degree_share, 1),
                previous=ctx.pct(row.previous_share, 1),
                status=ctx.t(f"report.quality.{status}"),
            )
        )
    notes += _rating_notes(ctx)
    fig = staff_charts.degree_share_bars(
        shares, ctx.lang, threshold, ctx.t("staff.chart.degree_share", year=year)
    )
    return _slide(
        ctx, "quality", ctx.t("report.quality.staff_title"), _join(ctx, lead, tail), notes, fig
    )


def _rating_notes(ctx: _Context) -> list[str]:
    """The staff rating of the staff year, as the page's aggregates only (groups of at least
    ``MIN_GROUP`` people): never one person's scores."""
    year = _staff_year(ctx)
    if year is None or year not in sq.rating_years(ctx.conn):
        return []
    summary = sq.rating_summary(ctx.conn, year)
    shown = summary[~summary["hidden"].astype(bool)]
    university = shown[shown["faculty"] == "university"]
    if university.empty:
        return []
    whole = university.iloc[0]
    notes = [
        ctx.t(
            "report.notes.rating",
            year=year,
            count=sq.MIN_GROUP,
            mean=ctx.n(whole["mean_total"], 1),
            people=ctx.n(whole["people"]),
        )
    ]
    for row in shown[shown["faculty"] != "university"].itertuples():
        notes.append(
            ctx.t(
                "report.notes.rating_faculty",
                faculty=row.faculty,
                mean=ctx.n(row.mean_total, 1),
                people=ctx.n(row.people),
            )
        )
    hidden = summary[summary["hidden"].astype(bool)]
    if not hidden.empty:
        notes.append(
            translate(
                "ui.staff_rating_hidden",
                ctx.lang,
                faculties=", ".join(hidden["faculty"]),
                count=sq.MIN_GROUP,
            )
        )
    return notes


def _quality_graduates(ctx: _Context) -> SlideSpec | None:
    """Graduates and their employment within a year; without graduates of the year, the
    satisfaction surveys."""
    grads = ctx.cached("graduates", lambda: qq.graduates_by_year(ctx.conn))
    grads = grads[grads["academic_year"] <= ctx.year]
    counts = grads.set_index("academic_year")["graduates_total"]
    if not _finite(counts.get(ctx.year)):
        return _quality_surveys(ctx)
    before = counts.get(ctx.prev)
    lead = _change(
        ctx,
        ctx.t("report.subject.graduates"),
        int(counts[ctx.year]),
        int(before) if _finite(before) else None,
    )
    known = grads.dropna(subset=["employment_rate"])
    headline = lead
    if not known.empty:
        last = known.iloc[-1]
        params = {"year": last["academic_year"], "rate": _rate(ctx, last["employment_rate"])}
        if len(known) > 1:
            prior = known.iloc[-2]
            tail = ctx.t(
                "report.quality.employment_change",
                **params,
                change=_points(ctx, last["employment_rate"] - prior["employment_rate"]),
                previous=prior["academic_year"],
            )
        else:
            tail = ctx.t("report.quality.employment", **params)
        headline = _join(ctx, lead, tail)
    notes = [ctx.t("report.notes.graduates")]
    for row in grads.itertuples():
        notes.append(
            ctx.t(
                "report.notes.graduates_year",
                year=row.academic_year,
                graduates=ctx.n(row.graduates_total),
                honours=ctx.n(row.with_honours),
                rate=_rate(ctx, row.employment_rate),
            )
        )
    notes.append(translate("ui.quality_employment_note", ctx.lang))
    notes += _survey_notes(ctx)
    fig = quality_charts.graduates_trend(grads, ctx.lang, ctx.t("quality.chart.graduates"))
    return _slide(ctx, "quality", ctx.t("report.quality.graduates_title"), headline, notes, fig)


def _satisfaction(ctx: _Context) -> pd.DataFrame:
    def load():
        frame = svq.satisfaction(ctx.conn)
        return frame[frame["academic_year"] <= ctx.year].reset_index(drop=True)

    return ctx.cached("satisfaction", load)


def _survey_notes(ctx: _Context) -> list[str]:
    sat = _satisfaction(ctx)
    year = sat[sat["academic_year"] == ctx.year]
    if year.empty:
        return []
    notes = [ctx.t("report.notes.surveys", year=ctx.year)]
    for row in year.itertuples():
        notes.append(
            ctx.t(
                "report.notes.survey_group",
                group=code_label(row.respondent_group, ctx.lang),
                score=ctx.n(row.mean_score, 2),
                share=ctx.pct(row.share_satisfied),
            )
        )
    return notes


def _quality_surveys(ctx: _Context) -> SlideSpec | None:
    sat = _satisfaction(ctx)
    year = sat[sat["academic_year"] == ctx.year]
    if year.empty:
        return None
    groups = fmt.listing(
        [
            f"{_lower_first(code_label(r.respondent_group, ctx.lang))} {ctx.n(r.mean_score, 2)}"
            for r in year.itertuples()
        ],
        ctx.lang,
    )
    return _slide(
        ctx,
        "quality",
        ctx.t("report.quality.surveys_title"),
        ctx.t("report.quality.surveys_headline", year=ctx.year, groups=groups),
        _survey_notes(ctx),
        survey_charts.satisfaction_trend(sat, ctx.lang, ctx.t("surveys.chart.trend")),
    )


def _quality_risks(ctx: _Context) -> list[tuple[int, str]]:
    """Faculties below the licensing degree share (act now: the licence depends on it) and
    programmes whose pass rate fell sharply (plan: the faculty has to explain and act)."""
    bullets: list[tuple[int, str]] = []
    below = _below_threshold(ctx)
    if not below.empty:
        text = ctx.t(
            "report.risks.degree_below",
            year=_staff_year(ctx),
            threshold=ctx.pct(_degree_threshold(ctx)),
            faculties=_faculty_shares(ctx, below),
        )
        bullets.append((1, text))
    drops = _pass_drops(ctx)
    if not drops.empty:
        text = ctx.t(
            "report.risks.pass_drops",
            year=ctx.year,
            points=_drop_points(ctx),
            programs=_drop_items(ctx, drops),
        )
        bullets.append((2, text))
    return bullets


# ---------------------------------------------------------------------------------------------
# KPIs


def _kpi_years(ctx: _Context) -> list[int]:
    return ctx.cached("kpi_years", lambda: kq.years(ctx.conn))


def _kpi_year(ctx: _Context) -> int | None:
    return ctx.cached("kpi_year", lambda: kpi_year(ctx.conn, ctx.year, _kpi_years(ctx)))


def _kpi_name(row, lang: str) -> str:
    name = row.get(f"name_{lang}")
    return name if isinstance(name, str) and name.strip() else str(row.get("code"))


def _status_text(status: str, lang: str) -> str:
    return _lower_first(kpi_charts.status_label(status, lang))


def _kpis(ctx: _Context) -> list[SlideSpec]:
    year = _kpi_year(ctx)
    if year is None:
        return []
    card = kq.scorecard(ctx.conn, year)
    if card.empty:
        return []
    slides = [_kpis_status(ctx, year, card)]
    for _, row in _focus_kpis(card).iterrows():
        slides.append(_kpi_history(ctx, year, row))
    faculty = _kpis_faculty(ctx, year, card)
    if faculty:
        slides.append(faculty)
    return slides


def _kpis_status(ctx: _Context, year: int, card: pd.DataFrame) -> SlideSpec:
    # status_counts() of the year, from the scorecard's own statuses (the same rule).
    found = card["status"].value_counts()
    counts = {status: int(found.get(status, 0)) for status in kq.STATUSES}
    measured = counts["on_track"] + counts["at_risk"] + counts["off_track"]
    notes = [ctx.t("report.notes.kpi_year", year=year, academic_year=ctx.year)]
    if year - 1 in _kpi_years(ctx):
        before = kq.status_counts(ctx.conn, year - 1)
        notes.append(
            ctx.t(
                "report.notes.kpi_before",
                year=year - 1,
                on_track=ctx.n(before["on_track"]),
                at_risk=ctx.n(before["at_risk"]),
                off_track=ctx.n(before["off_track"]),
            )
        )
    for _, row in card.iterrows():
        notes.append(
            ctx.t(
                "report.notes.kpi",
                name=_kpi_name(row, ctx.lang),
                value=_kpi_value(ctx, row["value"], row["unit"]),
                target=_kpi_value(ctx, row["target"], row["unit"]),
                status=_status_text(row["status"], ctx.lang),
            )
        )
    return _slide(
        ctx,
        "kpis",
        ctx.t("report.kpis.status_title", year=year),
        ctx.t(
            "report.kpis.status_headline",
            year=year,
            measured=ctx.n(measured),
            on_track=ctx.n(counts["on_track"]),
            at_risk=ctx.n(counts["at_risk"]),
            off_track=ctx.n(counts["off_track"]),
        ),
        notes,
        kpi_charts.status_donut(counts, ctx.lang),
    )


def _gap(row) -> float:
    """How far a KPI is from its target, as a share of the target (positive: behind)."""
    value, target = float(row["value"]), float(row["target"])
    gap = (target - value) if row["direction"] == "higher_is_better" else (value - target)
    return gap / abs(target) if target else gap


def _focus_kpis(card: pd.DataFrame) -> pd.DataFrame:
    """The two KPIs the Council should look at: the furthest off track, then at risk, else the
    first two measured ones."""
    scored = card[card["status"].isin(["off_track", "at_risk", "on_track"])].copy()
    if scored.empty:
        return scored
    scored["_gap"] = [_gap(r) for _, r in scored.iterrows()]
    scored["_rank"] = scored["status"].map({"off_track": 0, "at_risk": 1, "on_track": 2})
    return scored.sort_values(["_rank", "_gap"], ascending=[True, False]).head(2)


def _kpi_history(ctx: _Context, year: int, row: pd.Series) -> SlideSpec:
    name = _kpi_name(row, ctx.lang)
    unit = row["unit"]
    history = kq.history(ctx.conn, row["code"])
    history = history[history["year"] <= year]
    params = {
        "name": name,
        "year": year,
        "value": _kpi_value(ctx, row["value"], unit),
        "target": _kpi_value(ctx, row["target"], unit),
        "status": _status_text(row["status"], ctx.lang),
    }
    if _finite(row["previous_value"]):
        headline = ctx.t(
            "report.kpis.history_headline",
            **params,
            previous=_kpi_value(ctx, row["previous_value"], unit),
            prev_year=year - 1,
        )
    else:
        headline = ctx.t("report.kpis.history_no_previous", **params)
    notes = [kpi_charts.direction_label(row["direction"], ctx.lang)]
    for h in history.itertuples():
        notes.append(
            ctx.t(
                "report.notes.kpi_year_value",
                year=h.year,
                value=_kpi_value(ctx, h.value, unit),
                target=_kpi_value(ctx, h.target, unit),
                status=_status_text(h.status, ctx.lang),
            )
        )
    return _slide(
        ctx,
        "kpis",
        f"{kpi_charts.status_label(row['status'], ctx.lang)}: {name}",
        headline,
        notes,
        kpi_charts.kpi_history(history, ctx.lang, name, unit, row["direction"]),
    )


def faculty_kpi_codes(conn: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """KPIs with a measured value for at least two faculties (unit scopes) in ``year``."""
    # Computed KPIs count too: their faculty values come from the warehouse measure.
    rows = conn.execute(
        f"""
        WITH {kq.effective_sql(conn)}
        SELECT code FROM kpi_eff
        WHERE year = ? AND unit_scope <> 'university' AND isfinite(value)
        GROUP BY code HAVING count(DISTINCT unit_scope) >= 2 ORDER BY code
        """,
        [int(year)],
    ).fetchall()
    return [r[0] for r in rows]


def _kpis_faculty(ctx: _Context, year: int, card: pd.DataFrame) -> SlideSpec | None:
    """The KPI with the most faculties off target, split by faculty."""
    best_pick = None
    split = faculty_kpi_codes(ctx.conn, year)
    for _, row in card[card["code"].isin(split)].iterrows():
        frame = kq.by_faculty(ctx.conn, row["code"], year)
        measured = frame[frame["value"].map(_finite)] if not frame.empty else frame
        if len(measured) < 2:
            continue
        off = int((measured["status"] == "off_track").sum())
        if best_pick is None or off > best_pick[0]:
            best_pick = (off, row, frame, measured)
    if best_pick is None:
        return None
    off, row, frame, measured = best_pick
    unit, name = row["unit"], _kpi_name(row, ctx.lang)
    ascending = row["direction"] == "lower_is_better"
    ordered = measured.sort_values(["value", "unit_scope"], ascending=[ascending, True])
    best, worst = ordered.iloc[0], ordered.iloc[-1]
    notes = [kpi_charts.direction_label(row["direction"], ctx.lang)]
    for f in frame.itertuples():
        notes.append(
            ctx.t(
                "report.notes.kpi",
                name=code_label(f.unit_scope, ctx.lang),
                value=_kpi_value(ctx, f.value, unit),
                target=_kpi_value(ctx, f.target, unit),
                status=_status_text(f.status, ctx.lang),
            )
        )
    return _slide(
        ctx,
        "kpis",
        ctx.t("report.kpis.faculty_title", name=name, year=year),
        ctx.t(
            "report.kpis.faculty_headline",
            name=name,
            year=year,
            best=code_label(best["unit_scope"], ctx.lang),
            best_value=_kpi_value(ctx, best["value"], unit),
            worst=code_label(worst["unit_scope"], ctx.lang),
            worst_value=_kpi_value(ctx, worst["value"], unit),
            off=ctx.n(off),
            count=ctx.n(len(measured)),
        ),
        notes,
        kpi_charts.faculty_bars(frame, ctx.lang, unit, year=year),
    )


BUILDERS: dict[str, Callable[[_Context], list[SlideSpec]]] = {
    "rankings": _rankings,
    "mobility": _mobility,
    "agreements": _agreements,
    "accreditation": _accreditation,
    "quality": _quality,
    "kpis": _kpis,
}
assert tuple(BUILDERS) == SECTIONS


# ---------------------------------------------------------------------------------------------
# Risks and summary


def _risks(ctx: _Context, chosen: tuple[str, ...]) -> SlideSpec:
    """What needs the Council's attention, most urgent first (the overview's alerts)."""
    year = _kpi_year(ctx)
    off = kq.off_track(ctx.conn, year) if year is not None else pd.DataFrame()
    if off.empty:
        off = pd.DataFrame(columns=["code", "name_ky", "name_ru", "name_en"])
    flags = mq.rule_flags(ctx.conn, mq.MobilityFilter(years=(ctx.year,)), ctx.today)
    alerts = oq.build_alerts(
        _current_editions(ctx),
        _accreditation_summary(ctx),
        _agreement_summary(ctx),
        off,
        flags,
    )
    alerts = alerts[alerts["alert"].map(ALERT_SECTIONS).isin(chosen)]
    watch = _watch(ctx) if "accreditation" in chosen else pd.DataFrame()
    bullets: list[tuple[int, str]] = []
    for row in alerts.itertuples():
        params: dict[str, object] = {"count": ctx.n(row.count)}
        if row.alert == "ranking_drop":
            ranking, rank, previous = row.detail.split("|")
            params |= {"ranking": _ranking_label(ranking, ctx.lang), "rank": rank}
            params |= {"previous": previous}
        text = translate(f"alert.{row.alert}", ctx.lang, **params)
        detail = _risk_detail(ctx, row.alert, watch, off)
        bullets.append((row.severity, f"{text} ({detail})" if detail else text))
    if "mobility" in chosen:
        breaches = flags[(flags["count"] > 0) & (flags["flag"] != "credits_failed_over_15")]
        if not breaches.empty:
            items = [
                f"{_lower_first(translate(f'mobility.flag.{r.flag}.title', ctx.lang))}"
                f" — {ctx.n(r.count)}"
                for r in breaches.itertuples()
            ]
            bullets.append(
                (2, ctx.t("report.risks.rule_flags", year=ctx.year, flags="; ".join(items)))
            )
    if "quality" in chosen:
        bullets += _quality_risks(ctx)
    bullets.sort(key=lambda b: b[0])
    act = sum(1 for s, _ in bullets if s == 1)
    plan = len(bullets) - act
    as_of = ctx.t("report.risks.as_of", date=fmt.date(ctx.today, ctx.lang))
    headline = (
        ctx.t("report.risks.headline", act=ctx.n(act), plan=ctx.n(plan))
        if bullets
        else ctx.t("report.risks.none", date=fmt.date(ctx.today, ctx.lang))
    )
    texts = tuple(_sentence(b) for _, b in bullets) or (_sentence(headline),)
    return SlideSpec(
        section="risks",
        title=ctx.t("report.risks.title"),
        headline=_sentence(headline),
        notes=_notes(_sentence(as_of), *texts),
        bullets=texts,
    )


def _risk_detail(ctx: _Context, alert: str, watch: pd.DataFrame, off: pd.DataFrame) -> str:
    """The names behind an alert's count, so the Council sees which ones."""
    if alert in ("expired", "expiring_90", "expiring_180") and not watch.empty:
        classes = {"expired": ["expired"], "expiring_90": ["within_90"]}
        part = watch[watch["expiry"].isin(classes.get(alert, ["within_180"]))]
        return _names(ctx, [_program_name(r, ctx.lang) for _, r in part.iterrows()])
    if alert == "kpis_off_track" and not off.empty:
        return _names(ctx, [_kpi_name(r, ctx.lang) for _, r in off.iterrows()])
    if alert == "dormant_agreements":
        return _names(ctx, list(_dormant(ctx)["partner_institution"]))
    if alert == "agreements_expiring":
        return _names(ctx, list(_expiring_agreements(ctx)["partner_institution"]))
    return ""


def _summary(
    ctx: _Context, chosen: tuple[str, ...], leads: dict[str, list[str]], risks: SlideSpec
) -> SlideSpec:
    """One bullet per section, its first finding; topped up to three with second findings
    and the risks headline when fewer sections are chosen."""
    bullets = [leads[s][0] for s in chosen if leads.get(s)]
    extra = [leads[s][1] for s in chosen if len(leads.get(s, ())) > 1] + [risks.headline]
    for text in extra:
        if len(bullets) >= 3:
            break
        bullets.append(text)
    headline = ctx.t("report.summary.headline", year=ctx.year, university=ctx.university)
    return SlideSpec(
        section="summary",
        title=ctx.t("report.summary.title"),
        headline=_sentence(headline),
        notes=_notes(*bullets, ctx.t("report.date_line", date=fmt.date(ctx.today, ctx.lang))),
        bullets=tuple(bullets),
    )
