"""Table downloads: formula neutralising, real CSV and XLSX files read back."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from sapat.export import neutralise, safe_frame, sheet_name, to_csv_bytes, to_xlsx_bytes

DANGEROUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "\tplain",
    "\rplain",
    "＝1+1",
    "＋1+1",
    "  =1+1",
    " @SUM(A1)",
    "\n-2+3",
    '=HYPERLINK("http://x.test","click")',
    "-5",
]
HARMLESS = ["plain", "Бишкек", "a=b", "1-2", "", " ", "'=already"]


def _csv_rows(payload: bytes) -> list[list[str]]:
    assert payload.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(payload[3:].decode("utf-8"), newline="")))


def _sheet(payload: bytes):
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def _text(cell) -> str:
    # xlsxwriter stores a carriage return as Excel's "_x000D_" escape; openpyxl keeps it.
    return cell.value.replace("_x000D_", "\r")


def _no_formulas(ws) -> None:
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_dangerous_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_neutralise_leaves_harmless_text(text):
    assert neutralise(text) == text


@pytest.mark.parametrize(
    "value", [-5, -5.5, 0, True, False, None, dt.date(2024, 3, 5), pd.Timestamp("2024-03-05")]
)
def test_neutralise_leaves_non_text(value):
    assert neutralise(value) is value


def test_safe_frame_neutralises_cells_and_headers_without_mutating():
    frame = pd.DataFrame(
        {
            "=bad": ["=1+1", "ok", None],
            "n": [-1, 2, 3],
            "obj": pd.Series(["-5", 7, None], dtype=object),
            "cat": pd.Categorical(["@x", "y", "@x"]),
        }
    )
    before = frame.copy(deep=True)
    out = safe_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns) == ["'=bad", "n", "obj", "cat"]
    assert out["'=bad"].tolist()[:2] == ["'=1+1", "ok"]
    assert pd.isna(out["'=bad"].iloc[2])
    assert out["n"].tolist() == [-1, 2, 3]
    assert out["obj"].tolist()[:2] == ["'-5", 7]
    assert out["cat"].tolist() == ["'@x", "y", "'@x"]


def test_safe_frame_multiindex_headers():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("=a", "b"), ("c", "+d")]))
    assert list(safe_frame(frame).columns) == [("'=a", "b"), ("c", "'+d")]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Университет": ["Кыргызский университет", "=cmd|' /C calc'!A0", "-5", "+7", None],
            "@score": [-5, 1.5, -0.25, 0, 3],
            "date": pd.to_datetime(["2024-03-05", "2023-12-31", None, "2024-01-01", "2024-02-29"]),
            "when": pd.to_datetime(["2024-03-05 10:30", None, None, None, None]),
            "ok": [True, False, True, False, True],
        }
    )


def test_csv_round_trip(frame):
    before = frame.copy(deep=True)
    rows = _csv_rows(to_csv_bytes(frame))
    pd.testing.assert_frame_equal(frame, before)
    assert rows[0] == ["Университет", "'@score", "date", "when", "ok"]
    assert [r[0] for r in rows[1:]] == [
        "Кыргызский университет",
        "'=cmd|' /C calc'!A0",
        "'-5",
        "'+7",
        "",
    ]
    assert [r[1] for r in rows[1:]] == ["-5.0", "1.5", "-0.25", "0.0", "3.0"]
    assert rows[1][2] == "2024-03-05"
    assert len(rows) == 6


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_every_dangerous_prefix(text):
    rows = _csv_rows(to_csv_bytes(pd.DataFrame({"x": [text]})))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_every_dangerous_prefix(text):
    ws = _sheet(to_xlsx_bytes(pd.DataFrame({text: [text]})))
    _no_formulas(ws)
    assert _text(ws["A1"]) == "'" + text
    assert _text(ws["A2"]) == "'" + text
    assert ws["A2"].data_type == "s"


def test_xlsx_round_trip(frame):
    before = frame.copy(deep=True)
    ws = _sheet(to_xlsx_bytes(frame))
    pd.testing.assert_frame_equal(frame, before)
    _no_formulas(ws)
    assert [c.value for c in ws[1]] == ["Университет", "'@score", "date", "when", "ok"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert [ws.cell(r, 1).value for r in range(2, 7)] == [
        "Кыргызский университет",
        "'=cmd|' /C calc'!A0",
        "'-5",
        "'+7",
        None,
    ]
    scores = [ws.cell(r, 2) for r in range(2, 7)]
    assert [c.value for c in scores] == [-5, 1.5, -0.25, 0, 3]
    assert all(c.data_type == "n" for c in scores)
    first_date = ws["C2"]
    assert first_date.is_date and first_date.value == dt.datetime(2024, 3, 5)
    assert first_date.number_format == "dd.mm.yyyy"
    assert ws["C4"].value is None
    assert ws["D2"].is_date and ws["D2"].value == dt.datetime(2024, 3, 5, 10, 30)
    assert ws["D2"].number_format.startswith("dd.mm.yyyy")
    assert ws["E2"].value is True
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
    assert widths["A"] >= len("Кыргызский университет")
    assert all(w <= 51 for w in widths.values())


def test_xlsx_width_is_capped():
    ws = _sheet(to_xlsx_bytes(pd.DataFrame({"long": ["x" * 500]})))
    assert ws["A2"].value == "x" * 500
    assert ws.column_dimensions["A"].width <= 51


def test_xlsx_timezone_aware_dates():
    stamps = pd.Series(pd.to_datetime(["2024-03-05"]).tz_localize("Asia/Bishkek"))
    ws = _sheet(to_xlsx_bytes(pd.DataFrame({"d": stamps})))
    assert ws["A2"].value == dt.datetime(2024, 3, 5)


def test_empty_frames():
    empty = pd.DataFrame({"=a": pd.Series([], dtype=object), "b": pd.Series([], dtype=float)})
    rows = _csv_rows(to_csv_bytes(empty))
    assert rows == [["'=a", "b"]]
    ws = _sheet(to_xlsx_bytes(empty))
    assert [c.value for c in ws[1]] == ["'=a", "b"]
    assert ws.max_row == 1
    _sheet(to_xlsx_bytes(pd.DataFrame()))
    assert to_csv_bytes(pd.DataFrame()).startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("data", "data"),
        ("Рейтинги: QS [Asia] 2024/25 *draft*?", "Рейтинги_ QS _Asia_ 2024_25 _dr"),
        ("a\\b", "a_b"),
        ("", "data"),
        ("'quoted'", "quoted"),
        ("History", "data"),
    ],
)
def test_sheet_name(given, expected):
    assert sheet_name(given) == expected


def test_xlsx_long_invalid_sheet_name():
    name = "Mobility / outbound [2024]: who? * " * 3
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), sheet=name)))
    title = book.sheetnames[0]
    assert len(title) <= 31
    assert not set(title) & set("[]:*?/\\")
    assert title == sheet_name(name)


def test_missing_values_are_empty_cells_and_counts_are_integers():
    import numpy as np

    from sapat.export import plain_values

    frame = pd.DataFrame(
        {
            "count": [690.0, np.nan],
            "score": [11.6, np.nan],
            "text": ["nan", None],
            "mixed": [pd.NA, 3],
            "typed": pd.Series(["x", pd.NA], dtype="string"),
            "day": pd.to_datetime(["2024-01-02", None]),
            "history": [[1.0, None], [2.0]],
        }
    )
    rows = _csv_rows(to_csv_bytes(frame))
    assert rows[1:] == [
        ["690", "11.6", "", "", "x", "2024-01-02", "1.0; —"],
        ["", "", "", "3", "", "", "2.0"],
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))
    cells = [list(r) for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert cells[0][:4] == [690, 11.6, None, None] and cells[1][:5] == [None] * 3 + [3, None]
    assert plain_values(frame)["count"].dtype == "Int64"
