"""Runs every benchmark and prints its figures against the targets."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks import many_files, pages, ranking_import, ranking_largest, report, upload
from benchmarks.mobility_file import write_mobility_xlsx
from pipelines.demo import build_demo
from pipelines.ingest import ingest_path
from sapat import db

CACHE = Path(__file__).resolve().parent.parent / "out" / "bench"


def bench_ingest(rows: int) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"mobility_{rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_mobility_xlsx(path, rows)
        print(
            f"wrote {path.name} ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
    with tempfile.TemporaryDirectory() as tmp:
        conn = db.connect(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        report = ingest_path(conn, "mobility", str(path))
        ours = time.perf_counter() - started
        assert report.loaded and report.result.rows_loaded == rows, report.problems[:5]
        conn.close()
    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    baseline = time.perf_counter() - started
    assert len(frame) == rows
    ratio = ours / baseline
    print(f"ingest {rows:,} mobility rows (read+parse+validate+load): {ours:.2f} s")
    print(f"pandas.read_excel(engine='openpyxl') read only:            {baseline:.2f} s")
    print(f"ratio {ratio:.3f} (target <= 0.25) -> {'PASS' if ratio <= 0.25 else 'FAIL'}")


def bench_demo() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        counts = build_demo(Path(tmp) / "demo.duckdb")
        took = time.perf_counter() - started
    print(
        f"demo warehouse: {sum(counts.values()):,} rows in {took:.2f} s (target < 10 s) -> "
        f"{'PASS' if took < 10 else 'FAIL'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--only",
        choices=("demo", "rankings", "pages", "quality", "ingest", "many", "upload", "report"),
    )
    args = parser.parse_args()
    if args.only in (None, "demo"):
        bench_demo()
    if args.only in (None, "rankings"):
        ranking_import.run()
        ranking_largest.run()
    if args.only in (None, "pages"):
        pages.run()
    if args.only == "quality":  # a part of "pages", on its own
        pages.run_quality()
    if args.only in (None, "ingest"):
        bench_ingest(args.rows)
    if args.only in (None, "many"):
        many_files.run()
    if args.only in (None, "upload"):
        upload.run()
    if args.only in (None, "report"):
        report.run()


if __name__ == "__main__":
    main()
