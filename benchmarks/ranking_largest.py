"""Importing the largest real ranking table, beside a bare read-and-insert of the same file."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ranking_layouts import propose
from pipelines.ranking_tables import import_ranking_table, read_ranking_file
from pipelines.readers import read_table
from sapat import db

RANKINGS = Path(__file__).resolve().parents[2] / "shared" / "data" / "public" / "rankings"
TARGET_SECONDS = 2.0
RUNS = 3


def largest() -> tuple[Path, int]:
    """The table with the most rows (the work grows with rows times indicator columns)."""
    sizes = {p: len(read_table(p.name, p.read_bytes()).grid) - 1 for p in RANKINGS.iterdir()}
    path = max(sizes, key=sizes.get)
    return path, sizes[path]


def ours(path: Path, ranking: str) -> tuple[float, int, int]:
    """Median seconds of the whole import (read, layout, ranks, matching, checks, two loads)."""
    data = path.read_bytes()
    times, report = [], None
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            conn = db.connect(Path(tmp) / "bench.duckdb")
            started = time.perf_counter()
            report = import_ranking_table(conn, path.name, data, ranking=ranking, user="bench")
            times.append(time.perf_counter() - started)
            conn.close()
        assert report.loaded, report.problems[:5]
    indicators = report.indicators.rows_loaded if report.indicators else 0
    return statistics.median(times), report.results.rows_loaded, indicators


def baseline(path: Path) -> float:
    """Median seconds to read the file with pandas and insert it as is, checking nothing:
    the floor under any import of it."""
    times = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            conn = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
            started = time.perf_counter()
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            conn.register("frame", frame)
            conn.execute("CREATE TABLE raw AS SELECT * FROM frame")
            times.append(time.perf_counter() - started)
            conn.close()
    return statistics.median(times)


def run() -> None:
    path, rows = largest()
    ranking = propose(read_ranking_file(path.name, path.read_bytes()), path.name).ranking
    took, results, indicators = ours(path, ranking)
    floor = baseline(path)
    verdict = "PASS" if took < TARGET_SECONDS else "FAIL"
    print(f"largest ranking table: {path.name} ({rows:,} rows, {ranking})")
    print(
        f"  import: {results:,} results + {indicators:,} indicator rows in {took:.2f} s "
        f"(median of {RUNS}; target < {TARGET_SECONDS:.0f} s) -> {verdict}"
    )
    print(f"  pandas.read_csv + DuckDB insert, no checks (baseline): {floor:.2f} s")
    print(f"  ratio {took / floor:.1f}")


if __name__ == "__main__":
    run()
