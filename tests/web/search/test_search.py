"""The search interface (index_document, remove_document, search), specified once for both engines.

This module runs on the test database of the run (SQLite), and again on PostgreSQL through
tests/web/search/test_search_postgres.py, so every behaviour here holds for SQLite FTS5 and PostgreSQL full text
alike. Queries avoid English stop words (PostgreSQL drops them; FTS5 has none).
"""

import os
from datetime import UTC, datetime

import pytest
from django.db import connection

from roofline.web.search.api import index_document, remove_document, search
from roofline.web.search.engines import PostgresFullText, SqliteFts5, current_engine
from roofline.web.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def add(object_id, *, title: str = "", summary: str = "", body: str = "", kind: str = "article", published_at=None):
    index_document(
        kind,
        object_id,
        title=title,
        summary=summary,
        body=body,
        url=f"/{kind}s/{object_id}/",
        published_at=published_at,
    )


def found(query: str, **options) -> list[str]:
    return [hit.object_id for hit in search(query, **options).hits]


def test_the_engine_is_the_one_for_the_database():
    expected = PostgresFullText if connection.vendor == "postgresql" else SqliteFts5
    assert isinstance(current_engine(), expected)
    if os.environ.get("ROOFLINE_TEST_DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_a_document_is_found_by_the_words_of_its_title_summary_or_body(field):
    add(1, **{field: "Fusing attention kernels on the accelerator"})
    add(2, title="Something else", summary="entirely", body="unrelated prose about gardening")

    assert found("attention") == ["1"]
    assert found("accelerator attention") == ["1"]
    assert found("gardening") == ["2"]


def test_a_hit_carries_what_a_result_page_shows():
    published = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    add(
        7,
        title="Roofline models",
        summary="Compute or memory bound?",
        body="Arithmetic intensity.",
        kind="note",
        published_at=published,
    )

    results = search("roofline")

    assert results.query == "roofline"
    assert results.total == 1
    [hit] = results.hits
    assert (hit.kind, hit.object_id, hit.url, hit.published_at) == ("note", "7", "/notes/7/", published)
    assert hit.score > 0


def test_an_unknown_word_finds_nothing():
    add(1, title="Quantization", body="int8 weights")

    results = search("photosynthesis")

    assert results.hits == [] and results.total == 0


def test_title_matches_rank_above_body_only_matches():
    add("body", title="A long essay", summary="Many topics", body="In passing, this mentions throughput once.")
    add("title", title="Throughput", summary="Many topics", body="In passing, this mentions nothing relevant.")
    add("summary", title="Another essay", summary="Throughput matters", body="In passing, nothing relevant.")

    hits = search("throughput").hits

    assert [hit.object_id for hit in hits] == ["title", "summary", "body"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_every_query_word_must_match():
    add("both", body="Pipeline parallelism splits layers across devices.")
    add("one", body="Tensor parallelism splits matrices across devices.")
    add("other", body="A pipeline of data loaders.")

    assert found("pipeline parallelism") == ["both"]
    assert sorted(found("parallelism")) == ["both", "one"]
    assert found("pipeline parallelism photosynthesis") == []


def test_the_last_query_word_also_matches_as_a_prefix():
    """Searching as one types: a partial last word still finds the document."""
    add(1, body="Speculative decoding drafts tokens with a quantized model.")

    assert found("speculative quant") == ["1"]
    assert found("quant speculative") == []  # only the last word is a prefix


def test_a_last_word_that_is_a_word_of_the_index_matches_as_that_word():
    """A complete word is not also a prefix: "data" finds data, not every word starting with it (the prefix match
    of a common word is what made searches slow); a fragment still expands."""
    add("data", body="Move the data closer to the compute.")
    add("dataset", body="Every dataset needs a card.")

    assert found("data") == ["data"]
    assert found("datase") == ["dataset"]
    assert found("every datase") == ["dataset"]


def test_words_are_stemmed():
    add("singular", body="Write one kernel per operator.")
    add("past", body="The layers were fused at compile time.")

    assert found("kernels") == ["singular"]
    assert found("kernel") == ["singular"]
    assert found("fusing layers") == ["past"]


def test_matched_words_are_wrapped_in_mark_in_title_and_snippet():
    add(1, title="Fusing GPU kernels", body="Each kernel launch costs a few microseconds, so fusion pays off.")

    [hit] = search("kernel").hits

    assert "<mark>kernels</mark>" in hit.title_html
    assert "<mark>kernel</mark>" in hit.snippet_html
    assert "<mark>" not in hit.title_html.replace("<mark>kernels</mark>", "")


def test_indexed_text_is_html_escaped_in_title_and_snippet():
    add(
        1,
        title="Q&A: <b>vector<int></b> kernels",
        body="Fusion tricks <script>alert(1)</script> for kernels & friends.",
    )

    [hit] = search("kernels").hits

    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet_html
    assert "&amp; friends" in hit.snippet_html
    assert "<b>" not in hit.title_html
    assert "Q&amp;A: &lt;b&gt;vector&lt;int&gt;&lt;/b&gt; <mark>kernels</mark>" == hit.title_html


def test_indexed_text_cannot_forge_highlight_markers():
    """The engines' private highlight markers, if present in indexed text, never turn into <mark> elements."""
    add(1, title="Sneaky \ue000title", body="Sneaky \ue001body\ue000 text")

    [hit] = search("sneaky").hits

    assert hit.title_html.count("<mark>") == hit.title_html.count("</mark>") == 1
    assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>") == 1


def test_kinds_filter_which_documents_are_searched():
    add(1, kind="article", title="Checkpointing")
    add(1, kind="thread", title="Checkpointing question")
    add(2, kind="reply", title="Checkpointing answer")

    assert [(hit.kind, hit.object_id) for hit in search("checkpointing", kinds=["thread"]).hits] == [("thread", "1")]
    assert sorted(hit.kind for hit in search("checkpointing", kinds=["article", "reply"]).hits) == ["article", "reply"]
    assert search("checkpointing", kinds=["thread"]).total == 1
    assert len(search("checkpointing").hits) == 3
    assert search("checkpointing", kinds=["message"]).total == 0


def test_remove_document_removes_it_from_results():
    add(1, title="Sharded optimizers")
    add(2, title="Sharded embeddings")

    remove_document("article", 1)

    assert found("sharded") == ["2"]
    assert search("optimizers").total == 0
    remove_document("article", 99)  # removing what is not indexed is fine


def test_reindexing_replaces_the_old_text():
    add(1, title="Draft about pruning", body="Magnitude pruning")

    add(1, title="Final about distillation", body="Teacher and student")

    assert found("pruning") == []
    assert found("magnitude") == []
    assert found("distillation") == ["1"]
    assert found("teacher") == ["1"]


def test_indexing_twice_keeps_one_row():
    add(1, title="First", body="Collective communication")
    add(1, title="Second", body="Collective communication")
    add("1", title="Third", body="Collective communication")  # object ids are compared as text

    assert SearchDocument.objects.count() == 1
    [hit] = search("collective").hits
    assert hit.title_html == "Third"
    assert search("collective").total == 1


@pytest.mark.parametrize("query", ["", "   ", "!!!", "...", "?", "-- ; ''", "()", "___", '"" * ^ :'])
def test_a_query_without_words_finds_nothing(query):
    add(1, title="Anything", body="Everything")

    results = search(query)

    assert results.hits == [] and results.total == 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "a AND OR",
        "col:foo",
        "title:kernels",
        "NEAR(",
        "NEAR(kernels fusion, 2)",
        "*",
        "kernels*",
        "^kernels",
        "kernels)",
        "(kernels",
        "kernels -fusion",
        "kernels | fusion",
        "kernels & !fusion",
        "kernels <-> fusion",
        "kernels:*",
        "it's",
        "'; DROP TABLE search_searchdocument; --",
        "\\",
        "kernels\x00",
        "{title body}: kernels",
        "kernels + fusion",
        "kernels NOT fusion",
    ],
)
def test_query_syntax_is_never_interpreted_and_never_raises(query):
    add(1, title="Kernels", body="Kernels and fusion")

    results = search(query)

    assert isinstance(results.hits, list)
    assert results.total == len(results.hits)
    assert SearchDocument.objects.count() == 1


def test_operators_and_quotes_are_plain_words_so_every_word_still_must_match():
    add("both", body="Kernels benefit from operator fusion when memory bound.")
    add("one", body="Kernels written by hand.")

    assert found("kernels -fusion") == ["both"]
    assert found("kernels | fusion") == ["both"]
    assert found('"fusion kernels"') == ["both"]  # no phrase syntax: both words, anywhere
    assert found("title:fusion") == []  # no column filters: "title" is a word like any other
    assert found("body:kernels") == []


def test_pagination_with_limit_offset_and_total():
    for n in range(25):
        add(n, title=f"Benchmark report {n}", body="Throughput and latency numbers.")
    add("other", title="Unrelated", body="Nothing here.")

    pages = [search("latency", limit=10, offset=offset) for offset in (0, 10, 20, 30)]

    assert [len(page.hits) for page in pages] == [10, 10, 5, 0]
    assert {page.total for page in pages} == {25}
    ids = [hit.object_id for page in pages for hit in page.hits]
    assert sorted(ids, key=int) == [str(n) for n in range(25)]  # every match once, none twice


def test_pagination_follows_the_ranking():
    add("title", title="Latency", body="Latency.")
    for n in range(12):
        add(n, title=f"Report {n}", body=f"Notes on throughput; latency mentioned once among {'words ' * n}.")

    everything = found("latency", limit=50)
    paged = found("latency", limit=5) + found("latency", limit=5, offset=5) + found("latency", limit=5, offset=10)

    assert everything[0] == "title"
    assert paged == everything[:15] and len(everything) == 13


def test_a_window_counts_and_ranks_only_the_newest_matches():
    add("best", title="Latency", body="Latency, latency.")  # the best match, and the oldest
    for n in range(20):
        add(n, title=f"Report {n}", body="Throughput first; latency mentioned once.")
    add("thread", kind="thread", title="Latency", body="Latency.")  # newest, but of another kind
    newest_articles = [str(n) for n in range(12, 20)]

    windowed = search("latency", kinds=["article"], window=8, limit=50)

    assert windowed.total == 8 and windowed.capped
    assert sorted((hit.object_id for hit in windowed.hits), key=int) == newest_articles
    assert [h.object_id for h in search("latency", kinds=["article"], window=8, limit=5, offset=5).hits] == [
        h.object_id for h in windowed.hits[5:]
    ]
    assert search("latency", kinds=["article"], window=8, offset=8).hits == []


def test_a_window_wider_than_the_matches_changes_nothing():
    add("best", title="Latency", body="Latency, latency.")
    for n in range(20):
        add(n, title=f"Report {n}", body="Throughput first; latency mentioned once.")

    for window in (21, 1000):
        results = search("latency", window=window, limit=50)
        assert results.total == 21 and not results.capped
        assert [hit.object_id for hit in results.hits] == found("latency", limit=50)
    assert found("latency", window=21)[0] == "best"
    assert search("nothingmatches", window=10).total == 0
