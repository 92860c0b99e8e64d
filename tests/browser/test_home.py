"""The home page in a real browser: its content, every tool page it links to, dark mode, landmarks, and a
clean console (no script errors, no Content-Security-Policy refusals)."""

import pytest
from playwright.sync_api import expect

from roofline.web.home.views import TAGLINE
from roofline.web.tools.catalog import TOOLS

pytestmark = pytest.mark.browser

EXPECTED_TAGLINE = (
    "An open community for learning, writing, and tinkering on the infrastructure behind modern AI — "
    "inference engines, training systems, ml stacks, and everything in between."
)


def test_the_home_page_shows_the_tagline_the_community_and_six_tools(page, live_url, console_errors):
    response = page.goto(live_url + "/")
    assert response is not None and response.status == 200
    assert TAGLINE == EXPECTED_TAGLINE

    expect(page.get_by_role("heading", level=1)).to_have_text(EXPECTED_TAGLINE)

    cards = page.locator("article.community-card")
    expect(cards).to_have_count(2)
    discussions = page.get_by_role("article", name="Discussions")
    expect(discussions.get_by_role("link", name="Open Discussions")).to_have_attribute("href", "/discussions/")
    chat = page.get_by_role("article", name="Chat")
    expect(chat.get_by_role("link", name="Join the chat")).to_have_attribute("href", "/chat/")

    links = page.locator("a.tool-link")
    expect(links).to_have_count(6)
    expect(links).to_have_text([tool.name for tool in TOOLS])

    # The stylesheet really loaded and applied (a light page on a white background).
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert console_errors == []


def test_every_tool_link_on_the_home_page_opens_a_working_page(page, live_url, console_errors):
    page.goto(live_url + "/")
    for index, tool in enumerate(TOOLS):
        if index:
            page.goto(live_url + "/")
        link = page.locator("a.tool-link").nth(index)
        expect(link).to_have_text(tool.name)
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response is not None and response.status == 200, f"{tool.name}: HTTP {response and response.status}"
        assert page.url == f"{live_url}/tools/{tool.slug}/"
        expect(page.get_by_role("heading", level=1)).to_have_text(tool.name)
        expect(page).to_have_title(f"{tool.name} · Roofline")
        expect(page.locator("body")).not_to_contain_text("Server Error")
        expect(page.locator("body")).not_to_contain_text("Not Found")
    assert console_errors == []


def test_dark_mode_toggles_from_the_header_and_persists_after_reload(page, live_url, console_errors):
    page.goto(live_url + "/")
    html = page.locator("html")
    toggle = page.get_by_role("button", name="Dark mode")
    background = "getComputedStyle(document.body).backgroundColor"

    expect(html).to_have_attribute("data-theme", "light")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    light = page.evaluate(background)

    toggle.click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    dark = page.evaluate(background)
    assert dark != light, "the page background did not change colour"
    assert (light, dark) == ("rgb(255, 255, 255)", "rgb(16, 18, 21)")

    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(background) == dark

    toggle.click()
    expect(html).to_have_attribute("data-theme", "light")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(background) == light
    page.reload()
    expect(html).to_have_attribute("data-theme", "light")
    assert console_errors == []


def test_the_home_page_has_its_landmarks_and_a_clean_console(page, live_url, console_errors):
    response = page.goto(live_url + "/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Articles", "Discussions", "Chat", "Tools"]
    )

    stylesheet = page.request.get(live_url + "/static/roofline/css/site.css")
    assert stylesheet.status == 200 and "--bg" in stylesheet.text()
    assert console_errors == []
