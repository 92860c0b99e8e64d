"""The chat's pages: a channel with its window of history, permalinks that open the page around a message,
scroll-back without limit, a message's edit history, and search (newest first, by channel, without deleted
messages)."""

import re

import pytest
from django.test import Client

from roofline.web.chat import actions
from roofline.web.chat.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(db) -> Channel:
    return Channel.objects.get(slug="general")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="mod", is_staff=True)  # staff are not rate limited


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seqs_on(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'<li class="chat-message[^"]*" id="m-(\d+)"', html)]


def search_links(html: str) -> list[str]:
    return re.findall(r'<li><h2><a href="([^"]+)">', html)


def test_the_chat_opens_on_the_first_channel():
    response = Client().get("/chat/")
    assert response.status_code == 302 and response["Location"] == "/chat/general/"


def test_a_channel_page_shows_its_messages_and_the_composer_to_members(member, other_member, general):
    actions.post_message(member, general, "kv cache", "The cache holds $K$ and $V$.")
    members_page = signed_in(other_member).get("/chat/general/")
    visitors_page = Client().get("/chat/general/")

    assert members_page.status_code == 200 and visitors_page.status_code == 200
    html = members_page.content.decode()
    assert '<span class="math inline">K</span>' in html and "kv cache" in html
    assert 'id="composer"' in html and 'data-user="grace"' in html
    assert 'aria-label="1 unread"' in html  # grace has not read ada's message
    assert 'id="composer"' not in visitors_page.content.decode() and "to post." in visitors_page.content.decode()
    assert Client().get("/chat/no-such-channel/").status_code == 404


def test_a_permalink_redirects_to_the_channel_page_around_the_message(staff, general):
    posted = [actions.post_message(staff, general, "t", f"message {i}") for i in range(120)]
    target = posted[9]

    response = Client().get(f"/chat/m/{target.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/chat/general/?around={target.seq}#m-{target.seq}"

    around = Client().get(response["Location"]).content.decode()
    assert target.seq in seqs_on(around) and posted[-1].seq not in seqs_on(around)
    assert f'class="chat-message highlighted" id="m-{target.seq}"' in around
    latest = seqs_on(Client().get("/chat/general/").content.decode())
    assert latest == [m.seq for m in posted[-50:]]  # without ?around: the newest 50, oldest first


def test_scroll_back_pages_through_every_message_without_limit(staff, general):
    for i in range(250):
        actions.post_message(staff, general, "t", f"message {i}")
    client = Client()
    before, pages, seen = None, 0, []
    while True:
        query = {"limit": 100} if before is None else {"limit": 100, "before": before}
        messages = client.get("/chat/general/older/", query).json()["messages"]
        if not messages:
            break
        assert [m["seq"] for m in messages] == sorted(m["seq"] for m in messages)  # oldest first in a page
        seen = messages + seen
        before, pages = messages[0]["seq"], pages + 1

    assert pages == 3
    assert [m["body"] for m in seen] == [f"message {i}" for i in range(250)]
    assert len(client.get("/chat/general/older/").json()["messages"]) == 50  # the default page
    assert len(client.get("/chat/general/older/", {"limit": 5000}).json()["messages"]) == 100  # at most 100


def test_the_history_page_lists_earlier_texts_and_hides_deleted_ones_from_members(member, staff, general):
    message = actions.post_message(member, general, "t", "first draft")
    actions.edit_message(member, message, "second draft")
    actions.edit_message(member, message, "final text")

    html = Client().get(f"/chat/m/{message.pk}/history/").content.decode()
    assert html.index("final text") < html.index("second draft") < html.index("first draft")  # newest first

    actions.delete_message(member, message)
    assert signed_in(member).get(f"/chat/m/{message.pk}/history/").status_code == 403
    for_staff = signed_in(staff).get(f"/chat/m/{message.pk}/history/")
    assert for_staff.status_code == 200 and "(deleted)final text" in for_staff.content.decode()


def test_search_finds_messages_newest_first_filters_by_channel_and_drops_deleted_ones(member, staff, general):
    kernels = Channel.objects.get(slug="kernels")
    older = actions.post_message(staff, general, "tiling", "Tiling the matmul for shared memory.")
    newer = actions.post_message(staff, general, "tiling", "Tiling again, with double buffering.")
    elsewhere = actions.post_message(staff, kernels, "tiling", "Tiling in Triton.")
    actions.post_message(staff, general, "other", "Nothing relevant here.")
    client = Client()

    everywhere = client.get("/chat/search/", {"q": "tiling"}).content.decode()
    newest_first = [elsewhere.get_absolute_url(), newer.get_absolute_url(), older.get_absolute_url()]
    assert search_links(everywhere) == newest_first
    assert "3 results, newest first" in everywhere

    in_general = client.get("/chat/search/", {"q": "tiling", "channel": "general"}).content.decode()
    assert search_links(in_general) == [newer.get_absolute_url(), older.get_absolute_url()]

    actions.delete_message(staff, newer)
    after_delete = client.get("/chat/search/", {"q": "tiling", "channel": "general"}).content.decode()
    assert search_links(after_delete) == [older.get_absolute_url()]
    assert search_links(client.get("/chat/search/", {"q": "buffering"}).content.decode()) == []
