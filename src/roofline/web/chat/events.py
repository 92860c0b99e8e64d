"""The chat's wire format and its delivery: events as clients receive them, and the channel-layer groups that
tell consumers (in any server process) that new events are in the database."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from roofline.web.chat.models import ChannelEvent, Message


def channel_group(channel_id: int) -> str:
    return f"chat_channel_{channel_id}"


def message_payload(message: Message) -> dict:
    """A message as clients draw it (deleted messages keep their place and lose their text)."""
    deleted = message.deleted_at is not None
    reactions: dict[str, list[str]] = {}
    for reaction in message.reactions.all():
        reactions.setdefault(reaction.emoji, []).append(reaction.member.get_username())
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
        "url": message.get_absolute_url(),
    }


def event_frame(event: ChannelEvent, channel_slug: str) -> dict:
    return {"type": "event", "channel": channel_slug, "seq": event.seq, "kind": event.kind, **event.payload}


def events_after(channel_id: int, seq: int, limit: int = 1000) -> list[ChannelEvent]:
    return list(ChannelEvent.objects.filter(channel_id=channel_id, seq__gt=seq).order_by("seq")[:limit])


def announce(channel_id: int, seq: int) -> None:
    """Tell every consumer watching the channel that event `seq` is committed (they read it from the log)."""
    layer = get_channel_layer()
    if layer is not None:
        message = {"type": "chat.events", "channel": channel_id, "seq": seq}
        async_to_sync(layer.group_send)(channel_group(channel_id), message)


def broadcast(channel_id: int, frame: dict) -> None:
    """Send an ephemeral frame (typing, presence) to everyone watching; it is not stored."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(channel_group(channel_id), {"type": "chat.ephemeral", "frame": frame})
