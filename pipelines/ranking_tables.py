"""Importing a published ranking table (QS, THE, ARWU, CWUR, ...) as downloaded, quirks and all."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.ingest import MODES
from pipelines.loader import BatchInfo, LoadResult, load
from pipelines.parsing import clean, is_blank, parse_series
from pipelines.problems import Notice, Problem
from pipelines.ranking_layouts import (
    Edition,
    Layout,
    RankingNotice,
    RankingProblem,
    detect_layout,
)
from pipelines.ranking_match import (
    AliasProposal,
    InstitutionMatcher,
    Refusal,
    add_aliases,
    parse_accept,
    resolve_names,
    review,
)
from pipelines.ranking_names import Names, read_names
from pipelines.ranking_ranks import (
    RankFindings,
    infer_ties,
    objects,
    open_last_bands,
    overall_scores,
    parse_problems,
    read_ranks,
    resolve_zero_ties,
)
from pipelines.ranking_rows import (
    INDICATORS,
    RESULTS,
    Built,
    dedupe,
    indicator_rows,
    validation_problems,
)
from pipelines.readers import RawSheet, read_table
from sapat.i18n import has, translate

MAX_NOTICE_ITEMS = 12
# Cyrillic letters inside a Latin word: what a Windows-1252 file read as cp1251 looks like.
_MIXED = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
_CYRILLIC_WORD = re.compile(r"\b[\u0400-\u04ff]{3,}\b")

__all__ = ["InstitutionMatcher", "RankingImport", "import_ranking_table", "read_ranking_file"]


@dataclass
class RankingImport:
    """What happened to one ranking table: two batches, problems with file rows, notices."""

    ranking: str
    file_name: str
    mode: str
    family: str | None = None
    years: tuple[int, ...] = ()
    edition: Edition | None = None
    rows_in: int = 0
    indicators_in: int = 0
    rows_valid: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    proposals: dict[str, AliasProposal] = field(default_factory=dict)  # by published name
    refusals: list[Refusal] = field(default_factory=list)
    aliases_added: dict[str, str] = field(default_factory=dict)  # published → known name
    findings: RankFindings = field(default_factory=RankFindings)
    guarded: frozenset[str] = frozenset()  # the home university's and peers' names
    results: LoadResult | None = None
    indicators: LoadResult | None = None
    # For the Data page's preview: the rows that will load (indexed by file row), and the
    # rows as written.
    good: pd.DataFrame | None = field(default=None, repr=False)
    good_indicators: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def loaded(self) -> bool:
        return self.results is not None and self.results.status == "committed"

    @property
    def bad_rows(self) -> int:
        return self.rows_in - self.rows_valid


def read_ranking_file(file_name: str, data: bytes) -> RawSheet:
    """The file's grid; a CSV in Windows-1252 (QS's workbooks saved as CSV) read as such.

    Sapat reads a CSV that is not UTF-8 as Windows Cyrillic, right for the university's
    own files; published tables are Western European. When the Cyrillic reading puts
    Cyrillic letters inside Latin words (Universit\u0439 for Université), or has no Cyrillic
    word at all, the file is Windows-1252.
    """
    notice = None
    if not data.startswith((b"PK", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            cyrillic = data.decode("cp1251", errors="replace")
            mixed = len(_MIXED.findall(cyrillic))
            if mixed >= len(_CYRILLIC_WORD.findall(cyrillic)):
                data = b"\xef\xbb\xbf" + data.decode("cp1252", errors="replace").encode("utf-8")
                notice = RankingNotice("western_encoding", {})
    raw = read_table(file_name, data)
    if notice is not None:
        raw.notices.append(notice)
    return raw


def _editions(
    body: pd.DataFrame, layout: Layout, year: int | None, report: RankingImport, sheet: str | None
) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Each row's year: its year column (only ``year``'s rows, if given), or the edition."""
    if "year" not in layout.roles:
        return body, pd.Series(layout.edition.year, index=body.index, dtype="Int64"), []
    pos = layout.roles["year"]
    years, errors = parse_series(body[pos], "year")
    if year is not None:
        keep = years.eq(year).fillna(True).astype(bool)  # an unreadable year is reported
        if skipped := int((~keep).sum()):
            report.notices.append(Notice("other_years_skipped", {"count": skipped, "year": year}))
        body, years, errors = body[keep], years[keep], errors[keep]
    return body, years, parse_problems(errors, body, pos, layout.headers[pos], "year", sheet)


def _text(body: pd.DataFrame, pos: int | None) -> pd.Series:
    if pos is None:
        return pd.Series(None, index=body.index, dtype=object)
    codes, uniques = pd.factorize(body[pos])
    return pd.Series(
        pd.array([clean(u) for u in objects(uniques)] + [None], dtype=object).take(codes),
        index=body.index,
    )


def _build(
    raw: RawSheet,
    layout: Layout,
    report: RankingImport,
    matcher: InstitutionMatcher,
    year: int | None,
    accept: dict[str, str],
) -> Built | None:
    """Typed rows of both tables and every problem reading found; None without data rows."""
    sheet, roles, headers = raw.sheet, layout.roles, layout.headers
    body = raw.grid.loc[layout.header_row + 1 :, list(headers)]
    body = body[~body.apply(is_blank).all(axis=1)]
    # A shifted row is one problem of its own and is read no further: its values sit under
    # the wrong headers (its "year" may be a name).
    shifted = [row for row in body.index if row in raw.shifted]
    problems = [
        RankingProblem(
            "shifted_row",
            row,
            None,
            None,
            sheet,
            {"row": row, "fields": raw.shifted[row][0], "header": raw.shifted[row][1]},
        )
        for row in shifted
    ]
    raw_rows = body.rename(columns=headers)
    raw_rows = raw_rows.loc[:, ~raw_rows.columns.duplicated()]
    body, years, year_problems = _editions(body.drop(index=shifted), layout, year, report, sheet)
    problems += year_problems
    report.years = tuple(sorted(int(y) for y in years.dropna().unique()))
    report.rows_in = len(body) + len(shifted)
    if body.empty:
        code = "year_not_in_file" if year is not None and "year" in roles else "no_rows"
        report.problems += [*problems, Problem(code, sheet=sheet, params={"year": year})]
        return None

    names = read_names(body, roles, layout.system is not None and layout.system.slash_spellings)
    institution, report.proposals, conflict = resolve_names(
        names.name, names.country, names.spellings, names.city, matcher
    )
    report.refusals += review(report.proposals, accept, matcher, set(names.name.dropna()))
    for proposal in report.proposals.values():
        if proposal.accepted:
            institution[proposal.rows] = proposal.known
            report.aliases_added[proposal.published] = proposal.known
    name_header = headers.get(roles.get("institution"), "institution")
    problems += [
        RankingProblem(
            "known_elsewhere",
            int(row),
            name_header,
            names.name[row],
            sheet,
            {"country": names.country[row]},
        )
        for row in conflict.index[conflict.to_numpy()]
    ]
    _name_notices(report, names)

    findings = report.findings
    parts, zero, rank_problems = read_ranks(body, roles["rank"], roles.get("tie"), headers, sheet)
    problems += rank_problems
    score_pos = roles.get("overall_score")
    unresolved = {}
    if zero.any():  # rank 0 (THE Impact's ties): groups of equal score, read from the rows
        unresolved = resolve_zero_ties(parts, zero, years, _text(body, score_pos), findings)
    rank_header = headers[roles["rank"]]
    problems += [
        RankingProblem(
            "zero_rank",
            row,
            rank_header,
            "0",
            sheet,
            {
                "above": above if above is not None else "—",
                "below": below if below is not None else "—",
                "column": "rank_display",
            },
        )
        for row, (above, below) in unresolved.items()
    ]
    open_last_bands(parts, years, findings)
    infer_ties(parts, years, findings)
    if score_pos is not None:
        scores, errors, ranges = overall_scores(body[score_pos])
        problems += parse_problems(
            errors, body, score_pos, headers[score_pos], "overall_score", sheet
        )
        if ranges.any():
            example = clean(body.loc[ranges, score_pos].iloc[0])
            report.notices.append(
                Notice("score_ranges", {"count": int(ranges.sum()), "example": example})
            )
    else:
        scores = pd.Series(None, index=body.index, dtype="Float64")
    results = pd.DataFrame(
        {
            "ranking": pd.Series(report.ranking, index=body.index, dtype="str"),
            "year": years.astype("Int64"),
            "institution": institution,
            "country": names.country,
            **{c: parts[c] for c in parts.columns},
            "overall_score": scores,
            "source": pd.Series(report.file_name, index=body.index, dtype="str"),
        }
    )[[c.name for c in RESULTS.columns]]
    indicators = indicator_rows(body, layout, results, problems, sheet)
    return Built(results, indicators, problems, raw_rows)


def _name_notices(report: RankingImport, names: Names) -> None:
    """What splitting the name and country cells changed, counted for the report."""
    for code, count in (
        ("names_split", names.split_cells),
        ("countries_unglued", names.fused),
        ("native_spellings", names.native),
        ("country_codes", names.codes),
    ):
        if count:
            report.notices.append(RankingNotice(code, {"count": count}))


def import_ranking_table(
    conn: duckdb.DuckDBPyConnection | None,
    file_name: str,
    data: bytes,
    *,
    ranking: str,
    year: int | None = None,
    mode: str = "valid_rows",
    user: str = "cli",
    lang: str = "en",
    accept: dict[str, str] | list[str] | None = None,
    check_only: bool = False,
    raw: RawSheet | None = None,
) -> RankingImport:
    """Import one published ranking table into ranking_results and ranking_indicator_scores.

    ``accept`` holds the reviewed alias proposals, published name → known institution (or
    "FILE NAME=KNOWN NAME" texts): only those become aliases; every other look-alike loads
    under its own name. Raises FileRejected when the file itself is unsafe or unreadable.
    A row with any problem is held back whole (its result and its indicator scores) and
    kept in rejected_rows. ``raw``: the file already read by read_ranking_file (the Data
    page reads it once to propose the system, then previews it).
    """
    assert mode in MODES, mode
    refusals: list[Refusal] = []
    if isinstance(accept, list):
        accept, refusals = parse_accept(accept)
    if raw is None:
        raw = read_ranking_file(file_name, data)
    report = RankingImport(ranking, file_name, mode, notices=list(raw.notices), refusals=refusals)
    layout, problems = detect_layout(raw, ranking, year, file_name)
    built = None
    if layout is None:
        report.problems = problems
        report.rows_in = max(0, int(raw.grid.notna().any(axis=1).sum()) - 1)
    else:
        report.family, report.edition = layout.family, layout.edition
        matcher = InstitutionMatcher.from_db(conn)
        report.guarded = frozenset(k.name for k in matcher.known if k.guarded)
        first = len(report.notices)
        built = _build(raw, layout, report, matcher, year, accept or {})
        if built is not None:
            report.problems += built.problems + validation_problems(built, layout, raw.sheet)
            report.notices[first:first] = _layout_notices(layout, report, lang)
    report.problems = dedupe(report.problems)
    report.problems += [
        RankingProblem(
            f"alias_{r.reason}",
            params={"published": r.published, "known": r.known, "owner": r.owner or ""},
        )
        for r in report.refusals
    ]
    bad = {p.row for p in report.problems if p.row is not None}
    good = good_ind = None
    if built is not None:
        good = built.results.loc[~built.results.index.isin(bad)]
        keep = ~built.indicators["_row"].isin(bad)
        good_ind = built.indicators.loc[keep, [c.name for c in INDICATORS.columns]]
        report.indicators_in = len(built.indicators)
    report.rows_valid = 0 if good is None else len(good)
    report.good, report.good_indicators = good, good_ind
    if check_only or conn is None:
        return report
    commit = (
        good is not None
        and len(good) > 0
        and (mode == "valid_rows" or not report.problems)
        and not report.refusals  # an alias asked for and refused: nothing is loaded
    )
    if commit and report.aliases_added:
        late = add_aliases(conn, report.aliases_added, user)
        report.refusals += late
        report.aliases_added = {
            k: v for k, v in report.aliases_added.items() if k not in {r.published for r in late}
        }
        if report.aliases_added:
            spellings = "; ".join(f"{a} → {b}" for a, b in report.aliases_added.items())
            report.notices.append(Notice("aliases_added", {"spellings": spellings}))
    sha = hashlib.sha256(data).hexdigest()
    status = "committed" if commit else "rejected"
    raw_rows = None if built is None else built.raw
    report.results = load(
        conn,
        BatchInfo(RESULTS.name, file_name, sha, user, mode),
        good if commit else pd.DataFrame(),
        rows_in=report.rows_in,
        rejected=report.problems,
        raw_rows=raw_rows,
        status=status,
        lang=lang,
    )
    if layout is not None and layout.indicators and built is not None:
        rows_with_indicators = set(built.indicators["_row"])
        report.indicators = load(
            conn,
            BatchInfo(INDICATORS.name, file_name, sha, user, mode),
            good_ind if commit else pd.DataFrame(),
            rows_in=report.indicators_in,
            rejected=[p for p in report.problems if p.row in rows_with_indicators],
            raw_rows=raw_rows,
            status=status,
            lang=lang,
        )
    return report


def _indicator_label(code: str, lang: str) -> str:
    for key in (f"indicator.{code}", f"rankings_import.indicator_{code}"):
        if has(key, lang):
            return translate(key, lang)
    return code


def _edition_notice(layout: Layout, report: RankingImport) -> Notice:
    """Which edition the rows are, and where that was read: the report names the source."""
    edition, years = layout.edition, report.years
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return RankingNotice(
        f"edition_{edition.source}",
        {"year": edition.year or span, "years": span, "source": edition.detail},
    )


def _layout_notices(layout: Layout, report: RankingImport, lang: str) -> list[Notice]:
    used = set(layout.roles.values()) | {
        p for pair in layout.indicators.values() for p in pair if p is not None
    }
    years = report.years
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    notices = [
        Notice(
            "ranking_read",
            {
                "family": layout.family or report.ranking,
                "years": span,
                "rows": report.rows_in,
                "indicators": ", ".join(_indicator_label(c, lang) for c in layout.indicators)
                or "—",
            },
        ),
        _edition_notice(layout, report),
    ]
    if layout.rank_candidates:
        others = ", ".join(layout.headers[p] for p in layout.rank_candidates)
        chosen = layout.headers[layout.roles["rank"]]
        notices.append(RankingNotice("rank_column_chosen", {"chosen": chosen, "others": others}))
    if "tie" in layout.roles:
        notices.append(RankingNotice("tie_column", {"column": layout.headers[layout.roles["tie"]]}))
    found = report.findings
    if found.zero_ties:
        notices.append(
            RankingNotice("zero_ties", {"count": found.zero_ties, "example": found.zero_example})
        )
    if found.open_bands:
        notices.append(
            RankingNotice("open_bands", {"count": found.open_bands, "example": found.open_example})
        )
    if found.inferred_ties:
        notices.append(
            RankingNotice(
                "ties_inferred",
                {
                    "rows": found.inferred_ties,
                    "groups": found.inferred_groups,
                    "example": found.inferred_example,
                },
            )
        )
    ignored = [h for p, h in layout.headers.items() if p not in used]
    if ignored:
        shown = ", ".join(ignored[:MAX_NOTICE_ITEMS]) + (
            " …" if len(ignored) > MAX_NOTICE_ITEMS else ""
        )
        notices.append(Notice("ignored_columns", {"columns": shown}))
    return notices
