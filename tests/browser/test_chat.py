"""The chat in a real browser, between two members each in a browser context of their own, against a real server
process (`roofline serve`, the in-process channel layer) on the test database: a message with math and a mention
arrives without reloading (marked for the member it names), its edit (from its Markdown source), a reaction and its
deletion reach the other side, presence lists both, and neither page reports an error."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from roofline.web.chat import actions
from roofline.web.chat.models import Channel, Message, ReadState
from tests.browser.conftest import close_contexts, collect_errors

pytestmark = pytest.mark.browser

FIRST = "@grace the intensity is $I = F/B$ for this kernel."
EDITED = "@grace the arithmetic intensity is $I = F/B$ for this kernel."


@pytest.fixture
def general(served_url) -> Channel:
    """#general (made by a data migration; the live server's database is emptied after each browser test)."""
    return Channel.objects.get_or_create(slug="general", defaults={"name": "general"})[0]


@pytest.fixture
def open_chat(browser, served_url, request):
    """Open #general as `user` in a browser context of its own (signed in with a session cookie); each page
    collects console errors, uncaught exceptions and CSP refusals in page.errors."""
    contexts = []

    def open_chat(user, init_script: str = "", live: bool = True):
        context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": served_url}])
        page = context.new_page()
        contexts.append((user.get_username(), context, page))
        page.errors = collect_errors(page)
        if init_script:
            page.add_init_script(init_script)
        page.goto(f"{served_url}/chat/general/")
        if live:
            expect(page.locator("#connection-state")).to_have_text("live")
        return page

    yield open_chat
    close_contexts(request, contexts)


def test_two_members_chat_live_post_edit_react_delete_and_see_each_other(general, member, other_member, open_chat):
    ada, grace = open_chat(member), open_chat(other_member)

    # Presence: each page lists both members once both are connected.
    for page in (ada, grace):
        expect(page.locator("#presence li")).to_have_text(["ada", "grace"])

    # Ada writes (Grace sees her typing) and posts a message with inline math; Grace sees it without reloading.
    ada.get_by_label("Message (Markdown, $math$, @name)").fill(FIRST)
    expect(grace.locator("#typing")).to_contain_text("ada is typing")
    ada.get_by_role("button", name="Send").click()
    expect(ada.get_by_label("Message (Markdown, $math$, @name)")).to_have_value("")  # acknowledged
    on_grace = grace.locator("#messages .chat-message").filter(has_text="for this kernel")
    expect(on_grace).to_have_count(1)
    expect(on_grace.locator(".math .katex")).to_be_attached()
    expect(on_grace.locator(".chat-meta strong")).to_have_text("ada")
    expect(on_grace).to_have_class(re.compile(r"\bmentions-me\b"))  # Grace is named in it; Ada is not
    expect(ada.locator("#messages .chat-message").filter(has_text="for this kernel")).not_to_have_class(
        re.compile(r"\bmentions-me\b")
    )
    message = Message.objects.get()
    assert message.body == FIRST

    # Ada edits it: the edit box holds the Markdown source, not the rendered math; Grace sees the new text.
    on_ada = ada.locator(f'#messages [data-id="{message.pk}"]')
    on_ada.get_by_role("button", name="Edit").click()
    edit_box = on_ada.get_by_label("Edit message")
    expect(edit_box).to_have_value(FIRST)
    edit_box.fill(EDITED)
    on_ada.get_by_role("button", name="Save").click()
    on_grace = grace.locator(f'#messages [data-id="{message.pk}"]')
    expect(on_grace).to_contain_text("arithmetic intensity")
    expect(on_grace.get_by_role("link", name="(edited)")).to_be_visible()
    expect(on_grace.locator(".math .katex")).to_be_attached()

    # Grace reacts with a thumbs-up; Ada sees the count.
    on_grace.get_by_role("button", name="👍").click()
    expect(on_ada.locator(".reaction")).to_have_text("👍 1")

    # Ada deletes it; both pages show the tombstone in its place.
    on_ada = ada.locator(f'#messages [data-id="{message.pk}"]')
    on_ada.get_by_role("button", name="Delete").click()
    for page in (ada, grace):
        kept = page.locator(f'#messages [data-id="{message.pk}"]')
        expect(kept.locator(".tombstone")).to_have_text("Message deleted.")
        expect(kept).not_to_contain_text("intensity")
    assert Message.objects.get().deleted_at is not None

    # Grace leaves; Ada's presence list drops her.
    grace.close()
    expect(ada.locator("#presence li")).to_have_text(["ada"])

    assert ada.errors == [] and grace.errors == []


# Until the test sets window.__holdSockets = false, the page's sockets go to an address the server refuses (so the
# client keeps retrying, as it does when the server is away).
HOLD_SOCKETS = """
(function () {
  var Real = window.WebSocket;
  window.__holdSockets = true;
  function Held(url, protocols) {
    return new Real(window.__holdSockets ? url.replace("/ws/chat/", "/ws/held/") : url, protocols);
  }
  Held.prototype = Real.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Held[k] = Real[k]; });
  window.WebSocket = Held;
})();
"""


def test_a_client_that_catches_up_on_many_events_marks_them_read_without_flooding(
    general, member, other_member, django_user_model, open_chat, monkeypatch
):
    staff = django_user_model.objects.create_user(username="mod", is_staff=True)  # not rate limited
    # Posted from the test's thread (where Playwright's event loop runs): no one is subscribed to announce to yet.
    monkeypatch.setattr("roofline.web.chat.actions.announce", lambda *args: None)
    grace = open_chat(other_member, init_script=HOLD_SOCKETS, live=False)  # the page has seen nothing yet
    posted = [actions.post_message(staff, general, "t", f"catch-up {i}") for i in range(40)]

    grace.evaluate("window.__holdSockets = false")
    expect(grace.locator("#connection-state")).to_have_text("live", timeout=15_000)
    expect(grace.locator("#messages .chat-message")).to_have_count(40)  # all missed events, in one burst

    def read_to() -> int:
        state = ReadState.objects.filter(member=other_member, channel=general).first()
        return state.last_read_seq if state else 0

    expect(grace.locator("#messages .chat-message").last).to_contain_text("catch-up 39")
    for _ in range(50):
        if read_to() == posted[-1].seq:
            break
        grace.wait_for_timeout(100)
    assert read_to() == posted[-1].seq
    grace.wait_for_timeout(500)
    expect(grace.locator("#chat-error")).to_be_hidden()  # no "Too many frames" from the server
