"""The registry as the one list: load order, coded columns, blamed cells, derive hooks."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from pipelines.ingest import ingest_bytes
from schemas import codes
from schemas.fields import BLAME
from schemas.mobility import SHORT_MOBILITY_DAYS, derive_duration
from schemas.registry import DATASETS, coded_columns, get_dataset, load_order
from tests.conftest import xlsx_bytes

# Derived columns the parser fills itself, from a "rank" column (pipelines/parsing.py).
RANK_PARTS = {"rank_low", "rank_high", "is_tie", "is_band"}
ENUMERATIONS = {
    name: value
    for name, value in vars(codes).items()
    if name.isupper() and isinstance(value, tuple)
}


# --- load order ---------------------------------------------------------------------------
def test_every_dataset_loads_after_the_datasets_it_references():
    order = load_order()
    assert sorted(order) == sorted(DATASETS)
    for dataset in DATASETS.values():
        for table, _ in dataset.references.values():
            assert order.index(table) < order.index(dataset.name), (dataset.name, table)


def test_load_order_is_stable_and_moves_only_what_it_must():
    # Today every referenced dataset is registered before its users: nothing moves.
    assert load_order() == tuple(DATASETS)
    # Listed too early, licences move to just after the programmes; the others keep their
    # order (kpi_values references no dataset of these: kpi_definitions is not among them).
    given = [DATASETS[n] for n in ("licenses", "mobility", "programs", "kpi_values", "agreements")]
    assert load_order(given) == ("mobility", "programs", "licenses", "kpi_values", "agreements")


def test_a_reference_outside_the_datasets_orders_nothing_and_a_cycle_is_refused():
    # kpi_definitions is not among these: kpi_values may go first (the table exists empty).
    assert load_order([DATASETS["kpi_values"], DATASETS["mobility"]]) == ("kpi_values", "mobility")
    programs = dataclasses.replace(
        DATASETS["programs"], references={"program_code": ("licenses", "program_code")}
    )
    with pytest.raises(ValueError, match="reference each other"):
        load_order([DATASETS["licenses"], programs])


# --- coded columns ------------------------------------------------------------------------
def test_a_coded_column_holds_the_codes_of_an_enumeration():
    for dataset in DATASETS.values():
        for column in dataset.columns:
            if column.coded:
                assert column.codes in ENUMERATIONS.values(), (dataset.name, column.name)
            else:
                assert not column.codes, (dataset.name, column.name)


def test_pages_and_charts_translate_the_registrys_coded_columns():
    from sapat.charts import mobility as mobility_charts
    from sapat.web import CODED_COLUMNS

    assert coded_columns() == CODED_COLUMNS
    # The three that pages used to patch in locally, and what the hand-kept list held.
    assert {"session_type", "respondent_group", "position"} <= set(CODED_COLUMNS)
    before = "agreement_type status participant_category direction scope format purpose "
    before += "program duration_type funding_source gender level kind source"
    assert set(before.split()) <= set(CODED_COLUMNS)
    assert set(get_dataset("mobility").coded_columns) == mobility_charts.CODED
    assert {"program", "purpose", "duration_type", "participant_category", "format"} <= (
        mobility_charts.CODED
    )
    assert "faculty" not in mobility_charts.CODED  # faculty codes have no code.* label


# --- the cell a row check blames ------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_row_check_blames_a_column_the_user_fills_in(name):
    dataset = DATASETS[name]
    inputs = {c.name for c in dataset.input_columns}
    for check in dataset.schema.checks:
        blame = (check.statistics or {}).get(BLAME)
        assert blame in inputs, (name, check.error, blame)
    assert len(dataset.blamed_columns) == len(dataset.schema.checks), name


def test_a_failed_row_check_is_reported_at_its_blamed_cell():
    header = ["license_no", "program_code", "issued_on", "valid_until", "issuer", "status"]
    rows = [["L-1", None, dt.date(2024, 5, 1), dt.date(2023, 5, 1), "MoE", "active"]]
    report = ingest_bytes(None, "licenses", "l.xlsx", xlsx_bytes([header, *rows]), check_only=True)
    assert [(p.code, p.row, p.params["column"]) for p in report.problems] == [
        ("valid_until_before_issued", 2, "valid_until")
    ]


# --- derive hooks ---------------------------------------------------------------------------
def test_a_derived_column_is_split_from_a_rank_or_filled_by_the_datasets_hook():
    for dataset in DATASETS.values():
        derived = {c.name for c in dataset.columns if c.derived} - RANK_PARTS
        assert not derived or dataset.derive is not None, (dataset.name, derived)
    assert [d.name for d in DATASETS.values() if d.derive] == [
        "faculties",
        "institutions",
        "mobility",
    ]


def test_mobility_derives_its_duration_from_the_dates():
    day = pd.Timestamp("2025-09-01")
    frame = pd.DataFrame(
        {
            "start_date": [day, day, day, day, day],
            "end_date": [
                day + pd.Timedelta(days=SHORT_MOBILITY_DAYS),
                day + pd.Timedelta(days=SHORT_MOBILITY_DAYS + 1),
                day - pd.Timedelta(days=3),  # reported by the row check, never measured
                pd.NaT,
                day + pd.Timedelta(days=120),
            ],
            "duration_days": pd.array([None, None, None, None, 10], dtype="Int64"),
            "duration_type": pd.Series([None] * 5, dtype="str"),
        }
    )
    out = get_dataset("mobility").derive(frame)
    assert out["duration_days"].tolist()[:2] == [SHORT_MOBILITY_DAYS, SHORT_MOBILITY_DAYS + 1]
    assert out["duration_days"].isna().tolist() == [False, False, True, True, False]
    assert out["duration_days"].iloc[4] == 10  # typed in the file: kept
    assert out["duration_type"].tolist()[:2] == ["short", "long"]
    assert out["duration_type"].isna().tolist() == [False, False, True, True, False]
    assert out["duration_type"].iloc[4] == "short"
    assert get_dataset("mobility").derive is derive_duration
