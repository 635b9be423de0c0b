"""Where the rows behind a figure came from: years covered and the uploads that loaded them."""

from __future__ import annotations

import duckdb

from schemas.registry import DATASETS

# A dataset's years: its year column, its academic year, or the year of its main date.
_YEAR_KINDS = ("year", "academic_year")
_DATE_COLUMNS = {
    "agreements": "signed_date",
    "licenses": "issued_on",
    "accreditations": "decision_date",
    "action_items": "due_date",
}
LAST_UPLOADS = 3


def _year_expression(dataset: str) -> str | None:
    spec = DATASETS[dataset]
    for column in spec.columns:
        if column.kind == "year":
            return f'"{column.name}"'
        if column.kind == "academic_year":
            # '2024-2025' is told by its first year, as everywhere else in Sapat.
            return f'TRY_CAST(left("{column.name}", 4) AS INTEGER)'
    date_column = _DATE_COLUMNS.get(dataset)
    return f'year("{date_column}")' if date_column else None


def _academic(dataset: str) -> bool:
    """Whether a dataset's years are academic years (2024 is 2024-2025)."""
    kinds = [c.kind for c in DATASETS[dataset].columns if c.kind in _YEAR_KINDS]
    return bool(kinds) and kinds[0] == "academic_year"


def dataset_sources(conn: duckdb.DuckDBPyConnection, datasets: tuple[str, ...]) -> list[dict]:
    """For each dataset: rows in the warehouse, the years they cover, and the last uploads
    (newest first, at most LAST_UPLOADS) whose rows are still there — the uploads that last
    changed the rows a figure is computed from.

    Each item: {"dataset", "rows", "years": [first, last] or [], "academic" (the years are
    academic years, told by their first calendar year), "batches": [{"batch_id",
    "file_name", "uploaded_by", "uploaded_at", "rows"}]}.
    """
    out = []
    for dataset in datasets:
        table = DATASETS[dataset].table
        year = _year_expression(dataset)
        span = f"min({year}), max({year})" if year else "NULL, NULL"
        rows, first, last = conn.execute(f"SELECT count(*), {span} FROM {table}").fetchall()[0]
        batches = conn.execute(
            f"""SELECT b.batch_id, b.file_name, b.uploaded_by, b.uploaded_at, t.rows
                FROM (SELECT batch_id, count(*) AS rows FROM {table}
                      WHERE batch_id IS NOT NULL GROUP BY batch_id) t
                JOIN upload_batches b USING (batch_id)
                ORDER BY b.uploaded_at DESC, b.batch_id DESC LIMIT {LAST_UPLOADS}"""
        ).fetchall()
        out.append(
            {
                "dataset": dataset,
                "rows": int(rows),
                "years": [int(first), int(last)] if first is not None else [],
                "academic": _academic(dataset),
                "batches": [
                    {
                        "batch_id": int(b[0]),
                        "file_name": b[1],
                        "uploaded_by": b[2],
                        "uploaded_at": b[3],
                        "rows": int(b[4]),
                    }
                    for b in batches
                ],
            }
        )
    return out
