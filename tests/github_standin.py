"""A local stand-in for GitHub, for signing in with GitHub through allauth's real views in tests.

tests/settings.py points allauth's GitHub provider at a free local port (SOCIALACCOUNT_PROVIDERS["github"]
["GITHUB_URL"], web at that URL, API under /api/v3); the `github` fixture serves it for one test. It answers:

- GET /login/oauth/authorize (what a browser is sent to): GitHub's consent, granted at once as whoever `user`
  is at that moment: a redirect back to redirect_uri with a fresh code and the given state;
- POST /login/oauth/access_token (the server's code exchange): a token for the code (`token_status` and
  `token_body`, when set, answer instead);
- GET /api/v3/user and /api/v3/user/emails with that token: the identity the code was granted to.

A code the stand-in never issued (tests that skip the browser's leg make one up) stands for `user` as it is at
the exchange, with the token ACCESS_TOKEN.

tests/conftest.py registers this module as a plugin, so every test can ask for the `github` fixture.
"""

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings

GITHUB_URL = settings.SOCIALACCOUNT_PROVIDERS["github"]["GITHUB_URL"].rstrip("/")
ACCESS_TOKEN = "gho_standin_token"

OCTOCAT = {
    "id": 583231,
    "login": "octocat",
    "name": "The Octocat",
    "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
    "html_url": "https://github.com/octocat",
}
OCTOCAT_EMAILS = [{"email": "octocat@example.com", "primary": True, "verified": True, "visibility": "public"}]


def github_identity(uid: int, login: str, name: str, avatar_url: str | None = None) -> tuple[dict, list]:
    """A GitHub user (as /api/v3/user returns it) and its verified primary e-mail address."""
    user = {
        "id": uid,
        "login": login,
        "name": name,
        "avatar_url": avatar_url or f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "html_url": f"https://github.com/{login}",
    }
    emails = [{"email": f"{login}@example.com", "primary": True, "verified": True, "visibility": "public"}]
    return user, emails


@dataclass
class StandInGitHub:
    """What the stand-in answers, and what it was asked."""

    user: dict = field(default_factory=lambda: dict(OCTOCAT))
    emails: list = field(default_factory=lambda: list(OCTOCAT_EMAILS))
    token_status: int = 200
    token_body: dict | None = None  # None: {"access_token": <the code's token>, "token_type": "bearer"}
    user_status: int = 200
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    api_requests: list[tuple[str, str]] = field(default_factory=list)
    # code -> identity granted at authorize; token -> identity it reads.
    codes: dict[str, tuple[dict, list]] = field(default_factory=dict)
    tokens: dict[str, tuple[dict, list]] = field(default_factory=dict)

    def sign_in_as(self, user: dict, emails: list) -> None:
        """Whoever consents at the next authorize (the member at the browser)."""
        self.user, self.emails = user, emails


def _handler(state: StandInGitHub, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    serial = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def _json(self, status: int, body) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _authorize(self, query: dict[str, str]) -> None:
            state.authorize_requests.append(query)
            if "redirect_uri" not in query or "state" not in query:
                return self._json(400, {"message": "redirect_uri and state are required"})
            with lock:
                code = f"standin-code-{next(serial)}"
                state.codes[code] = (dict(state.user), list(state.emails))
            separator = "&" if urlsplit(query["redirect_uri"]).query else "?"
            self.send_response(302)
            back = urlencode({"code": code, "state": query["state"]})
            self.send_header("Location", query["redirect_uri"] + separator + back)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            if self.path != "/login/oauth/access_token":
                return self._json(404, {"message": "Not Found"})
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            state.token_requests.append(form)
            code = form.get("code", "")
            with lock:
                if code in state.codes:
                    token = f"gho_{code}"
                    state.tokens[token] = state.codes.pop(code)  # a code is good once
                else:
                    token = ACCESS_TOKEN
                    state.tokens[token] = (state.user, state.emails)
            body = state.token_body if state.token_body is not None else {"access_token": token, "token_type": "bearer"}
            self._json(state.token_status, body)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/login/oauth/authorize":
                return self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
            authorization = self.headers.get("Authorization", "")
            state.api_requests.append((url.path, authorization))
            identity = state.tokens.get(authorization.removeprefix("token "))
            if not authorization.startswith("token ") or identity is None:
                return self._json(401, {"message": "Requires authentication"})
            user, emails = identity
            if url.path == "/api/v3/user":
                return self._json(state.user_status, user if state.user_status == 200 else {"message": "boom"})
            if url.path == "/api/v3/user/emails":
                return self._json(200, emails)
            return self._json(404, {"message": "Not Found"})

    return Handler


@pytest.fixture
def github(monkeypatch):
    """Run the stand-in GitHub on GITHUB_URL's port for one test; yields its StandInGitHub."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # allauth uses requests, which honours proxy variables
    state = StandInGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", urlsplit(GITHUB_URL).port), _handler(state, threading.Lock()))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
