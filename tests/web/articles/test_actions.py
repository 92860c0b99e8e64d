"""Article writes: every save keeps a revision, a title change keeps the old URL, search follows publication."""

import pytest

from roofline.web.articles.actions import (
    parse_tags,
    publish_article,
    restore_revision,
    save_article,
    set_featured,
    unpublish_article,
)
from roofline.web.articles.models import Article, ArticleSlug
from roofline.web.search.api import search

pytestmark = pytest.mark.django_db


def draft(author, title="Roofline math", body="Bandwidth bound $x^2$.", tags=("kernels",)):
    return save_article(editor=author, title=title, summary="A dek.", body=body, tags=list(tags))


def test_parse_tags_lowercases_trims_dedupes_and_caps():
    assert parse_tags(" Kernels, kernels ,  Serving  Stack,,") == ["kernels", "serving stack"]
    assert len(parse_tags(",".join(f"t{i}" for i in range(20)))) == 8


def test_every_save_keeps_a_numbered_revision_of_what_was_typed(member):
    article = draft(member, body="first words")
    save_article(article=article, editor=member, title=article.title, summary="A dek.", body="second", tags=[])

    revisions = list(article.revisions.order_by("number").values_list("number", "body", "saved_by"))
    assert revisions == [(1, "first words", member.pk), (2, "second", member.pk)]


def test_saving_renders_the_body_and_measures_reading_time(member):
    article = draft(member, body="## Heading\n\n" + "word " * 460 + "\n\n$E = mc^2$")
    assert '<h2 id="heading">' in article.rendered_html and article.rendered_has_math
    assert article.rendered_toc == [{"level": 2, "id": "heading", "text": "Heading"}]
    assert article.reading_minutes == 2  # 463 words at 230 words a minute


def test_a_title_change_moves_the_slug_and_remembers_the_old_one(member):
    article = draft(member, title="Old title")
    save_article(article=article, editor=member, title="New title", summary="A dek.", body="b", tags=[])

    assert article.slug == "new-title"
    assert ArticleSlug.objects.get(slug="old-title").article == article
    other = draft(member, title="Old title")
    assert other.slug == "old-title-2"  # an old slug is never handed to another article


@pytest.mark.parametrize("title", ["New", "Drafts", "Search", "Preview", "Feed", "Tags"])
def test_a_title_that_names_a_page_under_articles_gets_another_slug(member, title):
    assert draft(member, title=title).slug == f"{title.lower()}-2"


def test_changing_the_title_back_reclaims_the_old_slug(member):
    article = draft(member, title="First")
    save_article(article=article, editor=member, title="Second", summary="d", body="b", tags=[])
    save_article(article=article, editor=member, title="First", summary="d", body="b", tags=[])
    assert article.slug == "first"
    assert list(ArticleSlug.objects.values_list("slug", flat=True)) == ["second"]


def test_only_published_articles_are_searchable(member):
    article = draft(member, body="PagedAttention block tables")
    assert search("PagedAttention").total == 0

    publish_article(article)
    assert [hit.object_id for hit in search("PagedAttention").hits] == [str(article.pk)]

    unpublish_article(article)
    assert search("PagedAttention").total == 0


def test_a_deleted_article_leaves_search(member):
    article = publish_article(draft(member, body="PagedAttention"))
    article.delete()
    assert search("PagedAttention").total == 0


def test_publishing_keeps_the_first_publication_time(member):
    article = publish_article(draft(member))
    first = article.published_at
    unpublish_article(article)
    assert publish_article(article).published_at == first


def test_one_featured_article_at_a_time_and_never_a_draft(member):
    a, b = publish_article(draft(member, title="A")), publish_article(draft(member, title="B"))
    set_featured(a, True)
    set_featured(b, True)
    assert list(Article.objects.filter(featured=True)) == [b]
    assert set_featured(draft(member, title="C"), True).featured is False
    unpublish_article(b)
    assert not Article.objects.filter(featured=True).exists()


def test_restoring_a_revision_saves_it_as_a_new_revision(member, other_member):
    article = draft(member, body="the original", tags=("kernels", "serving"))
    save_article(article=article, editor=member, title=article.title, summary="A dek.", body="a mistake", tags=[])

    restore_revision(article, article.revisions.get(number=1), other_member)

    article.refresh_from_db()
    assert article.body == "the original"
    assert sorted(t.name for t in article.tags.all()) == ["kernels", "serving"]
    latest = article.revisions.first()
    assert (latest.number, latest.note, latest.saved_by) == (3, "Restored revision 1", other_member)
    assert article.revisions.get(number=2).body == "a mistake"  # nothing is lost
