"""A member's public identity: their GitHub login, name and avatar when they signed in with GitHub."""

from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount
from django.urls import reverse


@dataclass(frozen=True)
class Identity:
    username: str
    name: str
    github_login: str | None
    github_url: str | None
    avatar_url: str | None
    profile_url: str  # the member's page on the site


def identity_of(user) -> Identity:
    account = SocialAccount.objects.filter(user=user, provider="github").first()
    return _identity(user, account.extra_data if account else {})


def identities_of(users) -> dict[int, Identity]:
    """Identities of many members in one query, keyed by user id (for pages that list many authors)."""
    users = {user.pk: user for user in users if user is not None}
    accounts = SocialAccount.objects.filter(user_id__in=users, provider="github")
    data = {account.user_id: account.extra_data for account in accounts}
    return {pk: _identity(user, data.get(pk, {})) for pk, user in users.items()}


def _identity(user, data: dict) -> Identity:
    login = data.get("login")
    return Identity(
        username=user.get_username(),
        name=data.get("name") or user.get_full_name() or user.get_username(),
        github_login=login,
        github_url=data.get("html_url") or (f"https://github.com/{login}" if login else None),
        avatar_url=data.get("avatar_url"),
        profile_url=reverse("accounts:profile", args=[user.get_username()]),
    )
