"""Every write in Discussions goes through here: each is one transaction that checks the policy, keeps the
revision history, updates counters, notifies, logs moderation, and keeps search in step."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from roofline.web.discussions import policy
from roofline.web.discussions.models import (
    Category,
    Label,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Thread,
    Vote,
)
from roofline.web.discussions.policy import InvalidPost, PolicyError
from roofline.web.discussions.search import sync_post, sync_thread

MAX_BODY = 100_000


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PolicyError(message)


def _clean_body(body: str) -> str:
    if not body.strip():
        raise InvalidPost("A post needs some text.")
    if len(body) > MAX_BODY:
        raise InvalidPost(f"A post can be at most {MAX_BODY:,} characters.")
    return body


def _notify(recipients, kind: str, post: Post, actor) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, post=post, actor=actor)
        for user in {r.pk: r for r in recipients if r is not None and r.pk != actor.pk}.values()
    )


def _mentioned(body: str):
    names = set(policy.MENTION.findall(body))
    return list(get_user_model().objects.filter(username__in=names)) if names else []


def _log(actor, action: str, thread: Thread | None = None, post: Post | None = None, **detail) -> None:
    ModerationAction.objects.create(actor=actor, action=action, thread=thread, post=post, detail=detail)


@transaction.atomic
def start_thread(author, category: Category, title: str, body: str, labels: list[Label] = ()) -> Thread:
    _require(policy.can_start_thread(author, category), f"Only staff can open threads in {category.name}.")
    title = title.strip()
    _require(bool(title), "A thread needs a title.")
    policy.check_can_post(author, _clean_body(body))
    thread = Thread.objects.create(title=title[:200], category=category, author=author)
    thread.labels.set(labels)
    post = Post(thread=thread, is_opening=True, author=author, body=body)
    post.render()
    post.save()
    _notify(_mentioned(body), Notification.Kind.MENTION, post, author)
    sync_post(post)
    return thread


@transaction.atomic
def reply(author, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """A reply to the thread, or (with `parent`, a reply) a comment under it: one level only."""
    _require(policy.can_reply(author, thread), "This thread is locked: no new replies.")
    if parent is not None:
        _require(parent.thread_id == thread.pk and not parent.is_opening, "Comments go under a reply of this thread.")
        _require(parent.parent_id is None, "Comments cannot be nested: comment on the reply instead.")
    policy.check_can_post(author, _clean_body(body))
    post = Post(thread=thread, parent=parent, author=author, body=body)
    post.render()
    post.save()
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=post.created_at)
    _notify([parent.author if parent else thread.author], Notification.Kind.REPLY, post, author)
    _notify(_mentioned(body), Notification.Kind.MENTION, post, author)
    sync_post(post)
    return post


def _keep_revision(post: Post, editor) -> None:
    number = (post.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    title = post.thread.title if post.is_opening else ""
    PostRevision.objects.create(post=post, number=number, title=title, body=post.body, saved_by=editor)


@transaction.atomic
def edit_post(editor, post: Post, body: str, title: str | None = None) -> Post:
    """Replace a post's text (and an opening post's thread title), keeping what it said before."""
    _require(policy.can_edit(editor, post), "You can edit only your own posts, and not in a locked thread.")
    body = _clean_body(body)
    new_title = (title or "").strip()[:200]
    title_changes = post.is_opening and new_title and new_title != post.thread.title
    if body == post.body and not title_changes:
        return post
    _keep_revision(post, editor)
    post.body, post.edited_at, post.edited_by = body, timezone.now(), editor
    post.render()
    post.save()
    if title_changes:
        Thread.objects.filter(pk=post.thread_id).update(title=new_title)
        post.thread.title = new_title
    if editor.pk != post.author_id:
        _log(editor, "edit", post.thread, post)
    if title_changes:
        sync_thread(post.thread)
    else:
        sync_post(post)
    return post


@transaction.atomic
def delete_post(actor, post: Post) -> Post:
    """Leave a tombstone: the permalink stays, the text is kept for staff, the post leaves search."""
    _require(policy.can_delete(actor, post), "You can delete only your own posts.")
    post.deleted_at, post.deleted_by = timezone.now(), actor
    post.save(update_fields=["deleted_at", "deleted_by"])
    if not post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
    if actor.pk != post.author_id:
        _log(actor, "delete", post.thread, post)
    if post.thread.accepted_reply_id == post.pk:
        post.thread.accepted_reply = None
        post.thread.save(update_fields=["accepted_reply"])
        sync_thread(post.thread)
    else:
        sync_post(post)
    return post


@transaction.atomic
def toggle_vote(member, post: Post) -> bool:
    """Vote for a post, or take the vote back; True when the member now votes for it."""
    _require(policy.can_vote(member, post), "You cannot vote for your own or a deleted post.")
    removed, _ = Vote.objects.filter(post=post, member=member).delete()
    if not removed:
        Vote.objects.create(post=post, member=member)
    delta = -1 if removed else 1
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + delta)
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(vote_count=F("vote_count") + delta)
    return not removed


@transaction.atomic
def accept_answer(actor, thread: Thread, post: Post | None) -> Thread:
    """Mark `post` as the accepted answer of a Q&A thread (None: unmark)."""
    _require(policy.can_accept(actor, thread), "Only the thread's author or staff accept an answer, in Q&A.")
    if post is not None:
        _require(post.thread_id == thread.pk and post.parent_id is None and not post.is_opening, "Accept a reply.")
        _require(not post.is_deleted, "A deleted reply cannot be the answer.")
    thread.accepted_reply = post
    thread.save(update_fields=["accepted_reply"])
    if post is not None:
        _notify([post.author], Notification.Kind.ACCEPTED, post, actor)
    sync_thread(thread)
    if actor.pk != thread.author_id:
        _log(actor, "accept", thread, post)
    return thread


@transaction.atomic
def moderate_thread(
    actor,
    thread: Thread,
    *,
    locked: bool | None = None,
    pinned: bool | None = None,
    hidden: bool | None = None,
    category: Category | None = None,
    resolution: str | None = None,
    duplicate_of: Thread | None = None,
) -> Thread:
    """Staff: lock, pin, hide, move, or close as resolved, outdated or duplicate (of another thread)."""
    _require(policy.can_moderate(actor), "Only staff moderate threads.")
    changes = {}
    for field, value in (("locked", locked), ("pinned", pinned), ("hidden", hidden)):
        if value is not None and getattr(thread, field) != value:
            changes[field] = value
    if category is not None and category.pk != thread.category_id:
        changes["category"] = category
    if resolution is not None:
        _require(resolution in Thread.Resolution.values, f"Unknown resolution {resolution!r}.")
        _require(resolution != "duplicate" or duplicate_of is not None, "A duplicate links the original thread.")
        _require(duplicate_of is None or duplicate_of.pk != thread.pk, "A thread cannot duplicate itself.")
        changes["resolution"] = resolution
        changes["duplicate_of"] = duplicate_of if resolution == "duplicate" else None
    for field, value in changes.items():
        setattr(thread, field, value)
    if changes:
        thread.save()
        detail = {
            k: (v.slug if isinstance(v, Category) else v.pk if isinstance(v, Thread) else v) for k, v in changes.items()
        }
        _log(actor, "moderate", thread, None, **detail)
        sync_thread(thread)
    return thread


@transaction.atomic
def hide_post(actor, post: Post, hidden: bool = True) -> Post:
    _require(policy.can_moderate(actor), "Only staff hide posts.")
    post.hidden = hidden
    post.save(update_fields=["hidden"])
    _log(actor, "hide" if hidden else "unhide", post.thread, post)
    sync_post(post)
    return post


def mark_read(member, notifications=None) -> int:
    """Mark the member's notifications (all unread, or the given ones) read; returns how many."""
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notifications is not None:
        unread = unread.filter(pk__in=[n.pk for n in notifications])
    return unread.update(read_at=timezone.now())
