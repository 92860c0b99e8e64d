"""Demo content: the articles in content/articles/*.md (Markdown with YAML front matter), loaded into an empty
site by `roofline setup` so a fresh `make run` has something to read."""

import datetime as dt
from pathlib import Path

import frontmatter
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from roofline.web.articles.actions import parse_tags, publish_article, save_article, set_featured
from roofline.web.articles.models import Article

DEMO_AUTHOR = "roofline"


def demo_author():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_AUTHOR, defaults={"first_name": "Roofline", "last_name": "editors"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _published_at(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time(9, 0))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


@transaction.atomic
def load_demo_articles(folder: Path) -> int:
    """Publish every article file in `folder` into a site that has no articles yet; returns how many."""
    if Article.objects.exists():
        return 0
    author = demo_author()
    loaded = 0
    for path in sorted(folder.glob("*.md")):
        post = frontmatter.load(path)
        tags = post.get("tags") or []
        article = save_article(
            editor=author, title=str(post["title"]), summary=str(post["summary"]), body=post.content,
            tags=parse_tags(",".join(map(str, tags))), note=f"Loaded from content/articles/{path.name}",
            slug=post.get("slug"),
        )  # fmt: skip
        article.published_at = _published_at(post["published"])
        publish_article(article)
        if post.get("featured"):
            set_featured(article, True)
        loaded += 1
    return loaded
