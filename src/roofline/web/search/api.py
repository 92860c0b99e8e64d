"""The search interface every section uses: index a document, remove it, search (ranked, highlighted)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from roofline.web.search.engines import RESERVED, current_engine, marked_to_html
from roofline.web.search.models import SearchDocument


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: str
    url: str
    title_html: str  # escaped, query words in <mark>
    snippet_html: str  # escaped, query words in <mark>
    score: float
    published_at: datetime | None


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    capped: bool = False  # more than `total` matched: the search had a window, and only the newest counted


def facet_tokens(facets: dict[str, str | list[str]]) -> list[str]:
    """The filter terms of facets, {"label": ["bug", "cuda"], "answered": "yes"}: one per name and value."""
    tokens = []
    for name, values in facets.items():
        for value in [values] if isinstance(values, str) else values:
            if value:
                tokens.append(facet_term(name, str(value)))
    return tokens


def facet_term(name: str, value: str) -> str:
    """One facet as a single search-engine word: "f" and 20 digits of a 64-bit hash of "name:value".

    The SQLite engine indexes these words in the full-text index (a column of their own), so a filter is one more
    term of the MATCH instead of a look at every matching row; letters and punctuation in values would split a
    readable token into several words (and the stemmer would change them), digits stay one word, unchanged."""
    digest = hashlib.blake2b(f"{name}:{value.lower().replace(' ', '-')}".encode(), digest_size=8).digest()
    return f"f{int.from_bytes(digest, 'big'):020d}"


def index_document(
    kind: str,
    object_id,
    *,
    title: str,
    summary: str,
    body: str,
    url: str,
    published_at: datetime | None,
    facets: dict[str, str | list[str]] | None = None,
) -> None:
    """Add or replace the searchable text of one thing, with the facets searches can filter on."""
    title, summary, body = (text.translate(RESERVED) for text in (title, summary, body))
    tokens = facet_tokens(facets or {})
    SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=str(object_id),
        defaults={
            "title": title, "summary": summary, "body": body, "url": url, "published_at": published_at,
            "facets": f" {' '.join(tokens)} " if tokens else "",
        },
    )  # fmt: skip


def remove_document(kind: str, object_id) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=str(object_id)).delete()


def search(
    query: str,
    *,
    kinds: list[str] | None = None,
    facets: dict[str, str] | None = None,
    recent: bool = False,
    limit: int = 20,
    offset: int = 0,
    window: int | None = None,
) -> SearchResults:
    """Documents matching every word of `query` (and every facet), most relevant first, or newest first.

    With `window`, only the newest `window` matching documents are counted and ranked: a word in 100,000+
    documents then costs what 10,000 do (ranking every match of a common word takes longer than a page may).
    `total` is then at most `window`, and `capped` says more matched."""
    query = query.strip()[:200]
    rows, total = current_engine().search(query, kinds, facet_tokens(facets or {}), recent, limit, offset, window)
    capped = window is not None and total > window
    total = min(total, window) if capped else total
    documents = SearchDocument.objects.in_bulk([row[0] for row in rows])
    hits = [
        SearchHit(
            kind=documents[doc_id].kind,
            object_id=documents[doc_id].object_id,
            url=documents[doc_id].url,
            title_html=marked_to_html(title),
            snippet_html=marked_to_html(snippet),
            score=float(score),
            published_at=documents[doc_id].published_at,
        )
        for doc_id, score, title, snippet in rows
        if doc_id in documents
    ]
    return SearchResults(query=query, hits=hits, total=total, capped=capped)
