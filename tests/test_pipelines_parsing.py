"""pipelines.parsing: every cell is parsed explicitly, and what cannot be read is a problem."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.parsing import (
    ParseError,
    Rank,
    code_parser,
    norm_key,
    parse_academic_year,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    parse_rank,
    parse_series,
    split_ranks,
)
from sapat.i18n import LANGUAGES, catalog
from schemas import codes
from schemas.registry import DATASETS


def problem(parser, text: str) -> str:
    with pytest.raises(ParseError) as info:
        parser(text)
    return info.value.code


# --- integers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("12.0", 12),
        ("-5", -5),
        ("3,730", 3730),
        ("3.705", 3705),
        ("1 401", 1401),
        ("1.234.567", 1234567),
        ("1'401", 1401),
    ],
)
def test_parse_int(text: str, value: int) -> None:
    result = parse_int(text)
    assert result == value
    assert type(result) is int


@pytest.mark.parametrize("text", ["1.9", "12.5", "1,9", "3.7050", "1,40", "abc", "12a", "1e3"])
def test_parse_int_refuses(text: str) -> None:
    assert problem(parse_int, text) == "not_integer"


@pytest.mark.parametrize("text", ["1 40", "2 3", "12 34 5"])
def test_parse_int_refuses_misgrouped_spaces(text: str) -> None:
    assert problem(parse_int, text) == "not_integer"


# --- decimals ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1,234,567", 1234567.0),
        ("-0,25", -0.25),
        ("87.5%", 87.5),
        ("12", 12.0),
    ],
)
def test_parse_float(text: str, value: float) -> None:
    assert parse_float(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "3,5,x", "inf", "nan", "-", "1.234.567"])
def test_parse_float_refuses(text: str) -> None:
    assert problem(parse_float, text) == "not_number"


@pytest.mark.parametrize("text", ["3 5", "1 5", "1 23,5"])
def test_parse_float_refuses_misgrouped_spaces(text: str) -> None:
    assert problem(parse_float, text) == "not_number"


# --- booleans ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["yes", "Yes", "TRUE", "true", "1", "да", "Да", "ооба", "Ооба"])
def test_parse_bool_true(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["no", "No", "FALSE", "false", "0", "нет", "жок"])
def test_parse_bool_false(text: str) -> None:
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "yes?", "2", "nope", "-1"])
def test_parse_bool_refuses(text: str) -> None:
    assert problem(parse_bool, text) == "not_boolean"


# --- dates ------------------------------------------------------------------------------
SEPT_1 = dt.date(2024, 9, 1)


@pytest.mark.parametrize(
    "text",
    [
        "45536",  # Excel serial number of 1 Sep 2024
        "45536.0",
        "45536.75",  # a serial with a time of day is still that day
        "01.09.2024",
        "1.9.2024",
        "01/09/2024",
        "2024-09-01",
        "2024-09-01 00:00:00",  # what fastexcel gives for a date cell
        "2024-09-01T00:00:00",
    ],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == SEPT_1


@pytest.mark.parametrize("text", ["5. Mai", "31.02.2024", "2024-13-01", "1 September", "09.2024"])
def test_parse_date_refuses(text: str) -> None:
    assert problem(parse_date, text) == "not_date"


@pytest.mark.parametrize("text", ["01.01.1900", "2200-01-01"])
def test_parse_date_out_of_range(text: str) -> None:
    assert problem(parse_date, text) == "date_out_of_range"


# --- academic years ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2024/25", "2024-2025", "2024–2025", "2024/2025", "2024 - 25"])
def test_parse_academic_year(text: str) -> None:
    assert parse_academic_year(text) == "2024-2025"


@pytest.mark.parametrize(
    "text", ["2024-2026", "2024/24", "2025-2024", "2024", "24/25", "2024-25-26"]
)
def test_parse_academic_year_refuses(text: str) -> None:
    assert problem(parse_academic_year, text) == "not_academic_year"


# --- ranks ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "low", "high", "is_tie", "is_band"),
    [
        ("39", 39, 39, False, False),
        ("=39", 39, 39, True, False),
        ("7=", 7, 7, True, False),
        ("701-710", 701, 710, False, True),
        ("201–250", 201, 250, False, True),  # en dash, as THE publishes bands
        ("1001-1200", 1001, 1200, False, True),
        ("1401+", 1401, None, False, True),
        ("1 401+", 1401, None, False, True),
        ("601+", 601, None, False, True),
        ("Reporter", None, None, False, False),
    ],
)
def test_parse_rank(
    text: str, low: int | None, high: int | None, is_tie: bool, is_band: bool
) -> None:
    assert parse_rank(text) == Rank(text, low, high, is_tie, is_band)


@pytest.mark.parametrize("text", ["1.9", "0", "250-201", "abc", "39th", "-3", "1401-"])
def test_parse_rank_refuses(text: str) -> None:
    assert problem(parse_rank, text) == "not_rank"


# --- codes ------------------------------------------------------------------------------
def test_norm_key_is_case_space_and_punctuation_blind() -> None:
    assert norm_key("  Programme  Code ") == norm_key("programme_code") == "programmecode"
    assert norm_key("КОД ПРОГРАММЫ") == norm_key("Код программы")
    assert norm_key("Erasmus+") == "erasmusplus"


def test_code_is_accepted_as_written() -> None:
    parse = code_parser(codes.DIRECTION)
    assert parse("outgoing") == "outgoing"
    assert parse("OUTGOING") == "outgoing"
    assert parse(" Outgoing ") == "outgoing"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_outgoing_label_in_each_language(lang: str) -> None:
    label = catalog(lang)["code.outgoing"]
    parse = code_parser(codes.DIRECTION)
    assert parse(label) == "outgoing"
    assert parse(label.upper()) == "outgoing"
    assert parse(f"  {label.lower()} ") == "outgoing"


def test_kyrgyz_and_russian_labels_of_outgoing_are_real_translations() -> None:
    ky, ru, en = (catalog(lang)["code.outgoing"] for lang in ("ky", "ru", "en"))
    assert en == "Outgoing"
    assert ky != en and ru != en
    assert code_parser(codes.DIRECTION)(ky) == code_parser(codes.DIRECTION)(ru) == "outgoing"


@pytest.mark.parametrize("text", ["Erasmus+", "erasmus+", "ERASMUS +", "Erasmus", "erasmus_plus"])
def test_erasmus_spellings(text: str) -> None:
    assert code_parser(codes.MOBILITY_PROGRAM)(text) == "erasmus_plus"


@pytest.mark.parametrize("text", ["unknown", "sideways", "outgoingg"])
def test_unknown_code(text: str) -> None:
    assert problem(code_parser(codes.DIRECTION), text) == "not_in_list"


def test_alias_only_for_its_own_list() -> None:
    # "out" is an alias of outgoing; it must not leak into a list without that code.
    assert code_parser(codes.DIRECTION)("out") == "outgoing"
    assert problem(code_parser(codes.MOBILITY_SCOPE), "out") == "not_in_list"


CODED_COLUMNS = sorted(
    {(ds.name, col.name, col.codes) for ds in DATASETS.values() for col in ds.columns if col.codes}
)


@pytest.mark.parametrize(
    ("dataset", "column", "allowed"), CODED_COLUMNS, ids=[f"{d}.{c}" for d, c, _ in CODED_COLUMNS]
)
def test_every_label_reads_back_as_its_code(dataset: str, column: str, allowed: tuple) -> None:
    """What a template shows in any language must read back as the code it stands for."""
    parse = code_parser(allowed)
    wrong = {}
    for code in allowed:
        for lang in LANGUAGES:
            label = catalog(lang).get(f"code.{code}")
            if label is not None and parse(label) != code:
                wrong[(code, lang, label)] = parse(label)
    assert wrong == {}


# --- whole columns ----------------------------------------------------------------------
def test_parse_series_keeps_the_excel_row_index() -> None:
    raw = pd.Series(["12", "1.9", None, "3,730", "-", "x"], index=[5, 6, 7, 8, 9, 10])
    values, problems = parse_series(raw, "int")
    assert str(values.dtype) == "Int64"
    assert list(values.index) == [5, 6, 7, 8, 9, 10]
    assert values.tolist() == [12, pd.NA, pd.NA, 3730, pd.NA, pd.NA]
    assert problems.dropna().to_dict() == {6: "not_integer", 10: "not_integer"}


def test_parse_series_cleans_non_breaking_spaces() -> None:
    # Excel in Russian locale groups thousands with a no-break space; users paste that.
    raw = pd.Series(["1\u00a0401", "\u00a012\u00a0", "2\u202f000"], index=[2, 3, 4])
    values, problems = parse_series(raw, "int")
    assert values.tolist() == [1401, 12, 2000]
    assert problems.isna().all()


def test_parse_series_float() -> None:
    raw = pd.Series(["3,5", "1.234,5", "3.5", "n/a", "abc"], index=[2, 3, 4, 5, 6])
    values, problems = parse_series(raw, "float")
    assert str(values.dtype) == "Float64"
    assert values.tolist()[:3] == [3.5, 1234.5, 3.5]
    assert values.isna().tolist() == [False, False, False, True, True]
    assert problems.dropna().to_dict() == {6: "not_number"}


def test_parse_series_dates() -> None:
    raw = pd.Series(["45536", "01.09.2024", "2024-09-01 00:00:00", "5. Mai", "31.02.2024", None])
    values, problems = parse_series(raw, "date")
    assert str(values.dtype) == "datetime64[us]"
    assert values.iloc[:3].dt.date.tolist() == [SEPT_1] * 3
    assert values.iloc[3:].isna().all()
    assert problems.dropna().to_dict() == {3: "not_date", 4: "not_date"}


def test_parse_series_bool() -> None:
    raw = pd.Series(["no", "да", "ооба", "maybe", "yes"])
    values, problems = parse_series(raw, "bool")
    assert str(values.dtype) == "boolean"
    assert values.tolist()[:3] == [False, True, True]
    assert values.tolist()[4] is True
    assert problems.dropna().to_dict() == {3: "not_boolean"}


def test_parse_series_academic_year() -> None:
    values, problems = parse_series(pd.Series(["2024/25", "2024-2026"]), "academic_year")
    assert values.iloc[0] == "2024-2025"
    assert pd.isna(values.iloc[1])
    assert problems.dropna().to_dict() == {1: "not_academic_year"}


def test_parse_series_codes_in_three_languages() -> None:
    labels = [catalog(lang)["code.outgoing"] for lang in LANGUAGES]
    raw = pd.Series([*labels, "Erasmus+", "unknown", "-"])
    values, problems = parse_series(raw, "code", codes.DIRECTION)
    assert values.tolist()[:3] == ["outgoing"] * 3
    assert problems.dropna().to_dict() == {3: "not_in_list", 4: "not_in_list"}
    assert pd.isna(values.iloc[5])


def test_parse_series_text_keeps_dashes() -> None:
    # A dash is "missing" in a typed column, but text (e.g. a code "-") is kept as written.
    values, problems = parse_series(pd.Series(["-", " B-01 ", ""]), "text")
    assert values.tolist()[:2] == ["-", "B-01"]
    assert pd.isna(values.iloc[2])
    assert problems.isna().all()


def test_parse_series_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines import parsing

    seen: list[str] = []

    def counting(text: str) -> int:
        seen.append(text)
        return parse_int(text)

    monkeypatch.setitem(parsing.PARSERS, "int", counting)
    values, _ = parse_series(pd.Series(["7", "8"] * 5000), "int")
    assert sorted(seen) == ["7", "8"]
    assert values.sum() == 75000


def test_ranks_split_into_columns() -> None:
    raw = pd.Series(
        ["=39", "7=", "701-710", "201–250", "1401+", "1 401+", "601+", "Reporter", "-", "1.9"],
        index=range(2, 12),
    )
    ranks, problems = parse_series(raw, "rank")
    assert problems.dropna().to_dict() == {11: "not_rank"}  # "-" is missing, not a problem
    table = split_ranks(ranks)
    assert list(table.columns) == ["rank_display", "rank_low", "rank_high", "is_tie", "is_band"]
    assert str(table["rank_low"].dtype) == str(table["rank_high"].dtype) == "Int64"
    expected = [
        ("=39", 39, 39, True, False),
        ("7=", 7, 7, True, False),
        ("701-710", 701, 710, False, True),
        ("201–250", 201, 250, False, True),
        ("1401+", 1401, None, False, True),
        ("1 401+", 1401, None, False, True),
        ("601+", 601, None, False, True),
        ("Reporter", None, None, False, False),
    ]
    got = [
        tuple(None if pd.isna(v) else v for v in row)
        for row in table.loc[2:9].itertuples(index=False)
    ]
    assert got == expected
    assert table.loc[[10, 11]].isna().all().all()
