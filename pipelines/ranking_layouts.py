"""Published ranking layouts: which column is which, which ranking system, which edition."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from pipelines.parsing import clean, norm_key
from pipelines.problems import Notice, Problem
from pipelines.readers import RawSheet
from sapat.i18n import column_label, translate

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class RankingProblem(Problem):
    """A problem only ranking imports meet; its text lives in rankings_import.json."""

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "column" in params:
            params["column"] = column_label(params["column"], lang)
        return translate(f"rankings_import.problem_{self.code}", lang, **params)


@dataclass(frozen=True)
class RankingNotice(Notice):
    """A notice only ranking imports give; its text lives in rankings_import.json."""

    def message(self, lang: str) -> str:
        return translate(f"rankings_import.notice_{self.code}", lang, **self.params)


# Header spellings (norm_key) of each part a ranking table may have, best first. Rank and
# country are then chosen by what the columns hold (a rank text beats a row number).
ROLES: dict[str, tuple[str, ...]] = {
    "rank": (
        "rankdisplay",
        "rank",
        "worldrank",
        "worldrankpub",
        "ranking",
        "position",
        "overallrank",
        "globalrank",
        "place",
        "место",
        "рейтинг",
        "排名",
        "世界排名",
    ),
    # A tie marker published in a column of its own, next to the rank ("=" beside "5").
    "tie": ("rankprefix", "tie", "tied", "ties", "tiemarker", "equal", "prefix"),
    "institution": (
        "institution",
        "institutionname",
        "university",
        "universityname",
        "name",
        "title",
        "school",
        "nameofinstitution",
        "университет",
        "вуз",
    ),
    # The same institution's name in its own script (ARWU's Chinese column): for matching.
    "native_name": ("学校名称", "中文名称", "nativename", "localname", "originalname"),
    "country": (
        "country",
        "countryterritory",
        "countryregion",
        "location",
        "countryname",
        "nation",
        "locationname",
        "locationfull",
        "страна",
    ),
    "country_code": ("countrycode", "locationcode", "isocode", "iso", "countryiso", "iso2"),
    "city": ("city", "cityname"),
    "overall_score": (
        "overallscore",
        "scoresoverall",
        "totalscore",
        "overall",
        "score",
        "scorescaled",
        "globalscore",
        "finalscore",
    ),
    "year": ("year", "edition", "rankingyear"),
}
# The warehouse column each role fills (for problem messages).
ROLE_COLUMN = {
    "rank": "rank_display",
    "tie": "rank_display",
    "institution": "institution",
    "native_name": "institution",
    "country": "country",
    "country_code": "country",
    "city": "institution",
    "overall_score": "overall_score",
    "year": "year",
}
# "2024 RANK", "RANK_2025", "2027_rank": the rank in a named edition (QS puts last year's beside).
_EDITION_RANK = re.compile(r"^(?:(\d{4})rank(?:display)?|rank(?:display)?(\d{4}))$")
# An indicator header: THE's "scores_" prefix, the stem, then which of the pair it is
# (QS's results workbooks write "ar  rank aux").
_INDICATOR = re.compile(r"^(?:scores)?(.+?)(score|rankaux|rank)?$")
# A rank as publishers write it, not a plain row number: a tie, a band, an open band, Reporter.
_RANK_TEXT = re.compile(
    r"^\s*(?:=\s*\d|\d[\d,. ]*\s*=|[Tt]-?\s?\d|#\s?\d|\d[\d,. ]*\s*[-–—]\s*\d|\d[\d,. ]*\s*\+"
    r"|reporter|unranked|not ranked)",
    re.IGNORECASE,
)
_CODE = re.compile(r"^[A-Za-z]{2,3}$")  # "kg", "US", "int": a country code, not a name
# A year in a file name, not part of a longer number ("webometrics_2021_07", "qs_2026").
_FILE_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


def _stems(**codes: str) -> dict[str, str]:
    return {stem: code for code, spellings in codes.items() for stem in spellings.split()}


_QS = dict(
    academic_reputation="ar academicreputation",
    employer_reputation="er employerreputation",
    faculty_student="fsr facultystudent facultystudentratio",
    international_research_network="irn internationalresearchnetwork",
    international_faculty="ifr internationalfaculty internationalfacultyratio",
    international_students="isr internationalstudents internationalstudentratio",
)


@dataclass(frozen=True, eq=False)
class System:
    """One ranking system's published table: its indicator columns and telltale headers."""

    code: str
    family: str  # the publisher's layout family, named in the report
    indicators: dict[str, str]  # header stem (norm_key without score/rank) → indicator code
    # What a column named by its stem alone holds; None: such a column is not an indicator
    # (QS's long exports carry counts under indicator names: international_students "3,730").
    bare: str | None
    signatures: tuple[str, ...] = ()  # headers only this system's tables have
    name_words: tuple[str, ...] = ()  # file-name words that name it, all of them present
    # Names carry another spelling after " / " (Webometrics: "Tsinghua University / 清华大学").
    slash_spellings: bool = False


SYSTEMS = (
    System(
        "qs_wur",
        "QS",
        _stems(
            **_QS,
            citations_per_faculty="cpf citationsperfaculty",
            international_student_diversity="isd internationalstudentdiversity",
            employment_outcomes="eo ger employmentoutcomes",
            sustainability="sus sustainability",
        ),
        None,
        name_words=("qs",),
    ),
    System(
        "qs_asia",
        "QS",
        _stems(
            **_QS,
            citations_per_paper="cpp citationsperpaper",
            papers_per_faculty="ppf papersperfaculty paperperfaculty",
            staff_with_phd="swp staffwithphd",
            inbound_exchange="ibx inboundexchange inboundexchangestudents",
            outbound_exchange="obx outboundexchange outboundexchangestudents",
        ),
        None,
        name_words=("qs", "asia"),
    ),
    System(
        "qs_eeca",
        "QS",
        _stems(
            **_QS,
            citations_per_paper="cpp citationsperpaper",
            papers_per_faculty="ppf papersperfaculty paperperfaculty",
            staff_with_phd="swp staffwithphd",
            web_impact="wi webimpact",
        ),
        None,
        name_words=("qs", "eeca"),
    ),
    System(
        "qs_sustainability",
        "QS",
        _stems(
            environmental_impact="eni environmentalimpact",
            social_impact="soi socialimpact",
            governance="gov governance",
        ),
        None,
        name_words=("qs", "sustainability"),
    ),
    System(
        "the_wur",
        "THE",
        _stems(
            teaching="teaching",
            research_environment="research researchenvironment",
            research_quality="citations researchquality",
            industry="income industryincome industry industryimpact",
            international_outlook="international internationaloutlook",
        ),
        "score",
        name_words=("the",),
    ),
    # The Impact overall table has no indicator columns; scrapes add a text column of SDGs.
    System("the_impact", "THE", {}, None, ("bestscoresbyrank",), ("impact",)),
    System(
        "arwu",
        "ARWU",
        _stems(alumni="alumni", award="award", hici="hici", ns="ns", pub="pub", pcp="pcp"),
        "score",
        ("worldrankpub", "nationalregionalrankpub"),
        ("arwu",),
    ),
    # CWUR publishes each indicator as a rank, not a score (the Kaggle set and the site).
    System(
        "cwur",
        "CWUR",
        _stems(
            quality_of_education="qualityofeducation education",
            alumni_employment="alumniemployment employability",
            quality_of_faculty="qualityoffaculty faculty",
            publications="publications",
            influence="influence",
            citations="citations",
            broad_impact="broadimpact",
            patents="patents",
            research_performance="researchperformance research",
        ),
        "rank",
        name_words=("cwur",),
    ),
    System(
        "webometrics",
        "Webometrics",
        _stems(
            web_visibility="impact visibility",
            web_openness="openness transparency",
            web_excellence="excellence",
            web_presence="presence",
        ),
        "rank",
        name_words=("webometrics",),
        slash_spellings=True,
    ),
    System(
        "greenmetric",
        "GreenMetric",
        _stems(
            setting_infrastructure="si settinginfrastructure settingandinfrastructure",
            energy_climate="ec energyclimatechange energyandclimatechange",
            waste="ws waste",
            water="wr water",
            transportation="tr transportation transport",
            education_research="ed educationresearch educationandresearch",
        ),
        "score",
        name_words=("greenmetric",),
    ),
    System(
        "rur",
        "RUR",
        _stems(
            teaching="teaching",
            research="research",
            international_diversity="internationaldiversity",
            financial_sustainability="financialsustainability",
        ),
        "score",
        ("league",),
        ("rur",),
    ),
    System(
        "usnews_bgu",
        "U.S. News",
        _stems(
            global_research_reputation="globalresearchreputation",
            regional_research_reputation="regionalresearchreputation",
            publications="publications",
            books="books",
            conferences="conferences",
            normalized_citation_impact="normalizedcitationimpact",
            total_citations="totalcitations",
            international_collaboration="internationalcollaboration",
        ),
        "rank",
        ("globalscore",),
        ("usnews",),
    ),
    System("national_kg", "national_kg", {}, None),
    System("iaar_kg", "iaar_kg", {}, None),
)
BY_CODE = {s.code: s for s in SYSTEMS}
# A file name that says "the" and "impact" is THE Impact, not THE WUR: more words, more specific.
_BY_NAME = sorted((s for s in SYSTEMS if s.name_words), key=lambda s: -len(s.name_words))


def system_of(ranking: str) -> System | None:
    return BY_CODE.get(ranking)


# Brand names, the same in every language, for messages naming a system.
LABELS = {
    "qs_wur": "QS World University Rankings",
    "qs_asia": "QS Asia",
    "qs_eeca": "QS Emerging Europe and Central Asia",
    "qs_sustainability": "QS Sustainability",
    "the_wur": "THE World University Rankings",
    "the_impact": "THE Impact Rankings",
    "arwu": "ARWU (Shanghai)",
    "cwur": "CWUR",
    "webometrics": "Webometrics",
    "greenmetric": "UI GreenMetric",
    "rur": "Round University Ranking",
    "usnews_bgu": "U.S. News Best Global Universities",
}


def label(system: System) -> str:
    return f"{LABELS.get(system.code, system.code)} ({system.code})"


@dataclass
class Edition:
    """The edition year a file is imported as, and where it was read."""

    year: int | None
    source: str  # given | column | header | file_name | none
    detail: str = ""  # the column, the header or the file name it came from


@dataclass
class Layout:
    """Where the header is and which file column plays which part."""

    header_row: int
    headers: dict[int, str]  # grid column → header as written
    roles: dict[str, int]  # role → grid column
    indicators: dict[str, list[int | None]]  # indicator code → [score column, rank column]
    system: System | None
    edition: Edition
    rank_candidates: list[int] = field(default_factory=list)  # rank columns not chosen

    @property
    def family(self) -> str | None:
        return self.system.family if self.system else None


def _header_keys(values: pd.Series) -> dict[int, str]:
    keys = {pos: norm_key(text) for pos, v in values.items() if (text := clean(v))}
    return {pos: key for pos, key in keys.items() if key}


def _meaning(key: str) -> tuple[str, str] | None:
    """What a header names (a role, an edition's rank, an indicator), or None if unknown."""
    for role, spellings in ROLES.items():
        if key in spellings:
            return ("role", role)
    if _EDITION_RANK.match(key):
        return ("role", "rank")
    stem = _INDICATOR.match(key)[1]
    return ("indicator", stem) if any(stem in s.indicators for s in SYSTEMS) else None


def find_header(raw: RawSheet) -> tuple[int | None, dict[int, str]]:
    """The row (of the first 30) naming the most different things, and its keys by column.

    Distinct meanings, not hits: QS's four-row header has a row of "SCORE | RANK" pairs
    above the row of real names, and a dozen "RANK" cells are one thing.
    """
    best_row, best_hits = None, 0
    for row_no, values in raw.grid.head(HEADER_SCAN_ROWS).iterrows():
        meanings = {m for k in _header_keys(values).values() if (m := _meaning(k))}
        if len(meanings) > best_hits:
            best_row, best_hits = row_no, len(meanings)
    if best_row is None:
        return None, {}
    return best_row, _header_keys(raw.grid.loc[best_row])


def _filled(column: pd.Series) -> pd.Series:
    return column.dropna().astype(str).str.strip().loc[lambda s: s.ne("")]


def _holds_rank_texts(column: pd.Series) -> bool:
    values = _filled(column).drop_duplicates()
    return bool(values.str.match(_RANK_TEXT).any())


def _holds_codes(column: pd.Series) -> bool:
    values = _filled(column)
    return len(values) > 0 and values.str.fullmatch(_CODE).mean() >= 0.8


def _pick(keys: dict[int, str], spellings: tuple[str, ...], taken: set[int]) -> list[int]:
    """Columns whose header is one of ``spellings``, in the order of the spellings."""
    out = []
    for spelling in spellings:
        out += [p for p, k in keys.items() if k == spelling and p not in taken and p not in out]
    return out


def indicator_counts(keys: dict[int, str], free: set[int]) -> dict[System, int]:
    """How many columns look like each system's indicators (telltale headers count twice)."""
    counts = {}
    for system in SYSTEMS:
        n = 0
        for pos, key in keys.items():
            if key in system.signatures:
                n += 2
            elif pos in free:
                m = _INDICATOR.match(key)
                if m[1] in system.indicators and (m[2] or system.bare):
                    n += 1
        counts[system] = n
    return counts


def looks_like(counts: dict[System, int], chosen: System | None) -> System | None:
    """The system the columns look like when they do not look like the chosen one."""
    best = max(SYSTEMS, key=lambda s: (counts[s], s is chosen))
    if counts[best] >= 2 and best is not chosen and counts[best] > counts.get(chosen, 0):
        return best
    return None


def file_name_year(file_name: str) -> int | None:
    """The edition a file name gives: one year, or a "2022-2023" pair (the later year)."""
    years = sorted({int(y) for y in _FILE_YEAR.findall(PurePath(file_name).stem)})
    if len(years) == 1:
        return years[0]
    if len(years) == 2 and years[1] == years[0] + 1:
        return years[1]
    return None


def system_from_name(file_name: str) -> System | None:
    words = set(re.split(r"[^a-z0-9]+", PurePath(file_name).stem.casefold()))
    return next((s for s in _BY_NAME if set(s.name_words) <= words), None)


def _role_columns(
    raw: RawSheet, row: int, keys: dict[int, str], year: int | None
) -> tuple[dict[str, int], Edition | None, list[int], list[Problem]]:
    """Each role's column; the edition a "2024 RANK" header names; the other rank columns."""
    body = raw.grid.loc[row + 1 :]
    roles: dict[str, int] = {}
    problems: list[Problem] = []
    plain = _pick(keys, ROLES["rank"], set())
    tagged = {p: int(m[1] or m[2]) for p, k in keys.items() if (m := _EDITION_RANK.match(k))}
    edition = None
    candidates = list(plain)
    if tagged:
        wanted = year if year is not None else max(tagged.values())
        pos = next((p for p, y in tagged.items() if y == wanted), None)
        if pos is None and not plain:
            found = ", ".join(str(y) for y in sorted(tagged.values()))
            params = {"year": year, "found": found}
            problems.append(Problem("rank_year_mismatch", row=row, sheet=raw.sheet, params=params))
        elif pos is not None:
            candidates.append(pos)
            edition = Edition(wanted, "header", clean(raw.grid.at[row, pos]) or "")
    # A published rank text (=357, 541-550) always wins over a numeric row number.
    ranked = sorted(candidates, key=lambda p: not _holds_rank_texts(body[p]))
    if ranked:
        roles["rank"] = ranked[0]
        if edition is not None and ranked[0] not in tagged:
            edition = None
    taken = set(roles.values()) | set(tagged)
    for role in ("tie", "institution", "native_name", "city", "overall_score", "year"):
        found = _pick(keys, ROLES[role], taken)
        if found:
            roles[role] = found[0]
            taken.add(found[0])
    # A country name wins over an ISO code; a "Country" column of codes is the code column.
    countries = _pick(keys, ROLES["country"] + ROLES["country_code"], taken)
    names = [p for p in countries if not _holds_codes(body[p])]
    codes = [p for p in countries if p not in names]
    if names:
        roles["country"] = names[0]
    if codes:
        roles["country_code"] = codes[0]
    return roles, edition, [p for p in ranked[1:] if p in plain], problems


def detect_layout(
    raw: RawSheet, ranking: str, year: int | None, file_name: str = ""
) -> tuple[Layout | None, list[Problem]]:
    """Find the header row and the columns' parts; None (with problems) when unusable."""
    row, keys = find_header(raw)
    if row is None:
        expected = "Rank, Institution, Country, Overall score, Year"
        return None, [Problem("no_header", sheet=raw.sheet, params={"expected": expected})]
    headers = {pos: clean(raw.grid.at[row, pos]) for pos in keys}
    roles, edition, others, problems = _role_columns(raw, row, keys, year)

    def problem(code: str, **params: object) -> None:
        problems.append(Problem(code, row=row, sheet=raw.sheet, params=params))

    if "institution" not in roles:
        problem("missing_column", column="institution")
    if "rank" not in roles and not problems:
        problem("missing_column", column="rank_display")
    if year is not None:
        edition = Edition(year, "given")
    elif "year" in roles:
        edition = Edition(None, "column", headers[roles["year"]])
    elif edition is None and (from_name := file_name_year(file_name)) is not None:
        edition = Edition(from_name, "file_name", file_name)
    if edition is None:
        edition = Edition(None, "none")
        problem("year_needed")
    system = system_of(ranking)
    used = set(roles.values())
    free = {p for p in keys if p not in used}
    detected = looks_like(indicator_counts(keys, free), system)
    if detected is not None:
        problem(
            "ranking_mismatch",
            ranking=ranking,
            detected=label(detected),
            detected_code=detected.code,
        )
    indicators: dict[str, list[int | None]] = {}
    if system is not None:
        for pos in sorted(free):
            m = _INDICATOR.match(keys[pos])
            kind = {"rankaux": "rank"}.get(m[2], m[2]) or system.bare
            code = system.indicators.get(m[1])
            if kind is None or code is None:
                continue
            pair = indicators.setdefault(code, [None, None])
            slot = 0 if kind == "score" else 1
            if pair[slot] is None:
                pair[slot] = pos
    if problems:
        return None, problems
    return Layout(row, headers, roles, indicators, system, edition, others), []


@dataclass
class Proposal:
    """What Sapat proposes for a file before the editor chooses: system and edition, and why."""

    ranking: str | None
    ranking_source: str  # columns | header | file_name | none
    evidence: str  # the columns or file words it was read from
    year: int | None
    year_source: str  # column | header | file_name | none
    years: tuple[int, ...] = ()  # the editions a year column holds


def propose(raw: RawSheet, file_name: str) -> Proposal:
    """The ranking system and edition a file most likely is, from its columns and name."""
    row, keys = find_header(raw)
    if row is None:
        return Proposal(None, "none", "", file_name_year(file_name), "file_name")
    headers = {pos: clean(raw.grid.at[row, pos]) or "" for pos in keys}
    roles, edition, _, _ = _role_columns(raw, row, keys, None)
    free = {p for p in keys if p not in set(roles.values())}
    counts = indicator_counts(keys, free)
    named = system_from_name(file_name)
    best = max(SYSTEMS, key=lambda s: (counts[s], s is named, s.code == "qs_wur"))
    if counts[best] >= 2:
        signs = [headers[p] for p, k in keys.items() if k in best.signatures]
        shown = signs or [
            headers[p] for p in sorted(free) if _INDICATOR.match(keys[p])[1] in best.indicators
        ]
        ranking, source, evidence = best.code, "columns", ", ".join(shown[:6])
    elif named is not None:
        ranking, source, evidence = named.code, "file_name", file_name
    else:
        ranking, source, evidence = None, "none", ""
    years: tuple[int, ...] = ()
    if "year" in roles:
        parsed = pd.to_numeric(raw.grid.loc[row + 1 :, roles["year"]], errors="coerce")
        years = tuple(sorted({int(y) for y in parsed.dropna() if 1990 <= y <= 2100}))
        return Proposal(ranking, source, evidence, years[-1] if years else None, "column", years)
    if edition is not None:
        return Proposal(ranking, source, evidence, edition.year, "header")
    year = file_name_year(file_name)
    return Proposal(ranking, source, evidence, year, "file_name" if year else "none")
