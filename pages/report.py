"""Council report: build the yearly deck, download it as PowerPoint or PDF, and earlier decks."""

import streamlit as st

from sapat import db
from sapat.display import format_date
from sapat.downloads import table
from sapat.i18n import LANGUAGE_NAMES, LANGUAGES, translate
from sapat.queries.overview import available_years
from sapat.report import snapshots
from sapat.report.pdf import PdfFailed, PdfUnavailable, soffice_path, to_pdf
from sapat.report.spec import SECTIONS
from sapat.web import cursor, entry_guard, guarded, lang, t

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

user = entry_guard()
conn = cursor()
# Bound once: labels and downloads may be produced outside this session's script run.
language = lang()

st.header(t("deck.title"), divider="gray")
st.caption(t("deck.intro"))
years = available_years(conn)
if not years:
    st.info(t("deck.no_years"))
    st.stop()

left, middle, _ = st.columns([1, 1, 3])
year = left.selectbox(t("deck.year"), years, key="deck_year")
deck_lang = middle.selectbox(
    t("deck.language"),
    LANGUAGES,
    index=LANGUAGES.index(language),
    format_func=LANGUAGE_NAMES.get,
    key="deck_lang",
)
# Pills on a row of their own: every section shows whole, in any language (a multiselect
# box this wide cut three of the six away).
sections = (
    st.pills(
        t("deck.sections"),
        SECTIONS,
        selection_mode="multi",
        default=list(SECTIONS),
        format_func=lambda s: translate(f"report.section.{s}", language),
        key="deck_sections",
    )
    or []
)


def pdf_of(pptx: bytes) -> bytes:
    """Converted only when the button is clicked: LibreOffice takes seconds."""
    try:
        return to_pdf(pptx)
    except (PdfUnavailable, PdfFailed):
        return b""


if st.button(t("deck.build"), type="primary", disabled=not sections, key="deck_build"):
    from sapat.report.build import build_report

    with st.spinner(t("deck.building")):
        built = build_report(conn, year, deck_lang, tuple(sections), user=user.username)
    st.session_state["_deck"] = built
built = st.session_state.get("_deck")
if built is not None:
    st.success(
        t(
            "deck.built",
            file=built.file_name,
            slides=built.slides,
            version=built.snapshot.data_version,
        )
    )
    one, two, _ = st.columns([1, 1, 3])
    one.download_button(
        t("deck.download_pptx"),
        data=built.pptx,
        file_name=built.file_name,
        mime=PPTX,
        icon=":material/slideshow:",
        on_click="ignore",
        key="deck_pptx",
    )
    if soffice_path():
        two.download_button(
            t("deck.download_pdf"),
            data=guarded(lambda: pdf_of(built.pptx)),
            file_name=built.file_name.rsplit(".", 1)[0] + ".pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key="deck_pdf",
        )
    else:
        two.button(t("deck.download_pdf"), disabled=True, key="deck_pdf_missing")
        st.caption(t("deck.pdf_unavailable"))

st.subheader(t("deck.history"))
kept = snapshots.listing(conn)
if kept.empty:
    st.caption(t("deck.no_history"))
    st.stop()
shown = kept.assign(
    lang=kept["lang"].map(LANGUAGE_NAMES.get),
    sections=kept["sections"].map(
        lambda codes: ", ".join(translate(f"report.section.{c}", language) for c in codes)
    ),
    created_at=kept["created_at"].map(lambda v: format_date(v, language)),
    file_sha256=kept["file_sha256"].str.slice(0, 12),
)
shown.columns = [t(f"deck.col_{c}") for c in shown.columns]
table(shown, "deck_history", t("deck.history_sheet"))
chosen = st.selectbox(
    t("deck.pick"),
    kept["report_id"].tolist(),
    format_func=lambda i: f"{i} · {kept.set_index('report_id').loc[i, 'file_name']}",
    key="deck_pick",
)
row = kept.set_index("report_id").loc[chosen]
now = db.data_version(conn)
if int(row["data_version"]) != now:
    st.caption(t("deck.stale", then=int(row["data_version"]), now=now))
reader = conn.cursor()  # read on click, in another thread: a cursor of its own
st.download_button(
    t("deck.download_again"),
    data=guarded(lambda: snapshots.deck_bytes(reader, int(chosen)) or b""),
    file_name=row["file_name"],
    mime=PPTX,
    icon=":material/history:",
    on_click="ignore",
    key="deck_again",
)
