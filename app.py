"""Sapat's entry point: page config, language picker, sign-in gate and the page router."""

import logging

import streamlit as st

from sapat import auth, db, identity
from sapat.i18n import LANGUAGE_NAMES, LANGUAGES
from sapat.signin import current_user, remembered_language, sidebar_account, sign_in_page
from sapat.web import ACCOUNT_KEY, apply_style, cursor, lang, t

st.set_page_config(page_title="Sapat", page_icon=":material/school:", layout="wide")
apply_style()
st.session_state["_framed"] = True  # pages refuse to run outside this frame (entry_guard)

# The language lives in a plain session key: Streamlit may drop a widget's own state when
# the page changes, and the choice must survive every navigation. A session that comes back
# from the single-sign-on provider starts without either: it takes the sign-in page's.
remembered_language()
st.session_state["lang"] = lang()


def _picked() -> None:
    st.session_state["lang"] = st.session_state["lang_picker"]


with st.sidebar:
    st.selectbox(
        "Тил / Язык / Language",
        LANGUAGES,
        index=LANGUAGES.index(st.session_state["lang"]),
        key="lang_picker",
        format_func=LANGUAGE_NAMES.get,
        on_change=_picked,
    )

try:
    conn = cursor()
    demo = db.is_demo(conn)
except Exception as exc:  # the warehouse file is unreadable or held by another process
    logging.getLogger("sapat").exception("warehouse unavailable")
    st.error(t("ui.warehouse_error", reason=type(exc).__name__))
    st.stop()

user = current_user()
st.session_state[ACCOUNT_KEY] = user
university = identity.get(conn)
name = identity.display_name(conn, lang())
if university is not None and university.logo:
    st.logo(university.logo, size="large")
with st.sidebar:
    if name:
        st.markdown(f"**{name}**")
    st.caption(t("ui.app_tagline"))
    if demo:
        st.warning(t("ui.demo_banner"), icon=":material/science:")
    if user is not None:
        sidebar_account(user)


def page(file: str, title: str, icon: str, **kw) -> st.Page:
    return st.Page(f"pages/{file}.py", title=t(title), icon=icon, url_path=file, **kw)


dashboards = [
    page("overview", "ui.nav_overview", ":material/dashboard:", default=True),
    page("rankings", "ui.nav_rankings", ":material/leaderboard:"),
    page("mobility", "ui.nav_mobility", ":material/flight_takeoff:"),
    page("agreements", "ui.nav_agreements", ":material/handshake:"),
    page("accreditation", "ui.nav_accreditation", ":material/verified:"),
    page("quality", "ui.nav_quality", ":material/school:"),
    page("staff", "ui.nav_staff", ":material/groups:"),
    page("kpis", "ui.nav_kpis", ":material/track_changes:"),
    page("report", "ui.nav_report", ":material/co_present:"),
]
data_page = page("data", "ui.nav_data", ":material/upload_file:")
admin_page = page("admin", "ui.nav_admin", ":material/admin_panel_settings:")
# The page that explains each domain of the overview's alerts (queries.overview.DOMAINS), by
# its URL path. The overview finds the pages in the session: a page cannot import app.py.
ALERT_PAGES = {
    "rankings": "rankings",
    "mobility": "mobility",
    "agreements": "agreements",
    "accreditation": "accreditation",
    "quality": "quality",
    "staff": "staff",
    "kpis": "kpis",
}
# The tab each alert is about, by its label's key: the link opens the page on that tab.
ALERT_TABS = {
    "expired": "ui.accreditation_tab_watch",
    "expiring_90": "ui.accreditation_tab_watch",
    "expiring_180": "ui.accreditation_tab_watch",
    "overdue_actions": "ui.accreditation_tab_actions",
    "expulsion_risk": "ui.mobility_tab_flags",
    "degree_below": "ui.staff_tab_degree_share",
    "pass_rate_drops": "ui.quality_tab_drops",
    "dormant_agreements": "ui.agreements_tab_use",
    "agreements_expiring": "ui.agreements_tab_expiring",
    "ranking_drop": "ui.tab_position",
}
_by_path = {p.url_path: p for p in dashboards}
st.session_state["_domain_pages"] = {d: _by_path[path] for d, path in ALERT_PAGES.items()}
st.session_state["_alert_tabs"] = ALERT_TABS

if user is None:
    # Nothing but the sign-in form is reachable. It answers at every page's address, so a
    # link from an e-mail opens that page right after signing in.
    gate = [
        st.Page(
            sign_in_page, title=t("auth.sign_in"), url_path=p.url_path, default=p is dashboards[0]
        )
        for p in [*dashboards, data_page, admin_page]
    ]
    st.navigation(gate, position="hidden").run()
    st.stop()

# A page a role may not see is not registered, so its URL leads nowhere.
work = []
if auth.can_view_data_page(user.roles):
    work.append(data_page)
if auth.is_admin(user.roles):
    work.append(admin_page)
pages = {t("ui.nav_section_dashboards"): dashboards}
if work:
    pages[t("ui.nav_section_data")] = work
try:
    current = st.navigation(pages)
    # A page asked for by URL before app.py had run (see entry_guard) opens now.
    wanted = st.session_state.pop("_wanted", None)
    for target in [*dashboards, *work]:
        if wanted and target.url_path == wanted != current.url_path:
            st.switch_page(target)
    current.run()
except Exception:  # st.stop and reruns are not Exceptions, so only real failures land here
    logging.getLogger("sapat").exception("page failed")
    st.error(t("ui.error_generic"))
