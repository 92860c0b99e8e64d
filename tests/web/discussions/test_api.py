"""The Discussions JSON API (/api/discussions/): members' tokens made on the tokens page, the read endpoints, the
write endpoints (a Bearer token, or a session with its CSRF header), and how it answers no auth, bad input and
too many posts."""

import hashlib
import re

import pytest
from django.test import Client

from roofline.web.discussions import actions
from roofline.web.discussions.models import ApiToken, Label, Post, Thread, Vote
from roofline.web.discussions.tokens import create_token
from tests.web.discussions.conftest import API, api_post, new_thread, page_post, signed_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"rfl_[A-Za-z0-9_-]{20,}")


def token_of(user) -> str:
    return create_token(user, "script")[1]


def get(path: str, client: Client | None = None, **params):
    response = (client or Client()).get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


# Tokens


def test_a_token_made_on_the_tokens_page_is_shown_once_and_stored_as_a_digest(member):
    browser = signed_in(member)

    created = page_post(browser, "/discussions/tokens/", {"name": "laptop"})

    assert created.status_code == 200
    [token] = TOKEN.findall(created.content.decode())
    record = ApiToken.objects.get(member=member)
    assert record.name == "laptop"
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(record.prefix) and len(record.prefix) < len(token)
    assert token not in str(list(ApiToken.objects.values()))  # only the digest and a short prefix are stored
    later = browser.get("/discussions/tokens/").content.decode()
    assert token not in later and f"{record.prefix}…" in later and "laptop" in later


def test_a_token_authenticates_as_its_member_and_records_its_last_use(member, papers):
    browser = signed_in(member)
    [token] = TOKEN.findall(page_post(browser, "/discussions/tokens/", {"name": "ci"}).content.decode())
    assert ApiToken.objects.get().last_used_at is None

    response = api_post(Client(), "/threads", {"category": "papers", "title": "By script", "body": "Hi."}, token=token)

    assert response.status_code == 201
    assert Thread.objects.get(title="By script").author == member
    first_use = ApiToken.objects.get().last_used_at
    assert first_use is not None
    api_post(Client(), f"/threads/{response.json()['id']}/replies", {"body": "Again."}, token=token)
    assert ApiToken.objects.get().last_used_at > first_use


def test_a_revoked_token_no_longer_works(member, papers):
    browser = signed_in(member)
    [token] = TOKEN.findall(page_post(browser, "/discussions/tokens/", {"name": "old"}).content.decode())
    record = ApiToken.objects.get()

    assert page_post(browser, "/discussions/tokens/", {"revoke": record.pk}).status_code == 302

    assert not ApiToken.objects.exists()
    response = api_post(Client(), "/threads", {"category": "papers", "title": "x", "body": "y"}, token=token)
    assert response.status_code == 401
    assert not Thread.objects.exists()


def test_a_member_cannot_revoke_another_members_token(member, other_member):
    record, token = create_token(other_member, "grace's")

    page_post(signed_in(member), "/discussions/tokens/", {"revoke": record.pk})

    assert ApiToken.objects.filter(pk=record.pk).exists()


def test_the_tokens_page_is_for_signed_in_members(client):
    response = client.get("/discussions/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_members_token_is_refused(member, papers):
    token = token_of(member)
    member.is_active = False
    member.save()

    response = api_post(Client(), "/threads", {"category": "papers", "title": "x", "body": "y"}, token=token)

    assert response.status_code == 401


# Reading


def test_the_thread_list(member, other_member, staff, papers, qa):
    first = new_thread(member, papers, title="First", labels=Label.objects.filter(slug="kernels"))
    second = new_thread(other_member, qa, title="Second")
    hidden = new_thread(member, papers, title="Hidden")
    actions.moderate_thread(staff, hidden, hidden=True)
    actions.reply(other_member, first, "Bump.")

    threads = get("/threads")

    assert [t["title"] for t in threads] == ["First", "Second"]
    assert threads[0] | {"last_activity_at": None, "created_at": None} == {
        "id": first.pk, "title": "First", "category": "papers", "labels": ["kernels"], "author": "ada",
        "created_at": None, "last_activity_at": None, "locked": False, "pinned": False, "resolution": "",
        "answered": False, "accepted_reply": None, "votes": 0, "replies": 1, "url": first.get_absolute_url(),
    }  # fmt: skip
    assert [t["title"] for t in get("/threads", category="q-and-a")] == ["Second"]
    assert [t["title"] for t in get("/threads", limit=1, offset=1)] == ["Second"]
    assert second.pk in [t["id"] for t in get("/threads")]


def test_the_thread_detail_shows_every_post_with_tombstones_as_null(member, other_member, staff, papers):
    thread = new_thread(member, papers, title="Detail", body="Opening *text*.")
    kept = actions.reply(other_member, thread, "Kept reply.")
    gone = actions.reply(other_member, thread, "Deleted reply.")
    comment = actions.reply(member, thread, "A comment.", parent=kept)
    actions.edit_post(other_member, kept, "Kept reply, edited.")
    actions.delete_post(other_member, gone)

    for viewer in (Client(), signed_in(staff)):
        detail = get(f"/threads/{thread.pk}", viewer)
        assert detail["title"] == "Detail" and detail["replies"] == 2
        posts = {p["id"]: p for p in detail["posts"]}
        opening = thread.posts.get(is_opening=True)
        assert [p["id"] for p in detail["posts"]] == [opening.pk, kept.pk, gone.pk, comment.pk]
        assert posts[kept.pk]["body"] == "Kept reply, edited." and posts[kept.pk]["edited_by"] == "grace"
        assert posts[comment.pk]["parent"] == kept.pk
        assert "<em>text</em>" in detail["posts"][0]["html"]
        assert posts[gone.pk]["body"] is None and posts[gone.pk]["html"] is None
        assert posts[gone.pk]["deleted_at"] is not None and posts[gone.pk]["author"] == "grace"
        assert posts[gone.pk]["url"] == gone.get_absolute_url()


def test_a_missing_thread_is_404(db):
    assert Client().get(f"{API}/threads/999").status_code == 404


def test_search_with_filters(member, other_member, papers, qa):
    kernels = Label.objects.filter(slug="kernels")
    paper = new_thread(member, papers, title="Tensor cores paper", body="Measured tensor throughput.", labels=kernels)
    question = new_thread(other_member, qa, title="Tensor layout question", body="Which tensor layout?")
    answer = actions.reply(member, question, "Use a tensor-friendly layout.")

    def found(**filters) -> set[tuple[str, int]]:
        return {(hit["kind"], hit["id"]) for hit in get("/search", q="tensor", **filters)["hits"]}

    opening_paper = paper.posts.get(is_opening=True).pk
    opening_question = question.posts.get(is_opening=True).pk
    assert found() == {("thread", opening_paper), ("thread", opening_question), ("reply", answer.pk)}
    assert found(category="papers") == {("thread", opening_paper)}
    assert found(label="kernels") == {("thread", opening_paper)}
    assert found(author="grace") == {("thread", opening_question)}
    assert found(answered="no") == {("thread", opening_question), ("reply", answer.pk)}
    actions.accept_answer(other_member, question, answer)
    assert found(answered="yes") == {("thread", opening_question), ("reply", answer.pk)}
    assert found(answered="no") == set()
    result = get("/search", q="tensor", category="papers")
    assert result["total"] == 1 and "<mark>" in result["hits"][0]["title_html"]


# Writing


def test_writing_with_a_bearer_token(member, other_member, qa):
    token, client = token_of(member), Client()
    labels = ["kernels", "bug"]

    payload = {"category": "q-and-a", "title": "Why?", "body": "Q.", "labels": labels}
    thread = api_post(client, "/threads", payload, token=token)
    assert thread.status_code == 201
    body = thread.json()
    assert (body["title"], body["category"], body["author"]) == ("Why?", "q-and-a", "ada")
    assert sorted(body["labels"]) == ["bug", "kernels"]
    pk = body["id"]
    answer = actions.reply(other_member, Thread.objects.get(pk=pk), "Because.")

    comment = api_post(client, f"/threads/{pk}/replies", {"body": "Thanks!", "parent": answer.pk}, token=token)
    assert comment.status_code == 201 and comment.json()["parent"] == answer.pk
    reply = api_post(client, f"/threads/{pk}/replies", {"body": "Follow-up."}, token=token)
    assert reply.status_code == 201 and reply.json()["author"] == "ada" and reply.json()["body"] == "Follow-up."

    opening = Post.objects.get(thread_id=pk, is_opening=True)
    clarified = {"body": "Q, clarified.", "title": "Why, exactly?"}
    edited = api_post(client, f"/posts/{opening.pk}/edit", clarified, token=token)
    assert edited.status_code == 200 and edited.json()["body"] == "Q, clarified."
    assert Thread.objects.get(pk=pk).title == "Why, exactly?"

    voted = api_post(client, f"/posts/{answer.pk}/vote", token=token)
    assert voted.json() == {"voted": True, "votes": 1}
    assert api_post(client, f"/posts/{answer.pk}/vote", token=token).json() == {"voted": False, "votes": 0}

    accepted = api_post(client, f"/posts/{answer.pk}/accept", token=token)
    assert accepted.status_code == 200 and accepted.json()["accepted_reply"] == answer.pk

    deleted = api_post(client, f"/posts/{reply.json()['id']}/delete", token=token)
    assert deleted.status_code == 200 and deleted.json()["body"] is None and deleted.json()["deleted_at"]


def test_writing_with_a_session_and_its_csrf_token(member, papers):
    browser = signed_in(member)

    created = api_post(browser, "/threads", {"category": "papers", "title": "From the page", "body": "JS."}, csrf=True)
    assert created.status_code == 201
    pk = created.json()["id"]
    replied = api_post(browser, f"/threads/{pk}/replies", {"body": "Me again."}, csrf=True)

    assert replied.status_code == 201
    assert Post.objects.filter(thread_id=pk, author=member).count() == 2


def test_writes_without_auth_are_401(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")
    client = Client()
    writes = [
        ("/threads", {"category": "papers", "title": "x", "body": "y"}),
        (f"/threads/{thread.pk}/replies", {"body": "y"}),
        (f"/posts/{reply.pk}/edit", {"body": "y"}),
        (f"/posts/{reply.pk}/delete", {}),
        (f"/posts/{reply.pk}/vote", {}),
        (f"/posts/{reply.pk}/accept", {}),
    ]
    for path, payload in writes:
        assert api_post(client, path, payload).status_code == 401, path
        assert api_post(client, path, payload, token="rfl_made-up").status_code == 401, path
    assert Post.objects.count() == 2 and not Vote.objects.exists()
    reply.refresh_from_db()
    assert reply.body == "A reply." and not reply.is_deleted


@pytest.mark.parametrize(
    "path, payload",
    [
        ("/threads", {"category": "papers", "body": "No title."}),
        ("/threads", {"category": "papers", "title": "No body."}),
        ("/threads", {"title": "No category", "body": "x"}),
        ("/threads/{thread}/replies", {}),
        ("/threads/{thread}/replies", {"body": "x", "parent": "not a number"}),
        ("/posts/{opening}/edit", {"title": "No body"}),
    ],
)
def test_missing_or_malformed_fields_are_422(member, papers, path, payload):
    thread = new_thread(member, papers)
    path = path.format(thread=thread.pk, opening=thread.posts.get().pk)
    before = (Thread.objects.count(), Post.objects.count())

    response = api_post(Client(), path, payload, token=token_of(member))

    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert (Thread.objects.count(), Post.objects.count()) == before


def test_an_unknown_category_or_parent_is_404(member, papers):
    token = token_of(member)
    thread = new_thread(member, papers)

    unknown = api_post(Client(), "/threads", {"category": "nope", "title": "x", "body": "y"}, token=token)
    assert unknown.status_code == 404
    missing_parent = api_post(Client(), f"/threads/{thread.pk}/replies", {"body": "y", "parent": 999}, token=token)
    assert missing_parent.status_code == 404


def test_posting_too_fast_is_429(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(posts_per_window=2)
    token = token_of(other_member)

    codes = [
        api_post(Client(), f"/threads/{thread.pk}/replies", {"body": f"Reply {n}."}, token=token).status_code
        for n in range(3)
    ]

    assert codes == [201, 201, 429]
    assert thread.posts.filter(author=other_member).count() == 2
    thread_429 = api_post(Client(), "/threads", {"category": "papers", "title": "x", "body": "y"}, token=token)
    assert thread_429.status_code == 429 and "detail" in thread_429.json()
