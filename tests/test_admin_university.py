"""The Administration page's University tab: names, city, country and logo, audited."""

from __future__ import annotations

import duckdb

from sapat import identity
from sapat.i18n import catalog
from tests.conftest import app_test, ensure_accounts
from tests.test_downloads import deferred as downloads_spy  # noqa: F401 (a fixture)

KY = catalog("ky")
NAMES = {
    "name_ky": "Ош мамлекеттик университети",
    "name_ru": "Ошский государственный университет",
    "name_en": "Osh State University",
    "short_ky": "ОшМУ",
    "short_ru": "ОшГУ",
    "short_en": "OshSU",
}


def _page(db_path, env_db):
    env_db(db_path)
    ensure_accounts(db_path)
    at = app_test(user="admin", lang="ky").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    return at


def test_an_admin_sets_the_university_and_it_is_audited(db_path, env_db):
    at = _page(db_path, env_db)
    for field, value in NAMES.items():
        at.text_input(key=f"admin_uni_{field}").input(value)
    at.button[[b.label for b in at.button].index(KY["admin.university_save"])].click().run()
    assert not at.exception and not at.error
    assert any(KY["admin.university_saved"] in s.value for s in at.success)
    conn = duckdb.connect(str(db_path))
    uni = identity.get(conn)
    audit = conn.execute(
        """SELECT "user" FROM audit_log WHERE action = 'university_set'"""
    ).fetchall()
    home = conn.execute("SELECT name FROM institutions WHERE is_home").fetchall()
    conn.close()
    assert uni.name_ky == NAMES["name_ky"] and uni.short_en == "OshSU"
    assert audit == [("admin",)] and home == [("Osh State University",)]


def test_a_missing_name_is_refused_in_the_users_language(db_path, env_db):
    at = _page(db_path, env_db)
    for field, value in NAMES.items():
        if field != "short_ru":
            at.text_input(key=f"admin_uni_{field}").input(value)
    at.button[[b.label for b in at.button].index(KY["admin.university_save"])].click().run()
    assert not at.exception
    assert at.error[0].value == KY["identity.name_missing"].format(fields="short_ru")
    conn = duckdb.connect(str(db_path))
    assert identity.get(conn) is None
    conn.close()


def test_exported_files_are_named_after_the_university(db_path, env_db, downloads_spy):  # noqa: F811
    test_an_admin_sets_the_university_and_it_is_audited(db_path, env_db)
    downloads_spy.clear()
    at = _page(db_path, env_db)
    at.tabs[2].run()
    names = [name for name, _, _ in downloads_spy.values() if name.endswith((".xlsx", ".csv"))]
    assert names and all(n.startswith("ОшМУ_") for n in names), names
