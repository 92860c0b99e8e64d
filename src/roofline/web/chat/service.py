"""Database work for the chat consumer (run in worker threads): lookups, presence, read state, event frames."""

from datetime import timedelta

from django.utils import timezone

from roofline.web.chat.actions import ChatError
from roofline.web.chat.events import broadcast, event_frame, events_after
from roofline.web.chat.models import Channel, Message, Presence, ReadState, Topic

PRESENCE_STALE = timedelta(seconds=90)  # a connection not refreshed for this long is gone (its process died)


def channel_by_slug(slug: str) -> Channel:
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise ChatError(f"There is no channel #{slug}.")
    return channel


def message_by_id(pk: int) -> Message:
    message = Message.objects.select_related("channel", "topic", "author").filter(pk=pk).first()
    if message is None:
        raise ChatError(f"There is no message {pk}.")
    return message


def topic_by_name(channel_slug: str, name: str) -> Topic:
    topic = Topic.objects.filter(channel__slug=channel_slug, name=name).first()
    if topic is None:
        raise ChatError(f"There is no topic {name!r} in #{channel_slug}.")
    return topic


def event_frames(channel_id: int, after: int) -> list[dict]:
    slug = Channel.objects.values_list("slug", flat=True).get(pk=channel_id)
    return [event_frame(event, slug) for event in events_after(channel_id, after)]


def present_members(channel_id: int) -> list[str]:
    fresh = Presence.objects.filter(channel_id=channel_id, seen_at__gte=timezone.now() - PRESENCE_STALE)
    return sorted(set(fresh.values_list("member__username", flat=True)))


def _announce_presence(channel: Channel) -> None:
    broadcast(channel.pk, {"type": "presence", "channel": channel.slug, "members": present_members(channel.pk)})


def arrive(connection: str, member, channel: Channel) -> None:
    Presence.objects.update_or_create(connection=connection, channel=channel, defaults={"member": member})
    _announce_presence(channel)


def depart(connection: str, channel_id: int) -> None:
    deleted, _ = Presence.objects.filter(connection=connection, channel_id=channel_id).delete()
    if deleted:
        _announce_presence(Channel.objects.get(pk=channel_id))


def touch(connection: str) -> None:
    Presence.objects.filter(connection=connection).update(seen_at=timezone.now())


def mark_read(member, channel: Channel, seq: int) -> None:
    state, _ = ReadState.objects.get_or_create(member=member, channel=channel)
    if seq > state.last_read_seq:
        state.last_read_seq = min(seq, channel.last_seq)
        state.save(update_fields=["last_read_seq"])


def unread_counts(member) -> dict[str, int]:
    """Unread messages per channel slug for `member` (not deleted, not their own)."""
    read = dict(ReadState.objects.filter(member=member).values_list("channel_id", "last_read_seq"))
    counts = {}
    for channel in Channel.objects.all():
        unread = Message.objects.filter(channel=channel, seq__gt=read.get(channel.pk, 0), deleted_at__isnull=True)
        counts[channel.slug] = unread.exclude(author=member).count()
    return counts
