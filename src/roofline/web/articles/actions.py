"""Every write to an article goes through here: saves keep a revision, title changes keep old URLs working,
and the search index follows what is published."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from roofline.web.articles.models import Article, ArticleRevision, ArticleSlug, Tag
from roofline.web.search.api import index_document, remove_document

MAX_TAGS = 8
SEARCH_KIND = "article"
# Paths under /articles/ that are pages, not articles: an article never takes one of these as its slug.
RESERVED_SLUGS = {"new", "drafts", "search", "preview", "feed", "tags"}


def parse_tags(text: str) -> list[str]:
    """Comma-separated tag names, lowercased, without repeats; at most MAX_TAGS."""
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split()).lower()[:40]
        if name and name not in names:
            names.append(name)
    return names[:MAX_TAGS]


def _slug_taken(slug: str, article: Article | None) -> bool:
    others = Article.objects.filter(slug=slug)
    old = ArticleSlug.objects.filter(slug=slug)
    if article is not None and article.pk:
        others, old = others.exclude(pk=article.pk), old.exclude(article=article)
    return others.exists() or old.exists()


def unique_slug(title: str, article: Article | None = None) -> str:
    base = slugify(title)[:180] or "article"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or _slug_taken(slug, article):
        slug, n = f"{base}-{n}", n + 1
    return slug


def sync_search(article: Article) -> None:
    """Index a published article; remove anything else from search."""
    if article.is_published:
        index_document(
            SEARCH_KIND,
            article.pk,
            title=article.title,
            summary=article.summary,
            body=article.body,
            url=article.get_absolute_url(),
            published_at=article.published_at,
        )
    else:
        remove_document(SEARCH_KIND, article.pk)


@transaction.atomic
def save_article(
    *,
    editor,
    title: str,
    summary: str,
    body: str,
    tags: list[str],
    article: Article | None = None,
    note: str = "",
    slug: str | None = None,
) -> Article:
    """Create (article=None, authored by `editor`; `slug` or one made from the title) or update an article,
    keeping a revision of what was saved."""
    if article is None:
        article = Article(author=editor, slug=unique_slug(slug or title))
    elif title != article.title:
        new_slug = unique_slug(title, article)
        if new_slug != article.slug:
            ArticleSlug.objects.update_or_create(slug=article.slug, defaults={"article": article})
            ArticleSlug.objects.filter(slug=new_slug, article=article).delete()
            article.slug = new_slug
    article.title, article.summary, article.body = title, summary, body
    article.render()
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0] for name in tags])
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    ArticleRevision.objects.create(
        article=article, number=number, title=title, summary=summary, body=body, tags=", ".join(tags),
        saved_by=editor, note=note,
    )  # fmt: skip
    sync_search(article)
    return article


@transaction.atomic
def publish_article(article: Article) -> Article:
    article.status = Article.Status.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    sync_search(article)
    return article


@transaction.atomic
def unpublish_article(article: Article) -> Article:
    article.status = Article.Status.DRAFT
    article.featured = False
    article.save(update_fields=["status", "featured", "updated_at"])
    sync_search(article)
    return article


@transaction.atomic
def set_featured(article: Article, featured: bool) -> Article:
    """Feature a published article on the home page (only one at a time), or stop featuring it."""
    if featured:
        Article.objects.filter(featured=True).exclude(pk=article.pk).update(featured=False)
    article.featured = featured and article.is_published
    article.save(update_fields=["featured", "updated_at"])
    return article


def restore_revision(article: Article, revision: ArticleRevision, editor) -> Article:
    """Make `revision` the current text again, as a new revision (the text in between stays in history)."""
    return save_article(
        article=article, editor=editor, title=revision.title, summary=revision.summary, body=revision.body,
        tags=parse_tags(revision.tags), note=f"Restored revision {revision.number}",
    )  # fmt: skip
