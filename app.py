"""Sapat's entry point: page config, language picker, demo banner and the page router."""

import logging

import streamlit as st

from sapat import db
from sapat.i18n import LANGUAGE_NAMES, LANGUAGES
from sapat.web import apply_style, cursor, lang, t

st.set_page_config(page_title="Sapat", page_icon=":material/school:", layout="wide")
apply_style()
st.session_state["_framed"] = True  # pages refuse to run outside this frame (entry_guard)

# The language lives in a plain session key: Streamlit may drop a widget's own state when
# the page changes, and the choice must survive every navigation.
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

with st.sidebar:
    st.caption(t("ui.app_tagline"))
    if demo:
        st.warning(t("ui.demo_banner"), icon=":material/science:")

pages = [
    st.Page(
        "pages/overview.py",
        title=t("ui.nav_overview"),
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    st.Page(
        "pages/rankings.py",
        title=t("ui.nav_rankings"),
        icon=":material/leaderboard:",
        url_path="rankings",
    ),
    st.Page(
        "pages/mobility.py",
        title=t("ui.nav_mobility"),
        icon=":material/flight_takeoff:",
        url_path="mobility",
    ),
    st.Page(
        "pages/agreements.py",
        title=t("ui.nav_agreements"),
        icon=":material/handshake:",
        url_path="agreements",
    ),
    st.Page(
        "pages/accreditation.py",
        title=t("ui.nav_accreditation"),
        icon=":material/verified:",
        url_path="accreditation",
    ),
    st.Page(
        "pages/kpis.py",
        title=t("ui.nav_kpis"),
        icon=":material/track_changes:",
        url_path="kpis",
    ),
]
try:
    st.navigation(pages).run()
except Exception:  # st.stop and reruns are not Exceptions, so only real failures land here
    logging.getLogger("sapat").exception("page failed")
    st.error(t("ui.error_generic"))
