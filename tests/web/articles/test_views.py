"""Reading and writing articles through the site: who sees what, who edits what."""

import pytest
from django.test import Client

from roofline.web.articles.actions import publish_article, save_article
from roofline.web.articles.models import Article
from roofline.web.markdown import render
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db


def article(author, title="Roofline", status="published", body="Body text about kernels."):
    a = save_article(editor=author, title=title, summary="The dek.", body=body, tags=["kernels"])
    return publish_article(a) if status == "published" else a


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict):
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token_of(client)})


def test_the_list_shows_published_articles_and_filters_by_tag(member):
    article(member, "Kernels everywhere")
    untagged = save_article(editor=member, title="Serving notes", summary="d", body="b", tags=["serving"])
    publish_article(untagged)
    article(member, "Secret draft", status="draft")

    everything = Client().get("/articles/").text
    assert "Kernels everywhere" in everything and "Serving notes" in everything and "Secret draft" not in everything
    tagged = Client().get("/articles/?tag=serving").text
    assert "Serving notes" in tagged and "Kernels everywhere" not in tagged


def test_the_article_page_has_toc_anchors_author_and_dates(member):
    a = article(member, body="## First part\n\nText.\n\n### Detail\n\nMore.")
    page = Client().get(a.get_absolute_url()).text
    assert '<nav class="toc" aria-label="Table of contents">' in page
    assert '<a href="#first-part">First part</a>' in page and 'id="detail"' in page
    assert f'href="/members/{member.username}/"' in page and "Published <time" in page


def test_an_unknown_slug_is_the_sites_404():
    response = Client().get("/articles/no-such-article/")
    assert response.status_code == 404 and "Not found" in response.text


def test_a_title_change_keeps_the_old_url_working_by_permanent_redirect(member):
    a = article(member, title="Before")
    save_article(article=a, editor=member, title="After", summary="d", body="b", tags=[])
    response = Client().get("/articles/before/")
    assert response.status_code == 301 and response["Location"] == "/articles/after/"


def test_drafts_are_visible_to_their_author_and_staff_only(member, other_member, django_user_model):
    d = article(member, "My draft", status="draft")
    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    assert signed_in(member).get(d.get_absolute_url()).status_code == 200
    assert signed_in(staff).get(d.get_absolute_url()).status_code == 200
    assert signed_in(other_member).get(d.get_absolute_url()).status_code == 404
    assert Client().get(d.get_absolute_url()).status_code == 404


def test_a_member_writes_previews_saves_and_publishes(member):
    client = signed_in(member)
    preview = post(client, "/articles/preview/", {"body": "Hi $x$\n\n```roofline:nope\n{}\n```"}).json()
    assert '<span class="math inline">x</span>' in preview["html"] and preview["has_math"]
    [error] = preview["errors"]  # every registered block is listed; tools add theirs
    assert error.startswith("roofline:nope: unknown tool block; known blocks: ") and "roofline:throughput" in error

    data = {"title": "Fresh idea", "summary": "The dek.", "body": "Body.", "tags": "kernels", "action": "save"}
    response = post(client, "/articles/new/", data)
    assert response.status_code == 302 and response["Location"] == "/articles/fresh-idea/edit/"
    assert Article.objects.get(slug="fresh-idea").status == "draft"

    post(client, "/articles/fresh-idea/edit/", {**data, "body": "Better body.", "action": "publish"})
    published = Article.objects.get(slug="fresh-idea")
    assert published.status == "published" and published.body == "Better body."
    assert Client().get("/articles/fresh-idea/").status_code == 200


def test_others_cannot_edit_or_restore_and_visitors_are_sent_to_sign_in(member, other_member):
    a = article(member)
    stranger = signed_in(other_member)
    assert stranger.get(f"/articles/{a.slug}/edit/").status_code == 403
    assert post(stranger, f"/articles/{a.slug}/edit/", {"title": "x", "summary": "x", "body": "x"}).status_code == 403
    assert post(stranger, f"/articles/{a.slug}/revisions/1/restore/", {}).status_code == 403
    assert Client().get(f"/articles/{a.slug}/edit/").status_code == 302
    assert Article.objects.get(pk=a.pk).title == "Roofline"


def test_staff_can_edit_any_article_and_feature_one(member, django_user_model):
    a = article(member)
    staff = signed_in(django_user_model.objects.create_user("staffer", is_staff=True))
    assert staff.get(f"/articles/{a.slug}/edit/").status_code == 200
    assert post(staff, f"/articles/{a.slug}/feature/", {"featured": "1"}).status_code == 302
    assert Article.objects.get(pk=a.pk).featured
    assert a.title in Client().get("/").text
    assert post(signed_in(member), f"/articles/{a.slug}/feature/", {"featured": "0"}).status_code == 403


def test_the_edit_page_lists_revisions_and_restores_one(member):
    a = article(member, body="version one")
    save_article(article=a, editor=member, title=a.title, summary="d", body="version two", tags=[])
    client = signed_in(member)
    page = client.get(f"/articles/{a.slug}/edit/").text
    assert f"/articles/{a.slug}/revisions/1/restore/" in page
    assert "version one" in client.get(f"/articles/{a.slug}/revisions/1/").text

    post(client, f"/articles/{a.slug}/revisions/1/restore/", {})

    assert Article.objects.get(pk=a.pk).body == "version one"


def test_search_page_ranks_and_highlights(member):
    article(member, title="PagedAttention primer", body="Blocks of sixteen tokens.")
    article(member, title="Other", body="Mentions pagedattention once.")
    page = Client().get("/articles/search/?q=pagedattention").text
    assert "2 results" in page
    assert page.index("<mark>PagedAttention</mark> primer") < page.index("Other</a>")


def test_cached_html_is_rendered_again_when_the_renderer_changes(member, monkeypatch):
    a = article(member, body="Plain.")
    Article.objects.filter(pk=a.pk).update(rendered_html="<p>stale</p>")
    assert "stale" in Client().get(a.get_absolute_url()).text  # same renderer: the cache is used

    monkeypatch.setattr(render, "BASE_VERSION", "next")
    assert "<p>Plain.</p>" in Client().get(a.get_absolute_url()).text
    assert Article.objects.get(pk=a.pk).renderer_version.startswith("next+")
