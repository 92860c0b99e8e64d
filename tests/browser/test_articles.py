"""Articles in a real browser: reading the demo articles (KaTeX math, highlighted code, the table of contents,
search, the Atom feed), and writing one (preview, draft, publish, edit, revisions, restore), with who may see
and edit what, old URLs after a title change, and tool-embed errors in the preview."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from roofline.web.articles.actions import publish_article, save_article
from roofline.web.articles.demo import load_demo_articles
from roofline.web.articles.models import Article

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "content" / "articles"
ATOM = "{http://www.w3.org/2005/Atom}"
FEATURED_SLUG = "arithmetic-of-attention"
PAGED_SLUG = "pagedattention-second-order-effects"

DRAFT_TITLE = "Notes on the energy of a kernel"
DRAFT_SUMMARY = "A draft with math and code."
DRAFT_BODY = """Energy is $E = mc^2$, and one integral shows display math:

$$
\\int_0^1 x^2 \\, dx = \\frac{1}{3}
$$

```python
def energy(mass):
    return mass * SPEED_OF_LIGHT ** 2
```

Quixotically unique wording marks this draft."""  # no trailing newline: the form strips the body
EDITED_BODY = DRAFT_BODY + "\n\nA second paragraph, added after publishing."


@pytest.fixture
def demo_articles(live_url) -> int:
    """The demo articles in content/articles/, published into the (empty) test database."""
    return load_demo_articles(DEMO)


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="ada", password="correct horse battery")


@pytest.fixture
def other_member(django_user_model):
    return django_user_model.objects.create_user(username="grace", password="another horse battery")


@pytest.fixture
def open_context(browser, live_url):
    """Open further browser contexts (no cookies shared with `page`), signed in as `user` or as a visitor."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_context(user=None):
        context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}])
        return context.new_page()

    yield open_context
    for context in contexts:
        context.close()


def status_of(page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def expect_math_rendered(container) -> None:
    """Every .math element in `container` became KaTeX (no raw TeX delimiters left, no KaTeX error)."""
    math = container.locator(".math")
    expect(math.first.locator(".katex").first).to_be_attached()
    count = math.count()
    assert count > 0
    expect(container.locator(".math[data-rendered='1']")).to_have_count(count)
    expect(container.locator(".katex-error")).to_have_count(0)
    for text in math.all_inner_texts():
        assert "$$" not in text


# --- reading -----------------------------------------------------------------------------------------------


def test_the_featured_article_renders_math_code_and_a_working_table_of_contents(
    page, live_url, demo_articles, console_errors
):
    assert demo_articles == len(list(DEMO.glob("*.md"))) >= 4
    response = page.goto(live_url + "/")
    assert response is not None and response.status == 200
    featured = page.locator("article.article-card.featured")
    expect(featured).to_have_count(1)
    link = featured.get_by_role("link")
    expect(link).to_contain_text("The arithmetic of attention")
    link.click()
    expect(page).to_have_url(f"{live_url}/articles/{FEATURED_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The arithmetic of attention: why FlashAttention still matters"
    )

    prose = page.locator(".prose")
    expect_math_rendered(prose)
    assert "$$" not in prose.inner_text()
    # KaTeX's stylesheet applied (its fonts, not the page's).
    assert "KaTeX" in prose.locator(".katex").first.evaluate("el => getComputedStyle(el).fontFamily")

    code = prose.locator("pre.highlight").first
    expect(code).to_be_visible()
    expect(code.locator("span.k, span.kn, span.nf").first).to_be_attached()
    # highlight.css colours the keywords (not the inherited text colour).
    keyword_colour = code.locator("span.k, span.kn").first.evaluate("el => getComputedStyle(el).color")
    assert keyword_colour != code.evaluate("el => getComputedStyle(el).color")

    toc = page.get_by_role("navigation", name="Table of contents")
    entries = toc.get_by_role("link")
    assert entries.count() >= 3
    target = entries.last
    fragment = target.get_attribute("href")
    assert fragment and fragment.startswith("#")
    heading = page.locator(f"[id='{fragment[1:]}']")
    expect(heading).not_to_be_in_viewport()
    target.click()
    expect(page).to_have_url(f"{live_url}/articles/{FEATURED_SLUG}/{fragment}")
    expect(heading).to_be_in_viewport()
    expect(heading).to_contain_text(target.inner_text())
    assert console_errors == []


def test_search_finds_the_pagedattention_article_and_the_atom_feed_lists_what_is_published(
    page, live_url, demo_articles, console_errors
):
    page.goto(live_url + "/articles/")
    expect(page.locator("article.article-card")).to_have_count(min(demo_articles, 10))
    page.get_by_role("searchbox", name="Search articles").fill("PagedAttention")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/articles/search/\?q=PagedAttention$"))
    results = page.locator("ol.search-results > li h2 a")
    expect(results.first).to_be_visible()
    expect(results.locator(f"xpath=self::a[@href='/articles/{PAGED_SLUG}/']")).to_have_count(1)
    first = results.first
    expect(first).to_contain_text("PagedAttention")
    expect(first.locator("mark")).to_have_text("PagedAttention")
    href = first.get_attribute("href")
    first.click()
    expect(page).to_have_url(f"{live_url}{href}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("PagedAttention")
    expect_math_rendered(page.locator(".prose"))

    # The list page points to the feed; a feed reader (no session) gets valid Atom of the published articles.
    page.goto(live_url + "/articles/")
    feed_link = page.get_by_role("link", name="Atom", exact=True)
    expect(feed_link).to_have_attribute("href", "/articles/feed/atom/")
    expect(page.locator("link[rel=alternate][type='application/atom+xml']")).to_have_attribute(
        "href", "/articles/feed/atom/"
    )
    response = page.request.get(live_url + "/articles/feed/atom/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Roofline articles"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    published = list(Article.objects.published())
    assert len(entries) == len(published) == demo_articles
    for entry, article in zip(entries, published, strict=True):  # newest first, as the site lists them
        assert entry.findtext(f"{ATOM}title") == article.title
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href") == f"{live_url}/articles/{article.slug}/"
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}summary") == article.summary
    assert console_errors == []


# --- writing -----------------------------------------------------------------------------------------------


def test_a_member_previews_saves_publishes_edits_and_restores_an_article(
    page, live_url, member, sign_in, open_context, console_errors
):
    sign_in(member)
    assert status_of(page, live_url + "/articles/new/") == 200
    page.get_by_label("Title").fill(DRAFT_TITLE)
    page.get_by_label("Summary").fill(DRAFT_SUMMARY)
    body = page.get_by_label("Body")
    body.fill(DRAFT_BODY)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect_math_rendered(preview)
    expect(preview.locator(".math.inline .katex")).to_have_count(1)
    expect(preview.locator(".math.block .katex-display")).to_have_count(1)
    code = preview.locator("pre.highlight[data-lang='python']")
    expect(code.locator("span.k").first).to_have_text("def")
    expect(code.locator("span.nf")).to_have_text("energy")
    expect(page.locator("#preview-errors")).to_be_hidden()

    page.get_by_role("button", name="Save draft").click()
    slug = "notes-on-the-energy-of-a-kernel"
    edit_url = f"{live_url}/articles/{slug}/edit/"
    expect(page).to_have_url(edit_url)
    expect(page.get_by_role("status")).to_contain_text("Saved (revision 1).")
    expect(page.get_by_label("Body")).to_have_value(DRAFT_BODY)
    article_url = f"{live_url}/articles/{slug}/"

    # A draft: its author sees it, visitors get 404, search does not know it.
    visitor = open_context()
    assert status_of(visitor, article_url) == 404
    visitor.goto(live_url + "/articles/search/?q=Quixotically")
    expect(visitor.locator("ol.search-results")).to_contain_text("Nothing matches")
    visitor.goto(live_url + "/articles/")
    expect(visitor.locator("main")).not_to_contain_text(DRAFT_TITLE)
    assert DRAFT_TITLE not in visitor.request.get(live_url + "/articles/feed/atom/").text()
    assert status_of(page, article_url) == 200
    expect(page.locator(".badge")).to_contain_text("Draft")
    page.goto(edit_url)

    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(edit_url)
    expect(page.get_by_role("status")).to_contain_text("Published.")
    assert status_of(visitor, article_url) == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(DRAFT_TITLE)
    expect_math_rendered(visitor.locator(".prose"))
    visitor.goto(live_url + "/articles/search/?q=Quixotically")
    expect(visitor.locator("ol.search-results > li h2 a")).to_have_text([DRAFT_TITLE])

    page.get_by_label("Body").fill(EDITED_BODY)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved (revision 3).")
    expect(page.get_by_label("Body")).to_have_value(EDITED_BODY)
    visitor.goto(article_url)
    expect(visitor.locator(".prose")).to_contain_text("A second paragraph, added after publishing.")

    revisions = page.locator("table.revisions tbody tr")
    expect(revisions.locator("td:first-child")).to_have_text(["3", "2", "1"])
    expect(revisions.first.get_by_role("button", name="Restore")).to_have_count(0)  # the current text
    revisions.nth(2).get_by_role("button", name="Restore").click()
    expect(page).to_have_url(edit_url)
    expect(page.get_by_role("status")).to_contain_text("Restored revision 1 (saved as revision 4).")
    expect(page.get_by_label("Body")).to_have_value(DRAFT_BODY)
    expect(revisions.locator("td:first-child")).to_have_text(["4", "3", "2", "1"])
    expect(revisions.first).to_contain_text("Restored revision 1")

    visitor.goto(article_url)
    expect(visitor.locator(".prose")).to_contain_text("Quixotically unique wording")
    expect(visitor.locator(".prose")).not_to_contain_text("A second paragraph")
    assert console_errors == []


def test_another_member_can_neither_edit_the_article_nor_see_the_authors_drafts(
    page, live_url, member, other_member, sign_in, open_context
):
    public = save_article(editor=member, title="A public piece", summary="Published.", body="Text.", tags=[])
    publish_article(public)
    draft = save_article(editor=member, title="A private draft", summary="Not yet.", body="Secret.", tags=[])

    sign_in(member)  # the author can do both
    assert status_of(page, f"{live_url}/articles/{public.slug}/edit/") == 200
    assert status_of(page, f"{live_url}/articles/{draft.slug}/") == 200

    other = open_context(other_member)
    assert status_of(other, f"{live_url}/articles/{public.slug}/") == 200
    expect(other.get_by_role("link", name="Edit")).to_have_count(0)
    assert status_of(other, f"{live_url}/articles/{public.slug}/edit/") == 403
    assert status_of(other, f"{live_url}/articles/{public.slug}/revisions/1/") == 403
    assert status_of(other, f"{live_url}/articles/{draft.slug}/") == 404
    assert status_of(other, f"{live_url}/articles/{draft.slug}/edit/") == 404
    other.goto(live_url + "/articles/drafts/")
    expect(other.locator("main")).not_to_contain_text("A private draft")
    # A forged restore from the other member changes nothing.
    response = other.request.post(f"{live_url}/articles/{public.slug}/revisions/1/restore/")
    assert response.status == 403
    assert public.revisions.count() == 1


def test_changing_the_title_keeps_the_old_url_working(page, live_url, member, sign_in, open_context):
    article = save_article(editor=member, title="Roofline basics", summary="Intro.", body="Body text.", tags=[])
    publish_article(article)
    old_url = f"{live_url}/articles/roofline-basics/"
    sign_in(member)

    page.goto(old_url + "edit/")
    page.get_by_label("Title").fill("Roofline models, from first principles")
    page.get_by_role("button", name="Save", exact=True).click()
    new_url = f"{live_url}/articles/roofline-models-from-first-principles/"
    expect(page).to_have_url(new_url + "edit/")

    visitor = open_context()
    response = visitor.goto(old_url)
    assert response is not None and response.status == 200
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.url == old_url
    expect(visitor).to_have_url(new_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Roofline models, from first principles")


UNKNOWN_BLOCK_BODY = 'Before the block.\n\n```roofline:nonexistent\n{"model": "x"}\n```\n\nAfter the block, $a^2$.'


def test_a_preview_with_an_unknown_tool_block_shows_an_error_box(page, live_url, member, sign_in, console_errors):
    sign_in(member)
    page.goto(live_url + "/articles/new/")
    page.get_by_label("Body").fill(UNKNOWN_BLOCK_BODY)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    box = preview.locator(".embed-error")
    expect(box).to_be_visible()
    expect(box).to_contain_text("roofline:nonexistent")
    expect(box).to_contain_text("unknown tool block")
    errors = page.locator("#preview-errors")
    expect(errors).to_be_visible()
    expect(errors.get_by_role("listitem")).to_have_count(1)
    expect(errors.get_by_role("listitem")).to_contain_text("roofline:nonexistent: unknown tool block")
    # The list reads as an error too (site.css gives it the error box's colour and border).
    error_colour = box.evaluate("el => getComputedStyle(el).color")
    assert errors.evaluate("el => getComputedStyle(el).color") == error_colour
    assert errors.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    # The rest of the article still renders around the box.
    expect(preview).to_contain_text("Before the block.")
    expect(preview).to_contain_text("After the block")
    expect(preview.locator(".math.inline .katex")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("Server Error")

    # Fixing the block clears the list.
    page.get_by_label("Body").fill("No blocks now.\n")
    page.get_by_role("button", name="Preview").click()
    expect(preview).to_contain_text("No blocks now.")
    expect(errors).to_be_hidden()
    expect(preview.locator(".embed-error")).to_have_count(0)
    assert console_errors == []


def test_a_preview_after_signing_out_says_so_and_drops_stale_embed_errors(page, context, live_url, member, sign_in):
    from django.conf import settings

    sign_in(member)
    page.goto(live_url + "/articles/new/")
    page.get_by_label("Body").fill(UNKNOWN_BLOCK_BODY)
    page.get_by_role("button", name="Preview").click()
    errors = page.locator("#preview-errors")
    expect(errors).to_be_visible()

    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session ends; the page stays open
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_have_text("The preview needs you signed in: sign in again, then press Preview.")
    expect(errors).to_be_hidden()
    expect(page.get_by_role("button", name="Preview")).to_be_enabled()
