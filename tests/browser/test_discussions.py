"""Discussions in a real browser, between two members who signed in with GitHub (through the local stand-in,
tests/github_standin.py), each in a browser context of their own: a Q&A thread with math and code, a reply,
votes and the accepted answer, an edit and its history, a comment and its tombstone, search, and the inboxes."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from roofline.web.discussions.models import Category, Notification, Post, Thread
from tests.browser.conftest import close_contexts, collect_errors
from tests.github_standin import github_identity

pytestmark = pytest.mark.browser


def avatar(colour: str) -> str:
    """An avatar the browser can show offline (the site's CSP allows data: images)."""
    square = f"<rect width='24' height='24' fill='{colour}'/>"
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' width='24' height='24'>{square}</svg>"
    return "data:image/svg+xml," + quote(svg)


ADA = github_identity(1815, "ada-lovelace", "Ada Lovelace", avatar("#7b3fa0"))
GRACE = github_identity(1906, "grace-hopper", "Grace Hopper", avatar("#1f6f43"))

TITLE = "Why does my fused softmax kernel lose precision?"
QUESTION = """My kernel computes $x^2$ before the softmax, and the result drifts from the reference:

```python
def softmax(x):
    exps = [math.exp(v * v) for v in x]
    return [e / sum(exps) for e in exps]
```

What am I missing?"""
FIRST_GUESS = "Which dtype do the inputs have? Half precision overflows early."
ANSWER = "Subtract the maximum before exponentiating: the flibbertigibbet trick keeps $e^{x}$ finite."
EDITED_ANSWER = "Subtract the row maximum before exponentiating: the flibbertigibbet trick keeps $e^{x - m}$ finite."
SEARCH_WORD = "flibbertigibbet"  # in the answer only: not in the title, the question, or anything else
COMMENT = "Thanks, that fixed it. Could you show the code too?"


@pytest.fixture
def qa_category(live_url) -> Category:
    """Q&A (made by a data migration; the live server's database is emptied after each browser test)."""
    category, _ = Category.objects.get_or_create(
        slug="q-and-a", defaults={"name": "Q&A", "answerable": True, "description": "Technical questions."}
    )
    return category


@pytest.fixture
def open_page(browser, request):
    """Open a page in a browser context of its own (its own cookies: another member). Each page collects its
    console errors, uncaught exceptions and CSP refusals in page.errors; a failing test screenshots them all."""
    contexts = []

    def open_page(name: str):
        context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        contexts.append((name, context, page))
        page.errors = collect_errors(page)
        return page

    yield open_page
    close_contexts(request, contexts)


def sign_in_with_github(page, live_url: str, github, identity) -> None:
    """Press "Sign in with GitHub" on the sign-in page; the stand-in consents as `identity` and sends the
    browser back to the callback, which signs the member in and returns to Discussions."""
    user, _ = identity
    github.sign_in_as(*identity)
    page.goto(f"{live_url}/accounts/login/?next=/discussions/")
    page.get_by_role("button", name="Sign in with GitHub").click()
    expect(page).to_have_url(f"{live_url}/discussions/")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=user["login"], exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


def post_id_from(url: str) -> int:
    """The post a permalink redirect landed on: .../t/<id>/<slug>/#post-<pk>."""
    match = re.search(r"#post-(\d+)$", url)
    assert match, f"not a post's address: {url}"
    return int(match.group(1))


def inbox_link(page):
    return page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Inbox, \d+ unread$"))


def test_two_members_ask_answer_accept_edit_comment_search_and_read_their_inboxes(
    live_url, github, qa_category, open_page
):
    ada, grace = open_page("ada"), open_page("grace")

    # Both sign in with GitHub, each in a browser of their own; the stand-in was asked by each browser.
    sign_in_with_github(ada, live_url, github, ADA)
    sign_in_with_github(grace, live_url, github, GRACE)
    assert [r["client_id"] for r in github.authorize_requests] == ["test-client-id", "test-client-id"]
    assert {r["redirect_uri"] for r in github.authorize_requests} == {f"{live_url}/accounts/github/login/callback/"}
    expect(inbox_link(ada)).to_have_accessible_name("Inbox, 0 unread")

    # Ada opens a Q&A thread with math and a Python block.
    ada.get_by_role("link", name="New thread").click()
    ada.get_by_label("Category").select_option(label="Q&A")
    ada.get_by_label("Title").fill(TITLE)
    ada.get_by_label("Body").fill(QUESTION)
    ada.get_by_role("button", name="Post thread").click()
    expect(ada.get_by_role("heading", level=1)).to_have_text(TITLE)
    thread_url = ada.url
    thread = Thread.objects.get()
    assert thread_url == f"{live_url}{thread.get_absolute_url()}"

    opening = ada.get_by_role("article", name="Opening post by ada-lovelace")
    math = opening.locator(".math")
    expect(math).to_have_count(1)
    expect(math.locator(".katex")).to_be_attached()
    expect(math).to_have_attribute("data-rendered", "1")
    expect(opening.locator(".katex-error")).to_have_count(0)
    assert "$" not in opening.locator(".prose").inner_text()
    code = opening.locator("pre.highlight")
    expect(code).to_be_visible()
    expect(code.locator("span.k", has_text="def")).to_have_count(1)
    expect(code.locator("span.nf", has_text="softmax")).to_have_count(1)
    keyword_colour = code.locator("span.k").first.evaluate("el => getComputedStyle(el).color")
    assert keyword_colour != code.evaluate("el => getComputedStyle(el).color"), "highlight.css did not apply"
    # The author is shown with the GitHub identity they signed in with.
    expect(opening.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(opening.get_by_role("link", name="@ada-lovelace")).to_have_attribute(
        "href", "https://github.com/ada-lovelace"
    )
    avatar_image = opening.locator(".post-head img.avatar-sm")
    expect(avatar_image).to_have_attribute("src", ADA[0]["avatar_url"])
    assert avatar_image.evaluate("img => img.complete && img.naturalWidth > 0"), "the GitHub avatar did not load"

    # Grace replies twice: a guess, then the answer.
    grace.goto(thread_url)
    for text in (FIRST_GUESS, ANSWER):
        grace.get_by_label("Reply (Markdown: code, $math$)").fill(text)
        grace.get_by_role("button", name="Reply", exact=True).click()
        expect(grace.locator(".replies").get_by_text(text.split(":")[0])).to_be_visible()
    guess_id, answer_id = Post.objects.filter(parent=None, is_opening=False).order_by("pk").values_list("pk", flat=True)
    assert post_id_from(grace.url) == answer_id  # the reply's permalink
    expect(grace.get_by_role("heading", name="2 replies")).to_be_visible()
    answer = grace.locator(f"#post-{answer_id}")
    expect(answer.locator(".math .katex")).to_be_attached()

    # Ada's header counts the two replies as unread; the inbox lists them and leads to the answer.
    ada.reload()
    expect(inbox_link(ada)).to_have_accessible_name("Inbox, 2 unread")
    expect(inbox_link(ada).locator(".unread-count")).to_have_text("2")
    inbox_link(ada).click()
    expect(ada).to_have_url(f"{live_url}/discussions/inbox/")
    items = ada.locator("ul.inbox > li.unread")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("grace-hopper replied in")
    expect(items.first.get_by_role("link", name=TITLE)).to_have_attribute("href", f"/discussions/p/{answer_id}/")
    items.first.get_by_role("link", name=TITLE).click()
    expect(ada).to_have_url(f"{thread_url}#post-{answer_id}")
    ada.goto(f"{live_url}/discussions/inbox/")
    ada.get_by_role("button", name="Mark all read").click()
    expect(ada.locator("ul.inbox > li.unread")).to_have_count(0)
    expect(inbox_link(ada)).to_have_accessible_name("Inbox, 0 unread")
    expect(inbox_link(ada).locator(".unread-count")).to_have_count(0)

    # Ada upvotes the answer and accepts it: it moves above the earlier reply, flagged as the accepted answer.
    ada.goto(thread_url)
    replies = ada.locator(".replies > article.post")
    expect(replies).to_have_count(2)
    expect(replies.first).to_have_id(f"post-{guess_id}")
    answer = ada.locator(f"#post-{answer_id}")
    vote = answer.get_by_role("button", name="▲ 0")
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(answer.get_by_role("button", name="▲ 1")).to_have_attribute("aria-pressed", "true")
    answer.get_by_role("button", name="Accept answer").click()
    expect(replies.first).to_have_id(f"post-{answer_id}")
    expect(replies.first).to_have_class(re.compile(r"\baccepted\b"))
    expect(replies.first.locator(".post-head")).to_contain_text("Accepted answer")
    expect(replies.nth(1)).not_to_contain_text("Accepted answer")
    expect(answer.get_by_role("button", name="Unaccept")).to_be_visible()
    expect(ada.locator("article.thread > header")).to_contain_text("Answered")
    thread.refresh_from_db()
    assert thread.accepted_reply_id == answer_id

    # Grace edits the answer; "edited by" opens the history, which still has what she wrote first.
    grace.goto(thread_url)
    answer = grace.locator(f"#post-{answer_id}")
    expect(answer.locator(".post-head")).to_contain_text("Accepted answer")
    expect(answer.get_by_role("link", name=re.compile("^edited by"))).to_have_count(0)
    answer.get_by_role("link", name="Edit").click()
    expect(grace.get_by_label("Body")).to_have_value(ANSWER)
    grace.get_by_label("Body").fill(EDITED_ANSWER)
    grace.get_by_role("button", name="Save").click()
    expect(grace).to_have_url(f"{thread_url}#post-{answer_id}")
    expect(answer.locator(".prose")).to_contain_text("Subtract the row maximum")
    expect(answer.locator(".math .katex")).to_be_attached()
    edited = answer.get_by_role("link", name=re.compile(r"^edited by grace-hopper "))
    expect(edited).to_be_visible()
    edited.click()
    expect(grace).to_have_url(f"{live_url}/discussions/p/{answer_id}/history/")
    current = grace.get_by_role("region", name=re.compile("^Current"))
    expect(current.locator("pre")).to_have_text(EDITED_ANSWER)
    version = grace.get_by_role("region", name=re.compile("^Version 1"))
    expect(version.locator("pre")).to_have_text(ANSWER)
    expect(version.get_by_role("heading")).to_contain_text("replaced by grace-hopper")
    grace.get_by_role("link", name="Back to the post").click()
    expect(grace).to_have_url(f"{thread_url}#post-{answer_id}")

    # Ada comments on the answer, then deletes her comment: a tombstone stays at its permalink.
    ada.goto(thread_url)
    answer = ada.locator(f"#post-{answer_id}")
    comments = answer.locator("xpath=following-sibling::div[@class='comments'][1]")
    comments.locator("summary", has_text="Comment").click()
    comments.get_by_label("Comment on this reply").fill(COMMENT)
    comments.get_by_role("button", name="Comment", exact=True).click()
    comment_id = post_id_from(ada.url)
    comment = ada.locator(f"#post-{comment_id}")
    expect(comment).to_have_class(re.compile(r"\bcomment\b"))
    expect(comment).to_have_accessible_name("Comment by ada-lovelace")
    expect(comment.locator(".prose")).to_have_text(COMMENT)
    expect(comments.locator(f"#post-{comment_id}")).to_have_count(1)  # under the answer it comments on
    comment.get_by_role("button", name="Delete").click()
    expect(ada).to_have_url(f"{thread_url}#post-{comment_id}")
    expect(comment.locator(".tombstone")).to_have_text(re.compile(r"^Deleted by the author on \d{4}-\d\d-\d\d"))
    expect(comment).not_to_contain_text(COMMENT)
    expect(comment.get_by_role("button", name="Delete")).to_have_count(0)
    # The permalink still leads there, for a member who never saw the comment.
    grace.goto(f"{live_url}/discussions/p/{comment_id}/")
    expect(grace).to_have_url(f"{thread_url}#post-{comment_id}")
    tombstone = grace.locator(f"#post-{comment_id}")
    expect(tombstone.locator(".tombstone")).to_contain_text("Deleted by the author")
    expect(tombstone).not_to_contain_text(COMMENT)
    expect(grace.get_by_text(COMMENT)).to_have_count(0)

    # Search, from the Discussions page, finds the thread by a word only the answer holds.
    grace.goto(f"{live_url}/discussions/")
    grace.get_by_role("searchbox", name="Search discussions").fill(SEARCH_WORD)
    grace.get_by_role("search").get_by_role("button", name="Search").click()
    expect(grace).to_have_url(f"{live_url}/discussions/search/?q={SEARCH_WORD}")
    results = grace.locator("ol.search-results > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("a reply")
    expect(results.first.locator("mark")).to_have_text(SEARCH_WORD)
    results.first.get_by_role("link", name=TITLE).click()
    expect(grace).to_have_url(f"{thread_url}#post-{answer_id}")

    # Grace's inbox: Ada accepted her answer, and commented on it (the comment now a tombstone).
    expect(inbox_link(grace)).to_have_accessible_name("Inbox, 2 unread")
    inbox_link(grace).click()
    items = grace.locator("ul.inbox > li.unread")
    expect(items).to_have_count(2)
    expect(items.filter(has_text="ada-lovelace accepted your answer in")).to_have_count(1)
    expect(items.filter(has_text="ada-lovelace replied in")).to_have_count(1)
    items.filter(has_text="accepted your answer").get_by_role("link", name=TITLE).click()
    expect(grace).to_have_url(f"{thread_url}#post-{answer_id}")
    assert set(Notification.objects.values_list("recipient__username", "kind")) == {
        ("ada-lovelace", "reply"),
        ("grace-hopper", "accepted"),
        ("grace-hopper", "reply"),
    }

    assert ada.errors == [], "\n".join(ada.errors)
    assert grace.errors == [], "\n".join(grace.errors)
