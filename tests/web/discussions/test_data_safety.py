"""No edit or delete ever loses text. A seeded random sequence of 100 edits and deletes — by authors and staff,
through the actions, the pages and the API, on opening posts (titles included), replies and comments — is
replayed while the test keeps its own record of every text each post ever had; afterwards every one of them is
still in the database (the current text plus the revisions), in order, with who replaced it, and deleted posts
still hold their text for staff."""

import random

import pytest
from django.test import Client
from django.utils.html import escape

from roofline.web.discussions import actions
from roofline.web.discussions.models import Category, Post, Thread
from roofline.web.discussions.policy import PolicyError
from roofline.web.discussions.tokens import create_token
from tests.web.discussions.conftest import api_post, page_post, signed_in

pytestmark = pytest.mark.django_db

SEED = 20260501
STEPS = 100
WORDS = (
    "kernel warp tile roofline bandwidth latency fp8 softmax <b>bold</b> *stress* `code` a&b "
    "'quoted' \"double\" $x^2$ | pipe # heading"
).split()


class Ledger:
    """What the test knows each post said, and who replaced each version."""

    def __init__(self):
        self.bodies: dict[int, list[str]] = {}  # every body a post had, in order
        self.expected_revisions: dict[int, list[tuple[str, str, str]]] = {}  # (title, body, saved_by) per edit
        self.deleted: set[int] = set()

    def created(self, post: Post) -> None:
        self.bodies[post.pk] = [post.body]
        self.expected_revisions[post.pk] = []


def text(rng: random.Random, n: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
    ending = rng.choice(["", "\n", "  ", "\n\n- a list item\n"])
    return f"step {n}: {words}{ending}"


@pytest.fixture
def cast(django_user_model, staff):
    members = [django_user_model.objects.create_user(username=name, password="x") for name in ("ada", "grace", "linus")]
    return members, staff


def seed_posts(rng, members, ledger) -> list[Post]:
    posts = []
    for n, slug in enumerate(["q-and-a", "papers", "proposals"]):
        author = members[n]
        thread = actions.start_thread(author, Category.objects.get(slug=slug), f"Thread {n} title", text(rng, -1))
        posts.append(thread.posts.get(is_opening=True))
        for m in range(2):
            reply = actions.reply(members[(n + m + 1) % 3], thread, text(rng, -1))
            posts.append(reply)
            posts.append(actions.reply(members[(n + m + 2) % 3], thread, text(rng, -1), parent=reply))
    for post in posts:
        ledger.created(post)
    return posts


def attempt(channel: str, actor, post: Post, op: str, body: str = "", title: str | None = None) -> bool:
    """Edit or delete `post` as `actor` through `channel`; True when it was done, False when refused."""
    if channel == "action":
        fresh = Post.objects.select_related("thread__category", "author").get(pk=post.pk)
        try:
            if op == "edit":
                actions.edit_post(actor, fresh, body, title)
            else:
                actions.delete_post(actor, fresh)
        except PolicyError:
            return False
        return True
    if channel == "page":
        data = {"body": body, "title": title or ""} if op == "edit" else {}
        status = page_post(signed_in(actor), f"/discussions/p/{post.pk}/{op}/", data).status_code
    else:
        payload = {"body": body, "title": title} if op == "edit" else {}
        token = create_token(actor, "script")[1]
        status = api_post(Client(), f"/posts/{post.pk}/{op}", payload, token=token).status_code
    assert status in (200, 302, 403), f"{channel} {op} of post {post.pk} answered {status}"
    return status != 403


def test_a_hundred_random_edits_and_deletes_lose_no_text(cast):
    members, staff = cast
    rng = random.Random(SEED)
    ledger = Ledger()
    posts = seed_posts(rng, members, ledger)
    titles = {post.thread_id: [f"Thread {n} title"] for n, post in enumerate(p for p in posts if p.is_opening)}
    done = {"edit": 0, "delete": 0, "refused": 0, "title": 0}

    for step in range(STEPS):
        post = Post.objects.select_related("thread").get(pk=rng.choice(posts).pk)
        actor = staff if rng.random() < 0.3 else post.author
        channel = rng.choice(["action", "page", "api"])
        op = "delete" if rng.random() < 0.1 else "edit"
        allowed = (actor == staff or not post.is_deleted) if op == "edit" else not post.is_deleted

        if op == "delete":
            assert attempt(channel, actor, post, "delete") == allowed, (step, channel, post.pk)
            if allowed:
                ledger.deleted.add(post.pk)
                done["delete"] += 1
            else:
                done["refused"] += 1
            continue

        current = ledger.bodies[post.pk][-1]
        roll = rng.random()
        body = current if roll < 0.1 else rng.choice(ledger.bodies[post.pk]) if roll < 0.25 else text(rng, step)
        title = None
        if post.is_opening and rng.random() < 0.8:
            title = titles[post.thread_id][-1] if rng.random() < 0.2 else f"Thread retitled at step {step}"
        changes_title = title is not None and title != titles[post.thread_id][-1]
        changes = body != current or changes_title

        assert attempt(channel, actor, post, "edit", body, title) == allowed, (step, channel, post.pk)
        if not allowed:
            done["refused"] += 1
            continue
        if changes:
            then = titles[post.thread_id][-1] if post.is_opening else ""
            ledger.expected_revisions[post.pk].append((then, current, actor.get_username()))
            ledger.bodies[post.pk].append(body)
            done["edit"] += 1
        if changes_title:
            titles[post.thread_id].append(title)
            done["title"] += 1

    # The sequence exercised what it claims to (the seed is fixed, so these are facts about it).
    assert done["edit"] >= 40 and done["delete"] >= 5 and done["refused"] >= 5 and done["title"] >= 3, done

    staff_browser = signed_in(staff)
    for pk, bodies in ledger.bodies.items():
        post = Post.objects.get(pk=pk)
        revisions = list(post.revisions.select_related("saved_by").order_by("number"))
        # Every body the post ever had is its current body or one of its revisions.
        assert {r.body for r in revisions} | {post.body} == set(bodies), pk
        assert post.body == bodies[-1]
        # One revision per change, numbered 1..n, each with the text it replaced and who replaced it.
        assert [r.number for r in revisions] == list(range(1, len(revisions) + 1))
        assert [(r.title, r.body, r.saved_by.get_username()) for r in revisions] == ledger.expected_revisions[pk]
        assert post.is_deleted == (pk in ledger.deleted)
        history = staff_browser.get(f"/discussions/p/{pk}/history/").content.decode()
        for body in bodies:
            assert escape(body) in history, (pk, body)

    for thread in Thread.objects.all():
        opening = thread.posts.get(is_opening=True)
        assert {r.title for r in opening.revisions.all()} | {thread.title} == set(titles[thread.pk])
        assert thread.title == titles[thread.pk][-1]

    # Deleted posts hold their text for staff, and show members only a tombstone.
    member_browser = signed_in(members[0])
    for pk in ledger.deleted:
        post = Post.objects.select_related("thread").get(pk=pk)
        assert post.body == ledger.bodies[pk][-1]
        url = post.thread.get_absolute_url()
        assert post.rendered_html in staff_browser.get(url).content.decode()
        members_page = member_browser.get(url).content.decode()
        assert f'id="post-{pk}"' in members_page and post.rendered_html not in members_page
        assert member_browser.get(f"/discussions/p/{pk}/history/").status_code == 403
