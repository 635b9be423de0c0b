"""Upload-to-report on the Data page: a 10,000-row xlsx checked, reported and previewed."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import openpyxl

from benchmarks.mobility_file import write_mobility_xlsx
from pipelines.demo import build_demo
from sapat import db
from sapat.upload import check_upload

CACHE = Path(__file__).resolve().parent.parent / "out" / "bench"
ROWS = 10_000
MISTAKES = 100  # every 100th row gets an unknown direction
TARGET_S = 2.0


def files() -> tuple[Path, Path]:
    """The clean 10,000-row workbook and a copy with MISTAKES bad cells (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    clean = CACHE / f"upload_{ROWS}.xlsx"
    bad = CACHE / f"upload_{ROWS}_mistakes.xlsx"
    if not clean.exists():
        write_mobility_xlsx(clean, ROWS, lang="en")
    if not bad.exists():
        book = openpyxl.load_workbook(clean)
        sheet = book.active
        headers = [c.value for c in sheet[1]]
        column = headers.index("Direction") + 1
        for row in range(2, ROWS + 2, ROWS // MISTAKES):
            sheet.cell(row=row, column=column, value="sideways")
        book.save(bad)
    return clean, bad


def service(warehouse: Path, path: Path, runs: int = 5) -> tuple[float, float, int]:
    """(median check+report+preview seconds, marked workbook seconds, problems)."""
    conn = db.connect(warehouse)
    data = path.read_bytes()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        checked = check_upload(conn, "mobility", path.name, data, "en")
        checked.problem_table("en")
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    if checked.problems:
        checked.marked_file("en")
    marked = time.perf_counter() - started
    conn.close()
    return statistics.median(times), marked, checked.problems


def through_the_page(warehouse: Path, path: Path) -> float:
    """Seconds from handing the file to the uploader until the report's numbers show."""
    from sapat.i18n import catalog
    from tests.browser_kit import choose, chromium, go, metric, serve, sign_in
    from tests.conftest import ensure_accounts

    en = catalog("en")
    ensure_accounts(warehouse)
    with serve(warehouse) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(120_000)
        sign_in(page, f"{url}/?lang=en", "editor")
        go(page, en["ui.nav_data"])
        dataset = page.get_by_test_id("stSelectbox").filter(has_text=en["data.dataset"])
        choose(page, dataset, en["dataset.mobility"])
        # The uploader is rebuilt for the chosen dataset: wait until that rerun has drawn it.
        template = en["data.template"].format(dataset=en["dataset.mobility"])
        page.get_by_role("button", name=template).wait_for()
        uploader = page.get_by_test_id("stFileUploader").locator("input[type=file]")
        started = time.perf_counter()
        uploader.set_input_files(str(path))
        page.get_by_text(en["data.report_title"]).wait_for()
        took = time.perf_counter() - started
        assert metric(page, en["data.problems"]) == str(MISTAKES)
        return took


def run(browser: bool = True) -> None:
    clean, bad = files()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "demo.duckdb"
        build_demo(warehouse)
        for label, path in (("clean", clean), (f"{MISTAKES} mistakes", bad)):
            took, marked, problems = service(warehouse, path)
            verdict = "PASS" if took < TARGET_S else "FAIL"
            print(
                f"upload-to-report, {ROWS:,}-row xlsx ({label}), server side: {took:.2f} s "
                f"(target < {TARGET_S:.0f} s) -> {verdict}; problems {problems}"
                + (f"; marked workbook on click {marked:.2f} s" if problems else "")
            )
        if browser and Path("/usr/bin/chromium").exists():
            copy = Path(tmp) / "served.duckdb"
            shutil.copy(warehouse, copy)
            took = through_the_page(copy, bad)
            print(
                f"upload-to-report through the page in Chromium (transfer + render): {took:.2f} s"
            )
