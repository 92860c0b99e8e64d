"""Chat pages: a channel (its topics, a window of history, the live client), permalinks, history, search."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from roofline.web.chat.events import message_payload
from roofline.web.chat.models import Channel, Message, Topic
from roofline.web.chat.service import unread_counts, unread_mention_counts
from roofline.web.search.api import search

WINDOW = 50


def _messages(channel: Channel):
    return Message.objects.filter(channel=channel).select_related("topic", "author", "channel").prefetch_related(
        "reactions__member", "mentions__member"
    )


def index(request: HttpRequest) -> HttpResponse:
    first = Channel.objects.first()
    return redirect(first) if first else render(request, "chat/empty.html")


def channel_page(request: HttpRequest, slug: str) -> HttpResponse:
    channel = get_object_or_404(Channel, slug=slug)
    around = int(request.GET["around"]) if request.GET.get("around", "").isdigit() else None
    messages = _messages(channel)
    if around is not None:
        window = list(messages.filter(seq__lte=around + WINDOW // 2).order_by("-seq")[:WINDOW])
    else:
        window = list(messages.order_by("-seq")[:WINDOW])
    window.reverse()
    context = {
        "channel": channel,
        "channels": Channel.objects.all(),
        "topics": Topic.objects.filter(channel=channel)[:50],
        "messages": [message_payload(m) for m in window],
        "last_seq": channel.last_seq,
        "highlight": around,
        "unread": unread_counts(request.user) if request.user.is_authenticated else {},
        "unread_mentions": unread_mention_counts(request.user) if request.user.is_authenticated else {},
    }
    return render(request, "chat/channel.html", context)


def message_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("channel"), pk=pk)
    return redirect(f"{message.channel.get_absolute_url()}?around={message.seq}#m-{message.seq}")


def message_history(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("channel", "topic", "author"), pk=pk)
    if message.deleted_at and not request.user.is_staff:
        raise PermissionDenied("This message was deleted; its text is kept for staff.")
    revisions = message.revisions.order_by("-replaced_at")
    return render(request, "chat/history.html", {"message": message, "revisions": revisions})


def older_messages(request: HttpRequest, slug: str) -> JsonResponse:
    """Scroll-back without limit: up to 100 messages before `before` (a seq), oldest first."""
    channel = get_object_or_404(Channel, slug=slug)
    before = int(request.GET["before"]) if request.GET.get("before", "").isdigit() else channel.last_seq + 1
    limit = min(int(request.GET["limit"]), 100) if request.GET.get("limit", "").isdigit() else WINDOW
    older = list(_messages(channel).filter(seq__lt=before).order_by("-seq")[:limit])
    older.reverse()
    return JsonResponse({"channel": channel.slug, "messages": [message_payload(m) for m in older]})


def chat_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    channel = request.GET.get("channel", "")
    results = search(query, kinds=["chat"], facets={"channel": channel}, recent=True, limit=50) if query else None
    context = {"query": query, "results": results, "channel": channel, "channels": Channel.objects.all()}
    return render(request, "chat/search.html", context)
