"""Streamlit glue: the process's warehouse connection, per-session cursors, cached queries, language."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from sapat import auth, db
from sapat.countries import COUNTRY_COLUMNS, country_name
from sapat.display import Delta, format_date
from sapat.faculties import FACULTY_COLUMNS, FacultyNames, faculty_names
from sapat.i18n import DEFAULT_LANGUAGE, LANGUAGES, code_label, has, localized, translate
from schemas.registry import coded_columns


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """One connection per server process; DuckDB allows a single writer."""
    return db.connect(path)


_local = threading.local()
# Bumped when the warehouse file is swapped (a restore): every thread's cursor is then
# on a closed connection and is replaced at its next use.
_opened = {"generation": 0}


def cursor() -> duckdb.DuckDBPyConnection:
    """This thread's own cursor on the process connection.

    One per thread rather than per session: Streamlit can start a session's next run
    while the previous one is still inside a query (a double click), and a DuckDB cursor
    must not be used by two threads at once.
    """
    path = str(db.resolve_db_path())
    mine = (path, _opened["generation"])
    if getattr(_local, "opened", None) != mine:
        _local.cursor = _connection(path).cursor()
        _local.opened = mine
    return _local.cursor


def restore_from(backup_path: Path, user: str) -> Path | None:
    """Swap a backup in for the warehouse while the server runs; every session then sees it.

    Uploads pause (the write lock), the process connection closes, the backup is checked
    and put in place (the previous file kept, as the CLI keeps it), the connection reopens,
    and cached query results are dropped: a restored warehouse may carry an older data
    version, which must not find the newer results in the cache. Audited in the restored
    warehouse. BackupInvalid, RestoreOntoItself or OSError leave the warehouse as it was.
    """
    from sapat import backup

    path = db.resolve_db_path()
    backup.read_version(backup_path)  # refused before anything is closed
    with db._WRITE_LOCK:
        _connection(str(path)).close()
        _connection.clear()
        _opened["generation"] += 1
        try:
            kept = backup.restore(backup_path, path)
        finally:
            conn = _connection(str(path))  # reopened (and migrated) whatever happened
        with db.transaction(conn) as tx:
            db.audit(tx, user, "restore", f"{Path(backup_path).name} (previous file: {kept})")
            db.bump_data_version(tx)
    st.cache_data.clear()
    return kept


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, version: int, path: str, args: tuple, _fn: Callable[..., Any]) -> Any:
    return _fn(cursor(), *args)


def query(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a query function (conn, *args) → result, cached until the next committed upload."""
    conn = cursor()
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(name, db.data_version(conn), str(db.resolve_db_path()), args, _fn=fn)


ACCOUNT_KEY = "_account"  # the signed-in User, set by app.py on every run
USER_KEY = "user"  # the signed-in local account's name; session state stays on the server


def local_account() -> auth.User | None:
    """The signed-in local account if it is still active; else sign the session out."""
    username = st.session_state.get(USER_KEY)
    if not username:
        return None
    user = auth.get_user(cursor(), username)
    if user is not None and user.active:
        st.session_state[ACCOUNT_KEY] = user
        return user
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state["_signed_out"] = "inactive"
    return None


def entry_guard(allowed: Callable[[tuple[str, ...]], bool] | None = None) -> Any:
    """Let a page run only inside app.py's frame, for a signed-in user it is meant for.

    Streamlit runs a file of pages/ directly when the first request of a freshly started
    server names it, which would skip the language picker and the sign-in gate; such a
    run is sent through app.py first. ``allowed`` decides from the user's roles; a page
    the user may not see stops with a message (app.py does not even list it).
    Returns the signed-in User.
    """
    account = st.session_state.get(ACCOUNT_KEY)
    if st.session_state.get(USER_KEY):
        # Read afresh on every run of a page too, not only of app.py: a deactivation or a
        # role change takes effect on the user's next click, whichever script runs.
        account = local_account()
    if not st.session_state.get("_framed") or account is None:
        st.session_state["lang"] = lang()  # keep ?lang= across the detour
        # ... and the page asked for: app.py opens it once the user may see it.
        st.session_state["_wanted"] = Path(sys._getframe(1).f_globals["__file__"]).stem
        st.switch_page("app.py")
    if allowed is not None and not allowed(account.roles):
        st.error(t("auth.forbidden"))
        st.stop()
    # Files built on click are checked against this page's rule again at build time.
    st.session_state[PAGE_RULE_KEY] = allowed
    return account


PAGE_RULE_KEY = "_page_allowed"


class DownloadRefused(PermissionError):
    """The account that rendered a download button may no longer have its file."""


def still_allowed(
    account: auth.User, allowed: Callable[[tuple[str, ...]], bool] | None, path: str
) -> bool:
    """Whether ``account`` may, right now, have what ``allowed`` guards.

    Read afresh from the warehouse (a local account: its active flag and roles) or from the
    e-mail → roles mapping (a single-sign-on account), never from the session's copy.
    """
    from sapat.settings import secrets  # here: settings reads Streamlit's secrets

    cur = _connection(path).cursor()
    try:
        stored = auth.get_user(cur, account.username)
    finally:
        cur.close()
    if stored is not None:
        roles = stored.roles if stored.active else ()
    else:
        mapping = secrets().get("sapat", {}).get("oidc_roles", {})
        roles = auth.roles_for_email(account.username, mapping) if "@" in account.username else ()
    if not roles:
        return False
    return allowed(roles) if allowed is not None else True


def guarded(
    build: Callable[[], Any], allowed: Callable[[tuple[str, ...]], bool] | None = None
) -> Callable[[], Any]:
    """A download's builder that checks the account's current roles when it runs.

    A button that builds its file on click (``on_click="ignore"``) never reruns the page,
    so the page's own check does not run again: without this, a demoted or deactivated
    account's buttons would keep serving what it may no longer see. ``allowed`` defaults
    to the rule of the page the button is on.
    """
    account = st.session_state.get(ACCOUNT_KEY)
    rule = allowed if allowed is not None else st.session_state.get(PAGE_RULE_KEY)
    path = str(db.resolve_db_path())

    def build_if_allowed() -> Any:
        if account is None or not still_allowed(account, rule, path):
            raise DownloadRefused(getattr(account, "username", ""))
        return build()

    return build_if_allowed


def lang() -> str:
    """The session's language: the picker's choice, else ?lang=, else Kyrgyz."""
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return chosen
    param = st.query_params.get("lang")
    return param if param in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **params: Any) -> str:
    """Translate ``key`` into the session's language."""
    return translate(key, lang(), **params)


# Plotly fetches country outlines from a CDN by default; ours are served by Streamlit.
PLOTLY_CONFIG = {"topojsonURL": "/app/static/topojson/", "displaylogo": False}


def any_of(
    target: Any,
    label: str,
    values: list,
    key: str,
    coded: bool = True,
    shown: Callable[[Any], str] | None = None,
) -> tuple:
    """A filter of several values, none chosen meaning all; codes in the user's language.

    ``shown`` writes a value otherwise (a faculty's name), and the values are listed in the
    order of what it writes; the filter still returns the values.
    """
    if shown is not None:
        values = sorted(values, key=shown)
    else:
        shown = (lambda v: code_label(v, lang())) if coded else str
    chosen = target.multiselect(
        label,
        values,
        key=key,
        format_func=shown,
        placeholder=t("ui.all"),
        # Streamlit's "Select all" is English on every screen, and none chosen is all already.
        select_all=False,
        wrap=True,  # chosen names stay readable in a narrow column
    )
    return tuple(chosen)


TAB_PARAM = "tab"  # ?tab=<the tab label's key>: a link (an overview alert) opens that tab


def lazy_tabs(key: str, labels: list[str]) -> Any:
    """Tabs of which only the open one is computed and drawn: a page asks ``tab.open``
    before it queries or draws, and choosing another tab reruns the page.

    A link may name the tab to open (``?tab=ui.mobility_tab_flags``); it is taken once.
    """
    wanted = st.query_params.get(TAB_PARAM)
    if wanted:
        label = t(wanted) if has(wanted, lang()) else None
        if label in labels:
            st.session_state[key] = label
        del st.query_params[TAB_PARAM]
    return st.tabs(labels, key=key, on_change="rerun")


def faculties() -> FacultyNames:
    """The faculties' names in the user's language, cached until the next upload."""
    return query(faculty_names, lang())


def faculty_label(code: object, short: bool = False) -> str:
    """A faculty code as the user reads it: its name (``short``: short name), else the code."""
    return faculties().label(code, short)


def country_label(name: object) -> str:
    """A country (any spelling or ISO code) by its name in the user's language."""
    return country_name(name, lang())


def with_names(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A frame for a chart: faculty codes in ``columns`` (default: faculty, unit_scope) as
    short names in the user's language; the chart draws them as they are."""
    return faculties().named(frame, *columns)


def chart(target: Any, figure: Any, key: str, *, source: Any = None) -> None:
    """Draw a Plotly figure with the app's chart configuration, and under it where its
    figures come from (``source``: anything ``provenance.source_of`` takes)."""
    target.plotly_chart(figure, width="stretch", key=key, config=PLOTLY_CONFIG)
    if source is not None:
        from sapat import source_view

        source_view.popover(target, source, key)


# Columns holding codes (coded in any dataset's model); a table shows their labels in the
# user's language. Derived from the registry, so a new coded column needs no edit here.
CODED_COLUMNS = coded_columns()


def header(column: str) -> str:
    """A column's heading: the dataset label (col.*) or a page label (ui.col_*)."""
    key = f"col.{column}"
    return t(key) if has(key, lang()) else t(f"ui.col_{column}")


def labelled(
    frame: pd.DataFrame,
    values: dict[str, Callable[[Any], str]] | None = None,
    *,
    short: bool = False,
) -> pd.DataFrame:
    """A frame as users read it: coded values, faculties, countries and headers in their
    language. A faculty by its full name, or its short name with ``short`` (a table of many
    figures per faculty, whose last columns full names would push off a laptop screen).

    ``values`` maps further columns to functions that format their values.
    """
    out = faculties().named(frame, *FACULTY_COLUMNS, short=short)
    for column in CODED_COLUMNS:
        if column in out:
            out[column] = out[column].map(lambda v: code_label(v, lang()), na_action="ignore")
    for column in COUNTRY_COLUMNS:
        if column in out:
            out[column] = out[column].map(country_label, na_action="ignore")
    for column, fmt in (values or {}).items():
        if column in out:
            out[column] = out[column].map(fmt, na_action="ignore")
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]) or (
            out[column].dtype == object and out[column].map(_is_date).any()
        ):
            out[column] = out[column].map(lambda v: format_date(v, lang()))
    return out.rename(columns={c: header(c) for c in out.columns})


def localized_names(frame: pd.DataFrame, stem: str = "name", *, others: bool = True) -> list[str]:
    """Each row's ``{stem}_ky/ru/en`` in the user's language (``i18n.localized``)."""
    return [localized(row, stem, lang(), others=others) for row in frame.to_dict("records")]


def one_name(frame: pd.DataFrame, into: str = "program_name", stem: str = "name") -> pd.DataFrame:
    """The ``{stem}_ky/ru/en`` columns as one ``into`` column in the user's language, where
    they stood; a frame without them as it is."""
    columns = [f"{stem}_{code}" for code in LANGUAGES if f"{stem}_{code}" in frame]
    if not columns:
        return frame
    out = frame.drop(columns=columns)
    out.insert(frame.columns.get_loc(columns[0]), into, localized_names(frame[columns], stem))
    return out


def _is_date(value: object) -> bool:
    import datetime as dt

    return isinstance(value, dt.date)


def highlight(frame: pd.DataFrame, column: str, colors: dict[str, str]) -> Any:
    """A Styler that tints ``column``'s cells by their (already translated) value.

    Colour carries the status so the table reads the same in every language and needs
    no emoji font on the viewer's machine.
    """

    def tint(value: object) -> str:
        color = colors.get(value)  # type: ignore[call-overload]
        return f"background-color: {color}33; font-weight: 600" if color else ""

    return frame.style.map(tint, subset=[column])


def card(
    column: Any,
    label: str,
    value: Any,
    delta: Delta | None = None,
    help: str | None = None,
    *,
    source: Any = None,
) -> None:
    """A bordered headline number with its delta line; its tooltip says where the number
    comes from (``source``: anything ``provenance.source_of`` takes)."""
    delta = delta or Delta(None)
    if source is not None:
        from sapat import source_view

        help = source_view.card_help(source, help)
    if value is None or (isinstance(value, float) and value != value):
        value = "—"  # a missing figure, never "None" or "nan"
    column.metric(
        label,
        value,
        delta=delta.text,
        delta_color=delta.color,
        delta_arrow=delta.arrow,
        border=True,
        help=help,
    )


# Headline cards must fit six across a 1366-pixel laptop screen in any of the languages,
# so labels wrap instead of being cut, and numbers are a little smaller than the default.
STYLE = """
<style>
/* The uploader's own hint ("50MB per file • XLSX, CSV") is English whatever the language:
   hidden, and said in the user's language beside it (uploader_hint). */
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] small {display: none;}
.block-container {padding-top: 2.2rem; padding-bottom: 1rem;}
[data-testid="stMetric"] .stMarkdownEllipsis p {white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.25;}
[data-testid="stMetricLabel"] > div {overflow: visible;}
[data-testid="stMetricLabel"] p {font-size: 0.8rem; word-break: normal; overflow-wrap: anywhere; hyphens: manual;}
/* A word longer than a card (Kyrgyz "Аккредиттелген") breaks at its soft hyphen rather than
   being cut with an ellipsis. */
[data-testid="stMetricLabel"] .stMarkdownEllipsis {overflow: visible; text-overflow: clip; white-space: normal;}
[data-testid="stMetricValue"] {font-size: 1.45rem;}
[data-testid="stMetricValue"] .stMarkdownEllipsis p {white-space: nowrap;}
/* A figure's source (source_view.popover): a quiet line tucked under its chart. */
[data-testid="stElementContainer"]:has(.stPlotlyChart) + [class*="st-key-src_"] {margin-top: -1rem;}
[class*="st-key-src_"] [data-testid="stPopoverButton"] {min-height: 1.5rem; padding-top: 0; padding-bottom: 0;}
[class*="st-key-src_"] [data-testid="stPopoverButton"] p {font-size: 0.8rem;}
/* The overview fits one laptop screen: its chart's source sits in the chart's empty corner. */
.st-key-src_overview_trend {margin-top: -2rem !important; position: relative; z-index: 1;}
/* Printing a page (A4 landscape): no sidebar, no buttons, the whole page rather than the
   scrolled window, and no chart or card cut in two. */
@media print {
  @page {size: A4 landscape; margin: 10mm;}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stDownloadButton"], [data-testid="stFileUploader"], .stButton,
  [data-testid="stBaseButton-tertiary"], [class*="st-key-src_"] {display: none !important;}
  html, body, #root, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  section.main, .stMain {height: auto !important; overflow: visible !important; position: static !important;}
  /* A4 landscape less the margins is 1047 CSS pixels; charts redraw to their box. */
  .block-container {padding: 0 !important; max-width: 1040px !important; margin: 0 !important;}
  .stPlotlyChart, [data-testid="stMetric"], [data-testid="stTable"], [data-testid="stDataFrame"],
  [data-testid="stHorizontalBlock"] {break-inside: avoid; page-break-inside: avoid;}
  /* Columns stay side by side (Chromium's print layout stacked them, which put the
     overview's attention list on a third page). */
  [data-testid="stHorizontalBlock"] {display: flex !important; flex-wrap: nowrap !important;}
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {width: auto !important; min-width: 0 !important;}
  .js-plotly-plot, .stPlotlyChart {max-width: 100% !important; overflow: hidden;}
  /* Paper is shorter than a screen: tighter gaps keep a page's cards and first charts
     together rather than leaving the first page mostly blank. */
  [data-testid="stVerticalBlock"] {gap: 0.45rem !important;}
  [data-testid="stMetric"] {padding: 0.35rem 0.6rem !important;}
  h1, h2 {padding-top: 0 !important; padding-bottom: 0.3rem !important;}
}
</style>
"""


def uploader_hint(types: tuple[str, ...], max_bytes: int | None = None) -> None:
    """What an uploader takes, in the user's language (Streamlit's own hint is English).

    ``max_bytes``: a limit below the server's (a logo), so the hint and the check agree.
    """
    from pipelines.safety import MAX_BYTES

    size = max(1, round((max_bytes or MAX_BYTES) / 2**20))
    st.caption(t("ui.uploader_hint", size=size, types=", ".join(x.upper() for x in types)))


def apply_style() -> None:
    # The uploader's button says "Upload" in English whatever the language; its text is
    # drawn from CSS instead, in the user's language.
    label = t("ui.uploader_button").replace("\\", "").replace('"', "")
    st.html(
        STYLE
        + "<style>[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
        + " {display: none;}"
        + "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']::after"
        + f' {{content: "{label}";}}</style>'
    )
