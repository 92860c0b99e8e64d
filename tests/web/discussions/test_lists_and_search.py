"""Finding threads: the lists (latest, new, top over a period, unanswered), category pages, pagination, the Atom
feeds, and search over threads and replies with its filters, escaped highlights and newest-first order. Search
words avoid English stop words, so this holds on PostgreSQL (test_postgres.py) as on SQLite."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from roofline.web.discussions import actions
from roofline.web.discussions.models import Label, Post, Thread
from roofline.web.discussions.search import search_discussions, sync_thread
from tests.web.discussions.conftest import API, new_thread, signed_in

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = re.compile(r'<h2 class="thread-title"><a href="[^"]+">([^<]*)</a>')


def titles_on(url: str, client: Client | None = None) -> list[str]:
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return [unescape(t) for t in TITLE.findall(response.content.decode())]


def age(thread: Thread, days: float) -> None:
    """Make `thread` (and its posts) `days` old, and its last activity then too."""
    then = timezone.now() - timedelta(days=days)
    Thread.objects.filter(pk=thread.pk).update(created_at=then, last_activity_at=then)
    Post.objects.filter(thread=thread).update(created_at=then)
    thread.refresh_from_db()
    sync_thread(thread)


# Lists


def test_latest_lists_threads_by_last_activity(member, other_member, papers):
    quiet = new_thread(member, papers, title="Quiet")
    busy = new_thread(member, papers, title="Busy")
    age(quiet, 2)
    age(busy, 3)
    assert titles_on("/discussions/") == ["Quiet", "Busy"]

    actions.reply(other_member, busy, "Bump.")

    assert titles_on("/discussions/") == ["Busy", "Quiet"]
    assert titles_on("/discussions/?sort=latest") == ["Busy", "Quiet"]


def test_new_lists_threads_by_creation_whatever_their_activity(member, other_member, papers):
    older = new_thread(member, papers, title="Older")
    newer = new_thread(member, papers, title="Newer")
    age(older, 3)
    age(newer, 2)
    actions.reply(other_member, older, "Bump.")

    assert titles_on("/discussions/?sort=new") == ["Newer", "Older"]


def test_top_lists_the_most_voted_threads_of_the_period(member, other_member, third_member, staff, papers):
    recent_popular = new_thread(member, papers, title="Recent popular")
    recent_quiet = new_thread(member, papers, title="Recent quiet")
    old_famous = new_thread(member, papers, title="Old famous")
    for voter in (other_member, third_member, staff):
        actions.toggle_vote(voter, old_famous.posts.get())
    for voter in (other_member, third_member):
        actions.toggle_vote(voter, recent_popular.posts.get())
    age(old_famous, 40)
    age(recent_popular, 3)
    age(recent_quiet, 1)

    assert titles_on("/discussions/?sort=top&period=week") == ["Recent popular", "Recent quiet"]
    assert titles_on("/discussions/?sort=top") == ["Recent popular", "Recent quiet"]  # a month by default
    assert titles_on("/discussions/?sort=top&period=year") == ["Old famous", "Recent popular", "Recent quiet"]
    assert titles_on("/discussions/?sort=top&period=all")[0] == "Old famous"
    age(recent_quiet, 10)
    assert titles_on("/discussions/?sort=top&period=week") == ["Recent popular"]


def test_unanswered_lists_open_questions_only(member, other_member, qa, papers):
    answered = new_thread(member, qa, title="Answered question")
    new_thread(member, qa, title="Open question")
    new_thread(member, papers, title="A paper (nothing to answer)")
    actions.accept_answer(member, answered, actions.reply(other_member, answered, "The answer."))

    assert titles_on("/discussions/?sort=unanswered") == ["Open question"]
    actions.accept_answer(member, answered, None)
    assert set(titles_on("/discussions/?sort=unanswered")) == {"Open question", "Answered question"}


def test_a_category_page_lists_its_threads_only(member, papers, qa, staff):
    new_thread(member, papers, title="A paper")
    new_thread(member, qa, title="A question")
    moved = new_thread(member, papers, title="Moved to Q&A")
    actions.moderate_thread(staff, moved, category=qa)

    assert titles_on("/discussions/c/papers/") == ["A paper"]
    assert titles_on("/discussions/c/q-and-a/") == ["Moved to Q&A", "A question"]
    assert set(titles_on("/discussions/")) == {"A paper", "A question", "Moved to Q&A"}
    assert titles_on("/discussions/c/q-and-a/?sort=unanswered") == ["Moved to Q&A", "A question"]
    assert Client().get("/discussions/c/no-such-category/").status_code == 404


def test_hidden_threads_are_listed_for_staff_only(member, staff, papers):
    new_thread(member, papers, title="Visible")
    hidden = new_thread(member, papers, title="Hidden")
    actions.moderate_thread(staff, hidden, hidden=True)

    assert titles_on("/discussions/", signed_in(member)) == ["Visible"]
    assert titles_on("/discussions/c/papers/") == ["Visible"]
    assert titles_on("/discussions/", signed_in(staff)) == ["Hidden", "Visible"]


def test_lists_are_paginated(member, papers):
    for n in range(30):
        new_thread(member, papers, title=f"Thread {n:02}")

    first = Client().get("/discussions/?sort=new")
    second = titles_on("/discussions/?sort=new&page=2")

    page_one = [unescape(t) for t in TITLE.findall(first.content.decode())]
    assert len(page_one) == 25 and len(second) == 5
    assert set(page_one) | set(second) == {f"Thread {n:02}" for n in range(30)}
    assert "Page 1 of 2" in first.content.decode() and 'rel="next"' in first.content.decode()
    assert titles_on("/discussions/?sort=new&page=99") == second  # past the end: the last page
    assert len(titles_on("/discussions/c/papers/?page=2")) == 5


# Feeds


def atom_entries(url: str) -> list[str]:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text and feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}link").get("href")
        assert entry.find(f"{ATOM}author/{ATOM}name").text
    return [entry.find(f"{ATOM}title").text for entry in entries]


def test_the_site_wide_feed_is_atom_and_leaves_out_hidden_threads(member, staff, papers, qa):
    new_thread(member, papers, title="A paper")
    new_thread(member, qa, title="A <question> & more")
    hidden = new_thread(member, qa, title="Hidden spam")
    actions.moderate_thread(staff, hidden, hidden=True)

    assert atom_entries("/discussions/feed/atom/") == ["A <question> & more", "A paper"]


def test_a_category_feed_is_atom_and_holds_its_threads(member, staff, papers, qa):
    new_thread(member, papers, title="A paper")
    new_thread(member, qa, title="A question")
    hidden = new_thread(member, qa, title="Hidden spam")
    actions.moderate_thread(staff, hidden, hidden=True)

    assert atom_entries("/discussions/c/q-and-a/feed/atom/") == ["A question"]
    assert atom_entries("/discussions/c/papers/feed/atom/") == ["A paper"]
    assert atom_entries("/discussions/c/announcements/feed/atom/") == []
    assert Client().get("/discussions/c/no-such-category/feed/atom/").status_code == 404


def test_a_feed_entry_carries_the_opening_post_and_not_its_deleted_or_hidden_text(member, staff, papers):
    kept = new_thread(member, papers, title="Kept", body="Readable *opening*.")
    deleted = new_thread(member, papers, title="Deleted", body="Regretted words.")
    hidden = new_thread(member, papers, title="Hidden post", body="Rude words.")
    actions.delete_post(member, deleted.posts.get())
    actions.hide_post(staff, hidden.posts.get())

    feed = Client().get("/discussions/feed/atom/").content.decode()

    assert "<em>opening</em>" in unescape(feed) and kept.get_absolute_url() in feed
    assert "Regretted words." not in feed and "Rude words." not in feed


# Search


def search_page(client: Client | None = None, **params) -> tuple[list[str], str]:
    """The result links of the search page, and the page."""
    response = (client or Client()).get("/discussions/search/", params)
    assert response.status_code == 200
    page = response.content.decode()
    results = page.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0] if "search-results" in page else ""
    return re.findall(r'<h2><a href="([^"]+)">', results), results


def test_search_finds_a_thread_by_a_word_in_a_reply(member, other_member, papers):
    thread = new_thread(member, papers, title="Attention kernels", body="How to fuse them?")
    reply = actions.reply(other_member, thread, "Try the flashinfer library.")

    links, _ = search_page(q="flashinfer")

    assert links == [reply.get_absolute_url()]
    landing = Client().get(links[0], follow=True)
    assert landing.redirect_chain[-1][0].endswith(f"#post-{reply.pk}")
    assert "Attention kernels" in landing.content.decode()


def test_search_filters_by_category_label_and_author(member, other_member, papers, qa):
    kernels = Label.objects.filter(slug="kernels")
    paper = new_thread(member, papers, title="Sparsity paper", body="Structured sparsity results.", labels=kernels)
    question = new_thread(other_member, qa, title="Sparsity question", body="Does sparsity help?")

    assert set(search_page(q="sparsity")[0]) == {paper.get_absolute_url(), question.get_absolute_url()}
    assert search_page(q="sparsity", category="papers")[0] == [paper.get_absolute_url()]
    assert search_page(q="sparsity", category="q-and-a")[0] == [question.get_absolute_url()]
    assert search_page(q="sparsity", label="kernels")[0] == [paper.get_absolute_url()]
    assert search_page(q="sparsity", label="training")[0] == []
    assert search_page(q="sparsity", author="grace")[0] == [question.get_absolute_url()]


def test_search_follows_relabelling_and_moving(member, staff, papers, qa):
    thread = new_thread(member, papers, title="Sparsity notes")

    actions.moderate_thread(staff, thread, category=qa)

    assert search_page(q="sparsity", category="papers")[0] == []
    assert search_page(q="sparsity", category="q-and-a")[0] == [thread.get_absolute_url()]


def test_accepting_an_answer_moves_the_thread_from_unanswered_to_answered(member, other_member, qa):
    question = new_thread(member, qa, title="Occupancy question", body="Why low occupancy?")
    answer = actions.reply(other_member, question, "Registers limit occupancy.")
    both = {question.get_absolute_url(), answer.get_absolute_url()}
    assert set(search_page(q="occupancy", answered="no")[0]) == both
    assert search_page(q="occupancy", answered="yes")[0] == []

    actions.accept_answer(member, question, answer)

    assert search_page(q="occupancy", answered="no")[0] == []
    assert set(search_page(q="occupancy", answered="yes")[0]) == both

    actions.accept_answer(member, question, None)

    assert set(search_page(q="occupancy", answered="no")[0]) == both
    assert search_page(q="occupancy", answered="yes")[0] == []


def test_highlighted_snippets_escape_html(member, other_member, papers):
    thread = new_thread(member, papers, title="Quantization <b>tricks</b>", body="About quantization.")
    actions.reply(other_member, thread, "Beware <script>alert('pwned')</script> when quantization & pruning mix.")

    _, results = search_page(q="quantization")

    assert "<script>alert" not in results and "<b>tricks</b>" not in results
    assert "&lt;script&gt;" in results and "&lt;b&gt;tricks&lt;/b&gt;" in results and "&amp; pruning" in results
    assert re.search(r"<mark>quantization</mark>", results, re.IGNORECASE)
    hits = Client().get(f"{API}/search", {"q": "quantization"}).json()["hits"]
    assert all("<script>" not in h["snippet_html"] and "<b>" not in h["title_html"] for h in hits)


def test_search_orders_newest_first_on_request(member, papers):
    oldest = new_thread(member, papers, title="Pipelining pipelining pipelining", body="Pipelining.")
    middle = new_thread(member, papers, title="Something else", body="A note on pipelining.")
    newest = new_thread(member, papers, title="Another thing", body="Pipelining, briefly.")
    age(oldest, 3)
    age(middle, 2)
    age(newest, 1)
    expected = [newest.get_absolute_url(), middle.get_absolute_url(), oldest.get_absolute_url()]

    assert search_page(q="pipelining")[0][0] == oldest.get_absolute_url()  # most relevant first by default
    assert search_page(q="pipelining", sort="new")[0] == expected
    assert [h.url for h in search_discussions("pipelining", recent=True).hits] == expected
    api = Client().get(f"{API}/search", {"q": "pipelining", "sort": "new"}).json()
    assert [h["url"] for h in api["hits"]] == expected


def test_search_leaves_out_hidden_threads_and_deleted_posts(member, other_member, staff, papers):
    hidden = new_thread(member, papers, title="Hidden benchmarking", body="Benchmarking spam.")
    thread = new_thread(member, papers, title="Visible", body="Nothing here.")
    deleted = actions.reply(other_member, thread, "Benchmarking regret.")
    actions.moderate_thread(staff, hidden, hidden=True)
    actions.delete_post(other_member, deleted)

    assert search_page(q="benchmarking")[0] == []
    assert search_page(signed_in(staff), q="benchmarking")[0] == []


def test_an_empty_search_shows_the_form_only(db):
    links, results = search_page(q="   ")
    assert links == [] and results == ""
