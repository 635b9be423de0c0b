"""One upload on the Data page: check it, preview what it changes, commit it (no Streamlit here)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.ingest import IngestReport, ingest_bytes
from pipelines.marked import marked_workbook
from pipelines.preview import Preview, preview_changes
from pipelines.problems import FileRejected
from sapat.i18n import column_label
from schemas.registry import get_dataset

log = logging.getLogger("sapat")
PROBLEM_COLUMNS = ["sheet", "row", "column", "value", "problem"]


@dataclass
class Checked:
    """What the user sees after choosing a file: a refusal, or the report and the preview."""

    dataset: str
    file_name: str
    sha256: str
    error: str | None = None  # the one-line reason an unsafe or unreadable file is refused
    # Sheets that all fit the dataset when the workbook has several: the user picks one.
    sheets: list[str] | None = None
    report: IngestReport | None = None
    preview: Preview | None = None

    @property
    def problems(self) -> int:
        return len(self.report.problems) if self.report else 0

    def problem_table(self, lang: str) -> pd.DataFrame:
        """Every problem as (sheet, row, column, value, problem) in the user's language."""
        dataset = get_dataset(self.dataset)
        internal = {c.name for c in dataset.columns}
        rows = [
            (
                p.sheet or "",
                p.row,
                # A column the file lacks has no header of the user's: name it by its label.
                column_label(p.column, lang, dataset.name)
                if p.column in internal
                else p.column or "",
                "" if p.value is None else p.value,
                p.message(lang),
            )
            for p in (self.report.problems if self.report else [])
        ]
        return pd.DataFrame(rows, columns=PROBLEM_COLUMNS).astype({"row": "Int64"})

    def marked_file(self, lang: str) -> bytes:
        """The uploaded sheet with its bad cells filled red and explained in comments."""
        assert self.report is not None and self.report.raw is not None
        return marked_workbook(
            self.report.raw,
            self.report.problems,
            lang,
            self.file_name,
            header_row=self.report.header_row,
        )


def check_upload(
    conn: duckdb.DuckDBPyConnection,
    dataset: str,
    file_name: str,
    data: bytes,
    lang: str,
    sheet: str | None = None,
) -> Checked:
    """Run the file through every check and a preview, writing nothing.

    The safety checks run on the server, on the bytes received (ingest_bytes reads the
    file through pipelines.readers.read_table, which checks it first): the uploader's list
    of file types is a convenience for the user, not a control.
    """
    checked = Checked(dataset, file_name, hashlib.sha256(data).hexdigest())
    try:
        report = ingest_bytes(
            conn, dataset, file_name, data, lang=lang, check_only=True, sheet=sheet
        )
    except FileRejected as exc:
        checked.error = exc.message(lang)
        if exc.code == "several_sheets":
            checked.sheets = str(exc.params["sheets"]).split(", ")
        return checked
    checked.report = report
    if report.good is not None and len(report.good):
        checked.preview = preview_changes(conn, dataset, report.good)
    return checked


def commit_upload(
    conn: duckdb.DuckDBPyConnection,
    dataset: str,
    file_name: str,
    data: bytes,
    *,
    mode: str,
    user: str,
    lang: str,
    sheet: str | None = None,
) -> IngestReport:
    """Load the file for real: read and check again, then one transaction.

    Checking again rather than reusing the preview's rows means that what is loaded is
    exactly what the rules say about the warehouse as it is now (another editor may have
    committed in between).
    """
    report = ingest_bytes(
        conn, dataset, file_name, data, mode=mode, user=user, lang=lang, sheet=sheet
    )
    log.info("upload %s %s by %s: %s", dataset, file_name, user, report.result)
    return report
