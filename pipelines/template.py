"""Excel templates: a dataset's headers in one language, with drop-down lists for coded columns."""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.readers import LISTS_SHEET
from sapat.i18n import code_label, column_label, translate
from schemas.registry import get_dataset

TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists and date formats

_HINTS = {
    "date": "dd.mm.yyyy",
    "academic_year": "2025-2026",
    "year": "2026",
    "rank": "39, =39, 801-850, 1401+, Reporter",
    "bool": "yes / no",
}


def template_bytes(dataset_name: str, lang: str) -> bytes:
    """An .xlsx template for ``dataset_name`` with headers in ``lang``."""
    dataset = get_dataset(dataset_name)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(translate(f"dataset.{dataset.name}", lang)[:31])
    lists = book.add_worksheet(LISTS_SHEET)
    lists.hide()
    head = book.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
    )
    head_required = book.add_format(
        {"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True, "valign": "top"}
    )
    date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
    text_fmt = book.add_format({"num_format": "@"})
    list_col = 0
    for pos, col in enumerate(dataset.input_columns):
        label = column_label(col.name, lang, dataset.name)
        sheet.write(0, pos, label, head_required if col.required else head)
        sheet.set_column(pos, pos, max(14, min(40, len(label) + 4)))
        hint = _HINTS.get(col.kind)
        if col.codes:
            labels = [code_label(c, lang) for c in col.codes]
            lists.write_column(0, list_col, labels)
            letter = xl_col_to_name(list_col)
            sheet.data_validation(
                1,
                pos,
                TEMPLATE_ROWS,
                pos,
                {
                    "validate": "list",
                    "source": f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}",
                    "error_type": "warning",
                },
            )
            list_col += 1
            hint = ", ".join(labels)
        elif col.kind == "date":
            sheet.set_column(pos, pos, 14, date_fmt)
        elif col.kind in ("text", "academic_year", "rank"):
            sheet.set_column(pos, pos, max(14, min(40, len(label) + 4)), text_fmt)
        if hint:
            sheet.write_comment(0, pos, hint[:1000], {"x_scale": 2})
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 32)
    book.close()
    return buffer.getvalue()
