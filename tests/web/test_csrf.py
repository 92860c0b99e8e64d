"""POST without a CSRF token is refused everywhere: every URL pattern of the project, walked from the root URLconf,
answers a signed-in browser's token-less POST with 403 (or 405 from a view that checks CSRF itself and takes no
POST), and nothing is written. A POST with the token is accepted, so the walk is not refusing for another reason."""

import itertools
import json
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from tests.conftest import csrf_token_of

# Values tried, in order, for a path converter or a regex group: the first that fits is used.
SAMPLE_VALUES = ("sample", "1", "6f1c2a4e-8a0b-4c1e-9d2f-3b5a7c9e0d11", "sample-slug")
JOB_SUBMISSION = {"kind": "selfcheck", "request": {"steps": 1}}


def _sample_path(pattern) -> str:
    """The pattern's part of a URL, with each converter or named group filled by a value it accepts."""
    if isinstance(pattern, RoutePattern):

        def fill(match: re.Match) -> str:
            converter = pattern.converters[match["name"]]
            value = next(v for v in SAMPLE_VALUES if re.fullmatch(converter.regex, v))
            return converter.to_url(converter.to_python(value))

        return re.sub(r"<(?:[^>:]+:)?(?P<name>\w+)>", fill, str(pattern))
    if isinstance(pattern, RegexPattern):
        template, params = normalize(pattern.regex.pattern)[0]
        # A group such as (?P<app_label>auth|jobs) takes one of the words written in the regex itself.
        candidates = SAMPLE_VALUES + tuple(re.findall(r"\w+", pattern.regex.pattern))
        for values in itertools.product(candidates, repeat=len(params)):
            text = template % dict(zip(params, values, strict=True))
            if pattern.regex.fullmatch(text):
                return text
        raise AssertionError(f"no sample value fits the URL pattern {pattern}")
    raise AssertionError(f"the walk does not know how to fill a {type(pattern).__name__}: {pattern}")


def project_urls(resolver: URLResolver | None = None, prefix: str = "/") -> list[str]:
    """One URL for every pattern reachable from the root URLconf, includes (and their namespaces) included."""
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        url = prefix + _sample_path(entry.pattern)
        if isinstance(entry, URLResolver):
            urls += project_urls(entry, url)
        else:
            assert isinstance(entry, URLPattern)
            urls.append(url)
    return list(dict.fromkeys(urls))


PROJECT_URLS = project_urls()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def test_the_walk_covers_the_api_the_sign_in_and_sign_out_forms_pages_and_admin():
    for url in (
        "/",
        "/tools/vram/",
        "/jobs/6f1c2a4e-8a0b-4c1e-9d2f-3b5a7c9e0d11/",
        "/members/sample/",
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/github/login/",
        "/accounts/github/login/callback/",
        "/api/jobs/",
        "/api/jobs/sample",
        "/admin/login/",
        "/admin/jobs/job/add/",
        "/admin/auth/",
    ):
        assert url in PROJECT_URLS
    for url in PROJECT_URLS:
        resolve(url)  # every sample URL reaches a view, so a refusal below is not a 404 in disguise


@pytest.mark.parametrize("encoding", ["form", "json"])
@pytest.mark.parametrize("url", PROJECT_URLS)
@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_refused_and_writes_nothing(member_client, url, encoding):
    before = row_counts()

    if encoding == "form":
        response = member_client.post(url, {"kind": "selfcheck", "name": "csrf", "title": "csrf"})
    else:
        response = member_client.post(url, json.dumps(JOB_SUBMISSION), content_type="application/json")

    if getattr(resolve(url).func, "csrf_exempt", False):
        # The view checks CSRF itself (django-ninja with session auth); one that takes no POST may say so first.
        assert response.status_code in (403, 405), f"POST {url} without a CSRF token got {response.status_code}"
    else:
        assert response.status_code == 403, f"POST {url} without a CSRF token got {response.status_code}"
    if response.status_code == 403:
        assert b"CSRF" in response.content, f"POST {url} was refused, but not for its missing CSRF token"
    assert row_counts() == before, f"POST {url} without a CSRF token wrote to the database"


@pytest.mark.django_db
def test_submitting_a_job_through_the_api_without_a_csrf_token_is_refused_with_403(member_client):
    response = member_client.post("/api/jobs/", JOB_SUBMISSION, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}
    assert apps.get_model("jobs", "Job").objects.count() == 0


@pytest.mark.django_db
def test_submitting_a_job_through_the_api_with_the_csrf_token_is_accepted(member_client, member):
    token = csrf_token_of(member_client)

    response = member_client.post(
        "/api/jobs/", JOB_SUBMISSION, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "selfcheck"
    job = apps.get_model("jobs", "Job").objects.get()
    assert job.owner == member
