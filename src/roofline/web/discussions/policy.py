"""Every permission rule of Discussions, in one place. Views and the API ask these and nothing else.

Members write their own posts; staff moderate everything. New members (younger than NEW_MEMBER_DAYS or with
fewer than NEW_MEMBER_POSTS posts — Discourse's trust level 0) get tighter limits on links, mentions and
posts per day.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from roofline.web.discussions.models import Category, Post, Thread

LINK = re.compile(r"https?://", re.IGNORECASE)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")


class PolicyError(PermissionError):
    """An action the rules forbid; the message says which rule."""


class InvalidPost(PolicyError):
    """A post the rules would allow but whose content is not acceptable (empty, too long)."""


class RateLimited(PolicyError):
    """Too many posts in a period; the message says when posting opens again."""


def _limits() -> dict:
    return settings.ROOFLINE_DISCUSSION_LIMITS


def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_thread(user, thread: Thread) -> bool:
    return not thread.hidden or is_staff(user)


def can_start_thread(user, category: Category) -> bool:
    return user.is_authenticated and (not category.staff_only or is_staff(user))


def can_reply(user, thread: Thread) -> bool:
    return user.is_authenticated and can_view_thread(user, thread) and (not thread.locked or is_staff(user))


def can_edit(user, post: Post) -> bool:
    if not user.is_authenticated or post.is_deleted and not is_staff(user):
        return False
    if is_staff(user):
        return True
    return post.author_id == user.pk and not post.thread.locked


def can_delete(user, post: Post) -> bool:
    return user.is_authenticated and not post.is_deleted and (is_staff(user) or post.author_id == user.pk)


def can_accept(user, thread: Thread) -> bool:
    return user.is_authenticated and thread.category.answerable and (is_staff(user) or thread.author_id == user.pk)


def can_vote(user, post: Post) -> bool:
    """Votes are reactions: allowed on locked threads too, never on your own post or a deleted one."""
    return user.is_authenticated and not post.is_deleted and post.author_id != user.pk


def can_moderate(user) -> bool:
    return is_staff(user)


def can_see_deleted_text(user) -> bool:
    return is_staff(user)


def is_new_member(user) -> bool:
    limits = _limits()
    young = user.date_joined > timezone.now() - timedelta(days=limits["new_member_days"])
    return young or Post.objects.filter(author=user).count() < limits["new_member_posts"]


def check_can_post(user, body: str) -> None:
    """Raise RateLimited or PolicyError when `user` may not post `body` now."""
    if is_staff(user):
        return
    limits = _limits()
    now = timezone.now()
    recent = Post.objects.filter(author=user, created_at__gte=now - timedelta(seconds=limits["window_seconds"]))
    if recent.count() >= limits["posts_per_window"]:
        raise RateLimited(
            f"You can post {limits['posts_per_window']} times per {limits['window_seconds']} s; wait a little."
        )
    if not is_new_member(user):
        return
    today = Post.objects.filter(author=user, created_at__gte=now - timedelta(days=1)).count()
    if today >= limits["new_member_posts_per_day"]:
        raise RateLimited(f"New members can post {limits['new_member_posts_per_day']} times a day; try tomorrow.")
    if len(LINK.findall(body)) > limits["new_member_links"]:
        raise PolicyError(f"New members can include at most {limits['new_member_links']} links per post.")
    if len(set(MENTION.findall(body))) > limits["new_member_mentions"]:
        raise PolicyError(f"New members can mention at most {limits['new_member_mentions']} people per post.")
