"""What the browser tests share: a real `streamlit run` server, Debian's Chromium, signing in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import PASSWORD, ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(warehouse: Path) -> Iterator[str]:
    """A Streamlit server on ``warehouse``, yielding its base URL."""
    port = free_port()
    env = {**os.environ, "SAPAT_DB": str(warehouse)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    SHOTS.mkdir(exist_ok=True)
    log = SHOTS / f"server-{port}.log"  # read it when a browser test fails
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + log.read_text()[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def sign_in(page, url: str, user: str = "viewer") -> None:
    """Open ``url``, which shows the sign-in form, and sign in; the page asked for follows."""
    page.goto(url, wait_until="domcontentloaded")
    fields = page.get_by_test_id("stTextInput").locator("input")
    fields.first.wait_for()
    fields.nth(0).fill(user)
    fields.nth(1).fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").locator("button").click()
    page.get_by_test_id("stSidebarNav").wait_for()
    idle(page)


def idle(page) -> None:
    """Wait for the page's script run to end (Streamlit's own mark, as its tests read it):
    what a test reads next is then the whole page, not its first half on a busy machine."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def open_tab(page, name: str) -> None:
    """Click the tab ``name`` and wait for the rerun it starts to end: a lazy tab
    (web.lazy_tabs) is drawn only then, and a widget found before it would be replaced."""
    page.get_by_role("tab", name=name).click()
    page.wait_for_function(
        """(name) => [...document.querySelectorAll('[role="tab"]')].some(
            (t) => t.textContent.trim() === name && t.getAttribute('aria-selected') === 'true')""",
        arg=name,
    )
    page.wait_for_timeout(300)  # the rerun starts
    idle(page)


def metric(page, label: str) -> str:
    """The value of the headline card whose label is ``label``."""
    name = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    card = page.get_by_test_id("stMetric").filter(has=name).first
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def go(page, title: str) -> None:
    """Follow the sidebar link named ``title``, clicking again if a busy rerun swallowed it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    path = (link.get_attribute("href") or "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    if link.get_attribute("aria-current") == "page":
        return  # already there: clicking again would only rerun the page
    for _ in range(5):
        link.click()
        try:
            page.wait_for_url(
                lambda url: url.split("?")[0].rstrip("/").endswith(path), timeout=15_000
            )
            idle(page)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the link {title!r} did not open its page")


def choose(page, widget, option_name: str) -> None:
    """Pick ``option_name`` in a select widget, reopening its list until the option shows.

    On a busy machine a click can land while the widget is still being redrawn.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    widget.wait_for()
    option = page.get_by_role("option", name=option_name)
    for _ in range(5):
        widget.get_by_role("combobox").click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
