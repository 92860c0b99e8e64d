"""A member's public identity: their GitHub login, name and avatar when they signed in with GitHub."""

from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount


@dataclass(frozen=True)
class Identity:
    username: str
    name: str
    github_login: str | None
    github_url: str | None
    avatar_url: str | None


def identity_of(user) -> Identity:
    account = SocialAccount.objects.filter(user=user, provider="github").first()
    data = account.extra_data if account else {}
    login = data.get("login")
    return Identity(
        username=user.get_username(),
        name=data.get("name") or user.get_full_name() or user.get_username(),
        github_login=login,
        github_url=data.get("html_url") or (f"https://github.com/{login}" if login else None),
        avatar_url=data.get("avatar_url"),
    )
