"""Who may do what, through every door: the pages (a signed-in browser, CSRF token sent), the JSON API (a member's
Bearer token) and the actions themselves. Members act only for themselves; staff act for anyone; locked,
hidden and staff-only things refuse everyone else; and no session-authenticated POST works without its CSRF
token."""

import pytest
from django.test import Client

from roofline.web.discussions import actions
from roofline.web.discussions.models import (
    ApiToken,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Thread,
    Vote,
)
from roofline.web.discussions.policy import PolicyError
from roofline.web.discussions.tokens import create_token
from roofline.web.search.models import SearchDocument
from tests.web.discussions.conftest import API, api_post, new_thread, page_post, signed_in, thread_url

pytestmark = pytest.mark.django_db


def token_of(user) -> str:
    return create_token(user, "script")[1]


@pytest.fixture
def qa_thread(member, other_member, qa):
    """A Q&A thread by ada with a reply by grace (and a comment under it by ada)."""
    thread = new_thread(member, qa, title="Why is my kernel slow?", body="The opening question.")
    reply = actions.reply(other_member, thread, "The reply by grace.")
    actions.reply(member, thread, "A comment by ada.", parent=reply)
    return thread


def reply_of(thread) -> Post:
    """grace's reply, the thread's first."""
    return thread.posts.filter(is_opening=False, parent=None).earliest("pk")


def everything() -> dict[str, list[dict]]:
    """Every row Discussions writes, to show that a refused request wrote nothing."""
    models = (Thread, Post, PostRevision, Vote, Notification, ModerationAction, ApiToken, SearchDocument)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# Acting for another member: edit, delete, accept


def test_a_member_cannot_edit_another_members_post_through_the_page(qa_thread, third_member, member):
    reply = reply_of(qa_thread)
    for someone in (third_member, member):  # a bystander, and the thread's author
        browser = signed_in(someone)
        assert browser.get(f"/discussions/p/{reply.pk}/edit/").status_code == 403
        assert page_post(browser, f"/discussions/p/{reply.pk}/edit/", {"body": "Hijacked."}).status_code == 403
    reply.refresh_from_db()
    assert reply.body == "The reply by grace." and not reply.revisions.exists()


def test_a_member_cannot_delete_another_members_post_through_the_page(qa_thread, third_member, member):
    reply = reply_of(qa_thread)
    for someone in (third_member, member):
        assert page_post(signed_in(someone), f"/discussions/p/{reply.pk}/delete/").status_code == 403
    reply.refresh_from_db()
    assert not reply.is_deleted


def test_only_the_thread_author_accepts_through_the_page(qa_thread, other_member, third_member):
    reply = reply_of(qa_thread)
    for someone in (other_member, third_member):  # the reply's own author cannot accept it either
        assert page_post(signed_in(someone), f"/discussions/p/{reply.pk}/accept/").status_code == 403
    qa_thread.refresh_from_db()
    assert qa_thread.accepted_reply is None


def test_only_the_thread_author_unaccepts_through_the_page(qa_thread, member, third_member):
    reply = reply_of(qa_thread)
    actions.accept_answer(member, qa_thread, reply)

    response = page_post(signed_in(third_member), f"/discussions/p/{reply.pk}/accept/", {"unaccept": "1"})

    assert response.status_code == 403
    qa_thread.refresh_from_db()
    assert qa_thread.accepted_reply == reply


def test_a_member_cannot_edit_delete_or_accept_for_another_through_the_api(qa_thread, member, third_member):
    reply = reply_of(qa_thread)
    opening = qa_thread.posts.get(is_opening=True)
    before = everything()
    client = Client()

    for token in (token_of(third_member), token_of(member)):
        assert api_post(client, f"/posts/{reply.pk}/edit", {"body": "Hijacked."}, token=token).status_code == 403
        assert api_post(client, f"/posts/{reply.pk}/delete", token=token).status_code == 403
    bystander = token_of(third_member)
    assert api_post(client, f"/posts/{reply.pk}/accept", token=bystander).status_code == 403
    retitle = {"body": "x", "title": "y"}
    assert api_post(client, f"/posts/{opening.pk}/edit", retitle, token=bystander).status_code == 403
    assert api_post(client, f"/posts/{opening.pk}/delete", token=bystander).status_code == 403

    after = everything()
    after.pop("ApiToken"), before.pop("ApiToken")  # the tokens made (and used) above
    assert after == before


def test_staff_edit_delete_and_accept_for_anyone_through_the_page(qa_thread, staff):
    reply = reply_of(qa_thread)
    browser = signed_in(staff)

    assert page_post(browser, f"/discussions/p/{reply.pk}/edit/", {"body": "Tidied by staff."}).status_code == 302
    assert page_post(browser, f"/discussions/p/{reply.pk}/accept/").status_code == 302
    qa_thread.refresh_from_db()
    assert qa_thread.accepted_reply == reply
    assert page_post(browser, f"/discussions/p/{reply.pk}/delete/").status_code == 302

    reply.refresh_from_db()
    assert reply.body == "Tidied by staff." and reply.edited_by == staff and reply.deleted_by == staff


def test_staff_edit_delete_and_accept_for_anyone_through_the_api(qa_thread, staff):
    reply = reply_of(qa_thread)
    token, client = token_of(staff), Client()

    edited = api_post(client, f"/posts/{reply.pk}/edit", {"body": "Tidied by staff."}, token=token)
    accepted = api_post(client, f"/posts/{reply.pk}/accept", token=token)
    deleted = api_post(client, f"/posts/{reply.pk}/delete", token=token)

    assert (edited.status_code, accepted.status_code, deleted.status_code) == (200, 200, 200)
    assert accepted.json()["accepted_reply"] == reply.pk
    reply.refresh_from_db()
    assert reply.body == "Tidied by staff." and reply.is_deleted


def test_members_edit_and_delete_their_own_posts(qa_thread, other_member):
    reply = reply_of(qa_thread)
    browser = signed_in(other_member)

    assert browser.get(f"/discussions/p/{reply.pk}/edit/").status_code == 200
    assert page_post(browser, f"/discussions/p/{reply.pk}/edit/", {"body": "Clarified."}).status_code == 302
    assert page_post(browser, f"/discussions/p/{reply.pk}/delete/").status_code == 302
    reply.refresh_from_db()
    assert reply.body == "Clarified." and reply.is_deleted


def test_the_page_offers_edit_and_delete_only_where_they_are_allowed(qa_thread, member, third_member, staff):
    reply = reply_of(qa_thread)
    url = thread_url(qa_thread)
    edit_link = f'href="/discussions/p/{reply.pk}/edit/"'

    assert edit_link not in signed_in(third_member).get(url).content.decode()
    assert edit_link not in signed_in(member).get(url).content.decode()
    assert edit_link in signed_in(staff).get(url).content.decode()


# Locked threads


def test_a_locked_thread_refuses_replies_through_the_page(qa_thread, staff, other_member, third_member):
    actions.moderate_thread(staff, qa_thread, locked=True)
    reply = reply_of(qa_thread)
    before = everything()

    for someone in (other_member, third_member):
        browser = signed_in(someone)
        assert page_post(browser, f"/discussions/t/{qa_thread.pk}/reply/", {"body": "Late."}).status_code == 403
        response = page_post(browser, f"/discussions/t/{qa_thread.pk}/reply/", {"body": "Late.", "parent": reply.pk})
        assert response.status_code == 403

    assert everything() == before
    page = signed_in(third_member).get(thread_url(qa_thread)).content.decode()
    assert "locked" in page and 'id="reply-body"' not in page


def test_a_locked_thread_refuses_replies_through_the_api(qa_thread, staff, third_member):
    actions.moderate_thread(staff, qa_thread, locked=True)
    token = token_of(third_member)

    response = api_post(Client(), f"/threads/{qa_thread.pk}/replies", {"body": "Late."}, token=token)

    assert response.status_code == 403
    assert not Post.objects.filter(body="Late.").exists()


def test_a_locked_thread_refuses_edits_by_their_authors_but_not_staff(qa_thread, staff, other_member):
    actions.moderate_thread(staff, qa_thread, locked=True)
    reply = reply_of(qa_thread)

    assert page_post(signed_in(other_member), f"/discussions/p/{reply.pk}/edit/", {"body": "x"}).status_code == 403
    assert page_post(signed_in(staff), f"/discussions/p/{reply.pk}/edit/", {"body": "Noted."}).status_code == 302


def test_staff_still_reply_in_a_locked_thread(qa_thread, staff):
    actions.moderate_thread(staff, qa_thread, locked=True)

    response = page_post(signed_in(staff), f"/discussions/t/{qa_thread.pk}/reply/", {"body": "Locking: see rules."})

    assert response.status_code == 302
    assert Post.objects.filter(body="Locking: see rules.", author=staff).exists()


# Staff-only categories


def test_announcements_refuse_threads_from_members(member, announcements):
    with pytest.raises(PolicyError):
        new_thread(member, announcements, title="Not staff")
    data = {"category": announcements.pk, "title": "Not staff", "body": "Hello."}

    page = page_post(signed_in(member), "/discussions/new/", data)
    payload = {"category": "announcements", "title": "Not staff", "body": "Hi."}
    api = api_post(Client(), "/threads", payload, token=token_of(member))

    assert page.status_code == 422 and "Only staff" in page.content.decode()
    assert api.status_code == 403
    assert not Thread.objects.exists()


def test_staff_open_announcements_and_members_reply(staff, member, announcements):
    response = page_post(
        signed_in(staff), "/discussions/new/", {"category": announcements.pk, "title": "Release", "body": "Out."}
    )

    thread = Thread.objects.get(title="Release")
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert page_post(signed_in(member), f"/discussions/t/{thread.pk}/reply/", {"body": "Congrats."}).status_code == 302


# Hidden threads


def test_a_hidden_thread_is_not_found_by_members(qa_thread, staff, member, third_member):
    reply = reply_of(qa_thread)
    url = thread_url(qa_thread)
    actions.moderate_thread(staff, qa_thread, hidden=True)

    for browser in (Client(), signed_in(member), signed_in(third_member)):
        assert browser.get(url).status_code == 404
        assert browser.get(f"/discussions/t/{qa_thread.pk}/").status_code == 404
        assert browser.get(reply.get_absolute_url()).status_code == 404
        assert browser.get(f"/discussions/p/{reply.pk}/history/").status_code == 404
        assert browser.get(f"{API}/threads/{qa_thread.pk}").status_code == 404
        assert qa_thread.pk not in [t["id"] for t in browser.get(f"{API}/threads").json()]
        assert "Why is my kernel slow?" not in browser.get("/discussions/").content.decode()
    token = token_of(third_member)
    assert api_post(Client(), f"/threads/{qa_thread.pk}/replies", {"body": "x"}, token=token).status_code == 404
    assert api_post(Client(), f"/posts/{reply.pk}/vote", token=token).status_code == 404
    assert page_post(signed_in(third_member), f"/discussions/t/{qa_thread.pk}/reply/", {"body": "x"}).status_code == 404


def test_a_hidden_thread_is_visible_to_staff(qa_thread, staff):
    actions.moderate_thread(staff, qa_thread, hidden=True)
    browser = signed_in(staff)

    page = browser.get(thread_url(qa_thread))
    assert page.status_code == 200 and "The reply by grace." in page.content.decode()
    assert "Why is my kernel slow?" in browser.get("/discussions/").content.decode()
    assert browser.get(f"{API}/threads/{qa_thread.pk}").status_code == 200


# CSRF: a signed-in browser's POST without the token does nothing


def _page_writes(thread, reply, papers) -> list[tuple[str, str, dict]]:
    return [
        ("new thread", "/discussions/new/", {"category": papers.pk, "title": "New one", "body": "Body."}),
        ("reply", f"/discussions/t/{thread.pk}/reply/", {"body": "A reply."}),
        ("comment", f"/discussions/t/{thread.pk}/reply/", {"body": "A comment.", "parent": reply.pk}),
        ("moderate", f"/discussions/t/{thread.pk}/moderate/", {"locked": "1"}),
        ("edit", f"/discussions/p/{reply.pk}/edit/", {"body": "Edited."}),
        ("delete", f"/discussions/p/{reply.pk}/delete/", {}),
        ("vote", f"/discussions/p/{reply.pk}/vote/", {}),
        ("accept", f"/discussions/p/{reply.pk}/accept/", {}),
        ("hide", f"/discussions/p/{reply.pk}/hide/", {"hidden": "1"}),
        ("mark read", "/discussions/inbox/", {}),
        ("create token", "/discussions/tokens/", {"name": "laptop"}),
    ]


PAGE_WRITES = [name for name, _, _ in _page_writes(Thread(pk=1), Post(pk=1), Thread(pk=1))]


@pytest.fixture
def staff_browser(staff, member, qa_thread):
    actions.reply(member, qa_thread, "Pinging @mod.")  # so that staff has something in the inbox to mark read
    return signed_in(staff)


@pytest.mark.parametrize("write", PAGE_WRITES)
def test_a_page_post_without_the_csrf_token_is_refused(write, staff_browser, qa_thread, papers):
    [(_, url, data)] = [w for w in _page_writes(qa_thread, reply_of(qa_thread), papers) if w[0] == write]
    staff_browser.get("/")  # the CSRF cookie is set; the form field is what is missing
    before = everything()

    refused = staff_browser.post(url, data)

    assert refused.status_code == 403
    assert everything() == before
    accepted = page_post(staff_browser, url, data)  # the same request with the token goes through
    assert accepted.status_code in (200, 302)
    assert everything() != before


API_WRITES = ["create thread", "reply", "edit", "delete", "vote", "accept"]


def _api_writes(thread, reply) -> list[tuple[str, str, dict]]:
    return [
        ("create thread", "/threads", {"category": "papers", "title": "Via the API", "body": "Body."}),
        ("reply", f"/threads/{thread.pk}/replies", {"body": "A reply."}),
        ("edit", f"/posts/{reply.pk}/edit", {"body": "Edited."}),
        ("delete", f"/posts/{reply.pk}/delete", {}),
        ("vote", f"/posts/{reply.pk}/vote", {}),
        ("accept", f"/posts/{reply.pk}/accept", {}),
    ]


@pytest.mark.parametrize("write", API_WRITES)
def test_an_api_post_on_a_session_without_the_csrf_token_is_refused(write, staff_browser, qa_thread):
    [(_, path, payload)] = [w for w in _api_writes(qa_thread, reply_of(qa_thread)) if w[0] == write]
    staff_browser.get("/")
    before = everything()

    refused = api_post(staff_browser, path, payload)

    assert refused.status_code == 403
    assert everything() == before
    accepted = api_post(staff_browser, path, payload, csrf=True)
    assert accepted.status_code in (200, 201)
    assert everything() != before


def test_a_wrong_bearer_token_does_not_fall_back_to_the_session_without_csrf(staff_browser, qa_thread):
    before = everything()

    response = api_post(staff_browser, f"/threads/{qa_thread.pk}/replies", {"body": "x"}, token="rfl_not-a-token")

    assert response.status_code in (401, 403)
    assert everything() == before
