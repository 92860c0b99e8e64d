"""Signing in with GitHub, end to end through allauth's real views against a local stand-in for GitHub.

The stand-in answers the endpoints allauth's GitHub adapter calls (settings put its address in GITHUB_URL):
the token exchange (a form POST), the user and the user's e-mail addresses. Tests drive the browser side
with Django's test client, CSRF checks on, exactly as a browser would: sign-in page, POST to start, follow the
redirect to GitHub's authorize URL, and come back to the callback with a code and the state."""

import copy
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from tests.github_standin import ACCESS_TOKEN, GITHUB_URL, OCTOCAT  # the `github` fixture: tests/conftest.py

CALLBACK_PATH = "/accounts/github/login/callback/"


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def start_github_sign_in(browser: Client) -> dict[str, str]:
    """Open the sign-in page, press "Sign in with GitHub", and return the authorize URL's query parameters."""
    page = browser.get("/accounts/login/")
    assert page.status_code == 200
    form = re.search(r'<form method="post" action="/accounts/github/login/">(.*?)</form>', page.content.decode(), re.S)
    assert form, "the sign-in page has no GitHub sign-in form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)

    response = browser.post("/accounts/github/login/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{GITHUB_URL}/login/oauth/authorize"
    return dict(parse_qsl(authorize.query))


def assert_nobody_signed_in(browser: Client) -> None:
    assert "_auth_user_id" not in browser.session
    assert not get_user_model().objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_starting_github_sign_in_sends_the_browser_to_github_with_our_client_id_callback_and_a_state(github, browser):
    query = start_github_sign_in(browser)

    assert query["client_id"] == "test-client-id"
    assert query["redirect_uri"] == f"http://testserver{CALLBACK_PATH}"
    assert query["response_type"] == "code"
    assert set(query["scope"].split()) == {"read:user", "user:email"}
    assert len(query["state"]) >= 8
    assert github.token_requests == [], "nothing is exchanged before GitHub sends the member back"


@pytest.mark.django_db
def test_a_good_github_sign_in_creates_the_member_signs_them_in_and_shows_their_github_identity(github, browser):
    query = start_github_sign_in(browser)

    response = browser.get(CALLBACK_PATH, {"code": "good-code", "state": query["state"]})

    assert response.status_code == 302
    assert response["Location"] == "/"
    account = SocialAccount.objects.get(provider="github")
    assert account.uid == str(OCTOCAT["id"])
    member = account.user
    assert member.username == "octocat"
    assert browser.session["_auth_user_id"] == str(member.pk)
    assert get_user_model().objects.count() == 1

    # The stand-in was asked for the right code by the right app, and then with the token it handed out.
    assert github.token_requests == [
        {
            "client_id": "test-client-id",
            "client_secret": "test-client-secret",
            "code": "good-code",
            "grant_type": "authorization_code",
            "redirect_uri": f"http://testserver{CALLBACK_PATH}",
        }
    ]
    assert ("/api/v3/user", f"token {ACCESS_TOKEN}") in github.api_requests

    profile = browser.get(f"/members/{member.username}/")
    assert profile.status_code == 200
    html = profile.content.decode()
    assert "@octocat" in html
    assert 'href="https://github.com/octocat"' in html
    assert "The Octocat" in html
    assert f'src="{OCTOCAT["avatar_url"]}"' in html


@pytest.mark.django_db
def test_a_second_github_sign_in_signs_the_same_member_in_again_without_creating_another(github, browser):
    browser.get(CALLBACK_PATH, {"code": "first", "state": start_github_sign_in(browser)["state"]})
    first = SocialAccount.objects.get().user
    browser.post("/accounts/logout/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert "_auth_user_id" not in browser.session

    browser.get(CALLBACK_PATH, {"code": "second", "state": start_github_sign_in(browser)["state"]})

    assert browser.session["_auth_user_id"] == str(first.pk)
    assert get_user_model().objects.count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.mark.django_db
def test_a_callback_with_a_wrong_state_is_refused_on_a_clear_error_page_without_asking_github(github, browser):
    start_github_sign_in(browser)

    response = browser.get(CALLBACK_PATH, {"code": "good-code", "state": "forged-state"})

    assert response.status_code == 401
    html = response.content.decode()
    assert "GitHub sign-in failed" in html
    assert "you are not signed in" in html
    assert github.token_requests == [], "a forged state must not get a code exchanged"
    assert_nobody_signed_in(browser)


@pytest.mark.django_db
def test_a_callback_without_a_started_sign_in_is_refused_on_a_clear_error_page(github, browser):
    response = browser.get(CALLBACK_PATH, {"code": "good-code", "state": "never-issued"})

    assert response.status_code == 401
    assert "GitHub sign-in failed" in response.content.decode()
    assert github.token_requests == []
    assert_nobody_signed_in(browser)


@pytest.mark.django_db
def test_denied_consent_ends_on_a_page_saying_github_did_not_grant_access(github, browser):
    query = start_github_sign_in(browser)

    response = browser.get(
        CALLBACK_PATH,
        {
            "error": "access_denied",
            "error_description": "The user has denied your application access.",
            "state": query["state"],
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/3rdparty/login/cancelled/"
    assert response.status_code == 200
    html = response.content.decode()
    assert "GitHub sign-in cancelled" in html
    assert "GitHub did not grant access, so you are not signed in." in html
    assert github.token_requests == []
    assert_nobody_signed_in(browser)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"token_body": {"error": "bad_verification_code"}}, id="token-refused"),
        pytest.param({"token_status": 500, "token_body": {"message": "Internal Server Error"}}, id="token-http-500"),
        pytest.param({"user_status": 500}, id="user-api-http-500"),
    ],
)
@pytest.mark.django_db
def test_an_error_from_github_ends_on_a_clear_error_page_and_signs_nobody_in(github, browser, failure):
    for name, value in failure.items():
        setattr(github, name, value)
    query = start_github_sign_in(browser)

    response = browser.get(CALLBACK_PATH, {"code": "stale-code", "state": query["state"]})

    assert response.status_code == 401
    html = response.content.decode()
    assert "GitHub sign-in failed" in html
    assert "We could not confirm your GitHub identity, so you are not signed in." in html
    assert "GitHub returned an error" in html
    assert len(github.token_requests) == 1
    assert_nobody_signed_in(browser)


@pytest.fixture
def no_github_app(settings):
    """The server as deployed without GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET: no GitHub app."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["github"]["APPS"] = []
    settings.SOCIALACCOUNT_PROVIDERS = providers


@pytest.mark.django_db
def test_without_a_github_app_the_sign_in_page_says_sign_in_is_not_configured(no_github_app, browser):
    response = browser.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-in is not configured" in html
    assert "GITHUB_CLIENT_ID" in html
    assert "/accounts/github/login/" not in html
    assert "Sign in with GitHub" not in html


@pytest.mark.django_db
def test_without_a_github_app_the_github_sign_in_urls_say_sign_in_is_not_configured_instead_of_failing(
    no_github_app, browser
):
    browser.get("/accounts/login/")
    started = browser.post("/accounts/github/login/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    came_back = browser.get(CALLBACK_PATH, {"code": "good-code", "state": "issued-before-the-app-was-removed"})

    for response in (started, came_back):
        assert response.status_code == 503
        assert "Sign-in is not configured" in response.content.decode()
    assert_nobody_signed_in(browser)
