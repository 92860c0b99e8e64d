"""Fixtures for browser tests: a live uvicorn server on the test database, and Chromium driven by Playwright.

Chromium is Debian's (/usr/bin/chromium; `make test` installs it), not Playwright's own download. A failing
test leaves a full-page screenshot in test-artifacts/<test name>.png.
"""

import re
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = "test-artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (item.rep_setup, rep_call, rep_teardown) for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the live server ---------------------------------------------------------------------------------------


class LiveServer:
    """uvicorn serving the site's ASGI application (HTTP, WebSockets, static files) in a background thread."""

    def __init__(self) -> None:
        import uvicorn

        from roofline.web.asgi import application

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        host, port = self.socket.getsockname()
        self.url = f"http://{host}:{port}"
        # Static files straight from the finders (no collectstatic), as Django's own live server does.
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),
            lifespan="off",
            ws="websockets-sansio",
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                raise RuntimeError("the live server stopped while starting")
            if self.server.started:
                try:
                    with urllib.request.urlopen(f"{self.url}/static/roofline/css/site.css", timeout=2) as r:  # noqa: S310
                        if r.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the live server at {self.url} did not answer within {timeout} s")

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="module")
def _live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_url(_live_server: LiveServer, transactional_db) -> str:
    """The live server's base URL (http://127.0.0.1:<port>). The test database is committed to, not rolled
    back, so the server's threads see what a test writes; it is emptied after each test."""
    return _live_server.url


@pytest.fixture(scope="module")
def _served_site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """A real `roofline serve` process (uvicorn, in-process channel layer, as `make run` starts it) on the test
    database, with the test run's secret key so the sessions tests make are valid there; plain HTTP, so cookies
    are not marked Secure. Its base URL."""
    from django.conf import settings
    from django.db import connection

    from tests.conftest import roofline_env
    from tests.served import ROOFLINE, serving

    home = tmp_path_factory.mktemp("served")
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    env = roofline_env(home, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY=settings.SECRET_KEY,
                       ROOFLINE_SECURE_COOKIES="false")  # fmt: skip
    subprocess.run([*ROOFLINE, "manage", "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=180)
    with serving(env, home / "serve.log") as url:
        yield url


@pytest.fixture
def served_url(_served_site: str, transactional_db) -> str:
    """The base URL of a real server process on the test database (committed to, emptied after each test)."""
    return _served_site


# --- the browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in the main thread, which Django's async-safety check
    takes for async code; the ORM calls the tests make there are really synchronous. Set for these tests only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed):
    """Debian's Chromium, headless, shared by the tests of one module (started and stopped per module so no
    event loop is left running in the main thread for the rest of the test session)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; `make test` does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, request):
    """A fresh browser context (cookies, storage) per test, in the light colour scheme unless a test says."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A page in a fresh context; if the test fails, a full-page screenshot goes to test-artifacts/."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        directory = Path(request.config.rootpath) / ARTIFACTS
        directory.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 - a missing screenshot must not hide the test's own failure
            print(f"could not save a screenshot: {error}")


def collect_errors(page) -> list[str]:
    """The list the page's errors go to from its first navigation on: console errors (failed loads and CSP refusals
    included), uncaught exceptions, and securitypolicyviolation events."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.expose_function("__reportCspViolation", lambda text: errors.append(f"CSP: {text}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        "  window.__reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));"
        "});"
    )
    return errors


@pytest.fixture
def console_errors(page) -> list[str]:
    """Errors the page reports (collect_errors)."""
    return collect_errors(page)


@pytest.fixture
def sign_in(context, live_url):
    """Sign `user` in to the browser: a session made by Django's test client, its cookie copied over."""
    from django.conf import settings
    from django.test import Client

    def sign_in(user) -> None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}])

    return sign_in



def close_contexts(request, contexts) -> None:
    """Close a test's extra browser contexts [(name, context, page)], saving each page's screenshot to
    test-artifacts/<test>-<name>.png when the test failed."""
    report = getattr(request.node, "rep_call", None)
    for name, context, page in contexts:
        if report is not None and report.failed:
            directory = Path(request.config.rootpath) / "test-artifacts"
            directory.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(directory / f"{request.node.name}-{name}.png"), full_page=True)
            except Exception as error:  # noqa: BLE001 - a missing screenshot must not hide the test's own failure
                print(f"could not save a screenshot: {error}")
        context.close()
