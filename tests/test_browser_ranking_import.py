"""End to end in Chromium: a rankings editor imports a 3,000-row THE table from the Data page."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path

import pytest

from sapat.i18n import catalog
from tests.browser_kit import CHROMIUM, SHOTS, choose, go, metric, open_tab, sign_in
from tests.conftest import PUBLIC

THE_2026 = PUBLIC / "rankings" / "the_wur_2026_official_layout.csv"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
    pytest.mark.skipif(not THE_2026.exists(), reason="../shared is beside the repo in CI"),
]
KY = catalog("ky")
ROWS = 3000
PREVIEW_TARGET_S = 3.0


def three_thousand_rows(path: Path) -> Path:
    """THE 2026 in THE's on-site layout (2,810 real rows), with Reporter rows added to reach
    3,000 in the same layout, a look-alike of the home university, and a shifted row."""
    with THE_2026.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    extra = [
        [
            "Reporter",
            "Osh State Universty\nKyrgyzstan",
            "n/a",
            "n/a",
            "n/a",
            "n/a",
            "n/a",
            "n/a",
            "",
        ]
    ]
    extra += [
        ["Reporter", f"Test Institute {i}\nKazakhstan", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", ""]
        for i in range(ROWS - len(body) - 2)
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body + extra)
    # A comma inside a name, unquoted: one field more than the header.
    text = out.getvalue() + "Reporter,Trinity College, Dublin,n/a,n/a,n/a,n/a,n/a,n/a,\r\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_rankings_editor_previews_accepts_one_alias_commits_and_undoes(server, browser, tmp_path):
    table = three_thousand_rows(tmp_path / "THE_WUR_2026_3000.csv")
    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page.set_default_timeout(90_000)
    try:
        sign_in(page, f"{server}/?lang=ky", "editor")
        go(page, KY["ui.nav_data"])
        open_tab(page, KY["rankings_import.tab"])
        uploader = page.get_by_test_id("stFileUploader").filter(
            has_text=KY["rankings_import.upload"]
        )
        # The machine is shared: the preview is timed three times (each a new file, so
        # nothing is cached) and the best time is held to the target; all are printed.
        times = []
        for attempt in range(3):
            variant = tmp_path / f"THE_WUR_2026_3000_{attempt}.csv"
            variant.write_bytes(table.read_bytes() + b"\r\n" * attempt)
            started = time.perf_counter()
            uploader.locator("input[type=file]").set_input_files(str(variant))
            page.get_by_test_id("stMetricLabel").get_by_text(
                KY["rankings_import.metric_loaded"], exact=True
            ).wait_for()
            times.append(time.perf_counter() - started)
            if attempt < 2:  # remove the file: the preview goes, and comes back with the next
                uploader.get_by_test_id("stFileChipDeleteBtn").first.click()
                label = page.get_by_test_id("stMetricLabel").get_by_text(
                    KY["rankings_import.metric_loaded"], exact=True
                )
                label.wait_for(state="detached")
        took = min(times)
        shown = ", ".join(f"{x:.2f}" for x in times)
        print(f"\npreview of {ROWS:,} rows shown in {shown} s (target < {PREVIEW_TARGET_S} s)")
        assert (
            metric(page, KY["rankings_import.metric_rows"]) == "3,000"
            or metric(page, KY["rankings_import.metric_rows"]) == "3000"
        )
        assert metric(page, KY["rankings_import.metric_held"]) == "1"  # the shifted row
        # Waited for, not read at once: the proposals are drawn after the metrics.
        page.get_by_text(KY["rankings_import.proposals_title"].format(count=2)).first.wait_for()
        body = page.inner_text("body")
        osh = page.get_by_test_id("stCheckbox").filter(has_text="Osh State Universty")
        assert "Osh State University" in osh.inner_text() and "★" in osh.inner_text()
        assert "Traceback" not in body and "None" not in body
        assert metric(page, KY["rankings_import.metric_loaded"]) in ("2,999", "2999")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "ranking_import_top_ky.png"))
        proposals = page.get_by_text(KY["rankings_import.proposals_title"].format(count=2))
        proposals.scroll_into_view_if_needed()
        page.mouse.wheel(0, 150)
        page.screenshot(path=str(SHOTS / "ranking_import_preview_ky.png"))
        page.screenshot(path=str(SHOTS / "ranking_import_preview_ky_full.png"), full_page=True)
        assert took < PREVIEW_TARGET_S, f"the preview took {took:.2f} s"

        # Accept one proposal (the home university's misspelling), leave the other.
        title = re.compile(
            re.escape(KY["rankings_import.guarded_title"].split("(")[0]) + r"\((\d+)"
        )
        before = int(title.search(page.inner_text("body"))[1])
        osh.locator("label").click()
        page.wait_for_function(
            "([text, want]) => document.body.innerText.includes(text + want)",
            arg=[KY["rankings_import.guarded_title"].split("(")[0] + "(", str(before + 1)],
        )
        page.get_by_role("button", name=KY["rankings_import.commit"]).click()
        success = page.get_by_test_id("stAlertContentSuccess").first
        success.wait_for()
        message = success.inner_text()

        template = re.escape(KY["rankings_import.committed"])
        for name in ("batch", "indicators", "loaded", "rejected", "aliases"):
            template = template.replace(re.escape("{" + name + "}"), rf"(?P<{name}>\d+)")
        found = re.search(template, message)
        batch, indicators, loaded, rejected, aliases = (
            found[n] for n in ("batch", "indicators", "loaded", "rejected", "aliases")
        )
        assert (loaded, rejected, aliases) == ("2999", "1", "1")
        open_tab(page, KY["data.tab_history"])
        picker = page.get_by_test_id("stSelectbox").filter(has_text=KY["data.undo_batch"]).first
        for undo in (indicators, batch):  # each an upload of its own, undone like any other
            choose(page, picker, f"{undo} · ")
            page.get_by_role("button", name=KY["data.undo"]).click()
            page.get_by_role("button", name=KY["data.undo_yes"]).click()
            done = KY["data.undone"].split("{removed}")[0].format(batch=undo).strip()
            page.get_by_text(done).first.wait_for()
        page.screenshot(path=str(SHOTS / "ranking_import_undone_ky.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(SHOTS / "failed-ranking-import.png"), full_page=True)
        raise
    finally:
        page.close()
