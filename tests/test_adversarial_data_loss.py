"""Attacks on the data itself: nothing a careless or hostile user does may lose it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.demo import make_room
from pipelines.loader import RollbackRefused, rollback
from pipelines.problems import FileRejected
from sapat import backup, db
from sapat.i18n import catalog
from sapat.upload import commit_upload
from tests.conftest import ROOT, app_test, ensure_accounts
from tests.test_upload import _file, _row


def test_a_backup_right_after_an_upload_on_the_data_page_succeeds(db_path, env_db, tmp_path):
    env_db(db_path)
    ensure_accounts(db_path)
    from sapat import web

    conn = web._connection(str(db_path))
    # Another session's page read the data version before the upload, as every page does.
    reader = conn.cursor()
    db.data_version(reader)
    at = app_test(user="editor", lang="en").run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_dataset").select("mobility").run()
    at.file_uploader[0].set_value(("m.xlsx", _file(_row(1), _row(2)), "application/octet-stream"))
    at.run()
    assert not at.exception
    at.button(key="data_commit").click().run()
    assert not at.exception
    backup.CHECKPOINT_WAIT_S = 0.5  # the reader is idle: no waiting is needed at all
    done = backup.backup(conn, db_path, tmp_path / "backups", user="admin")
    copy = duckdb.connect(str(done.path), read_only=True)
    assert copy.execute("SELECT count(*) FROM mobility").fetchall() == [(2,)]
    copy.close()
    reader.close()


def test_no_code_leaves_a_result_open_with_fetchone():
    """fetchone() keeps the cursor's read transaction open, which blocks every backup."""
    offenders = []
    for folder in ("sapat", "pipelines", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\.fetchone\(\)", line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{Path(path).relative_to(ROOT)}:{n}")
    assert offenders == []


# --- `demo` never wipes real data ------------------------------------------------------------
def _cli(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAPAT_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_demo_refuses_a_demo_warehouse_that_holds_a_real_upload(demo_db, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(demo_db, path)
    conn = db.connect(path)
    commit_upload(
        conn, "mobility", "real.xlsx", _file(_row(1)), mode="strict", user="aida", lang="en"
    )
    conn.execute("DELETE FROM users")  # only the upload is foreign now
    conn.close()
    assert db.is_demo(duckdb.connect(str(path), read_only=True))  # the flag still says demo
    before = path.read_bytes()
    out = _cli("demo", "--db", str(path))
    assert out.returncode == 2, out.stderr
    assert "1 uploads" in out.stderr and "--force" in out.stderr
    assert "Traceback" not in out.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("what", ["account", "change"])
def test_demo_refuses_accounts_and_changes_the_demo_did_not_make(db_path, what):
    conn = db.connect(db_path)
    db.set_meta(conn, "demo", "true")
    if what == "account":
        from sapat import auth

        auth.add_user(conn, "rector", "a-long-passphrase", ("viewer",))
        conn.execute("DELETE FROM audit_log")
    else:
        with db.transaction(conn) as tx:
            db.audit(tx, "aida", "kpi_linked", "staff_degree_share → staff_degree_share")
    conn.close()
    with pytest.raises(FileRejected) as refused:
        make_room(db_path)
    assert refused.value.code == "not_demo"


def test_demo_force_writes_a_backup_first_and_says_where(demo_db, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(demo_db, path)  # holds the test accounts
    out = _cli("demo", "--db", str(path), "--force")
    assert out.returncode == 0, out.stderr
    (kept,) = (tmp_path / "backups").glob("sapat-*.duckdb")
    assert str(kept) in out.stdout
    copy = duckdb.connect(str(kept), read_only=True)
    assert copy.execute("SELECT count(*) FROM users").fetchall()[0][0] >= 3
    copy.close()
    rebuilt = duckdb.connect(str(path), read_only=True)
    assert rebuilt.execute("SELECT count(*) FROM users").fetchall() == [(0,)]
    rebuilt.close()


def test_a_bare_demo_is_rebuilt_without_asking(db_path):
    conn = db.connect(db_path)
    db.set_meta(conn, "demo", "true")
    with db.transaction(conn) as tx:
        db.audit(tx, "demo", "upload", "mobility batch 1 demo_mobility: 10/10 rows")
    conn.close()
    assert make_room(db_path) is None


# --- restore never onto itself ---------------------------------------------------------------
@pytest.mark.parametrize("target", ["file", "wal", "symlink"])
def test_restore_onto_the_warehouse_itself_is_refused_and_moves_nothing(tmp_path, target):
    path = tmp_path / "w.duckdb"
    conn = db.connect(path)
    commit_upload(conn, "mobility", "m.xlsx", _file(_row(1)), mode="strict", user="e", lang="en")
    conn.close()
    wal = tmp_path / "w.duckdb.wal"
    wal.write_bytes(b"")  # as a crashed server may leave it
    named = {"file": path, "wal": wal, "symlink": tmp_path / "link.duckdb"}[target]
    if target == "symlink":
        named.symlink_to(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = _cli("restore", str(named), "--db", str(path))
    assert out.returncode == 2
    assert "itself" in out.stderr and "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    conn = duckdb.connect(str(path), read_only=True)
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(1,)]
    conn.close()


def test_a_duckdb_file_with_only_app_meta_is_not_a_backup(tmp_path):
    fake = tmp_path / "fake.duckdb"
    conn = duckdb.connect(str(fake))
    conn.execute("CREATE TABLE app_meta (key VARCHAR, value VARCHAR)")
    conn.execute("INSERT INTO app_meta VALUES ('data_version', '7')")
    conn.close()
    with pytest.raises(backup.BackupInvalid):
        backup.read_version(fake)
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    out = _cli("restore", str(fake), "--db", str(path))
    assert out.returncode == 2 and "not a Sapat warehouse" in out.stderr
    assert not list(tmp_path.glob("*before-restore*"))


# --- undo never takes rows a later upload still holds ----------------------------------------
def test_undo_of_an_upload_loaded_again_later_is_refused_naming_the_later_one(conn):
    data = _file(*(_row(i) for i in range(1, 11)))
    first = commit_upload(conn, "mobility", "a.xlsx", data, mode="strict", user="e", lang="en")
    again = commit_upload(conn, "mobility", "a.xlsx", data, mode="strict", user="e", lang="en")
    a, b = first.result.batch_id, again.result.batch_id
    assert again.result.rows_unchanged == 10
    with pytest.raises(RollbackRefused) as refused:
        rollback(conn, a, "e")
    assert refused.value.code == "reasserted_later" and refused.value.params["later"] == str(b)
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(10,)]
    # Undoing the later one leaves the rows (they are the earlier upload's); then the earlier.
    rollback(conn, b, "e")
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(10,)]
    rollback(conn, a, "e")
    assert conn.execute("SELECT count(*) FROM mobility").fetchall() == [(0,)]


def test_undo_is_not_held_back_by_a_later_upload_of_other_rows(conn):
    first = commit_upload(
        conn, "mobility", "a.xlsx", _file(_row(1)), mode="strict", user="e", lang="en"
    )
    commit_upload(conn, "mobility", "b.xlsx", _file(_row(2)), mode="strict", user="e", lang="en")
    assert rollback(conn, first.result.batch_id, "e") == {"removed": 1, "restored": 0}


# --- a locked warehouse is a plain refusal for every writing command -------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("users", "add", "aida", "--role", "viewer"),
        ("users", "list"),
        ("rollback", "1"),
        ("kpis", "links"),
        ("demo",),
    ],
)
def test_every_command_refuses_a_locked_warehouse_plainly(db_path, args):
    holder = db.connect(db_path)  # this process holds the file, as the dashboard would
    try:
        out = _cli(*args, "--db", str(db_path))
    finally:
        holder.close()
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr and "in use" in out.stderr


# --- files built on click check the account again -------------------------------------------
def test_a_demoted_admins_download_of_individual_ratings_is_refused(demo_db, env_db, tmp_path):
    from streamlit.runtime.media_file_manager import MediaFileManager

    from sapat import auth, web

    path = env_db(tmp_path / "w.duckdb")
    shutil.copy(demo_db, path)
    built: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        built[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    MediaFileManager.add_deferred = spy
    try:
        at = app_test(user="admin", lang="en").run()
        at.switch_page("pages/staff.py")
        at.session_state["staff_tab"] = catalog("en")["ui.staff_tab_rating"]
        at.run()
        assert not at.exception
    finally:
        MediaFileManager.add_deferred = original
    rows = [f for name, f in built.items() if str(name).startswith("Individual_ratings")]
    assert rows, list(built)
    assert rows[0]()  # still an admin: the file is built
    conn = web._connection(str(path))
    auth.set_roles(conn, "admin", ("viewer",), by="test")
    with pytest.raises(web.DownloadRefused):
        rows[0]()
    general = [f for name, f in built.items() if f not in rows]
    assert general[0]()  # a viewer may still have the page's other tables
    auth.deactivate(conn, "admin", by="test")
    with pytest.raises(web.DownloadRefused):
        general[0]()
