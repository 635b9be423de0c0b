"""Every row of every real ranking table: stored rank, band, tie, score, country = the published text."""

# The published side is read here on its own (csv module, openpyxl) and interpreted by the
# rules a reader of the table applies, not by the importer's code: a row is either stored
# exactly as published, or reported as a problem on its own line. Nothing else.

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass

import duckdb
import openpyxl
import pytest

from pipelines.ranking_tables import RankingImport, import_ranking_table
from sapat.countries import country_code, country_name
from tests.conftest import PUBLIC

RANKINGS = PUBLIC / "rankings"
pytestmark = pytest.mark.skipif(
    not (RANKINGS / "qs_wur_2026.csv").exists(), reason="../shared is beside the repo in CI"
)


@dataclass(frozen=True)
class Spec:
    """Where a table's parts are, by the header text the publisher (or scraper) wrote."""

    ranking: str
    rank: str
    name: str
    score: str | None
    country: str | None = None
    year: int | str = ""  # an edition, or the header of the year column
    header_row: int = 1  # the Excel row of the header
    two_line_names: bool = False  # THE's on-site layout: "name\ncountry" in one cell
    slash_names: bool = False  # Webometrics: "(1) Name / native name", countries as codes


SPECS = {
    "qs_wur_2026.csv": Spec("qs_wur", "2026 Rank", "Institution Name", "Overall SCORE", "Country/Territory", 2026),
    "qs_wur_2025.csv": Spec("qs_wur", "RANK_2025", "Institution_Name", "Overall_Score", "Location", 2025),
    "qs_wur_2024.csv": Spec("qs_wur", "2024 RANK", "Institution Name", "Overall SCORE", "Country", 2024),
    "qs_wur_2023.csv": Spec("qs_wur", "Rank", "Institution", "ScoreScaled", "Location", 2023),
    "qs_wur_2017_2022.csv": Spec("qs_wur", "rank_display", "university", "score", "country", "year"),
    "the_wur_2024.csv": Spec("the_wur", "rank", "name", "scores_overall", "location", 2024),
    "the_wur_2016_2026_renumbered.csv": Spec("the_wur", "Rank", "Name", "Overall Score", "Country", "Year"),
    "the_wur_2011_2016_kaggle.csv": Spec("the_wur", "world_rank", "university_name", "total_score", "country", "year"),
    "cwur_2012_2015_kaggle.csv": Spec("cwur", "world_rank", "institution", "score", "country", "year"),
    "arwu_2005_2015_kaggle.csv": Spec("arwu", "world_rank", "university_name", "total_score", None, "year"),
    "qs_asia_2025.csv": Spec("qs_asia", "Rank display", "Institution", "score scaled", "Country / Territory", 2025, header_row=4),
    "the_wur_2026_official_layout.csv": Spec("the_wur", "Rank", "Name", "Overall", None, 2026, two_line_names=True),
    "the_impact_2020_2024_combined.xlsx": Spec("the_impact", "Rank", "University", "Overall", "Country", "Year"),
    "arwu_2022.xlsx": Spec("arwu", "World Rank-Pub", "Institution", "Total Score", "Country/Region", 2022),
    "webometrics_2021_07.csv": Spec("webometrics", "Rank", "Name", None, "Country", 2021, slash_names=True),
    "rur_world_2023.xlsx": Spec("rur", "Rank", "University", "Score", "Country", 2023),
    "usnews_bgu_2022_2023.xlsx": Spec("usnews_bgu", "Rank", "University", "Global Score", "Country", 2023),
}  # fmt: skip
# Countries THE Impact's scrape glued onto names whose country cell is empty, as seen there.
GLUED = ("Turks and Caicos Islands", "Côte d'Ivoire", "Puerto Rico", "Anguilla", "Kosovo")
MISSING = {"", "-", "–", "n/a", "N/A", "NA"}
EXACT = re.compile(r"^(=)?(\d{1,3}(?:,\d{3})*|\d+)(?:\.0+)?(=)?$")
BAND = re.compile(r"^(\d{1,3}(?:,\d{3})*|\d+)\s*[-–]\s*(\d{1,3}(?:,\d{3})*|\d+)$")
OPEN = re.compile(r"^(\d{1,3}(?:,\d{3})*|\d+)\+$")
SCORE_RANGE = re.compile(r"^\d+(?:\.\d+)?\s*[-–]\s*\d+(?:\.\d+)?$")


def published_rows(name: str, header_row: int) -> list[tuple[int, dict[str, str]]]:
    """(Excel row, {header: cell text}) of every non-blank data row, read without Sapat."""
    path = RANKINGS / name
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        grid = [
            ["" if v is None else str(v) for v in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")  # QS's results workbook saved as CSV
        grid = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in grid[header_row - 1]]
    out = []
    for number, cells in enumerate(grid[header_row:], start=header_row + 1):
        if not any(c.strip() for c in cells):
            continue
        out.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    return out


def tidy(text: str | None) -> str | None:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text or None


def name_and_country(spec: Spec, cells: dict[str, str]) -> tuple[str | None, str | None]:
    name = cells.get(spec.name, "")
    country = tidy(cells.get(spec.country)) if spec.country else None
    if spec.two_line_names and "\n" in name:
        *lines, country = [ln for ln in name.splitlines() if ln.strip()]
        name = " ".join(lines)
    if spec.slash_names:
        name = re.split(r"\s+/\s*|\s*/\s+", re.sub(r"^\(\d+\)\s*", "", name.strip()))[0]
        if country and country_code(country):
            country = country_name(country_code(country), "en")
    name = tidy(name)
    if spec.country and country is None and name:
        glued = next((c for c in GLUED if name.endswith(c) and name != c), None)
        if glued:
            name, country = tidy(name[: -len(glued)]), glued
    return name, tidy(country)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def expected_rank(text: str) -> tuple[str, int | None, int | None, bool, bool] | None:
    """(display, low, high, is_band, is_tie) as the text reads; None: not a published rank."""
    if text.casefold() in ("reporter", "unranked"):
        return text, None, None, False, False
    if m := EXACT.match(text):
        n = number(m[2])
        return (text, n, n, False, bool(m[1] or m[3])) if n > 0 else None
    if m := BAND.match(text):
        return text, number(m[1]), number(m[2]), True, False
    if m := OPEN.match(text):
        return text, number(m[1]), None, True, False
    return None


def expected_score(text: str | None) -> float | None:
    text = (text or "").strip()
    if text in MISSING or SCORE_RANGE.match(text):
        return None  # a band's score range is no score
    return float(text)


def stored_rows(conn: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], tuple]:
    rows = conn.execute(
        "SELECT year, institution, rank_display, rank_low, rank_high, is_band, is_tie, "
        "overall_score, country FROM ranking_results"
    ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def compare(name: str, spec: Spec, report: RankingImport, stored: dict) -> list[str]:
    """Every difference between a stored row and its published text, as readable lines."""
    rows = published_rows(name, spec.header_row)
    reported = {p.row for p in report.problems if p.row is not None}
    parsed = []
    for number_, cells in rows:
        year = int(cells[spec.year]) if isinstance(spec.year, str) else spec.year
        institution, country = name_and_country(spec, cells)
        rank_text = tidy(cells.get(spec.rank)) or ""
        score_text = cells.get(spec.score) if spec.score else None
        parsed.append((number_, year, institution, country, rank_text, score_text))
    # Ties published as repeated exact ranks; the last exact rank right after the last band of
    # an edition is an open band whose "+" was lost (QS's "701" below "651-700").
    exact = Counter()
    top_low, band_highs = {}, {}
    for _, year, _, _, text, _ in parsed:
        rank = expected_rank(text)
        if rank and rank[1] is not None:
            top_low[year] = max(top_low.get(year, 0), rank[1])
            if rank[3] and rank[2] is not None:
                band_highs.setdefault(year, set()).add(rank[2])
            elif not rank[3]:
                exact[(year, rank[1])] += 1
    zero_lows = Counter(
        (year, v[1]) for (year, _), v in stored.items() if v[0] and v[0].startswith("=")
    )
    differences, seen = [], 0
    last_exact: dict[int, int] = {}
    for index, (row, year, institution, country, text, score_text) in enumerate(parsed):
        if row in reported:
            continue
        got = stored.get((year, institution))
        if got is None:
            differences.append(f"{name}:{row} {institution!r} neither stored nor reported")
            continue
        seen += 1
        display, low, high, band, tie, score, stored_country = got
        if text == "0":  # THE Impact's tie written as rank 0: a tie, never rank 0
            after = next((expected_rank(p[4]) for p in parsed[index + 1 :] if p[4] != "0"), None)
            ok = display == f"={low}" and low == high and tie and not band and low >= 1
            ok &= low > last_exact.get(year, 0)
            if after and after[1] is not None and not after[3]:
                ok &= low < after[1]
            want = ("=N", "N", "N", False, True)
        else:
            rank = expected_rank(text)
            if rank is None:
                differences.append(f"{name}:{row} rank {text!r} stored but not a rank")
                continue
            want_display, want_low, want_high, want_band, want_tie = rank
            if (
                not want_band
                and want_low == top_low.get(year)
                and want_low - 1 in band_highs.get(year, ())
            ):
                want_display, want_high, want_band, want_tie = text + "+", None, True, False
            elif not want_band and want_low is not None:
                want_tie |= exact[(year, want_low)] > 1 or zero_lows[(year, want_low)] > 0
            want = (want_display, want_low, want_high, want_band, want_tie)
            ok = (display, low, high, band, tie) == want
            if low is not None and not band:
                last_exact[year] = low
        want_score = expected_score(score_text)
        ok &= (score is None) == (want_score is None) and (
            score is None or math.isclose(score, want_score, abs_tol=1e-9)
        )
        ok &= stored_country == country
        if not ok:
            differences.append(
                f"{name}:{row} published {(text, score_text, country)} → want {want}, "
                f"stored {(display, low, high, band, tie, score, stored_country)}"
            )
    assert seen + len({r for r, *_ in parsed if r in reported}) == len(parsed)
    return differences


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_row_is_stored_as_published_or_reported_on_its_line(conn, name):
    spec = SPECS[name]
    data = (RANKINGS / name).read_bytes()
    report = import_ranking_table(conn, name, data, ranking=spec.ranking)
    assert report.loaded, report.problems[:3]
    stored = stored_rows(conn)
    differences = compare(name, spec, report, stored)
    assert differences == [], "\n".join(differences[:20])
    # Every problem is on a row of the file, said in the user's language.
    assert all(p.row is not None for p in report.problems)
    assert len(stored) == report.results.rows_loaded
    assert report.rows_in == report.results.rows_loaded + len({p.row for p in report.problems})
