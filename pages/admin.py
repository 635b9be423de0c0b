"""Administration: accounts and roles, the university, the audit log, and backups."""

import pandas as pd
import streamlit as st

from sapat import auth, backup, db, identity
from sapat.display import format_date
from sapat.downloads import table
from sapat.formats import number
from sapat.i18n import LANGUAGE_NAMES, has, translate
from sapat.queries import uploads as uq
from sapat.web import cursor, entry_guard, lang, restore_from, t, uploader_hint

user = entry_guard(auth.is_admin)
conn = cursor()
# Bound once: widget label functions may be called outside this session's script run.
language = lang()

st.header(t("admin.title"), divider="gray")
users_tab, university_tab, audit_tab, backup_tab = st.tabs(
    [t("admin.tab_users"), t("admin.tab_university"), t("admin.tab_audit"), t("admin.tab_backup")]
)


def roles_text(roles: tuple[str, ...]) -> str:
    return ", ".join(auth.role_label(r, lang()) for r in roles)


def show_password(username: str, password: str) -> None:
    """A new password, shown once: it is stored only as an argon2 hash."""
    st.session_state["_new_password"] = (username, password)


def action_label(action: str) -> str:
    """Known actions in the user's language; any other is shown as recorded."""
    key = f"admin.action_{action}"
    return translate(key, language) if has(key, language) else action


with users_tab:
    shown = st.session_state.pop("_new_password", None)
    if shown:
        st.success(t("admin.password_once", username=shown[0]))
        st.code(shown[1], language=None)
    message = st.session_state.pop("_admin_message", None)
    if message:
        st.info(message)
    accounts = auth.list_users(conn)
    listing = [
        {
            t("auth.username"): u.username,
            t("admin.display_name"): u.display_name,
            t("admin.roles"): roles_text(u.roles),
            t("admin.active"): t("admin.yes") if u.active else t("admin.no"),
        }
        for u in accounts
    ]
    table(pd.DataFrame(listing), "admin_users", t("admin.users_sheet"))

    add_col, edit_col = st.columns(2)
    with add_col, st.form("add_user", clear_on_submit=True):
        st.subheader(t("admin.add_title"))
        new_name = st.text_input(t("auth.username"), key="admin_new_name")
        new_display = st.text_input(t("admin.display_name"), key="admin_new_display")
        new_roles = st.multiselect(
            t("admin.roles"),
            auth.ROLES,
            default=[auth.VIEWER],
            format_func=lambda r: auth.role_label(r, language),
            key="admin_new_roles",
            placeholder=t("admin.choose_roles"),
        )
        if st.form_submit_button(t("admin.add"), type="primary"):
            password = auth.generate_password()
            try:
                added = auth.add_user(
                    conn, new_name, password, new_roles, display_name=new_display, by=user.username
                )
                show_password(added.username, password)
                st.rerun()
            except auth.AuthError as exc:
                st.error(exc.message(lang()))

    with edit_col:
        st.subheader(t("admin.edit_title"))
        names = [u.username for u in accounts]
        chosen = st.selectbox(t("admin.account"), names, key="admin_account")
        account = next((u for u in accounts if u.username == chosen), None)
        if account is None:  # single sign-on accounts only: nothing to edit here
            st.info(t("admin.no_local_accounts"))
        else:
            roles = st.multiselect(
                t("admin.roles"),
                auth.ROLES,
                default=list(account.roles),
                format_func=lambda r: auth.role_label(r, language),
                key=f"admin_roles_{chosen}",
                placeholder=t("admin.choose_roles"),
            )
            b1, b2, b3 = st.columns(3)
            if b1.button(t("admin.save_roles"), key="admin_save_roles"):
                try:
                    auth.set_roles(conn, chosen, roles, by=user.username)
                    st.session_state["_admin_message"] = t(
                        "admin.roles_saved", username=chosen, roles=roles_text(tuple(roles))
                    )
                    st.rerun()
                except auth.AuthError as exc:
                    st.error(exc.message(lang()))
            if b2.button(t("admin.reset_password"), key="admin_reset"):
                password = auth.generate_password()
                auth.set_password(conn, chosen, password, by=user.username)
                show_password(chosen, password)
                st.rerun()
            if account.active:
                # Locking oneself out would leave nobody to undo it from the page.
                own = chosen == user.username
                if b3.button(t("admin.deactivate"), key="admin_deactivate", disabled=own):
                    auth.deactivate(conn, chosen, by=user.username)
                    st.session_state["_admin_message"] = t("admin.deactivated", username=chosen)
                    st.rerun()
            elif b3.button(t("admin.activate"), key="admin_activate"):
                auth.activate(conn, chosen, by=user.username)
                st.session_state["_admin_message"] = t("admin.activated", username=chosen)
                st.rerun()

with audit_tab:
    actions = uq.audit_actions(conn)
    picked = st.multiselect(
        t("admin.audit_actions"),
        actions,
        format_func=action_label,
        key="admin_audit_actions",
        placeholder=t("ui.all"),
    )
    log = uq.audit_log(conn, tuple(picked))
    log = log.assign(
        at=log["at"].map(lambda v: format_date(v, lang())),
        action=log["action"].map(action_label),
    )
    log.columns = [t(f"admin.col_{c}") for c in log.columns]
    table(log, "admin_audit", t("admin.audit_sheet"), height=420)

with university_tab:
    current = identity.get(conn)
    saved = st.session_state.pop("_university_saved", None)
    if saved:
        st.success(saved)
    if current is None:
        # The names the header already shows (the home institution's), offered to confirm.
        current = identity.proposed(conn)
        st.info(t("admin.university_unset" if current is None else "admin.university_proposed"))
    with st.form("admin_university"):
        values = {}
        for kind in ("name", "short"):
            columns = st.columns(3)
            for column, code in zip(columns, ("ky", "ru", "en"), strict=True):
                field = f"{kind}_{code}"
                values[field] = column.text_input(
                    t(f"admin.university_{kind}", language=LANGUAGE_NAMES[code]),
                    value=getattr(current, field, "") if current else "",
                    key=f"admin_uni_{field}",
                )
        left, right = st.columns(2)
        city = left.text_input(
            t("admin.university_city"), value=(current.city or "") if current else ""
        )
        country = right.text_input(
            t("admin.university_country"), value=(current.country or "") if current else ""
        )
        logo = st.file_uploader(
            t("admin.university_logo"), type=["png", "jpg", "jpeg", "svg"], key="admin_uni_logo"
        )
        uploader_hint(("png", "jpg", "svg"), identity.MAX_LOGO_BYTES)
        submitted = st.form_submit_button(t("admin.university_save"), type="primary")
    if current is not None and current.logo and current.logo_type != "image/svg+xml":
        st.image(current.logo, width=96, caption=t("admin.university_logo_current"))
    if submitted:
        try:
            identity.save(
                conn,
                identity.University(
                    **values,
                    city=city.strip() or None,
                    country=country.strip() or None,
                    logo=logo.getvalue() if logo is not None else None,
                ),
                user.username,
            )
        except identity.IdentityError as exc:
            st.error(t(exc.code, **exc.params))
        else:
            st.session_state["_university_saved"] = t("admin.university_saved")
            st.rerun()

with backup_tab:
    path = db.resolve_db_path()
    folder = backup.default_dir(path)
    st.caption(t("admin.backup_help", folder=str(folder)))
    if st.button(t("admin.backup_now"), type="primary", icon=":material/backup:"):
        with st.spinner(t("admin.backup_running")):
            taken = backup.backup(conn, path, folder, user=user.username)
        st.success(
            t(
                "admin.backup_done",
                file=taken.path.name,
                size=number(taken.size_bytes / 2**20, lang(), 1),
                version=taken.data_version,
            )
        )
    taken_list = backup.list_backups(folder)
    if taken_list:
        table(
            pd.DataFrame(
                {
                    t("admin.col_file"): [b.path.name for b in taken_list],
                    t("admin.col_at"): [format_date(b.taken_at, lang()) for b in taken_list],
                    t("admin.col_size"): [round(b.size_bytes / 2**20, 1) for b in taken_list],
                    t("admin.col_version"): [b.data_version for b in taken_list],
                }
            ),
            "admin_backups",
            t("admin.backups_sheet"),
        )
    if taken_list:
        st.subheader(t("admin.restore_title"))
        st.caption(t("admin.restore_help"))
        names = [b.path.name for b in taken_list]
        chosen = st.selectbox(
            t("admin.restore_choose"),
            names,
            index=None,
            key="admin_restore",
            placeholder=t("admin.restore_placeholder"),
        )
        restored = st.session_state.pop("_restored", None)
        if restored:
            st.success(restored)
        if chosen is not None:
            if st.session_state.get("_restore_pending") != chosen:
                if st.button(t("admin.restore_button"), key="admin_restore_ask"):
                    st.session_state["_restore_pending"] = chosen
                    st.rerun()
            else:
                st.warning(t("admin.restore_confirm", file=chosen))
                yes, no = st.columns(2)
                if yes.button(t("admin.restore_yes"), type="primary", key="admin_restore_yes"):
                    st.session_state.pop("_restore_pending", None)
                    try:
                        kept = restore_from(folder / chosen, user.username)
                    except backup.BackupInvalid:
                        st.error(t("admin.restore_invalid", file=chosen))
                    except OSError as exc:
                        st.error(t("admin.restore_failed", detail=str(exc)))
                    else:
                        st.session_state["_restored"] = t(
                            "admin.restored", file=chosen, kept=str(kept or "—")
                        )
                        st.rerun()
                if no.button(t("admin.restore_no"), key="admin_restore_no"):
                    st.session_state.pop("_restore_pending", None)
                    st.rerun()
    st.caption(t("admin.restore_steps", folder=str(folder), db=str(path)))
