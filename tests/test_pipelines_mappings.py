"""Files from other systems through a column mapping: the Erasmus+ export and the LLP extract."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.ingest import ingest_bytes, ingest_path
from pipelines.mapping_transforms import (
    CellError,
    RowContext,
    month_end,
    month_start,
    months_to_days,
)
from pipelines.mappings import (
    MAPPINGS_DIR,
    MappingError,
    apply_mapping,
    available_mappings,
    load_mapping,
)
from pipelines.readers import read_table
from sapat.i18n import LANGUAGES, catalog, translate
from schemas.registry import get_dataset
from tests.conftest import PUBLIC, ROOT, xlsx_bytes

LLP = PUBLIC / "mobility" / "erasmus_llp_students_spain.csv"

OFFICIAL = [
    "Project Reference",
    "Academic Year",
    "Mobility Start Month",
    "Mobility End Month",
    "Mobility Duration",
    "Activity (mob)",
    "Field of Education",
    "Participant Nationality",
    "Education Level",
    "Participant Gender",
    "Participant Profile",
    "Special Needs",
    "Fewer Opportunities",
    "GroupLeader",
    "Participant Age",
    "Sending Country Code",
    "Sending City",
    "Sending Organization",
    "Sending Organisation Erasmus Code",
    "Receiving Country Code",
    "Receiving City",
    "Receiving Organization",
    "Receiving Organisation Erasmus Code",
    "Participants",
]
BACHELOR = "ISCED-6 - First cycle / Bachelor’s or equivalent level (EQF-6)"
MASTER = "ISCED-7 - Second cycle / Master’s or equivalent level (EQF-7)"
UNKNOWN_LEVEL = "??? - ? Unknown ?"
STUDIES = "Student mobility for studies between Programme and Partner Countries"
TRAINEESHIPS = "Student mobility for traineeships between Programme and Partner Countries"
TEACHING = "Staff mobility for teaching between Programme and Partner Countries"
HOME_ORG = "Home State University"


def ep_row(**kw: object) -> list:
    """One row in the official 24-column layout: an outgoing bachelor's study mobility."""
    row = {
        "Project Reference": "2019-1-DE01-KA107-000001",
        "Academic Year": "2019-2020",
        "Mobility Start Month": "2019-09",
        "Mobility End Month": "2020-02",
        "Mobility Duration": 150,
        "Activity (mob)": STUDIES,
        "Field of Education": "Economics",
        "Participant Nationality": "KG",
        "Education Level": BACHELOR,
        "Participant Gender": "Female",
        "Participant Profile": "Learner",
        "Special Needs": "No",
        "Fewer Opportunities": "No",
        "GroupLeader": "No",
        "Participant Age": 21,
        "Sending Country Code": "KG",
        "Sending City": "Bishkek",
        "Sending Organization": HOME_ORG,
        "Sending Organisation Erasmus Code": "-",
        "Receiving Country Code": "DE",
        "Receiving City": "Leipzig",
        "Receiving Organization": "Universität Leipzig",
        "Receiving Organisation Erasmus Code": "D  LEIPZIG01",
        "Participants": 1,
    }
    row.update({k.replace("_", " "): v for k, v in kw.items()})
    assert set(row) == set(OFFICIAL), set(row) ^ set(OFFICIAL)
    return [row[c] for c in OFFICIAL]


def fields(**kw: object) -> dict:
    """Keyword names for official headers with brackets: Activity (mob) → Activity_mob."""
    return {k.replace("Activity_mob", "Activity (mob)"): v for k, v in kw.items()}


# File rows: 2 outgoing study, 3 incoming staff teaching, 4 neither side home, 5 a group of 3.
ROWS = [
    ep_row(),
    ep_row(
        **fields(
            Mobility_Start_Month="2020-03",
            Mobility_End_Month="2020-03",
            Mobility_Duration=5,
            Activity_mob=TEACHING,
            Participant_Nationality="DE",
            Education_Level=UNKNOWN_LEVEL,
            Participant_Gender="Male",
            Participant_Profile="Staff",
            Participant_Age=45,
            Sending_Country_Code="DE",
            Sending_City="Leipzig",
            Sending_Organization="Universität Leipzig",
            Receiving_Country_Code="KG",
            Receiving_City="Bishkek",
            Receiving_Organization=HOME_ORG,
        )
    ),
    ep_row(
        Participant_Nationality="DE",
        Education_Level=MASTER,
        Participant_Gender="Male",
        Sending_Country_Code="DE",
        Sending_City="Berlin",
        Sending_Organization="Humboldt-Universität",
        Receiving_Country_Code="FR",
        Receiving_City="Paris",
        Receiving_Organization="Sorbonne",
    ),
    ep_row(
        **fields(
            Mobility_Start_Month="2020-02",
            Mobility_End_Month="2020-04",
            Mobility_Duration=60,
            Activity_mob=TRAINEESHIPS,
            Education_Level=MASTER,
            Sending_City="Osh",
            Receiving_Country_Code="TR",
            Receiving_City="Ankara",
            Receiving_Organization="Gazi University",
            Participants=3,
        )
    ),
]


def semicolon_csv(rows: list[list]) -> bytes:
    lines = [";".join(OFFICIAL)] + [";".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def loaded(conn) -> dict[str, dict]:
    frame = conn.execute("SELECT * FROM mobility ORDER BY mobility_id").df()
    return {r["mobility_id"]: r for r in frame.to_dict("records")}


def ingest_ep(conn, data: bytes, name: str = "erasmus.csv", **kw):
    kw.setdefault("mode", "valid_rows")
    return ingest_bytes(conn, "mobility", name, data, mapping="erasmus_plus", **kw)


# --- the official Erasmus+ layout -------------------------------------------------------
def test_official_export_maps_each_side_and_expands_groups(conn):
    report = ingest_ep(conn, semicolon_csv(ROWS))
    stats = report.mapping
    assert (stats.source_rows, stats.mapped, stats.unmapped) == (4, 3, 1)
    assert (stats.expanded, stats.mobilities) == (1, 5)
    assert report.loaded and report.result.rows_loaded == 5
    assert report.result.rows_in == 6 and report.result.rows_rejected == 1

    rows = loaded(conn)
    assert len(rows) == 5
    assert all(re.fullmatch(r"EP-[0-9a-f]{12}(-[1-3])?", i) for i in rows)
    by_direction = {}
    for r in rows.values():
        by_direction.setdefault((r["direction"], r["purpose"]), []).append(r)

    (out,) = by_direction[("outgoing", "study")]
    assert out["partner_institution"] == "Universität Leipzig"
    assert (out["partner_country"], out["partner_city"]) == ("Germany", "Leipzig")
    assert out["start_date"].date() == dt.date(2019, 9, 1)
    assert out["end_date"].date() == dt.date(2020, 2, 29)  # last day of the month, leap year
    assert (out["duration_days"], out["duration_type"]) == (150, "long")
    assert (out["participant_category"], out["gender"]) == ("student_bachelor", "female")
    assert (out["citizenship"], out["scope"], out["academic_year"]) == (
        "Kyrgyzstan",
        "international",
        "2019-2020",
    )
    assert (out["program"], out["status"], out["format"]) == (
        "erasmus_plus",
        "completed",
        "physical",
    )
    assert out["participant_code"] != out["mobility_id"]

    (inc,) = by_direction[("incoming", "teaching")]
    assert inc["partner_institution"] == "Universität Leipzig"  # the sending side
    assert (inc["partner_country"], inc["partner_city"]) == ("Germany", "Leipzig")
    assert (inc["participant_category"], inc["gender"]) == ("academic_staff", "male")
    assert (inc["duration_days"], inc["duration_type"]) == (5, "short")
    assert inc["end_date"].date() == dt.date(2020, 3, 31)

    group = by_direction[("outgoing", "internship")]
    assert len(group) == 3
    assert len({g["mobility_id"] for g in group}) == 3
    assert len({g["participant_code"] for g in group}) == 3
    assert {g["participant_category"] for g in group} == {"student_master"}
    assert {g["partner_institution"] for g in group} == {"Gazi University"}

    (unmapped,) = report.problems
    assert (unmapped.code, unmapped.row, unmapped.column) == (
        "not_home_side",
        4,
        "Sending Country Code",
    )
    assert unmapped.value == "DE → FR"
    kept = conn.execute(
        'SELECT row_number, "column", value, row_data FROM rejected_rows'
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in kept] == [(4, "Sending Country Code", "DE → FR")]
    assert json.loads(kept[0][3])["Receiving Organization"] == "Sorbonne"


def test_reimport_is_a_no_op_and_xlsx_gives_the_same_ids(conn):
    first = ingest_ep(conn, semicolon_csv(ROWS))
    ids = set(loaded(conn))
    again = ingest_ep(conn, semicolon_csv(ROWS))
    assert (again.result.rows_new, again.result.rows_changed) == (0, 0)
    assert again.result.rows_unchanged == 5
    # The same rows typed into a workbook (numbers as numbers) are the same mobilities.
    book = xlsx_bytes([OFFICIAL, *ROWS])
    report = ingest_ep(conn, book, name="erasmus.xlsx")
    assert report.result.rows_unchanged == 5 and report.result.rows_new == 0
    assert set(loaded(conn)) == ids
    assert first.result.batch_id < report.result.batch_id


def test_strict_mode_rejects_the_whole_file_when_a_row_is_not_mapped(conn):
    report = ingest_ep(conn, semicolon_csv(ROWS), mode="strict")
    assert not report.loaded and report.result.status == "rejected"
    assert conn.execute("SELECT count(*) FROM mobility").fetchone() == (0,)
    good = ingest_ep(conn, semicolon_csv([ROWS[0], ROWS[1]]), mode="strict")
    assert good.loaded and good.result.rows_loaded == 2


def test_home_country_decides_the_direction(conn):
    report = ingest_ep(conn, semicolon_csv(ROWS), home_country="de")
    assert (report.mapping.mapped, report.mapping.unmapped) == (3, 1)
    rows = list(loaded(conn).values())
    assert sorted((r["direction"], r["partner_country"]) for r in rows) == [
        ("incoming", "Kyrgyzstan"),
        ("outgoing", "France"),
        ("outgoing", "Kyrgyzstan"),
    ]
    assert report.problems[0].row == 5  # the KG → TR group is not Germany's


def test_both_sides_home_is_domestic(conn):
    row = ep_row(Receiving_Country_Code="KG", Receiving_City="Osh", Receiving_Organization="OshSU")
    report = ingest_ep(conn, semicolon_csv([row]), mode="strict")
    assert report.loaded, report.problems
    (r,) = loaded(conn).values()
    assert (r["direction"], r["scope"], r["partner_institution"]) == (
        "outgoing",
        "domestic",
        "OshSU",
    )


def test_bad_cells_are_reported_with_the_source_column_and_value(conn):
    rows = [
        ep_row(Mobility_Start_Month="2019-13"),
        ep_row(Education_Level=UNKNOWN_LEVEL),
        ep_row(**fields(Activity_mob="Youth Exchanges - Programme Countries")),
        ep_row(Receiving_Country_Code="ZZ"),
        ep_row(Mobility_Duration="abc"),
        ep_row(Mobility_Start_Month="2020-05", Mobility_End_Month="2020-03"),
        ep_row(Participants=0),
        ep_row(Participant_Gender="Undefined", Participant_Nationality="-"),
    ]
    report = ingest_ep(conn, semicolon_csv(rows), lang="ru")
    found = {(p.row, p.code, p.column, p.value) for p in report.problems}
    assert found == {
        (2, "not_month", "Mobility Start Month", "2019-13"),
        (3, "unknown_value", "Education Level", UNKNOWN_LEVEL),
        (4, "unknown_value", "Activity (mob)", "Youth Exchanges - Programme Countries"),
        (5, "unknown_country_code", "Receiving Country Code", "ZZ"),
        (6, "not_integer", "Mobility Duration", "abc"),
        (7, "end_before_start", "Mobility End Month", "2020-03"),
        (8, "bad_participants", "Participants", "0"),
    }
    # Row 9: "Undefined" gender and "-" nationality are blanks, not errors.
    assert report.result.rows_loaded == 1
    (r,) = loaded(conn).values()
    assert r["gender"] is None and r["citizenship"] is None
    # Messages are in the user's language, from the catalogs.
    by_code = {p.code: p for p in report.problems}
    assert by_code["not_month"].message("ru") == catalog("ru")["problem.not_month"]
    assert by_code["not_integer"].message("ru") == catalog("ru")["problem.not_integer"]
    stored = dict(conn.execute("SELECT row_number, problem FROM rejected_rows").fetchall())
    assert stored[2] == catalog("ru")["problem.not_month"]
    assert stored[8] == translate("problem.bad_participants", "ru", limit=500)


def test_a_group_row_problem_is_reported_once_and_rejects_the_whole_group(conn):
    group = ep_row(Participants=4, Mobility_Duration="x")
    report = ingest_ep(conn, semicolon_csv([ROWS[0], group]))
    assert [(p.row, p.code) for p in report.problems] == [(3, "not_integer")]
    assert (report.result.rows_in, report.result.rows_loaded) == (5, 1)


def test_unmapped_row_message_in_each_language(conn):
    report = ingest_ep(conn, semicolon_csv([ROWS[2]]), check_only=True)
    (p,) = report.problems
    for lang in LANGUAGES:
        expected = translate("problem.not_home_side", lang, home="KG", sending="DE", receiving="FR")
        assert p.message(lang) == expected and "{" not in expected


def test_a_missing_source_column_rejects_the_file_naming_it(conn):
    header = [c for c in OFFICIAL if c != "Receiving Country Code"]
    rows = [[v for c, v in zip(OFFICIAL, ROWS[0], strict=True) if c != "Receiving Country Code"]]
    data = ("\n".join(";".join(map(str, r)) for r in [header, *rows]) + "\n").encode()
    report = ingest_ep(conn, data)
    assert [(p.code, p.column, p.row) for p in report.problems] == [
        ("missing_column", "Receiving Country Code", 1)
    ]
    assert not report.loaded


# --- the real LLP extract ---------------------------------------------------------------
def test_llp_extract_through_its_mapping(conn):
    report = ingest_path(
        conn,
        "mobility",
        str(LLP),
        mapping="erasmus_llp_students",
        settings={"academic_year": "2012-2013"},
        mode="valid_rows",
        lang="ru",
    )
    assert report.mapping.source_rows == 27_989 == report.mapping.mapped
    assert report.mapping.unmapped == 0 and report.mapping.expanded == 0
    assert report.result.rows_loaded == 15_061
    assert report.result.rows_rejected == 12_928
    codes: dict[str, int] = {}
    for p in report.problems:
        codes[p.code] = codes.get(p.code, 0) + 1
    assert codes == {"excel_date_in_number": 11_158, "too_large": 2_851}

    # File line 46 is "LA-CORU,19,F,ES,222,1,08. Mai,60,...": reported, not read as a date.
    (mai,) = [p for p in report.problems if p.row == 46]
    assert (mai.column, mai.value, mai.code) == (
        "Duration_Abroad",
        "08. Mai",
        "excel_date_in_number",
    )
    assert mai.message("ru") == catalog("ru")["problem.excel_date_in_number"]
    kept = conn.execute(
        'SELECT "column", value, problem FROM rejected_rows WHERE row_number = 46'
    ).fetchall()
    assert kept == [("Duration_Abroad", "08. Mai", catalog("ru")["problem.excel_date_in_number"])]
    nothing_dated = conn.execute(
        "SELECT count(*) FROM mobility WHERE start_date IS NOT NULL OR end_date IS NOT NULL"
    ).fetchone()
    assert nothing_dated == (0,)

    facts = conn.execute(
        "SELECT count(*) FILTER (direction = 'outgoing' AND participant_category = "
        "'student_bachelor' AND program = 'erasmus_plus' AND academic_year = '2012-2013'),"
        " count(*) FILTER (partner_institution IS NOT NULL OR partner_country IS NOT NULL),"
        " count(*) FILTER (citizenship = 'unknown' OR citizenship LIKE ' %'),"
        " count(*) FILTER (purpose = 'internship' AND duration_days IS NULL),"
        " max(credits_planned), max(duration_days), count(DISTINCT participant_code)"
        " FROM mobility"
    ).fetchone()
    assert facts == (15_061, 0, 0, 3_256, 60.0, 390, 15_061)


def test_llp_rows_map_months_grants_and_blanks():
    text = (
        "City,AGE,Gender,Nationality,Subject_Area,Years_Higher_Education,Duration_Abroad,"
        "ECTS_Anticipated,Special_Needs,Language_Taught,Study_Grant,Placement_Grant\n"
        " GRANADA,18,F,ES,223,1,9,54,0,FR,1170,0\n"
        ",,,,,,,,,,,\n"
        "\n"
        "  JAEN01,19,M,unknown,589,1,0,22,0,IT,0,900\n"
        " MADRID0,58,M,es,22,4,05. Mai,30,0,EN,842.5,0\n"
    )
    raw = read_table("llp.csv", text.encode())
    mapped = apply_mapping(raw, "erasmus_llp_students", settings={"academic_year": "2012-2013"})
    assert mapped.stats.source_rows == 3  # the two blank lines are skipped
    targets = list(mapped.sheet.grid.loc[1])
    rows = {
        int(i): dict(zip(targets, r, strict=True))
        for i, r in zip(mapped.sheet.grid.index[1:], mapped.sheet.grid.values[1:], strict=True)
    }
    assert set(rows) == {2, 5, 6}
    assert (rows[2]["duration_days"], rows[2]["credits_planned"]) == ("270", "54")
    assert (rows[2]["purpose"], rows[2]["citizenship"], rows[2]["gender"]) == (
        "study",
        "Spain",
        "female",
    )
    assert rows[5]["purpose"] == "internship" and rows[5]["duration_days"] is None
    assert rows[5]["citizenship"] is None  # "unknown" is left empty
    assert rows[6]["citizenship"] == "Spain" and rows[6]["duration_days"] is None
    assert [(p.row, p.column, p.value) for p in mapped.problems] == [
        (6, "Duration_Abroad", "05. Mai")
    ]
    # Padding is not part of the identity: trimmed cities give the same ids.
    unpadded = read_table("llp.csv", text.replace(" GRANADA", "GRANADA").encode())
    again = apply_mapping(unpadded, "erasmus_llp_students", settings={"academic_year": "2012-2013"})
    assert list(again.sheet.grid[0]) == list(mapped.sheet.grid[0])


def test_llp_needs_the_academic_year_on_the_command_line():
    raw = read_table("llp.csv", LLP.read_bytes()[:2000])
    with pytest.raises(MappingError) as exc:
        apply_mapping(raw, "erasmus_llp_students")
    assert exc.value.code == "needs_set"
    assert "--set academic_year=2012-2013" in exc.value.message("en")
    with pytest.raises(MappingError) as exc:
        apply_mapping(raw, "erasmus_llp_students", settings={"academic_year": "2012"})
    assert exc.value.code == "set_bad_value"
    assert catalog("ru")["problem.not_academic_year"] in exc.value.message("ru")


# --- transforms and definitions ---------------------------------------------------------
def test_month_transforms():
    def ctx(text: str) -> RowContext:
        return RowContext({"m": text}, "KG")

    spec = {"source": "m"}
    assert month_start(spec, ctx("2019-09")) == "2019-09-01"
    assert month_end(spec, ctx("2019-09")) == "2019-09-30"
    assert month_end(spec, ctx("02/2024")) == "2024-02-29"
    assert month_start(spec, ctx("2019-09-17 00:00:00")) == "2019-09-01"  # a typed Excel date
    for bad in ("2019-13", "Sept 2019", "201909"):
        with pytest.raises(CellError) as exc:
            month_start(spec, ctx(bad))
        assert exc.value.code == "not_month"


@pytest.mark.parametrize("text", ["09. Mai", "Sep-75", "Mai 25", "Okt 75", "Dez 75", "5-May"])
def test_excel_dates_are_never_read_as_months(text):
    with pytest.raises(CellError) as exc:
        months_to_days({"source": "d"}, RowContext({"d": text}, "KG"))
    assert exc.value.code == "excel_date_in_number"


def test_months_to_days():
    def days(text: str, **kw) -> str | None:
        return months_to_days({"source": "d", **kw}, RowContext({"d": text}, "KG"))

    assert days("9") == "270" and days("9,5") == "285"
    assert days("0") == "0" and days("0", zero_is_missing=True) is None


def test_every_mapping_definition_loads():
    assert {"erasmus_plus", "erasmus_llp_students"} <= set(available_mappings())
    for name in available_mappings():
        mapping = load_mapping(name)
        assert mapping.dataset in ("mobility",)
        assert "study_semester" not in mapping.columns
    assert load_mapping("erasmus_plus").source_columns == tuple(OFFICIAL)
    assert load_mapping(str(MAPPINGS_DIR / "erasmus_plus.json")).name == "erasmus_plus"
    with pytest.raises(MappingError):
        load_mapping("../schemas/mappings/erasmus_plus")


def test_a_mapping_for_another_dataset_is_refused():
    raw = read_table("x.csv", semicolon_csv(ROWS[:1]))
    with pytest.raises(MappingError) as exc:
        apply_mapping(raw, "erasmus_plus", get_dataset("agreements"))
    assert exc.value.code == "wrong_dataset"


# --- the command line -------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": "en"},
        timeout=120,
    )


def test_cli_exit_codes_and_summary(tmp_path: Path, db_path: Path):
    export = tmp_path / "erasmus.csv"
    export.write_bytes(semicolon_csv(ROWS))
    db = ("--db", str(db_path))

    out = cli("check", "mobility", str(export), "--mapping", "erasmus_plus", *db)
    assert out.returncode == 1, out.stderr
    assert "4 source rows; 3 mapped into 5 mobilities (group rows expanded: 1); 1 not mapped" in (
        out.stdout
    )
    assert "row 4 «Sending Country Code»" in out.stdout

    out = cli("ingest", "mobility", str(export), "--mapping", "erasmus_plus", *db)
    assert out.returncode == 1 and "6 rows in, 0 loaded, 6 rejected" in out.stdout

    args = ("ingest", "mobility", str(export), "--mapping", "erasmus_plus", "--mode", "valid-rows")
    out = cli(*args, *db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "6 rows in, 5 loaded, 1 rejected" in out.stdout
    out = cli(*args, *db, "--lang", "ru")
    assert out.returncode == 0 and "Новых 0, изменённых 0, без изменений 5" in out.stdout
    assert "исходных строк 4" in out.stdout

    custom = tmp_path / "my_mapping.json"
    custom.write_text((MAPPINGS_DIR / "erasmus_plus.json").read_text(encoding="utf-8"))
    out = cli(*args, "--mapping", str(custom), "--home-country", "DE", *db)
    assert out.returncode == 0 and "1 not mapped" in out.stdout

    out = cli(*args[:3], "--mapping", "no_such_mapping", *db)
    assert out.returncode == 2 and "no mapping" in out.stderr and "erasmus_plus" in out.stderr
    out = cli("ingest", "mobility", str(LLP), "--mapping", "erasmus_llp_students", *db)
    assert out.returncode == 2 and "--set academic_year=" in out.stderr
    out = cli(*args, "--set", "academic_year", *db)
    assert out.returncode == 2 and "COLUMN=VALUE" in out.stderr
    out = cli("ingest", "mobility", str(export), "--set", "faculty=ECON", *db)
    assert out.returncode == 2 and "--mapping" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_llp_with_a_constant(tmp_path: Path, db_path: Path):
    out = cli(
        "ingest",
        "mobility",
        str(LLP),
        "--mapping",
        "erasmus_llp_students",
        "--set",
        "academic_year=2012-2013",
        "--set",
        "faculty=ECON",
        "--mode",
        "valid-rows",
        "--db",
        str(db_path),
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "27989 rows in, 15061 loaded, 12928 rejected" in out.stdout
    assert 'row 46 «Duration_Abroad»: "08. Mai"' in out.stdout
