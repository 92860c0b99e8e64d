"""Fixtures shared by every test: members, signed-in clients with CSRF checks on."""

import os

import pytest
from django.test import Client

from roofline.kernels import enable_triton_interpreter_without_gpu

enable_triton_interpreter_without_gpu()  # as the worker does: the kernel tests then pass in any order

# fixtures: `github` (a stand-in for GitHub), `postgres_url`, `redis_url` (skipped where the service is absent)
pytest_plugins = ["tests.github_standin", "tests.postgres", "tests.redis_service"]

SCALE_OUT_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}


def roofline_env(home, **extra: str) -> dict[str, str]:
    """The environment for a `roofline` process of its own: real settings, data in `home`, nothing inherited
    from the test run's configuration except what `extra` sets."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ROOFLINE_") and k not in SCALE_OUT_VARIABLES}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "roofline.web.settings", "ROOFLINE_HOME": str(home), **extra}


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="ada", password="correct horse battery")


@pytest.fixture
def other_member(django_user_model):
    return django_user_model.objects.create_user(username="grace", password="correct horse battery")


@pytest.fixture
def member_client(member) -> Client:
    """A signed-in client that, like a browser, must send the CSRF token on every unsafe request."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def csrf_token_of(client: Client) -> str:
    """Fetch a page with a form (sign-out when signed in, sign-in otherwise) to get the CSRF cookie set, and
    return the token a form or fetch() would send."""
    for page in ("/", "/accounts/login/"):
        client.get(page)
        if "csrftoken" in client.cookies:
            return client.cookies["csrftoken"].value
    raise AssertionError("no page set a CSRF cookie")
