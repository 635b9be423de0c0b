"""In Chromium: an administrator uploads a file on the Data page and backs up at once."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sapat.i18n import catalog, translate
from tests.browser_kit import CHROMIUM, choose, go, sign_in
from tests.test_browser_data import _mobility_file, _upload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
EN = catalog("en")
HEADERS = ["Mobility ID", "Academic year", "Participant category", "Participant code"]
HEADERS += ["Direction", "Scope", "Status", "Partner country", "Partner institution"]
HEADERS += ["Start date", "End date"]


def test_a_backup_right_after_an_upload_succeeds(server, page, tmp_path):
    sign_in(page, f"{server}/?lang=en", "admin")
    go(page, EN["ui.nav_data"])
    page.get_by_text(EN["data.title"]).first.wait_for()
    dataset = page.get_by_test_id("stSelectbox").filter(has_text=EN["data.dataset"])
    choose(page, dataset, EN["dataset.mobility"])
    template = EN["data.template"].format(dataset=EN["dataset.mobility"])
    page.get_by_role("button", name=template).wait_for()
    page.wait_for_timeout(1000)
    _upload(page, _mobility_file(tmp_path / "m.xlsx", HEADERS, "2025-2026", mistakes=False))
    page.get_by_text(translate("data.no_problems", "en", rows=3)).wait_for()
    page.get_by_role("button", name=EN["data.commit"], exact=True).click()
    page.get_by_text(re.compile(r"loaded 3 rows: 3 new")).wait_for()
    go(page, EN["ui.nav_admin"])
    page.get_by_role("tab", name=EN["admin.tab_backup"]).click()
    page.get_by_role("button", name=EN["admin.backup_now"]).click()
    page.get_by_text(re.compile(r"Backup sapat-.* taken")).wait_for(timeout=20_000)
    assert "Something went wrong" not in page.inner_text("body")
