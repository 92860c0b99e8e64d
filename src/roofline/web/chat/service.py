"""Database work for the chat consumer (run in worker threads): lookups, presence, read state, event frames.

Each action a connection asks for is one call here (one trip to the database thread, one connection): it re-reads
the member (signed out or deactivated members are refused) and then acts.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from roofline.web.chat import actions
from roofline.web.chat.actions import ChatError
from roofline.web.chat.events import announce_presence, event_frame, events_after
from roofline.web.chat.models import Channel, Mention, Message, Presence, ReadState, Topic

PRESENCE_STALE = timedelta(seconds=90)  # a connection not refreshed for this long is gone (its process died)


def active_member(user_id: int | None, refusal: str = "Sign in first."):
    """The member with this id if still active, else ChatError(refusal)."""
    member = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None
    if member is None:
        raise ChatError(refusal)
    return member


def post(user_id: int | None, channel_slug: str, topic: str, body: str) -> Message:
    member = active_member(user_id, "Sign in to post.")
    return actions.post_message(member, channel_by_slug(channel_slug), topic, body)


def change(user_id: int | None, message_id: int, action, *args) -> None:
    """Edit, delete or react to a message: `action` is one of actions.edit_message, delete_message, toggle_reaction."""
    member = active_member(user_id)
    action(member, message_by_id(message_id), *args)


def typist(user_id: int | None, channel_slug: str) -> tuple[int, str, str]:
    """(channel id, slug, username) for a typing frame."""
    member = active_member(user_id)
    channel = channel_by_slug(channel_slug)
    return channel.pk, channel.slug, member.get_username()


def read(user_id: int | None, channel_slug: str, seq: int) -> None:
    mark_read(active_member(user_id), channel_by_slug(channel_slug), seq)


def resolve(user_id: int | None, channel_slug: str, topic: str, resolved: bool) -> None:
    member = active_member(user_id)
    actions.resolve_topic(member, topic_by_name(channel_slug, topic), resolved)


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


def arrive(connection: str, user_id: int, channel: Channel) -> None:
    Presence.objects.update_or_create(connection=connection, channel=channel, defaults={"member_id": user_id})
    announce_presence(channel.pk)


def depart(connection: str, channel_id: int) -> None:
    deleted, _ = Presence.objects.filter(connection=connection, channel_id=channel_id).delete()
    if deleted:
        announce_presence(channel_id)


def touch(connections: list[str]) -> None:
    """Mark these connections (all of one process) as still present."""
    now = timezone.now()
    for start in range(0, len(connections), 500):
        Presence.objects.filter(connection__in=connections[start : start + 500]).update(seen_at=now)


def mark_read(member, channel: Channel, seq: int) -> None:
    """The member has read `channel` up to `seq`: fewer unread messages, and the mentions among them read."""
    state, _ = ReadState.objects.get_or_create(member=member, channel=channel)
    if seq > state.last_read_seq:
        state.last_read_seq = min(seq, channel.last_seq)
        state.save(update_fields=["last_read_seq"])
        unread_mentions(member).filter(message__channel=channel, message__seq__lte=state.last_read_seq).update(
            read_at=timezone.now()
        )


def unread_mentions(member):
    """The member's chat mentions not yet seen, in messages still standing."""
    return Mention.objects.filter(member=member, read_at__isnull=True, message__deleted_at__isnull=True)


def unread_mention_counts(member) -> dict[str, int]:
    """Unread mentions of `member` per channel slug (channels without any are left out)."""
    rows = unread_mentions(member).values_list("message__channel__slug").annotate(count=Count("id"))
    return dict(rows)


def unread_counts(member) -> dict[str, int]:
    """Unread messages per channel slug for `member` (not deleted, not their own)."""
    read = dict(ReadState.objects.filter(member=member).values_list("channel_id", "last_read_seq"))
    counts = {}
    for channel in Channel.objects.all():
        unread = Message.objects.filter(channel=channel, seq__gt=read.get(channel.pk, 0), deleted_at__isnull=True)
        counts[channel.slug] = unread.exclude(author=member).count()
    return counts
