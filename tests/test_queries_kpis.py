"""Strategy KPI queries: the status rule (Python and SQL), scorecard, history, faculties."""

from __future__ import annotations

import itertools
import math

import duckdb
import pytest

from sapat.queries import kpis as kq
from tests.factories import insert

UNI = "university"


def define(
    conn: duckdb.DuckDBPyConnection,
    code: str,
    direction: str = "higher_is_better",
    category: str = "strategy",
    unit: str = "count",
) -> None:
    names = {f"name_{lang}": f"{lang} {code}" for lang in ("ky", "ru", "en")}
    insert(
        conn,
        "kpi_definitions",
        code=code,
        **names,
        unit=unit,
        direction=direction,
        category=category,
        owner="Owner",
    )


def value(conn, code: str, year: int, v: float, scope: str = UNI) -> None:
    insert(conn, "kpi_values", code=code, year=year, unit_scope=scope, value=v)


def target(conn, code: str, year: int, t: float, scope: str = UNI) -> None:
    insert(conn, "kpi_targets", code=code, year=year, unit_scope=scope, target=t)


def sql_classify(conn, v: float | None, t: float | None, direction: str | None) -> str | None:
    row = conn.execute(
        f"SELECT {kq.status_sql('$v', '$t', '$d')}",
        {"v": v, "t": t, "d": direction, "margin": kq.AT_RISK_MARGIN},
    ).fetchone()
    return row[0]


# --- classify ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("v", "t", "direction", "expected"),
    [
        # higher is better, target 100: band down to 95
        (100.0, 100.0, "higher_is_better", "on_track"),
        (120.0, 100.0, "higher_is_better", "on_track"),
        (99.99, 100.0, "higher_is_better", "at_risk"),
        (95.0, 100.0, "higher_is_better", "at_risk"),
        (94.99, 100.0, "higher_is_better", "off_track"),
        # lower is better, target 100: band up to 105
        (100.0, 100.0, "lower_is_better", "on_track"),
        (80.0, 100.0, "lower_is_better", "on_track"),
        (105.0, 100.0, "lower_is_better", "at_risk"),
        (105.01, 100.0, "lower_is_better", "off_track"),
        # target 0: the band is 0 wide
        (0.0, 0.0, "higher_is_better", "on_track"),
        (-0.001, 0.0, "higher_is_better", "off_track"),
        (0.0, 0.0, "lower_is_better", "on_track"),
        (0.001, 0.0, "lower_is_better", "off_track"),
        # negative target -100: |target| makes the band 5 wide on the right side
        (-100.0, -100.0, "higher_is_better", "on_track"),
        (-105.0, -100.0, "higher_is_better", "at_risk"),
        (-105.01, -100.0, "higher_is_better", "off_track"),
        (-95.0, -100.0, "lower_is_better", "at_risk"),
        (-94.99, -100.0, "lower_is_better", "off_track"),
        (-120.0, -100.0, "lower_is_better", "on_track"),
        # missing value wins over missing target
        (None, 100.0, "higher_is_better", "no_value"),
        (None, None, "lower_is_better", "no_value"),
        (float("nan"), 100.0, "higher_is_better", "no_value"),
        (100.0, None, "higher_is_better", "no_target"),
        (100.0, float("nan"), "lower_is_better", "no_target"),
    ],
)
def test_classify_boundaries(conn, v, t, direction, expected):
    assert kq.classify(v, t, direction) == expected
    assert sql_classify(conn, v, t, direction) == expected


def test_classify_band_edge_of_the_demo_kind():
    # 5 % of 7.0 is 0.35: 7.35 is exactly on the edge in both languages' arithmetic.
    assert kq.classify(7.0 + 0.05 * 7.0, 7.0, "lower_is_better") == "at_risk"
    assert kq.classify(6.65, 7.0, "higher_is_better") == "at_risk"
    assert kq.classify(6.64, 7.0, "higher_is_better") == "off_track"


def test_classify_margin_and_numpy_and_unknown_direction():
    import numpy as np

    assert kq.classify(90, 100, "higher_is_better", margin=0.1) == "at_risk"
    assert kq.classify(90, 100, "higher_is_better", margin=0.0) == "off_track"
    assert kq.classify(np.int64(100), np.float64(100), "higher_is_better") == "on_track"
    assert kq.classify(None, 1, "sideways") == "no_value"
    with pytest.raises(ValueError, match="sideways"):
        kq.classify(1, 1, "sideways")


def test_sql_agrees_with_python_on_a_grid(conn):
    targets = [-200.0, -7.0, -1.0, 0.0, 0.3, 1.0, 7.0, 20.0, 100.0, 1e6]
    offsets = [-0.2, -0.06, -0.05, -0.04999, -0.01, 0.0, 0.01, 0.04999, 0.05, 0.06, 0.2]
    cases = []
    for t, off, direction in itertools.product(targets, offsets, kq.DIRECTIONS):
        # values around each band edge, including the edges as Python computes them
        for v in (t + off * abs(t), t + off, t - kq.AT_RISK_MARGIN * abs(t), t * (1 + off)):
            cases.append((v, t, direction))
    cases += [(None, 1.0, "higher_is_better"), (1.0, None, "lower_is_better")]
    conn.execute("CREATE TEMP TABLE grid (v DOUBLE, t DOUBLE, d VARCHAR)")
    conn.executemany("INSERT INTO grid VALUES (?, ?, ?)", cases)
    rows = conn.execute(
        f"SELECT v, t, d, {kq.status_sql('v', 't', 'd')} FROM grid", {"margin": kq.AT_RISK_MARGIN}
    ).fetchall()
    assert len(rows) == len(cases) > 800
    disagree = [(v, t, d, s) for v, t, d, s in rows if kq.classify(v, t, d) != s]
    assert not disagree
    statuses = {s for *_, s in rows}
    assert {"on_track", "at_risk", "off_track", "no_value", "no_target"} <= statuses


def test_constants():
    assert kq.STATUSES == ("on_track", "at_risk", "off_track", "no_target", "no_value")
    assert set(kq.SEVERITY) == set(kq.STATUSES)
    assert kq.AT_RISK_MARGIN == 0.05


# --- empty warehouse ---------------------------------------------------------------------
def test_empty_warehouse(conn):
    assert kq.years(conn) == []
    assert kq.scorecard(conn, 2024).empty
    assert list(kq.scorecard(conn, 2024).columns) == [
        "code",
        "name_ky",
        "name_ru",
        "name_en",
        "unit",
        "direction",
        "category",
        "owner",
        "value",
        "target",
        "status",
        "previous_value",
        "change",
        "history",
        "measure",
        "uploaded",
        "differs",
    ]
    assert kq.history(conn, "x").empty
    assert kq.by_faculty(conn, "x", 2024).empty
    assert kq.scopes(conn, "x") == []
    frame = kq.off_track(conn)
    assert frame.empty
    assert list(frame.columns) == [
        "code",
        "name_ky",
        "name_ru",
        "name_en",
        "value",
        "target",
        "unit",
        "direction",
    ]
    assert kq.status_counts(conn, 2024) == dict.fromkeys(kq.STATUSES, 0)


# --- years -------------------------------------------------------------------------------
def test_years_from_values_and_targets_descending(conn):
    define(conn, "a")
    value(conn, "a", 2021, 1.0)
    target(conn, "a", 2023, 1.0)
    value(conn, "a", 2022, 1.0, scope="MED")
    value(conn, "a", 2021, 2.0, scope="MED")
    assert kq.years(conn) == [2023, 2022, 2021]
    assert all(isinstance(y, int) for y in kq.years(conn))


# --- scorecard ---------------------------------------------------------------------------
@pytest.fixture
def card_conn(conn):
    """KPIs of every status in 2024, in two categories."""
    define(conn, "s_on")  # strategy, on track, with history 2021, 2023, 2024
    value(conn, "s_on", 2021, 5.0)
    value(conn, "s_on", 2023, 8.0)
    value(conn, "s_on", 2024, 10.0)
    value(conn, "s_on", 2025, 99.0)  # after the year: not in its history
    target(conn, "s_on", 2024, 10.0)
    define(conn, "s_off", direction="lower_is_better")  # strategy, off track
    value(conn, "s_off", 2023, 12.0)
    value(conn, "s_off", 2024, 11.0)
    target(conn, "s_off", 2024, 10.0)
    define(conn, "s_risk")  # strategy, at risk, no previous year
    value(conn, "s_risk", 2024, 9.6)
    target(conn, "s_risk", 2024, 10.0)
    define(conn, "s_none")  # strategy, no value (target only)
    target(conn, "s_none", 2024, 3.0)
    define(conn, "s_notgt")  # strategy, no target
    value(conn, "s_notgt", 2024, 3.0)
    define(conn, "a_off", category="licensing")  # licensing sorts before strategy
    value(conn, "a_off", 2024, 1.0)
    target(conn, "a_off", 2024, 2.0)
    define(conn, "b_on", category="licensing")
    value(conn, "b_on", 2024, 3.0)
    target(conn, "b_on", 2024, 2.0)
    # a faculty row must not leak into the university scorecard
    value(conn, "s_none", 2024, 1.0, scope="MED")
    return conn


def test_scorecard_rows_statuses_and_order(card_conn):
    card = kq.scorecard(card_conn, 2024)
    assert list(card["code"]) == [
        "a_off",
        "b_on",
        "s_off",
        "s_risk",
        "s_on",
        "s_notgt",
        "s_none",
    ]
    assert list(card["status"]) == [
        "off_track",
        "on_track",
        "off_track",
        "at_risk",
        "on_track",
        "no_target",
        "no_value",
    ]
    assert list(card["category"]) == ["licensing"] * 2 + ["strategy"] * 5
    row = card.set_index("code").loc["s_on"]
    assert (row["name_ky"], row["name_ru"], row["name_en"]) == ("ky s_on", "ru s_on", "en s_on")
    assert (row["unit"], row["direction"], row["owner"]) == ("count", "higher_is_better", "Owner")


def test_scorecard_previous_change_and_history(card_conn):
    card = kq.scorecard(card_conn, 2024).set_index("code")
    # s_on has no 2023 → 2024 gap: previous is 2023, history skips 2022 and stops at 2024
    assert card.loc["s_on", "previous_value"] == 8.0
    assert card.loc["s_on", "change"] == 2.0
    assert card.loc["s_on", "history"] == [5.0, 8.0, 10.0]
    assert card.loc["s_off", "change"] == -1.0
    assert card.loc["s_off", "history"] == [12.0, 11.0]
    assert math.isnan(card.loc["s_risk", "previous_value"])
    assert math.isnan(card.loc["s_risk", "change"])
    assert card.loc["s_risk", "history"] == [9.6]
    assert math.isnan(card.loc["s_none", "value"])
    assert card.loc["s_none", "history"] == []
    assert all(isinstance(h, list) for h in card["history"])
    # a year with a gap before it: previous is the year before, which is missing
    later = kq.scorecard(card_conn, 2025).set_index("code")
    assert later.loc["s_on", "previous_value"] == 10.0
    assert later.loc["s_on", "change"] == 89.0
    assert later.loc["s_on", "status"] == "no_target"
    assert later.loc["s_on", "history"] == [5.0, 8.0, 10.0, 99.0]


def test_scorecard_of_a_faculty(card_conn):
    target(card_conn, "s_none", 2024, 2.0, scope="MED")
    card = kq.scorecard(card_conn, 2024, "MED").set_index("code")
    assert len(card) == 7
    assert card.loc["s_none", "value"] == 1.0
    assert card.loc["s_none", "target"] == 2.0
    assert card.loc["s_none", "status"] == "off_track"
    assert card.loc["s_none", "history"] == [1.0]
    assert (card.drop(index="s_none")["status"] == "no_value").all()


def test_status_counts(card_conn):
    assert kq.status_counts(card_conn, 2024) == {
        "on_track": 2,
        "at_risk": 1,
        "off_track": 2,
        "no_target": 1,
        "no_value": 1,
    }
    counts = kq.status_counts(card_conn, 2024, "MED")
    assert list(counts) == list(kq.STATUSES)
    assert counts == {"on_track": 0, "at_risk": 0, "off_track": 0, "no_target": 1, "no_value": 6}
    assert sum(kq.status_counts(card_conn, 1999).values()) == 7


# --- off_track ---------------------------------------------------------------------------
def test_off_track_default_is_latest_university_year(card_conn):
    # 2025 is the latest university year (s_on only: no target → nothing off track)
    value(card_conn, "a_off", 2026, 0.5, scope="MED")  # faculty years do not count
    assert kq.latest_year(card_conn) == 2025
    assert kq.off_track(card_conn).empty
    value(card_conn, "s_off", 2025, 30.0)
    target(card_conn, "s_off", 2025, 10.0)
    frame = kq.off_track(card_conn)
    assert list(frame["code"]) == ["s_off"]
    row = frame.iloc[0]
    assert (row["value"], row["target"], row["unit"], row["direction"]) == (
        30.0,
        10.0,
        "count",
        "lower_is_better",
    )
    assert row["name_en"] == "en s_off"
    assert list(kq.off_track(card_conn, 2024)["code"]) == ["a_off", "s_off"]


def test_off_track_ignores_faculties_and_at_risk(conn):
    define(conn, "x")
    value(conn, "x", 2024, 96.0)
    target(conn, "x", 2024, 100.0)
    value(conn, "x", 2024, 1.0, scope="MED")
    target(conn, "x", 2024, 100.0, scope="MED")
    assert kq.off_track(conn, 2024).empty


# --- history, faculties, scopes ----------------------------------------------------------
def test_history_years_with_value_or_target(conn):
    define(conn, "d", direction="lower_is_better")
    value(conn, "d", 2020, 9.0)
    target(conn, "d", 2020, 9.0)
    value(conn, "d", 2021, 9.4)
    target(conn, "d", 2021, 9.0)
    value(conn, "d", 2022, 8.0)  # no target
    target(conn, "d", 2024, 7.0)  # no value; 2023 has neither
    value(conn, "d", 2023, 1.0, scope="MED")
    frame = kq.history(conn, "d")
    assert list(frame.columns) == ["year", "value", "target", "status"]
    assert list(frame["year"]) == [2020, 2021, 2022, 2024]
    assert list(frame["status"]) == ["on_track", "at_risk", "no_target", "no_value"]
    assert math.isnan(frame["target"].iloc[2]) and math.isnan(frame["value"].iloc[3])
    med = kq.history(conn, "d", "MED")
    assert list(med["year"]) == [2023] and list(med["status"]) == ["no_target"]
    assert kq.history(conn, "unknown").empty


def test_history_of_an_undefined_kpi_has_no_direction(conn):
    value(conn, "ghost", 2024, 1.0)
    target(conn, "ghost", 2024, 1.0)
    frame = kq.history(conn, "ghost")
    assert len(frame) == 1 and frame["status"].isna().all()


def test_by_faculty_excludes_university(conn):
    define(conn, "r", direction="lower_is_better")
    for scope, v, t in [
        (UNI, 8.0, 7.0),
        ("PED", 6.0, 7.0),
        ("ECON", 7.2, 7.0),
        ("MED", 9.0, 7.0),
    ]:
        value(conn, "r", 2024, v, scope)
        target(conn, "r", 2024, t, scope)
    target(conn, "r", 2024, 7.0, "LAW")  # a target without a value
    value(conn, "r", 2023, 1.0, "HIST")  # another year
    frame = kq.by_faculty(conn, "r", 2024)
    assert list(frame.columns) == ["unit_scope", "value", "target", "status"]
    assert list(frame["unit_scope"]) == ["ECON", "LAW", "MED", "PED"]
    assert list(frame["status"]) == ["at_risk", "no_value", "off_track", "on_track"]
    assert kq.by_faculty(conn, "r", 2020).empty


def test_scopes_university_first(conn):
    define(conn, "c")
    for scope in ("PHYS", "ECON", UNI, "MED"):
        value(conn, "c", 2024, 1.0, scope)
    value(conn, "c", 2023, 1.0, "ECON")
    target(conn, "c", 2024, 1.0, "LAW")  # targets alone do not make a scope
    assert kq.scopes(conn, "c") == [UNI, "ECON", "MED", "PHYS"]
    value(conn, "only_fac", 2024, 1.0, "MED")
    assert kq.scopes(conn, "only_fac") == ["MED"]


def test_parameters_are_bound_not_spliced(conn):
    define(conn, "q")
    value(conn, "q", 2024, 1.0)
    evil = "university' OR '1'='1"
    assert kq.history(conn, evil).empty
    assert kq.scopes(conn, evil) == []
    assert (kq.scorecard(conn, 2024, evil)["status"] == "no_value").all()


# --- the demo warehouse ------------------------------------------------------------------
def test_demo_warehouse(demo_db):
    conn = duckdb.connect(str(demo_db))
    try:
        latest = kq.open_year(conn)  # not years()[0]: a snapshot measure may begin a new year
        card = kq.scorecard(conn, latest)
        assert len(card) == 21 and card["code"].is_unique
        assert set(card["status"]) <= set(kq.STATUSES)
        assert (card["status"] == "off_track").any()
        assert not kq.off_track(conn).empty
        counts = kq.status_counts(conn, latest)
        assert sum(counts.values()) == 21 and counts["off_track"] >= 1
        assert counts == card["status"].value_counts().reindex(kq.STATUSES, fill_value=0).to_dict()
        split = [c for c in card["code"] if len(kq.scopes(conn, c)) > 1]
        assert split
        # The accredited share is split by faculty in the year it is read only.
        split = [c for c in split if not kq.by_faculty(conn, c, latest - 1).empty]
        faculties = kq.by_faculty(conn, split[0], latest - 1)
        assert len(faculties) > 1 and UNI not in set(faculties["unit_scope"])
        # percent KPIs are stored as 0–100, not as shares
        percent = card[card["unit"] == "percent"]["value"].dropna()
        assert len(percent) and (percent > 1).all() and (percent <= 100).all()
        # the SQL status agrees with classify on every demo row of every year
        for year in kq.years(conn):
            for _, row in kq.scorecard(conn, year).iterrows():
                assert row["status"] == kq.classify(row["value"], row["target"], row["direction"])
    finally:
        conn.close()


# --- the faculty × KPI matrix ----------------------------------------------------------------
def test_faculty_scorecard_cells_equal_the_warehouse(conn):
    define(conn, "grads", category="b")
    define(conn, "dropout", direction="lower_is_better", category="a", unit="percent")
    define(conn, "uni_only", category="a")
    value(conn, "grads", 2025, 120.0, "MED")
    target(conn, "grads", 2025, 100.0, "MED")  # on track
    value(conn, "grads", 2025, 96.0, "LAW")
    target(conn, "grads", 2025, 100.0, "LAW")  # within 5 %: at risk
    value(conn, "dropout", 2025, 9.0, "MED")
    target(conn, "dropout", 2025, 6.0, "MED")  # lower is better: off track
    target(conn, "dropout", 2025, 6.0, "LAW")  # a target but no value
    value(conn, "grads", 2025, 500.0)  # the university is no faculty
    value(conn, "uni_only", 2025, 7.0)
    value(conn, "grads", 2024, 1.0, "PED")  # another year

    frame = kq.faculty_scorecard(conn, 2025)
    cells = {(r.code, r.unit_scope): (r.value, r.target, r.status) for r in frame.itertuples()}
    assert set(frame["code"]) == {"grads", "dropout"}  # KPIs with a faculty value that year
    assert set(frame["unit_scope"]) == {"MED", "LAW"}
    assert cells[("grads", "MED")] == (120.0, 100.0, "on_track")
    assert cells[("grads", "LAW")] == (96.0, 100.0, "at_risk")
    assert cells[("dropout", "MED")] == (9.0, 6.0, "off_track")
    law = cells[("dropout", "LAW")]
    assert math.isnan(law[0]) and law[1:] == (6.0, "no_value")
    # Category, then code; faculties by code.
    assert list(zip(frame["code"], frame["unit_scope"], strict=True)) == [
        ("dropout", "LAW"),
        ("dropout", "MED"),
        ("grads", "LAW"),
        ("grads", "MED"),
    ]
    assert frame.loc[0, "name_ru"] == "ru dropout" and frame.loc[0, "unit"] == "percent"
    # The same cells as the drill-down's faculty split, KPI by KPI.
    for code in ("grads", "dropout"):
        split = kq.by_faculty(conn, code, 2025).set_index("unit_scope")
        mine = frame[frame["code"] == code].set_index("unit_scope")
        for scope in split.index:
            assert split.loc[scope, "status"] == mine.loc[scope, "status"]
    assert kq.faculty_scorecard(conn, 2023).empty
    assert kq.faculty_scorecard(conn, 2024)["unit_scope"].tolist() == ["PED"]


def test_faculty_scorecard_of_the_demo_matches_its_values(demo_db):
    conn = duckdb.connect(str(demo_db))  # as the other demo tests: one configuration a process
    try:
        year = kq.open_year(conn)
        frame = kq.faculty_scorecard(conn, year)
        assert not frame.empty
        linked = set(kq.links(conn)["code"])
        for faculty in sorted(set(frame["unit_scope"]))[:2]:
            for code in set(frame["code"]):
                split = kq.by_faculty(conn, code, year).set_index("unit_scope")
                cell = frame[(frame["code"] == code) & (frame["unit_scope"] == faculty)].iloc[0]
                assert cell["status"] == split.loc[faculty, "status"], (code, faculty)
                assert cell["value"] == pytest.approx(split.loc[faculty, "value"], nan_ok=True)
                if code in linked:
                    continue
                # An uploaded KPI: the very row of the warehouse.
                stored = conn.execute(
                    "SELECT value FROM kpi_values WHERE code = ? AND year = ? AND unit_scope = ?",
                    [code, year, faculty],
                ).fetchall()
                assert [cell["value"]] == pytest.approx([r[0] for r in stored])
    finally:
        conn.close()
