"""Every page carries the security headers; cookies are Secure unless DEBUG."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_send_csp_framing_sniffing_and_referrer_headers():
    response = Client().get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_secure_and_http_only_where_they_should_be(settings, member):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    response = client.post("/accounts/login/", {"login": "ada", "password": "correct horse battery"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    page = client.get("/")
    assert page.cookies["csrftoken"]["secure"]


def test_forms_may_post_only_here_and_to_the_configured_github_sign_in():
    from roofline.web.security import content_security_policy

    assert "form-action 'self' https://github.com;" in content_security_policy()
    ghes = content_security_policy("https://github.example.com:8443/")  # GitHub Enterprise Server (or a stand-in)
    assert "form-action 'self' https://github.example.com:8443;" in ghes
