"""@mentions in chat reach the member named: the site's inbox lists them and counts them in the header, the
channel list shows them per channel, the message is marked for them; reading the channel or the inbox's "mark
all read" clears them; an edit that adds a name notifies that member once."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from roofline.web.chat import actions, service
from roofline.web.chat.models import Channel, ChannelEvent, Mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(db) -> Channel:
    return Channel.objects.get(slug="general")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def header_count(html: str) -> int:
    found = re.search(r'aria-label="Inbox, (\d+) unread"', html)
    return int(found.group(1))


def test_a_mention_reaches_the_inbox_header_channel_list_and_message(member, other_member, general):
    message = actions.post_message(member, general, "kv cache", "@grace can you check the **paged** layout?")
    grace = signed_in(other_member)

    inbox = grace.get("/discussions/inbox/").content.decode()
    assert header_count(inbox) == 1
    assert "ada mentioned you in" in inbox
    assert f'href="{message.get_absolute_url()}"' in inbox
    assert "#general › kv cache" in inbox

    channel = grace.get("/chat/general/").content.decode()
    assert 'aria-label="1 unread mentions of you">@1<' in channel
    assert re.search(rf'class="chat-message[^"]* mentions-me" id="m-{message.seq}"', channel)
    # the author sees no mention of themselves
    ada_page = signed_in(member).get("/chat/general/").content.decode()
    assert "mentions-me" not in ada_page and header_count(ada_page) == 0


def test_the_live_event_names_the_mentioned_members(member, other_member, general, django_user_model):
    django_user_model.objects.create_user(username="linus")
    member.date_joined -= timedelta(days=30)  # past the new members' limit of two mentions
    member.save()
    actions.post_message(member, general, "t", "@grace @linus @nobody have a look")
    event = ChannelEvent.objects.get(channel=general, kind="message")
    assert event.payload["message"]["mentions"] == ["grace", "linus"]


def test_an_edit_that_adds_a_name_notifies_that_member_once(member, other_member, general, django_user_model):
    linus = django_user_model.objects.create_user(username="linus")
    message = actions.post_message(member, general, "t", "@grace first draft")
    actions.edit_message(member, message, "@grace and @linus, second draft")
    actions.edit_message(member, message, "@grace and @linus, third draft")
    assert Mention.objects.filter(message=message, member=other_member).count() == 1
    assert Mention.objects.filter(message=message, member=linus).count() == 1
    edit = ChannelEvent.objects.filter(channel=general, kind="edit").last()
    assert edit.payload["message"]["mentions"] == ["grace", "linus"]


def test_an_edit_cannot_pass_the_new_members_limits(member, other_member, general):
    message = actions.post_message(member, general, "t", "plain words")
    with pytest.raises(actions.ChatError, match="at most 2 people"):
        actions.edit_message(member, message, "@grace @linus @ken @dennis")
    message.refresh_from_db()
    assert message.body == "plain words" and not Mention.objects.exists()


def test_reading_the_channel_past_the_message_clears_its_mention(member, other_member, general):
    first = actions.post_message(member, general, "t", "@grace one")
    second = actions.post_message(member, general, "t", "@grace two")
    general.refresh_from_db()  # its last seq, as the socket's read frame finds it
    service.mark_read(other_member, general, first.seq)
    assert list(service.unread_mentions(other_member).values_list("message", flat=True)) == [second.pk]
    service.mark_read(other_member, general, second.seq)
    assert header_count(signed_in(other_member).get("/discussions/inbox/").content.decode()) == 0


def test_mark_all_read_in_the_inbox_clears_chat_mentions(member, other_member, general):
    actions.post_message(member, general, "t", "@grace ping")
    grace = signed_in(other_member)
    token = grace.get("/discussions/inbox/").cookies["csrftoken"].value
    assert grace.post("/discussions/inbox/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert not service.unread_mentions(other_member).exists()
    assert "new</span>" not in grace.get("/discussions/inbox/").content.decode()


def test_a_deleted_message_no_longer_counts_as_a_mention(member, other_member, general):
    message = actions.post_message(member, general, "t", "@grace oops, wrong person")
    actions.delete_message(member, message)
    assert service.unread_mention_counts(other_member) == {}
    assert header_count(signed_in(other_member).get("/discussions/inbox/").content.decode()) == 0
