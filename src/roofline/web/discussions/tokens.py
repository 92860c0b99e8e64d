"""Members' API tokens: shown once at creation, stored only as a SHA-256 digest."""

import hashlib
import secrets

from django.utils import timezone

from roofline.web.discussions.models import ApiToken

PREFIX = "rfl_"


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(member, name: str) -> tuple[ApiToken, str]:
    """A new token for `member`; the plain token is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        member=member, name=name[:60] or "token", digest=digest_of(token), prefix=token[:8]
    )
    return record, token


def member_for_token(token: str):
    """The active member a token belongs to, or None; records when it was last used."""
    record = ApiToken.objects.select_related("member").filter(digest=digest_of(token)).first()
    if record is None or not record.member.is_active:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.member
