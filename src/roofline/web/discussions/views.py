"""Discussion pages: lists, threads, writing, voting, answers, moderation, history, search and the inbox.
Every permission question goes to policy.py; every write to actions.py."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roofline.web.accounts.identity import identities_of
from roofline.web.chat.models import Mention
from roofline.web.chat.service import unread_mentions
from roofline.web.discussions import actions, policy
from roofline.web.discussions.forms import PostForm, ThreadForm
from roofline.web.discussions.models import Category, Label, Notification, Post, Thread, Vote
from roofline.web.discussions.policy import PolicyError, RateLimited
from roofline.web.discussions.search import search_discussions
from roofline.web.discussions.tokens import create_token

PAGE_SIZE = 25
CHAT_MENTIONS_SHOWN = 25  # the newest; older ones stay in the channel history and chat search
SORTS = {"latest": "Latest activity", "new": "New", "top": "Top", "unanswered": "Unanswered"}
PERIODS = {"week": 7, "month": 30, "year": 365, "all": None}


def visible_threads(user):
    threads = Thread.objects.select_related("category", "author", "accepted_reply").prefetch_related("labels")
    return threads if policy.is_staff(user) else threads.filter(hidden=False)


def thread_list(request: HttpRequest, category_slug: str | None = None) -> HttpResponse:
    category = get_object_or_404(Category, slug=category_slug) if category_slug else None
    threads = visible_threads(request.user)
    if category:
        threads = threads.filter(category=category)
    sort = request.GET.get("sort", "latest") if request.GET.get("sort") in SORTS else "latest"
    period = request.GET.get("period", "month") if request.GET.get("period") in PERIODS else "month"
    if sort == "new":
        threads = threads.order_by("-created_at")
    elif sort == "top":
        days = PERIODS[period]
        if days:
            threads = threads.filter(created_at__gte=timezone.now() - timedelta(days=days))
        threads = threads.order_by("-vote_count", "-created_at")
    elif sort == "unanswered":
        threads = threads.filter(category__answerable=True, accepted_reply__isnull=True).order_by("-created_at")
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "category": category, "categories": Category.objects.all(), "sort": sort, "sorts": SORTS,
        "period": period, "periods": PERIODS, "identities": identities_of(t.author for t in page),
    }  # fmt: skip
    return render(request, "discussions/list.html", context)


def _thread_for(request: HttpRequest, pk: int) -> Thread:
    thread = visible_threads(request.user).filter(pk=pk).first()
    if thread is None:
        raise Http404("No thread at this address.")
    return thread


def thread_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    thread = _thread_for(request, pk)
    if slug != thread.slug:  # an old title or no slug: the id is the permalink
        return redirect(thread, permanent=True)
    # The comments' query names the thread too, so the database finds them by the (thread, parent) index: by
    # parent_id alone, SQLite's statistics (every reply's parent is NULL) steer it to a scan of all members.
    comments = Post.objects.filter(thread=thread).select_related("author", "edited_by", "deleted_by")
    posts = list(
        thread.posts.filter(parent__isnull=True)
        .select_related("author", "edited_by", "deleted_by")
        .prefetch_related(Prefetch("comments", queryset=comments, to_attr="comment_list"))  # lists, not querysets
    )
    opening = next(p for p in posts if p.is_opening)
    replies = [p for p in posts if not p.is_opening]
    if thread.accepted_reply_id:  # the accepted answer first
        replies.sort(key=lambda p: p.pk != thread.accepted_reply_id)
    everyone = [opening, *replies, *(c for r in replies for c in r.comment_list)]
    permalink = reverse("discussions:post", args=[0]).removesuffix("0/")  # one reversal, not one per post
    for post in everyone:
        post.ensure_rendered()
        post.url = f"{permalink}{post.pk}/"
    user = request.user
    voted = (
        set(Vote.objects.filter(member=user, post__thread=thread).values_list("post_id", flat=True))
        if user.is_authenticated
        else set()
    )
    context = {
        "thread": thread, "opening": opening, "replies": replies, "voted": voted,
        "identities": identities_of(p.author for p in everyone), "form": PostForm(),
        "can_reply": policy.can_reply(user, thread), "can_accept": policy.can_accept(user, thread),
        "can_moderate": policy.can_moderate(user), "can_see_deleted": policy.can_see_deleted_text(user),
        "categories": Category.objects.all() if policy.can_moderate(user) else (),
    }  # fmt: skip
    return render(request, "discussions/thread.html", context)


def _post_for(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category", "author"), pk=pk)
    if not policy.can_view_thread(request.user, post.thread):
        raise Http404("No post at this address.")
    return post


def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's permalink: wherever its thread now is, whatever it is called."""
    post = _post_for(request, pk)
    return redirect(f"{post.thread.get_absolute_url()}#post-{post.pk}")


def _refuse(error: PolicyError):
    raise PermissionDenied(str(error))


@login_required
def new_thread(request: HttpRequest) -> HttpResponse:
    initial = {"category": Category.objects.filter(slug=request.GET.get("category")).first()}
    form = ThreadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = actions.start_thread(request.user, data["category"], data["title"], data["body"], data["labels"])
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            return redirect(thread)
    return render(request, "discussions/new_thread.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def reply_to_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_for(request, pk)
    form = PostForm(request.POST)
    parent = None
    if request.POST.get("parent"):
        if not request.POST["parent"].isdigit():
            raise Http404("No such reply to comment on.")
        parent = get_object_or_404(Post, pk=request.POST["parent"], thread=thread)
    if not form.is_valid():
        messages.error(request, "A reply needs some text.")
        return redirect(thread)
    try:
        post = actions.reply(request.user, thread, form.cleaned_data["body"], parent)
    except RateLimited as error:  # not forbidden: too soon (the API answers 429 too)
        return HttpResponse(str(error), status=429, content_type="text/plain; charset=utf-8")
    except PolicyError as error:
        _refuse(error)
    return redirect(post)


@login_required
def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    if not policy.can_edit(request.user, post):
        raise PermissionDenied("You can edit only your own posts, and not in a locked thread.")
    initial = {"body": post.body, "title": post.thread.title if post.is_opening else ""}
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_post(request.user, post, form.cleaned_data["body"], form.cleaned_data.get("title"))
        except PolicyError as error:
            _refuse(error)
        return redirect(post)
    return render(request, "discussions/edit_post.html", {"form": form, "post": post})


@login_required
@require_POST
def delete_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    try:
        actions.delete_post(request.user, post)
    except PolicyError as error:
        _refuse(error)
    return redirect(post)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    try:
        actions.toggle_vote(request.user, post)
    except PolicyError as error:
        _refuse(error)
    return redirect(post)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept this reply as the answer (or, with unaccept=1, clear the accepted answer)."""
    post = _post_for(request, pk)
    try:
        actions.accept_answer(request.user, post.thread, None if request.POST.get("unaccept") else post)
    except PolicyError as error:
        _refuse(error)
    return redirect(post)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread_for(request, pk)
    flag = {"1": True, "0": False}
    changes = {
        name: flag[request.POST[name]] for name in ("locked", "pinned", "hidden") if request.POST.get(name) in flag
    }
    if request.POST.get("category"):
        changes["category"] = get_object_or_404(Category, slug=request.POST["category"])
    if "resolution" in request.POST:
        changes["resolution"] = request.POST["resolution"]
        if request.POST.get("duplicate_of"):
            changes["duplicate_of"] = get_object_or_404(Thread, pk=request.POST["duplicate_of"])
    try:
        actions.moderate_thread(request.user, thread, **changes)
    except PolicyError as error:
        _refuse(error)
    return redirect(thread)


@login_required
@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    try:
        actions.hide_post(request.user, post, request.POST.get("hidden", "1") == "1")
    except PolicyError as error:
        _refuse(error)
    return redirect(post)


def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every earlier version of a post, readable by anyone who can read the post (deleted or hidden text: staff
    only)."""
    post = _post_for(request, pk)
    if (post.is_deleted or post.hidden) and not policy.can_see_deleted_text(request.user):
        raise PermissionDenied("This post was deleted or hidden; its history is kept for staff.")
    revisions = post.revisions.select_related("saved_by").order_by("-number")
    return render(request, "discussions/history.html", {"post": post, "revisions": revisions})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = {key: request.GET.get(key, "") for key in ("category", "label", "author", "answered")}
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    newest = request.GET.get("sort") == "new"  # newest first; otherwise the most relevant first
    results = search_discussions(query, page=page, page_size=PAGE_SIZE, recent=newest, **filters) if query else None
    context = {
        "query": query, "filters": filters, "results": results, "page": page, "newest": newest,
        "categories": Category.objects.all(), "labels": Label.objects.all(),
    }  # fmt: skip
    return render(request, "discussions/search.html", context)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The site's one inbox: discussion notifications, and chat messages that mention the member."""
    if request.method == "POST":
        actions.mark_read(request.user)
        unread_mentions(request.user).update(read_at=timezone.now())
        return redirect("discussions:inbox")
    notifications = Notification.objects.filter(recipient=request.user).select_related("post__thread", "actor")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    mentions = (
        Mention.objects.filter(member=request.user, message__deleted_at__isnull=True)
        .select_related("message__author", "message__channel", "message__topic")
        .order_by("-message__created_at")[:CHAT_MENTIONS_SHOWN]
    )
    return render(request, "discussions/inbox.html", {"page": page, "mentions": mentions})


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Create and revoke API tokens; a new token is shown once, then only its first characters."""
    new_token = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            request.user.api_tokens.filter(
                pk=int(request.POST["revoke"]) if request.POST["revoke"].isdigit() else 0
            ).delete()
            messages.success(request, "Token revoked.")
            return redirect("discussions:tokens")
        _, new_token = create_token(request.user, request.POST.get("name", "").strip())
    tokens = request.user.api_tokens.order_by("-created_at")
    return render(request, "discussions/tokens.html", {"tokens": tokens, "new_token": new_token})
