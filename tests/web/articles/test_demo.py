"""The demo articles in content/articles load into an empty site, once."""

from pathlib import Path

import frontmatter
import pytest

from roofline.web.articles.demo import load_demo_articles
from roofline.web.articles.models import Article

pytestmark = pytest.mark.django_db
CONTENT = Path(__file__).resolve().parents[3] / "content" / "articles"
SEED_SUMMARIES = {
    "Memory bandwidth, not FLOPs, is what bounds modern inference. A walk through the numbers behind a kernel that "
    "quietly reshaped the field.",
    "Three years after the original paper, what does state-of-the-art serving actually look like? A field report "
    "from a team running 12B tokens a day.",
    "Top-k routing has become a default. It shouldn't be. A look at the tradeoffs nobody's measuring and the "
    "experiments that change my mind.",
    "Draft models work. They also fail in ways the original papers didn't surface. A small bag of tricks for keeping "
    "acceptance rates high in real workloads.",
    "PagedAttention is a good idea poorly understood. A primer, plus the second-order effects you only see at "
    "10,000 concurrent requests.",
    "We've stopped treating embeddings like first-class data. A case for revisiting them, with measurements from a "
    "200M-document corpus.",
    "It is a feedback loop, an index policy, and a re-ranker pretending to be a system. Why most RAG postmortems "
    "mistake the symptom for the disease.",
}


def test_the_seven_landing_page_articles_are_the_demo_content():
    posts = [frontmatter.load(path) for path in sorted(CONTENT.glob("*.md"))]
    assert {post["summary"] for post in posts} == SEED_SUMMARIES
    featured = [post for post in posts if post.get("featured")]
    assert [post["title"] for post in featured] == ["The arithmetic of attention: why FlashAttention still matters"]
    for post in posts:
        words = len(post.content.split())
        assert 400 <= words <= 1800, (post["slug"], words)


def test_demo_articles_load_once_published_and_rendered_without_errors():
    assert load_demo_articles(CONTENT) == 7
    assert load_demo_articles(CONTENT) == 0  # a site with articles is left alone

    articles = Article.objects.published()
    assert articles.count() == 7
    assert Article.objects.get(featured=True).slug == "arithmetic-of-attention"
    for article in articles:
        assert article.rendered_html and "embed-error" not in article.rendered_html
        assert article.author.username == "roofline" and article.revisions.count() == 1
