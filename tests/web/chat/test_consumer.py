"""The chat socket: messages are stored before they are sent, numbered per channel, and a client that
reconnects after the last number it saw gets exactly what it missed, in order."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from roofline.web.asgi import application
from roofline.web.chat import actions
from roofline.web.chat.models import Channel, ChannelEvent, Message
from tests.web.chat.sockets import connected, frames_until, headers_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def general():
    """#general as the data migration makes it (transactional tests empty the tables between tests)."""
    return Channel.objects.get_or_create(slug="general", defaults={"name": "general"})[0]


def test_a_posted_message_is_stored_then_delivered_to_subscribers_in_order(member, other_member):
    author_headers, reader_headers = headers_for(member), headers_for(other_member)

    @async_to_sync
    async def scenario():
        author = await connected(author_headers)
        reader = await connected(reader_headers)
        for c in (author, reader):
            await c.send_json_to({"type": "subscribe", "channel": "general", "after": 0})
            await frames_until(c, lambda f: f["type"] == "subscribed")
        await author.send_json_to(
            {"type": "post", "channel": "general", "topic": "kv cache", "body": "Hello $x$", "client_id": "a1"}
        )
        got = await frames_until(reader, lambda f: f.get("type") == "event")
        ack = await frames_until(author, lambda f: f.get("type") == "ack")
        await author.disconnect()
        await reader.disconnect()
        return got[-1], ack[-1]

    event, ack = scenario()
    assert event["kind"] == "message" and event["seq"] == 1 and event["message"]["topic"] == "kv cache"
    assert '<span class="math inline">x</span>' in event["message"]["html"]
    assert ack["client_id"] == "a1" and ack["seq"] == 1
    assert Message.objects.get(seq=1).body == "Hello $x$"


def test_a_client_that_reconnects_gets_exactly_the_50_it_missed_in_order(member, general):
    actions.post_message(member, general, "t", "before the drop")
    member.is_staff = True  # staff are not rate limited: 50 messages in a burst
    member.save()
    for i in range(50):
        actions.post_message(member, general, "t", f"missed {i}")
    headers = headers_for(member)

    @async_to_sync
    async def reconnect():
        c = await connected(headers)
        await c.send_json_to({"type": "subscribe", "channel": "general", "after": 1})
        frames = await frames_until(c, lambda f: f.get("type") == "event" and f["seq"] == 51)
        await c.disconnect()
        return [f for f in frames if f.get("type") == "event"]

    events = reconnect()
    assert [e["seq"] for e in events] == list(range(2, 52))
    assert [e["message"]["body"] for e in events] == [f"missed {i}" for i in range(50)]


def test_edits_deletes_and_reactions_are_numbered_events_too(member, other_member, general):
    message = actions.post_message(member, general, "t", "first")
    actions.edit_message(member, message, "second")
    actions.toggle_reaction(other_member, message, "👍")
    actions.delete_message(member, message)
    kinds = list(ChannelEvent.objects.filter(channel=general).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["message", "edit", "reaction", "delete"]
    assert message.revisions.get().body == "first"
    last = ChannelEvent.objects.filter(channel=general).order_by("seq").last().payload["message"]
    assert last["deleted"] and last["body"] == "" and Message.objects.get(pk=message.pk).body == "second"


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("not json", "not JSON"),
        ('{"no": "type"}', 'with a "type"'),
        ('{"type": "teleport"}', "Unknown frame type"),
        ('{"type": "subscribe", "channel": "nope"}', "no channel #nope"),
        ('{"type": "post", "channel": "general", "body": "' + "x" * 10_001 + '"}', "at most 10,000 characters"),
    ],
)
def test_bad_frames_get_an_error_and_the_connection_stays_usable(member, frame, error):
    headers = headers_for(member)

    @async_to_sync
    async def scenario():
        c = await connected(headers)
        await c.send_to(text_data=frame)
        reply = await c.receive_json_from(timeout=5)
        await c.send_json_to({"type": "subscribe", "channel": "general", "after": 0})
        still = await frames_until(c, lambda f: f["type"] == "subscribed")
        await c.disconnect()
        return reply, still[-1]

    reply, still = scenario()
    assert reply["type"] == "error" and error in reply["error"]
    assert still["channel"] == "general"
    assert not Message.objects.exists()


def test_visitors_read_but_cannot_post():
    headers = headers_for(None)

    @async_to_sync
    async def scenario():
        c = await connected(headers)
        await c.send_json_to({"type": "subscribe", "channel": "general", "after": 0})
        await frames_until(c, lambda f: f["type"] == "subscribed")
        await c.send_json_to({"type": "post", "channel": "general", "topic": "t", "body": "hi"})
        reply = await frames_until(c, lambda f: f["type"] == "error")
        await c.disconnect()
        return reply[-1]

    assert "Sign in" in scenario()["error"]
    assert not Message.objects.exists()


def test_the_socket_refuses_other_origins():
    @async_to_sync
    async def scenario():
        c = WebsocketCommunicator(application, "/ws/chat/", headers=[(b"origin", b"https://evil.example")])
        ok, _ = await c.connect(timeout=5)
        await c.disconnect()
        return ok

    assert scenario() is False
