"""The real published tables in ../shared/data/public are read as they are (BOM, CRLF, ranks)."""

import pytest

from pipelines.parsing import parse_series, split_ranks
from pipelines.readers import read_table
from tests.conftest import PUBLIC

QS_2026 = PUBLIC / "rankings" / "qs_wur_2026.csv"
THE_2024 = PUBLIC / "rankings" / "the_wur_2024.csv"
pytestmark = pytest.mark.skipif(not QS_2026.exists(), reason="../shared is beside the repo in CI")


def test_qs_2026_reads_with_bom_stripped_and_every_row():
    raw = read_table(QS_2026.name, QS_2026.read_bytes())
    header = raw.grid.loc[1].tolist()
    assert header[0] == "2026 Rank"  # the UTF-8 BOM is not part of the first header
    assert header[2] == "Institution Name"
    assert len(raw.grid) - 1 == 1501
    kyrgyz = raw.grid[raw.grid[2].str.contains("Kyrgyz|Central Asia", na=False)]
    assert len(kyrgyz) >= 4


def test_qs_2026_rank_texts_parse_into_bounds():
    raw = read_table(QS_2026.name, QS_2026.read_bytes())
    ranks, problems = parse_series(raw.grid.loc[2:, 0], "rank")
    assert problems.dropna().empty, problems.dropna().head()
    parts = split_ranks(ranks)
    by_text = parts.drop_duplicates("rank_display").set_index("rank_display")
    assert by_text.loc["1401+", ["rank_low", "is_band"]].tolist() == [1401, True]
    assert (
        by_text.loc["1401+", "rank_high"] is None
        or str(by_text.loc["1401+", "rank_high"]) == "<NA>"
    )
    # Ties are published in the indicator rank columns (e.g. SUS RANK "7=").
    sus = raw.grid.loc[1].tolist().index("SUS RANK")
    sus_ranks, sus_problems = parse_series(raw.grid.loc[2:, sus], "rank")
    assert sus_problems.dropna().empty
    ties = split_ranks(sus_ranks).query("is_tie == True")
    assert len(ties) > 10 and (ties["rank_low"] == ties["rank_high"]).all()
    bands = parts[parts["is_band"] == True]  # noqa: E712
    assert (bands["rank_low"] <= bands["rank_high"].fillna(10**6)).all()


def test_the_2024_en_dash_bands_and_reporters():
    raw = read_table(THE_2024.name, THE_2024.read_bytes())
    header = [str(v) for v in raw.grid.loc[1].tolist()]
    rank_col = next(i for i, h in enumerate(header) if h.strip().casefold() == "rank")
    ranks, problems = parse_series(raw.grid.loc[2:, rank_col], "rank")
    assert problems.dropna().empty, problems.dropna().unique()[:5]
    parts = split_ranks(ranks)
    assert "201–250" in set(parts["rank_display"])
    band = parts[parts["rank_display"] == "201–250"].iloc[0]
    assert (band["rank_low"], band["rank_high"], band["is_band"]) == (201, 250, True)
    reporters = parts[parts["rank_display"] == "Reporter"]
    assert len(reporters) > 100
    assert reporters["rank_low"].isna().all()


RANKINGS = PUBLIC / "rankings"


def test_no_real_csv_has_a_shifted_row():
    for path in sorted(RANKINGS.glob("*.csv")):
        assert read_table(path.name, path.read_bytes()).shifted == {}, path.name


def test_qs_asia_2025_is_windows_1252_with_a_four_row_header():
    from pipelines.ranking_layouts import find_header
    from pipelines.ranking_tables import read_ranking_file

    path = RANKINGS / "qs_asia_2025.csv"
    raw = read_ranking_file(path.name, path.read_bytes())
    assert "western_encoding" in {n.code for n in raw.notices}
    row, keys = find_header(raw)
    assert row == 4 and keys[1] == "rankdisplay" and keys[3] == "institution"
    names = raw.grid[3].dropna().tolist()
    assert "Xi’an Jiaotong University" in names
    assert raw.grid.shape[1] == 37  # three empty columns at the end, ignored


def test_the_2026_official_layout_keeps_name_and_country_on_two_lines():
    path = RANKINGS / "the_wur_2026_official_layout.csv"
    raw = read_table(path.name, path.read_bytes())
    assert raw.grid.loc[2, 1] == "University of Oxford\nUnited Kingdom"
    assert len(raw.grid) - 1 == 2810


def test_the_impact_stores_ties_as_rank_zero_and_us_news_ranks_with_separators():
    impact = RANKINGS / "the_impact_2020_2024_combined.xlsx"
    grid = read_table(impact.name, impact.read_bytes()).grid
    assert (grid[0] == "0").sum() == 314
    usnews = RANKINGS / "usnews_bgu_2022_2023.xlsx"
    grid = read_table(usnews.name, usnews.read_bytes()).grid
    assert "1,275" in set(grid[0]) and (grid[0] == "Unranked").sum() == 165
