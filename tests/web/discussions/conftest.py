"""Fixtures and helpers for the Discussions specification: members, staff, the seeded categories, clients that
must send the CSRF token like a browser, and short-hands for posting through the pages and the JSON API.

Posting limits are raised for every test here (a test of the limits sets its own), so a test that writes many
posts as one member is never refused by accident."""

import json

import pytest
from django.test import Client

from roofline.web.discussions import actions
from roofline.web.discussions.models import Category, Thread
from tests.conftest import csrf_token_of

API = "/api/discussions"
ROOMY = {
    "posts_per_window": 100_000,
    "window_seconds": 60,
    "new_member_days": 2,
    "new_member_posts": 3,
    "new_member_posts_per_day": 100_000,
    "new_member_links": 1_000,
    "new_member_mentions": 1_000,
}


@pytest.fixture(autouse=True)
def roomy_limits(settings):
    settings.ROOFLINE_DISCUSSION_LIMITS = dict(ROOMY)
    return settings.ROOFLINE_DISCUSSION_LIMITS


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="mod", password="correct horse battery", is_staff=True)


@pytest.fixture
def third_member(django_user_model):
    return django_user_model.objects.create_user(username="linus", password="correct horse battery")


@pytest.fixture
def qa(db) -> Category:
    return Category.objects.get(slug="q-and-a")


@pytest.fixture
def papers(db) -> Category:
    return Category.objects.get(slug="papers")


@pytest.fixture
def announcements(db) -> Category:
    return Category.objects.get(slug="announcements")


def signed_in(user) -> Client:
    """A browser-like client for `user`: CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page_post(client: Client, url: str, data: dict | None = None):
    """POST a form the way a browser does: with the CSRF token from the cookie."""
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": csrf_token_of(client)})


def api_post(client: Client, path: str, payload: dict | None = None, *, token: str | None = None, csrf: bool = False):
    """POST JSON to the Discussions API, with a Bearer token, or (csrf=True) the session's CSRF header."""
    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if csrf:
        headers["HTTP_X_CSRFTOKEN"] = csrf_token_of(client)
    body = json.dumps(payload if payload is not None else {})
    return client.post(API + path, body, content_type="application/json", **headers)


def thread_url(thread: Thread) -> str:
    thread.refresh_from_db()
    return thread.get_absolute_url()


def new_thread(author, category, title="How do I fuse attention kernels?", body="Opening question text.", labels=()):
    return actions.start_thread(author, category, title, body, list(labels))
