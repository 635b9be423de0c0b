"""Seconds a page script takes, cold and warm, on the demo warehouse and on every real ranking."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from streamlit.logger import set_log_level
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.testing.v1 import app_test

from benchmarks.large_warehouse import build_60x
from benchmarks.mobility_warehouse import build_large
from benchmarks.ranking_import import RANKINGS
from pipelines.demo import build_demo
from pipelines.ranking_tables import import_ranking_table
from sapat import auth, db
from sapat.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
TARGET_WARM_SECONDS = 0.3
MOBILITY_TARGET_SECONDS = 0.5
OVERVIEW_60X_TARGET_SECONDS = 1.0
# Real tables to load on top of the demo: every file of ../shared/data/public/rankings.
REAL_TABLES = {
    "qs_wur_2017_2022.csv": ("qs_wur", None),
    "qs_wur_2023.csv": ("qs_wur", 2023),
    "qs_wur_2024.csv": ("qs_wur", None),
    "qs_wur_2025.csv": ("qs_wur", None),
    "qs_wur_2026.csv": ("qs_wur", None),
    "the_wur_2024.csv": ("the_wur", 2024),
    "the_wur_2016_2026_renumbered.csv": ("the_wur", None),
    "the_wur_2011_2016_kaggle.csv": ("the_wur", None),
    "cwur_2012_2015_kaggle.csv": ("cwur", None),
    "arwu_2005_2015_kaggle.csv": ("arwu", None),
}


_CLEAR_BEFORE_RUN = False


def _shared_cache(shared: bool = True) -> None:
    """AppTest starts each run with an empty st.cache_data store; a real server keeps it.

    ``shared=False`` empties every cache before each timed run, so each query runs.
    """
    global _CLEAR_BEFORE_RUN
    storage = MemoryCacheStorageManager()
    app_test.MemoryCacheStorageManager = lambda: storage  # type: ignore[assignment]
    _CLEAR_BEFORE_RUN = not shared


BENCH_USER = "bench"


def _signed_in_user() -> str:
    """A viewer account in $SAPAT_DB, so the pages themselves run and not the sign-in form."""
    conn = db.connect(os.environ["SAPAT_DB"])
    try:
        if auth.get_user(conn, BENCH_USER) is None:
            auth.add_user(conn, BENCH_USER, auth.generate_password(), ("viewer",))
    finally:
        conn.close()
    return BENCH_USER


def time_page(page: str, state: dict | None = None, runs: int = 5) -> tuple[float, float]:
    """(cold, median warm) seconds of one page script run through app.py."""
    at = app_test.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["user"] = _signed_in_user()
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        if _CLEAR_BEFORE_RUN:
            st.cache_data.clear()
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    assert not at.exception, at.exception
    assert not at.text_input, "the sign-in form ran instead of the page"
    return cold, statistics.median(warm)


def report(
    label: str, page: str, state: dict | None = None, target: float = TARGET_WARM_SECONDS
) -> None:
    # The first run also fills caches shared with earlier pages, so only warm runs are
    # comparable; they are what a user clicking around the dashboard waits for.
    _, warm = time_page(page, state)
    verdict = "PASS" if warm < target else "FAIL"
    print(f"{label}: warm {warm * 1000:.0f} ms (target < {target * 1000:.0f} ms) -> {verdict}")


LARGE_MOBILITY_ROWS = 500_000
MOBILITY_TABS = ("trends", "countries", "credits", "ratios", "flags")


def mobility_tabs(path: Path, label: str) -> None:
    os.environ["SAPAT_DB"] = str(path)
    for cached in (True, False):
        _shared_cache(cached)
        for tab in MOBILITY_TABS:
            report(
                f"mobility page ({tab} tab), {label}, {'cached' if cached else 'no cache'}",
                "pages/mobility.py",
                {"mobility_tab": translate(f"ui.mobility_tab_{tab}", "en")},
                target=MOBILITY_TARGET_SECONDS,
            )
    _shared_cache()


QUALITY_PAGES = {
    "pages/quality.py": (
        "quality_tab",
        "aq_faculty",
        ("pass_rates", "grades", "drops", "attestation", "graduates", "surveys"),
        "ui.quality_tab_",
    ),
    "pages/staff.py": (
        "staff_tab",
        "ts_faculty",
        ("composition", "degree_share", "international", "rating"),
        "ui.staff_tab_",
    ),
}


def quality_pages(path: Path) -> None:
    """Both academic quality pages, every tab, all faculties and one, cached and not."""
    os.environ["SAPAT_DB"] = str(path)
    for cached in (True, False):
        _shared_cache(cached)
        for page, (tab_key, faculty_key, tabs, prefix) in QUALITY_PAGES.items():
            for tab in tabs:
                for faculty in (None, "MATH"):
                    state = {tab_key: translate(f"{prefix}{tab}", "en"), faculty_key: faculty}
                    report(
                        f"{page} ({tab} tab, {faculty or 'all faculties'}), demo warehouse, "
                        f"{'cached' if cached else 'no cache'}",
                        page,
                        state,
                    )
    _shared_cache()


def run_quality() -> None:
    set_log_level("error")
    _shared_cache()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        build_demo(demo)
        quality_pages(demo)


def run() -> None:
    set_log_level("error")  # bare-mode AppTest runs warn once per widget
    _shared_cache()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        build_demo(demo)
        os.environ["SAPAT_DB"] = str(demo)
        report("overview page, demo warehouse", "pages/overview.py")
        report("rankings page, demo warehouse", "pages/rankings.py")
        quality_pages(demo)
        os.environ["SAPAT_DB"] = str(demo)
        full = Path(tmp) / "full.duckdb"
        shutil.copy(demo, full)
        conn = db.connect(full)
        started = time.perf_counter()
        rows = 0
        for name, (ranking, year) in REAL_TABLES.items():
            result = import_ranking_table(
                conn, name, (RANKINGS / name).read_bytes(), ranking=ranking, year=year, user="bench"
            )
            rows += result.results.rows_loaded if result.results else 0
        conn.close()
        print(
            f"imported every real ranking table: {rows:,} results in "
            f"{time.perf_counter() - started:.1f} s"
        )
        os.environ["SAPAT_DB"] = str(full)
        mobility_tabs(demo, "demo warehouse")
        big = Path(tmp) / "60x.duckdb"
        started = time.perf_counter()
        build_60x(big)
        print(f"built the 60x warehouse in {time.perf_counter() - started:.1f} s")
        os.environ["SAPAT_DB"] = str(big)
        for cached in (True, False):
            _shared_cache(cached)
            report(
                f"overview page, 60x warehouse, {'cached' if cached else 'no cache'}",
                "pages/overview.py",
                target=OVERVIEW_60X_TARGET_SECONDS,
            )
        _shared_cache()
        large = Path(tmp) / "large.duckdb"
        started = time.perf_counter()
        build_large(large, LARGE_MOBILITY_ROWS)
        print(
            f"built a warehouse with {LARGE_MOBILITY_ROWS:,} mobility rows in "
            f"{time.perf_counter() - started:.1f} s"
        )
        mobility_tabs(large, f"{LARGE_MOBILITY_ROWS:,} mobility rows")
        os.environ["SAPAT_DB"] = str(full)
        for tab in ("position", "indicators", "peers", "whatif", "agency"):
            report(
                f"rankings page ({tab} tab), demo + every real ranking table",
                "pages/rankings.py",
                {"ranking_tab": translate(f"ui.tab_{tab}", "en"), "ranking": "qs_wur"},
            )


if __name__ == "__main__":
    run()
