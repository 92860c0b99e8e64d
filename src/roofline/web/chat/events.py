"""The chat's wire format and its delivery: events as clients receive them, and the channel-layer groups that
tell consumers (in any server process) that new events are in the database.

An announcement carries the committed event's frame, encoded once, so a consumer that has sent every earlier
event forwards it without a query; one that finds a gap (an announcement lost, or two processes' announcements
crossing) reads the log instead. Either way each client gets every event once, in order."""

import json
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from roofline.web.chat.models import ChannelEvent, Message


def channel_group(channel_id: int) -> str:
    return f"chat_channel_{channel_id}"


def message_payload(
    message: Message, reactions: dict[str, list[str]] | None = None, mentions: list[str] | None = None
) -> dict:
    """A message as clients draw it (deleted messages keep their place and lose their text). `reactions`
    (emoji -> usernames) and `mentions` (usernames) when the caller knows them, else they are read."""
    deleted = message.deleted_at is not None
    if reactions is None:
        reactions = {}
        for reaction in message.reactions.all():
            reactions.setdefault(reaction.emoji, []).append(reaction.member.get_username())
    if mentions is None:
        mentions = sorted(mention.member.get_username() for mention in message.mentions.all())
    return {
        "id": message.pk,
        "seq": message.seq,
        "topic": message.topic.name,
        "author": message.author.get_username(),
        "html": "" if deleted else message.rendered_html,
        "body": "" if deleted else message.body,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "reactions": reactions,
        "mentions": [] if deleted else mentions,
        "url": message.get_absolute_url(),
    }


def event_frame(event: ChannelEvent, channel_slug: str) -> dict:
    return frame_of(channel_slug, event.seq, event.kind, event.payload)


def frame_of(channel_slug: str, seq: int, kind: str, payload: dict) -> dict:
    return {"type": "event", "channel": channel_slug, "seq": seq, "kind": kind, **payload}


def encode(frame: dict) -> str:
    """A frame as the consumer sends it (send_json's encoding), so forwarded and read-back frames are identical."""
    return json.dumps(frame)


def events_after(channel_id: int, seq: int, limit: int = 1000) -> list[ChannelEvent]:
    return list(ChannelEvent.objects.filter(channel_id=channel_id, seq__gt=seq).order_by("seq")[:limit])


def announce(channel_id: int, seq: int, text: str | None = None) -> None:
    """Tell every consumer watching the channel that event `seq` is committed, with its encoded frame (`text`)
    when given; without it, consumers read the event from the log."""
    message = {"type": "chat.events", "channel": channel_id, "seq": seq}
    if text is not None:
        message["text"] = text
    _group_send(channel_group(channel_id), message)


def announce_presence(channel_id: int) -> None:
    """Tell every consumer watching the channel that someone arrived or left; each reads the list itself."""
    _group_send(channel_group(channel_id), {"type": "chat.presence", "channel": channel_id})


_outbox: ContextVar[list | None] = ContextVar("chat_outbox", default=None)


def _group_send(group: str, message: dict) -> None:
    outbox = _outbox.get()
    if outbox is not None:
        outbox.append((group, message))
        return
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def collect(function, *args):
    """Call `function` and return (its result, what it announced) without sending the announcements: the chat
    consumer runs this in the database thread and sends them itself from the event loop, so that thread never
    waits on the event loop (or Redis) and is free for the next action at once. If `function` raises, what it
    had announced (after a commit) is sent here before the error goes on."""
    outbox: list[tuple[str, dict]] = []
    token = _outbox.set(outbox)
    try:
        result = function(*args)
    except BaseException:
        _outbox.reset(token)
        for group, message in outbox:
            _group_send(group, message)
        raise
    _outbox.reset(token)
    return result, outbox
