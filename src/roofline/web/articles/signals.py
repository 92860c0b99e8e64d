"""However an article is deleted (admin, shell, a cascade), its search entry goes with it."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from roofline.web.articles.actions import SEARCH_KIND
from roofline.web.articles.models import Article
from roofline.web.search.api import remove_document


@receiver(post_delete, sender=Article)
def remove_from_search(sender, instance: Article, **kwargs) -> None:
    remove_document(SEARCH_KIND, instance.pk)
