"""The Council deck drawn as a 16:9 PowerPoint: house style, fitted text, charts via Kaleido."""

from __future__ import annotations

import asyncio
import io
import re
import struct
import threading
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from sapat.report.spec import DeckSpec, SlideSpec

# --- House style -------------------------------------------------------------------------
FONT = "Calibri"  # what PowerPoint users have; LibreOffice substitutes (Carlito, DejaVu Sans)
BLUE = RGBColor(0x1F, 0x4E, 0x79)
LIGHT_BLUE = RGBColor(0xBD, 0xD7, 0xEE)
INK = RGBColor(0x1F, 0x29, 0x33)
GREY = RGBColor(0x6B, 0x72, 0x80)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LANG_TAGS = {"ky": "ky-KG", "ru": "ru-RU", "en": "en-US"}

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.55
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_BAR_H = 1.25  # the dark blue bar holding the title, full width
TITLE_BOX = (MARGIN, 0.1, CONTENT_W, TITLE_BAR_H - 0.2)  # left, top, width, height
HEADLINE_BOX = (MARGIN, TITLE_BAR_H + 0.12, CONTENT_W, 0.85)
BODY_TOP = HEADLINE_BOX[1] + HEADLINE_BOX[3] + 0.08  # chart or bullets below the headline
BODY_BOTTOM = 6.95
CAPTION_H = 0.4  # the chart's own title, as a line of text above its picture
FOOTER_BOX_TOP, FOOTER_BOX_H = 7.02, 0.34

TITLE_SIZES = (30, 28, 26, 24, 22, 20, 18)
HEADLINE_SIZES = (22, 20, 19, 18, 17, 16, 15, 14)
CAPTION_SIZES = (16, 15, 14, 13, 12, 11)
BULLET_SIZES = (24, 22, 20, 19, 18, 17, 16, 15, 14, 13, 12)
# Average advance of a character in ems, for DejaVu Sans (LibreOffice's stand-in for
# Calibri here and the widest of the candidates) on Kyrgyz and Russian text, plus a margin.
CHAR_EM = 0.62
CHAR_EM_BOLD = 0.68
LINE_SPACING = 1.2  # line height as a multiple of the font size
INSET = 0.1  # python-pptx default left/right text inset, inches (top/bottom: 0.05)

# --- Chart images ------------------------------------------------------------------------
CHART_PX_PER_INCH = 105  # layout pixels per inch of slide: fonts below map to points
CHART_FONT_PX = 18  # ≈ 12.3 pt on the slide, readable on a projector
CHART_SCALE = 2  # PNG pixels per layout pixel: crisp on a large screen
PLOTLY_DEFAULT_FONT = 12
CHART_MARGIN_MIN = {"l": 20, "r": 20, "t": 30, "b": 30}
CHART_FONT_FAMILY = "Calibri, Carlito, 'Liberation Sans', Arial, 'DejaVu Sans', sans-serif"
TOPOJSON_DIR = Path(__file__).resolve().parents[2] / "static" / "topojson"
KALEIDO_TIMEOUT = 60  # seconds for one image
T = TypeVar("T")


def deck_filename(deck: DeckSpec) -> str:
    """The download name, e.g. ``sapat-council-2025-2026-ky.pptx``."""
    year = re.sub(r"[^0-9A-Za-z]+", "-", deck.academic_year).strip("-") or "year"
    lang = re.sub(r"[^A-Za-z]+", "", deck.lang) or "xx"
    return f"sapat-council-{year}-{lang}.pptx"


# --- Text fitting ------------------------------------------------------------------------
def _line_count(text: str, chars_per_line: float) -> int:
    """Lines ``text`` takes when greedily wrapped at ``chars_per_line`` (long words break)."""
    lines = 0
    for paragraph in text.split("\n"):
        used, lines = 0.0, lines + 1
        for word in paragraph.split():
            length = len(word)
            needed = length if used == 0 else used + 1 + length
            if needed <= chars_per_line:
                used = needed
                continue
            if used:
                lines += 1
            while length > chars_per_line:  # a word wider than the line is broken
                lines += 1
                length -= max(int(chars_per_line), 1)
            used = length
    return lines


def font_size_for(
    text: str | Sequence[str],
    width_in: float,
    height_in: float,
    sizes: Sequence[int] = BULLET_SIZES,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    paragraph_gap: float = 0.0,
) -> int:
    """The largest of ``sizes`` (points) at which ``text`` fits a box of that size.

    ``text`` is one string or a list of paragraphs; ``paragraph_gap`` is the space after
    each paragraph in lines. The width of a line is estimated from the character count
    (no font files needed), with the text frame's insets taken off the box. Falls back to
    the smallest size.
    """
    paragraphs = [text] if isinstance(text, str) else list(text)
    width_pt = (width_in - 2 * INSET) * 72
    height_pt = (height_in - 0.1) * 72
    em = CHAR_EM_BOLD if bold else CHAR_EM
    for size in sizes:
        per_line = width_pt / (em * size)
        lines = sum(_line_count(p, per_line) for p in paragraphs)
        if max_lines is not None and lines > max_lines:
            continue
        gaps = paragraph_gap * max(len(paragraphs) - 1, 0)
        if (lines + gaps) * size * LINE_SPACING <= height_pt:
            return size
    return sizes[-1]


# --- Drawing helpers ---------------------------------------------------------------------
def _style_run(run, size: int, *, bold=False, color=INK, lang: str = "en") -> None:
    font = run.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    run._r.get_or_add_rPr().set("lang", LANG_TAGS.get(lang, lang))


def _frame(shape, *, anchor=MSO_ANCHOR.TOP):
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint's own shrink, a fallback
    frame.vertical_anchor = anchor
    return frame


def _place(shape, box: tuple[float, float, float, float]) -> None:
    shape.left, shape.top = Inches(box[0]), Inches(box[1])
    shape.width, shape.height = Inches(box[2]), Inches(box[3])


def _text_box(slide, box, text: str, size: int, *, lang, bold=False, color=INK, align=None):
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = _frame(shape)
    paragraph = frame.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    _style_run(run, size, bold=bold, color=color, lang=lang)
    return shape


def _rectangle(slide, box, color: RGBColor):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Inches(v) for v in box))
    shape.fill.solid()
    shape.fill.fore_color.rgb = color
    shape.line.fill.background()
    # No theme style (LibreOffice draws its shadow), and behind the title placeholder,
    # which the layout put on the slide first.
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    tree = shape._element.getparent()
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after nvGrpSpPr and grpSpPr: drawn first
    return shape


def _title(slide, text: str, box, sizes, *, lang, color=WHITE, anchor=MSO_ANCHOR.MIDDLE):
    """Write ``text`` into the slide's title placeholder, placed at ``box``."""
    shape = slide.shapes.title
    _place(shape, box)
    frame = _frame(shape, anchor=anchor)
    frame.text = ""
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    size = font_size_for(text, box[2], box[3], sizes, bold=True, max_lines=2)
    run = paragraph.add_run()
    run.text = text
    _style_run(run, size, bold=True, color=color, lang=lang)
    return shape


def _bullets(slide, box, items: Sequence[str], *, lang, numbered=False, sizes=BULLET_SIZES):
    """A text box of bullet (or numbered) paragraphs, sized so all of them fit."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = _frame(shape)
    gap = 0.5  # space after a paragraph, in lines
    hanging = 1.8 if numbered else 1.2  # room for the number or bullet, in ems
    size = font_size_for(items, box[2] - 0.5, box[3], sizes, paragraph_gap=gap)
    for i, item in enumerate(items):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size * gap * LINE_SPACING)
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.set("marL", str(Pt(size * hanging)))
        p_pr.set("indent", str(-Pt(size * hanging)))
        color = p_pr.makeelement(qn("a:buClr"), {})
        color.append(color.makeelement(qn("a:srgbClr"), {"val": str(BLUE)}))
        p_pr.append(color)
        if numbered:
            p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": FONT}))
            p_pr.append(p_pr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"}))
        else:
            p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": "Arial"}))
            p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "•"}))
        run = paragraph.add_run()
        run.text = item
        _style_run(run, size, lang=lang)
    return shape


def _footer(slide, deck: DeckSpec, number: int, total: int) -> None:
    left = f"{deck.university} · {deck.title} · {deck.academic_year}"
    _text_box(
        slide,
        (MARGIN, FOOTER_BOX_TOP, CONTENT_W - 1.2, FOOTER_BOX_H),
        left,
        font_size_for(left, CONTENT_W - 1.2, FOOTER_BOX_H, (10, 9, 8), max_lines=1),
        lang=deck.lang,
        color=GREY,
    )
    _text_box(
        slide,
        (SLIDE_W - MARGIN - 1.2, FOOTER_BOX_TOP, 1.2, FOOTER_BOX_H),
        f"{number} / {total}",
        10,
        lang=deck.lang,
        color=GREY,
        align=PP_ALIGN.RIGHT,
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", png[16:24])


def _picture(slide, png: bytes, box, description: str) -> None:
    """``png`` as large as fits ``box`` with its aspect kept, centred in it."""
    width_px, height_px = _png_size(png)
    left, top, width, height = box
    scale = min(width / width_px, height / height_px)
    w, h = width_px * scale, height_px * scale
    x, y = left + (width - w) / 2, top + (height - h) / 2
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Inches(x), Inches(y), Emu(int(Inches(w))), Emu(int(Inches(h)))
    )
    picture._element.nvPicPr.cNvPr.set("descr", description)  # alt text for screen readers


def _notes(slide, text: str) -> None:
    if text:
        slide.notes_slide.notes_text_frame.text = text


# --- Slides ------------------------------------------------------------------------------
def _new_slide(prs):
    return prs.slides.add_slide(prs.slide_layouts.get_by_name("Title Only"))


def _title_slide(prs, deck: DeckSpec) -> None:
    slide = _new_slide(prs)
    band_h = 4.9
    _rectangle(slide, (0, 0, SLIDE_W, band_h), BLUE)
    _rectangle(slide, (MARGIN, band_h + 0.35, 1.6, 0.06), BLUE)
    university = deck.university
    _text_box(
        slide,
        (MARGIN, 0.75, CONTENT_W, 0.6),
        university,
        font_size_for(university, CONTENT_W, 0.6, (20, 18, 16, 14), max_lines=1),
        lang=deck.lang,
        color=LIGHT_BLUE,
    )
    _title(
        slide,
        deck.title,
        (MARGIN, 1.45, CONTENT_W, 1.9),
        (44, 40, 36, 32, 28, 24),
        lang=deck.lang,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    _text_box(
        slide,
        (MARGIN, 3.5, CONTENT_W, 1.0),
        deck.subtitle,
        font_size_for(deck.subtitle, CONTENT_W, 1.0, (24, 22, 20, 18, 16), max_lines=2),
        lang=deck.lang,
        color=WHITE,
    )
    _text_box(
        slide,
        (MARGIN, band_h + 0.55, CONTENT_W, 0.55),
        deck.date_line,
        font_size_for(deck.date_line, CONTENT_W, 0.55, (18, 16, 14), max_lines=1),
        lang=deck.lang,
        color=GREY,
    )


def _content_frame(prs, deck: DeckSpec, spec_title: str, number: int, total: int):
    """A slide with the title bar, its title and the footer."""
    slide = _new_slide(prs)
    _rectangle(slide, (0, 0, SLIDE_W, TITLE_BAR_H), BLUE)
    _title(slide, spec_title, TITLE_BOX, TITLE_SIZES, lang=deck.lang)
    _footer(slide, deck, number, total)
    return slide


def _agenda_slide(prs, deck: DeckSpec, total: int) -> None:
    slide = _content_frame(prs, deck, deck.agenda_title, 2, total)
    top = TITLE_BAR_H + 0.45
    _bullets(
        slide,
        (MARGIN + 0.3, top, CONTENT_W - 0.6, BODY_BOTTOM - top),
        deck.agenda,
        lang=deck.lang,
        numbered=True,
        sizes=(28, 26, 24, 22, 20, 18, 16, 14),
    )


def _spec_slide(prs, deck: DeckSpec, spec: SlideSpec, png: bytes | None, number, total):
    slide = _content_frame(prs, deck, spec.title, number, total)
    body_top = HEADLINE_BOX[1]
    if spec.headline:
        left, top, width, height = HEADLINE_BOX
        size = font_size_for(spec.headline, width, height, HEADLINE_SIZES, bold=True)
        headline = _text_box(
            slide, HEADLINE_BOX, spec.headline, size, lang=deck.lang, bold=True, color=INK
        )
        headline.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        body_top = BODY_TOP
    if png is not None:
        caption = chart_caption(spec.figure)
        if caption:
            box = (MARGIN, body_top, CONTENT_W, CAPTION_H)
            size = font_size_for(caption, CONTENT_W, CAPTION_H, CAPTION_SIZES, max_lines=1)
            _text_box(slide, box, caption, size, lang=deck.lang, color=GREY)
            body_top += CAPTION_H
        description = " — ".join(t for t in (caption, spec.headline) if t) or spec.title
        _picture(slide, png, (MARGIN, body_top, CONTENT_W, BODY_BOTTOM - body_top), description)
    elif spec.bullets:
        box = (MARGIN + 0.2, body_top + 0.1, CONTENT_W - 0.4, BODY_BOTTOM - body_top - 0.1)
        _bullets(slide, box, spec.bullets, lang=deck.lang)
    _notes(slide, spec.notes)


def chart_size() -> tuple[int, int]:
    """Layout size (pixels) of a chart image: the slide's chart area at CHART_PX_PER_INCH."""
    return (
        round(CONTENT_W * CHART_PX_PER_INCH),
        round((BODY_BOTTOM - BODY_TOP - CAPTION_H) * CHART_PX_PER_INCH),
    )


def render_pptx(deck: DeckSpec) -> bytes:
    """The deck as PowerPoint bytes: title, agenda, one slide per SlideSpec, risks, summary."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    charted = [s for s in deck.slides if s.figure is not None]
    images = dict(zip(map(id, charted), figure_images([s.figure for s in charted]), strict=True))
    total = 2 + len(deck.slides) + 2
    _title_slide(prs, deck)
    _agenda_slide(prs, deck, total)
    for number, spec in enumerate((*deck.slides, deck.risks, deck.summary), start=3):
        _spec_slide(prs, deck, spec, images.get(id(spec)), number, total)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- Chart images ------------------------------------------------------------------------
def _scale_fonts(node: object, factor: float, in_font: bool = False) -> object:
    """``node`` (a figure dict) with every explicit font size multiplied by ``factor``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "size" and in_font and isinstance(value, int | float):
                out[key] = value * factor
            else:
                out[key] = _scale_fonts(value, factor, key.endswith("font"))
        return out
    if isinstance(node, list):
        return [_scale_fonts(item, factor, in_font) for item in node]
    return node


def report_figure(figure: go.Figure) -> go.Figure:
    """A copy of ``figure`` laid out for a slide: white, larger type, room at the edges.

    The data is untouched; explicit font sizes (annotations, labels) grow in proportion
    with the base font, and the title is left to the slide (``chart_caption``).
    """
    factor = CHART_FONT_PX / PLOTLY_DEFAULT_FONT
    layout = figure.layout.to_plotly_json()
    data = [trace.to_plotly_json() for trace in figure.data]
    layout = _scale_fonts(layout, factor)
    data = _scale_fonts(data, factor)
    fig = go.Figure(data=data, layout=layout)
    width, height = chart_size()
    margin = figure.layout.margin
    fig.update_layout(
        template="plotly_white",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": CHART_FONT_FAMILY, "size": CHART_FONT_PX, "color": "#1F2933"},
        width=width,
        height=height,
        autosize=False,
        margin={
            side: max(getattr(margin, side) or 0, minimum)
            for side, minimum in CHART_MARGIN_MIN.items()
        },
    )
    # The title is written on the slide (chart_caption): inside the picture a legend
    # above the plot, grown with the larger type, ran into it.
    fig.update_layout(title_text=None)
    return fig


def chart_caption(figure: go.Figure | None) -> str:
    """The chart's title as plain text (markup removed), or ''."""
    text = figure.layout.title.text if figure is not None else None
    if not text:
        return ""
    text = re.sub(r"<br\s*/?>", " · ", str(text), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def figure_images(figures: list) -> list[bytes]:
    """PNG images of ``figures`` in a report layout, all drawn by one Kaleido session.

    Chromium starts once (~2 s), then each image takes a fraction of a second. The session
    is this call's own, in its own thread and event loop: not Kaleido's process-wide sync
    server, which hangs its caller for ever when Chromium cannot start, and which two
    decks built at once would share.
    """
    if not figures:
        return []
    import kaleido  # pulls in the Chromium driver: only when a deck is drawn

    width, height = chart_size()
    opts = {"format": "png", "width": width, "height": height, "scale": CHART_SCALE}
    topojson = TOPOJSON_DIR.as_uri() + "/"  # local map outlines: no CDN
    prepared = [report_figure(figure) for figure in figures]

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(n=1, timeout=KALEIDO_TIMEOUT, mathjax=False) as session:
            return [
                await session.calc_fig(figure, opts=opts, topojson=topojson) for figure in prepared
            ]

    return _run_in_thread(draw)


def _run_in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` in a new thread with its own event loop; return or raise
    its result (the caller may itself be inside an event loop)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=target, name="sapat-kaleido", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
