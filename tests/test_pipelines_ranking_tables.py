"""Every real published ranking table in ../shared/data/public/rankings imports as it is."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ranking_tables import InstitutionMatcher, RankingImport, import_ranking_table
from sapat import db
from tests.conftest import PUBLIC, ROOT

RANKINGS = PUBLIC / "rankings"
pytestmark = pytest.mark.skipif(
    not (RANKINGS / "qs_wur_2026.csv").exists(), reason="../shared is beside the repo in CI"
)

KNU = "Kyrgyz National University named after J. Balasagyn"
AUCA = "American University of Central Asia"
MANAS = "Kyrgyz-Turkish Manas University"
KRSU = "Kyrgyz-Russian Slavic University named after B. N. Yeltsin"
KSTU = "Kyrgyz State Technical University named after I. Razzakov"
INSTITUTIONS = [
    (KNU, ["Kyrgyz National University", "КНУ им. Ж. Баласагына"], "Kyrgyzstan", True),
    (AUCA, ["AUCA", "АУЦА"], "Kyrgyzstan", False),
    (MANAS, ["Manas University", "Кыргыз-Түрк «Манас» университети"], "Kyrgyzstan", False),
    (KRSU, ["Kyrgyz Russian Slavic University", "КРСУ"], "Kyrgyzstan", False),
    # Not its short name: QS 2025 writes "Kyrgyz State Technical University", a new spelling.
    (KSTU, ["КГТУ им. И. Раззакова"], "Kyrgyzstan", False),
]


@pytest.fixture
def wh(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse holding the home university and its Kyrgyz peers."""
    conn.executemany(
        "INSERT INTO institutions (name, aliases, country, is_home) VALUES (?, ?, ?, ?)",
        INSTITUTIONS,
    )
    return conn


def imp(conn, file_name: str, ranking: str, year: int | None = None, **kw) -> RankingImport:
    data = (RANKINGS / file_name).read_bytes()
    return import_ranking_table(conn, file_name, data, ranking=ranking, year=year, **kw)


def result(conn, ranking: str, year: int, institution: str) -> dict:
    cur = conn.execute(
        "SELECT * FROM ranking_results WHERE ranking = ? AND year = ? AND institution = ?",
        [ranking, year, institution],
    )
    row = cur.fetchone()
    assert row is not None, (ranking, year, institution)
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def indicators(conn, ranking: str, year: int, institution: str) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT indicator, score, rank_display, rank_low, rank_high FROM ranking_indicator_scores"
        " WHERE ranking = ? AND year = ? AND institution = ?",
        [ranking, year, institution],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def count(conn, sql: str, *params) -> int:
    return conn.execute(sql, list(params)).fetchone()[0]


# --- QS -------------------------------------------------------------------------------------
def test_qs_2026_kyrgyz_universities_bands_and_indicators(wh):
    report = imp(wh, "qs_wur_2026.csv", "qs_wur", 2026)
    assert report.loaded and report.family == "QS" and report.years == (2026,)
    assert report.rows_in == 1501 and report.results.rows_loaded == 1501
    assert report.problems == [] and report.proposals == {}
    knu = result(wh, "qs_wur", 2026, KNU)  # published as "Kyrgyz National University"
    assert (knu["rank_display"], knu["rank_low"], knu["rank_high"]) == ("1201-1400", 1201, 1400)
    assert knu["is_band"] is True and knu["is_tie"] is False
    assert knu["overall_score"] is None  # "-" below the top
    assert knu["country"] == "Kyrgyzstan" and knu["source"] == "qs_wur_2026.csv"
    assert result(wh, "qs_wur", 2026, AUCA)["rank_display"] == "901-950"
    assert result(wh, "qs_wur", 2026, MANAS)["rank_display"] == "951-1000"
    assert result(wh, "qs_wur", 2026, KRSU)["rank_display"] == "1001-1200"
    assert result(wh, "qs_wur", 2026, KSTU)["rank_low"] == 1201
    mit = result(wh, "qs_wur", 2026, "Massachusetts Institute of Technology (MIT)")
    assert (mit["rank_low"], mit["rank_high"], mit["is_band"], mit["overall_score"]) == (
        1,
        1,
        False,
        100.0,
    )
    scores = indicators(wh, "qs_wur", 2026, "Massachusetts Institute of Technology (MIT)")
    assert len(scores) == 10
    assert scores["academic_reputation"] == (100.0, "4", 4, 4)
    assert scores["international_student_diversity"][0] == 92.3
    assert scores["sustainability"] == (93.8, "33", 33, 33)
    open_band = wh.execute(
        "SELECT rank_low, rank_high, is_band FROM ranking_results "
        "WHERE year = 2026 AND rank_display = '1401+' LIMIT 1"
    ).fetchone()
    assert open_band == (1401, None, True)
    ties = count(
        wh,
        "SELECT count(*) FROM ranking_indicator_scores WHERE year = 2026 "
        "AND rank_display LIKE '%=' AND rank_low = rank_high",
    )
    assert ties > 10
    batches = wh.execute(
        "SELECT dataset, file_name, rows_in, rows_loaded, status FROM upload_batches ORDER BY 1"
    ).fetchall()
    assert batches == [
        ("ranking_indicator_scores", "qs_wur_2026.csv", 14823, 14823, "committed"),
        ("ranking_results", "qs_wur_2026.csv", 1501, 1501, "committed"),
    ]


def test_qs_2025_replacement_characters_spaces_blank_scores_and_a_proposal(wh):
    report = imp(wh, "qs_wur_2025.csv", "qs_wur", 2025)
    assert report.loaded and report.rows_in == 1503
    # Trailing spaces go; U+FFFD stays as published (it is the file's own loss).
    mit = result(wh, "qs_wur", 2025, "Massachusetts Institute of Technology (MIT)")
    assert mit["rank_low"] == 1 and mit["overall_score"] == 100.0
    saclay = result(wh, "qs_wur", 2025, "Universit\ufffd Paris-Saclay")
    assert saclay["rank_display"] == "73"
    assert count(wh, "SELECT count(*) FROM ranking_results WHERE institution LIKE '% '") == 0
    blank = count(
        wh, "SELECT count(*) FROM ranking_results WHERE year = 2025 AND overall_score IS NULL"
    )
    assert blank > 800
    assert result(wh, "qs_wur", 2025, KRSU)["rank_display"] == "851-900"
    assert result(wh, "qs_wur", 2025, MANAS)["rank_display"] == "901-950"
    # "Kyrgyz State Technical University" is KSTU's name without its honorific: proposed,
    # with the evidence, never applied unasked; the row loads under its own name.
    [proposal] = report.proposals.values()
    assert (proposal.published, proposal.known, proposal.rows) == (
        "Kyrgyz State Technical University",
        KSTU,
        [1262],
    )
    assert proposal.published_country == proposal.known_country == "Kyrgyzstan"
    assert proposal.guarded is False and not proposal.accepted and 0.5 < proposal.similarity < 1
    assert report.problems == [] and report.results.rows_loaded == 1503
    own = result(wh, "qs_wur", 2025, "Kyrgyz State Technical University")
    assert own["rank_display"] == "1201-1400"
    assert count(wh, "SELECT count(*) FROM ranking_results WHERE institution = ?", KSTU) == 0


def test_accepting_a_proposal_adds_the_alias_and_loads_under_the_canonical_name(wh):
    report = imp(
        wh, "qs_wur_2025.csv", "qs_wur", 2025, accept=[f"Kyrgyz State Technical University={KSTU}"]
    )
    assert report.problems == [] and report.results.rows_loaded == 1503
    assert report.aliases_added == {"Kyrgyz State Technical University": KSTU}
    assert result(wh, "qs_wur", 2025, KSTU)["rank_display"] == "1201-1400"
    assert indicators(wh, "qs_wur", 2025, KSTU)
    aliases = wh.execute("SELECT aliases FROM institutions WHERE name = ?", [KSTU]).fetchone()[0]
    assert "Kyrgyz State Technical University" in aliases and "КГТУ им. И. Раззакова" in aliases
    assert count(wh, "SELECT count(*) FROM audit_log WHERE action = 'alias_added'") == 1
    # From now on the spelling is an alias: no proposal, and nothing changes.
    again = imp(wh, "qs_wur_2025.csv", "qs_wur", 2025)
    assert again.problems == [] and again.proposals == {}
    assert (again.results.rows_new, again.results.rows_changed) == (0, 0)


def test_qs_2024_ties_written_both_ways_and_the_year_from_the_header(wh):
    report = imp(wh, "qs_wur_2024.csv", "qs_wur")  # "2024 RANK" names the edition
    assert report.loaded and report.years == (2024,) and report.problems == []
    peking = result(wh, "qs_wur", 2024, "Peking University")
    assert (peking["rank_display"], peking["rank_low"], peking["is_tie"]) == ("=17", 17, True)
    oxford = indicators(wh, "qs_wur", 2024, "University of Oxford")
    assert oxford["sustainability"] == (97.8, "26=", 26, 26)
    assert oxford["employment_outcomes"][0] == 100.0
    assert result(wh, "qs_wur", 2024, MANAS)["rank_display"] == "851-900"
    open_rank = wh.execute(
        "SELECT rank_low, rank_high FROM ranking_indicator_scores WHERE year = 2024 "
        "AND rank_display = '601+' LIMIT 1"
    ).fetchone()
    assert open_rank == (601, None)


def test_qs_2024_with_another_year_is_refused_naming_the_header_year(wh):
    report = imp(wh, "qs_wur_2024.csv", "qs_wur", 2025)
    assert not report.loaded
    assert [(p.code, p.params["found"]) for p in report.problems] == [
        ("rank_year_mismatch", "2023, 2024")
    ]


def test_qs_2023_camel_case_headers_and_the_edition_from_the_file_name(wh):
    data = (RANKINGS / "qs_wur_2023.csv").read_bytes()
    refused = import_ranking_table(wh, "export.csv", data, ranking="qs_wur")
    assert not refused.loaded and [p.code for p in refused.problems] == ["year_needed"]
    report = imp(wh, "qs_wur_2023.csv", "qs_wur")
    assert report.edition.year == 2023 and report.edition.source == "file_name"
    assert "qs_wur_2023.csv" in [n for n in report.notices if n.code == "edition_file_name"][
        0
    ].message("en")
    assert report.loaded and report.rows_in == 1422 and report.problems == []
    manas = result(wh, "qs_wur", 2023, MANAS)
    assert manas["rank_display"] == "856" and manas["overall_score"] is None
    mit = indicators(wh, "qs_wur", 2023, "Massachusetts Institute of Technology (MIT)")
    assert mit["academic_reputation"] == (100.0, "5", 5, 5)
    assert mit["employment_outcomes"] == (100.0, "3", 3, 3)  # GerScore / GerRank
    assert "sustainability" not in mit


def test_qs_2017_2022_long_format_reports_unranked_rows_by_line(wh):
    report = imp(wh, "qs_wur_2017_2022.csv", "qs_wur")
    assert report.loaded and report.years == (2017, 2018, 2019, 2020, 2021, 2022)
    assert report.rows_in == 6482 and report.results.rows_loaded == 6414
    assert report.indicators is None  # counts, not indicator scores
    blanks = [p for p in report.problems if p.code == "required"]
    assert len(blanks) == 68 and {p.column for p in blanks} == {"rank_display"}
    assert blanks[0].row == 916  # "University of California, San Francisco",2017,,
    mit = result(wh, "qs_wur", 2017, "Massachusetts Institute of Technology (MIT)")
    assert (mit["rank_low"], mit["overall_score"]) == (1, 100.0)
    assert result(wh, "qs_wur", 2018, "University of California, San Francisco")["rank_low"] == 1001
    assert count(wh, "SELECT count(*) FROM ranking_results WHERE country IS NULL") == 0


def test_a_year_column_with_year_imports_that_year_only(wh):
    report = imp(wh, "qs_wur_2017_2022.csv", "qs_wur", 2019)
    assert report.years == (2019,)
    assert [n.code for n in report.notices].count("other_years_skipped") == 1
    assert count(wh, "SELECT count(DISTINCT year) FROM ranking_results") == 1
    assert all(p.row > 2000 for p in report.problems)  # only 2019's lines
    none = imp(wh, "qs_wur_2017_2022.csv", "qs_wur", 2030)
    assert not none.loaded and [p.code for p in none.problems] == ["year_not_in_file"]


# --- THE ------------------------------------------------------------------------------------
def test_the_2024_en_dash_bands_reporters_and_score_ranges(wh):
    report = imp(wh, "the_wur_2024.csv", "the_wur", 2024)
    assert report.loaded and report.rows_in == 2671 and report.problems == []
    assert "score_ranges" in [n.code for n in report.notices]
    aalborg = result(wh, "the_wur", 2024, "Aalborg University")  # 201–250, 55.9–58.6
    assert (aalborg["rank_display"], aalborg["rank_low"], aalborg["rank_high"]) == (
        "201–250",
        201,
        250,
    )
    assert aalborg["is_band"] is True and aalborg["overall_score"] is None
    assert indicators(wh, "the_wur", 2024, "Aalborg University")["teaching"] == (
        33.7,
        "509",
        509,
        509,
    )
    manas = result(wh, "the_wur", 2024, MANAS)
    assert manas["rank_display"] == "Reporter"
    assert (manas["rank_low"], manas["rank_high"], manas["overall_score"]) == (None, None, None)
    assert indicators(wh, "the_wur", 2024, MANAS) == {}  # n/a scores, pillar ranks "0"
    reporters = count(wh, "SELECT count(*) FROM ranking_results WHERE rank_display = 'Reporter'")
    assert reporters == 765
    oxford = result(wh, "the_wur", 2024, "University of Oxford")
    assert (oxford["rank_low"], oxford["overall_score"]) == (1, 98.5)
    pillars = indicators(wh, "the_wur", 2024, "University of Oxford")
    assert set(pillars) == {
        "teaching",
        "research_environment",
        "research_quality",
        "industry",
        "international_outlook",
    }
    assert pillars["teaching"] == (96.6, "5", 5, 5)


def test_the_2016_2026_float_ranks(wh):
    report = imp(wh, "the_wur_2016_2026_renumbered.csv", "the_wur")
    assert report.loaded and report.rows_in == 16713 and report.problems == []
    assert report.years == tuple(range(2016, 2027))
    caltech = result(wh, "the_wur", 2016, "California Institute of Technology")
    assert (caltech["rank_display"], caltech["rank_low"], caltech["rank_high"]) == ("1.0", 1, 1)
    assert caltech["is_band"] is False and caltech["overall_score"] == 95.2
    pillars = indicators(wh, "the_wur", 2016, "California Institute of Technology")
    assert pillars["research_quality"][0] == 99.8 and pillars["industry"][0] == 97.8
    assert pillars["teaching"][1:] == (None, None, None)
    assert count(wh, "SELECT count(*) FROM ranking_indicator_scores") == 16713 * 5


def test_the_2011_2016_kaggle_ties_bands_and_old_pillars(wh):
    report = imp(wh, "the_wur_2011_2016_kaggle.csv", "the_wur")
    assert report.loaded and report.rows_in == 2603 and report.problems == []
    ucsd = result(wh, "the_wur", 2016, "University of California, San Diego")
    assert (ucsd["rank_display"], ucsd["rank_low"], ucsd["is_tie"]) == ("=39", 39, True)
    barcelona = result(wh, "the_wur", 2012, "Autonomous University of Barcelona")
    assert (barcelona["rank_low"], barcelona["rank_high"], barcelona["is_band"]) == (
        201,
        225,
        True,
    )
    assert barcelona["overall_score"] is None  # "-"
    harvard = indicators(wh, "the_wur", 2011, "Harvard University")
    assert harvard == {
        "teaching": (99.7, None, None, None),
        "international_outlook": (72.4, None, None, None),
        "research_environment": (98.7, None, None, None),
        "research_quality": (98.8, None, None, None),
        "industry": (34.5, None, None, None),
    }


# --- CWUR, ARWU -----------------------------------------------------------------------------
def test_cwur_indicator_columns_are_ranks(wh):
    report = imp(wh, "cwur_2012_2015_kaggle.csv", "cwur")
    assert report.loaded and report.rows_in == 2200 and report.problems == []
    harvard = result(wh, "cwur", 2012, "Harvard University")
    assert (harvard["rank_low"], harvard["overall_score"], harvard["country"]) == (1, 100.0, "USA")
    ranks = indicators(wh, "cwur", 2012, "Harvard University")
    assert ranks["quality_of_education"] == (None, "7", 7, 7)
    assert ranks["patents"] == (None, "5", 5, 5)
    assert "broad_impact" not in ranks  # blank in the early years
    assert count(wh, "SELECT count(*) FROM ranking_indicator_scores WHERE score IS NOT NULL") == 0
    assert "broad_impact" in indicators(wh, "cwur", 2015, "Harvard University")


def test_arwu_bands_no_country_and_ambiguous_names(wh):
    report = imp(wh, "arwu_2005_2015_kaggle.csv", "arwu")
    assert report.loaded and report.rows_in == 4897
    aarhus = result(wh, "arwu", 2005, "Aarhus University")
    assert (aarhus["rank_display"], aarhus["rank_low"], aarhus["rank_high"]) == (
        "101-152",
        101,
        152,
    )
    assert aarhus["country"] is None and aarhus["overall_score"] is None
    harvard = indicators(wh, "arwu", 2005, "Harvard University")
    assert harvard["alumni"] == (100.0, None, None, None) and harvard["pcp"][0] == 72.4
    # Two different "Queen's University" in one year (no country to tell them apart), and a
    # row without a name: reported by line, held back, kept.
    by_row = {p.row: p for p in report.problems}
    assert by_row[1235].code == by_row[1236].code == "duplicate_key"
    assert by_row[1235].value == "Queen's University"
    assert by_row[3898].code == "required" and by_row[3898].column == "university_name"
    assert report.results.rows_rejected == 13 == len({p.row for p in report.problems})
    # "Monash University" is not a spelling of "Manas University".
    assert report.proposals == {}
    assert result(wh, "arwu", 2005, "Monash University")["rank_low"] is not None


def test_every_real_file_reimported_changes_nothing(wh):
    for name, ranking, year in [
        ("qs_wur_2026.csv", "qs_wur", 2026),
        ("the_wur_2024.csv", "the_wur", 2024),
        ("cwur_2012_2015_kaggle.csv", "cwur", None),
    ]:
        first = imp(wh, name, ranking, year)
        again = imp(wh, name, ranking, year)
        for before, after in ((first.results, again.results), (first.indicators, again.indicators)):
            assert after.status == "committed"
            assert (after.rows_new, after.rows_changed) == (0, 0)
            assert after.rows_unchanged == before.rows_loaded
    assert count(wh, "SELECT count(*) FROM upload_batches") == 12
    assert count(wh, "SELECT count(*) FROM hist_ranking_results") == 0


# --- bad input ------------------------------------------------------------------------------
BAD = (
    "Rank,Institution,Country,Overall Score,AR SCORE,AR RANK\n"
    "1,Good University,Kyrgyzstan,90.5,99,1\n"
    "1.9,Decimal Rank University,Kyrgyzstan,80,98,2\n"
    "zzz,Garbage,Kyrgyzstan,abc,high,1.5\n"
    "3,Kyrgyz Natonal University,Kyrgyzstan,-,97,=3\n"
    "4,Fourth University,Kazakhstan,,96,4\n"
)


def test_unreadable_ranks_and_a_garbage_row_are_reported_by_line(wh):
    data = BAD.encode()
    report = import_ranking_table(wh, "bad.csv", data, ranking="qs_wur", year=2026)
    found = {(p.row, p.column, p.value, p.code) for p in report.problems}
    assert (3, "Rank", "1.9", "not_rank") in found
    assert (4, "Rank", "zzz", "not_rank") in found
    assert (4, "Overall Score", "abc", "not_number") in found
    assert (4, "AR SCORE", "high", "not_number") in found
    assert (4, "AR RANK", "1.5", "not_rank") in found
    # A typo of the home university's alias is proposed, never applied: its own name loads.
    assert report.proposals["Kyrgyz Natonal University"].known == KNU
    assert report.proposals["Kyrgyz Natonal University"].guarded
    assert report.loaded and report.rows_in == 5 and report.results.rows_loaded == 3
    loaded = {r[0] for r in wh.execute("SELECT institution FROM ranking_results").fetchall()}
    assert loaded == {"Good University", "Kyrgyz Natonal University", "Fourth University"}
    assert indicators(wh, "qs_wur", 2026, "Fourth University") == {
        "academic_reputation": (96.0, "4", 4, 4)
    }
    rejected = {
        r[0]
        for r in wh.execute(
            "SELECT DISTINCT row_number FROM rejected_rows r JOIN upload_batches b "
            "USING (batch_id) WHERE b.dataset = 'ranking_results'"
        ).fetchall()
    }
    assert rejected == {3, 4}
    ky = next(p for p in report.problems if p.code == "not_rank").message("ky")
    assert ky.startswith("рейтингдер")

    strict = import_ranking_table(wh, "bad.csv", data, ranking="qs_wur", year=2025, mode="strict")
    assert not strict.loaded and strict.results.rows_loaded == 0
    assert strict.indicators.status == "rejected"
    assert count(wh, "SELECT count(*) FROM ranking_results WHERE year = 2025") == 0


def test_check_only_writes_nothing_and_needs_no_warehouse():
    data = (RANKINGS / "qs_wur_2026.csv").read_bytes()
    report = import_ranking_table(None, "qs.csv", data, ranking="qs_wur", check_only=True)
    assert report.results is None and report.rows_in == report.rows_valid == 1501


def test_a_table_of_another_ranking_is_refused(wh):
    report = imp(wh, "the_wur_2016_2026_renumbered.csv", "qs_wur")
    assert not report.loaded
    assert [(p.code, p.params["detected_code"]) for p in report.problems] == [
        ("ranking_mismatch", "the_wur")
    ]
    assert "THE World University Rankings" in report.problems[0].message("en")


def test_matcher_aliases_replacement_characters_and_lookalikes():
    matcher = InstitutionMatcher(
        [(name, aliases, country, None, home) for name, aliases, country, home in INSTITUTIONS]
        + [("Universität Wien", [], "Austria"), ("Osh State University", [], "Kyrgyzstan")]
    )

    def known(name: str, country: str | None = None) -> str | None:
        return matcher.match(name, country)[0]

    def proposed(name: str, country: str | None = None) -> str | None:
        proposal = matcher.match(name, country)[1]
        return proposal.known if proposal else None

    assert known("Kyrgyz National University ") == KNU
    assert known("кну им. ж. баласагына") == KNU
    assert known("Universit\ufffdt Wien", "Austria") == "Universität Wien"
    # A letter lost in the download is a guess: the home university is only proposed.
    assert known("Kyrgyz National Universit\ufffd") is None
    assert proposed("Kyrgyz National Universit\ufffd") == KNU
    assert known("Kyrgyz Natonal University") is None
    assert proposed("Kyrgyz Natonal University") == KNU
    assert proposed("Kyrgyz Turkish Manas Universty", "Kyrgyzstan") == MANAS
    for other in ("Monash University", "Omsk State University", "Kazakh National University"):
        assert matcher.match(other, None) == (None, None, False), other
    # Contained in AUCA's name, but published with another country: a different university.
    assert matcher.match("American University", "United States") == (None, None, False)
    assert known("American University of Central Asia", "Kyrgyz Republic") == AUCA
    # AUCA's own alias published in another country is not AUCA: held back, not matched.
    assert matcher.match("AUCA", "United States") == (None, None, True)


# --- the command line -----------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest-ranking", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": "en"},
        timeout=120,
    )


def test_cli_exit_codes_summary_and_proposals(tmp_path: Path, db_path: Path):
    conn = db.connect(db_path)
    conn.executemany(
        "INSERT INTO institutions (name, aliases, country, is_home) VALUES (?, ?, ?, ?)",
        INSTITUTIONS,
    )
    conn.close()
    qs26 = str(RANKINGS / "qs_wur_2026.csv")
    out = cli(qs26, "--ranking", "qs_wur", "--year", "2026", "--db", str(db_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1501 rows in, 1501 loaded, 0 rejected" in out.stdout
    assert "14823 rows in, 14823 loaded, 0 rejected" in out.stdout
    assert "Table format: QS (2026), 1,501 rows" in out.stdout

    qs25 = str(RANKINGS / "qs_wur_2025.csv")
    out = cli(qs25, "--db", str(db_path))  # no --ranking: the columns say QS WUR
    assert out.returncode == 0, out.stdout + out.stderr
    assert "importing as qs_wur" in out.stdout
    assert "1503 rows in, 1503 loaded, 0 rejected" in out.stdout
    assert f"«Kyrgyz State Technical University» (Kyrgyzstan) resembles «{KSTU}»" in out.stdout
    assert "lines 1262" in out.stdout
    assert f'--accept-alias "Kyrgyz State Technical University={KSTU}"' in out.stdout

    accept = f"Kyrgyz State Technical University={KSTU}"
    out = cli(qs25, "--ranking", "qs_wur", "--db", str(db_path), "--accept-alias", accept)
    assert out.returncode == 0 and "the spelling added as its alias" in out.stdout
    # The all-or-nothing switch is gone.
    out = cli(qs25, "--ranking", "qs_wur", "--db", str(db_path), "--accept-aliases")
    assert out.returncode == 2 and "--accept-aliases" in out.stderr

    qs23 = (
        tmp_path / "export.csv"
    )  # neither a year column, nor a YYYY header, nor a year in the name
    qs23.write_bytes((RANKINGS / "qs_wur_2023.csv").read_bytes())
    out = cli(str(qs23), "--ranking", "qs_wur", "--db", str(db_path), "--lang", "ky")
    assert out.returncode == 1 and "--year" in out.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    out = cli(
        str(bad), "--ranking", "qs_wur", "--year", "2020", "--db", str(db_path), "--mode", "strict"
    )
    assert out.returncode == 1
    assert "row 3" in out.stdout and '"1.9"' in out.stdout and "«Rank»" in out.stdout

    out = cli(str(tmp_path / "missing.csv"), "--ranking", "qs_wur", "--db", str(db_path))
    assert out.returncode == 2 and "not found" in out.stderr

    holder = db.connect(db_path)
    try:
        out = cli(qs26, "--ranking", "qs_wur", "--year", "2026", "--db", str(db_path))
    finally:
        holder.close()
    assert out.returncode == 2
    assert "dashboard is running" in out.stderr and "Traceback" not in out.stderr
