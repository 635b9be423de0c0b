"""The first day at a real university, from an empty directory, as its rankings sector lives it.

`init` for KNU; faculties (Kyrgyz headers, an instructions sheet first, written by openpyxl)
and institutions (csv in cp1251); a year of mobility; the real QS 2026 table. The overview
in Chromium then shows KNU's Kyrgyz name, its QS 2026 band, the mobility numbers, and no
demo banner; the mobility page names KNU's faculties in Kyrgyz.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from sapat.i18n import catalog, column_label
from tests.browser_kit import CHROMIUM, SHOTS, go, metric, serve, sign_in
from tests.conftest import PUBLIC, ROOT, ensure_accounts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]
KY = catalog("ky")
NAME_KY = "Жусуп Баласагын атындагы Кыргыз улуттук университети"
KNU = [
    "--name-ky", NAME_KY,
    "--name-ru", "Кыргызский национальный университет им. Ж. Баласагына",
    "--name-en", "Kyrgyz National University named after J. Balasagyn",
    "--short-ky", "КУУ", "--short-ru", "КНУ", "--short-en", "KNU",
    "--city", "Bishkek", "--country", "Kyrgyzstan",
]  # fmt: skip
FACULTIES = [
    ("MATH", "Математика жана информатика факультети", "Факультет математики и информатики",
     "Faculty of Mathematics and Informatics", "МИФ", "ФМИ", "FMI"),
    ("PHIL", "Филология факультети", "Филологический факультет", "Faculty of Philology",
     "ФФ", "ФилФ", "Phil."),
]  # fmt: skip


def _cli(*args: str) -> None:
    env = {**os.environ, "SAPAT_LANG": "ky"}
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _faculties_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Нускама"
    notes.append(["Факультеттердин тизмеси: ар бир сапта бир факультет."])
    data = book.create_sheet("Факультеттер")
    columns = ["code", "name_ky", "name_ru", "name_en", "short_ky", "short_ru", "short_en"]
    data.append([column_label(c, "ky", "faculties") for c in columns])
    for row in FACULTIES:
        data.append(list(row))
    book.save(path)
    return path


def _institutions_csv(path: Path) -> Path:
    rows = [
        "name;aliases;country;is_home;city;peer_group;ror_id",
        'Kyrgyz National University named after J. Balasagyn;"Kyrgyz National University; KNU";'
        "Кыргызстан;да;Бишкек;Kyrgyzstan;",
        'American University of Central Asia;"AUCA";KG;нет;Бишкек;Kyrgyzstan;',
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1251"))
    return path


def _mobility_xlsx(path: Path) -> Path:
    columns = ["mobility_id", "academic_year", "participant_category", "participant_code"]
    columns += ["direction", "scope", "status", "faculty", "partner_institution"]
    columns += ["partner_country", "start_date", "end_date"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column_label(c, "ky", "mobility") for c in columns])
    for i in range(1, 13):
        direction = "outgoing" if i <= 8 else "incoming"
        faculty = "MATH" if i % 2 else "PHIL"
        sheet.append([
            f"KNU-{i}", "2025-2026", "student_bachelor", f"S-{i}", direction, "international",
            "completed", faculty, "Erciyes University", "Turkey", "01.02.2026", "30.06.2026",
        ])  # fmt: skip
    book.save(path)
    return path


@pytest.fixture(scope="module")
def knu(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("knu")
    path = folder / "knu.duckdb"
    _cli("init", "--db", str(path), *KNU)
    _cli("ingest", "faculties", str(_faculties_xlsx(folder / "faculties.xlsx")), "--db", str(path))
    _cli("ingest", "institutions", str(_institutions_csv(folder / "inst.csv")), "--db", str(path))
    _cli("ingest", "mobility", str(_mobility_xlsx(folder / "mobility.xlsx")), "--db", str(path))
    qs = PUBLIC / "rankings" / "qs_wur_2026.csv"
    _cli("ingest-ranking", str(qs), "--ranking", "qs_wur", "--db", str(path))
    ensure_accounts(path)
    return path


def test_a_real_university_sees_itself_with_its_faculties(knu, browser):
    conn = duckdb.connect(str(knu))
    (band,) = conn.execute(
        "SELECT rank_display FROM ranking_results r JOIN institutions i "
        "ON i.name = r.institution AND i.is_home WHERE r.ranking = 'qs_wur' AND r.year = 2026"
    ).fetchall()[0]
    outgoing, incoming = conn.execute(
        "SELECT count(*) FILTER (WHERE direction = 'outgoing'), "
        "count(*) FILTER (WHERE direction = 'incoming') FROM mobility"
    ).fetchall()[0]
    conn.close()
    assert band == "1201-1400" and (outgoing, incoming) == (8, 4)
    with serve(knu) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.set_default_timeout(90_000)
        sign_in(page, f"{url}/?lang=ky", "viewer")
        page.locator(".js-plotly-plot").first.wait_for()
        body = page.inner_text("body")
        assert NAME_KY in body
        assert KY["ui.demo_banner"] not in body
        assert "1201-1400" in body
        assert metric(page, KY["ui.mobility_outgoing"].format(year="2025-2026")) == "8"
        assert metric(page, KY["ui.mobility_incoming"].format(year="2025-2026")) == "4"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "golive_overview_ky.png"))
        go(page, KY["ui.nav_mobility"])
        page.locator(".js-plotly-plot").first.wait_for()
        page.wait_for_timeout(1500)
        mobility_text = page.inner_text("body") + " ".join(
            page.locator(".js-plotly-plot").all_inner_texts()
        )
        assert "МИФ" in mobility_text or FACULTIES[0][1] in mobility_text
        page.screenshot(path=str(SHOTS / "golive_mobility_ky.png"), full_page=True)
        page.close()


def test_the_warehouse_holds_no_demo_row(knu):
    conn = duckdb.connect(str(knu), read_only=True)
    assert conn.execute("SELECT value FROM app_meta WHERE key = 'demo'").fetchall() == [("false",)]
    users = {r[0] for r in conn.execute("SELECT uploaded_by FROM upload_batches").fetchall()}
    conn.close()
    assert "demo" not in users
    assert io  # written files only, no fixture data copied into the repo
