"""Seconds to import the two largest real ranking tables, each into a fresh warehouse."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pipelines.ranking_tables import import_ranking_table
from sapat import db

RANKINGS = Path(__file__).resolve().parents[2] / "shared" / "data" / "public" / "rankings"
FILES = (("qs_wur_2017_2022.csv", "qs_wur"), ("the_wur_2016_2026_renumbered.csv", "the_wur"))
TARGET_SECONDS = 2.0


def run() -> None:
    for name, ranking in FILES:
        data = (RANKINGS / name).read_bytes()
        with tempfile.TemporaryDirectory() as tmp:
            conn = db.connect(Path(tmp) / "bench.duckdb")
            started = time.perf_counter()
            report = import_ranking_table(conn, name, data, ranking=ranking, user="bench")
            took = time.perf_counter() - started
            conn.close()
        assert report.loaded, report.problems[:5]
        indicators = report.indicators.rows_loaded if report.indicators else 0
        verdict = "PASS" if took < TARGET_SECONDS else "FAIL"
        print(
            f"{name}: {report.results.rows_loaded:,} results + {indicators:,} indicator rows "
            f"in {took:.2f} s (target < {TARGET_SECONDS:.0f} s) -> {verdict}"
        )


if __name__ == "__main__":
    run()
