"""`create_local_member`: local (non-GitHub) members for development and tests, refused when local accounts are off."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_create_local_member_creates_an_active_non_staff_member_without_a_password_by_default(monkeypatch, capsys):
    monkeypatch.delenv("ROOFLINE_MEMBER_PASSWORD", raising=False)

    call_command("create_local_member", "lin", "--name", "Lin Local")

    member = get_user_model().objects.get(username="lin")
    assert member.is_active
    assert not member.is_staff
    assert not member.is_superuser
    assert member.first_name == "Lin Local"
    assert not member.has_usable_password()
    assert "Created local member 'lin' without a password" in capsys.readouterr().out


def test_create_local_member_with_staff_and_a_password_makes_a_staff_member_who_can_sign_in(monkeypatch, capsys):
    monkeypatch.setenv("ROOFLINE_MEMBER_PASSWORD", "a long local password")

    call_command("create_local_member", "lin", "--staff")

    member = get_user_model().objects.get(username="lin")
    assert member.is_staff
    assert not member.is_superuser
    assert member.has_usable_password()
    assert member.check_password("a long local password")
    assert "with the password from ROOFLINE_MEMBER_PASSWORD" in capsys.readouterr().out

    # The password works through the real sign-in form, CSRF checks on.
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "login": "lin", "password": "a long local password"}
    )
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(member.pk)


def test_create_local_member_is_refused_with_a_clear_error_when_local_accounts_are_off(settings, monkeypatch):
    settings.ROOFLINE_LOCAL_ACCOUNTS = False
    monkeypatch.setenv("ROOFLINE_MEMBER_PASSWORD", "a long local password")

    with pytest.raises(CommandError, match=r"Local accounts are off.*ROOFLINE_LOCAL_ACCOUNTS=1"):
        call_command("create_local_member", "lin", "--staff")

    assert not get_user_model().objects.exists()


def test_create_local_member_refuses_a_name_that_is_taken_and_leaves_that_member_alone(member, monkeypatch):
    monkeypatch.setenv("ROOFLINE_MEMBER_PASSWORD", "another long password")

    with pytest.raises(CommandError, match="A member called 'ada' already exists"):
        call_command("create_local_member", member.username, "--staff")

    assert get_user_model().objects.count() == 1
    member.refresh_from_db()
    assert not member.is_staff
    assert member.check_password("correct horse battery")
