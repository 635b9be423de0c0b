"""AppTest of the Administration page: the University tab (audited) and restoring a backup."""

from __future__ import annotations

import duckdb

from sapat import backup, db, identity
from sapat.i18n import catalog
from sapat.upload import commit_upload
from tests.conftest import app_test, ensure_accounts
from tests.factories import insert
from tests.test_downloads import deferred as downloads_spy  # noqa: F401 (a fixture)
from tests.test_upload import _file, _row

EN = catalog("en")
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


def test_before_the_university_is_set_the_form_offers_the_names_the_header_shows(db_path, env_db):
    conn = db.connect(db_path)
    aliases = ["Ош мамлекеттик университети", "Ошский государственный университет", "ОшМУ"]
    insert(conn, "institutions", name="Osh State University", aliases=aliases, is_home=True)
    conn.close()
    at = _page(db_path, env_db)
    assert at.info[0].value == KY["admin.university_proposed"]
    assert at.text_input(key="admin_uni_name_ky").value == "Ош мамлекеттик университети"
    assert at.text_input(key="admin_uni_name_ru").value == "Ошский государственный университет"
    assert at.text_input(key="admin_uni_short_ky").value == "ОшМУ"
    # Saved as offered, the university is what the header showed.
    at.button[[b.label for b in at.button].index(KY["admin.university_save"])].click().run()
    assert not at.exception and not at.error
    conn = duckdb.connect(str(db_path))
    assert identity.get(conn).name_en == "Osh State University"
    conn.close()


def test_exported_files_are_named_after_the_university(db_path, env_db, downloads_spy):  # noqa: F811
    test_an_admin_sets_the_university_and_it_is_audited(db_path, env_db)
    downloads_spy.clear()
    at = _page(db_path, env_db)
    at.tabs[2].run()
    names = [name for name, _, _ in downloads_spy.values() if name.endswith((".xlsx", ".csv"))]
    assert names and all(n.startswith("ОшМУ_") for n in names), names


# --- restore ----------------------------------------------------------------------------------
def _count(path) -> int:
    conn = duckdb.connect(str(path))
    try:
        return conn.execute("SELECT count(*) FROM mobility").fetchall()[0][0]
    finally:
        conn.close()


def _admin_backup_tab(path):
    at = app_test(user="admin", lang="en").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    return at


def test_an_admin_restores_a_backup_and_every_session_sees_it(db_path, env_db):
    from sapat import web

    env_db(db_path)
    ensure_accounts(db_path)
    conn = web._connection(str(db_path))
    commit_upload(
        conn.cursor(), "mobility", "a.xlsx", _file(_row(1)), mode="strict", user="e", lang="en"
    )
    taken = backup.backup(conn, db_path, backup.default_dir(db_path), user="admin")
    commit_upload(
        conn.cursor(),
        "mobility",
        "b.xlsx",
        _file(_row(2), _row(3)),
        mode="strict",
        user="e",
        lang="en",
    )
    viewer = app_test(user="viewer", lang="en").run()  # another session, open before
    at = _admin_backup_tab(db_path)
    at.selectbox(key="admin_restore").select(taken.path.name).run()
    at.button(key="admin_restore_ask").click().run()
    assert not at.exception
    assert _count(db_path) == 3  # nothing happens before the confirmation
    at.button(key="admin_restore_yes").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(EN["admin.restored"].split("{")[0] in s.value for s in at.success)
    assert _count(db_path) == 1
    kept = list(db_path.parent.glob("*.before-restore-*"))
    assert kept and duckdb.connect(str(kept[0]), read_only=True).execute(
        "SELECT count(*) FROM mobility"
    ).fetchall() == [(3,)]
    cur = web.cursor()
    assert cur.execute("SELECT count(*) FROM mobility").fetchall() == [(1,)]
    assert db.first(cur.execute("""SELECT "user" FROM audit_log WHERE action = 'restore'""")) == (
        "admin",
    )
    viewer.run()  # the other session's next click reads the restored warehouse
    assert not viewer.exception


def test_a_damaged_backup_is_refused_and_nothing_changes(db_path, env_db, tmp_path):
    import pytest

    from sapat import web

    env_db(db_path)
    ensure_accounts(db_path)
    conn = web._connection(str(db_path))
    commit_upload(
        conn.cursor(), "mobility", "a.xlsx", _file(_row(1)), mode="strict", user="e", lang="en"
    )
    taken = backup.backup(conn, db_path, backup.default_dir(db_path), user="admin")
    taken.path.write_bytes(b"not a warehouse")  # damaged after it was taken
    at = _admin_backup_tab(db_path)
    assert "admin_restore" not in [s.key for s in at.selectbox]  # only sound backups listed
    fake = tmp_path / "only_meta.duckdb"
    other = duckdb.connect(str(fake))
    other.execute("CREATE TABLE app_meta (key VARCHAR, value VARCHAR)")
    other.close()
    for bad in (taken.path, fake):
        with pytest.raises(backup.BackupInvalid):
            web.restore_from(bad, "admin")
    assert _count(db_path) == 1
    assert not list(db_path.parent.glob("*.before-restore-*"))
