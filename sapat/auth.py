"""Accounts, roles, argon2 passwords, throttled sign-in and their audit trail (no UI here)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sapat import db
from sapat.db import transaction
from sapat.i18n import translate
from schemas.registry import DATASETS

VIEWER, ADMIN = "viewer", "admin"
# One editor role per dataset group of schemas/registry.py (a test keeps them in step).
EDITOR_GROUPS = ("rankings", "mobility", "accreditation", "kpis", "quality", "reference")
ROLES: tuple[str, ...] = (VIEWER, ADMIN, *(f"editor:{g}" for g in EDITOR_GROUPS))

USERNAME_RE = re.compile(r"[a-z0-9._-]{3,64}")
MIN_PASSWORD = 10
# Bounded so that nobody can make the server hash megabytes per attempt.
MAX_PASSWORD = 1024
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
# No 0/O/o, 1/l/I: a generated password is read aloud or copied from paper.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 20

_hasher = PasswordHasher()


class AuthError(ValueError):
    """A refused account change; ``code`` names the auth.error.* message for the UI."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        return translate(f"auth.error.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class User:
    """An account as the app sees it: never the password hash."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool


# --- roles ----------------------------------------------------------------------------------
def is_admin(roles: Iterable[str]) -> bool:
    return ADMIN in set(roles)


def can_view_data_page(roles: Iterable[str]) -> bool:
    """The Data (upload) page is for admins and editors; viewers only read dashboards."""
    roles = set(roles)
    return ADMIN in roles or any(r.startswith("editor:") and r in ROLES for r in roles)


def can_edit(roles: Iterable[str], dataset_name: str) -> bool:
    """Admins edit everything; an editor edits the datasets of their group."""
    dataset = DATASETS.get(dataset_name)
    if dataset is None:
        return False
    roles = set(roles)
    return ADMIN in roles or f"editor:{dataset.group}" in roles


def roles_for_email(email: str, mapping: Mapping[str, Any]) -> tuple[str, ...]:
    """Roles of a single-sign-on user: their address's entry, else their domain's (*@uni.kg).

    Unknown roles in the mapping are dropped rather than trusted; no entry means no access.
    """
    address = (email or "").strip().lower()
    if "@" not in address:
        return ()
    lowered = {str(k).strip().lower(): v for k, v in mapping.items()}
    given = lowered.get(address, lowered.get("*@" + address.rsplit("@", 1)[1]))
    if given is None:
        return ()
    if isinstance(given, str):
        given = [given]
    return tuple(r for r in ROLES if r in {str(g).strip() for g in given})


def role_label(role: str, lang: str) -> str:
    return translate(f"auth.role.{role.replace(':', '_')}", lang)


# --- validation -----------------------------------------------------------------------------
def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    """The normalised name (trimmed, lower-case), or AuthError("invalid_username")."""
    name = normalise_username(username)
    if not USERNAME_RE.fullmatch(name):
        raise AuthError("invalid_username", username=(username or "")[:64])
    return name


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError("weak_password", min_length=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AuthError("password_too_long", max_length=MAX_PASSWORD)


def check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """Known roles in ROLES order, duplicates dropped; at least one."""
    given = [r.strip() for r in roles]
    for role in given:
        if role not in ROLES:
            raise AuthError("unknown_role", role=role, roles=", ".join(ROLES))
    if not given:
        raise AuthError("no_roles")
    return tuple(r for r in ROLES if r in given)


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_LENGTH))


# --- storage --------------------------------------------------------------------------------
def _audit(conn: duckdb.DuckDBPyConnection, at: datetime, user: str, action: str, detail: str):
    db.audit(conn, user, action, detail, at=at)


def _row_to_user(row: tuple) -> User:
    username, display_name, roles, active = row
    return User(username, display_name or username, tuple(roles or ()), bool(active))


def get_user(conn: duckdb.DuckDBPyConnection, username: str) -> User | None:
    row = db.first(
        conn.execute(
            "SELECT username, display_name, roles, active FROM users WHERE username = ?",
            [normalise_username(username)],
        )
    )
    return _row_to_user(row) if row else None


def list_users(conn: duckdb.DuckDBPyConnection) -> list[User]:
    rows = conn.execute(
        "SELECT username, display_name, roles, active FROM users ORDER BY username"
    ).fetchall()
    return [_row_to_user(r) for r in rows]


def _existing(conn: duckdb.DuckDBPyConnection, username: str) -> str:
    name = normalise_username(username)
    if db.first(conn.execute("SELECT 1 FROM users WHERE username = ?", [name])) is None:
        raise AuthError("unknown_user", username=(username or "")[:64])
    return name


def add_user(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    roles: Iterable[str],
    display_name: str | None = None,
    by: str = "cli",
) -> User:
    name = check_username(username)
    check_password(password)
    roles = check_roles(roles)
    display = (display_name or "").strip() or name
    password_hash = _hasher.hash(password)
    with transaction(conn) as tx:
        if db.first(tx.execute("SELECT 1 FROM users WHERE username = ?", [name])):
            raise AuthError("user_exists", username=name)
        tx.execute(
            "INSERT INTO users (username, display_name, password_hash, roles, active) "
            "VALUES (?, ?, ?, ?, true)",
            [name, display, password_hash, list(roles)],
        )
        _audit(tx, datetime.now(), by, "user_added", f"{name}: roles {', '.join(roles)}")
    return User(name, display, roles, True)


def set_password(
    conn: duckdb.DuckDBPyConnection, username: str, password: str, by: str = "cli"
) -> None:
    check_password(password)
    password_hash = _hasher.hash(password)
    with transaction(conn) as tx:
        name = _existing(tx, username)
        tx.execute("UPDATE users SET password_hash = ? WHERE username = ?", [password_hash, name])
        _audit(tx, datetime.now(), by, "password_reset", name)


def set_roles(
    conn: duckdb.DuckDBPyConnection, username: str, roles: Iterable[str], by: str = "cli"
) -> User:
    roles = check_roles(roles)
    with transaction(conn) as tx:
        name = _existing(tx, username)
        tx.execute("UPDATE users SET roles = ? WHERE username = ?", [list(roles), name])
        _audit(tx, datetime.now(), by, "roles_changed", f"{name}: roles {', '.join(roles)}")
    return get_user(conn, name)


def _set_active(conn: duckdb.DuckDBPyConnection, username: str, active: bool, by: str) -> None:
    with transaction(conn) as tx:
        name = _existing(tx, username)
        tx.execute("UPDATE users SET active = ? WHERE username = ?", [active, name])
        action = "user_activated" if active else "user_deactivated"
        _audit(tx, datetime.now(), by, action, name)


def deactivate(conn: duckdb.DuckDBPyConnection, username: str, by: str = "cli") -> None:
    _set_active(conn, username, False, by)


def activate(conn: duckdb.DuckDBPyConnection, username: str, by: str = "cli") -> None:
    _set_active(conn, username, True, by)


# --- sign-in --------------------------------------------------------------------------------
@cache
def _dummy_hash() -> str:
    """Verified for unknown users so that they take as long as known ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def throttled_until(
    conn: duckdb.DuckDBPyConnection, username: str, now: datetime | None = None
) -> datetime | None:
    """When sign-in for ``username`` opens again, or None if it is open now.

    Read from audit_log so a restart does not reset it: MAX_FAILURES failures within
    THROTTLE_WINDOW close sign-in until THROTTLE_WINDOW after the last failure. Refused
    (throttled) attempts are not failures, so they do not extend the lock.
    """
    now = now or datetime.now()
    name = normalise_username(username)[:64]
    failed = """SELECT {what} FROM audit_log
        WHERE action = 'sign_in_failed' AND "user" = ? AND "at" > ? AND "at" <= ?"""
    last = db.first(
        conn.execute(failed.format(what='max("at")'), [name, now - THROTTLE_WINDOW, now])
    )[0]
    if last is None:
        return None
    (failures,) = db.first(
        conn.execute(failed.format(what="count(*)"), [name, last - THROTTLE_WINDOW, last])
    )
    return last + THROTTLE_WINDOW if failures >= MAX_FAILURES else None


def authenticate(
    conn: duckdb.DuckDBPyConnection, username: str, password: str, now: datetime | None = None
) -> User | None:
    """The active user whose password this is, else None; every attempt is audited."""
    now = now or datetime.now()
    # Logged under the name as typed (bounded): failures for unknown names throttle too.
    name = normalise_username(username)[:64]
    with transaction(conn) as tx:
        if throttled_until(tx, name, now) is not None:
            _audit(tx, now, name, "sign_in_throttled", "too many failed attempts")
            return None
        row = db.first(
            tx.execute(
                "SELECT username, display_name, roles, active, password_hash FROM users "
                "WHERE username = ?",
                [name],
            )
        )
        stored = row[4] if row and row[4] else None
        ok = _verify(stored or _dummy_hash(), password or "") and stored is not None
        if not ok or not row[3]:
            reason = "unknown user" if row is None else "inactive" if ok else "wrong password"
            _audit(tx, now, name, "sign_in_failed", reason)
            return None
        if _hasher.check_needs_rehash(stored):
            tx.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                [_hasher.hash(password), name],
            )
        _audit(tx, now, name, "sign_in", "")
        return _row_to_user(row[:4])


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
