"""Atom feeds of new threads, site-wide and per category."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from roofline.web.discussions.models import Category, Thread

ITEMS = 30


class ThreadsFeed(Feed):
    feed_type = Atom1Feed
    title = "Roofline discussions"
    subtitle = "New threads: questions, papers, proposals."

    def link(self):
        return reverse("discussions:index")

    def items(self):
        return Thread.objects.filter(hidden=False).select_related("author").order_by("-created_at")[:ITEMS]

    def item_title(self, item: Thread) -> str:
        return item.title

    def item_description(self, item: Thread) -> str:
        opening = item.posts.filter(is_opening=True).first()
        return "" if opening is None or opening.is_deleted or opening.hidden else opening.rendered_html

    def item_author_name(self, item: Thread) -> str:
        return item.author.get_username()

    def item_pubdate(self, item: Thread):
        return item.created_at

    def item_guid(self, item: Thread) -> str:
        return f"tag:roofline,2026:thread/{item.pk}"

    item_guid_is_permalink = False


class CategoryFeed(ThreadsFeed):
    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return f"Roofline discussions: {obj.name}"

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Category):
        threads = Thread.objects.filter(hidden=False, category=obj).select_related("author")
        return threads.order_by("-created_at")[:ITEMS]
