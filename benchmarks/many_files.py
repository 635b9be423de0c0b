"""Ten years of mobility as ten files: one CLI call against ten single-file calls."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.mobility_file import write_mobility_xlsx

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "out" / "bench" / "many"
FILES, ROWS = 10, 10_000
TARGET = 1.2


def _files() -> list[Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in range(FILES):
        path = CACHE / f"mobility_{2016 + year}.xlsx"
        if not path.exists():
            write_mobility_xlsx(path, ROWS, seed=100 + year, id_prefix=f"Y{2016 + year}")
        paths.append(path)
    return paths


def _ingest(db: Path, *files: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", "mobility", *map(str, files)]
        + ["--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    return took


def run() -> None:
    files = _files()
    with tempfile.TemporaryDirectory() as tmp:
        singles = sum(_ingest(Path(tmp) / "singles.duckdb", path) for path in files)
        together = _ingest(Path(tmp) / "together.duckdb", *files)
    ratio = together / singles
    print(f"ingest {FILES} files x {ROWS:,} mobility rows in one CLI call: {together:.2f} s")
    print(f"the same {FILES} files, one CLI call each (baseline):       {singles:.2f} s")
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"ratio {ratio:.3f} (target <= {TARGET}) -> {verdict}")
