"""Tables with their download buttons: every table a user sees can be taken away as xlsx and csv."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from sapat import identity
from sapat.display import styled
from sapat.export import to_csv_bytes, to_xlsx_bytes
from sapat.formats import DASH
from sapat.web import guarded, lang, query, t

_UNSAFE_NAME = re.compile(r"[^\w.-]+")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(name: str) -> str:
    """A download's file name: letters (any script), digits, dots and dashes only."""
    return _UNSAFE_NAME.sub("_", name).strip("_")[:80] or "table"


def export_stem(name: str) -> str:
    """A table's file name, led by the university's short name in the user's language.

    A file saved from several universities' dashboards (a ministry, a network) still says
    whose it is.
    """
    university = query(identity.get)
    prefix = university.short(lang()) if university is not None else ""
    return file_stem(f"{prefix}_{name}" if prefix else name)


def download_buttons(
    frame: pd.DataFrame,
    key: str,
    name: str,
    allowed: Callable[[tuple[str, ...]], bool] | None = None,
    source: Any = None,
) -> None:
    """Two small buttons under a table. The files are built only when clicked, and only
    for an account that may still see them (``allowed``, else the page's own rule).
    Beside them, where the table's figures come from (``source``: provenance.source_of)."""
    stem = export_stem(name)
    files = (
        (t("ui.download_xlsx"), lambda: to_xlsx_bytes(frame, sheet=name), "xlsx", XLSX_MIME),
        (t("ui.download_csv"), lambda: to_csv_bytes(frame), "csv", "text/csv"),
    )
    columns = st.columns([1, 1, 6])
    for column, (label, build, ext, mime) in zip(columns[:2], files, strict=True):
        column.download_button(
            label,
            data=guarded(build, allowed),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"{key}_{ext}",
            icon=":material/download:",
            on_click="ignore",
            type="tertiary",
        )
    if source is not None:
        from sapat import source_view

        source_view.popover(columns[2], source, key)


def table(
    data: pd.DataFrame | Any,
    key: str,
    name: str,
    *,
    static: bool = False,
    allowed: Callable[[tuple[str, ...]], bool] | None = None,
    decimals: Mapping[Any, int] | None = None,
    signed: Collection[Any] = (),
    source: Any = None,
    **kwargs: Any,
) -> None:
    """Show a table (a frame or a Styler of one) with its xlsx and csv downloads.

    ``name`` titles the downloaded file and its sheet; ``static`` draws st.table instead
    of the interactive grid (small tables that read better in full). Numbers read as in
    the user's language (display.styled: ``decimals`` and ``signed`` by column header);
    the grid sorts by the numbers themselves.
    """
    frame = data.data if hasattr(data, "data") and isinstance(data.data, pd.DataFrame) else data
    shown = styled(data, lang(), decimals, signed)
    if static:
        st.table(shown)
    else:
        kwargs.setdefault("hide_index", True)
        kwargs.setdefault("width", "stretch")
        kwargs.setdefault("placeholder", DASH)  # a missing value in a table too large to style
        st.dataframe(shown, **kwargs)
    if static and frame.index.name is not None:  # the index is a column the user reads
        frame = frame.reset_index()
    download_buttons(frame, key, name, allowed, source)
