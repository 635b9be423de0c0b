"""Charts of the accreditation page: traces, labels in the user's language, limits, empty frames."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from sapat.charts import accreditation as ch
from sapat.formats import percent
from sapat.i18n import LANGUAGES, catalog, code_label, translate
from sapat.queries.accreditation import EXPIRY, ITEM_KINDS

TODAY = dt.date(2026, 11, 21)

COVERAGE = pd.DataFrame(
    {
        "group_type": ["overall", "faculty", "faculty", "level", "level"],
        "group_value": ["", "MATH", "ECON", "master", "bachelor"],
        "programs": [10, 4, 6, 3, 7],
        "accredited": [7, 2, 5, 3, 4],
        "licensed": [9, 4, 5, 2, 7],
        "accredited_share": [0.7, 0.5, 5 / 6, 1.0, 4 / 7],
        "licensed_share": [0.9, 1.0, 5 / 6, 2 / 3, 1.0],
    }
)
AGENCIES = pd.DataFrame(
    {
        "agency": ["IAAR", "IAAR", "EdNet", "FIBAA"],
        "kind": ["national", "national", "national", "international"],
        "status": ["accredited", "expired", "accredited", "accredited"],
        "accreditations": [20, 5, 16, 4],
    }
)
ACTIONS = pd.DataFrame(
    {
        "status": ["open", "in_progress", "done", "cancelled"],
        "items": [6, 8, 20, 6],
        "overdue": [5, 8, 0, 0],
    }
)


def _item(
    kind: str,
    item_id: str,
    code: str | None,
    *,
    start: dt.date | None = dt.date(2022, 1, 1),
    end: dt.date | None = None,
    status: str | None = None,
    faculty: str | None = "ECON",
) -> dict:
    until = pd.Timestamp(end) if end else pd.NaT
    expiry = None
    if end is not None:
        left = (end - TODAY).days
        expiry = "expired" if left < 0 else "within_90" if left <= 90 else None
        expiry = "within_180" if expiry is None and left <= 180 else expiry
    return {
        "item_kind": kind,
        "item_id": item_id,
        "program_code": code,
        "name_ky": f"{code} аты" if code else None,
        "name_ru": f"{code} название" if code else None,
        "name_en": f"{code} name" if code else None,
        "faculty": faculty if code else None,
        "body": "EdNet" if kind == "accreditation" else "Ministry",
        "status": status or ("accredited" if kind == "accreditation" else "active"),
        "valid_from": pd.Timestamp(start) if start else pd.NaT,
        "valid_until": until,
        "expiry": expiry,
    }


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


TIMELINE = pd.DataFrame(
    [
        _item("license", "L-INST", None),
        _item("accreditation", "A-INST", None, end=_days(150)),
        _item("license", "L-P1", "P1"),  # open-ended
        _item("accreditation", "A-P1-OLD", "P1", end=_days(-300), status="expired"),
        _item("accreditation", "A-P1", "P1", start=_days(-299), end=_days(1500)),
        _item("license", "L-P2", "P2", end=_days(30)),
        _item("accreditation", "A-P2", "P2", end=_days(-10), status="expired"),
        _item("accreditation", "A-P3", "P3", start=None, status="planned"),  # nothing to draw
        _item("license", "L-P4", "P4", status="revoked"),  # not drawn
    ]
)


def _texts(fig: go.Figure) -> str:
    parts = [str(fig.layout.title.text or "")]
    parts += [str(t.name or "") for t in fig.data]
    parts += [str(a.text or "") for a in fig.layout.annotations]
    for trace in fig.data:
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None:
                parts += [str(v) for v in values]
        if getattr(trace, "legendgrouptitle", None) is not None:
            parts.append(str(trace.legendgrouptitle.text or ""))
    return " ".join(parts)


# --- labels --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_expiry_and_item_kind_labels_exist_in_every_language(lang):
    for code in EXPIRY:
        assert f"accreditation.expiry.{code}" in catalog(lang)
        assert ch.expiry_label(code, lang) == catalog(lang)[f"accreditation.expiry.{code}"]
    for kind in ITEM_KINDS:
        assert ch.item_kind_label(kind, lang) == catalog(lang)[f"accreditation.item_kind.{kind}"]
    assert set(ch.EXPIRY_COLORS) == set(EXPIRY)


def test_kyrgyz_labels_are_cyrillic():
    for key, text in catalog("ky").items():
        if key.startswith("accreditation."):
            letters = [c for c in re.sub(r"\{\w+\}", "", text) if c.isalpha()]
            latin = [c for c in letters if c.isascii()]
            # Abbreviations such as PhD are fine; words are Cyrillic.
            assert len(latin) <= 3, (key, text)


# --- coverage --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_bars_by_faculty(lang):
    fig = ch.coverage_bars(COVERAGE, lang, "faculty")
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.name for t in fig.data] == [
        translate("accreditation.accredited", lang),
        translate("accreditation.licensed", lang),
    ]
    # Horizontal bars: upright ones were too narrow for their labels, which ran together.
    assert all(t.orientation == "h" for t in fig.data)
    assert list(fig.data[0].y) == ["ECON", "MATH"]  # the overall and level rows left out
    assert list(fig.layout.yaxis.categoryarray) == ["MATH", "ECON"]  # the first on top
    assert list(fig.data[0].x) == pytest.approx([5 / 6, 0.5])
    assert list(fig.data[1].x) == pytest.approx([5 / 6, 1.0])
    assert list(fig.data[0].text) == [percent(5 / 6, lang), percent(0.5, lang)]
    assert fig.layout.xaxis.tickformat == ".0%"
    # A long title goes on two lines, under which the legend has its own row.
    heading = fig.layout.title.text
    assert heading.replace("<br>", " ") == translate("accreditation.coverage_title_faculty", lang)
    assert all(len(line) <= 46 for line in heading.split("<br>"))
    assert fig.layout.margin.t >= 22 * (heading.count("<br>") + 1) + 40


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_bars_by_level_in_code_order_and_language(lang):
    fig = ch.coverage_bars(COVERAGE, lang, "level")
    assert list(fig.data[0].y) == [code_label("bachelor", lang), code_label("master", lang)]
    assert list(fig.data[1].x) == pytest.approx([1.0, 2 / 3])
    heading = fig.layout.title.text.replace("<br>", " ")
    assert heading == translate("accreditation.coverage_title_level", lang)


# --- gantt -----------------------------------------------------------------------------


def _bars(fig: go.Figure, kind: str) -> list:
    return [t for t in fig.data if t.legendgroup == kind]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_validity_gantt_traces_and_colours(lang):
    fig = ch.validity_gantt(TIMELINE, lang, TODAY)
    assert all(t.type == "bar" and t.orientation == "h" for t in fig.data)
    licences, accreditations = _bars(fig, "license"), _bars(fig, "accreditation")
    assert licences and accreditations and len(licences) + len(accreditations) == len(fig.data)
    # Distinguishable kinds: own lane, own pattern, own legend group title.
    assert {t.offsetgroup for t in licences} == {"license"}
    assert {t.marker.pattern.shape for t in licences} == {"/"}
    assert {t.marker.pattern.shape for t in accreditations} == {""}
    assert licences[0].legendgrouptitle.text == translate("accreditation.item_kind.license", lang)
    colours = {t.name: t.marker.color for t in accreditations}
    assert colours[ch.expiry_label("expired", lang)] == ch.EXPIRY_COLORS["expired"]
    assert colours[ch.expiry_label("within_180", lang)] == ch.EXPIRY_COLORS["within_180"]
    assert colours[translate("accreditation.valid", lang)] == ch.NORMAL_COLORS["accreditation"]
    lic = {t.name: t for t in licences}
    assert lic[ch.expiry_label("within_90", lang)].marker.color == ch.EXPIRY_COLORS["within_90"]
    # Open-ended licences: a lighter colour, running to the right edge of the axis.
    open_ended = lic[translate("accreditation.open_ended", lang)]
    assert open_ended.marker.color == ch.OPEN_COLORS["license"]
    right = pd.Timestamp(fig.layout.xaxis.range[1])
    for base, length in zip(open_ended.base, open_ended.x, strict=True):
        assert pd.Timestamp(base) + pd.Timedelta(milliseconds=length) == right
    assert right > pd.Timestamp(_days(1500))


def test_validity_gantt_bar_spans_its_dates():
    fig = ch.validity_gantt(TIMELINE, "en", TODAY)
    ending = next(t for t in fig.data if t.name == ch.expiry_label("within_90", "en"))
    assert len(ending.x) == 1
    start = pd.Timestamp(ending.base[0])
    assert start == pd.Timestamp(2022, 1, 1)
    assert start + pd.Timedelta(milliseconds=ending.x[0]) == pd.Timestamp(_days(30))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_validity_gantt_rows_labels_and_today_line(lang):
    fig = ch.validity_gantt(TIMELINE, lang, TODAY)
    rows = list(fig.layout.yaxis.categoryarray)[::-1]  # top-down
    assert rows == [
        translate("accreditation.institution", lang),
        f"P1 · P1 {'аты' if lang == 'ky' else 'название' if lang == 'ru' else 'name'}",
        f"P2 · P2 {'аты' if lang == 'ky' else 'название' if lang == 'ru' else 'name'}",
    ]  # P3 (planned) and P4 (revoked licence) have nothing to draw
    drawn = {i for t in fig.data for i in (c[0] for c in t.customdata)}
    assert drawn == {"L-INST", "A-INST", "L-P1", "A-P1-OLD", "A-P1", "L-P2", "A-P2"}
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1
    assert pd.Timestamp(lines[0].x0) == pd.Timestamp(TODAY) == pd.Timestamp(lines[0].x1)
    written = {"ky": "21.11.2026", "ru": "21.11.2026", "en": "21 Nov 2026"}[lang]
    label = translate("accreditation.today", lang, date=written)
    assert label in [a.text for a in fig.layout.annotations]  # today in the user's format
    # Its label has a row of its own above the first programme, not drawn over its bars.
    assert list(fig.layout.yaxis.range) == [-0.5, len(rows) + 0.5]


def test_validity_gantt_height_grows_with_rows():
    def many(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            [_item("accreditation", f"A{i}", f"P{i:03d}", end=_days(400)) for i in range(n)]
        )

    small, large = ch.validity_gantt(many(5), "en", TODAY), ch.validity_gantt(many(80), "en", TODAY)
    assert large.layout.height > small.layout.height
    assert len(large.layout.yaxis.categoryarray) == 80  # the default limit fits 80 programmes
    assert large.layout.height >= 80 * 20


def test_validity_gantt_limit_keeps_programmes_needing_attention():
    rows = [_item("accreditation", f"OK{i}", f"P{i:04d}", end=_days(900)) for i in range(2000)]
    rows += [
        _item("accreditation", "SOON", "Z-SOON", end=_days(45)),
        _item("license", "GONE", "Z-GONE", end=_days(-5), status="expired"),
        # Renewed: the old cycle is red, but the latest accreditation is fine.
        _item("accreditation", "OLD", "Z-RENEWED", end=_days(-50), status="expired"),
        _item("accreditation", "NEW", "Z-RENEWED", start=_days(-49), end=_days(1000)),
    ]
    frame = pd.DataFrame(rows)
    fig = ch.validity_gantt(frame, "en", TODAY, limit=10)
    labels = list(fig.layout.yaxis.categoryarray)[::-1]
    assert len(labels) == 10
    codes = [label.split(" · ")[0] for label in labels]
    assert "Z-SOON" in codes and "Z-GONE" in codes
    assert "Z-RENEWED" not in codes
    assert codes[:8] == [f"P{i:04d}" for i in range(8)]  # then the first rows, in order
    assert fig.layout.title.text == translate(
        "accreditation.gantt_title_limited", "en", shown=10, total=2003
    )
    assert ch.validity_gantt(frame, "en", TODAY, limit=5000).layout.title.text == translate(
        "accreditation.gantt_title", "en"
    )


# --- agencies and actions -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_agency_bars(lang):
    fig = ch.agency_bars(AGENCIES, lang)
    assert [t.name for t in fig.data] == [
        code_label("accredited", lang),
        code_label("expired", lang),
    ]
    labels = list(fig.layout.yaxis.categoryarray)
    # Plotly draws the first category at the bottom: international below, busiest on top.
    assert labels == [
        f"FIBAA ({code_label('international', lang)})",
        f"EdNet ({code_label('national', lang)})",
        f"IAAR ({code_label('national', lang)})",
    ]
    accredited = fig.data[0]
    assert list(accredited.x) == [4, 16, 20]
    assert list(accredited.marker.pattern.shape) == ["/", "", ""]  # international hatched
    assert accredited.marker.color == ch.STATUS_COLORS["accredited"]
    assert fig.layout.barmode == "stack"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_actions_bar_highlights_overdue(lang):
    fig = ch.actions_bar(ACTIONS, lang)
    on_time, overdue = fig.data
    assert overdue.name == translate("accreditation.overdue", lang)
    assert on_time.name == translate("accreditation.not_overdue", lang)
    assert overdue.marker.color == ch.OVERDUE_COLOR != on_time.marker.color
    assert list(overdue.x) == [code_label(s, lang) for s in ACTIONS["status"]]
    assert list(overdue.y) == [5, 8, 0, 0]
    assert list(on_time.y) == [1, 0, 20, 6]
    assert fig.layout.barmode == "stack"


def test_actions_bar_orders_statuses_and_tolerates_a_missing_overdue_column():
    frame = pd.DataFrame({"status": ["done", "open"], "items": [3, 2]})
    fig = ch.actions_bar(frame, "en")
    assert list(fig.data[0].x) == [code_label("open", "en"), code_label("done", "en")]
    assert list(fig.data[1].y) == [0, 0]


# --- empty frames ------------------------------------------------------------------


EMPTY_CASES = [
    lambda lang: ch.coverage_bars(COVERAGE.iloc[:0], lang, "faculty"),
    lambda lang: ch.coverage_bars(COVERAGE[COVERAGE["group_type"] == "overall"], lang, "level"),
    lambda lang: ch.validity_gantt(TIMELINE.iloc[:0], lang, TODAY),
    lambda lang: ch.validity_gantt(TIMELINE[TIMELINE["item_id"] == "A-P3"], lang, TODAY),
    lambda lang: ch.validity_gantt(pd.DataFrame(), lang, TODAY),
    lambda lang: ch.agency_bars(AGENCIES.iloc[:0], lang),
    lambda lang: ch.actions_bar(ACTIONS.iloc[:0], lang),
    lambda lang: ch.actions_bar(pd.DataFrame(), lang),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", range(len(EMPTY_CASES)))
def test_empty_frames_give_an_empty_figure(case, lang):
    fig = EMPTY_CASES[case](lang)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert translate("ui.chart_empty", lang) in [a.text for a in fig.layout.annotations]
    fig.to_json()  # serialisable, as the page and the export need


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_chart_shows_a_raw_key(lang):
    figs = [
        ch.coverage_bars(COVERAGE, lang, "faculty"),
        ch.validity_gantt(TIMELINE, lang, TODAY, limit=2),
        ch.agency_bars(AGENCIES, lang),
        ch.actions_bar(ACTIONS, lang),
    ]
    for fig in figs:
        text = _texts(fig)
        assert "accreditation." not in text and "code." not in text, text
        fig.to_json()
