"""Importing published ranking tables (QS, THE, ARWU, CWUR) as downloaded, quirks and all."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from pipelines.ingest import MODES
from pipelines.loader import BatchInfo, LoadResult, load
from pipelines.parsing import clean, is_blank, norm_key, parse_series, split_ranks
from pipelines.problems import Notice, Problem
from pipelines.readers import RawSheet, read_table
from pipelines.validate import validate
from sapat import db
from sapat.i18n import has, translate
from schemas.registry import get_dataset

RESULTS = get_dataset("ranking_results")
INDICATORS = get_dataset("ranking_indicator_scores")
HEADER_SCAN_ROWS = 30
MAX_NOTICE_ITEMS = 12

# Header spellings (norm_key) of the columns every ranking table has; the first found wins.
ROLES: dict[str, tuple[str, ...]] = {
    "rank": ("rank", "worldrank", "rankdisplay", "position"),
    "institution": ("institution", "institutionname", "university", "universityname", "name"),
    "country": ("country", "countryterritory", "location"),
    "overall_score": ("overallscore", "scoresoverall", "totalscore", "score", "scorescaled"),
    "year": ("year",),
}
# The warehouse column each role fills (for problem messages).
ROLE_COLUMN = {
    "rank": "rank_display",
    "institution": "institution",
    "country": "country",
    "overall_score": "overall_score",
    "year": "year",
}
# "2024 RANK", "RANK_2025": the rank in a named edition (QS puts last year's beside it).
_EDITION_RANK = re.compile(r"^(?:(\d{4})rank|rank(\d{4}))$")
# An indicator header: optional THE "scores_" prefix, the stem, then which of the pair it is.
_INDICATOR = re.compile(r"^(?:scores)?(.+?)(score|rank)?$")
# THE publishes the overall score of a band as a range: "55.9–58.6".
_SCORE_RANGE = r"^\s*\d+(?:[.,]\d+)?\s*[-–—]\s*\d+(?:[.,]\d+)?\s*$"


def _stems(**codes: str) -> dict[str, str]:
    return {stem: code for code, spellings in codes.items() for stem in spellings.split()}


@dataclass(frozen=True, eq=False)
class Family:
    """One publisher's indicator columns, by header stem (norm_key without score/rank)."""

    name: str
    rankings: tuple[str, ...]
    indicators: dict[str, str]
    # What a column named by its stem alone holds; None: such a column is not an indicator.
    bare: str | None


FAMILIES = (
    # QS's long exports carry counts under indicator names (international_students "3,730"),
    # so only "… score" / "… rank" columns count as QS indicators.
    Family(
        "QS",
        ("qs_wur", "qs_asia", "qs_eeca", "qs_sustainability"),
        _stems(
            academic_reputation="ar academicreputation",
            employer_reputation="er employerreputation",
            faculty_student="fsr facultystudent facultystudentratio",
            citations_per_faculty="cpf citationsperfaculty",
            international_faculty="ifr internationalfaculty internationalfacultyratio",
            international_students="isr internationalstudents internationalstudentratio",
            international_student_diversity="isd internationalstudentdiversity",
            international_research_network="irn internationalresearchnetwork",
            employment_outcomes="eo ger employmentoutcomes",
            sustainability="sus sustainability",
        ),
        bare=None,
    ),
    Family(
        "THE",
        ("the_wur",),
        _stems(
            teaching="teaching",
            research_environment="research researchenvironment",
            research_quality="citations researchquality",
            industry="income industryincome industry industryimpact",
            international_outlook="international internationaloutlook",
        ),
        bare="score",
    ),
    Family(
        "ARWU",
        ("arwu",),
        _stems(alumni="alumni", award="award", hici="hici", ns="ns", pub="pub", pcp="pcp"),
        bare="score",
    ),
    # CWUR publishes each indicator as a rank, not a score.
    Family(
        "CWUR",
        ("cwur",),
        _stems(
            quality_of_education="qualityofeducation",
            alumni_employment="alumniemployment",
            quality_of_faculty="qualityoffaculty",
            publications="publications",
            influence="influence",
            citations="citations",
            broad_impact="broadimpact",
            patents="patents",
        ),
        bare="rank",
    ),
)


def family_of(ranking: str) -> Family | None:
    return next((f for f in FAMILIES if ranking in f.rankings), None)


@dataclass
class RankingImport:
    """What happened to one ranking table: two batches, problems with file rows, notices."""

    ranking: str
    file_name: str
    mode: str
    family: str | None = None
    years: tuple[int, ...] = ()
    rows_in: int = 0
    indicators_in: int = 0
    rows_valid: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    new_spellings: dict[str, str] = field(default_factory=dict)  # published → known name
    aliases_added: dict[str, str] = field(default_factory=dict)
    results: LoadResult | None = None
    indicators: LoadResult | None = None

    @property
    def loaded(self) -> bool:
        return self.results is not None and self.results.status == "committed"

    @property
    def bad_rows(self) -> int:
        return self.rows_in - self.rows_valid


# --- the header ---------------------------------------------------------------------------
@dataclass
class Layout:
    """Where the header is and which file column plays which part."""

    header_row: int
    headers: dict[int, str]  # grid column → header as written
    roles: dict[str, int]  # role → grid column
    indicators: dict[str, list[int | None]]  # indicator code → [score column, rank column]
    family: Family | None
    year: int | None  # the edition when the file has no year column


def _header_keys(values: pd.Series) -> dict[int, str]:
    keys = {pos: norm_key(text) for pos, v in values.items() if (text := clean(v))}
    return {pos: key for pos, key in keys.items() if key}


def _known_header(key: str) -> bool:
    if any(key in spellings for spellings in ROLES.values()) or _EDITION_RANK.match(key):
        return True
    m = _INDICATOR.match(key)
    return any(m[1] in f.indicators for f in FAMILIES)


def detect_layout(
    raw: RawSheet, ranking: str, year: int | None
) -> tuple[Layout | None, list[Problem]]:
    """Find the header row and the columns' parts; None (with problems) when unusable."""
    best_row, best_hits = None, 0
    for row_no, values in raw.grid.head(HEADER_SCAN_ROWS).iterrows():
        hits = sum(_known_header(k) for k in _header_keys(values).values())
        if hits > best_hits:
            best_row, best_hits = row_no, hits
    if best_row is None:
        expected = "Rank, Institution, Country, Overall score, Year"
        return None, [Problem("no_header", sheet=raw.sheet, params={"expected": expected})]
    keys = _header_keys(raw.grid.loc[best_row])
    headers = {pos: clean(raw.grid.at[best_row, pos]) for pos in keys}
    roles: dict[str, int] = {}
    for role, spellings in ROLES.items():
        for spelling in spellings:
            pos = next((p for p, k in keys.items() if k == spelling), None)
            if pos is not None and pos not in roles.values():
                roles[role] = pos
                break
    problems: list[Problem] = []

    def problem(code: str, **params: object) -> None:
        problems.append(Problem(code, row=best_row, sheet=raw.sheet, params=params))

    edition, tagged = None, {}
    if "rank" not in roles:
        tagged = {p: int(m[1] or m[2]) for p, k in keys.items() if (m := _EDITION_RANK.match(k))}
        if tagged:
            wanted = year if year is not None else max(tagged.values())
            pos = next((p for p, y in tagged.items() if y == wanted), None)
            if pos is None:
                found = ", ".join(str(y) for y in sorted(tagged.values()))
                problem("rank_year_mismatch", year=year, found=found)
            else:
                roles["rank"], edition = pos, wanted
    if "institution" not in roles:
        problem("missing_column", column="institution")
    if "rank" not in roles and edition is None and not tagged:
        problem("missing_column", column="rank_display")
    if "year" not in roles and year is None and edition is None:
        problem("year_needed")
    family = family_of(ranking)
    free = {p: k for p, k in keys.items() if p not in roles.values()}
    matches = {
        f: sum(1 for k in free.values() if _INDICATOR.match(k)[1] in f.indicators) for f in FAMILIES
    }
    detected = max(FAMILIES, key=lambda f: matches[f])
    if (
        matches[detected] >= 2
        and detected is not family
        and matches[detected] > matches.get(family, 0)
    ):
        problem("ranking_mismatch", ranking=ranking, detected=detected.name)
    indicators: dict[str, list[int | None]] = {}
    if family is not None:
        for pos, key in free.items():
            m = _INDICATOR.match(key)
            kind = m[2] or family.bare
            code = family.indicators.get(m[1])
            if kind is None or code is None:
                continue
            pair = indicators.setdefault(code, [None, None])
            slot = 0 if kind == "score" else 1
            if pair[slot] is None:
                pair[slot] = pos
    if problems:
        return None, problems
    layout = Layout(best_row, headers, roles, indicators, family, year or edition)
    return layout, []


# --- institutions ---------------------------------------------------------------------------
def name_key(text: str) -> str:
    """norm_key of a name, keeping U+FFFD (a letter lost in a bad download) as a wildcard."""
    return "\ufffd".join(norm_key(part) for part in text.split("\ufffd"))


# Words every other institution's name has; two names alike only in these are not alike.
GENERIC_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads better as words)
        "university universitet universiteti universidad universidade universita universite "
        "universitat universitaet institute institut college academy school of the and for in "
        "at state national technical technological technology named after im imeni de du des "
        "di del la le"
    ).split()
)


def distinctive_key(text: str) -> str:
    """The words of a name that tell it apart: "Monash University" → "monash"."""
    words = re.findall(r"\w+", text.casefold().replace("ё", "е").replace("\ufffd", ""))
    return "".join(w for w in words if w not in GENERIC_WORDS)


_KYRGYZSTAN = {"kyrgyzstan", "kyrgyzrepublic", "kyrgyzia", "кыргызстан", "киргизия"}


def country_key(text: str | None) -> str | None:
    if not text:
        return None
    key = norm_key(text)
    return "kyrgyzstan" if key in _KYRGYZSTAN else key or None


class InstitutionMatcher:
    """Published spellings → canonical institutions.name, through names and aliases.

    A spelling that is no name or alias but very close to one is a possible new spelling,
    never matched silently: one name containing the other (both ≥ 12 characters), or a
    difflib ratio ≥ 0.9 with the differing letters few beside the name's distinctive words
    (a typo in "Kyrgyz Natonal University" is a new spelling, but "Monash University" is
    not "Manas University"). A different published country rules the resemblance out:
    "American University" (Washington) is not the American University of Central Asia.
    """

    RATIO = 0.9
    MIN_CONTAINED = 12

    def __init__(self, rows: list[tuple[str, list[str] | None, str | None]]) -> None:
        self.exact: dict[str, str] = {}
        self.known: list[tuple[str, str, str, str | None]] = []  # key, distinctive, name, country
        for name, aliases, country in rows:
            for spelling in [name, *(aliases or [])]:
                key = name_key(spelling).replace("\ufffd", "")
                if key:
                    self.exact.setdefault(key, name)
                    self.known.append((key, distinctive_key(spelling), name, country_key(country)))

    @classmethod
    def from_db(cls, conn: duckdb.DuckDBPyConnection | None) -> InstitutionMatcher:
        if conn is None:
            return cls([])
        return cls(conn.execute("SELECT name, aliases, country FROM institutions").fetchall())

    def match(self, published: str, country: str | None) -> tuple[str | None, bool]:
        """(canonical name, True) on file; (close known name, False); (None, False) if unknown."""
        key = name_key(published)
        if "\ufffd" in key:
            pattern = re.compile(".?".join(re.escape(p) for p in key.split("\ufffd")))
            hit = next((name for k, name in self.exact.items() if pattern.fullmatch(k)), None)
            if hit is not None:
                return hit, True
            key = key.replace("\ufffd", "")
        elif key in self.exact:
            return self.exact[key], True
        if not key:
            return None, False
        where, distinct = country_key(country), distinctive_key(published)
        for known, known_distinct, name, known_country in self.known:
            if where and known_country and where != known_country:
                continue
            if self._contains(key, known, distinct, known_distinct) or self._typo(
                key, known, known_distinct
            ):
                return name, False
        return None, False

    def _contains(self, key: str, known: str, distinct: str, known_distinct: str) -> bool:
        (short, long), (d_short, d_long) = (
            sorted(pair, key=len) for pair in ((key, known), (distinct, known_distinct))
        )
        return len(short) >= self.MIN_CONTAINED and short in long and d_short in d_long

    def _typo(self, key: str, known: str, known_distinct: str) -> bool:
        total = len(key) + len(known)
        if 2 * min(len(key), len(known)) / total < self.RATIO:
            return False  # too different in length for the ratio to reach the threshold
        ratio = difflib.SequenceMatcher(None, key, known, autojunk=False).ratio()
        differing = round((1 - ratio) * total)
        return ratio >= self.RATIO and differing <= max(1, len(known_distinct) // 5)


def add_aliases(conn: duckdb.DuckDBPyConnection, spellings: dict[str, str], user: str) -> None:
    """Record accepted new spellings as aliases of their institutions."""
    with db.transaction(conn) as tx:
        for published, name in spellings.items():
            tx.execute(
                "UPDATE institutions SET aliases = CASE WHEN list_contains(aliases, $1) "
                "THEN aliases ELSE list_append(coalesce(aliases, []::VARCHAR[]), $1) END "
                "WHERE name = $2",
                [published, name],
            )
            db.audit(tx, user, "alias_added", f"{published} → {name}")


# --- the rows -------------------------------------------------------------------------------
@dataclass
class _Built:
    """Typed results and indicator rows, indexed by file row / by position."""

    results: pd.DataFrame
    indicators: pd.DataFrame  # model columns + _row (file row) + _score/_rank (headers)
    problems: list[Problem]
    raw: pd.DataFrame  # the body as written, keyed by header text


def _parse_problems(
    errors: pd.Series, body: pd.DataFrame, pos: int, header: str, column: str, sheet: str | None
) -> list[Problem]:
    return [
        Problem(code, int(row), header, clean(body.at[row, pos]), sheet, {"column": column})
        for row, code in errors.dropna().items()
    ]


def _editions(
    body: pd.DataFrame, layout: Layout, year: int | None, report: RankingImport, sheet: str | None
) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Each row's year: its year column (only ``year``'s rows, if given), or the edition."""
    if "year" not in layout.roles:
        return body, pd.Series(layout.year, index=body.index, dtype="Int64"), []
    pos = layout.roles["year"]
    years, errors = parse_series(body[pos], "year")
    if year is not None:
        keep = years.eq(year).fillna(True).astype(bool)  # an unreadable year is reported
        if skipped := int((~keep).sum()):
            report.notices.append(Notice("other_years_skipped", {"count": skipped, "year": year}))
        body, years, errors = body[keep], years[keep], errors[keep]
    return body, years, _parse_problems(errors, body, pos, layout.headers[pos], "year", sheet)


def _institutions(
    published: pd.Series,
    country: pd.Series,
    matcher: InstitutionMatcher,
    report: RankingImport,
    accept_aliases: bool,
) -> pd.Series:
    """Canonical names of known institutions, published names of the rest (by distinct pair)."""
    pairs = pd.MultiIndex.from_arrays([published.fillna(""), country.fillna("")])
    codes, uniques = pairs.factorize()
    canonical: list[str | None] = []
    for name, where in uniques:
        found, exact = matcher.match(name, where or None) if name else (None, True)
        if found is not None and not exact:
            report.new_spellings[name] = found
            if accept_aliases:
                report.aliases_added[name] = found
            else:
                found = None  # held back until the spelling is accepted
        canonical.append(found or name or None)
    return pd.Series(pd.array(canonical, dtype="str").take(codes), index=published.index)


def _overall_scores(
    body: pd.DataFrame, layout: Layout, report: RankingImport, sheet: str | None
) -> tuple[pd.Series, list[Problem]]:
    """Overall scores; a published range (a band's spread) is no score, never a midpoint."""
    if "overall_score" not in layout.roles:
        return pd.Series(None, index=body.index, dtype="Float64"), []
    pos = layout.roles["overall_score"]
    raw_score = body[pos]
    is_range = raw_score.str.match(_SCORE_RANGE, na=False).astype(bool)
    if is_range.any():
        example = raw_score[is_range].iloc[0]
        report.notices.append(
            Notice("score_ranges", {"count": int(is_range.sum()), "example": example})
        )
    scores, errors = parse_series(raw_score.where(~is_range), "float")
    return scores, _parse_problems(errors, body, pos, layout.headers[pos], "overall_score", sheet)


def _build(
    raw: RawSheet,
    layout: Layout,
    report: RankingImport,
    matcher: InstitutionMatcher,
    year: int | None,
    accept_aliases: bool,
) -> _Built | None:
    """Typed rows of both tables and every problem parsing found; None without data rows."""
    sheet, roles, headers = raw.sheet, layout.roles, layout.headers
    body = raw.grid.loc[layout.header_row + 1 :, list(headers)]
    body = body[~body.apply(is_blank).all(axis=1)]
    body, years, problems = _editions(body, layout, year, report, sheet)
    report.years = tuple(sorted(int(y) for y in years.dropna().unique()))
    report.rows_in = len(body)
    if body.empty:
        code = "year_not_in_file" if year is not None and "year" in roles else "no_rows"
        report.problems.append(Problem(code, sheet=sheet, params={"year": year}))
        return None

    def text(role: str) -> pd.Series:
        if role not in roles:
            return pd.Series(None, index=body.index, dtype="str")
        codes, uniques = pd.factorize(body[roles[role]])
        cleaned = pd.array([clean(u) for u in uniques] + [None], dtype="str")
        return pd.Series(cleaned.take(codes), index=body.index)

    published, country = text("institution"), text("country")
    institution = _institutions(published, country, matcher, report, accept_aliases)
    if report.new_spellings and not accept_aliases:
        name_header = headers[roles["institution"]]
        problems += [
            Problem(
                "possible_alias",
                int(row),
                name_header,
                name,
                sheet,
                {"published": name, "known": report.new_spellings[name]},
            )
            for row, name in published[published.isin(list(report.new_spellings))].items()
        ]
    ranks, errors = parse_series(body[roles["rank"]], "rank")
    problems += _parse_problems(
        errors, body, roles["rank"], headers[roles["rank"]], "rank_display", sheet
    )
    scores, score_problems = _overall_scores(body, layout, report, sheet)
    problems += score_problems
    results = pd.DataFrame(
        {
            "ranking": pd.Series(report.ranking, index=body.index, dtype="str"),
            "year": years.astype("Int64"),
            "institution": institution,
            "country": country,
            **_rank_parts(ranks),
            "overall_score": scores,
            "source": pd.Series(report.file_name, index=body.index, dtype="str"),
        }
    )[[c.name for c in RESULTS.columns]]
    indicators = _indicator_rows(body, layout, results, problems, sheet)
    raw_rows = body.rename(columns=headers)
    raw_rows = raw_rows.loc[:, ~raw_rows.columns.duplicated()]
    return _Built(results, indicators, problems, raw_rows)


def _rank_parts(ranks: pd.Series) -> pd.DataFrame:
    """split_ranks by distinct rank, spread back by position (a few hundred per column)."""
    codes, uniques = pd.factorize(ranks)
    # Position -1 (no rank) picks the trailing None.
    parts = split_ranks(pd.Series([*uniques, None], dtype=object))
    return pd.DataFrame(
        {col: parts[col].array.take(codes) for col in parts.columns}, index=ranks.index
    )


def _indicator_rows(
    body: pd.DataFrame,
    layout: Layout,
    results: pd.DataFrame,
    problems: list[Problem],
    sheet: str | None,
) -> pd.DataFrame:
    """One row per institution and published indicator (score and/or rank), column-wise."""
    headers, n = layout.headers, len(body)
    codes, scores, ranks, flagged, score_headers, rank_headers = [], [], [], [], [], []
    no_rank = pd.Series([None] * n, index=body.index, dtype=object)
    for code, (score_pos, rank_pos) in layout.indicators.items():
        if score_pos is not None:
            score, errors = parse_series(body[score_pos], "float")
            problems += _parse_problems(errors, body, score_pos, headers[score_pos], "score", sheet)
            bad = errors.notna()
        else:
            score, bad = pd.Series(None, index=body.index, dtype="Float64"), False
        if rank_pos is not None:
            rank_raw = body[rank_pos]
            # THE gives unscored (Reporter) institutions the pillar rank "0": no rank.
            zero = rank_raw.str.strip().eq("0").fillna(False).astype(bool)
            rank, errors = parse_series(rank_raw.mask(zero & score.isna()), "rank")
            problems += _parse_problems(
                errors, body, rank_pos, headers[rank_pos], "rank_display", sheet
            )
            bad = bad | errors.notna()
        else:
            rank = no_rank
        codes.append(code)
        scores.append(score)
        ranks.append(rank)
        flagged.append(pd.Series(bad, index=body.index, dtype=bool))
        score_headers.append(headers.get(score_pos))
        rank_headers.append(headers.get(rank_pos))
    if not codes:
        return pd.DataFrame(columns=[c.name for c in INDICATORS.columns] + ["_row"])
    k = len(codes)
    by_row, by_indicator = np.tile(np.arange(n), k), np.repeat(np.arange(k), n)
    parts = _rank_parts(pd.concat(ranks, ignore_index=True))
    score = pd.concat(scores, ignore_index=True)
    frame = pd.DataFrame(
        {
            "ranking": results["ranking"].array.take(by_row),
            "year": results["year"].array.take(by_row),
            "institution": results["institution"].array.take(by_row),
            "indicator": pd.array(codes, dtype="str").take(by_indicator),
            "score": score,
            "rank_display": parts["rank_display"],
            "rank_low": parts["rank_low"],
            "rank_high": parts["rank_high"],
            "_row": body.index.to_numpy().take(by_row),
            "_score": np.array(score_headers, dtype=object).take(by_indicator),
            "_rank": np.array(rank_headers, dtype=object).take(by_indicator),
        }
    )
    keep = score.notna() | parts["rank_display"].notna() | pd.concat(flagged, ignore_index=True)
    return frame[keep.to_numpy()].reset_index(drop=True)


def _validation_problems(built: _Built, layout: Layout, sheet: str | None) -> list[Problem]:
    """Schema checks of both frames, pointed at the file's rows and headers."""
    skip = {(p.row, p.params.get("column")) for p in built.problems}
    column_header = {ROLE_COLUMN[r]: layout.headers[p] for r, p in layout.roles.items()}
    column_header.update(rank_low=column_header["rank_display"])
    column_header.update(rank_high=column_header["rank_display"])
    out = []
    for p in validate(RESULTS, built.results, skip):
        column = "institution" if p.code == "duplicate_key" else p.column
        params = {"key": "ranking, year, institution"} if p.code == "duplicate_key" else p.params
        header = column_header.get(column, column)
        value = clean(built.raw.at[p.row, header]) if header in built.raw.columns else None
        out.append(Problem(p.code, p.row, header, value, sheet, {**params, "column": column}))
    ind = built.indicators
    if len(ind):
        frame = ind[[c.name for c in INDICATORS.columns]]
        # Only key columns are required here, and their problems are the results row's.
        for p in validate(INDICATORS, frame, set()):
            if p.code == "duplicate_key" or p.column in ("ranking", "year", "institution"):
                continue  # reported once, on the results row
            row = int(ind.at[p.row, "_row"])
            header = ind.at[p.row, "_score" if p.column == "score" else "_rank"]
            value = clean(built.raw.at[row, header]) if header else None
            out.append(Problem(p.code, row, header, value, sheet, {**p.params, "column": p.column}))
    return out


# --- the import -----------------------------------------------------------------------------
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
    accept_aliases: bool = False,
    check_only: bool = False,
) -> RankingImport:
    """Import one published ranking table into ranking_results and ranking_indicator_scores.

    Raises FileRejected when the file itself is unsafe or unreadable. A row with any problem
    is held back whole (its result and its indicator scores) and kept in rejected_rows.
    """
    assert mode in MODES, mode
    raw = read_table(file_name, data)
    report = RankingImport(ranking, file_name, mode, notices=list(raw.notices))
    layout, problems = detect_layout(raw, ranking, year)
    built = None
    if layout is None:
        report.problems = problems
        report.rows_in = max(0, int(raw.grid.notna().any(axis=1).sum()) - 1)
    else:
        report.family = layout.family.name if layout.family else None
        matcher = InstitutionMatcher.from_db(conn)
        first = len(report.notices)
        built = _build(raw, layout, report, matcher, year, accept_aliases)
        if built is not None:
            report.problems += built.problems + _validation_problems(built, layout, raw.sheet)
            report.notices[first:first] = _layout_notices(layout, report, lang)
    report.problems = _dedupe(report.problems)
    bad = {p.row for p in report.problems if p.row is not None}
    if built is None:
        good, good_ind = None, None
    else:
        good = built.results.loc[~built.results.index.isin(bad)]
        keep = ~built.indicators["_row"].isin(bad)
        good_ind = built.indicators.loc[keep, [c.name for c in INDICATORS.columns]]
        report.indicators_in = len(built.indicators)
    report.rows_valid = 0 if good is None else len(good)
    if check_only or conn is None:
        return report
    commit = good is not None and len(good) > 0 and (mode == "valid_rows" or not report.problems)
    if commit and report.aliases_added:
        add_aliases(conn, report.aliases_added, user)
        report.notices.append(
            Notice(
                "aliases_added",
                {"spellings": "; ".join(f"{a} → {b}" for a, b in report.aliases_added.items())},
            )
        )
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
    key = f"indicator.{code}"
    return translate(key, lang) if has(key, lang) else code


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
                "family": layout.family.name if layout.family else report.ranking,
                "years": span,
                "rows": report.rows_in,
                "indicators": ", ".join(_indicator_label(c, lang) for c in layout.indicators)
                or "—",
            },
        )
    ]
    ignored = [h for p, h in layout.headers.items() if p not in used]
    if ignored:
        shown = ", ".join(ignored[:MAX_NOTICE_ITEMS]) + (
            " …" if len(ignored) > MAX_NOTICE_ITEMS else ""
        )
        notices.append(Notice("ignored_columns", {"columns": shown}))
    return notices


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.code, p.row, p.column, p.value)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.row or 0, p.column or ""))
