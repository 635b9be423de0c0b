"""Never a shifted row: a CSV row with more (or fewer) fields than its header is never loaded."""

from __future__ import annotations

from pipelines.ingest import ingest_bytes
from pipelines.ranking_tables import import_ranking_table
from pipelines.readers import read_table

# "Trinity College, Dublin" without quotes: one field more, every later value one column right.
THE_SCRAPE = (
    "rank,name,location,scores_overall,scores_teaching,scores_teaching_rank,"
    "stats_number_students,stats_pc_intl_students,closed,aliases,subjects,unaccredited,year\n"
    '1,University of Oxford,United Kingdom,98.5,96.6,5,"21,750",42%,False,Oxford,Law,False,2024\n'
    "=155,Trinity College, Dublin,Ireland,48.14,40.2,155,17280,30%,False,TCD,Law,False,2024\n"
    '"=155","Trinity College Dublin (quoted)","Ireland","48.14","40.2","155","17280","30%",'
    '"False","TCD","Law","False","2024"\n'
    "912+,Short Row University,Kyrgyzstan\n"
    "201–250,Aalborg University,Denmark,55.9–58.6,33.7,509,20000,22%,False,AAU,Law,False,2024\n"
)


def test_the_reader_marks_each_shifted_row_with_its_field_counts():
    raw = read_table("the.csv", THE_SCRAPE.encode())
    assert raw.shifted == {3: (14, 13), 5: (3, 13)}
    # A shift in a row whose last column is blank ends in an empty field, just as a stray
    # trailing delimiter does: both are reported; title rows above the header are not.
    raw = read_table("t.csv", b"Title\nname,country\nTrinity College, Dublin,\nOxford,UK\n")
    assert raw.shifted == {3: (3, 2)}


def test_a_ranking_row_with_a_comma_inside_a_name_is_reported_never_loaded(conn):
    report = import_ranking_table(
        conn, "the_wur_2024.csv", THE_SCRAPE.encode(), ranking="the_wur", year=2024
    )
    assert report.loaded and report.rows_in == 5 and report.results.rows_loaded == 3
    shifted = [p for p in report.problems if p.code == "shifted_row"]
    assert [(p.row, p.params["fields"], p.params["header"]) for p in shifted] == [
        (3, 14, 13),
        (5, 3, 13),
    ]
    # One problem per shifted row, not one per cell; nothing about "same key" or "912+".
    assert {p.code for p in report.problems} == {"shifted_row"}
    assert (
        shifted[0]
        .message("en")
        .startswith("line 3 has 14 fields; the header has 13: a comma inside a name needs quotes")
    )
    assert "3" in shifted[0].message("ky") and "14" in shifted[0].message("ru")
    rows = conn.execute(
        "SELECT institution, country, overall_score, rank_display FROM ranking_results ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("Aalborg University", "Denmark", None, "201–250"),
        ("Trinity College Dublin (quoted)", "Ireland", 48.14, "=155"),
        ("University of Oxford", "United Kingdom", 98.5, "1"),
    ]
    assert conn.execute(
        "SELECT count(*) FROM ranking_results WHERE country = 'Dublin'"
    ).fetchall() == [(0,)]
    kept = conn.execute(
        "SELECT row_number FROM rejected_rows r JOIN upload_batches b USING (batch_id) "
        "WHERE b.dataset = 'ranking_results' ORDER BY 1"
    ).fetchall()
    assert kept == [(3,), (5,)]


def test_every_dataset_refuses_a_shifted_row_and_loads_the_others(conn):
    text = (
        "name,country,city,is_home\n"
        "University of Oxford,United Kingdom,Oxford,no\n"
        "Trinity College, Dublin,Ireland,Dublin,no\n"
        "Kyrgyz National University,Kyrgyzstan,Bishkek,yes\n"
    )
    report = ingest_bytes(
        conn, "institutions", "institutions.csv", text.encode(), mode="valid_rows"
    )
    assert report.loaded and report.result.rows_loaded == 2
    assert {p.row for p in report.problems} == {3}
    assert {p.code for p in report.problems} == {"field_count"}
    stored = conn.execute("SELECT name, country FROM institutions ORDER BY 1").fetchall()
    assert stored == [
        ("Kyrgyz National University", "Kyrgyzstan"),
        ("University of Oxford", "United Kingdom"),
    ]
    strict = ingest_bytes(conn, "institutions", "institutions.csv", text.encode(), mode="strict")
    assert not strict.loaded
