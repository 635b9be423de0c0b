"""Data page, rankings tab: a published ranking table as downloaded → proposal → preview → commit."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from sapat import auth, db
from sapat.display import plain
from sapat.downloads import table
from sapat.i18n import code_label
from sapat.ranking_import import commit_ranking, preview_ranking, propose_file
from sapat.web import lang, t, uploader_hint
from schemas.codes import RANKINGS

PREFIX = "rankings_import"
FIRST_PROBLEMS = 10  # shown in full; every problem is in the table below them


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """A preview table with its headers in the reader's language."""
    return frame.rename(columns=lambda c: t(f"{PREFIX}.col_{c}"))


def _system_caption(proposal) -> str:
    if proposal.ranking_source == "columns":
        return t(f"{PREFIX}.system_from_columns", columns=proposal.evidence)
    if proposal.ranking_source == "file_name":
        return t(f"{PREFIX}.system_from_file_name")
    return t(f"{PREFIX}.system_unknown")


def _edition(proposal, key: str) -> tuple[int | None, bool]:
    """The edition the editor imports (None: every edition of a year column), and whether
    one is chosen at all."""
    if proposal.years:
        options = [None, *proposal.years]
        span = f"{proposal.years[0]}–{proposal.years[-1]}"
        year = st.selectbox(
            t(f"{PREFIX}.edition"),
            options,
            format_func=lambda y: t(f"{PREFIX}.edition_all", years=span) if y is None else str(y),
            key=f"{key}_years",
        )
        st.caption(t(f"{PREFIX}.edition_from_column"))
        return year, True
    year = st.number_input(
        t(f"{PREFIX}.edition"),
        min_value=1990,
        max_value=2100,
        value=proposal.year,
        step=1,
        key=f"{key}_year",
    )
    source = proposal.year_source if proposal.year is not None else "none"
    st.caption(t(f"{PREFIX}.edition_from_{source}"))
    return (int(year) if year is not None else None), year is not None


def _proposals(preview, key: str) -> dict[str, str]:
    """The alias proposals, each with its evidence, accepted or rejected by its own checkbox."""
    frame = preview.proposal_table(lang())
    st.subheader(t(f"{PREFIX}.proposals_title", count=len(frame)))
    if frame.empty:
        st.caption(t(f"{PREFIX}.no_proposals"))
        return {}
    st.caption(t(f"{PREFIX}.proposals_help"))
    accepted: dict[str, str] = {}
    for i, p in enumerate(frame.itertuples(index=False)):
        star = " ★" if p.guarded else ""
        label = f"«{plain(p.published)}» → «{plain(p.known)}»{star}"
        if st.checkbox(label, key=f"{key}_accept_{i}"):
            accepted[p.published] = p.known
        evidence = t(
            f"{PREFIX}.evidence",
            published=plain(
                ", ".join(x for x in (p.published_country, p.published_city) if x) or "—"
            ),
            known=plain(", ".join(x for x in (p.known_country, p.known_city) if x) or "—"),
            similarity=p.similarity,
            lines=p.lines,
        )
        st.caption(evidence)
    return accepted


def _problems(preview, key: str) -> None:
    """Rows that cannot be read: the first ones in full, every one in a table to download."""
    problems = preview.problem_table(lang())
    st.subheader(t(f"{PREFIX}.problems_title", count=len(problems)))
    if problems.empty:
        st.caption(t(f"{PREFIX}.no_problems"))
        return
    lines = []
    for p in problems.head(FIRST_PROBLEMS).itertuples(index=False):
        where = t(f"{PREFIX}.line", line=p.line) if pd.notna(p.line) else "—"
        cell = " ".join(f"«{plain(v)}»" for v in (p.column, p.value) if v)
        lines.append(f"- **{where}**{' ' + cell if cell else ''}: {plain(p.problem)}")
    st.markdown("\n".join(lines))
    with st.expander(t(f"{PREFIX}.problems_all", count=len(problems))):
        table(_labels(problems), f"{key}_problems", t(f"{PREFIX}.problems_sheet"))


def _metrics(preview) -> None:
    counts = preview.counts()
    cards = (
        ("rows", counts["rows"]),
        ("loaded", counts["loaded"]),
        ("held", counts["held"]),
        ("bands", counts["bands"]),
        ("ties", counts["ties"]),
        ("unranked", counts["unranked"]),
    )
    for column, (name, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(t(f"{PREFIX}.metric_{name}"), value, border=True)
    if counts["inferred"]:
        st.caption(t(f"{PREFIX}.ties_inferred", count=counts["inferred"]))


def _commit(conn, user, uploaded, data: bytes, ranking: str, year, accept, preview) -> None:
    st.subheader(t(f"{PREFIX}.commit_title"))
    mode = st.radio(
        t("data.mode"),
        ("valid_rows", "strict"),
        format_func=lambda m: t(f"data.mode_{m}"),
        horizontal=True,
        key="rk_mode",
    )
    problems = len(preview.report.problems)
    blocked = preview.report.rows_valid == 0 or (mode == "strict" and problems > 0)
    if preview.report.rows_valid == 0:
        st.warning(t("data.nothing_to_load"))
    elif blocked:
        st.warning(t("data.strict_blocked", problems=problems))
    if not st.button(t(f"{PREFIX}.commit"), type="primary", disabled=blocked, key="rk_commit"):
        return
    report = commit_ranking(
        conn,
        uploaded.name,
        data,
        ranking=ranking,
        year=year,
        accept=accept,
        mode=mode,
        user=user.username,
        lang=lang(),
    )
    if not report.loaded:
        st.error(t("data.commit_refused"))
        return
    indicators = report.indicators.batch_id if report.indicators else "—"
    st.session_state["_rk_done"] = t(
        f"{PREFIX}.committed",
        batch=report.results.batch_id,
        indicators=indicators,
        loaded=report.results.rows_loaded,
        rejected=report.results.rows_rejected,
        aliases=len(report.aliases_added),
    )
    st.session_state["_rk_generation"] = st.session_state.get("_rk_generation", 0) + 1
    st.rerun()


def ranking_import_tab(conn: duckdb.DuckDBPyConnection, user: auth.User) -> None:
    """Upload → the proposed system and edition (editable) → the preview → commit."""
    if not auth.can_edit(user.roles, "ranking_results"):
        st.info(t(f"{PREFIX}.not_editor"))
        return
    st.caption(t(f"{PREFIX}.intro"))
    done = st.session_state.pop("_rk_done", None)
    if done:
        st.success(done)
    generation = st.session_state.setdefault("_rk_generation", 0)
    uploaded = st.file_uploader(
        t(f"{PREFIX}.upload"), type=["xlsx", "csv"], key=f"rk_file_{generation}"
    )
    uploader_hint(("xlsx", "csv"))
    if uploaded is None:
        return
    data = uploaded.getvalue()
    marker = (uploaded.name, len(data), lang())
    if st.session_state.get("_rk_proposed_marker") != marker:
        with st.spinner(t("data.checking")):
            st.session_state["_rk_proposed"] = propose_file(uploaded.name, data, lang())
        st.session_state["_rk_proposed_marker"] = marker
    proposed = st.session_state["_rk_proposed"]
    if proposed.error:
        st.error(proposed.error)
        return
    proposal, key = proposed.proposal, f"rk_{proposed.sha256[:12]}"
    left, right = st.columns(2)
    with left:
        index = RANKINGS.index(proposal.ranking) if proposal.ranking in RANKINGS else None
        ranking = st.selectbox(
            t(f"{PREFIX}.system"),
            RANKINGS,
            index=index,
            format_func=lambda code: code_label(code, lang()),
            placeholder=t(f"{PREFIX}.system_placeholder"),
            key=f"{key}_system",
        )
        st.caption(_system_caption(proposal))
    with right:
        year, chosen = _edition(proposal, key)
    if ranking is None or not chosen:
        st.warning(t(f"{PREFIX}.choose_first"))
        return
    accept = st.session_state.get(f"{key}_accept", {})
    marker = (key, ranking, year, tuple(sorted(accept.items())), db.data_version(conn), lang())
    if st.session_state.get("_rk_preview_marker") != marker:
        with st.spinner(t("data.checking")):
            st.session_state["_rk_preview"] = preview_ranking(
                conn,
                uploaded.name,
                data,
                ranking=ranking,
                year=year,
                accept=accept,
                lang=lang(),
                raw=proposed.raw,
            )
        st.session_state["_rk_preview_marker"] = marker
    preview = st.session_state["_rk_preview"]
    st.subheader(t(f"{PREFIX}.preview_title"))
    _metrics(preview)
    notices = preview.report.notices
    if notices:
        with st.expander(t(f"{PREFIX}.notices", count=len(notices))):
            st.markdown("\n".join(f"- {plain(n.message(lang()))}" for n in notices))
    guarded = preview.guarded_rows(lang())
    st.subheader(t(f"{PREFIX}.guarded_title", count=len(guarded)))
    if guarded.empty:
        st.caption(t(f"{PREFIX}.no_guarded"))
    else:
        table(_labels(guarded), f"{key}_guarded", t(f"{PREFIX}.guarded_sheet"))
    wanted = _proposals(preview, f"{key}_{ranking}_{year}")
    if wanted != accept:
        # A tick changes what is stored: the preview is computed again before anything else.
        st.session_state[f"{key}_accept"] = wanted
        st.rerun()
    _problems(preview, key)
    # Thousands of rows are drawn only when asked for: the preview shows at once.
    if st.toggle(t(f"{PREFIX}.rows_title", count=preview.report.rows_valid), key=f"{key}_all"):
        table(_labels(preview.stored_rows(lang())), f"{key}_rows", t(f"{PREFIX}.rows_sheet"))
    _commit(conn, user, uploaded, data, ranking, year, accept, preview)
