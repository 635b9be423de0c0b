"""Who is signed in: the sign-in page, single sign-on through st.login, and sign-out.

Single sign-on is Streamlit's ``st.login`` (OpenID Connect through Authlib): Streamlit
checks the provider's ID token and keeps its claims in a signed cookie, ``st.user``. Sapat
adds three things on top:

* roles come from the address ([sapat.oidc_roles]); an address without any gets nothing;
* sign-ins, refusals and sign-outs go to the audit log like local accounts' sign-ins;
* a sign-out is recorded, and a cookie issued before it is refused from then on: the
  cookie alone is stateless and would otherwise keep signing in for its 30 days.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from sapat import auth, db, identity
from sapat.auth import User
from sapat.i18n import LANGUAGES
from sapat.settings import secrets
from sapat.web import ACCOUNT_KEY, USER_KEY, cursor, lang, local_account, t

OIDC_ROLES = "oidc_roles"  # [sapat.oidc_roles] in secrets.toml: e-mail or *@domain → roles
# Keys of an [auth] table that make it a provider, as Streamlit reads them.
_PROVIDER_KEYS = {"client_id", "client_secret", "server_metadata_url"}
# Carries the sign-in page's language across the provider's pages: the provider sends the
# browser back to "/", in a new session, without the ?lang= it left with.
LANG_COOKIE = "sapat_lang"
SSO_SIGN_OUT = "sign_out"  # audit action; it also revokes the address's earlier cookies
_AUDITED_KEY = "_sso_audited"

log = logging.getLogger("sapat")


def oidc_providers() -> list[str]:
    """Named providers of an [auth] section (Google, Microsoft, ...), or [""] for one."""
    section = secrets().get("auth")
    if not isinstance(section, Mapping) or not section:
        return []
    # Only tables with a provider's keys: [auth] client_kwargs = {...} is not a provider.
    named = [k for k, v in section.items() if isinstance(v, Mapping) and _PROVIDER_KEYS & set(v)]
    if named:
        return named
    return [""] if _PROVIDER_KEYS & set(section) else []


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says is in the browser (st.user), before any role."""

    email: str
    name: str
    provider: str
    issued: datetime | None  # the ID token's iat, local time like the audit log
    verified: bool  # False only when the provider says the address is unverified


def sso_identity() -> Identity | None:
    """The identity of st.user, if single sign-on is configured and signed someone in."""
    if not oidc_providers():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        claims: dict[str, Any] = st.user.to_dict()
    except Exception:  # st.user fails when Authlib is missing or [auth] is incomplete
        log.exception("st.user unreadable")
        return None
    email = str(claims.get("email") or "").strip().lower()
    issued = claims.get("iat")
    try:
        when = datetime.fromtimestamp(int(issued)) if issued is not None else None
    except (TypeError, ValueError, OverflowError):
        when = None
    return Identity(
        email=email,
        name=str(claims.get("name") or email),
        provider=str(claims.get("provider") or ""),
        issued=when,
        verified=claims.get("email_verified") is not False,
    )


def _revoked(who: Identity) -> bool:
    """Whether the address signed out after this cookie's ID token was issued.

    ``iat`` has whole seconds, so only a sign-out in a later second revokes it: a sign-in
    right after a sign-out must not be taken for the old one.
    """
    if who.issued is None or not who.email:
        return False
    (last,) = db.first(
        cursor().execute(
            'SELECT max("at") FROM audit_log WHERE "user" = ? AND action = ?',
            [who.email, SSO_SIGN_OUT],
        )
    )
    return last is not None and last >= who.issued + timedelta(seconds=1)


def _sso_roles(who: Identity) -> tuple[str, ...]:
    if not who.verified:
        return ()  # an unverified address could be anybody's
    sapat_secrets = secrets().get("sapat", {})
    return auth.roles_for_email(who.email, sapat_secrets.get(OIDC_ROLES, {}))


def _audit_once(who: Identity, action: str, detail: str) -> None:
    """One audit row per ID token, however many sessions and reruns the cookie serves.

    The row is dated with the token's ``iat``, which also tells a repeat from a new one.
    """
    marker = [who.email, action, str(who.issued)]
    if st.session_state.get(_AUDITED_KEY) == marker:
        return
    at = who.issued or datetime.now()
    with db.transaction(cursor()) as tx:
        seen = db.first(
            tx.execute(
                'SELECT 1 FROM audit_log WHERE "user" = ? AND action = ? AND "at" = ?',
                [who.email, action, at],
            )
        )
        if seen is None:
            db.audit(tx, who.email, action, detail, at=at)
    st.session_state[_AUDITED_KEY] = marker


def _via(who: Identity) -> str:
    return f"single sign-on ({who.provider or 'default'})"


def _oidc_user() -> User | None:
    """The single-sign-on user with roles from their e-mail, if st.login signed one in."""
    who = sso_identity()
    if who is None or _revoked(who):
        return None
    roles = _sso_roles(who)
    if not roles:
        return None
    _audit_once(who, "sign_in", _via(who))
    return User(who.email, who.name, roles, True)


def _sso_refused() -> Identity | None:
    """Signed in with the identity provider, but with no role in Sapat (nor revoked)."""
    who = sso_identity()
    if who is None or _revoked(who) or _sso_roles(who):
        return None
    reason = "address not verified" if not who.verified else "no role for this address"
    _audit_once(who, "sign_in_failed", f"{_via(who)}: {reason}")
    return who


def current_user() -> User | None:
    """The signed-in, still active account, read afresh on every interaction."""
    return local_account() or _oidc_user()


def sign_out() -> None:
    """End the session; a single-sign-on one also at the provider and for its cookie."""
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(ACCOUNT_KEY, None)
    who = sso_identity()
    if who is None:
        return
    if who.email:
        # Recorded first: even if the redirect below never happens, the cookie is dead.
        with db.transaction(cursor()) as tx:
            db.audit(tx, who.email, SSO_SIGN_OUT, _via(who))
    st.session_state.pop(_AUDITED_KEY, None)
    try:
        st.logout()  # clears the cookie, then the provider's end-session endpoint if any
    except Exception:
        log.exception("single sign-on logout failed")


def remembered_language() -> None:
    """Take the language the sign-in page was in, when nothing else chose one yet."""
    if "lang" in st.session_state or "lang" in st.query_params:
        return
    try:
        saved = st.context.cookies.get(LANG_COOKIE)
    except Exception:  # no browser request behind this run (AppTest)
        return
    if saved in LANGUAGES:
        st.session_state["lang"] = saved


def _remember_language() -> None:
    # Only a value of LANGUAGES goes into the script, so nothing of the request does.
    code = lang()
    st.html(
        f"<script>document.cookie = '{LANG_COOKIE}={code}; Path=/; "
        "Max-Age=31536000; SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def sign_in_page() -> None:
    """The only page a visitor sees before signing in."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        try:  # the university the dashboard belongs to, if the warehouse can say
            university = identity.get(cursor())
            name = identity.display_name(cursor(), lang())
        except Exception:
            log.exception("university unavailable on the sign-in page")
            university, name = None, None
        if university is not None and university.logo and university.logo_type != "image/svg+xml":
            st.image(university.logo, width=80)
        if name:
            st.subheader(name, anchor=False)
        st.title(t("auth.sign_in_title"))
        st.caption(t("auth.sign_in_intro"))
        reason = st.session_state.pop("_signed_out", None)
        if reason == "inactive":
            st.warning(t("auth.account_inactive"))
        providers = oidc_providers()
        refused = _sso_refused() if providers else None
        if refused is not None:
            # Said first, where the eye lands after the provider's pages; the form stays
            # below for someone who has a local account as well.
            st.error(t("auth.sso_no_role"), icon=":material/block:")
            st.button(t("auth.sign_out"), key="sso_refused_sign_out", on_click=sign_out)
        with st.form("sign_in", enter_to_submit=True):
            username = st.text_input(t("auth.username"), key="sign_in_username")
            password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
            submitted = st.form_submit_button(t("auth.sign_in"), type="primary", width="stretch")
        if submitted:
            _try_sign_in(username, password)
        if providers:
            st.divider()
            for provider in providers:
                label = t("auth.sign_in_with", provider=provider.title() or t("auth.sso"))
                if st.button(label, key=f"sso_{provider}", width="stretch"):
                    try:
                        st.login(provider or None)
                    except Exception:  # an incomplete [auth] section: say so, not how
                        log.exception("st.login refused the [auth] configuration")
                        st.error(t("ui.error_generic"))
            _remember_language()


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
