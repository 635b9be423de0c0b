"""Shared fixtures: a fresh DuckDB warehouse per test, real spreadsheet writers, the public data."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import duckdb
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT.parent / "shared" / "data" / "public"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sapat import db  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def conn(db_path: Path) -> Iterable[duckdb.DuckDBPyConnection]:
    """A fresh, migrated warehouse file for one test."""
    connection = db.connect(db_path)
    yield connection
    connection.close()


def xlsx_bytes(rows: list[list], *, title: str = "data", before: Iterable[list] = ()) -> bytes:
    """A real workbook written by openpyxl: optional title rows, then ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in before:
        sheet.append(row)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Accounts every test warehouse can have: one per kind of role.
PASSWORD = "sapat-test-password"
ACCOUNTS = {
    "admin": ("admin",),
    "viewer": ("viewer",),
    "editor": ("editor:rankings", "editor:mobility"),
}


def ensure_accounts(path: str | os.PathLike[str]) -> None:
    """Create the test accounts in the warehouse at ``path`` unless they are there."""
    from sapat import auth

    connection = db.connect(path)
    try:
        for name, roles in ACCOUNTS.items():
            if auth.get_user(connection, name) is None:
                auth.add_user(connection, name, PASSWORD, roles, display_name=name.title())
    finally:
        connection.close()


def app_test(user: str | None = "viewer", lang: str | None = None, timeout: int = 60):
    """An AppTest of app.py signed in as ``user`` (None: signed out), on $SAPAT_DB."""
    from streamlit.testing.v1 import AppTest

    if user is not None:
        ensure_accounts(db.resolve_db_path())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user is not None:
        at.session_state["user"] = user
    if lang:
        at.session_state["lang"] = lang
    return at


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, built once per test session through the real CLI code."""
    from pipelines.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    ensure_accounts(path)
    return path


@pytest.fixture
def env_db(monkeypatch: pytest.MonkeyPatch):
    """Point the app's path rule ($SAPAT_DB) at a given warehouse."""

    def use(path: Path) -> Path:
        monkeypatch.setenv("SAPAT_DB", str(path))
        return path

    yield use
    os.environ.pop("SAPAT_DB", None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that fails leaves a screenshot of its page in screenshots/."""
    outcome = yield
    page = getattr(item, "funcargs", {}).get("page")
    if outcome.get_result().failed and page is not None and hasattr(page, "screenshot"):
        (ROOT / "screenshots").mkdir(exist_ok=True)
        # The browser may be gone already; the failure itself is reported either way.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ROOT / "screenshots" / f"failed-{item.name}.png"))


# Browser tests: each test module gets its own server on its own copy of the demo warehouse
# (the server process holds the file's lock), and one Chromium.
@pytest.fixture(scope="module")
def warehouse(demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def server(warehouse):
    from tests.browser_kit import serve

    with serve(warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from tests.browser_kit import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh Chromium page (downloads allowed) that leaves a screenshot if its test fails."""
    page = browser.new_page(viewport={"width": 1366, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(90_000)  # a busy machine renders slowly
    yield page
    page.close()
