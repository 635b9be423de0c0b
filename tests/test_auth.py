"""Accounts: argon2 hashes, sign-in and its throttle, roles, validation, audit, the users CLI."""

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sapat import auth, db
from sapat.i18n import LANGUAGES, translate
from schemas.registry import DATASETS
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0)


def audit(conn, action: str | None = None) -> list[tuple]:
    sql = 'SELECT "user", action, detail FROM audit_log'
    if action:
        return conn.execute(sql + " WHERE action = ? ORDER BY rowid", [action]).fetchall()
    return conn.execute(sql + " ORDER BY rowid").fetchall()


@pytest.fixture(autouse=True)
def fast_hashing(request, monkeypatch):
    """Cheap argon2 parameters keep the suite quick; the argon2 test keeps the real ones."""
    if "argon2" not in request.node.name:
        monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        auth._dummy_hash.cache_clear()
    yield
    auth._dummy_hash.cache_clear()


@pytest.fixture
def aibek(conn):
    return auth.add_user(conn, "Aibek", PASSWORD, ["editor:rankings"], display_name="Aibek U.")


def test_password_is_hashed_with_argon2_and_never_stored_in_clear(conn, aibek):
    assert aibek == auth.User("aibek", "Aibek U.", ("editor:rankings",), True)
    (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)  # default parameters
    assert PASSWORD not in stored
    everything = conn.execute("SELECT string_agg(CAST(u AS VARCHAR), ' ') FROM users u").fetchone()
    assert PASSWORD not in everything[0]
    assert all(PASSWORD not in " ".join(map(str, row)) for row in audit(conn))
    assert not hasattr(auth.get_user(conn, "aibek"), "password_hash")


def test_sign_in_right_and_wrong_password_and_unknown_user(conn, aibek):
    assert auth.authenticate(conn, "AIBEK ", PASSWORD, now=T0) == aibek
    assert auth.authenticate(conn, "aibek", PASSWORD + "x", now=T0) is None
    assert auth.authenticate(conn, "nobody", PASSWORD, now=T0) is None
    assert auth.authenticate(conn, "aibek", "", now=T0) is None
    assert [r[:2] for r in audit(conn)[1:]] == [
        ("aibek", "sign_in"),
        ("aibek", "sign_in_failed"),
        ("nobody", "sign_in_failed"),
        ("aibek", "sign_in_failed"),
    ]


def test_an_inactive_user_never_signs_in(conn, aibek):
    auth.deactivate(conn, "aibek", by="admin")
    assert auth.authenticate(conn, "aibek", PASSWORD, now=T0) is None
    assert auth.get_user(conn, "aibek").active is False
    auth.activate(conn, "aibek", by="admin")
    assert auth.authenticate(conn, "aibek", PASSWORD, now=T0) == aibek


def test_old_parameters_are_rehashed_on_sign_in(conn, aibek):
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    conn.execute("UPDATE users SET password_hash = ?", [weak])
    assert auth.authenticate(conn, "aibek", PASSWORD, now=T0) == aibek
    (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored != weak and not auth._hasher.check_needs_rehash(stored)


def test_five_failures_throttle_even_the_right_password_until_15_minutes_after_the_last(
    conn, aibek
):
    for minute in range(5):
        at = T0 + timedelta(minutes=minute)
        assert auth.authenticate(conn, "aibek", "wrong-password", at) is None
    last = T0 + timedelta(minutes=4)
    assert auth.throttled_until(conn, "aibek", last) == last + auth.THROTTLE_WINDOW
    # Refused without looking at the password; refusals do not extend the lock.
    for minute in (5, 10, 18):
        assert auth.authenticate(conn, "aibek", PASSWORD, T0 + timedelta(minutes=minute)) is None
    assert len(audit(conn, "sign_in_throttled")) == 3
    assert len(audit(conn, "sign_in_failed")) == 5
    assert auth.authenticate(conn, "aibek", PASSWORD, last + timedelta(minutes=15)) == aibek


def test_throttle_survives_a_restart_and_is_per_user(db_path, conn, aibek):
    auth.add_user(conn, "bermet", PASSWORD, ["viewer"])
    for minute in range(5):
        auth.authenticate(conn, "aibek", "wrong-password", T0 + timedelta(minutes=minute))
    conn.close()
    reopened = db.connect(db_path)
    try:
        later = T0 + timedelta(minutes=6)
        assert auth.authenticate(reopened, "aibek", PASSWORD, later) is None
        assert auth.authenticate(reopened, "bermet", PASSWORD, later) is not None
    finally:
        reopened.close()


def test_successes_and_spread_out_failures_do_not_throttle(conn, aibek):
    for minute in range(4):
        auth.authenticate(conn, "aibek", "wrong-password", T0 + timedelta(minutes=minute))
    for minute in range(4, 10):
        assert auth.authenticate(conn, "aibek", PASSWORD, T0 + timedelta(minutes=minute)) == aibek
    assert auth.throttled_until(conn, "aibek", T0 + timedelta(minutes=10)) is None
    # The fifth failure, 16 minutes after the first, is not within 15 minutes of it.
    auth.authenticate(conn, "aibek", "wrong-password", T0 + timedelta(minutes=16))
    assert auth.authenticate(conn, "aibek", PASSWORD, T0 + timedelta(minutes=17)) == aibek


def test_unknown_user_names_are_throttled_too(conn):
    for minute in range(5):
        auth.authenticate(conn, "ghost", "wrong-password", T0 + timedelta(minutes=minute))
    assert auth.throttled_until(conn, "ghost", T0 + timedelta(minutes=5)) is not None


def test_roles_and_permissions():
    assert auth.ROLES == (
        "viewer",
        "admin",
        "editor:rankings",
        "editor:mobility",
        "editor:accreditation",
        "editor:kpis",
        "editor:quality",
        "editor:reference",
    )
    assert set(auth.EDITOR_GROUPS) == {d.group for d in DATASETS.values()}
    assert auth.is_admin(["viewer", "admin"]) and not auth.is_admin(["editor:kpis"])
    assert not auth.can_view_data_page(["viewer"]) and not auth.can_view_data_page([])
    assert auth.can_view_data_page(["editor:mobility"]) and auth.can_view_data_page(["admin"])
    assert not auth.can_view_data_page(["editor:unknown"])
    assert auth.can_edit(["editor:mobility"], "agreements")
    assert auth.can_edit(["editor:mobility"], "mobility")
    assert not auth.can_edit(["editor:mobility"], "ranking_results")
    assert auth.can_edit(["editor:accreditation"], "licenses")
    assert auth.can_edit(["editor:kpis"], "kpi_values")
    assert not auth.can_edit(["viewer"], "kpi_values")
    assert all(auth.can_edit(["admin"], name) for name in DATASETS)
    assert not auth.can_edit(["admin"], "no_such_dataset")


@pytest.mark.parametrize("name", ["ab", "a" * 65, "aibek uulu", "айбек", "a/b", "", "x@y"])
def test_bad_user_names_are_refused_with_a_code(conn, name):
    with pytest.raises(ValueError) as caught:
        auth.add_user(conn, name, PASSWORD, ["viewer"])
    assert caught.value.code == "invalid_username"
    assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_good_user_names_are_normalised():
    assert auth.check_username(" A.Uulu_2-x ") == "a.uulu_2-x"
    assert auth.check_username("abc") == "abc" and auth.check_username("a" * 64)


def test_password_policy_roles_and_duplicates(conn, aibek):
    cases = [
        (lambda: auth.add_user(conn, "bermet", "short", ["viewer"]), "weak_password"),
        (lambda: auth.add_user(conn, "bermet", "x" * 1025, ["viewer"]), "password_too_long"),
        (lambda: auth.add_user(conn, "bermet", PASSWORD, ["editor:x"]), "unknown_role"),
        (lambda: auth.add_user(conn, "bermet", PASSWORD, []), "no_roles"),
        (lambda: auth.add_user(conn, "AIBEK", PASSWORD, ["viewer"]), "user_exists"),
        (lambda: auth.set_password(conn, "aibek", "123456789"), "weak_password"),
        (lambda: auth.set_password(conn, "nobody", PASSWORD), "unknown_user"),
        (lambda: auth.set_roles(conn, "nobody", ["viewer"]), "unknown_user"),
        (lambda: auth.deactivate(conn, "nobody"), "unknown_user"),
    ]
    for call, code in cases:
        with pytest.raises(auth.AuthError) as caught:
            call()
        assert caught.value.code == code
        for lang in LANGUAGES:
            text = caught.value.message(lang)
            assert not text.startswith("auth.") and "{" not in text
    assert [u.username for u in auth.list_users(conn)] == ["aibek"]
    assert len(audit(conn)) == 1  # refused changes leave no trace
    auth.add_user(conn, "bermet", "0123456789", ["viewer"])  # exactly 10 is enough


def test_every_change_is_audited_in_its_transaction(conn, aibek):
    auth.set_password(conn, "aibek", "another long one", by="root")
    auth.set_roles(conn, "aibek", ["viewer", "admin", "viewer"], by="root")
    auth.deactivate(conn, "aibek", by="root")
    auth.activate(conn, "aibek", by="root")
    assert audit(conn) == [
        ("cli", "user_added", "aibek: roles editor:rankings"),
        ("root", "password_reset", "aibek"),
        ("root", "roles_changed", "aibek: roles viewer, admin"),
        ("root", "user_deactivated", "aibek"),
        ("root", "user_activated", "aibek"),
    ]
    assert auth.get_user(conn, "aibek").roles == ("viewer", "admin")
    assert auth.authenticate(conn, "aibek", "another long one", now=T0) is not None
    assert auth.get_user(conn, "nobody") is None


def test_a_failing_change_rolls_back_the_audit_row(conn, aibek, monkeypatch):
    def boom(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(auth, "_audit", boom)
    with pytest.raises(RuntimeError):
        auth.set_roles(conn, "aibek", ["admin"])
    assert auth.get_user(conn, "aibek").roles == ("editor:rankings",)


def test_generated_passwords():
    passwords = {auth.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for p in passwords:
        assert len(p) >= 16 and set(p) <= set(auth.PASSWORD_ALPHABET)
        auth.check_password(p)
    assert not set("0O1lI") & set(auth.PASSWORD_ALPHABET)


# --- the CLI --------------------------------------------------------------------------------
def users(*args: str, stdin: str | None = None, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SAPAT_LANG": lang, "SAPAT_USER": "registrar"},
        timeout=120,
    )


def test_cli_add_list_roles_deactivate_reset(db_path: Path):
    d = ("--db", str(db_path))
    out = users("add", "aibek", "--role", "viewer", "--role", "editor:kpis", *d,
                "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "aibek" in out.stdout and PASSWORD not in out.stdout
    out = users("add", "bermet", "--role", "admin", "--display-name", "Bermet K.", *d)
    assert out.returncode == 0, out.stderr
    generated = out.stdout.strip().splitlines()[-1].rsplit(": ", 1)[1]
    assert len(generated) >= 16
    out = users("list", *d)
    assert out.returncode == 0
    assert out.stdout.splitlines() == [
        "aibek\taibek\tviewer,editor:kpis\tactive",
        "bermet\tBermet K.\tadmin\tactive",
    ]
    assert users("roles", "aibek", "--role", "editor:mobility", *d).returncode == 0
    assert users("deactivate", "bermet", *d).returncode == 0
    out = users("reset-password", "aibek", "--password-stdin", *d, stdin="a new long password\n")
    assert out.returncode == 0 and "a new long password" not in out.stdout
    conn = db.connect(db_path)
    try:
        assert auth.authenticate(conn, "aibek", "a new long password") is not None
        assert auth.authenticate(conn, "bermet", generated) is None  # deactivated
        assert auth.get_user(conn, "aibek").roles == ("editor:mobility",)
        actions = conn.execute('SELECT "user", action FROM audit_log ORDER BY rowid').fetchall()
        assert actions[:5] == [
            ("registrar", "user_added"),
            ("registrar", "user_added"),
            ("registrar", "roles_changed"),
            ("registrar", "user_deactivated"),
            ("registrar", "password_reset"),
        ]
    finally:
        conn.close()


def test_cli_refusals_are_exit_1_with_one_line_in_the_chosen_language(db_path: Path):
    d = ("--db", str(db_path))
    out = users("add", "Bad Name", "--role", "viewer", "--password-stdin", *d, stdin=PASSWORD)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Bad Name" in out.stderr
    out = users("add", "aibek", "--role", "viewer", "--password-stdin", *d, stdin="short\n")
    assert out.returncode == 1 and "10" in out.stderr
    out = users("add", "aibek", "--role", "boss", *d, lang="ru")
    assert out.returncode == 1
    assert out.stderr.strip() == translate(
        "auth.cli.refused",
        "ru",
        reason=translate("auth.error.unknown_role", "ru", role="boss", roles=", ".join(auth.ROLES)),
    )
    out = users("deactivate", "nobody", *d, "--lang", "ky")
    assert out.returncode == 1 and "nobody" in out.stderr and "Четке кагылды" in out.stderr
    assert users("reset-password", "nobody", *d).returncode == 1
    assert users("add", "aibek", "--role", "viewer", *d).returncode == 0
    assert users("add", "aibek", "--role", "viewer", *d).returncode == 1
    assert users("roles", "aibek", "--role", "nope", *d).returncode == 1
    assert users("list", *d).returncode == 0


def test_cli_locked_warehouse_is_exit_2(db_path: Path):
    holder = db.connect(db_path)
    try:
        out = users("list", "--db", str(db_path))
    finally:
        holder.close()
    assert out.returncode == 2
    assert "dashboard is running" in out.stderr and "Traceback" not in out.stderr
