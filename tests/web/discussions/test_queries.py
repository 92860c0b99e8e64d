"""The thread page costs a fixed number of database queries however many replies it has: 10 replies or 500
(with comments, edits, deletes, votes and an accepted answer among them) take the same queries, give or take 2."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roofline.web.discussions import actions
from roofline.web.discussions.models import Post, PostRevision, Thread, Vote
from tests.web.discussions.conftest import new_thread, signed_in

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 500


@pytest.fixture
def authors(django_user_model):
    return [django_user_model.objects.create_user(username=f"author{n}", password="x") for n in range(12)]


def build(thread: Thread, replies: int, authors, viewer, staff) -> Thread:
    """`replies` replies (every 5th with two comments, every 7th edited, every 11th deleted, every 3rd voted for
    by `viewer`), written with bulk_create, rendered once."""
    sample = Post(body="A reply with `code`, *emphasis* and $x^2$.")
    sample.render()
    now = timezone.now()

    def post(n: int, parent=None) -> Post:
        return Post(
            thread=thread, parent=parent, author=authors[n % len(authors)], body=f"Reply {n}.",
            rendered_html=sample.rendered_html, renderer_version=sample.renderer_version,
            edited_at=now if n % 7 == 0 else None, edited_by=authors[n % len(authors)] if n % 7 == 0 else None,
            deleted_at=now if n % 11 == 0 else None, deleted_by=staff if n % 11 == 0 else None,
        )  # fmt: skip

    top = Post.objects.bulk_create([post(n) for n in range(replies)])
    comments = Post.objects.bulk_create(
        [post(n, parent=reply) for n, reply in enumerate(top) if n % 5 == 0 for _ in range(2)]
    )
    everything = top + comments
    PostRevision.objects.bulk_create(
        PostRevision(post=p, number=1, body="Before.", saved_by=p.author) for p in everything if p.edited_at
    )
    Vote.objects.bulk_create(
        Vote(post=p, member=viewer) for n, p in enumerate(everything) if n % 3 == 0 and p.author_id != viewer.pk
    )
    Thread.objects.filter(pk=thread.pk).update(reply_count=len(everything), accepted_reply=top[1])
    thread.refresh_from_db()
    return thread


def queries_for(client, thread: Thread) -> tuple[int, str]:
    url = thread.get_absolute_url()
    client.get(url)  # anything lazily done once (rendering, sessions) is done before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("viewer_kind", ["anonymous", "member", "staff"])
def test_the_thread_page_takes_the_same_queries_for_10_and_500_replies(
    viewer_kind, authors, member, staff, qa, django_assert_max_num_queries
):
    small = build(new_thread(member, qa, title="Small thread"), SMALL, authors, member, staff)
    large = build(new_thread(member, qa, title="Large thread"), LARGE, authors, member, staff)
    actions.moderate_thread(staff, large, pinned=True)
    client = {"anonymous": Client(), "member": signed_in(member), "staff": signed_in(staff)}[viewer_kind]

    small_queries, _ = queries_for(client, small)
    large_queries, page = queries_for(client, large)

    assert large_queries <= small_queries + 2, (small_queries, large_queries)
    with django_assert_max_num_queries(small_queries + 2):
        assert client.get(large.get_absolute_url()).status_code == 200
    # The page did show all of them: every reply and comment has its article.
    assert page.count('<article class="post') == 1 + Post.objects.filter(thread=large, is_opening=False).count()
    assert "Accepted answer" in page and "History" in page and "Deleted by mod" in page
