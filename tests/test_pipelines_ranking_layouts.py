"""Publishers' layouts the real files lack, as small faithful fixtures; system and edition checks."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.ranking_layouts import propose
from pipelines.ranking_tables import import_ranking_table, read_ranking_file
from tests.conftest import PUBLIC, xlsx_bytes

RANKINGS = PUBLIC / "rankings"
real = pytest.mark.skipif(
    not (RANKINGS / "qs_wur_2026.csv").exists(), reason="../shared is beside the repo in CI"
)


def run(conn, name: str, text: str | bytes, ranking: str, year: int | None = None, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_ranking_table(conn, name, data, ranking=ranking, year=year, **kw)


def row(conn, institution: str) -> dict:
    cur = conn.execute("SELECT * FROM ranking_results WHERE institution = ?", [institution])
    rows = cur.fetchall()
    assert len(rows) == 1, institution
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def rank(conn, institution: str) -> tuple:
    r = row(conn, institution)
    return (r["rank_display"], r["rank_low"], r["rank_high"], r["is_band"], r["is_tie"])


def scores(conn, institution: str) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT indicator, score, rank_display FROM ranking_indicator_scores WHERE institution = ?",
        [institution],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


# --- QS ---------------------------------------------------------------------------------------
# The layout of QS's own JSON (title, rank_display, score), scraped to CSV with the row number
# the scraper added as "rank": the published text must win over the row number.
QS_JSON = (
    "nid,rank,title,rank_display,score,country,city,region\n"
    "294850,1,Massachusetts Institute of Technology (MIT),1,100,United States,Cambridge,Americas\n"
    "297282,356,Universidad de Chile,=357,40.1,Chile,Santiago,Americas\n"
    "297283,357,University of Dundee,=357,40.1,United Kingdom,Dundee,Europe\n"
    "297500,541,Kyrgyz-Turkish Manas University,541-550,,Kyrgyzstan,Bishkek,Asia\n"
    "297501,1401,Osh State University,1401+,,Kyrgyzstan,Osh,Asia\n"
)


def test_qs_json_layout_a_rank_text_wins_over_a_row_number(conn):
    report = run(conn, "qs_wur_2025_json.csv", QS_JSON, "qs_wur")
    assert report.loaded and report.problems == [] and report.years == (2025,)
    assert rank(conn, "Universidad de Chile") == ("=357", 357, 357, False, True)
    assert rank(conn, "University of Dundee") == ("=357", 357, 357, False, True)
    assert rank(conn, "Kyrgyz-Turkish Manas University") == ("541-550", 541, 550, True, False)
    assert rank(conn, "Osh State University") == ("1401+", 1401, None, True, False)
    assert row(conn, "Universidad de Chile")["overall_score"] == 40.1
    chosen = [n for n in report.notices if n.code == "rank_column_chosen"]
    assert chosen and "rank_display" in chosen[0].message("en")
    assert "rank" in chosen[0].params["others"]


# 2027-style: "2027_rank" names the edition; each indicator a score and a rank column; a
# country name and its ISO code side by side.
QS_2027 = (
    "2027_rank,2026_rank,institution,location_code,location,ar_score,ar_rank,er_score,er_rank,"
    "cpf_score,cpf_rank,sus_score,sus_rank,overall_score\n"
    "1,1,Massachusetts Institute of Technology (MIT),US,United States,100,4,100,2,100,7,93.8,33,100\n"
    "=14,15,Peking University,CN,China (Mainland),99.1,12,90.2,30,87.4,40,81,150=,90.1\n"
    "901-950,901-950,American University of Central Asia,KG,,8.1,601+,12.4,501+,1.8,701+,40.2,801+,-\n"
)


def test_qs_2027_rank_header_names_the_edition_indicator_pairs_and_countries(conn):
    report = run(conn, "qs-world-rankings.csv", QS_2027, "qs_wur")
    assert report.loaded and report.problems == []
    assert (report.edition.year, report.edition.source, report.edition.detail) == (
        2027,
        "header",
        "2027_rank",
    )
    assert "2027_rank" in [n for n in report.notices if n.code == "edition_header"][0].message("en")
    assert rank(conn, "Peking University") == ("=14", 14, 14, False, True)
    pku = scores(conn, "Peking University")
    assert pku["academic_reputation"] == (99.1, "12")
    assert pku["sustainability"] == (81.0, "150=")
    # The name wins over the code; the code fills in where the name is missing.
    assert row(conn, "Peking University")["country"] == "China (Mainland)"
    assert row(conn, "American University of Central Asia")["country"] == "Kyrgyzstan"
    assert scores(conn, "American University of Central Asia")["citations_per_faculty"] == (
        1.8,
        "701+",
    )


def test_qs_results_workbook_with_title_rows_above_the_header(conn):
    data = xlsx_bytes(
        [
            ["2026 Rank", "Previous Rank", "Institution Name", "Location", "AR SCORE", "AR RANK", "Overall SCORE"],
            ["1", "1", "Massachusetts Institute of Technology (MIT)", "United States", "100", "4", "100"],
            ["7=", "8", "Imperial College London", "United Kingdom", "99.6", "22", "99.4"],
            ["7=", "6", "Stanford University", "United States", "100", "5", "99.4"],
        ],
        before=[["QS World University Rankings 2026"], ["Published 19 June 2025"], []],
    )  # fmt: skip
    report = run(conn, "QS WUR export.xlsx", data, "qs_wur")
    assert report.loaded and report.problems == [] and report.years == (2026,)
    assert rank(conn, "Stanford University") == ("7=", 7, 7, False, True)
    assert report.results.rows_loaded == 3


# QS Emerging Europe and Central Asia: the results workbook's technical headers.
QS_EECA = (
    "2022 Rank,2021 Rank,Institution Name,Country,ar score,ar rank,er score,er rank,"
    "fsr score,fsr rank,ppf score,ppf rank,irn score,irn rank,wi score,wi rank,"
    "swp score,swp rank,cpp score,cpp rank,Overall Score\n"
    "1,1,Lomonosov Moscow State University,Russia,100,1,100,1,100,3,40.2,55,100,1,100,1,"
    "100,1,60.1,40,100\n"
    "=138,138,American University of Central Asia,Kyrgyzstan,12.1,201+,30.4,121,80.2,50,"
    "2.1,251+,5.2,251+,44.2,101,20.1,200,3.2,251+,21.4\n"
)


def test_qs_eeca_indicators_and_the_wrong_qs_table_refused(conn):
    report = run(conn, "qs_eeca_2022.csv", QS_EECA, "qs_eeca")
    assert report.loaded and report.problems == []
    auca = scores(conn, "American University of Central Asia")
    assert auca["web_impact"] == (44.2, "101") and auca["staff_with_phd"] == (20.1, "200")
    assert rank(conn, "American University of Central Asia") == ("=138", 138, 138, False, True)
    refused = run(conn, "qs_eeca_2022.csv", QS_EECA, "qs_asia")
    assert not refused.loaded
    [problem] = refused.problems
    assert (problem.code, problem.params["detected_code"]) == ("ranking_mismatch", "qs_eeca")


# --- THE ---------------------------------------------------------------------------------------
THE_OFFICIAL = (
    "Rank,Name,Country/Region,Overall,Teaching,Research Environment,Research Quality,"
    "Industry,International Outlook\n"
    "1,University of Oxford,United Kingdom,98.2,97.2,100.0,97.7,99.9,96.4\n"
    "=3,Princeton University,United States,97.2,98.2,97.3,99.0,98.0,85.4\n"
    "=3,University of Cambridge,United Kingdom,97.2,96.2,99.9,97.1,87.6,96.3\n"
    "1201–1500,Kyrgyz-Turkish Manas University,Kyrgyzstan,10.3–27.2,12.1,8.4,10.2,16.0,40.3\n"
    "Reporter,Osh State University,Kyrgyzstan,n/a,n/a,n/a,n/a,n/a,n/a\n"
)


@pytest.mark.parametrize("country_header", ["Country/Region", "CountryRegion"])
def test_the_official_table_overall_score_or_range_and_country_region(conn, country_header):
    text = THE_OFFICIAL.replace("Country/Region", country_header)
    report = run(conn, "THE World University Rankings 2026.csv", text, "the_wur")
    assert report.loaded and report.problems == [] and report.years == (2026,)
    assert "ignored_columns" not in [n.code for n in report.notices]
    oxford = row(conn, "University of Oxford")
    assert (oxford["overall_score"], oxford["country"]) == (98.2, "United Kingdom")
    assert rank(conn, "University of Cambridge") == ("=3", 3, 3, False, True)
    manas = row(conn, "Kyrgyz-Turkish Manas University")
    assert (manas["rank_low"], manas["rank_high"], manas["overall_score"]) == (1201, 1500, None)
    assert rank(conn, "Osh State University") == ("Reporter", None, None, False, False)
    assert scores(conn, "University of Oxford")["research_quality"] == (97.7, None)
    assert scores(conn, "Osh State University") == {}


# --- ARWU, CWUR, Webometrics, GreenMetric -------------------------------------------------------
ARWU_SITE = (
    "World Rank,Institution,Country/Region,National/Regional Rank,Total Score,Alumni,Award,"
    "Hi Ci,N&S,PUB,PCP\n"
    "1,Harvard University,United States,1,100,100,100,100,100,100,77.9\n"
    "83,University of Groningen,Netherlands,2,22.9,10.1,17.2,22.0,19.8,50.1,30.2\n"
    "83,Ghent University,Belgium,1,22.9,9.3,0,29.2,18.1,60.2,22.1\n"
    "101-150,Aalto University,Finland,1,,0,0,15.1,11.2,38.9,24.4\n"
)


def test_arwu_site_table_infers_ties_from_repeated_ranks(conn):
    report = run(conn, "ARWU2024.csv", ARWU_SITE, "arwu")
    assert report.loaded and report.problems == [] and report.years == (2024,)
    assert rank(conn, "Ghent University") == ("83", 83, 83, False, True)
    assert rank(conn, "University of Groningen")[-1] is True
    assert rank(conn, "Harvard University")[-1] is False
    [inferred] = [n for n in report.notices if n.code == "ties_inferred"]
    assert inferred.params["rows"] == 2 and "2 rows" in inferred.message("en")
    assert scores(conn, "Ghent University")["hici"] == (29.2, None)
    assert scores(conn, "Ghent University")["ns"] == (18.1, None)
    # An ARWU table is not CWUR's: refused, naming the system the columns look like.
    refused = run(conn, "ARWU2024.csv", ARWU_SITE, "cwur")
    assert [p.params.get("detected_code") for p in refused.problems] == ["arwu"]


CWUR_SITE = (
    "World Rank,Institution,Location,National Rank,Education Rank,Employability Rank,"
    "Faculty Rank,Research Rank,Score\n"
    "1,Harvard University,USA,1,1,1,1,1,100\n"
    "1450,Kyrgyz State Technical University,Kyrgyzstan,1,-,1320,-,1902,65.1\n"
)


def test_cwur_site_score_beside_location_and_indicator_ranks(conn):
    report = run(conn, "cwur_2025.csv", CWUR_SITE, "cwur")
    assert report.loaded and report.problems == []
    kstu = row(conn, "Kyrgyz State Technical University")
    assert (kstu["overall_score"], kstu["country"]) == (65.1, "Kyrgyzstan")
    assert scores(conn, "Kyrgyz State Technical University") == {
        "alumni_employment": (None, "1320"),
        "research_performance": (None, "1902"),
    }


WEBOMETRICS_SITE = (
    "ranking,World Rank,University,Det.,Country,Impact Rank*,Openness Rank*,Excellence Rank*\n"
    "1,1,Harvard University,,us,1,1,1\n"
    "2,3625,(1) Kyrgyz Russian Slavic University / Кыргызско-Российский Славянский университет,,kg,"
    "4530,2900,5620\n"
    "3,3625,American University of Central Asia,,kg,3800,2500,6100\n"
)


def test_webometrics_site_codes_native_names_and_ties(conn):
    report = run(conn, "webometrics_2024_01.csv", WEBOMETRICS_SITE, "webometrics")
    assert report.loaded and report.problems == [] and report.years == (2024,)
    krsu = row(conn, "Kyrgyz Russian Slavic University")
    assert (krsu["country"], krsu["rank_low"], krsu["is_tie"]) == ("Kyrgyzstan", 3625, True)
    assert row(conn, "Harvard University")["country"] == "United States"
    assert scores(conn, "American University of Central Asia")["web_openness"] == (None, "2500")
    codes = {n.code for n in report.notices}
    assert {"native_spellings", "country_codes", "ties_inferred"} <= codes


GREENMETRIC = (
    "Ranking,University,Country,Total Score,Setting & Infrastructure,Energy & Climate Change,"
    "Waste,Water,Transportation,Education & Research\n"
    "1,Wageningen University & Research,Netherlands,9575,1425,2025,1800,1000,1700,1625\n"
    "710,Kyrgyz-Turkish Manas University,Kyrgyzstan,5600,800,1200,900,600,1100,1000\n"
)


def test_greenmetric_layout_total_score_and_six_criteria_are_read():
    report = run(None, "UI GreenMetric 2022.csv", GREENMETRIC, "greenmetric", check_only=True)
    assert report.family == "GreenMetric" and report.years == (2022,)
    assert "ignored_columns" not in {n.code for n in report.notices}
    read = [n for n in report.notices if n.code == "ranking_read"][0].message("en")
    assert "Energy and climate change" in read and "Education and research" in read
    # GreenMetric scores out of 10,000; the warehouse schema caps scores at 1,000, so every
    # problem is that cap (see test_greenmetric_loads_once_the_score_cap_allows_it).
    assert {p.code for p in report.problems} == {"too_large"}


@pytest.mark.xfail(
    strict=True, reason="schemas/rankings.py caps scores at 1000; GreenMetric totals reach 10,000"
)
def test_greenmetric_loads_once_the_score_cap_allows_it(conn):
    report = run(conn, "UI GreenMetric 2022.csv", GREENMETRIC, "greenmetric")
    assert report.loaded and report.problems == []
    manas = row(conn, "Kyrgyz-Turkish Manas University")
    assert (manas["rank_low"], manas["overall_score"], manas["year"]) == (710, 5600.0, 2022)
    assert scores(conn, "Kyrgyz-Turkish Manas University")["energy_climate"] == (1200.0, None)


# --- ties every way -----------------------------------------------------------------------------
def test_a_tie_marker_in_a_column_of_its_own(conn):
    text = (
        "rank_prefix,rank,institution,country,score\n"
        ",1,Alpha University,Kyrgyzstan,90\n"
        "=,2,Beta University,Kyrgyzstan,80\n"
        "=,2,Gamma University,Kazakhstan,80\n"
        ",4,Delta University,Kazakhstan,70\n"
        "?,5,Epsilon University,Kazakhstan,60\n"
    )
    report = run(conn, "scrape_2024.csv", text, "qs_asia")
    assert rank(conn, "Beta University") == ("=2", 2, 2, False, True)
    assert rank(conn, "Alpha University") == ("1", 1, 1, False, False)
    assert [(p.code, p.row, p.value) for p in report.problems] == [("not_tie_marker", 6, "?")]
    assert "tie_column" in {n.code for n in report.notices}


def test_t5_and_hash_ties_as_us_news_writes_them(conn):
    text = (
        "Rank,University,Country,Global Score\n"
        "#1,Harvard University,United States,100\n"
        "T5,University of Oxford,United Kingdom,86.8\n"
        "T-5,Stanford University,United States,86.8\n"
        "#7 (tie),Yale University,United States,80\n"
        "1,275,Nazarbayev University,Kazakhstan,32.7\n"
    ).replace("1,275,", '"1,275",')
    report = run(conn, "usnews_bgu_2024.csv", text, "usnews_bgu")
    assert report.loaded and report.problems == []
    assert rank(conn, "Harvard University") == ("#1", 1, 1, False, False)
    assert rank(conn, "University of Oxford") == ("T5", 5, 5, False, True)
    assert rank(conn, "Stanford University") == ("T-5", 5, 5, False, True)
    assert rank(conn, "Yale University") == ("#7 (tie)", 7, 7, False, True)
    assert rank(conn, "Nazarbayev University") == ("1,275", 1275, 1275, False, False)


@real
def test_the_impact_rank_zero_is_a_tie_never_rank_zero(conn):
    data = (RANKINGS / "the_impact_2020_2024_combined.xlsx").read_bytes()
    report = import_ranking_table(
        conn, "the_impact_2020_2024_combined.xlsx", data, ranking="the_impact"
    )
    assert report.loaded and report.years == (2020, 2021, 2022, 2023, 2024)
    assert conn.execute("SELECT count(*) FROM ranking_results WHERE rank_low = 0").fetchall() == [
        (0,)
    ]
    # Leeds and Newcastle (94.1) follow RMIT (10) and precede Tongji (13): tied 11th.
    for name in ("University of Leeds", "Newcastle University"):
        got = conn.execute(
            "SELECT rank_display, rank_low, is_tie FROM ranking_results WHERE year = 2020 "
            "AND institution = ?",
            [name],
        ).fetchall()
        assert got == [("=11", 11, True)], name
    zero = [p for p in report.problems if p.code == "zero_rank"]
    assert zero and all(p.value == "0" for p in zero)
    assert "cannot be told" in zero[0].message("en")
    # Names with their country glued on lose it to the country column.
    assert conn.execute(
        "SELECT country FROM ranking_results WHERE institution = 'UBT' AND year = 2021"
    ).fetchall() == [("Kosovo",)]


# --- encodings, editions, systems --------------------------------------------------------------
def test_a_windows_1252_csv_is_read_as_western_european(conn):
    text = "Rank,Institution,Country,Overall Score\n1,Université de Montréal,Canada,80\n2,Universität Wien,Austria,79\n"
    report = run(conn, "qs_wur_2026_ansi.csv", text.encode("cp1252"), "qs_wur")
    assert report.loaded and report.problems == []
    assert row(conn, "Université de Montréal")["rank_low"] == 1
    assert "western_encoding" in {n.code for n in report.notices}
    # A Cyrillic cp1251 file stays Cyrillic.
    cyr = "Rank,Institution,Country,Overall Score\n1,Ошский государственный университет,Кыргызстан,50\n"
    run(conn, "national_2024.csv", cyr.encode("cp1251"), "national_kg")
    assert row(conn, "Ошский государственный университет")["country"] == "Кыргызстан"


def test_the_edition_from_the_file_name_a_header_or_a_column_and_the_report_says_which(conn):
    text = "Rank,Institution,Country\n1,Alpha University,Kyrgyzstan\n"
    report = run(conn, "usnews_bgu_2022_2023.csv", text, "usnews_bgu")
    assert (report.edition.year, report.edition.source) == (2023, "file_name")
    report = run(conn, "table.csv", text, "usnews_bgu", year=2021)
    assert (report.edition.year, report.edition.source) == (2021, "given")
    refused = run(conn, "table.csv", text, "usnews_bgu")
    assert [p.code for p in refused.problems] == ["year_needed"]
    # A file name with two editions far apart names none.
    refused = run(conn, "scrape_2017_2022.csv", text, "usnews_bgu")
    assert [p.code for p in refused.problems] == ["year_needed"]


@real
@pytest.mark.parametrize(
    ("name", "ranking", "source", "year", "year_source"),
    [
        ("qs_asia_2025.csv", "qs_asia", "columns", 2025, "file_name"),
        ("qs_wur_2024.csv", "qs_wur", "columns", 2024, "header"),
        ("the_wur_2026_official_layout.csv", "the_wur", "columns", 2026, "file_name"),
        ("the_impact_2020_2024_combined.xlsx", "the_impact", "columns", 2024, "column"),
        ("arwu_2022.xlsx", "arwu", "columns", 2022, "file_name"),
        ("arwu_2005_2015_kaggle.csv", "arwu", "columns", 2015, "column"),
        ("cwur_2012_2015_kaggle.csv", "cwur", "columns", 2015, "column"),
        ("rur_world_2023.xlsx", "rur", "columns", 2023, "file_name"),
        ("usnews_bgu_2022_2023.xlsx", "usnews_bgu", "columns", 2023, "file_name"),
        ("webometrics_2021_07.csv", "webometrics", "file_name", 2021, "file_name"),
    ],
)
def test_sapat_proposes_the_system_and_edition_of_every_new_table(
    name, ranking, source, year, year_source
):
    data = (RANKINGS / name).read_bytes()
    proposal = propose(read_ranking_file(name, data), name)
    assert (proposal.ranking, proposal.ranking_source) == (ranking, source)
    assert (proposal.year, proposal.year_source) == (year, year_source)


@real
@pytest.mark.parametrize(
    ("name", "wrong", "detected"),
    [
        ("qs_asia_2025.csv", "qs_wur", "qs_asia"),
        ("qs_wur_2026.csv", "qs_asia", "qs_wur"),
        ("arwu_2005_2015_kaggle.csv", "cwur", "arwu"),
        ("cwur_2012_2015_kaggle.csv", "arwu", "cwur"),
        ("rur_world_2023.xlsx", "usnews_bgu", "rur"),
        ("usnews_bgu_2022_2023.xlsx", "rur", "usnews_bgu"),
        ("the_impact_2020_2024_combined.xlsx", "the_wur", "the_impact"),
        ("the_wur_2024.csv", "rur", "the_wur"),
    ],
)
def test_a_table_under_the_wrong_system_is_refused_naming_the_right_one(
    conn: duckdb.DuckDBPyConnection, name, wrong, detected
):
    data = (RANKINGS / name).read_bytes()
    report = import_ranking_table(conn, name, data, ranking=wrong)
    assert not report.loaded
    assert [(p.code, p.params.get("detected_code")) for p in report.problems] == [
        ("ranking_mismatch", detected)
    ]
    assert conn.execute("SELECT count(*) FROM ranking_results").fetchall() == [(0,)]
