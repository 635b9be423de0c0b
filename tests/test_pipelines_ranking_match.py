"""Institution matching you can trust: no alias across countries or dropped words, review per name."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ranking_match import InstitutionMatcher, content_words
from pipelines.ranking_tables import import_ranking_table
from sapat import db
from tests.conftest import PUBLIC, ROOT

DEMO = ROOT / "pipelines" / "demo" / "institutions.csv"
RANKINGS = PUBLIC / "rankings"
AUCA = "American University of Central Asia"
KNU = "Kyrgyz National University named after J. Balasagyn"
KEU = "Kyrgyz Economic University"
KNAU = "Kyrgyz National Agrarian University"
ENU = "L.N. Gumilyov Eurasian National University"


def demo_institutions() -> list[tuple]:
    """The demo's institutions (Kyrgyz and Central Asian, with their spellings); KNU is home,
    Manas and AUCA are peers."""
    out = []
    with DEMO.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            home = r["name"] == KNU
            peer = (
                "Central Asia" if r["name"] in (AUCA, "Kyrgyz-Turkish Manas University") else None
            )
            out.append((r["name"], r["aliases"].split("|"), r["country"], home, peer))
    return out


def matcher() -> InstitutionMatcher:
    """The matcher over the demo institutions, as from_db builds it (city, home or peer)."""
    return InstitutionMatcher(
        [(n, a, c, None, bool(home or peer)) for n, a, c, home, peer in demo_institutions()]
    )


@pytest.fixture
def wh(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    conn.executemany(
        "INSERT INTO institutions (name, aliases, country, is_home, peer_group) "
        "VALUES (?, ?, ?, ?, ?)",
        demo_institutions(),
    )
    return conn


def names(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT institution FROM ranking_results").fetchall()}


# Without a country column (as ARWU's Kaggle set), the names the issue saw matched by shared words.
NO_COUNTRY = (
    "world_rank,university_name,total_score,year\n"
    "67,American University,30.1,2024\n"
    "301-400,Kyiv National Economic University,,2024\n"
    "401-500,Kazakh National Agrarian University,,2024\n"
    "401-500,Russian State Agrarian University,,2024\n"
    "501-600,Ukrainian National Agrarian University,,2024\n"
    "501-600,Agrarian University of Havana,,2024\n"
    "601-700,Kyrgyz National Agrarian Universty,,2024\n"
    "701-800,Kyrgyz Economic Univesity,,2024\n"
)


def test_without_a_country_no_proposal_drops_a_word_that_tells_institutions_apart(wh):
    report = import_ranking_table(wh, "arwu_2024.csv", NO_COUNTRY.encode(), ranking="arwu")
    assert report.loaded and report.problems == []
    # Only the typos of the known names themselves are proposed, never applied.
    assert {p: v.known for p, v in report.proposals.items()} == {
        "Kyrgyz National Agrarian Universty": KNAU,
        "Kyrgyz Economic Univesity": KEU,
    }
    assert names(wh) == {line.split(",")[1] for line in NO_COUNTRY.splitlines()[1:]}
    assert wh.execute("SELECT count(*) FROM audit_log WHERE action = 'alias_added'").fetchall() == [
        (0,)
    ]


def test_distinguishing_words_and_honorifics():
    assert content_words("American University of Central Asia") == ("american", "central", "asia")
    assert content_words("Kyrgyz State Technical University named after I. Razzakov") == (
        "kyrgyz",
        "state",
        "technical",
    )
    assert content_words("Massachusetts Institute of Technology (MIT)") == (
        "massachusetts",
        "technology",
    )
    # A campus in brackets tells institutions apart; an acronym does not.
    assert "seoul" in content_words("Yonsei University (Seoul campus)")
    assert content_words("Жусуп Баласагын атындагы Кыргыз улуттук университети") == (
        "кыргыз",
        "улуттук",
    )


def test_no_alias_is_proposed_across_countries_and_a_name_of_another_country_is_held():
    matcher_ = matcher()
    assert matcher_.match("American University", "United States") == (None, None, False)
    assert matcher_.match("Kyrgyz National Agrarian University", "Ukraine") == (None, None, True)
    name, proposal, _ = matcher_.match("L N Gumilov Eurasian National University", "kz")
    assert name is None and proposal.known == ENU  # "kz" and "Kazakhstan" are one country
    assert matcher_.match("L N Gumilov Eurasian National University", "Russia")[1] is None


def test_the_home_university_is_only_matched_exactly_or_by_a_reviewed_alias():
    matcher_ = matcher()
    assert matcher_.match("Kyrgyz National University", "Kyrgyzstan")[0] == KNU  # an alias
    for spelling in (
        "Kyrgyz National University named after Jusup Balasagyn",
        "Kyrgyz Natonal University",
        "Kyrgyz National Universit\ufffd",  # a letter lost in the download
    ):
        name, proposal, _ = matcher_.match(spelling, "Kyrgyzstan")
        assert name is None and proposal.known == KNU and proposal.guarded, spelling


THE_2026 = "the_wur_2026_official_layout.csv"
JUSUP = "Kyrgyz National University named after Jusup Balasagyn"


@pytest.mark.skipif(not (RANKINGS / THE_2026).exists(), reason="../shared is beside the repo")
def test_proposals_are_accepted_one_by_one_and_rejected_ones_load_under_their_own_name(wh):
    data = (RANKINGS / THE_2026).read_bytes()
    preview = import_ranking_table(wh, THE_2026, data, ranking="the_wur", check_only=True)
    [proposal] = preview.proposals.values()
    # The evidence: both names, their countries, the similarity, the lines.
    assert (proposal.published, proposal.known) == (JUSUP, KNU)
    assert (proposal.published_country, proposal.known_country) == ("Kyrgyzstan", "Kyrgyzstan")
    assert proposal.rows == [2522] and proposal.similarity > 0.9 and proposal.guarded
    # Not accepted: loaded under its own name, KNU gets no row, nothing is aliased.
    first = import_ranking_table(wh, THE_2026, data, ranking="the_wur")
    assert first.loaded and JUSUP in names(wh) and KNU not in names(wh)
    # Manas is published under its own name (an exact match) and stays what it is.
    assert "Kyrgyz-Turkish Manas University" in names(wh)
    wh.execute("DELETE FROM ranking_results")
    second = import_ranking_table(wh, THE_2026, data, ranking="the_wur", accept={JUSUP: KNU})
    assert second.aliases_added == {JUSUP: KNU}
    assert KNU in names(wh) and JUSUP not in names(wh)
    aliases = db.first(wh.execute("SELECT aliases FROM institutions WHERE name = ?", [KNU]))[0]
    assert JUSUP in aliases


def test_an_acceptance_that_is_no_proposal_is_refused_and_nothing_is_imported(wh):
    text = (
        b"Rank,Institution,Country,Overall Score\n"
        b"1,Kyrgyz Natonal University,Kyrgyzstan,50\n"
        b"2,Kyrgyz Economic Univesity,Kyrgyzstan,40\n"
        b"3,AUCA,Kyrgyzstan,30\n"
        b"4,American University,United States,20\n"
    )
    cases = {
        # Not in the file at all.
        "Nowhere University=" + KNU: "alias_not_in_file",
        # No such known institution.
        "Kyrgyz Natonal University=Atlantis University": "alias_unknown_institution",
        # Another country: never proposed, so never accepted.
        "American University=" + AUCA: "alias_not_proposed",
        # AUCA is already AUCA's own alias; it cannot become KNU's.
        "AUCA=" + KNU: "alias_owned",
    }
    for value, code in cases.items():
        report = import_ranking_table(wh, "qs_wur_2026.csv", text, ranking="qs_wur", accept=[value])
        assert not report.loaded, value
        assert [p.code for p in report.problems if p.row is None] == [code], value
        assert report.problems[-1].message("ky") != f"rankings_import.problem_{code}"
    assert wh.execute("SELECT count(*) FROM ranking_results").fetchall() == [(0,)]
    # Accepting one of two proposals aliases that one only; the other loads as published.
    accept = [f"Kyrgyz Economic Univesity={KEU}"]
    report = import_ranking_table(wh, "qs_wur_2026.csv", text, ranking="qs_wur", accept=accept)
    assert report.loaded and report.aliases_added == {"Kyrgyz Economic Univesity": KEU}
    assert names(wh) == {"Kyrgyz Natonal University", KEU, AUCA, "American University"}


def test_a_false_alias_can_no_longer_take_another_universitys_row(wh):
    """The issue's sequence: THE's "American University" band stored as AUCA's result, and
    AUCA's real QS row refused as a duplicate. Now the first is never proposed."""
    the = "Rank,Name,Overall\n201–250,American University,55.9–58.6\n"
    first = import_ranking_table(wh, "the_wur_2024.csv", the.encode(), ranking="the_wur")
    assert first.loaded and first.proposals == {}
    qs = "2026 Rank,Institution Name,Country/Territory\n901-950,American University of Central Asia,Kyrgyzstan\n"
    second = import_ranking_table(wh, "qs_wur_2026.csv", qs.encode(), ranking="qs_wur")
    assert second.loaded and second.problems == []
    rows = wh.execute("SELECT ranking, institution, rank_display FROM ranking_results ORDER BY 1")
    assert rows.fetchall() == [
        ("qs_wur", AUCA, "901-950"),
        ("the_wur", "American University", "201–250"),
    ]


def test_cli_accepts_aliases_one_by_one(tmp_path: Path, db_path: Path):
    conn = db.connect(db_path)
    conn.executemany(
        "INSERT INTO institutions (name, aliases, country, is_home, peer_group) "
        "VALUES (?, ?, ?, ?, ?)",
        demo_institutions(),
    )
    conn.close()
    table = tmp_path / "qs_wur_2026.csv"
    table.write_text(
        "Rank,Institution,Country,City,Overall Score\n"
        "1,Kyrgyz Natonal University,Kyrgyzstan,Bishkek,50\n"
        "2,Kyrgyz Economic Univesity,Kyrgyzstan,Bishkek,40\n",
        encoding="utf-8",
    )

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipelines", "ingest-ranking", str(table), *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": "en"},
            timeout=120,
        )

    out = cli("--db", str(db_path), "--accept-alias", f"Kyrgyz Economic Univesity={KEU}")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "(Kyrgyzstan, Bishkek) resembles" in out.stdout  # the evidence: country, city
    assert f"stored under «{KEU}»" in out.stdout
    assert f'--accept-alias "Kyrgyz Natonal University={KNU}"' in out.stdout
    out = cli("--db", str(db_path), "--accept-alias", "Kyrgyz Natonal University=Nowhere")
    assert out.returncode == 1 and "not a known institution" in out.stdout
