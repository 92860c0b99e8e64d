"""Discussions at scale: search over 100,000 threads and 500,000 replies, and the page of a 500-reply thread.

Run through `make bench` (benchmarks/run.py), which runs this once per database engine in a fresh process:
    python benchmarks/bench_discussions.py            # SQLite (WAL, FTS5) in a temporary ROOFLINE_HOME
    DATABASE_URL=postgresql://... python benchmarks/bench_discussions.py
ROOFLINE_BENCH_SCALE (default 1) scales the thread and reply counts down, e.g. 0.2 for 20,000 / 100,000.

Generates members, threads, their opening posts and replies from a seeded random generator (the vocabulary of
bench_search.py), and inserts them with bulk_create: posts with pre-rendered HTML, and one SearchDocument per
post (kind "thread" for an opening post, "reply" for a reply, with the facets the app's search sync gives them),
so the engine's own index (FTS5 triggers / the generated tsvector column) indexes them as it does on the site.
Thread 1 has 500 replies (every tenth with a comment, every fifth edited) and an accepted answer; thread 2 has 5.

Then measures:
- search: 200 seeded queries of 1-3 words (a quarter also filtered by category or answered), first page of 25,
  through roofline.web.discussions.search.search_discussions as the search page calls it (which counts and ranks
  the newest 2,000 matches only: search_window); p50/p95/p99 in ms of each query's median of 3 runs (wall
  clock, and this process's CPU time);
- the thread page: server time of GET of thread 1 through Django's test Client, signed in as a member, median
  of 20 requests after a warm-up (and the CPU time of this process, to tell a busy machine from a slow page), and
  its SQL query count, beside the count for thread 2 (the same: constant).
Prints one JSON object.
"""

import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import CORE, RARE, WEIGHTS, WORDS, percentile, queries  # noqa: E402  (the same vocabulary)

THREADS = 100_000
REPLIES = 500_000
BIG_THREAD_REPLIES = 500
MEMBERS = 2_000
CHUNK = 2_000  # threads per bulk insert
PAGE_REQUESTS = 20
SEED = 20260302
CUMULATIVE = list(itertools.accumulate(WEIGHTS))  # once: random.choices(weights=) would sum them on every call

CODE = """```python
def tile_{n}(x, block={b}):
    return [x[i : i + block] for i in range(0, len(x), block)]
```"""
MATH = "The intensity is $I = \\frac{{F}}{{B}}$ with $F = {n}$ FLOPs per byte."


def words(rng: random.Random, n: int) -> str:
    chosen = rng.choices(WORDS, cum_weights=CUMULATIVE, k=n)
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def body_of(rng: random.Random, low: int, high: int) -> str:
    """Plain paragraphs of `low` to `high` words in all."""
    target, paragraphs = rng.randint(low, high), []
    while target > 0:
        length = min(target, rng.randint(10, 40))
        paragraphs.append(words(rng, length))
        target -= length
    return "\n\n".join(paragraphs)


def html_of(body: str) -> str:
    """What the Markdown renderer makes of plain paragraphs (pre-rendered: the bulk rows are never shown)."""
    return "".join(f"<p>{escape(p)}</p>\n" for p in body.split("\n\n"))


def title_of(rng: random.Random) -> str:
    return " ".join(word.capitalize() for word in rng.sample(CORE + RARE[:40], rng.randint(4, 9))) + "?"


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the generated created_at / last_activity_at instead of stamping now()."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def seed(scale: float) -> dict:
    """Insert everything; returns counts and the seconds the database took."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from roofline.web.discussions.models import Category, Label, Post, Thread
    from roofline.web.markdown import render_markdown, renderer_version
    from roofline.web.search.api import facet_tokens
    from roofline.web.search.models import SearchDocument

    rng = random.Random(SEED)  # noqa: S311  (seeded data, not secrets)
    threads_total = max(10, int(THREADS * scale))
    replies_total = max(BIG_THREAD_REPLIES + 5, int(REPLIES * scale))
    version = renderer_version()
    categories = list(Category.objects.all())
    qa = next(c for c in categories if c.answerable)
    open_categories = [c for c in categories if not c.staff_only]
    labels = list(Label.objects.all())
    User = get_user_model()
    unusable = make_password(None)
    User.objects.bulk_create(User(id=i, username=f"member{i}", password=unusable) for i in range(1, MEMBERS + 1))
    usernames = {i: f"member{i}" for i in range(1, MEMBERS + 1)}
    Through = Thread.labels.through

    # Replies per thread: thread 1 has 500, thread 2 has 5, the rest share what is left (0 to ~2x the mean).
    rest = replies_total - BIG_THREAD_REPLIES - 5
    mean = rest / (threads_total - 2)
    counts = [BIG_THREAD_REPLIES, 5] + [rng.randint(0, round(2 * mean)) for _ in range(threads_total - 2)]
    counts[2:] = _adjust(counts[2:], rest, rng)

    start = datetime(2024, 1, 1, tzinfo=UTC)
    post_id = 0
    db_seconds = 0.0
    comments = 0
    with explicit_timestamps(Thread, Post, SearchDocument), transaction.atomic():
        for first in range(1, threads_total + 1, CHUNK):
            threads, posts, documents, links = [], [], [], []
            for thread_id in range(first, min(first + CHUNK, threads_total + 1)):
                big = thread_id <= 2
                category = qa if big else rng.choice(open_categories)
                created = start + timedelta(minutes=5 * thread_id)
                author = rng.randint(1, MEMBERS)
                title = "Why is my fused attention kernel memory-bound at batch 1?" if thread_id == 1 else title_of(rng)
                thread_labels = rng.sample(labels, rng.choice([0, 1, 1, 2]))
                links += [Through(thread_id=thread_id, label_id=label.pk) for label in thread_labels]
                n_replies = counts[thread_id - 1]
                accepted = category.answerable and n_replies and (big or rng.random() < 0.4)
                thread_posts = []
                post_id += 1
                opening_body = body_of(rng, 40, 200)
                if big:
                    opening_body += "\n\n" + CODE.format(n=thread_id, b=64) + "\n\n" + MATH.format(n=thread_id)
                thread_posts.append(
                    Post(id=post_id, thread_id=thread_id, is_opening=True, author_id=author, body=opening_body,
                         created_at=created)
                )  # fmt: skip
                for r in range(n_replies):
                    post_id += 1
                    reply = Post(
                        id=post_id, thread_id=thread_id, author_id=rng.randint(1, MEMBERS), body=body_of(rng, 15, 120),
                        created_at=created + timedelta(seconds=30 * (r + 1)),
                    )  # fmt: skip
                    if big and r % 5 == 4:
                        reply.edited_at, reply.edited_by_id = reply.created_at + timedelta(minutes=1), reply.author_id
                    thread_posts.append(reply)
                    if big and r % 10 == 9:  # a comment under every tenth reply of the big threads
                        post_id += 1
                        comments += 1
                        thread_posts.append(
                            Post(id=post_id, thread_id=thread_id, parent_id=reply.id, author_id=author,
                                 body=words(rng, 20), created_at=reply.created_at + timedelta(seconds=10))
                        )  # fmt: skip
                replies = [p for p in thread_posts if not p.is_opening and p.parent_id is None]
                accepted_id = replies[len(replies) // 2].id if accepted else None
                threads.append(
                    Thread(id=thread_id, title=title, category_id=category.pk, author_id=author, created_at=created,
                           last_activity_at=thread_posts[-1].created_at, accepted_reply_id=accepted_id,
                           reply_count=len(thread_posts) - 1)
                )  # fmt: skip
                for post in thread_posts:
                    # Big threads: rendered as the site renders (code, math); the rest: plain paragraphs.
                    post.rendered_html = render_markdown(post.body).html if big else html_of(post.body)
                    post.renderer_version = version
                    if post.parent_id is not None:
                        continue  # comments are not searched
                    facets = {
                        "category": category.slug,
                        "label": [label.slug for label in thread_labels],
                        "author": usernames[post.author_id],
                    }
                    if category.answerable:
                        facets["answered"] = "yes" if accepted_id else "no"
                    tokens = facet_tokens(facets)
                    documents.append(
                        SearchDocument(
                            kind="thread" if post.is_opening else "reply", object_id=str(post.id), title=title,
                            summary="", body=post.body, published_at=post.created_at,
                            url=f"/discussions/t/{thread_id}/" if post.is_opening else f"/discussions/p/{post.id}/",
                            facets=f" {' '.join(tokens)} " if tokens else "",  # as index_document stores them
                        )
                    )  # fmt: skip
                posts += thread_posts
            started = time.perf_counter()  # time the database's work only, not generating the text
            Thread.objects.bulk_create(threads, batch_size=1000)
            Through.objects.bulk_create(links, batch_size=1000)
            Post.objects.bulk_create(posts, batch_size=1000)
            SearchDocument.objects.bulk_create(documents, batch_size=1000)
            db_seconds += time.perf_counter() - started
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("auth_user", "discussions_thread", "discussions_post", "search_searchdocument"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
            cursor.execute("ANALYZE")  # what autovacuum would soon do on a live site
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    db_seconds += time.perf_counter() - started
    return {
        "threads": threads_total,
        "replies": sum(counts),
        "comments": comments,
        "documents": SearchDocument.objects.count(),
        "seed_db_s": round(db_seconds, 1),
    }


def _adjust(counts: list[int], total: int, rng: random.Random) -> list[int]:
    """Nudge random entries so `counts` sums to exactly `total` (none below zero)."""
    difference = total - sum(counts)
    while difference:
        i = rng.randrange(len(counts))
        step = 1 if difference > 0 else -1
        if counts[i] + step >= 0:
            counts[i] += step
            difference -= step
    return counts


def measure_search() -> dict:
    from roofline.web.discussions.search import WINDOW, search_discussions

    rng = random.Random(SEED + 1)  # noqa: S311
    planned = []
    for query in queries(random.Random(SEED + 2)):  # noqa: S311
        roll = rng.random()
        filters = {}
        if roll < 0.15:
            filters["category"] = rng.choice(["q-and-a", "papers", "proposals", "show-and-tell"])
        elif roll < 0.25:
            filters.update(category="q-and-a", answered=rng.choice(["yes", "no"]))
        planned.append((query, filters))
    for query, filters in planned[:20]:  # warm the caches and the connection
        search_discussions(query, **filters)
    times, cpu, totals = [], [], []
    for query, filters in planned:  # each query's time: the median of 3 runs (as bench_search.py), so a moment
        runs, cpu_runs = [], []  # when something else holds the CPU does not pass for the search's own cost
        for _ in range(3):
            started, cpu_started = time.perf_counter(), time.process_time()
            results = search_discussions(query, **filters)
            runs.append(1000 * (time.perf_counter() - started))
            cpu_runs.append(1000 * (time.process_time() - cpu_started))
        times.append(statistics.median(runs))
        cpu.append(statistics.median(cpu_runs))
        totals.append(results.total)
    times.sort()
    cpu.sort()
    return {
        "queries": len(planned),
        "search_window": WINDOW,
        "median_matches": int(statistics.median(totals)),
        "search_p50_ms": round(percentile(times, 50), 2),
        "search_p95_ms": round(percentile(times, 95), 2),
        "search_p99_ms": round(percentile(times, 99), 2),
        "search_max_ms": round(times[-1], 2),
        "search_cpu_p50_ms": round(percentile(cpu, 50), 2),  # this process's CPU time: the search's own work
        "search_cpu_p95_ms": round(percentile(cpu, 95), 2),  # (SQLite runs in-process), less what others take
    }


def measure_thread_page() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from roofline.web.discussions.models import Thread

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(pk=1))
    big, small = Thread.objects.get(pk=1), Thread.objects.get(pk=2)

    def get(thread) -> int:
        response = client.get(thread.get_absolute_url())
        assert response.status_code == 200, response.status_code
        return len(response.content)

    size = get(big)  # warm-up (templates, connection)
    samples, cpu = [], []
    for _ in range(PAGE_REQUESTS):
        started, cpu_started = time.perf_counter(), time.process_time()
        get(big)
        samples.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - cpu_started))
    with CaptureQueriesContext(connection) as big_queries:
        get(big)
    with CaptureQueriesContext(connection) as small_queries:
        get(small)
    return {
        "thread_replies": big.posts.filter(parent=None, is_opening=False).count(),
        "thread_page_ms": round(statistics.median(samples), 1),
        "thread_page_cpu_ms": round(statistics.median(cpu), 1),  # this process only: not a PostgreSQL server's
        "thread_page_kb": round(size / 1024),
        "thread_page_queries": len(big_queries),
        "queries_with_5_replies": len(small_queries),
    }


def main() -> None:
    temporary = None if "ROOFLINE_HOME" in os.environ else tempfile.mkdtemp(prefix="roofline-bench-")
    if temporary:  # removed at the end: the SQLite database alone is over 1 GB
        os.environ["ROOFLINE_HOME"] = temporary
    os.environ["DJANGO_SETTINGS_MODULE"] = "roofline.web.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    scale = float(os.environ.get("ROOFLINE_BENCH_SCALE", "1"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed static files, as deployed
    started = time.perf_counter()
    counts = seed(scale)
    seconds = time.perf_counter() - started
    result = {
        "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "scale": scale,
        **counts,
        "seed_total_s": round(seconds, 1),
        **measure_search(),
        **measure_thread_page(),
    }
    print(json.dumps(result))
    if temporary:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
