"""What every write in Discussions does (roofline.web.discussions.actions), and what the thread page shows of it:
threads, replies and one level of comments; votes; accepted answers; notifications; revisions; tombstones;
moderation and its audit log; posting limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roofline.web.discussions import actions
from roofline.web.discussions.models import ModerationAction, Notification, Post, PostRevision, Thread, Vote
from roofline.web.discussions.policy import PolicyError, RateLimited
from roofline.web.discussions.search import search_discussions
from tests.web.discussions.conftest import api_post, new_thread, page_post, signed_in, thread_url

pytestmark = pytest.mark.django_db


def hit_ids(query: str, **filters) -> set[int]:
    return {int(hit.object_id) for hit in search_discussions(query, **filters).hits}


def notifications_of(user) -> list[tuple[str, int, str]]:
    return sorted((n.kind, n.post_id, n.actor.get_username()) for n in Notification.objects.filter(recipient=user))


# Threads, replies, comments


def test_starting_a_thread_creates_it_with_its_opening_post(member, papers):
    thread = new_thread(member, papers, title="  Paged attention, revisited  ", body="What does it *measure*?")

    thread.refresh_from_db()
    assert (thread.title, thread.category, thread.author, thread.reply_count) == (
        "Paged attention, revisited", papers, member, 0,
    )  # fmt: skip
    [opening] = thread.posts.all()
    assert opening.is_opening and opening.author == member and opening.parent is None
    assert opening.body == "What does it *measure*?"
    assert "<em>measure</em>" in opening.rendered_html


def test_a_thread_needs_a_title_and_a_body(member, papers):
    with pytest.raises(PolicyError):
        actions.start_thread(member, papers, "   ", "body", [])
    with pytest.raises(PolicyError):
        actions.start_thread(member, papers, "A title", "  \n ", [])
    assert not Thread.objects.exists()


def test_a_reply_counts_and_moves_the_thread_up(member, other_member, papers):
    older = new_thread(member, papers, title="Older")
    newer = new_thread(member, papers, title="Newer")
    assert list(Thread.objects.all()) == [newer, older]

    reply = actions.reply(other_member, older, "A reply that bumps the thread.")

    older.refresh_from_db()
    assert reply.parent is None and not reply.is_opening and reply.thread == older
    assert older.reply_count == 1
    assert older.last_activity_at == reply.created_at
    assert list(Thread.objects.all()) == [older, newer]


def test_a_comment_goes_under_a_reply(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")

    comment = actions.reply(member, thread, "A comment on it.", parent=reply)

    assert comment.parent == reply
    assert list(reply.comments.all()) == [comment]
    thread.refresh_from_db()
    assert thread.reply_count == 2


def test_comments_are_only_one_level_deep(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")
    comment = actions.reply(member, thread, "A comment.", parent=reply)

    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "A comment on a comment.", parent=comment)
    assert not Post.objects.filter(parent=comment).exists()


def test_comments_go_only_under_replies_of_the_same_thread(member, other_member, papers):
    thread = new_thread(member, papers)
    opening = thread.posts.get(is_opening=True)
    elsewhere = actions.reply(other_member, new_thread(member, papers, title="Another"), "A reply elsewhere.")

    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "A comment on the opening post.", parent=opening)
    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "A comment on another thread's reply.", parent=elsewhere)
    assert thread.posts.count() == 1


def test_the_thread_page_shows_replies_and_their_comments(client, member, other_member, papers):
    thread = new_thread(member, papers, body="The opening words.")
    reply = actions.reply(other_member, thread, "The reply words.")
    comment = actions.reply(member, thread, "The comment words.", parent=reply)

    page = client.get(thread_url(thread)).content.decode()

    assert page.index("The opening words.") < page.index("The reply words.") < page.index("The comment words.")
    assert f'id="post-{reply.pk}"' in page and f'id="post-{comment.pk}"' in page


def test_replying_through_the_page_posts_and_lands_on_the_new_post(member, other_member, papers):
    thread = new_thread(member, papers)

    response = page_post(signed_in(other_member), f"/discussions/t/{thread.pk}/reply/", {"body": "Via the page."})

    post = Post.objects.get(body="Via the page.")
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.author == other_member and post.thread == thread


# Votes


def test_a_vote_toggles(member, other_member, papers):
    thread = new_thread(member, papers)
    opening = thread.posts.get(is_opening=True)

    assert actions.toggle_vote(other_member, opening) is True
    opening.refresh_from_db()
    thread.refresh_from_db()
    assert (opening.vote_count, thread.vote_count) == (1, 1)

    assert actions.toggle_vote(other_member, opening) is False
    opening.refresh_from_db()
    thread.refresh_from_db()
    assert (opening.vote_count, thread.vote_count) == (0, 0)
    assert not Vote.objects.exists()


def test_each_member_votes_once_per_post(member, other_member, third_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(member, thread, "A reply worth voting for.")

    actions.toggle_vote(other_member, reply)
    actions.toggle_vote(third_member, reply)
    actions.toggle_vote(other_member, reply)  # takes it back
    actions.toggle_vote(other_member, reply)  # votes again

    reply.refresh_from_db()
    assert reply.vote_count == 2
    assert sorted(Vote.objects.filter(post=reply).values_list("member__username", flat=True)) == ["grace", "linus"]


def test_nobody_votes_for_their_own_post(member, papers):
    thread = new_thread(member, papers)
    with pytest.raises(PolicyError):
        actions.toggle_vote(member, thread.posts.get(is_opening=True))
    assert not Vote.objects.exists()


def test_votes_are_allowed_on_locked_threads(member, other_member, staff, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(member, thread, "A reply.")
    actions.moderate_thread(staff, thread, locked=True)

    assert actions.toggle_vote(other_member, reply) is True
    response = page_post(signed_in(other_member), f"/discussions/p/{reply.pk}/vote/")

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.vote_count == 0  # the page's vote toggled it back


# Accepted answers


def test_the_author_accepts_an_answer_in_q_and_a(member, other_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")

    actions.accept_answer(member, thread, answer)

    thread.refresh_from_db()
    assert thread.accepted_reply == answer and thread.answered


def test_staff_accept_an_answer_for_the_author(member, other_member, staff, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")

    actions.accept_answer(staff, thread, answer)

    thread.refresh_from_db()
    assert thread.accepted_reply == answer


def test_only_the_author_or_staff_accept_an_answer(member, other_member, third_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")

    for someone in (other_member, third_member):
        with pytest.raises(PolicyError):
            actions.accept_answer(someone, thread, answer)
    thread.refresh_from_db()
    assert thread.accepted_reply is None


def test_answers_are_accepted_only_in_answerable_categories(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")

    with pytest.raises(PolicyError):
        actions.accept_answer(member, thread, reply)
    thread.refresh_from_db()
    assert thread.accepted_reply is None


def test_only_a_reply_of_the_thread_can_be_the_answer(member, other_member, qa):
    thread = new_thread(member, qa)
    reply = actions.reply(other_member, thread, "A reply.")
    comment = actions.reply(member, thread, "A comment.", parent=reply)
    other_reply = actions.reply(other_member, new_thread(member, qa, title="Other"), "Elsewhere.")

    for post in (thread.posts.get(is_opening=True), comment, other_reply):
        with pytest.raises(PolicyError):
            actions.accept_answer(member, thread, post)
    thread.refresh_from_db()
    assert thread.accepted_reply is None


def test_the_accepted_answer_is_shown_first(client, member, other_member, third_member, qa):
    thread = new_thread(member, qa)
    first = actions.reply(other_member, thread, "The first reply.")
    second = actions.reply(third_member, thread, "The second reply, which solved it.")
    page = client.get(thread_url(thread)).content.decode()
    assert page.index(f'id="post-{first.pk}"') < page.index(f'id="post-{second.pk}"')

    actions.accept_answer(member, thread, second)

    page = client.get(thread_url(thread)).content.decode()
    assert page.index(f'id="post-{second.pk}"') < page.index(f'id="post-{first.pk}"')
    assert "Accepted answer" in page


def test_an_answer_can_be_unaccepted(member, other_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")
    actions.accept_answer(member, thread, answer)

    actions.accept_answer(member, thread, None)

    thread.refresh_from_db()
    assert thread.accepted_reply is None and not thread.answered


def test_the_page_accepts_and_unaccepts(member, other_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")
    browser = signed_in(member)

    assert page_post(browser, f"/discussions/p/{answer.pk}/accept/").status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_reply == answer

    assert page_post(browser, f"/discussions/p/{answer.pk}/accept/", {"unaccept": "1"}).status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_reply is None


def test_deleting_the_accepted_answer_unaccepts_it(member, other_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")
    actions.accept_answer(member, thread, answer)

    actions.delete_post(other_member, answer)

    thread.refresh_from_db()
    assert thread.accepted_reply is None


# Notifications


def test_a_reply_notifies_the_thread_author(member, other_member, papers):
    thread = new_thread(member, papers)

    reply = actions.reply(other_member, thread, "A reply.")

    assert notifications_of(member) == [("reply", reply.pk, "grace")]
    assert notifications_of(other_member) == []


def test_a_comment_notifies_the_reply_author(member, other_member, third_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")
    Notification.objects.all().delete()

    comment = actions.reply(third_member, thread, "A comment.", parent=reply)

    assert notifications_of(other_member) == [("reply", comment.pk, "linus")]


def test_a_mention_notifies_the_member_mentioned(member, other_member, third_member, papers):
    thread = new_thread(member, papers, body="Asking @linus, who wrote the kernel.")
    opening = thread.posts.get(is_opening=True)
    reply = actions.reply(other_member, thread, "I think @linus knows, and @nobody-here too.")

    assert notifications_of(third_member) == [("mention", opening.pk, "ada"), ("mention", reply.pk, "grace")]


def test_accepting_an_answer_notifies_its_author(member, other_member, qa):
    thread = new_thread(member, qa)
    answer = actions.reply(other_member, thread, "Use a fused kernel.")

    actions.accept_answer(member, thread, answer)

    assert notifications_of(other_member) == [("accepted", answer.pk, "ada")]


def test_nobody_is_notified_of_their_own_actions(member, other_member, qa):
    thread = new_thread(member, qa, body="Note to self, @ada.")
    own = actions.reply(member, thread, "Answering my own question, @ada.")
    reply = actions.reply(other_member, thread, "Another reply.")
    actions.reply(other_member, thread, "Commenting on my own reply.", parent=reply)
    actions.accept_answer(member, thread, own)

    assert notifications_of(member) == [("reply", reply.pk, "grace")]
    assert notifications_of(other_member) == []


def test_marking_notifications_read(member, other_member, papers):
    thread = new_thread(member, papers)
    first = actions.reply(other_member, thread, "One.")
    actions.reply(other_member, thread, "Two.")

    assert actions.mark_read(member, Notification.objects.filter(post=first)) == 1
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 1
    assert actions.mark_read(member) == 1
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_the_inbox_lists_notifications_and_marks_them_read(member, other_member, papers):
    thread = new_thread(member, papers, title="Kernel fusion")
    actions.reply(other_member, thread, "A reply.")
    browser = signed_in(member)

    page = browser.get("/discussions/inbox/").content.decode()
    assert "grace" in page and "replied in" in page and "Kernel fusion" in page

    assert page_post(browser, "/discussions/inbox/").status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


# Edits and revisions


def test_an_edit_keeps_the_earlier_text_with_who_replaced_it_and_when(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "First words.")
    before = timezone.now()

    actions.edit_post(other_member, reply, "Second words.")
    actions.edit_post(other_member, reply, "Third words.")

    reply.refresh_from_db()
    assert reply.body == "Third words." and reply.edited_by == other_member and reply.edited_at >= before
    revisions = list(reply.revisions.order_by("number"))
    assert [(r.number, r.body, r.saved_by) for r in revisions] == [
        (1, "First words.", other_member), (2, "Second words.", other_member),
    ]  # fmt: skip
    assert all(r.saved_at >= before for r in revisions)
    assert "Third words." in reply.rendered_html


def test_editing_the_opening_post_keeps_the_thread_title_then(member, papers):
    thread = new_thread(member, papers, title="Old title", body="Old body.")
    opening = thread.posts.get(is_opening=True)

    actions.edit_post(member, opening, "New body.", title="New title")

    thread.refresh_from_db()
    assert thread.title == "New title"
    [revision] = opening.revisions.all()
    assert (revision.title, revision.body) == ("Old title", "Old body.")


def test_an_edit_that_changes_nothing_keeps_no_revision(member, papers):
    thread = new_thread(member, papers, title="Same", body="Same body.")

    actions.edit_post(member, thread.posts.get(is_opening=True), "Same body.", title="Same")

    assert not PostRevision.objects.exists()


def test_the_history_page_shows_every_version(client, member, papers):
    thread = new_thread(member, papers, title="Old title", body="Version one.")
    opening = thread.posts.get(is_opening=True)
    actions.edit_post(member, opening, "Version two.", title="New title")
    actions.edit_post(member, opening, "Version three.")

    page = client.get(f"/discussions/p/{opening.pk}/history/").content.decode()

    for text in ("Version one.", "Version two.", "Version three.", "Old title", "replaced by ada"):
        assert text in page


def test_a_stale_slug_redirects_to_the_thread_under_its_new_title(client, member, papers):
    thread = new_thread(member, papers, title="Old title")
    old_url = thread_url(thread)
    actions.edit_post(member, thread.posts.get(is_opening=True), "Body.", title="New title")

    response = client.get(old_url)

    assert response.status_code == 301 and response["Location"] == thread_url(thread) != old_url


# Deletes


def test_a_delete_leaves_a_tombstone_at_the_permalink(client, member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "Words to regret.")

    actions.delete_post(other_member, reply)

    reply.refresh_from_db()
    assert reply.is_deleted and reply.deleted_by == other_member and reply.body == "Words to regret."
    response = client.get(reply.get_absolute_url(), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(f"#post-{reply.pk}")
    page = response.content.decode()
    assert f'id="post-{reply.pk}"' in page
    assert "Deleted by the author" in page
    assert "Words to regret." not in page


def test_staff_still_see_deleted_text_and_members_do_not(member, other_member, staff, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "Words to regret.")
    actions.delete_post(other_member, reply)
    url = thread_url(thread)

    assert "Words to regret." in signed_in(staff).get(url).content.decode()
    for viewer in (member, other_member):
        assert "Words to regret." not in signed_in(viewer).get(url).content.decode()
    assert signed_in(member).get(f"/discussions/p/{reply.pk}/history/").status_code == 403
    assert "Words to regret." in signed_in(staff).get(f"/discussions/p/{reply.pk}/history/").content.decode()


def test_a_delete_by_staff_says_who_deleted_it(client, member, other_member, staff, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "Off-topic words.")

    actions.delete_post(staff, reply)

    page = client.get(thread_url(thread)).content.decode()
    assert "Deleted by mod" in page and "Off-topic words." not in page


def test_a_deleted_post_leaves_search(member, other_member, papers):
    thread = new_thread(member, papers, title="Warp specialization", body="Producer consumer warps.")
    reply = actions.reply(other_member, thread, "Consider ping-pong schedules.")
    opening = thread.posts.get(is_opening=True)
    assert hit_ids("schedules") == {reply.pk}
    assert hit_ids("producer") == {opening.pk}

    actions.delete_post(other_member, reply)
    actions.delete_post(member, opening)

    assert hit_ids("schedules") == set()
    assert hit_ids("producer") == set()


def test_a_deleted_reply_no_longer_counts(member, other_member, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "A reply.")
    actions.delete_post(other_member, reply)

    thread.refresh_from_db()
    assert thread.reply_count == 0
    with pytest.raises(PolicyError):
        actions.delete_post(other_member, reply)  # once only
    thread.refresh_from_db()
    assert thread.reply_count == 0


# Moderation


def test_a_locked_thread_refuses_replies_but_takes_votes(member, other_member, staff, papers):
    thread = new_thread(member, papers)
    actions.moderate_thread(staff, thread, locked=True)

    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "Too late.")
    assert actions.toggle_vote(other_member, thread.posts.get(is_opening=True)) is True
    assert thread.posts.count() == 1


def test_only_staff_moderate(member, other_member, papers):
    thread = new_thread(member, papers)
    for someone in (member, other_member):
        with pytest.raises(PolicyError):
            actions.moderate_thread(someone, thread, locked=True)
        with pytest.raises(PolicyError):
            actions.hide_post(someone, thread.posts.get(is_opening=True))
    thread.refresh_from_db()
    assert not thread.locked and not ModerationAction.objects.exists()


def test_a_pinned_thread_comes_first(client, member, papers, staff):
    pinned = new_thread(member, papers, title="House rules")
    latest = new_thread(member, papers, title="A newer thread")

    actions.moderate_thread(staff, pinned, pinned=True)

    assert list(Thread.objects.all()) == [pinned, latest]
    page = client.get("/discussions/").content.decode()
    assert page.index("House rules") < page.index("A newer thread")


def test_a_hidden_thread_disappears_for_members_and_stays_for_staff(client, member, staff, papers):
    thread = new_thread(member, papers, title="Spam thread", body="Buy tokens.")
    url = thread_url(thread)
    opening = thread.posts.get(is_opening=True)

    actions.moderate_thread(staff, thread, hidden=True)

    assert client.get(url).status_code == 404
    assert signed_in(member).get(url).status_code == 404
    assert "Spam thread" not in client.get("/discussions/").content.decode()
    assert signed_in(staff).get(url).status_code == 200
    assert hit_ids("tokens") == set()

    actions.moderate_thread(staff, thread, hidden=False)
    assert hit_ids("tokens") == {opening.pk}


def test_a_hidden_post_shows_to_staff_only(member, other_member, staff, papers):
    thread = new_thread(member, papers)
    reply = actions.reply(other_member, thread, "Rude words.")

    actions.hide_post(staff, reply)

    url = thread_url(thread)
    for viewer in (member, other_member):
        assert "Rude words." not in signed_in(viewer).get(url).content.decode()
        assert signed_in(viewer).get(f"/discussions/p/{reply.pk}/history/").status_code == 403
    assert "Rude words." in signed_in(staff).get(url).content.decode()
    assert hit_ids("rude") == set()


def test_moving_a_thread_keeps_its_permalinks(client, member, other_member, staff, papers, qa):
    thread = new_thread(member, papers, title="Which kernel?")
    reply = actions.reply(other_member, thread, "A reply.")
    url = thread_url(thread)

    actions.moderate_thread(staff, thread, category=qa)

    thread.refresh_from_db()
    assert thread.category == qa
    assert client.get(url).status_code == 200
    response = client.get(reply.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == f"{url}#post-{reply.pk}"
    assert client.get(f"/discussions/t/{thread.pk}/").status_code == 301
    assert hit_ids("kernel", category="q-and-a") == {thread.posts.get(is_opening=True).pk, reply.pk}
    assert hit_ids("kernel", category="papers") == set()


def test_closing_as_duplicate_requires_the_original(member, staff, papers):
    original = new_thread(member, papers, title="The original")
    copy = new_thread(member, papers, title="The copy")

    with pytest.raises(PolicyError):
        actions.moderate_thread(staff, copy, resolution="duplicate")
    with pytest.raises(PolicyError):
        actions.moderate_thread(staff, copy, resolution="duplicate", duplicate_of=copy)
    copy.refresh_from_db()
    assert copy.resolution == "" and copy.duplicate_of is None

    actions.moderate_thread(staff, copy, resolution="duplicate", duplicate_of=original)

    copy.refresh_from_db()
    assert copy.resolution == "duplicate" and copy.duplicate_of == original


def test_the_page_closes_a_thread_as_a_duplicate_of_another(client, member, staff, papers):
    original = new_thread(member, papers, title="The original")
    copy = new_thread(member, papers, title="The copy")
    browser = signed_in(staff)

    refused = page_post(browser, f"/discussions/t/{copy.pk}/moderate/", {"resolution": "duplicate"})
    assert refused.status_code == 403
    done = page_post(
        browser, f"/discussions/t/{copy.pk}/moderate/", {"resolution": "duplicate", "duplicate_of": original.pk}
    )

    assert done.status_code == 302
    page = client.get(thread_url(copy)).content.decode()
    assert "closed as duplicate" in page.lower() and original.get_absolute_url() in page


def test_every_moderation_action_is_in_the_audit_log(member, other_member, staff, qa, papers):
    thread = new_thread(member, qa)
    reply = actions.reply(other_member, thread, "A reply.")
    original = new_thread(member, papers, title="Original")

    actions.moderate_thread(staff, thread, locked=True)
    actions.moderate_thread(staff, thread, pinned=True)
    actions.moderate_thread(staff, thread, category=papers)
    actions.moderate_thread(staff, thread, resolution="duplicate", duplicate_of=original)
    actions.hide_post(staff, reply)
    actions.edit_post(staff, reply, "Edited by staff.")
    actions.delete_post(staff, reply)

    log = list(ModerationAction.objects.order_by("pk"))
    assert [(entry.actor, entry.action, entry.thread_id) for entry in log] == [
        (staff, "moderate", thread.pk),
        (staff, "moderate", thread.pk),
        (staff, "moderate", thread.pk),
        (staff, "moderate", thread.pk),
        (staff, "hide", thread.pk),
        (staff, "edit", thread.pk),
        (staff, "delete", thread.pk),
    ]
    assert [entry.detail for entry in log[:4]] == [
        {"locked": True}, {"pinned": True}, {"category": "papers"},
        {"resolution": "duplicate", "duplicate_of": original.pk},
    ]  # fmt: skip
    assert all(entry.post == reply for entry in log[4:])
    assert all(entry.created_at is not None for entry in log)


def test_members_acting_on_their_own_posts_leave_no_audit_rows(member, other_member, qa):
    thread = new_thread(member, qa)
    reply = actions.reply(other_member, thread, "A reply.")
    actions.edit_post(other_member, reply, "Edited.")
    actions.accept_answer(member, thread, reply)
    actions.delete_post(other_member, reply)

    assert not ModerationAction.objects.exists()


# Posting limits


def test_posts_per_window_are_limited(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(posts_per_window=3, window_seconds=60)
    for n in range(3):
        actions.reply(other_member, thread, f"Reply {n}.")

    with pytest.raises(RateLimited):
        actions.reply(other_member, thread, "One too many.")
    with pytest.raises(RateLimited):
        new_thread(other_member, papers, title="A thread is a post too")
    assert thread.posts.filter(author=other_member).count() == 3


def test_the_window_reopens(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(posts_per_window=2, window_seconds=60)
    actions.reply(other_member, thread, "One.")
    actions.reply(other_member, thread, "Two.")
    Post.objects.filter(author=other_member).update(created_at=timezone.now() - timedelta(seconds=61))

    actions.reply(other_member, thread, "Three, a minute later.")


def test_rate_limited_writes_answer_429(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(posts_per_window=1)
    actions.reply(other_member, thread, "One.")
    browser = signed_in(other_member)

    page = page_post(browser, f"/discussions/t/{thread.pk}/reply/", {"body": "Two."})
    api = api_post(browser, f"/threads/{thread.pk}/replies", {"body": "Two."}, csrf=True)

    assert (page.status_code, api.status_code) == (429, 429)
    assert not Post.objects.filter(body="Two.").exists()


def test_new_members_are_limited_in_posts_per_day(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(new_member_posts_per_day=3)
    earlier = timezone.now() - timedelta(hours=20)
    for n in range(3):
        actions.reply(other_member, thread, f"Reply {n}.")
    Post.objects.filter(author=other_member).update(created_at=earlier)  # out of the per-minute window

    with pytest.raises(RateLimited):
        actions.reply(other_member, thread, "A fourth today.")


def test_new_members_are_limited_in_links_and_mentions(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(new_member_links=2, new_member_mentions=2)

    actions.reply(other_member, thread, "See https://a.example and http://b.example.")
    actions.reply(other_member, thread, "Asking @ada and @linus.")
    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "See https://a.example, https://b.example and https://c.example.")
    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "Asking @ada, @linus and @mod.")
    assert thread.posts.filter(author=other_member).count() == 2


def test_established_members_are_not_held_to_new_member_limits(roomy_limits, django_user_model, member, papers):
    thread = new_thread(member, papers)
    veteran = django_user_model.objects.create_user(username="veteran", password="x")
    django_user_model.objects.filter(pk=veteran.pk).update(date_joined=timezone.now() - timedelta(days=30))
    veteran.refresh_from_db()
    long_ago = timezone.now() - timedelta(days=10)
    for n in range(3):
        actions.reply(veteran, thread, f"Old reply {n}.")
    Post.objects.filter(author=veteran).update(created_at=long_ago)
    roomy_limits.update(new_member_links=0, new_member_mentions=0, new_member_posts_per_day=0)

    actions.reply(veteran, thread, "See https://a.example, asking @ada.")


def test_a_young_account_is_a_new_member_however_many_posts(roomy_limits, member, other_member, papers):
    thread = new_thread(member, papers)
    for n in range(5):
        actions.reply(other_member, thread, f"Reply {n}.")
    roomy_limits.update(new_member_links=0)

    with pytest.raises(PolicyError):
        actions.reply(other_member, thread, "See https://a.example.")


def test_staff_are_exempt_from_limits(roomy_limits, member, staff, papers):
    thread = new_thread(member, papers)
    roomy_limits.update(posts_per_window=1, new_member_posts_per_day=1, new_member_links=0, new_member_mentions=0)

    for n in range(3):
        actions.reply(staff, thread, f"Staff reply {n} with https://a.example for @ada and @grace.")
    assert thread.posts.filter(author=staff).count() == 3


@pytest.mark.parametrize("title", ["Reply", "Moderate", "reply!"])
def test_a_thread_titled_like_one_of_its_actions_keeps_a_working_permalink(client, member, other_member, papers, title):
    thread = new_thread(member, papers, title=title, body="The opening words.")

    page = client.get(thread_url(thread))
    posted = page_post(signed_in(other_member), f"/discussions/t/{thread.pk}/reply/", {"body": "Still replies."})

    assert page.status_code == 200 and "The opening words." in page.content.decode()
    assert posted.status_code == 302 and thread.posts.filter(body="Still replies.").exists()
