"""The chat socket between several members: changes, presence and typing reach the others; mentions and read
state are stored; limits, permissions and floods are refused with an error frame and nothing stored."""

import types
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils import timezone

from roofline.web.chat import actions, consumers, service
from roofline.web.chat.models import Channel, Mention, Message, Presence, ReadState
from tests.web.chat.sockets import (
    connected,
    frames_until,
    headers_for,
    is_ack,
    is_error,
    is_event,
    subscribed,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def general():
    """#general as the data migration makes it (transactional tests empty the tables between tests)."""
    return Channel.objects.get_or_create(slug="general", defaults={"name": "general"})[0]


def post_frame(body: str, client_id: str, topic: str = "t") -> dict:
    return {"type": "post", "channel": "general", "topic": topic, "body": body, "client_id": client_id}


def test_edits_deletes_and_reactions_reach_another_subscriber(member, other_member):
    author_headers, reader_headers = headers_for(member), headers_for(other_member)

    @async_to_sync
    async def scenario():
        author, reader = await connected(author_headers), await connected(reader_headers)
        await subscribed(author)
        await subscribed(reader)
        await author.send_json_to(post_frame("first *text*", "p1"))
        posted = (await frames_until(reader, is_event("message")))[-1]
        message_id = posted["message"]["id"]

        await author.send_json_to({"type": "edit", "id": message_id, "body": "second $y$", "client_id": "e1"})
        edited = (await frames_until(reader, is_event("edit")))[-1]
        await reader.send_json_to({"type": "react", "id": message_id, "emoji": "👍", "client_id": "r1"})
        reacted = (await frames_until(author, is_event("reaction")))[-1]
        await author.send_json_to({"type": "delete", "id": message_id, "client_id": "d1"})
        deleted = (await frames_until(reader, is_event("delete")))[-1]
        await author.disconnect()
        await reader.disconnect()
        return posted, edited, reacted, deleted

    posted, edited, reacted, deleted = scenario()
    assert [e["seq"] for e in (posted, edited, reacted, deleted)] == [1, 2, 3, 4]
    assert edited["message"]["id"] == posted["message"]["id"]
    assert edited["message"]["body"] == "second $y$" and edited["message"]["edited_at"]
    assert '<span class="math inline">y</span>' in edited["message"]["html"]
    assert reacted["message"]["reactions"] == {"👍": ["grace"]}
    assert deleted["message"]["deleted"] and deleted["message"]["html"] == "" and deleted["message"]["body"] == ""


def test_presence_lists_both_members_and_drops_one_when_it_disconnects(member, other_member):
    ada_headers, grace_headers = headers_for(member), headers_for(other_member)

    def is_presence(members):
        return lambda f: f.get("type") == "presence" and f["members"] == members

    @async_to_sync
    async def scenario():
        ada = await connected(ada_headers)
        await subscribed(ada)
        await frames_until(ada, is_presence(["ada"]))
        grace = await connected(grace_headers)
        await subscribed(grace)
        both_seen_by_grace = (await frames_until(grace, lambda f: f.get("type") == "presence"))[-1]
        both_seen_by_ada = (await frames_until(ada, is_presence(["ada", "grace"])))[-1]
        await grace.disconnect()
        after = (await frames_until(ada, lambda f: f.get("type") == "presence"))[-1]
        await ada.disconnect()
        return both_seen_by_grace, both_seen_by_ada, after

    by_grace, by_ada, after = scenario()
    assert by_grace["members"] == ["ada", "grace"] and by_grace["channel"] == "general"
    assert by_ada["members"] == ["ada", "grace"]
    assert after["members"] == ["ada"]
    assert service.present_members(service.channel_by_slug("general").pk) == []  # both gone


def test_typing_reaches_the_other_subscribers_and_is_not_stored(member, other_member):
    ada_headers, grace_headers = headers_for(member), headers_for(other_member)

    @async_to_sync
    async def scenario():
        ada, grace = await connected(ada_headers), await connected(grace_headers)
        await subscribed(ada)
        await subscribed(grace)
        await ada.send_json_to({"type": "typing", "channel": "general", "topic": "kv cache"})
        typing = (await frames_until(grace, lambda f: f.get("type") == "typing"))[-1]
        await ada.disconnect()
        await grace.disconnect()
        return typing

    typing = scenario()
    assert typing == {"type": "typing", "channel": "general", "topic": "kv cache", "member": "ada"}
    assert not Message.objects.exists()


def test_mentions_of_members_create_mention_rows(member, other_member, django_user_model):
    django_user_model.objects.create_user(username="linus")
    member.date_joined = timezone.now() - timedelta(days=30)  # past the new-member limit of two mentions
    member.save()
    headers = headers_for(member)

    @async_to_sync
    async def scenario():
        ada = await connected(headers)
        await ada.send_json_to(post_frame("@grace and @linus, see this (not @nobody, not me @ada)", "m1"))
        await frames_until(ada, is_ack("m1"))
        await ada.disconnect()

    scenario()
    message = Message.objects.get()
    mentioned = set(Mention.objects.filter(message=message).values_list("member__username", flat=True))
    assert mentioned == {"grace", "linus"}
    assert Mention.objects.filter(member=other_member, read_at__isnull=True).count() == 1


def test_read_frames_move_read_state_forward_and_unread_counts_follow(member, other_member, general):
    posted = [actions.post_message(member, general, "t", f"note {i}") for i in range(3)]
    assert service.unread_counts(other_member)["general"] == 3
    assert service.unread_counts(member)["general"] == 0  # one's own messages are never unread
    headers = headers_for(other_member)

    @async_to_sync
    async def scenario(seqs):
        grace = await connected(headers)
        for seq in seqs:
            await grace.send_json_to({"type": "read", "channel": "general", "seq": seq})
        # Frames are handled in order: once this subscribe is answered, every read before it is stored.
        await subscribed(grace)
        await grace.disconnect()

    scenario([posted[1].seq])
    assert ReadState.objects.get(member=other_member).last_read_seq == posted[1].seq
    assert service.unread_counts(other_member)["general"] == 1

    scenario([posted[0].seq, 10_000])  # never backwards; never beyond the channel's last event
    general.refresh_from_db()
    assert ReadState.objects.get(member=other_member).last_read_seq == general.last_seq
    assert service.unread_counts(other_member)["general"] == 0


def test_the_rate_limit_answers_with_an_error_frame_and_stores_nothing(member, settings):
    settings.ROOFLINE_CHAT_LIMITS = {"messages_per_window": 2, "window_seconds": 60}
    headers = headers_for(member)

    @async_to_sync
    async def scenario():
        ada = await connected(headers)
        replies = []
        for i in range(3):
            await ada.send_json_to(post_frame(f"message {i}", f"p{i}"))
            replies.append((await frames_until(ada, lambda f: f.get("type") in ("ack", "error")))[-1])
        await ada.disconnect()
        return replies

    replies = scenario()
    assert [r["type"] for r in replies] == ["ack", "ack", "error"]
    assert replies[2]["client_id"] == "p2" and "Slow down: at most 2 messages per 60 s" in replies[2]["error"]
    assert list(Message.objects.values_list("body", flat=True)) == ["message 0", "message 1"]


def test_new_members_may_not_post_more_links_than_the_limit(member, other_member):
    other_member.date_joined = timezone.now() - timedelta(days=30)
    other_member.save()
    three_links = "see https://a.example https://b.example and https://c.example"
    new_headers, old_headers = headers_for(member), headers_for(other_member)

    @async_to_sync
    async def scenario():
        new, old = await connected(new_headers), await connected(old_headers)
        await new.send_json_to(post_frame(three_links, "n1"))
        refused = (await frames_until(new, lambda f: f.get("type") in ("ack", "error")))[-1]
        await old.send_json_to(post_frame(three_links, "o1"))
        accepted = (await frames_until(old, lambda f: f.get("type") in ("ack", "error")))[-1]
        await new.disconnect()
        await old.disconnect()
        return refused, accepted

    refused, accepted = scenario()
    assert refused["type"] == "error" and "at most 2 links" in refused["error"]
    assert accepted["type"] == "ack"
    assert list(Message.objects.values_list("author__username", flat=True)) == ["grace"]


def test_a_member_deactivated_while_connected_is_refused_on_the_next_action(member):
    headers = headers_for(member)
    User = get_user_model()

    @async_to_sync
    async def scenario():
        ada = await connected(headers)
        await subscribed(ada)
        await ada.send_json_to(post_frame("while active", "p1"))
        first = (await frames_until(ada, is_ack("p1")))[-1]
        await database_sync_to_async(User.objects.filter(pk=member.pk).update)(is_active=False)
        replies = []
        for frame in (
            post_frame("after deactivation", "p2"),
            {"type": "edit", "id": first["id"], "body": "changed", "client_id": "e"},
            {"type": "react", "id": first["id"], "emoji": "👍", "client_id": "r"},
            {"type": "delete", "id": first["id"], "client_id": "d"},
        ):
            await ada.send_json_to(frame)
            replies.append((await frames_until(ada, lambda f: f.get("type") in ("ack", "error")))[-1])
        await ada.disconnect()
        return replies

    replies = scenario()
    assert [r["type"] for r in replies] == ["error"] * 4
    assert all("Sign in" in r["error"] for r in replies)
    message = Message.objects.get()
    assert message.body == "while active" and message.deleted_at is None and not message.reactions.exists()


def test_only_the_author_or_staff_edit_and_delete_a_message(member, other_member, django_user_model, general):
    staff = django_user_model.objects.create_user(username="mod", is_staff=True)
    message = actions.post_message(member, general, "t", "mine")
    grace_headers, staff_headers = headers_for(other_member), headers_for(staff)

    @async_to_sync
    async def scenario():
        grace, mod = await connected(grace_headers), await connected(staff_headers)
        replies = []
        for frame in (
            {"type": "edit", "id": message.pk, "body": "hijacked", "client_id": "e"},
            {"type": "delete", "id": message.pk, "client_id": "d"},
        ):
            await grace.send_json_to(frame)
            replies.append((await frames_until(grace, lambda f: f.get("type") in ("ack", "error")))[-1])
        await mod.send_json_to({"type": "edit", "id": message.pk, "body": "tidied by staff", "client_id": "se"})
        replies.append((await frames_until(mod, lambda f: f.get("type") in ("ack", "error")))[-1])
        await mod.send_json_to({"type": "delete", "id": message.pk, "client_id": "sd"})
        replies.append((await frames_until(mod, lambda f: f.get("type") in ("ack", "error")))[-1])
        await grace.disconnect()
        await mod.disconnect()
        return replies

    replies = scenario()
    assert [r["type"] for r in replies] == ["error", "error", "ack", "ack"]
    assert all("only your own" in r["error"] for r in replies[:2])
    message.refresh_from_db()
    assert message.body == "tidied by staff" and message.deleted_at is not None
    assert list(message.revisions.values_list("body", flat=True)) == ["mine"]


def test_a_flood_of_frames_gets_error_frames_and_the_connection_stays_usable(
    member, other_member, general, monkeypatch
):
    member.is_staff = True
    member.save()
    posted = [actions.post_message(member, general, "t", f"n{i}") for i in range(30)]
    clock = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(consumers, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    headers = headers_for(other_member)

    @async_to_sync
    async def scenario():
        grace = await connected(headers)
        for message in posted:  # 30 frames within the same second: the last 10 are over the limit
            await grace.send_json_to({"type": "read", "channel": "general", "seq": message.seq})
        errors = [await grace.receive_json_from(timeout=5) for _ in range(10)]
        clock.now += 1.5  # a second later the connection may send again
        await grace.send_json_to(post_frame("still here", "after"))
        after = (await frames_until(grace, lambda f: f.get("type") in ("ack", "error")))[-1]
        await grace.disconnect()
        return errors, after

    errors, after = scenario()
    assert all(is_error(e) and "Too many frames" in e["error"] for e in errors)
    assert ReadState.objects.get(member=other_member).last_read_seq == posted[19].seq  # frames 21-30 ignored
    assert after["type"] == "ack" and Message.objects.get(pk=after["id"]).body == "still here"


def test_presence_refreshed_within_the_stale_limit_stays_and_the_rest_drops_out(member, other_member, general):
    service.arrive("process-a.1", member.pk, general)
    service.arrive("process-b.1", other_member.pk, general)
    Presence.objects.update(seen_at=timezone.now() - service.PRESENCE_STALE - timedelta(seconds=1))
    assert service.present_members(general.pk) == []  # neither refreshed: their processes died

    service.touch(["process-a.1"])  # one process still runs and refreshes its connections
    assert service.present_members(general.pk) == ["ada"]


def held_announcements(monkeypatch) -> list[tuple[int, int, str]]:
    """Keep the announcements actions make (channel id, seq, frame text) for the test to deliver itself."""
    held: list[tuple[int, int, str]] = []
    monkeypatch.setattr("roofline.web.chat.actions.announce", lambda *args: held.append(args))
    return held


async def deliver(channel_id: int, seq: int, text: str | None) -> None:
    from channels.layers import get_channel_layer

    from roofline.web.chat.events import channel_group

    message = {"type": "chat.events", "channel": channel_id, "seq": seq}
    if text is not None:
        message["text"] = text
    await get_channel_layer().group_send(channel_group(channel_id), message)


def test_announcements_that_cross_are_sent_in_order_once_and_equal_the_log(member, general, monkeypatch):
    held = held_announcements(monkeypatch)
    headers = headers_for(member)

    @async_to_sync
    async def scenario():
        reader = await connected(headers)
        await subscribed(reader)
        for i in range(3):
            await database_sync_to_async(actions.post_message)(member, general, "t", f"m{i}")
        by_seq = {seq: text for _, seq, text in held}
        for seq in (3, 2, 1, 2):  # two processes' announcements arrive crossed, one twice
            await deliver(general.pk, seq, by_seq[seq])
        events = [(await frames_until(reader, is_event()))[-1] for _ in range(3)]
        while not await reader.receive_nothing(timeout=0.5):  # then nothing more: no repeats
            events.append(await reader.receive_json_from())
        await reader.disconnect()
        return [e for e in events if e["type"] == "event"]

    events = scenario()
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events == service.event_frames(general.pk, 0)  # what a reconnecting client reads from the log


def test_a_lost_announcement_is_filled_from_the_log(member, general, monkeypatch):
    held = held_announcements(monkeypatch)
    monkeypatch.setattr(consumers, "GAP_WAIT_SECONDS", 0.2)
    headers = headers_for(member)

    @async_to_sync
    async def scenario():
        reader = await connected(headers)
        await subscribed(reader)
        for i in range(2):
            await database_sync_to_async(actions.post_message)(member, general, "t", f"m{i}")
        _, seq, text = held[-1]
        await deliver(general.pk, seq, text)  # the announcement of event 1 never comes
        events = [(await frames_until(reader, is_event(), timeout=3))[-1] for _ in range(2)]
        await reader.disconnect()
        return events

    assert [e["message"]["body"] for e in scenario()] == ["m0", "m1"]
