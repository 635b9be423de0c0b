"""Who is signed in: the sign-in page, single sign-on through st.login, and sign-out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import streamlit as st

from sapat import auth
from sapat.auth import User
from sapat.settings import secrets
from sapat.web import ACCOUNT_KEY, USER_KEY, cursor, lang, local_account, t

OIDC_ROLES = "oidc_roles"  # [sapat.oidc_roles] in secrets.toml: e-mail or *@domain → roles

log = logging.getLogger("sapat")


def oidc_providers() -> list[str]:
    """Named providers of an [auth] section (Google, Microsoft, ...), or [""] for one."""
    section = secrets().get("auth")
    if not isinstance(section, Mapping) or not section:
        return []
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return named or [""]


def _oidc_user() -> User | None:
    """The single-sign-on user with roles from their e-mail, if st.login signed one in."""
    if not oidc_providers():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        name = str(st.user.get("name") or email)
    except Exception:
        return None
    sapat_secrets = secrets().get("sapat", {})
    roles = auth.roles_for_email(email, sapat_secrets.get(OIDC_ROLES, {}))
    if not roles:
        return None
    return User(email.lower(), name, roles, True)


def current_user() -> User | None:
    """The signed-in, still active account, read afresh on every interaction."""
    return local_account() or _oidc_user()


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(ACCOUNT_KEY, None)
    if oidc_providers():
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:
            log.exception("single sign-on logout failed")


def _when(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def sign_in_page() -> None:
    """The only page a visitor sees before signing in."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("auth.sign_in_title"))
        st.caption(t("auth.sign_in_intro"))
        reason = st.session_state.pop("_signed_out", None)
        if reason == "inactive":
            st.warning(t("auth.account_inactive"))
        with st.form("sign_in", enter_to_submit=True):
            username = st.text_input(t("auth.username"), key="sign_in_username")
            password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
            submitted = st.form_submit_button(t("auth.sign_in"), type="primary", width="stretch")
        if submitted:
            _try_sign_in(username, password)
        providers = oidc_providers()
        if providers:
            st.divider()
            for provider in providers:
                label = t("auth.sign_in_with", provider=provider.title() or t("auth.sso"))
                if st.button(label, key=f"sso_{provider}", width="stretch"):
                    st.login(provider or None)
            if _sso_refused():
                st.error(t("auth.sso_no_role"))


def _sso_refused() -> bool:
    """Signed in with the identity provider, but no role is mapped for that address."""
    try:
        return bool(st.user.is_logged_in) and _oidc_user() is None
    except Exception:
        return False


def _try_sign_in(username: str, password: str) -> None:
    conn = cursor()
    until = auth.throttled_until(conn, username)
    user = auth.authenticate(conn, username, password)
    if user is not None:
        st.session_state[USER_KEY] = user.username
        st.rerun()
    until = until or auth.throttled_until(conn, username)
    if until is not None:
        st.error(t("auth.throttled", time=_when(until)))
    else:
        st.error(t("auth.wrong_credentials"))


def sidebar_account(user: User) -> None:
    """Who is signed in, with the sign-out button."""
    roles = ", ".join(auth.role_label(r, lang()) for r in user.roles)
    st.caption(t("auth.signed_in_as", name=user.display_name, roles=roles))
    # A callback runs before whichever script the rerun executes, page or app.py.
    st.button(t("auth.sign_out"), key="sign_out", icon=":material/logout:", on_click=sign_out)
