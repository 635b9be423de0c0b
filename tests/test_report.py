"""The Council deck end to end: CLI, snapshots with their data version, the Report page."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation

from pipelines.cli import main
from sapat import db
from sapat.i18n import catalog
from sapat.report import snapshots
from sapat.report.pdf import first_page_png, soffice_path, to_pdf
from tests.conftest import app_test

EN = catalog("en")
KY = catalog("ky")
YEAR = "2025-2026"
PICTURE = 13  # MSO_SHAPE_TYPE.PICTURE


@pytest.fixture(scope="module")
def warehouse(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo warehouse this module may write decks into."""
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def cli_deck(warehouse, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    code = main(
        ["report", "--year", YEAR, "--lang", "ky", "--out", str(out), "--db", str(warehouse)]
    )
    assert code == 0
    return out, YEAR


def test_the_cli_writes_a_16_9_deck_with_a_chart_on_every_chart_slide(cli_deck, warehouse):
    path, year = cli_deck
    deck = Presentation(str(path))
    assert round(deck.slide_width / deck.slide_height, 3) == round(16 / 9, 3)
    slides = list(deck.slides)
    assert len(slides) >= 2 + 18 + 2  # six sections of 2–4 chart slides
    titles = [s.shapes.title.text for s in slides]
    assert all(titles)
    assert year in "\n".join(
        shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame
    )
    charts = [s for s in slides[2:-2] if any(sh.shape_type == PICTURE for sh in s.shapes)]
    assert len(charts) >= 18
    for slide in slides[2:]:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    # Kyrgyz throughout: no raw keys, no English catalogue sentence.
    text = "\n".join(
        shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame
    )
    assert "report." not in text and "ui." not in text and "{" not in text
    assert EN["report.section.mobility"] not in text
    assert KY["report.quality.staff_title"] in text and EN["report.quality.staff_title"] not in text


def test_a_deck_is_kept_with_the_data_version_it_was_built_from(cli_deck, warehouse):
    path, _ = cli_deck
    conn = duckdb.connect(str(warehouse))
    kept = snapshots.listing(conn)
    version = db.data_version(conn)
    row = kept.iloc[-1]
    assert row["data_version"] == version and row["lang"] == "ky" and row["academic_year"] == YEAR
    assert snapshots.deck_bytes(conn, int(row["report_id"])) == path.read_bytes()
    (audit,) = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'report'").fetchone()
    conn.close()
    assert audit >= 1


def test_an_unknown_year_is_refused_with_the_years_there_are(warehouse, capsys):
    assert main(["report", "--year", "1999-2000", "--lang", "en", "--db", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "1999-2000" in err and YEAR in err and "Traceback" not in err


@pytest.mark.skipif(not soffice_path() and not os.environ.get("CI"), reason="make test installs it")
def test_the_deck_converts_to_pdf_and_its_first_page_renders(cli_deck, tmp_path):
    path, _ = cli_deck
    pdf = to_pdf(path.read_bytes())
    assert pdf.startswith(b"%PDF")
    png = first_page_png(pdf)
    assert png.startswith(b"\x89PNG")
    shots = Path(__file__).resolve().parent.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    (shots / "deck_ky_page1.png").write_bytes(png)


def test_the_report_page_builds_a_deck_and_lists_it(warehouse, env_db):
    env_db(warehouse)
    at = app_test(user="viewer", lang="en").run()
    at.switch_page("pages/report.py").run()
    assert not at.exception
    assert at.selectbox(key="deck_year").value == YEAR
    at.selectbox(key="deck_lang").set_value("ru")
    at.button_group(key="deck_sections").set_value(["mobility", "kpis"])
    at.button(key="deck_build").click().run(timeout=180)
    assert not at.exception
    [done] = at.success
    assert done.value.startswith("Deck sapat-") or "sapat-" in done.value
    labels = [b.proto.label for b in at.get("download_button")]
    assert EN["deck.download_pptx"] in labels and EN["deck.download_again"] in labels
    conn = duckdb.connect(str(warehouse))
    newest = snapshots.listing(conn).iloc[0]
    deck = Presentation(io.BytesIO(snapshots.deck_bytes(conn, int(newest["report_id"]))))
    conn.close()
    assert list(newest["sections"]) == ["mobility", "kpis"] and newest["lang"] == "ru"
    assert len(deck.slides) < 18  # only the two sections chosen
