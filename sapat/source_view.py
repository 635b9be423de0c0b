"""A figure's source in the user's language: datasets, years, last uploads, the measure."""

from __future__ import annotations

from typing import Any

import streamlit as st

from sapat import auth
from sapat.display import format_date, plain
from sapat.formats import number
from sapat.provenance import Source, SourceLike, source_of
from sapat.queries import provenance as pvq
from sapat.web import ACCOUNT_KEY, lang, query, t

DATA_PAGE = "pages/data.py"
HISTORY_TAB = "data.tab_history"  # ?tab= of the Data page (web.lazy_tabs)
BATCH_PARAM = "batch"  # ?batch= of the Data page's History tab
POPOVER_KEY = "src_"  # a source popover's key: its figure's key after this


def _dataset_line(found: dict) -> str:
    """'**Academic mobility** · 2019–2025 · 1 234 rows' in the user's language."""
    parts = ["**" + t(f"dataset.{found['dataset']}") + "**"]
    years = found["years"]
    if years:
        # Academic years are told whole (2024-2025), as every page writes them.
        first, last = (f"{y}-{y + 1}" if found.get("academic") else str(y) for y in years)
        parts.append(first if first == last else t("source.years", first=first, last=last))
    parts.append(t("source.rows", rows=number(found["rows"], lang())))
    return " · ".join(parts)


def upload_text(batch: dict) -> str:
    """One upload: its number, file, who and when."""
    return t(
        "source.upload",
        batch=batch["batch_id"],
        # An upload from an older warehouse may lack its file name or account.
        file=plain(batch["file_name"] or "—"),
        who=plain(batch["uploaded_by"] or "—"),
        when=format_date(batch["uploaded_at"], lang()),
    )


def lookup(source: Source) -> list[dict]:
    """Rows, years and last uploads of each dataset, cached until the next upload."""
    return query(pvq.dataset_sources, tuple(source.datasets))


def may_open(dataset: str) -> bool:
    """Whether the signed-in account may open this dataset's uploads in History."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account is not None and auth.can_edit(account.roles, dataset)


def card_help(thing: SourceLike, help: str | None = None) -> str | None:
    """A card's tooltip: its own help, then where its number comes from (Markdown)."""
    source = source_of(thing)
    if source is None:
        return help
    lines = [f"**{t('source.label')}**"]
    for found in lookup(source):
        lines.append(_dataset_line(found))
        uploads = [upload_text(b) for b in found["batches"]]
        if uploads:
            lines.append(t("source.last_upload", upload=uploads[0]))
    if source.measure:
        lines.append(t("source.measure", measure=t(f"measure.{source.measure}")))
    text = "  \n".join(lines)
    return f"{help}\n\n{text}" if help else text


def popover(target: Any, thing: SourceLike, key: str) -> None:
    """A small 'Source' button under a chart or table that opens what its figures come from.

    An account that may edit a dataset gets each upload as a link to it in History.
    """
    source = source_of(thing)
    if source is None:
        return
    box = target.popover(
        t("source.label"), icon=":material/info:", type="tertiary", key=f"{POPOVER_KEY}{key}"
    )
    for found in lookup(source):
        box.markdown(_dataset_line(found))
        if not found["batches"]:
            box.caption(t("source.no_uploads"))
            continue
        box.caption(t("source.uploads"))
        for batch in found["batches"]:
            if may_open(found["dataset"]):
                box.page_link(
                    DATA_PAGE,
                    label=upload_text(batch),
                    icon=":material/history:",
                    help=t("source.open_history"),
                    query_params={"tab": HISTORY_TAB, BATCH_PARAM: str(batch["batch_id"])},
                )
            else:
                box.markdown(f"- {upload_text(batch)}")
    if source.measure:
        box.caption(t("source.measure", measure=t(f"measure.{source.measure}")))
