"""The deck renderer: a hand-made DeckSpec drawn as PowerPoint (real charts, Kaleido) and PDF."""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from sapat.charts import kpis as kpi_charts
from sapat.charts import mobility as mob_charts
from sapat.charts.overview import mobility_trend
from sapat.report import pdf as pdfmod
from sapat.report import render
from sapat.report.spec import DeckSpec, SlideSpec

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
BOLD_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

# Titles as long as Kyrgyz ones get: ~90 characters, and a short one.
LONG_TITLE = (
    "Эл аралык академиялык мобилдүүлүктүн көрсөткүчтөрү: өнөктөш университеттер боюнча жыйынтык"
)
SHORT_TITLE = "Стратегиялык KPI"  # under 20 characters
assert len(LONG_TITLE) == 90 and len(SHORT_TITLE) <= 20


def _trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "academic_year": ["2022-2023", "2022-2023", "2023-2024", "2023-2024"]
            + ["2024-2025", "2024-2025"],
            "direction": ["outgoing", "incoming"] * 3,
            "participants": [190, 103, 233, 115, 273, 137],
        }
    )


def _countries() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_country": ["Kazakhstan", "Turkey", "Germany", "Russia", "Japan"],
            "participants": [60, 94, 30, 45, 8],
            "outgoing": [30, 60, 20, 25, 6],
            "incoming": [30, 34, 10, 20, 2],
        }
    )


def _history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2021, 2022, 2023, 2024, 2025],
            "value": [42.0, 60.0, 57.0, 89.0, 100.0],
            "target": [35.0, 50.0, 65.0, 85.0, 150.0],
            "status": ["on_track", "on_track", "off_track", "on_track", "off_track"],
        }
    )


def _faculties() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_scope": ["ECON", "LAW", "MED", "PED", "PHYS"],
            "value": [4469.0, 2715.0, 10332.0, 4324.0, 2440.0],
            "target": [4400.0, 2800.0, 10000.0, 4500.0, 2400.0],
            "status": ["on_track", "at_risk", "on_track", "off_track", "on_track"],
        }
    )


def _slide(title: str, headline: str, figure=None, bullets=(), section="mobility") -> SlideSpec:
    return SlideSpec(
        section=section,
        title=title,
        headline=headline,
        notes=f"{title}: сандар — 273, 137, 94.",
        figure=figure,
        bullets=tuple(bullets),
    )


def make_deck() -> DeckSpec:
    lang = "ky"
    slides = (
        _slide(
            "Окуу жылдары боюнча мобилдүүлүк",
            "Чыгуучу мобилдүүлүк өстү: 233 болчу, эми 273 (+17%); келүүчү мобилдүүлүк өстү: "
            "115 болчу, эми 137 (+19%).",
            mobility_trend(_trend(), lang),
        ),
        _slide(
            LONG_TITLE,
            "Өнөктөш өлкөлөр — 5; катышуучулар эң көп — Түркия (94).",
            mob_charts.country_map(_countries(), lang),
        ),
        _slide(
            "Мобилдүүлүк программалары",
            "Катышуучулар эң көп «Эки тараптуу келишим» программасы боюнча.",
            mob_charts.dimension_bar(
                pd.DataFrame(
                    {"value": ["erasmus_plus", "mevlana", "daad"], "participants": [82, 33, 18]}
                ),
                lang,
                "program",
            ),
        ),
        _slide(
            SHORT_TITLE,
            "2025-жылы өлчөнгөн KPI: 14; план боюнча — 9, коркунуч астында — 2, максаттан "
            "артта — 3.",
            kpi_charts.status_donut({"on_track": 9, "at_risk": 2, "off_track": 3}, lang),
            section="kpis",
        ),
        _slide(
            "Максаттан артта: Алмашуу программасы менен чет өлкөгө кеткен студенттердин саны",
            "2025-жылы 100, максат — 150 (максаттан артта); 2024-жылы — 89.",
            kpi_charts.kpi_history(
                _history(), lang, "Чет өлкөгө кеткен студенттер", "count", "higher_is_better"
            ),
            section="kpis",
        ),
        _slide(
            "Студенттердин жалпы саны: факультеттер боюнча",
            "Эң жакшы көрсөткүч — MED (10 332), эң начары — PED (4 324).",
            kpi_charts.faculty_bars(_faculties(), lang, "count"),
            section="kpis",
        ),
        _slide(
            "Аккредитация жана лицензиялоо",
            "Бул бөлүм боюнча маалымат жок.",
            bullets=("Аккредитациялык маалыматтар жүктөлө элек.",),
            section="accreditation",
        ),
    )
    risks = _slide(
        "Тобокелдиктер жана эскертүүлөр",
        "Азыр чара көрүүнү талап кылат: 4; пландоону талап кылат: 4.",
        bullets=(
            "Мөөнөтү бүткөн лицензиялар же аккредитациялар: 6 (Укук коргоо ишмердүүлүгү, "
            "Юриспруденция жана дагы 3).",
            "90 күндүн ичинде бүтөт: 4 (Педиатрия, Экономика жана дагы 2).",
            "Максатка жетпеген KPI: 3 (Бир окутуучуга туура келген студенттердин саны, "
            "Алмашуу программасы менен чет өлкөгө кеткен студенттердин саны).",
            "2 жыл мобилдүүлүксүз келишимдер: 6 (Altai State University, M. Auezov South "
            "Kazakhstan University жана дагы 4).",
        ),
        section="risks",
    )
    summary = _slide(
        "Жыйынтык",
        "Ош мамлекеттик университети: 2024-2025 окуу жылы — кыскача.",
        bullets=tuple(s.headline for s in slides[:4]),
        section="summary",
    )
    return DeckSpec(
        lang=lang,
        academic_year="2024-2025",
        university="Ош мамлекеттик университети",
        title="Окумуштуулар кеңешине отчет",
        subtitle="2024-2025 окуу жылы · Ош мамлекеттик университети",
        date_line="Даярдалган күнү: 2025-ж., 22-ноябрь",
        agenda_title="Күн тартиби",
        agenda=(
            "Академиялык мобилдүүлүк",
            "Аккредитация жана лицензиялоо",
            "Стратегиялык KPI",
            "Тобокелдиктер жана эскертүүлөр",
            "Жыйынтык",
        ),
        slides=slides,
        risks=risks,
        summary=summary,
    )


DECK = make_deck()
CONTENT = (*DECK.slides, DECK.risks, DECK.summary)


def _shared(tmp_path_factory, name: str, build: Callable[[], bytes]) -> bytes:
    """``build()`` once for the whole run: pytest-xdist workers share the result on disk,
    so the deck is drawn by one Kaleido session and converted by one LibreOffice run."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build()
    root = tmp_path_factory.getbasetemp().parent
    path = root / f"report-render-{name}"
    with open(root / f"report-render-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                path.write_bytes(build())
            return path.read_bytes()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def pptx_bytes(tmp_path_factory) -> bytes:
    return _shared(tmp_path_factory, "deck.pptx", lambda: render.render_pptx(DECK))


@pytest.fixture(scope="module")
def prs(pptx_bytes):
    return Presentation(io.BytesIO(pptx_bytes))


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory, pptx_bytes) -> bytes:
    if pdfmod.soffice_path() is None or shutil.which("pdftoppm") is None:
        message = "LibreOffice or poppler-utils is not installed (make deps installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _shared(tmp_path_factory, "deck.pdf", lambda: pdfmod.to_pdf(pptx_bytes))


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


# --- PowerPoint --------------------------------------------------------------------------
def test_slides_are_16_to_9_and_counted(prs):
    assert prs.slide_width == Emu(int(13.333 * 914400))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.001
    assert len(prs.slides) == 2 + len(DECK.slides) + 2


def test_every_slide_has_its_title_in_the_title_placeholder(prs):
    expected = [DECK.title, DECK.agenda_title, *(s.title for s in CONTENT)]
    assert [slide.shapes.title.text for slide in prs.slides] == expected


def test_title_and_agenda_slides(prs):
    first, agenda = prs.slides[0], prs.slides[1]
    texts = _texts(first)
    for text in (DECK.university, DECK.subtitle, DECK.date_line):
        assert text in texts
    body = "\n".join(_texts(agenda))
    assert all(item in body for item in DECK.agenda)


def test_chart_slides_have_one_picture_inside_the_slide(prs):
    width, height = render.chart_size()
    for slide, spec in zip(list(prs.slides)[2:], CONTENT, strict=True):
        pictures = _pictures(slide)
        if spec.figure is None:
            assert pictures == [], spec.title
            continue
        (picture,) = pictures
        assert picture.left >= 0 and picture.top >= 0
        assert picture.left + picture.width <= prs.slide_width
        assert picture.top + picture.height <= prs.slide_height
        # Below the headline, above the footer.
        assert picture.top >= slide.shapes.title.top + slide.shapes.title.height
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (width * render.CHART_SCALE, height * render.CHART_SCALE)
        # Not a blank picture: a chart has many colours (a failed map would be near white).
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, spec.title
        assert picture._element.nvPicPr.cNvPr.get("descr")  # alt text


def test_headlines_bullets_and_notes(prs):
    for slide, spec in zip(list(prs.slides)[2:], CONTENT, strict=True):
        texts = _texts(slide)
        assert spec.headline in texts, spec.title
        body = "\n".join(texts)
        assert all(bullet in body for bullet in spec.bullets), spec.title
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text == spec.notes
    caption = render.chart_caption(DECK.slides[0].figure)
    assert caption and caption in _texts(prs.slides[2])


def test_no_shape_leaves_the_slide_and_text_wraps(prs):
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text:
                assert shape.text_frame.word_wrap is True, (number, shape.name)


def _title_size(prs, title: str) -> int:
    slide = next(s for s in prs.slides if s.shapes.title.text == title)
    return slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size


def test_long_titles_get_a_smaller_font(prs):
    assert _title_size(prs, LONG_TITLE) < _title_size(prs, SHORT_TITLE)
    box = render.TITLE_BOX
    assert render.font_size_for(
        LONG_TITLE, box[2], box[3], render.TITLE_SIZES, bold=True, max_lines=2
    ) < render.font_size_for(SHORT_TITLE, box[2], box[3], render.TITLE_SIZES, bold=True)


@pytest.mark.skipif(not BOLD_FONT.is_file(), reason="DejaVu Sans Bold is not installed")
def test_a_90_character_title_fits_two_lines_in_the_widest_fallback_font(prs):
    """Checked with real glyph widths of DejaVu Sans Bold, LibreOffice's stand-in here."""
    size = _title_size(prs, LONG_TITLE).pt
    font = ImageFont.truetype(str(BOLD_FONT), int(size * 10))  # tenths of a point
    width = (render.TITLE_BOX[2] - 2 * render.INSET) * 72 * 10
    lines, line = 1, ""
    for word in LONG_TITLE.split():
        trial = f"{line} {word}".strip()
        if font.getlength(trial) > width:
            lines, line = lines + 1, word
        else:
            line = trial
    assert lines <= 2
    assert lines * size * render.LINE_SPACING <= (render.TITLE_BOX[3] - 0.1) * 72


def test_font_size_steps_down_with_length():
    sizes = render.HEADLINE_SIZES
    short = render.font_size_for("Кыска сүйлөм.", 12, 0.85, sizes, bold=True)
    long = render.font_size_for("Өнүгүү " * 40, 12, 0.85, sizes, bold=True)
    assert short == sizes[0] and long < short
    # A word longer than the line still counts as several lines.
    assert render._line_count("а" * 50, 20) == 3


def test_report_figure_keeps_the_data_and_the_original():
    original = mobility_trend(_trend(), "ru")
    before = original.to_json()
    fig = render.report_figure(original)
    assert original.to_json() == before  # a copy: the page's figure is untouched
    assert [list(t.y) for t in fig.data] == [list(t.y) for t in original.data]
    assert (fig.layout.width, fig.layout.height) == render.chart_size()
    assert fig.layout.paper_bgcolor == "white" and fig.layout.plot_bgcolor == "white"
    assert fig.layout.font.size == render.CHART_FONT_PX
    assert not fig.layout.title.text  # written on the slide instead
    assert render.chart_caption(original) == original.layout.title.text


def test_chart_caption_drops_markup():
    fig = mobility_trend(_trend(), "en")
    fig.update_layout(title_text="Participants<br><sup>per <b>year</b></sup>")
    assert render.chart_caption(fig) == "Participants · per year"
    assert render.chart_caption(None) == ""


def test_deck_filename():
    assert render.deck_filename(DECK) == "sapat-council-2024-2025-ky.pptx"


def test_no_figures_no_kaleido():
    assert render.figure_images([]) == []


# --- PDF ---------------------------------------------------------------------------------
def test_pdf_has_one_page_per_slide_and_previews(prs, pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF")
    assert pdfmod.page_count(pdf_bytes) == len(prs.slides)
    png = pdfmod.first_page_png(pdf_bytes, dpi=60)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] == pytest.approx(13.333 * 60, abs=2)
    assert image.size[1] == pytest.approx(7.5 * 60, abs=2)
    # Pages for a human to look at: title, agenda, a chart, the map, a bullet slide.
    SHOTS.mkdir(exist_ok=True)
    for page in (1, 2, 3, 4, 9, 10):
        (SHOTS / f"deck_test_{page:02d}.png").write_bytes(pdfmod.page_png(pdf_bytes, page, dpi=110))


def test_pdf_errors(monkeypatch):
    monkeypatch.setattr(pdfmod, "soffice_path", lambda: None)
    with pytest.raises(pdfmod.PdfUnavailable):
        pdfmod.to_pdf(b"PK")
    monkeypatch.setattr(pdfmod, "soffice_path", lambda: shutil.which("false") or "/bin/false")
    with pytest.raises(pdfmod.PdfFailed):
        pdfmod.to_pdf(b"PK")


def test_missing_chromium_raises_instead_of_hanging(monkeypatch):
    import plotly.graph_objects as go

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    outcome: list[BaseException] = []

    def draw() -> None:
        try:
            render.figure_images([go.Figure(go.Bar(x=[1], y=[1]))])
        except Exception as error:  # the error is the point
            outcome.append(error)

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "figure_images hung without a browser"
    assert outcome and "browser" in str(outcome[0]).lower()
