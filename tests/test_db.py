"""The warehouse contract of docs/warehouse.md: tables, columns, history, reference data, migrations."""

from pathlib import Path

import pytest

from sapat import db
from schemas.registry import DATASETS

# The tables of docs/warehouse.md's data dictionary that the warehouse has today, by name. The
# contract is a promise to users, so the test names it by hand, and the registry is checked
# against it: every uploadable dataset is a contract table, and no contract table is lost.
CONTRACT_TABLES = (
    "ranking_systems",
    "ranking_methodology",
    "ranking_results",
    "ranking_indicator_scores",
    "institutions",
    "faculties",
    "mobility",
    "agreements",
    "programs",
    "licenses",
    "accreditations",
    "action_items",
    "kpi_definitions",
    "kpi_targets",
    "kpi_values",
    "exam_results",
    "graduates",
    "staff_composition",
    "staff_rating",
    "survey_results",
    "upload_batches",
    "rejected_rows",
    "audit_log",
    "users",
)
# Contract tables that are no uploadable dataset (reference data, audit, accounts): their
# columns as docs/warehouse.md lists them. A dataset's columns come from its model in the registry.
OTHER_TABLES = {
    "ranking_systems": "code name publisher scope",
    "ranking_methodology": "ranking edition_from edition_to indicator name weight",
    "upload_batches": "batch_id dataset file_name file_sha256 uploaded_by uploaded_at mode "
    "rows_in rows_loaded rows_rejected status",
    "rejected_rows": "batch_id sheet row_number column value problem",
    "audit_log": "at user action detail",
    "users": "username display_name password_hash roles active",
}


def contract_columns(table: str) -> list[str]:
    """A contract table's promised columns: a dataset's model columns and batch_id, else by hand."""
    by_table = {d.table: d for d in DATASETS.values()}
    if table in by_table:
        return [*by_table[table].schema.columns, "batch_id"]
    return OTHER_TABLES[table].split()


def _columns(conn, table: str) -> list[str]:
    return [name for name, _ in _typed_columns(conn, table)]


def _typed_columns(conn, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "ORDER BY column_index",
            [table],
        ).fetchall()
    ]


def test_the_registry_datasets_are_the_contracts_data_tables():
    assert len(set(CONTRACT_TABLES)) == len(CONTRACT_TABLES)
    assert set(OTHER_TABLES) <= set(CONTRACT_TABLES)
    assert {d.table for d in DATASETS.values()} == set(CONTRACT_TABLES) - set(OTHER_TABLES)


@pytest.mark.parametrize("table", sorted(CONTRACT_TABLES))
def test_contract_table_has_its_columns(conn, table):
    present = _columns(conn, table)
    missing = [c for c in contract_columns(table) if c not in present]
    assert present, f"{table} does not exist"
    assert not missing, f"{table} lacks {missing}"


def test_every_dataset_model_matches_its_table(conn):
    for dataset in DATASETS.values():
        # In order too, as the warehouse has kept it so far: a new column goes last in both.
        table_cols = [c for c in _columns(conn, dataset.table) if c != "batch_id"]
        assert list(dataset.schema.columns) == table_cols, dataset.name
        assert set(dataset.key) <= set(dataset.schema.columns)


@pytest.mark.parametrize("table", sorted(d.table for d in DATASETS.values()))
def test_history_table_has_the_tables_columns_then_replaced_by(conn, table):
    # Undo copies rows between a table and its history (pipelines/loader.py): a column that
    # a migration added to one and not the other would lose data silently. The order too, as
    # migration 004 keeps it, so a positional copy could never shift a value.
    assert _typed_columns(conn, f"hist_{table}") == [
        *_typed_columns(conn, table),
        ("replaced_by", "BIGINT"),
    ]


def test_every_history_table_belongs_to_a_dataset(conn):
    hist = {
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'hist_')"
        ).fetchall()
    }
    assert hist == {f"hist_{d.table}" for d in DATASETS.values()}


def test_reference_data_holds_the_methodologies(conn):
    systems = {r[0] for r in conn.execute("SELECT code FROM ranking_systems").fetchall()}
    assert {"qs_wur", "qs_asia", "qs_eeca", "the_wur", "national_kg", "greenmetric"} <= systems
    weights = dict(
        conn.execute(
            "SELECT ranking || ':' || edition_from, sum(weight) FROM ranking_methodology GROUP BY 1"
        ).fetchall()
    )
    # Every methodology's weights add up to 100 percent (QS 2026's diversity lens is unweighted).
    assert weights == {
        "qs_wur:2024": 100,
        "qs_wur:2026": 0,
        "qs_wur:2004": 100,
        "qs_asia:2020": 100,
        "qs_eeca:2015": 100,
        "the_wur:2024": 100,
        "rur:2010": 100,
        "usnews_bgu:2020": 100,
        "the_impact:2019": 100,
    }
    ar = conn.execute(
        "SELECT weight FROM ranking_methodology WHERE ranking = 'qs_wur' "
        "AND edition_from = 2004 AND indicator = 'academic_reputation'"
    ).fetchall()
    assert ar == [(40,)]


def test_migrations_are_applied_once(db_path):
    first = db.connect(db_path)
    first.close()
    again = db.connect(db_path)
    assert db.migrate(again) == []
    versions = [
        r[0] for r in again.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    ]
    assert versions == [v for v, _ in db.migrations()]
    again.close()


def test_db_path_rule(monkeypatch, tmp_path):
    monkeypatch.delenv("SAPAT_DB", raising=False)
    assert db.resolve_db_path() == db.ROOT / "data" / "sapat.duckdb"
    monkeypatch.setenv("SAPAT_DB", str(tmp_path / "env.duckdb"))
    assert db.resolve_db_path() == tmp_path / "env.duckdb"
    assert db.resolve_db_path(str(tmp_path / "cli.duckdb")) == Path(tmp_path / "cli.duckdb")


def test_second_process_sees_a_plain_lock_error(db_path):
    import subprocess
    import sys

    holder = db.connect(db_path)
    code = f"from sapat import db\ntry:\n    db.connect({str(db_path)!r})\nexcept db.WarehouseLocked:\n    print('locked')\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=db.ROOT)
    holder.close()
    assert out.stdout.strip() == "locked"


def test_data_version_bumps_only_inside_a_committed_transaction(conn):
    before = db.data_version(conn)
    with pytest.raises(RuntimeError), db.transaction(conn) as tx:
        db.bump_data_version(tx)
        raise RuntimeError("abort")
    assert db.data_version(conn) == before
    with db.transaction(conn) as tx:
        db.bump_data_version(tx)
    assert db.data_version(conn) == before + 1
