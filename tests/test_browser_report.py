"""In Chromium: build the Council deck from the Report page and download it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pptx import Presentation

from sapat.i18n import catalog
from tests.browser_kit import CHROMIUM, SHOTS, go, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
KY = catalog("ky")


def test_a_deck_is_built_on_the_page_and_downloaded(server, page):
    page.set_default_timeout(180_000)  # the deck draws its charts in Chromium too
    sign_in(page, f"{server}/?lang=ky", "viewer")
    go(page, KY["ui.nav_report"])
    page.get_by_text(KY["deck.title"]).first.wait_for()
    page.get_by_role("button", name=KY["deck.build"]).click()
    download_button = page.get_by_role("button", name=KY["deck.download_pptx"])
    download_button.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "report_page_ky.png"), full_page=True)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith("-ky.pptx")
    deck = Presentation(io.BytesIO(Path(download.value.path()).read_bytes()))
    slides = list(deck.slides)
    assert len(slides) >= 18
    assert all(slide.shapes.title.text for slide in slides)
    # The deck is listed for downloading again.
    page.get_by_role("button", name=KY["deck.download_again"]).wait_for()
