"""A small OpenID Connect provider on 127.0.0.1 for the single-sign-on tests.

It speaks just enough of the authorisation code flow for Streamlit's ``st.login`` (through
Authlib) to sign a browser in, and checks the client the way a real provider does:

* ``/.well-known/openid-configuration``: the discovery document, advertising S256 PKCE;
* ``/authorize``: a sign-in form where the browser types an e-mail address (any address
  is accepted: the test decides who it is), then a redirect back with a one-time code;
* ``/token``: the code for tokens, after checking the client secret, the redirect URI and
  the PKCE verifier; the ID token is signed with RS256 by a key generated per provider;
* ``/jwks``: the public half of that key;
* ``/logout``: the end-session endpoint, which returns to ``post_logout_redirect_uri``.

``forge`` makes the token endpoint hand out a bad ID token, for the tests that check the
app refuses one: ``"other_key"`` signs it with a key the JWKS does not hold (under the
same ``kid``), ``"altered"`` swaps the address in a genuinely signed token's payload.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

Forgery = Literal["other_key", "altered"] | None


@dataclass
class Event:
    """One request the provider answered, kept for the tests' assertions."""

    endpoint: str
    params: dict[str, str]


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    challenge_method: str | None
    email: str = ""


@dataclass
class Provider:
    """The provider's state; ``serve_provider`` runs it on a free port of 127.0.0.1."""

    client_id: str
    client_secret: str
    names: dict[str, str] = field(default_factory=dict)  # e-mail → display name
    url: str = ""
    forge: Forgery = None
    events: list[Event] = field(default_factory=list)
    key: RSAKey = field(init=False)
    other_key: RSAKey = field(init=False)
    _pending: dict[str, _Grant] = field(default_factory=dict)  # form transaction → grant
    _codes: dict[str, _Grant] = field(default_factory=dict)  # one-time code → grant
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        params = {"kid": "sapat-test", "use": "sig", "alg": "RS256"}
        self.key = RSAKey.generate_key(2048, parameters=params, private=True)
        # Same kid, so the client cannot tell by the header that this is not the JWKS key.
        self.other_key = RSAKey.generate_key(2048, parameters=params, private=True)

    def seen(self, endpoint: str) -> list[dict[str, str]]:
        """The parameters of every request to ``endpoint`` so far."""
        with self._lock:
            return [e.params for e in self.events if e.endpoint == endpoint]

    def _log(self, endpoint: str, params: dict[str, str]) -> None:
        with self._lock:
            self.events.append(Event(endpoint, params))

    # --- documents ---------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:24],
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 3600,
            "auth_time": now,
            "email": grant.email,
            "email_verified": True,
            "name": self.names.get(grant.email, grant.email.split("@")[0]),
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        header = {"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}
        if self.forge == "other_key":
            return jwt.encode(header, claims, self.other_key)
        token = jwt.encode(header, claims, self.key)
        if self.forge == "altered":
            # Someone who intercepted a token makes it say it is the administrator's.
            head, _, signature = token.split(".")
            forged = dict(claims, email="it.admin@" + grant.email.split("@")[1])
            body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
            return f"{head}.{body}.{signature}"
        return token

    # --- the flow ------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """The sign-in form for a valid authorisation request."""
        self._log("authorize", params)
        if params.get("response_type") != "code" or params.get("client_id") != self.client_id:
            return 400, {}, "unsupported request"
        if "openid" not in params.get("scope", "").split() or not params.get("redirect_uri"):
            return 400, {}, "not an OpenID request"
        transaction = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[transaction] = _Grant(
                params["client_id"],
                params["redirect_uri"],
                params.get("nonce"),
                params.get("code_challenge"),
                params.get("code_challenge_method"),
            )
        state = html.escape(params.get("state", ""))
        page = f"""<!doctype html><html><head><title>Test provider</title></head><body>
<h1>Test provider: sign in</h1>
<form method="post" action="/authorize">
<input type="hidden" name="transaction" value="{transaction}">
<input type="hidden" name="state" value="{state}">
<label>E-mail <input type="email" name="email" id="email" required></label>
<button type="submit" id="approve">Continue</button>
</form></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page

    def approve(self, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """The form's answer: back to the client with a one-time code."""
        self._log("approve", form)
        with self._lock:
            grant = self._pending.pop(form.get("transaction", ""), None)
            if grant is None or not form.get("email"):
                return 400, {}, "unknown transaction"
            grant.email = form["email"].strip().lower()
            code = secrets.token_urlsafe(24)
            self._codes[code] = grant
        query = urlencode({"code": code, "state": form.get("state", "")})
        return 302, {"Location": f"{grant.redirect_uri}?{query}"}, ""

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, str], str]:
        """Tokens for a code, to the client that asked for it, with its PKCE verifier."""
        self._log("token", {k: v for k, v in form.items() if k != "client_secret"})
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return _json(401, {"error": "invalid_client"})
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("grant_type") != "authorization_code":
            return _json(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant.redirect_uri or client_id != grant.client_id:
            return _json(400, {"error": "invalid_grant"})
        if grant.challenge:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if grant.challenge_method != "S256" or digest.decode() != grant.challenge:
                return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        return _json(
            200,
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": "openid email profile",
                "id_token": self.id_token(grant),
            },
        )

    def logout(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        self._log("logout", params)
        target = params.get("post_logout_redirect_uri")
        if target:
            return 302, {"Location": target}, ""
        return 200, {"Content-Type": "text/plain"}, "signed out"


def _json(status: int, body: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    return (
        status,
        {"Content-Type": "application/json", "Cache-Control": "no-store"},
        json.dumps(body),
    )


def _flat(query: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, answer: tuple[int, dict[str, str], str]) -> None:
            status, headers, body = answer
            data = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = _flat(parts.query)
            if parts.path == "/.well-known/openid-configuration":
                self._send(_json(200, provider.discovery()))
            elif parts.path == "/jwks":
                self._send(_json(200, provider.jwks()))
            elif parts.path == "/authorize":
                self._send(provider.authorize(params))
            elif parts.path == "/logout":
                self._send(provider.logout(params))
            else:
                self._send((404, {}, "not found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = _flat(self.rfile.read(length).decode())
            path = urlsplit(self.path).path
            if path == "/authorize":
                self._send(provider.approve(form))
            elif path == "/token":
                self._send(provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._send((404, {}, "not found"))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # the events list is the record; stderr stays quiet

    return Handler


@contextmanager
def serve_provider(provider: Provider) -> Iterator[Provider]:
    """Run ``provider`` in a thread on a free port of 127.0.0.1 until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
