"""The Academic Council deck: all sections, Kaleido's start included, against the 15 s target."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from pipelines.demo import build_demo
from sapat import db
from sapat.report.spec import SECTIONS

TARGET_S = 15.0


def run() -> None:
    from pptx import Presentation

    from sapat.queries.overview import available_years
    from sapat.report.build import build_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        build_demo(path)
        conn = db.connect(path)
        year = available_years(conn)[0]
        for lang in ("ky", "ru", "en"):
            started = time.perf_counter()
            built = build_report(conn, year, lang, SECTIONS, user="bench")
            took = time.perf_counter() - started
            deck = Presentation(io.BytesIO(built.pptx))
            pictures = sum(
                any(shape.shape_type == 13 for shape in slide.shapes) for slide in deck.slides
            )
            verdict = "PASS" if took < TARGET_S and pictures >= 14 else "FAIL"
            print(
                f"council deck {year} ({lang}): {len(deck.slides)} slides, {pictures} with charts, "
                f"{len(built.pptx) / 2**20:.1f} MB in {took:.1f} s (target < {TARGET_S:.0f} s, "
                f">= 14 chart slides) -> {verdict}"
            )
        conn.close()
