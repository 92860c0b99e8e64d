"""Atom and RSS feeds of published articles, site-wide and per tag (django.contrib.syndication)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from roofline.web.articles.models import Article, Tag

ITEMS = 30


class LatestArticlesFeed(Feed):
    title = "Roofline articles"
    description = "Long-form writing on the infrastructure behind modern AI."

    def link(self):
        return reverse("articles:list")

    def items(self):
        return Article.objects.published().select_related("author")[:ITEMS]

    item_guid_is_permalink = False

    def item_guid(self, item: Article) -> str:
        """A stable id: the URL changes with the title, the entry must not look new."""
        return f"tag:roofline,2026:article/{item.pk}"

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_author_name(self, item: Article) -> str:
        return item.author.get_full_name() or item.author.get_username()

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, tag: str) -> Tag:
        return get_object_or_404(Tag, slug=tag)

    def title(self, obj: Tag) -> str:
        return f"Roofline articles tagged {obj.name}"

    def link(self, obj: Tag) -> str:
        return f"{reverse('articles:list')}?tag={obj.slug}"

    def items(self, obj: Tag):
        return Article.objects.published().filter(tags=obj).select_related("author")[:ITEMS]


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
