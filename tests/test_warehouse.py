"""The warehouse contract of DESIGN.md: tables, columns, reference data, migrations, path rule."""

from pathlib import Path

import pytest

from sapat import db
from schemas.registry import DATASETS

CONTRACT = {
    "ranking_systems": "code name publisher scope",
    "ranking_methodology": "ranking edition_from edition_to indicator name weight",
    "ranking_results": "ranking year institution country rank_display rank_low rank_high is_tie "
    "is_band overall_score source batch_id",
    "ranking_indicator_scores": "ranking year institution indicator score rank_display rank_low "
    "rank_high batch_id",
    "institutions": "name aliases country is_home",
    "mobility": "mobility_id academic_year participant_category participant_code gender "
    "citizenship faculty direction scope format purpose program partner_institution "
    "partner_country partner_city start_date end_date duration_days duration_type "
    "funding_source gpa_at_selection credits_planned credits_earned credits_recognized "
    "credits_failed status report_date batch_id",
    "agreements": "agreement_id partner_institution partner_country partner_city agreement_type "
    "signed_date valid_until status faculty quota_students_out quota_students_in quota_staff "
    "contact_name contact_email website notes batch_id",
    "programs": "program_code name_ky name_ru name_en level faculty language status batch_id",
    "licenses": "license_no program_code issued_on valid_until issuer status batch_id",
    "accreditations": "accreditation_id scope program_code agency agency_country kind status "
    "decision_date valid_from valid_until certificate_no batch_id",
    "action_items": "item_id source source_id recommendation owner due_date status closed_on "
    "batch_id",
    "kpi_definitions": "code name_ky name_ru name_en unit direction category owner",
    "kpi_targets": "code year unit_scope target",
    "kpi_values": "code year unit_scope value source batch_id",
    "exam_results": "academic_year semester faculty program_code course_year session_type "
    "students_total students_passed avg_score grade_a grade_b grade_c grade_d grade_f batch_id",
    "graduates": "academic_year faculty program_code level graduates_total with_honours "
    "employed_within_year batch_id",
    "staff_composition": "year faculty department headcount fte doctors_of_science "
    "candidates_of_science phd_holders professors associate_professors international_staff "
    "batch_id",
    "staff_rating": "year staff_code faculty department position teaching_score research_score "
    "service_score total_score batch_id",
    "survey_results": "survey_code academic_year respondent_group faculty question_code "
    "question_ky question_ru question_en responses mean_score share_satisfied batch_id",
    "upload_batches": "batch_id dataset file_name file_sha256 uploaded_by uploaded_at mode "
    "rows_in rows_loaded rows_rejected status",
    "rejected_rows": "batch_id sheet row_number column value problem",
    "audit_log": "at user action detail",
    "users": "username display_name password_hash roles active",
}


def _columns(conn, table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_table_has_its_columns(conn, table):
    present = _columns(conn, table)
    missing = [c for c in CONTRACT[table].split() if c not in present]
    assert present, f"{table} does not exist"
    assert not missing, f"{table} lacks {missing}"


def test_every_dataset_model_matches_its_table(conn):
    for dataset in DATASETS.values():
        table_cols = set(_columns(conn, dataset.table)) - {"batch_id"}
        assert set(dataset.schema.columns) == table_cols, dataset.name
        assert set(dataset.key) <= set(dataset.schema.columns)


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
    }
    ar = conn.execute(
        "SELECT weight FROM ranking_methodology WHERE ranking = 'qs_wur' "
        "AND edition_from = 2004 AND indicator = 'academic_reputation'"
    ).fetchone()
    assert ar == (40,)


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
