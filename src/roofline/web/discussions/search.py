"""Discussions in the shared search: threads (their opening posts) and replies, with facets for filtering."""

from roofline.web.discussions.models import Post
from roofline.web.search.api import SearchResults, index_document, remove_document, search

KINDS = ["thread", "reply"]
# Only the newest 2,000 matching posts are counted and ranked: bm25 reads every match's word positions and each
# query word's whole entry in the index, and a common word matches 100,000+ of 600,000 posts (p95 59 ms with 5,000,
# 42 ms with 2,000: benchmarks/RESULTS.md). Nobody pages past 80 pages of 25 (the page says "2000+ results"; more
# words narrow it); a query with fewer matches is ranked over all of them.
WINDOW = 2_000


def facets_of(post: Post) -> dict:
    thread = post.thread
    facets = {
        "category": thread.category.slug,
        "label": [label.slug for label in thread.labels.all()],
        "author": post.author.get_username(),
    }
    if thread.category.answerable:
        facets["answered"] = "yes" if thread.accepted_reply_id else "no"
    return facets


def sync_post(post: Post) -> None:
    """Index a visible post (an opening post as the thread); remove a deleted or hidden one."""
    kind = "thread" if post.is_opening else "reply"
    if post.is_deleted or post.hidden or post.thread.hidden:
        remove_document(kind, post.pk)
        return
    index_document(
        kind, post.pk, title=post.thread.title, summary="", body=post.body, published_at=post.created_at,
        url=post.thread.get_absolute_url() if post.is_opening else post.get_absolute_url(), facets=facets_of(post),
    )  # fmt: skip


def sync_thread(thread) -> None:
    """Re-index every post of a thread after a change that shows in all of them (title, category, answer)."""
    for post in thread.posts.select_related("author", "thread__category").prefetch_related("thread__labels"):
        sync_post(post)


def search_discussions(
    query: str, *, page: int = 1, page_size: int = 25, category="", label="", author="", answered="", recent=False
) -> SearchResults:
    facets = {"category": category, "label": label, "author": author, "answered": answered}
    offset = (max(page, 1) - 1) * page_size
    return search(query, kinds=KINDS, facets=facets, recent=recent, limit=page_size, offset=offset, window=WINDOW)
