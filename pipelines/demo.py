"""Building the demo warehouse from the deterministic demo data, through the real loader."""

from __future__ import annotations

from pathlib import Path

from pipelines.demo_data import KPI_MEASURES, generate
from pipelines.ingest import ingest_frame
from pipelines.problems import FileRejected
from sapat import db
from sapat.queries import kpis

# Referenced tables first: licences name programmes, KPI values name KPI definitions.
LOAD_ORDER = (
    "ranking_results",
    "ranking_indicator_scores",
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
)


def _is_replaceable(path: Path) -> bool:
    """Only a demo warehouse (or none) may be overwritten: real uploads are never lost."""
    if not path.exists():
        return True
    try:
        conn = db.connect(path, migrate_now=False)
    except db.WarehouseLocked:
        raise FileRejected("locked", path=str(path)) from None
    try:
        has_meta = conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'app_meta'"
        ).fetchone()[0]
        return not has_meta or db.is_demo(conn)
    finally:
        conn.close()


def build_demo(path: Path) -> dict[str, int]:
    """(Re)build the demo warehouse at ``path``; returns rows loaded per dataset."""
    if not _is_replaceable(path):
        raise FileRejected("not_demo", path=str(path))
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    frames = generate()
    conn = db.connect(path)
    try:
        conn.register("_institutions", frames["institutions"])
        conn.execute(
            "INSERT INTO institutions SELECT name, aliases, country, is_home FROM _institutions"
        )
        conn.unregister("_institutions")
        counts = {}
        for name in LOAD_ORDER:
            report = ingest_frame(conn, name, frames[name], file_name=f"demo_{name}", user="demo")
            if not report.loaded:
                first = "; ".join(
                    f"row {p.row} {p.column}: {p.message('en')}" for p in report.problems[:5]
                )
                raise RuntimeError(f"demo data for {name} failed validation: {first}")
            counts[name] = report.result.rows_loaded
        for code, measure in KPI_MEASURES.items():
            kpis.link(conn, code, measure, "demo")
        db.set_meta(conn, "demo", "true")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return counts
