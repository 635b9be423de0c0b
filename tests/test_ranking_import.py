"""The Data page's ranking import: proposal, preview counts and tables, commit; the tab renders."""

from __future__ import annotations

import duckdb
import pytest

from sapat.i18n import catalog
from sapat.ranking_import import commit_ranking, preview_ranking, propose_file
from tests.app_kit import open_page, untranslated
from tests.conftest import PUBLIC

RANKINGS = PUBLIC / "rankings"
IMPACT = "the_impact_2020_2024_combined.xlsx"
real = pytest.mark.skipif(not (RANKINGS / IMPACT).exists(), reason="../shared is beside the repo")


def test_an_unreadable_file_is_refused_in_the_users_language():
    proposed = propose_file("table.xlsx", b"not a workbook", "ky")
    assert proposed.error and proposed.proposal is None
    assert proposed.error != propose_file("table.xlsx", b"not a workbook", "en").error


@real
def test_preview_of_one_edition_of_a_stacked_table_then_commit(conn: duckdb.DuckDBPyConnection):
    conn.execute(
        "INSERT INTO institutions (name, country, is_home, peer_group) VALUES "
        "('Kyrgyz-Turkish Manas University', 'Kyrgyzstan', true, NULL), "
        "('Al-Farabi Kazakh National University', 'Kazakhstan', false, 'Central Asia')"
    )
    data = (RANKINGS / IMPACT).read_bytes()
    proposed = propose_file(IMPACT, data, "en")
    proposal = proposed.proposal
    assert (proposal.ranking, proposal.years) == ("the_impact", (2020, 2021, 2022, 2023, 2024))
    preview = preview_ranking(
        conn, IMPACT, data, ranking="the_impact", year=2024, accept={}, lang="ru", raw=proposed.raw
    )
    counts = preview.counts()
    assert counts["rows"] == 1963 and counts["loaded"] + counts["held"] == 1963
    assert counts["bands"] > 1500 and counts["ties"] >= counts["inferred"] > 0
    guarded = preview.guarded_rows("ru")
    assert set(guarded["institution"]) <= {
        "Kyrgyz-Turkish Manas University",
        "Al-Farabi Kazakh National University",
    }
    assert len(guarded) >= 1 and set(guarded["country"]) <= {"Кыргызстан", "Казахстан"}
    problems = preview.problem_table("ru")
    assert (
        problems["line"].notna().all() and not problems["problem"].str.startswith("rankings").any()
    )
    assert conn.execute("SELECT count(*) FROM ranking_results").fetchall() == [(0,)]
    report = commit_ranking(
        conn,
        IMPACT,
        data,
        ranking="the_impact",
        year=2024,
        accept={},
        mode="valid_rows",
        user="editor",
        lang="ru",
    )
    assert report.loaded and report.results.rows_loaded == counts["loaded"]
    years = conn.execute("SELECT DISTINCT year FROM ranking_results").fetchall()
    assert years == [(2024,)]


def test_the_data_page_offers_the_ranking_import_tab_in_kyrgyz(demo_db, env_db):
    env_db(demo_db)
    at = open_page("pages/data.py", lang="ky", user="editor")
    assert not untranslated(at)
    assert catalog("ky")["rankings_import.tab"] in [t.label for t in at.tabs]
    texts = [c.value for c in at.caption]
    assert catalog("ky")["rankings_import.intro"] in texts


def test_every_ranking_problem_notice_and_page_text_is_in_three_languages():
    import re

    from tests.conftest import ROOT

    source = "".join(
        (ROOT / f).read_text(encoding="utf-8")
        for f in (
            "pipelines/ranking_tables.py",
            "pipelines/ranking_ranks.py",
            "pipelines/ranking_layouts.py",
            "pages/data_rankings.py",
        )
    )
    codes = re.findall(r'Ranking(Problem|Notice)\(\s*"([a-z_]+)"', source)
    keys = {f"rankings_import.{kind.lower()}_{code}" for kind, code in codes}
    keys |= {f"rankings_import.problem_alias_{r}" for r in ("not_in_file", "unknown_institution", "not_proposed", "owned", "twice", "not_a_pair")}  # fmt: skip
    keys |= {
        f"rankings_import.notice_edition_{s}" for s in ("given", "column", "header", "file_name")
    }
    keys |= {f"rankings_import.edition_from_{s}" for s in ("column", "header", "file_name", "none")}
    keys |= {f"rankings_import.{k}" for k in re.findall(r'PREFIX\}\.([a-z_]+)"', source)}
    columns = ("line", "year", "rank_display", "institution", "country", "overall_score", "is_band", "is_tie", "column", "value", "problem")  # fmt: skip
    keys |= {f"rankings_import.col_{c}" for c in columns}
    keys |= {f"rankings_import.metric_{m}" for m in ("rows", "loaded", "held", "bands", "ties", "unranked")}  # fmt: skip
    assert len(keys) > 60
    for lang in ("ky", "ru", "en"):
        missing = sorted(k for k in keys if k not in catalog(lang))
        assert not missing, (lang, missing)
