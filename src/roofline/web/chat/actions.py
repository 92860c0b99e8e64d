"""Every write in the chat goes through here: the change and its numbered ChannelEvent are committed in one
transaction, then announced to consumers (Zulip's rule: events go out only after the commit)."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from roofline.web.chat.events import announce, encode, frame_of, message_payload
from roofline.web.chat.models import Channel, ChannelEvent, Mention, Message, MessageRevision, Reaction, Topic
from roofline.web.discussions.policy import LINK, MENTION
from roofline.web.markdown import render_markdown
from roofline.web.search.api import index_document, remove_document

MAX_MESSAGE_CHARS = 10_000
MAX_TOPIC_CHARS = 60
EMOJI = re.compile(r"^[^\s<>&\"']{1,16}$")
SEARCH_KIND = "chat"


class ChatError(ValueError):
    """A request the chat refuses; the message is sent back to the client as an error frame."""


def _append_event(channel_id: int, kind: str, payload: dict, locked: Channel | None = None) -> int:
    """Append the channel's next event (inside the caller's transaction) and announce it after commit; `locked`
    is the channel if the caller already holds it locked."""
    channel = locked or Channel.objects.select_for_update().get(pk=channel_id)
    channel.last_seq += 1
    channel.save(update_fields=["last_seq"])
    ChannelEvent.objects.create(channel=channel, seq=channel.last_seq, kind=kind, payload=payload)
    seq = channel.last_seq
    text = encode(frame_of(channel.slug, seq, kind, payload))
    transaction.on_commit(lambda: announce(channel_id, seq, text))
    return seq


def _check_limits(author, body: str) -> None:
    if not body.strip():
        raise ChatError("A message needs some text.")
    if len(body) > MAX_MESSAGE_CHARS:
        raise ChatError(f"A message can be at most {MAX_MESSAGE_CHARS:,} characters ({len(body):,} given).")
    if author.is_staff:
        return
    limits = settings.ROOFLINE_CHAT_LIMITS
    window = timezone.now() - timedelta(seconds=limits["window_seconds"])
    if Message.objects.filter(author=author, created_at__gte=window).count() >= limits["messages_per_window"]:
        raise ChatError(
            f"Slow down: at most {limits['messages_per_window']} messages per {limits['window_seconds']} s."
        )
    _check_new_member_limits(author, body)


def _check_new_member_limits(author, body: str) -> None:
    """New members: the links and mentions per message allowed in Discussions (posts and edits alike)."""
    if author.is_staff:
        return
    discussion = settings.ROOFLINE_DISCUSSION_LIMITS
    if author.date_joined > timezone.now() - timedelta(days=discussion["new_member_days"]):
        if len(LINK.findall(body)) > discussion["new_member_links"]:
            raise ChatError(f"New members can include at most {discussion['new_member_links']} links per message.")
        if len(set(MENTION.findall(body))) > discussion["new_member_mentions"]:
            raise ChatError(f"New members can mention at most {discussion['new_member_mentions']} people.")


def _sync_search(message: Message) -> None:
    if message.deleted_at:
        remove_document(SEARCH_KIND, message.pk)
        return
    index_document(
        SEARCH_KIND, message.pk, title=f"#{message.channel.name} > {message.topic.name}", summary="",
        body=message.body, url=message.get_absolute_url(), published_at=message.created_at,
        facets={"channel": message.channel.slug, "author": message.author.get_username()},
    )  # fmt: skip


def _full(message_id: int) -> Message:
    return (
        Message.objects.select_related("channel", "topic", "author")
        .prefetch_related("reactions__member", "mentions__member")
        .get(pk=message_id)
    )


def post_message(author, channel: Channel, topic_name: str, body: str) -> Message:
    """Store a message in `topic` (created on first use) and append its event; both or neither."""
    if not author.is_authenticated or not author.is_active:
        raise ChatError("Sign in to post.")
    topic_name = " ".join(topic_name.split())[:MAX_TOPIC_CHARS] or "general"
    if not body.strip() or len(body) > MAX_MESSAGE_CHARS:
        _check_limits(author, body)  # raises the error for an empty or long message
    rendered = render_markdown(body).html  # before the transaction: the write lock is held for its length
    return _store_message(author, channel, topic_name, body, rendered)


@transaction.atomic
def _store_message(author, channel: Channel, topic_name: str, body: str, rendered: str) -> Message:
    _check_limits(author, body)
    # Lock the channel first: it serialises seq numbers per channel, and two first posts to a new topic (which
    # would race to create it, an IntegrityError on PostgreSQL) one after the other.
    locked = Channel.objects.select_for_update().get(pk=channel.pk)
    topic, _ = Topic.objects.get_or_create(channel=channel, name=topic_name)
    message = Message.objects.create(
        channel=channel, topic=topic, seq=locked.last_seq + 1, author=author, body=body, rendered_html=rendered
    )
    Topic.objects.filter(pk=topic.pk).update(last_message_at=message.created_at)
    mentioned = _record_mentions(message)
    payload = {"message": message_payload(message, reactions={}, mentions=mentioned)}  # new: nothing to re-read
    _append_event(channel.pk, ChannelEvent.Kind.MESSAGE, payload, locked)
    _sync_search(message)
    return message


def _record_mentions(message: Message) -> list[str]:
    """Record a Mention for each member named in the message's body (not its author) who has none for it yet
    (an edit that adds a name notifies that member); returns every member the body mentions, by username."""
    names = set(MENTION.findall(message.body))
    if not names:
        return []
    members = get_user_model().objects.filter(username__in=names).exclude(pk=message.author_id)
    known = set(Mention.objects.filter(message=message).values_list("member_id", flat=True))
    Mention.objects.bulk_create(Mention(message=message, member=m) for m in members if m.pk not in known)
    return sorted(member.get_username() for member in members)


def _own(actor, message: Message) -> None:
    if not actor.is_authenticated or (actor.pk != message.author_id and not actor.is_staff):
        raise ChatError("You can change only your own messages.")
    if message.deleted_at:
        raise ChatError("This message was deleted.")


@transaction.atomic
def edit_message(actor, message: Message, body: str) -> Message:
    _own(actor, message)
    if not body.strip() or len(body) > MAX_MESSAGE_CHARS:
        raise ChatError(f"A message needs text, at most {MAX_MESSAGE_CHARS:,} characters.")
    if body == message.body:
        return message
    _check_new_member_limits(actor, body)
    MessageRevision.objects.create(message=message, body=message.body)
    message.body, message.rendered_html, message.edited_at = body, render_markdown(body).html, timezone.now()
    message.save(update_fields=["body", "rendered_html", "edited_at"])
    _record_mentions(message)
    _append_event(message.channel_id, ChannelEvent.Kind.EDIT, {"message": message_payload(_full(message.pk))})
    _sync_search(message)
    return message


@transaction.atomic
def delete_message(actor, message: Message) -> Message:
    """A tombstone: the message keeps its place and permalink; its text stays in the database for staff."""
    _own(actor, message)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    _append_event(message.channel_id, ChannelEvent.Kind.DELETE, {"message": message_payload(_full(message.pk))})
    _sync_search(message)
    return message


@transaction.atomic
def toggle_reaction(member, message: Message, emoji: str) -> bool:
    if not member.is_authenticated:
        raise ChatError("Sign in to react.")
    if not EMOJI.match(emoji):
        raise ChatError("A reaction is one emoji (or a short name without spaces).")
    if message.deleted_at:
        raise ChatError("This message was deleted.")
    removed, _ = Reaction.objects.filter(message=message, member=member, emoji=emoji).delete()
    if not removed:
        Reaction.objects.create(message=message, member=member, emoji=emoji)
    _append_event(message.channel_id, ChannelEvent.Kind.REACTION, {"message": message_payload(_full(message.pk))})
    return not removed


@transaction.atomic
def resolve_topic(member, topic: Topic, resolved: bool = True) -> Topic:
    if not member.is_authenticated:
        raise ChatError("Sign in to resolve topics.")
    topic.resolved = resolved
    topic.save(update_fields=["resolved"])
    _append_event(topic.channel_id, ChannelEvent.Kind.TOPIC, {"topic": topic.name, "resolved": resolved})
    return topic
