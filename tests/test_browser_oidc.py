"""Single sign-on end to end: st.login against a local OpenID provider, in Chromium.

One Streamlit server per module runs with a temporary secrets file whose [auth] section
points at tests/oidc_provider.py on 127.0.0.1, and a fresh warehouse. Each test signs a
new browser context in through the provider's real pages: discovery, authorisation code
with PKCE, token, JWKS and an RS256 ID token (or a forged one), then end-session.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pytest

from sapat.i18n import catalog
from tests.browser_kit import CHROMIUM, SHOTS, go, serve
from tests.conftest import ensure_accounts
from tests.oidc_provider import Provider, serve_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is installed by `make test`",
    ),
]

EN, RU = catalog("en"), catalog("ru")
CLIENT_ID = "sapat-dashboard"
DOMAIN = "uni.test"  # .test is reserved: no real address can collide with these
ADMIN = f"it.admin@{DOMAIN}"
PEOPLE = {f"aida@{DOMAIN}": "Aida Viewer", ADMIN: "Bakyt Admin", f"dean@{DOMAIN}": "Dean Ch."}
USER_COOKIE = "_streamlit_user"


def _secrets_toml(provider: Provider, client_secret: str) -> str:
    # {port} is Streamlit's placeholder for server.port, which serve() picks.
    return f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "{CLIENT_ID}"
client_secret = "{client_secret}"
server_metadata_url = "{provider.url}/.well-known/openid-configuration"

[sapat.oidc_roles]
"*@{DOMAIN}" = ["viewer"]
"{ADMIN}" = ["admin"]
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    client_secret = secrets.token_urlsafe(24)
    with serve_provider(Provider(CLIENT_ID, client_secret, names=PEOPLE)) as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server with single sign-on through ``provider``, on an empty warehouse."""
    folder = tmp_path_factory.mktemp("sso")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(_secrets_toml(provider, provider.client_secret), encoding="utf-8")
    warehouse = folder / "warehouse.duckdb"
    # Migrated, no data; the local test accounts too, as a real deployment has its first
    # administrator's (and the Administration page lists local accounts).
    ensure_accounts(warehouse)
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:
            # Read by `streamlit run` when serve() starts it; the repository's own
            # .streamlit/config.toml still applies, as the server runs in the repository.
            env.setenv("STREAMLIT_SECRETS_FILES", str(secrets_file))
            env.setenv("NO_PROXY", "127.0.0.1")  # the server calls the provider directly
            url = stack.enter_context(serve(warehouse))
        yield url


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module: Streamlit's scripts stay in its cache."""
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A fresh page with no cookies: every test is a new visitor (overrides conftest's)."""
    context.clear_cookies()
    page = context.new_page()
    page.set_default_timeout(90_000)  # a busy machine renders slowly
    yield page
    page.close()


def _server_log(url: str) -> str:
    return (SHOTS / f"server-{url.rsplit(':', 1)[1]}.log").read_text(errors="replace")


def _sso_button_name(texts: dict[str, str]) -> str:
    return texts["auth.sign_in_with"].format(provider=texts["auth.sso"])


def sso_sign_in(
    page, server: str, provider: Provider, email: str, lang: str = "en", *, open_app: bool = True
) -> None:
    """Click the single-sign-on button, sign in at the provider, come back to the app.

    ``open_app=False`` clicks the button of the sign-in page already shown.
    """
    if open_app:
        page.goto(f"{server}/?lang={lang}", wait_until="domcontentloaded")
    page.get_by_role("button", name=_sso_button_name(catalog(lang))).click()
    page.wait_for_url(f"{provider.url}/authorize?*")
    page.locator("#email").fill(email)
    page.locator("#approve").click()
    page.wait_for_url(lambda url: url.startswith(server) and "oauth2callback" not in url)


def _sign_in_form_shown(page, texts: dict[str, str] = EN) -> None:
    """Wait for the sign-in page; once its title is drawn the script chose it, not a user."""
    page.get_by_text(texts["auth.sign_in_title"], exact=True).wait_for()


def _auth_cookies(page) -> list[dict]:
    return [c for c in page.context.cookies() if c["name"].startswith(USER_COOKIE)]


def _nav_titles(page) -> list[str]:
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for()
    # A link reads "icon-name\n\nTitle": the Material icon is a ligature in the text.
    return [s.strip().split("\n")[-1] for s in nav.get_by_role("link").all_inner_texts()]


def test_a_viewer_address_signs_in_with_its_roles(sso_server, provider, page):
    """The domain's rule makes Aida a viewer: the dashboards, no Data, no Administration."""
    before = len(provider.seen("token"))
    sso_sign_in(page, sso_server, provider, "Aida@uni.test")
    titles = _nav_titles(page)
    assert EN["ui.nav_overview"] in titles and EN["ui.nav_rankings"] in titles
    assert EN["ui.nav_data"] not in titles and EN["ui.nav_admin"] not in titles
    signed_in = EN["auth.signed_in_as"].format(name="Aida Viewer", roles=EN["auth.role.viewer"])
    page.get_by_test_id("stSidebar").get_by_text(signed_in).wait_for()
    # Back in English, though the provider sent the browser to "/" without ?lang=en.
    page.get_by_text(EN["ui.overview_title"]).first.wait_for()
    body = page.inner_text("body")
    assert "Traceback" not in body and EN["auth.sign_in_title"] not in body
    # The flow was the real one: PKCE and a nonce asked for, the code redeemed once.
    authorize = provider.seen("authorize")[-1]
    assert authorize["code_challenge_method"] == "S256" and authorize["nonce"]
    assert authorize["redirect_uri"] == f"{sso_server}/oauth2callback"
    assert len(provider.seen("token")) == before + 1
    assert provider.seen("token")[-1]["code_verifier"]
    [cookie] = [c for c in _auth_cookies(page) if c["name"] == USER_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_an_admin_address_sees_administration_and_the_audit_log(sso_server, provider, page):
    """The address's own rule beats the domain's; SSO sign-ins and refusals are audited."""
    # Someone first picks an account Sapat does not know, then the right one.
    sso_sign_in(page, sso_server, provider, "someone@elsewhere.test")
    page.get_by_text(EN["auth.sso_no_role"]).wait_for()
    sso_sign_in(page, sso_server, provider, ADMIN, open_app=False)
    titles = _nav_titles(page)
    assert EN["ui.nav_data"] in titles and EN["ui.nav_admin"] in titles
    signed_in = EN["auth.signed_in_as"].format(name="Bakyt Admin", roles=EN["auth.role.admin"])
    page.get_by_test_id("stSidebar").get_by_text(signed_in).wait_for()
    go(page, EN["ui.nav_admin"])
    page.get_by_role("tab", name=EN["admin.tab_audit"]).click()
    with page.expect_download() as download:
        page.locator(".st-key-admin_audit_csv button").click()
    log = pd.read_csv(io.BytesIO(Path(download.value.path()).read_bytes()), encoding="utf-8-sig")
    columns = [EN["admin.col_user"], EN["admin.col_action"], EN["admin.col_detail"]]
    rows = list(log[columns].itertuples(index=False, name=None))
    # Reruns and page changes of one sign-in are one row, not one per click.
    assert rows.count((ADMIN, EN["admin.action_sign_in"], "single sign-on (default)")) == 1
    refused = "single sign-on (default): no role for this address"
    assert ("someone@elsewhere.test", EN["admin.action_sign_in_failed"], refused) in rows


def test_an_unmapped_address_gets_no_access_in_the_user_s_language(sso_server, provider, page):
    """Signed in at the provider, but no rule names the address: a message, no dashboard."""
    sso_sign_in(page, sso_server, provider, "visitor@gmail.test", lang="ru")
    page.get_by_text(RU["auth.sso_no_role"]).wait_for()
    _sign_in_form_shown(page, RU)
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0
    body = page.inner_text("body")
    assert RU["ui.overview_title"] not in body and "Traceback" not in body
    assert _auth_cookies(page)  # the provider did sign them in; Sapat is what refuses
    page.get_by_role("button", name=_sso_button_name(RU)).wait_for()  # another account
    page.screenshot(path=str(SHOTS / "sso_no_role_ru.png"))
    # The way out: sign out of the provider's account to pick another one.
    logouts = len(provider.seen("logout"))
    with page.expect_navigation():  # to the provider's end-session page and back
        page.get_by_role("button", name=RU["auth.sign_out"]).click()
    _sign_in_form_shown(page, RU)
    assert not _auth_cookies(page)
    assert len(provider.seen("logout")) == logouts + 1
    assert page.get_by_text(RU["auth.sso_no_role"]).count() == 0


def test_a_tampered_id_token_is_refused(sso_server, provider, page):
    """Signed by a key the JWKS does not hold, or its payload changed: nobody signs in."""
    for attempt, forgery in enumerate(("other_key", "altered")):
        before = len(provider.seen("token"))
        provider.forge = forgery
        try:
            # The second attempt starts from the sign-in page the first one ended on.
            sso_sign_in(page, sso_server, provider, f"aida@{DOMAIN}", open_app=attempt == 0)
            _sign_in_form_shown(page)
        finally:
            provider.forge = None
        assert len(provider.seen("token")) == before + 1, forgery  # refused at the token
        assert not _auth_cookies(page), forgery
        assert page.get_by_test_id("stSidebarNav").count() == 0
        body = page.inner_text("body")
        assert "Traceback" not in body and "Error" not in body
        assert EN["auth.sso_no_role"] not in body  # nobody is signed in to be refused a role
    # Refused for the signature (Authlib through joserfc), not for anything on the way.
    assert _server_log(sso_server).count("BadSignatureError") >= 2


def test_sign_out_ends_the_session_and_its_cookie(sso_server, provider, page):
    """After sign-out the app shows the form, and a copy of the old cookie is refused."""
    sso_sign_in(page, sso_server, provider, f"dean@{DOMAIN}")
    _nav_titles(page)
    stolen = _auth_cookies(page)
    assert stolen
    logouts = len(provider.seen("logout"))
    with page.expect_navigation():  # to the provider's end-session page and back
        page.get_by_test_id("stSidebar").get_by_role("button", name=EN["auth.sign_out"]).click()
    assert page.url.startswith(sso_server)
    _sign_in_form_shown(page)  # a fresh load of the app, so what a reload shows
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert not _auth_cookies(page)
    # The provider's session ended too (RP-initiated logout with the ID token as hint).
    [logout] = provider.seen("logout")[logouts:]
    assert logout["id_token_hint"] and logout["client_id"] == CLIENT_ID
    # Whoever kept a copy of the cookie: it is still validly signed, but Sapat knows the
    # address signed out after it was issued.
    page.context.add_cookies(stolen)
    page.reload(wait_until="domcontentloaded")
    _sign_in_form_shown(page)
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert EN["auth.sso_no_role"] not in page.inner_text("body")
    # Signing in again works: the revocation is of the old cookie, not of the address.
    sso_sign_in(page, sso_server, provider, f"dean@{DOMAIN}", open_app=False)
    assert EN["ui.nav_overview"] in _nav_titles(page)


def test_only_tables_with_a_provider_s_keys_are_providers(monkeypatch):
    """[auth] client_kwargs = {...} is an option of the one provider, not a second one."""
    from sapat import signin

    def with_auth(section: dict) -> list[str]:
        monkeypatch.setattr(signin, "secrets", lambda: {"auth": section})
        return signin.oidc_providers()

    common = {"redirect_uri": "x", "cookie_secret": "y"}
    flat = {"client_id": "a", "client_secret": "b", "server_metadata_url": "c"}
    assert with_auth({**common, **flat, "client_kwargs": {"prompt": "login"}}) == [""]
    assert with_auth({**common, "google": flat, "microsoft": flat}) == ["google", "microsoft"]
    assert with_auth(common) == []
    assert with_auth({}) == []
