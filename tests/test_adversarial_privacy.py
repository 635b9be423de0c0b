"""Difference attacks on what a viewer receives: the staff rating (the surveys: _surveys.py).

The rule "aggregates of at least five people" is only as strong as the figures beside it: a
university mean that still includes a hidden faculty, shown next to every other faculty's
mean and headcount, gives the hidden one back by subtraction, (N·M − Σ nᵢmᵢ) / h, and with
one rated person that is their own score. These tests build a warehouse with one hidden
group among visible ones, open the pages as a viewer in AppTest, collect everything the
browser would receive (every element's protobuf: texts, numbers, tables, and every Plotly
figure's JSON with its typed arrays decoded) and then attack it the way a curious viewer
would, allowing for the rounding of what is shown.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from sapat.i18n import catalog
from sapat.queries import measures as msq
from sapat.queries import staff as sq
from tests.conftest import app_test
from tests.factories import insert

EN = catalog("en")
YEAR, BEFORE = 2026, 2025
# The attack "recovers" a hidden figure when it pins it down to within this, allowing for
# the rounding of every figure it used.
RECOVERED = 0.05

# --- the warehouse ---------------------------------------------------------------------------
# Total scores of the visible faculties in YEAR (BEFORE: two points lower). GAMMA's scores
# leave a gap around the hidden ones, so that a university box that still counted the hidden
# people would put one of them at its median for everyone to read.
VISIBLE_SCORES = {
    "ALPHA": [round(40.0 + 1.3 * i, 2) for i in range(12)],
    "BETA": [round(80.0 + 1.7 * i, 2) for i in range(5)],  # shown, yet too few for a box
    "GAMMA": [55.0 + 0.5 * i for i in range(10)] + [70.0 + i for i in range(17)],
}
# The hidden group of YEAR: a faculty of one or of four, or the staff with no faculty.
HIDDEN_GROUPS = {
    "one": ("HID", [63.37]),
    "four": ("HID", [61.13, 62.71, 64.29, 66.87]),
    "no_faculty": (None, [61.88, 63.37]),
}
# The hidden faculty was big enough the year before: shown then, hidden now.
HIDDEN_BEFORE = [71.0, 72.5, 74.0, 75.5, 77.0, 78.5]
# Each part score is the total shifted by a fixed amount, so that the parts' means differ.
PART_SHIFT = {"teaching_score": 4.0, "research_score": -12.0, "service_score": 2.5}
PARTS = tuple(PART_SHIFT)


def rate(conn, year: int, faculty: str | None, scores: list[float]) -> None:
    for i, score in enumerate(scores):
        parts = {p: round(score + PART_SHIFT[p], 2) for p in PARTS}
        insert(
            conn,
            "staff_rating",
            year=year,
            staff_code=f"{faculty or 'NONE'}-{year}-{i}",
            faculty=faculty,
            department="Dept",
            position="lecturer",
            **parts,
            total_score=score,
        )


def compose(conn, year: int, faculty: str, headcount: int) -> None:
    insert(
        conn,
        "staff_composition",
        year=year,
        faculty=faculty,
        department="Dept",
        headcount=headcount,
        fte=headcount * 0.9,
        doctors_of_science=0,
        candidates_of_science=headcount // 2,
        phd_holders=0,
        professors=1,
        associate_professors=2,
        international_staff=0,
    )


def rating_warehouse(conn, hidden: str) -> None:
    faculty, scores = HIDDEN_GROUPS[hidden]
    for name, visible in VISIBLE_SCORES.items():
        rate(conn, YEAR, name, visible)
        rate(conn, BEFORE, name, [round(s - 2, 2) for s in visible])
        for year in (YEAR, BEFORE):
            compose(conn, year, name, len(visible) + 3)
    rate(conn, YEAR, faculty, scores)
    if faculty is not None:
        rate(conn, BEFORE, faculty, HIDDEN_BEFORE)
        compose(conn, YEAR, faculty, len(scores) + 3)
        compose(conn, BEFORE, faculty, len(HIDDEN_BEFORE) + 3)


# --- what a viewer receives ------------------------------------------------------------------
@dataclass
class Received:
    """Everything one page run sent: texts, every number, tables and Plotly figures."""

    texts: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)

    def extend(self, other: Received) -> None:
        self.texts += other.texts
        self.numbers += other.numbers
        self.frames += other.frames
        self.figures += other.figures


NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _text(value: str, out: Received) -> None:
    out.texts.append(value)
    if value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and "data" in parsed and "layout" in parsed:
            out.figures.append(_plain(parsed, out))
            return
        if parsed is not None:
            _plain(parsed, out)
            return
    out.numbers += [float(n.replace(",", ".")) for n in NUMBER.findall(value)]


def _plain(obj: Any, out: Received) -> Any:
    """JSON with Plotly's typed arrays ({dtype, bdata}) decoded into lists; every number
    and text found on the way is recorded."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            array = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            if "shape" in obj:
                shape = obj["shape"]
                array = array.reshape([int(s) for s in str(shape).split(",")])
            out.numbers += [float(v) for v in array.ravel()]
            return array.tolist()
        return {k: _plain(v, out) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v, out) for v in obj]
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int | float):
        out.numbers.append(float(obj))
    elif isinstance(obj, str):
        _text(obj, out)
    return obj


def _arrow(data: bytes, out: Received) -> bool:
    """Record a table sent as Arrow IPC bytes; False if the bytes are not one."""
    try:
        frame = pa.ipc.open_stream(data).read_all().to_pandas()
    except (pa.ArrowInvalid, OSError):
        return False
    out.frames.append(frame)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out.numbers += [float(v) for v in values.dropna()]
        else:
            for v in values.dropna():
                _text(str(v), out)
    return True


def _message(message: Message, out: Received) -> None:
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for v in values:
            if descriptor.type == FieldDescriptor.TYPE_MESSAGE:
                _message(v, out)
            elif descriptor.type == FieldDescriptor.TYPE_BYTES:
                if not _arrow(v, out):
                    _text(v.decode("utf-8", "replace"), out)
            elif descriptor.type == FieldDescriptor.TYPE_STRING:
                _text(v, out)
            elif descriptor.type != FieldDescriptor.TYPE_BOOL and isinstance(v, int | float):
                out.numbers.append(float(v))


def received(at) -> Received:
    """Every element and block of the last run, walked field by field."""
    out = Received()
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            _message(proto, out)
    return out


def open_page(page: str, state: dict, user: str = "viewer"):
    at = app_test(user)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page)
    return show(at, state)


def show(at, state: dict):
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# --- the attacker's arithmetic ---------------------------------------------------------------
@dataclass(frozen=True)
class Known:
    """What a shown figure tells: the true value lies in [lo, hi]."""

    lo: float
    hi: float

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2


def decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 17


def shown_as(values: Iterable[float]) -> list[Known]:
    """Numbers shown together (one chart array, one table column) and the intervals they
    stand for. 63.4 may be anything in [63.35, 63.45]; but where any of its neighbours has
    more than six decimals, the array was sent unrounded and every number in it is exact."""
    values = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    places = max((decimals(v) for v in values), default=0)
    if places > 6:
        return [Known(v - 1e-9 * max(1.0, abs(v)), v + 1e-9 * max(1.0, abs(v))) for v in values]
    tolerance = 0.5 * 10.0**-places
    return [Known(v - tolerance, v + tolerance) for v in values]


def shown_pairs(labels: Iterable[Any], values: Iterable[Any]) -> list[tuple[Any, Known]]:
    """(label, interval) of each number of one array, blanks skipped."""
    pairs = [(label, v) for label, v in zip(labels, values, strict=True)]
    pairs = [(label, float(v)) for label, v in pairs if v is not None and not math.isnan(v)]
    known = shown_as([v for _, v in pairs])
    return [(label, k) for (label, _), k in zip(pairs, known, strict=True)]


def merge(known: Iterable[Known]) -> Known | None:
    """The intersection of what several showings of one figure tell."""
    known = list(known)
    if not known:
        return None
    return Known(max(k.lo for k in known), min(k.hi for k in known))


def difference(whole: Known, total: float, parts: list[tuple[float, Known]]) -> Known | None:
    """The hidden group's figure by subtraction, as an interval: (N·M − Σ nᵢmᵢ) / h, where
    h = N − Σ nᵢ is what the university's count N holds beyond the shown groups (None if
    nothing: then the university's figure is the shown groups' own)."""
    hidden = total - sum(n for n, _ in parts)
    if hidden <= 0:
        return None
    lo = (total * whole.lo - sum(n * k.hi for n, k in parts)) / hidden
    hi = (total * whole.hi - sum(n * k.lo for n, k in parts)) / hidden
    return Known(lo, hi)


def recovered(guess: Known | None, truth: float) -> bool:
    if guess is None:
        return False
    return guess.hi - guess.lo <= 2 * RECOVERED and abs(guess.mid - truth) <= RECOVERED


def header(column: str) -> str:
    return EN.get(f"col.{column}") or EN[f"ui.col_{column}"]


# --- the staff rating ------------------------------------------------------------------------
RATING_FIGURES = ("people", "mean_total", "p10", "p25", "median", "p75", "p90", *PARTS)
BOX_ARRAYS = {
    "mean": "mean_total",
    "median": "median",
    "q1": "p25",
    "q3": "p75",
    "lowerfence": "p10",
    "upperfence": "p90",
}


def rating_shown(seen: Received) -> dict[tuple[str, str], list[Known]]:
    """Every rating figure shown, by (faculty label, figure): from tables and charts."""
    shown: dict[tuple[str, str], list[Known]] = defaultdict(list)
    for frame in seen.frames:
        if header("faculty") not in frame or header("mean_total") not in frame:
            continue
        labels = frame[header("faculty")].astype(str)
        for name in RATING_FIGURES:
            # A styled table is sent twice: its data, and its display text ("63.4", "—");
            # the numbers are read from the data.
            if header(name) not in frame or not pd.api.types.is_numeric_dtype(frame[header(name)]):
                continue
            column = frame[header(name)].astype(float)
            for label, known in zip(labels[column.notna()], shown_as(column), strict=True):
                shown[(label, name)].append(known)
    part_names = {EN[f"col.{p}"]: p for p in PARTS}
    for figure in seen.figures:
        for trace in figure["data"]:
            labels = [str(x) for x in trace.get("x", [])]
            if trace.get("type") == "box":
                arrays = BOX_ARRAYS
            elif trace.get("name") in part_names:
                arrays = {"y": part_names[trace["name"]]}
            elif trace.get("name") == header("mean_total"):
                arrays = {"y": "mean_total"}
            else:
                continue
            for key, name in arrays.items():
                for label, k in shown_pairs(labels, trace.get(key) or []):
                    shown[(label, name)].append(k)
    return shown


def rating_views() -> dict[int, Received]:
    """The rating tab of both years, as a viewer."""
    at = open_page("pages/staff.py", {"staff_tab": EN["ui.staff_tab_rating"], "ts_year": YEAR})
    return {YEAR: received(at), BEFORE: received(show(at, {"ts_year": BEFORE}))}


@pytest.fixture
def rating_wh(request, db_path, conn, env_db):
    rating_warehouse(conn, request.param)
    conn.close()
    env_db(db_path)
    return request.param


@pytest.mark.parametrize("rating_wh", list(HIDDEN_GROUPS), indirect=True)
def test_the_difference_attack_on_the_staff_rating_fails(rating_wh):
    faculty, scores = HIDDEN_GROUPS[rating_wh]
    views = rating_views()
    shown = rating_shown(views[YEAR])
    university = EN["staff.university"]
    truths = {"mean_total": float(np.mean(scores))}
    truths |= {p: float(np.mean([round(s + PART_SHIFT[p], 2) for s in scores])) for p in PARTS}
    visible = {name: len(v) for name, v in VISIBLE_SCORES.items()}
    h = len(scores)
    leaks = []
    for figure, truth in truths.items():
        whole = merge(shown.get((university, figure), []))
        parts = [(n, merge(shown.get((name, figure), []))) for name, n in visible.items()]
        assert whole is not None, f"the page shows no university {figure}"
        if any(k is None for _, k in parts):
            continue
        # The attacker tries the headcount the page gives and everyone rated.
        totals = {sum(visible.values()) + h}
        totals |= {round(k.mid) for k in shown[(university, "people")]}
        for total in totals:
            guess = difference(whole, total, parts)
            if recovered(guess, truth):
                leaks.append((figure, total, guess, truth))
    assert not leaks, leaks
    # Nor does a university figure read out a hidden score (a box's median, say): with one
    # hidden person, their own.
    secrets = [*scores, *truths.values()]
    for (label, figure), known in shown.items():
        if label != university or figure == "people":
            continue
        for k in known:
            assert not any(k.lo - RECOVERED <= s <= k.hi + RECOVERED for s in secrets), (
                figure,
                k,
                secrets,
            )
    # Nothing anywhere on the page, in either year, carries a hidden figure at full precision.
    for view in views.values():
        for v in view.numbers:
            assert not any(abs(v - s) < 1e-6 for s in secrets if s != round(s, 1)), v
    if faculty is not None:
        assert faculty not in {label for label, _ in shown}
        # The year before, the faculty had enough people to be shown.
        assert (faculty, "mean_total") in rating_shown(views[BEFORE])


def sorted_scores(scores: list[float]) -> np.ndarray:
    return np.sort(np.asarray(scores, dtype=float))


def box_equations(n: int) -> np.ndarray:
    """How the five percentiles (quantile_cont) and the mean weigh n sorted scores."""
    rows = []
    for q in (0.10, 0.25, 0.50, 0.75, 0.90):
        position = q * (n - 1)
        low = math.floor(position)
        row = np.zeros(n)
        row[low] += 1 - (position - low)
        if low + 1 < n:
            row[low + 1] += position - low
        rows.append(row)
    rows.append(np.full(n, 1 / n))
    return np.array(rows)


@pytest.mark.parametrize("rating_wh", ["four"], indirect=True)
def test_a_small_faculty_s_box_does_not_give_back_its_scores(rating_wh):
    """Five people, five percentiles and a mean: the 25th, 50th and 75th percentiles are three
    people's own scores, and the 10th and 90th give the other two. A faculty that small is
    shown by its mean only."""
    shown = rating_shown(rating_views()[YEAR])
    scores = sorted_scores(VISIBLE_SCORES["BETA"])
    names = ("p10", "p25", "median", "p75", "p90", "mean_total")
    known = [merge(shown.get(("BETA", name), [])) for name in names]
    assert known[-1] is not None, "the faculty's mean is shown"
    if any(k is None for k in known):
        return
    equations = box_equations(len(scores))
    solved = np.linalg.lstsq(equations, np.array([k.mid for k in known]), rcond=None)[0]
    full_rank = np.linalg.matrix_rank(equations) == len(scores)
    error = (
        np.abs(np.linalg.pinv(equations)).sum(axis=1).max() * max(k.hi - k.lo for k in known) / 2
    )
    assert not (full_rank and error <= 1.0 and np.allclose(solved, scores, atol=1.0)), solved


@pytest.mark.parametrize("rating_wh", ["one"], indirect=True)
def test_rating_figures_are_rounded_to_what_the_page_shows(rating_wh):
    at = open_page("pages/staff.py", {"staff_tab": EN["ui.staff_tab_rating"], "ts_year": YEAR})
    seen = received(at)
    assert seen.figures and seen.frames
    for figure in seen.figures:
        for trace in figure["data"]:
            for key in ("x", "y", "mean", "median", "q1", "q3", "lowerfence", "upperfence"):
                for v in trace.get(key) or []:
                    if isinstance(v, int | float):
                        assert abs(v * 10 - round(v * 10)) < 1e-6, (trace.get("name"), key, v)
    for frame in seen.frames:
        for column in frame.select_dtypes("number"):
            for v in frame[column].dropna():
                assert abs(v * 10 - round(v * 10)) < 1e-6, (column, v)
    # The caption says whose figures the university's are, in the user's language.
    captions = [c.value for c in at.caption]
    assert EN["ui.staff_rating_university_note"].format(count=sq.MIN_GROUP) in captions


@pytest.mark.parametrize("rating_wh", ["one"], indirect=True)
def test_admins_still_see_the_hidden_faculty_s_rows(rating_wh):
    state = {"staff_tab": EN["ui.staff_tab_rating"], "ts_year": YEAR, "ts_faculty": "HID"}
    at = open_page("pages/staff.py", state, user="admin")
    rows = at.dataframe[-1].value
    assert rows[header("staff_code")].tolist() == ["HID-2026-0"]


@pytest.mark.parametrize("hidden", list(HIDDEN_GROUPS))
def test_rating_queries_and_measures_leave_hidden_groups_out(conn, hidden):
    rating_warehouse(conn, hidden)
    faculty, _ = HIDDEN_GROUPS[hidden]
    everyone = [s for v in VISIBLE_SCORES.values() for s in v]
    summary = sq.rating_summary(conn, YEAR).set_index("faculty")
    assert summary.loc["university", "people"] == len(everyone)
    assert summary.loc["university", "mean_total"] == pytest.approx(np.mean(everyone))
    teaching = np.mean([round(s + PART_SHIFT["teaching_score"], 2) for s in everyone])
    assert summary.loc["university", "teaching_score"] == pytest.approx(teaching)
    trend = sq.rating_trend(conn).set_index("year")
    assert trend.loc[YEAR, "mean_total"] == pytest.approx(np.mean(everyone))
    measure = msq.values(conn, "staff_rating_mean").set_index("year")
    assert measure.loc[YEAR, "value"] == pytest.approx(np.mean(everyone))
    if faculty is not None:
        assert msq.values(conn, "staff_rating_mean", faculty)["year"].tolist() == [BEFORE]
        # Shown the year before, the faculty counts in the university's figure of that year.
        assert trend.loc[BEFORE, "people"] == len(everyone) + len(HIDDEN_BEFORE)
