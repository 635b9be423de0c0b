"""Dashboard pages print cleanly to A4 landscape from Chromium: no sidebar, nothing cut off."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sapat.i18n import catalog
from tests.browser_kit import CHROMIUM, SHOTS, go, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
EN = catalog("en")
A4_PRINTABLE_PX = (297 - 2 * 10) / 25.4 * 96  # A4 landscape less 10 mm margins, CSS pixels
PAGES = [
    ("ui.nav_overview", "ui.overview_title"),
    ("ui.nav_mobility", "ui.mobility_title"),
    ("ui.nav_accreditation", "ui.accreditation_title"),
    ("ui.nav_kpis", "ui.kpis_title"),
]


# Pages each printed page may take, and how much of a PDF page may be left blank.
MAX_PAGES = {"ui.nav_overview": 2, "ui.nav_accreditation": 2}
MAX_BLANK = 0.70
# Pages whose blank share is not checked yet (each with the reason); none today.
STILL_BLANK: set[str] = set()


def _blank_shares(pdf: Path, tmp_path: Path) -> list[float]:
    """Per PDF page, the share of its height left blank above and below what is printed
    (rendered at 30 dpi in grey; a row is blank when no pixel in it is darker than near-white)."""
    from PIL import Image

    stem = tmp_path / "blank"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(stem)], check=True)
    shares = []
    for png in sorted(tmp_path.glob("blank*.png")):
        with Image.open(png) as image:
            grey = image.convert("L")
            width, height = grey.size
            pixels = grey.load()
            inked = [y for y in range(height) if any(pixels[x, y] < 230 for x in range(width))]
        png.unlink()
        span = inked[-1] - inked[0] + 1 if inked else 0
        shares.append(1 - span / height)
    return shares


def _pdf_text(pdf: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text


def _word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


@pytest.mark.skipif(not shutil.which("pdftotext") and not os.environ.get("CI"), reason="poppler")
@pytest.mark.parametrize("lang", ["en", "ky"])  # Kyrgyz labels are the longest
def test_dashboard_pages_print_to_a4_landscape(server, browser, tmp_path, lang):
    words = catalog(lang)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(90_000)
    sign_in(page, f"{server}/?lang={lang}", "viewer")
    for nav, title in PAGES:
        go(page, words[nav])
        page.get_by_text(words[title]).first.wait_for()
        page.wait_for_timeout(2500)  # the charts finish drawing
        page.emulate_media(media="print")
        page.wait_for_timeout(1000)  # charts redraw to the printed width
        assert not page.get_by_test_id("stSidebar").is_visible()
        # Every chart fits the printed page's width.
        widths = page.locator(".js-plotly-plot").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert max(widths, default=0) <= A4_PRINTABLE_PX, (nav, widths)
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        pages, text = _pdf_text(pdf, tmp_path)
        assert 1 <= pages <= MAX_PAGES.get(nav, 99), (nav, pages)
        blank = _blank_shares(tmp_path / "page.pdf", tmp_path)
        if nav not in STILL_BLANK:
            assert max(blank) <= MAX_BLANK, (nav, [round(b, 2) for b in blank])
        if nav == "ui.nav_overview":
            # The attention list is printed whole on one page: its heading and its last
            # alert on the same page (pdftotext separates pages with a form feed).
            alerts = page.get_by_test_id("stPageLink").all_inner_texts()
            heading = words["ui.alerts_title"]
            holder = [p for p in text.split("\f") if heading in p]
            assert holder and alerts, "the attention list is not printed"
            last = " ".join(alerts[-1].split()[-3:])
            assert last in " ".join(holder[0].split()), "the attention list is split"
        assert words[title] in text
        # Whole words: Kyrgyz "Чыгуу" (sign out) starts "Чыгуучу" (outgoing) on a card.
        assert not _word(words["auth.sign_out"], text)  # the sidebar is not printed
        assert not _word(words["ui.download_csv"], text)  # neither are the buttons
        png = tmp_path / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "50",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "page.pdf"),
                str(png),
            ],
            check=True,
        )
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(next(tmp_path.glob("page*.png")), SHOTS / f"print_{nav.split('_')[-1]}.png")
        for old in tmp_path.glob("page*.png"):
            old.unlink()
        page.emulate_media(media="screen")
    page.close()
