"""Data: template, upload, validation report, preview, commit; upload history and undo."""

import pandas as pd
import streamlit as st

from pages.data_rankings import ranking_import_tab
from pipelines.loader import RollbackRefused, rollback
from pipelines.problems import FileRejected
from pipelines.template import template_bytes
from sapat import auth, db
from sapat.display import format_date, plain
from sapat.downloads import file_stem, table
from sapat.i18n import translate
from sapat.queries import uploads as uq
from sapat.upload import check_upload, commit_upload
from sapat.web import cursor, entry_guard, guarded, header, lang, lazy_tabs, t, uploader_hint
from schemas.registry import DATASETS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = entry_guard(auth.can_view_data_page)
conn = cursor()
# Downloads are built on click, and labels may be formatted, outside this session's run.
language = lang()
mine = tuple(d for d in DATASETS if auth.can_edit(user.roles, d))

st.header(t("data.title"), divider="gray")
# Tabs that a link can open (?tab=data.tab_history&batch=N: a figure's source).
upload_tab, history_tab, rankings_tab = lazy_tabs(
    "data_tab", [t("data.tab_upload"), t("data.tab_history"), t("rankings_import.tab")]
)
BATCH_PARAM = "batch"  # ?batch=<id>: the History tab opens with that upload chosen


def dataset_label(name: str) -> str:
    return translate(f"dataset.{name}", language)


def many_files_table(checks: list) -> pd.DataFrame:
    """One line per chosen file: what its check found, before anything is loaded."""
    rows = []
    for c in checks:
        report = c.report
        rows.append(
            {
                t("data.col_file_name"): c.file_name,
                t("data.rows_in"): report.rows_in if report else None,
                t("data.rows_valid"): report.rows_valid if report else None,
                t("data.problems"): c.problems,
                t("data.col_refusal"): c.error or "",
            }
        )
    return pd.DataFrame(rows).astype({t("data.rows_in"): "Int64", t("data.rows_valid"): "Int64"})


def many_done_table(results: list) -> pd.DataFrame:
    """One line per loaded file: its batch, status and counts, or why it was refused."""
    rows = []
    for name, result, error in results:
        rows.append(
            {
                t("data.col_file_name"): name,
                t("data.col_batch_id"): result.batch_id if result else None,
                t("data.col_status"): t(f"data.status_{result.status}") if result else "",
                t("data.col_rows_loaded"): result.rows_loaded if result else None,
                t("data.col_rows_rejected"): result.rows_rejected if result else None,
                t("data.col_refusal"): error or "",
            }
        )
    frame = pd.DataFrame(rows)
    counts = [t("data.col_batch_id"), t("data.col_rows_loaded"), t("data.col_rows_rejected")]
    return frame.astype(dict.fromkeys(counts, "Int64"))


with upload_tab:
    dataset = st.selectbox(t("data.dataset"), mine, format_func=dataset_label, key="data_dataset")
    st.download_button(
        t("data.template", dataset=dataset_label(dataset)),
        data=guarded(lambda: template_bytes(dataset, language)),
        file_name=f"{file_stem(dataset_label(dataset))}.xlsx",
        mime=XLSX,
        icon=":material/download:",
        on_click="ignore",
        key="data_template",
    )
    st.caption(t("data.template_help"))
    done = st.session_state.pop("_upload_done", None)
    if done:
        st.success(done)
    # A new key after each commit empties the uploader, so a file is not committed twice.
    generation = st.session_state.setdefault("_upload_generation", 0)
    uploaded = st.file_uploader(
        t("data.upload"), type=["xlsx", "csv"], key=f"data_file_{generation}"
    )
    uploader_hint(("xlsx", "csv"))
    with st.expander(t("data.many_title"), icon=":material/library_add:"):
        files = (
            st.file_uploader(
                t("data.many_upload"),
                type=["xlsx", "csv"],
                key=f"data_many_{generation}",
                accept_multiple_files=True,
            )
            or []
        )
        uploader_hint(("xlsx", "csv"))
        if files:
            # Years of history at once: each file is checked, then loaded as its own batch.
            marker = (
                dataset,
                tuple((f.name, f.size) for f in files),
                db.data_version(conn),
                lang(),
            )
            if st.session_state.get("_many_marker") != marker:
                with st.spinner(t("data.checking")):
                    st.session_state["_many"] = [
                        check_upload(conn, dataset, f.name, f.getvalue(), lang()) for f in files
                    ]
                st.session_state["_many_marker"] = marker
            checks = st.session_state["_many"]
            table(many_files_table(checks), "data_many", t("data.many_sheet"))
            mode = st.radio(
                t("data.mode"),
                ("strict", "valid_rows"),
                format_func=lambda m: translate(f"data.mode_{m}", language),
                horizontal=True,
                key="data_many_mode",
            )
            st.caption(t("data.many_help", count=len(files)))
            if st.button(
                t("data.commit_many", count=len(files)), type="primary", key="data_commit_many"
            ):
                results = []
                for f in files:
                    try:
                        report = commit_upload(
                            conn,
                            dataset,
                            f.name,
                            f.getvalue(),
                            mode=mode,
                            user=user.username,
                            lang=lang(),
                        )
                    except FileRejected as exc:
                        results.append((f.name, None, exc.message(lang())))
                        continue
                    results.append((f.name, report.result, None))
                st.session_state["_many_done"] = results
                st.session_state["_upload_generation"] = generation + 1
                st.session_state.pop("_many_marker", None)
                st.rerun()
    many_done = st.session_state.pop("_many_done", None)
    if many_done:
        st.subheader(t("data.many_done_title"))
        table(many_done_table(many_done), "data_many_done", t("data.many_done_sheet"))
    if uploaded is not None:
        data = uploaded.getvalue()
        # Checked once per file and warehouse state; widget clicks rerun the page.
        sheet_key = f"data_sheet_{generation}_{uploaded.name}"  # a new file asks afresh
        sheet = st.session_state.get(sheet_key)
        marker = (dataset, uploaded.name, len(data), db.data_version(conn), lang(), sheet)
        if st.session_state.get("_checked_marker") != marker:
            with st.spinner(t("data.checking")):
                st.session_state["_checked"] = check_upload(
                    conn, dataset, uploaded.name, data, lang(), sheet=sheet
                )
            st.session_state["_checked_marker"] = marker
        checked = st.session_state["_checked"]
        st.markdown(t("data.file", name=plain(uploaded.name), sha=checked.sha256[:12]))
        if checked.sheets:
            # Two sheets fit the dataset: the user says which, and the check runs on it.
            st.warning(checked.error)
            # Kept under a plain key: the picker is not drawn once a sheet is chosen, and
            # Streamlit forgets the state of a widget that a run does not draw.
            st.selectbox(
                t("data.sheet"),
                checked.sheets,
                index=None,
                placeholder=t("data.sheet_choose"),
                key=f"{sheet_key}_picker",
                on_change=lambda: st.session_state.update(
                    {sheet_key: st.session_state[f"{sheet_key}_picker"]}
                ),
            )
            st.stop()
        if checked.error:
            st.error(checked.error)
            st.stop()
        report = checked.report
        for notice in report.notices:
            st.info(notice.message(lang()))
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(t("data.rows_in"), report.rows_in, border=True)
        c2.metric(t("data.rows_valid"), report.rows_valid, border=True)
        c3.metric(t("data.rows_bad"), report.bad_rows, border=True)
        c4.metric(t("data.problems"), checked.problems, border=True)
        if checked.problems:
            st.subheader(t("data.report_title"))
            problems = checked.problem_table(lang())
            problems.columns = [t(f"upload.col_{c}") for c in problems.columns]
            table(problems, "data_problems", t("upload.sheet_problems"))
            if report.raw is not None:
                st.download_button(
                    t("data.marked_file"),
                    data=guarded(lambda: checked.marked_file(language)),
                    file_name=f"{file_stem(uploaded.name.rsplit('.', 1)[0])}_marked.xlsx",
                    mime=XLSX,
                    icon=":material/error:",
                    on_click="ignore",
                    key="data_marked",
                )
        else:
            st.success(t("data.no_problems", rows=report.rows_in))
        preview = checked.preview
        if preview is not None:
            st.subheader(t("data.preview_title"))
            p1, p2, p3 = st.columns(3)
            p1.metric(t("data.rows_new"), preview.new, border=True)
            p2.metric(t("data.rows_changed"), preview.changed, border=True)
            p3.metric(t("data.rows_unchanged"), preview.unchanged, border=True)
            if len(preview.changes):
                with st.expander(t("data.changed_cells", count=len(preview.changes))):
                    changes = preview.changes.assign(column=preview.changes["column"].map(header))
                    changes.columns = [t(f"upload.col_{c}") for c in changes.columns]
                    table(changes, "data_changes", t("data.changes_sheet"))
            if len(preview.new_rows):
                with st.expander(t("data.new_rows", count=preview.new)):
                    new_rows = preview.new_rows.rename(columns={"row": "upload_row"})
                    table(
                        new_rows.rename(
                            columns=lambda c: (
                                header(c) if c != "upload_row" else t("upload.col_row")
                            )
                        ),
                        "data_new_rows",
                        t("data.new_rows_sheet"),
                    )
        st.subheader(t("data.commit_title"))
        mode = st.radio(
            t("data.mode"),
            ("strict", "valid_rows"),
            format_func=lambda m: translate(f"data.mode_{m}", language),
            horizontal=True,
            key="data_mode",
        )
        blocked = report.rows_valid == 0 or (mode == "strict" and checked.problems > 0)
        if report.rows_valid == 0:
            st.warning(t("data.nothing_to_load"))
        elif blocked:
            st.warning(t("data.strict_blocked", problems=checked.problems))
        if st.button(t("data.commit"), type="primary", disabled=blocked, key="data_commit"):
            result = commit_upload(
                conn,
                dataset,
                uploaded.name,
                data,
                mode=mode,
                user=user.username,
                lang=lang(),
                sheet=sheet,
            ).result
            if result is not None and result.status == "committed":
                st.session_state["_upload_done"] = t(
                    "data.committed",
                    batch=result.batch_id,
                    loaded=result.rows_loaded,
                    new=result.rows_new,
                    changed=result.rows_changed,
                    unchanged=result.rows_unchanged,
                    rejected=result.rows_rejected,
                )
                st.session_state["_upload_generation"] = generation + 1
                st.session_state.pop("_checked_marker", None)
                st.rerun()
            st.error(t("data.commit_refused"))

with history_tab:
    history = uq.batches(conn, mine)
    opened = st.query_params.get(BATCH_PARAM)
    if opened is not None:  # taken once, like ?tab=: chosen in the pickers below
        del st.query_params[BATCH_PARAM]
        opened = int(opened) if opened.isdigit() else None
        rows = history.set_index("batch_id") if opened in set(history["batch_id"]) else None
        if rows is not None and rows.loc[opened, "status"] == "committed":
            st.session_state["data_undo_batch"] = opened
        if rows is not None and rows.loc[opened, "rows_rejected"] > 0:
            st.session_state["data_rej"] = opened
        opened = opened if rows is not None else None
    if history.empty:
        st.info(t("data.no_uploads"))
    else:
        shown = history.drop(columns=["file_sha256"]).assign(
            dataset=history["dataset"].map(dataset_label),
            status=history["status"].map(lambda s: t(f"data.status_{s}")),
            mode=history["mode"].map(lambda m: t(f"data.mode_short_{m}")),
            uploaded_at=history["uploaded_at"].map(lambda v: format_date(v, lang())),
            rolled_back_at=history["rolled_back_at"].map(lambda v: format_date(v, lang())),
            sha256=history["file_sha256"].str.slice(0, 12),
        )
        shown.columns = [t(f"data.col_{c}") for c in shown.columns]
        table(shown, "data_history", t("data.history_sheet"))

        def describe(batch_id: int) -> str:
            row = history.set_index("batch_id").loc[batch_id]
            return translate(
                "data.batch_option",
                language,
                batch=batch_id,
                dataset=dataset_label(row["dataset"]),
                file=row["file_name"],
                when=format_date(row["uploaded_at"], language),
            )

        if opened is not None:
            st.info(t("source.opened_batch", batch=describe(opened)), icon=":material/info:")
        left, right = st.columns(2)
        with left:
            st.subheader(t("data.undo_title"))
            committed = history.loc[history["status"] == "committed", "batch_id"].tolist()
            if not committed:
                st.caption(t("data.nothing_to_undo"))
            else:
                chosen = st.selectbox(
                    t("data.undo_batch"), committed, format_func=describe, key="data_undo_batch"
                )
                pending = st.session_state.get("_undo_pending")
                if pending != chosen:
                    if st.button(t("data.undo"), key="data_undo", icon=":material/undo:"):
                        st.session_state["_undo_pending"] = chosen
                        st.rerun()
                else:
                    row = history.set_index("batch_id").loc[chosen]
                    st.warning(
                        t(
                            "data.undo_confirm",
                            batch=chosen,
                            new=int(row["rows_new"] or 0),
                            changed=int(row["rows_changed"] or 0),
                        )
                    )
                    yes, no = st.columns(2)
                    if yes.button(t("data.undo_yes"), type="primary", key="data_undo_yes"):
                        st.session_state.pop("_undo_pending", None)
                        try:
                            done = rollback(conn, int(chosen), user.username)
                            st.session_state["_undo_done"] = t("data.undone", batch=chosen, **done)
                        except RollbackRefused as exc:
                            st.session_state["_undo_done"] = t(
                                "data.undo_refused",
                                batch=chosen,
                                reason=exc.reason(lang()),
                            )
                        st.rerun()
                    if no.button(t("data.undo_no"), key="data_undo_no"):
                        st.session_state.pop("_undo_pending", None)
                        st.rerun()
            message = st.session_state.pop("_undo_done", None)
            if message:
                st.info(message)
        with right:
            st.subheader(t("data.rejected_title"))
            with_rejects = history.loc[history["rows_rejected"] > 0, "batch_id"].tolist()
            if not with_rejects:
                st.caption(t("data.no_rejected"))
            else:
                picked = st.selectbox(
                    t("data.rejected_batch"), with_rejects, format_func=describe, key="data_rej"
                )
                rejected = uq.rejected_rows(conn, int(picked)).rename(
                    columns={"row_number": t("upload.col_row"), "problems": t("upload.col_problem")}
                )
                table(rejected, "data_rejected", t("data.rejected_sheet", batch=picked))

with rankings_tab:
    ranking_import_tab(conn, user)
