"""Discussions in the JSON API: read threads, posts and search; write with a signed-in session (CSRF checked)
or a member's API token (`Authorization: Bearer rfl_…`). The same policy and actions as the pages."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from roofline.web.discussions import actions, policy
from roofline.web.discussions.models import Category, Label, Post, Thread
from roofline.web.discussions.policy import InvalidPost, PolicyError, RateLimited
from roofline.web.discussions.search import search_discussions
from roofline.web.discussions.tokens import member_for_token
from roofline.web.discussions.views import visible_threads

router = Router(tags=["discussions"])


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        member = member_for_token(token)
        if member is not None:
            request.user = member
        return member


WRITE_AUTH = [TokenAuth(), django_auth]


class PostOut(Schema):
    id: int
    author: str
    parent: int | None
    body: str | None  # None for a deleted or hidden post
    html: str | None
    created_at: datetime
    edited_at: datetime | None
    edited_by: str | None
    deleted_at: datetime | None
    votes: int
    url: str


class ThreadOut(Schema):
    id: int
    title: str
    category: str
    labels: list[str]
    author: str
    created_at: datetime
    last_activity_at: datetime
    locked: bool
    pinned: bool
    resolution: str
    answered: bool
    accepted_reply: int | None
    votes: int
    replies: int
    url: str


class ThreadDetailOut(ThreadOut):
    posts: list[PostOut]


class ThreadIn(Schema):
    category: str
    title: str
    body: str
    labels: list[str] = []


class PostIn(Schema):
    body: str
    parent: int | None = None


class EditIn(Schema):
    body: str
    title: str | None = None


def _thread_out(thread: Thread) -> dict:
    return {
        "id": thread.pk, "title": thread.title, "category": thread.category.slug,
        "labels": [label.slug for label in thread.labels.all()], "author": thread.author.get_username(),
        "created_at": thread.created_at, "last_activity_at": thread.last_activity_at, "locked": thread.locked,
        "pinned": thread.pinned, "resolution": thread.resolution, "answered": thread.answered,
        "accepted_reply": thread.accepted_reply_id, "votes": thread.vote_count, "replies": thread.reply_count,
        "url": thread.get_absolute_url(),
    }  # fmt: skip


def _post_out(post: Post, user) -> dict:
    readable = not post.is_deleted and (not post.hidden or policy.is_staff(user))
    return {
        "id": post.pk, "author": post.author.get_username(), "parent": post.parent_id,
        "body": post.body if readable else None, "html": post.rendered_html if readable else None,
        "created_at": post.created_at, "edited_at": post.edited_at,
        "edited_by": post.edited_by.get_username() if post.edited_by else None, "deleted_at": post.deleted_at,
        "votes": post.vote_count, "url": post.get_absolute_url(),
    }  # fmt: skip


def _thread(request, pk: int) -> Thread:
    thread = visible_threads(request.user).filter(pk=pk).first()
    if thread is None:
        raise HttpError(404, "No thread with this id.")
    return thread


def _post(request, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread__category", "author"), pk=pk)
    if not policy.can_view_thread(request.user, post.thread):
        raise HttpError(404, "No post with this id.")
    return post


def _act(call):
    try:
        return call()
    except RateLimited as error:
        raise HttpError(429, str(error)) from None
    except InvalidPost as error:
        raise HttpError(422, str(error)) from None
    except PolicyError as error:
        raise HttpError(403, str(error)) from None


@router.get("/threads", response=list[ThreadOut])
def list_threads(request, category: str = "", limit: int = 25, offset: int = 0):
    """Threads by latest activity (pinned first)."""
    threads = visible_threads(request.user)
    if category:
        threads = threads.filter(category__slug=category)
    return [_thread_out(t) for t in threads[max(offset, 0) : max(offset, 0) + max(1, min(limit, 100))]]


@router.get("/threads/{pk}", response=ThreadDetailOut)
def read_thread(request, pk: int):
    """A thread and all its posts in order (deleted posts as tombstones: body null, deleted_at set)."""
    thread = _thread(request, pk)
    posts = thread.posts.select_related("author", "edited_by").order_by("created_at", "pk")
    return {**_thread_out(thread), "posts": [_post_out(p, request.user) for p in posts]}


@router.get("/search", response=dict)
def search(
    request, q: str, category: str = "", label: str = "", author: str = "", answered: str = "", sort: str = "",
    page: int = 1,
):  # fmt: skip
    """Threads and replies matching every word of `q`, most relevant first (sort=new: newest first)."""
    filters = {"category": category, "label": label, "author": author, "answered": answered}
    results = search_discussions(q, page=page, recent=sort == "new", **filters)
    hits = [
        {
            "kind": h.kind,
            "id": int(h.object_id),
            "url": h.url,
            "title_html": h.title_html,
            "snippet_html": h.snippet_html,
        }
        for h in results.hits
    ]
    return {"query": results.query, "total": results.total, "capped": results.capped, "hits": hits}


@router.post("/threads", auth=WRITE_AUTH, response={201: ThreadOut})
def create_thread(request, payload: ThreadIn):
    category = get_object_or_404(Category, slug=payload.category)
    labels = list(Label.objects.filter(slug__in=payload.labels))
    thread = _act(lambda: actions.start_thread(request.user, category, payload.title, payload.body, labels))
    return Status(201, _thread_out(thread))


@router.post("/threads/{pk}/replies", auth=WRITE_AUTH, response={201: PostOut})
def create_reply(request, pk: int, payload: PostIn):
    thread = _thread(request, pk)
    parent = get_object_or_404(Post, pk=payload.parent, thread=thread) if payload.parent else None
    post = _act(lambda: actions.reply(request.user, thread, payload.body, parent))
    return Status(201, _post_out(post, request.user))


@router.post("/posts/{pk}/edit", auth=WRITE_AUTH, response=PostOut)
def edit(request, pk: int, payload: EditIn):
    post = _post(request, pk)
    return _post_out(_act(lambda: actions.edit_post(request.user, post, payload.body, payload.title)), request.user)


@router.post("/posts/{pk}/delete", auth=WRITE_AUTH, response=PostOut)
def delete(request, pk: int):
    post = _post(request, pk)
    return _post_out(_act(lambda: actions.delete_post(request.user, post)), request.user)


@router.post("/posts/{pk}/vote", auth=WRITE_AUTH, response=dict)
def vote(request, pk: int):
    post = _post(request, pk)
    voted = _act(lambda: actions.toggle_vote(request.user, post))
    post.refresh_from_db()
    return {"voted": voted, "votes": post.vote_count}


@router.post("/posts/{pk}/accept", auth=WRITE_AUTH, response=ThreadOut)
def accept(request, pk: int):
    post = _post(request, pk)
    return _thread_out(_act(lambda: actions.accept_answer(request.user, post.thread, post)))
