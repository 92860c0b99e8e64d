"""Full-text search at scale: how long the index takes to build, and how long a search takes, over 50,000 articles.

Run through `make bench` (benchmarks/run.py), which runs this once per database engine in a fresh process:
    python benchmarks/bench_search.py            # SQLite (WAL, FTS5) in a temporary ROOFLINE_HOME
    DATABASE_URL=postgresql://... python benchmarks/bench_search.py
Generates 50,000 articles from a seeded random generator: each is on one or two of ten ML-infrastructure topics,
its title, summary and 300-800-word body drawn with Zipf-like frequencies from function words, general prose,
site-wide terms (gpu, memory, model...: in most articles) and its topics' terms (common ones first, rare tool and
hardware names last). They are inserted with bulk_create in batches, so the engine's own index (FTS5 triggers /
the generated tsvector column) indexes them as they arrive. Then 200 seeded queries of 1-3 words (site-wide,
common-topic and rare terms, mixed) run through roofline.web.search.api.search(query, kinds=["article"],
limit=10), as the article search page calls it, three times each (a query's time: the median of its three).
Prints one JSON object: index build seconds, the median number of matches, and percentiles over the 200 queries'
times in milliseconds; cpu_p95_ms is the same percentile of this process's CPU time, which other work on a busy
machine does not inflate: the whole search for SQLite (the engine runs in process), only the client's part for
PostgreSQL.
"""

import collections
import itertools
import json
import os
import random
import statistics
import tempfile
import time

DOCUMENTS = 50_000
BATCH = 1_000
QUERIES = 200
RUNS_PER_QUERY = 3  # a query's time is the median of its runs: one stall of a busy machine is not the query's
SEED = 20260301

FILLER = """the of and to in a is for that with on as by this it we are from be at an or which can when each
than more into not but so all its only also one two both then these while per about between without across
""".split()
GENERAL = """approach result results improve improves show shows using use used large small first time work case
number system example cost change problem solution way need simple fast slow better new old step steps setup
default option options version test tests run runs running design choice trade-off limit limits issue issues
practice guide notes lessons production scale scaling team teams code config value values rate size sizes
""".split()
SHARED = """gpu memory model training inference latency throughput compute data batch kernel cluster performance
hardware pytorch cuda benchmark bandwidth precision tokens layer accelerator workload utilization efficiency
""".split()
TOPICS = [  # most common first; the tail of each is what makes a query selective
    """warp warps thread threads block occupancy register registers shared coalesced tiling tile tensor-core mma
    wmma ldmatrix swizzle bank-conflict predication divergence unrolling cp-async ptx sass triton cutlass""",
    """allreduce allgather reducescatter collective nccl ring tree nvlink infiniband interconnect topology rdma
    roce nvswitch sharp gdrcopy nvshmem rccl congestion ecmp dragonfly fat-tree""",
    """parallelism pipeline sharding shard fsdp zero3 deepspeed megatron tensor-parallel data-parallel microbatch
    bubble activation checkpointing recomputation offload optimizer adam gradient gradients straggler elastic""",
    """serving request requests queue queueing continuous paged kv cache eviction prefill decode speculative
    draft acceptance vllm sglang tensorrt flashdecoding pagedattention scheduler preemption hedging tail p99""",
    """quantization int8 int4 fp8 fp16 bf16 calibration outlier outliers gptq awq smoothquant marlin machete
    qlora lora rounding stochastic scaling-factor per-channel per-group dequantize""",
    """compiler graph ir lowering fusion fused autotuning xla mlir llvm jit eager torch-compile dynamo inductor
    cuda-graphs codegen schedule polyhedral vectorized""",
    """profiler profiling trace timeline nsight nsys ncu rocprof perfetto cupti nvtx bottleneck overhead
    microbenchmark roofline arithmetic intensity ridge-point stream-triad pointer-chasing variance median""",
    """attention transformer decoder encoder embedding embeddings softmax logits vocabulary tokenizer rope alibi
    yarn swiglu geglu rmsnorm layernorm moe experts router gating mamba rwkv flashattention""",
    """datacenter rack power cooling pue hbm hbm3e sram dram pcie cxl h100 h200 b200 a100 mi300x gaudi
    trainium inferentia tpuv5 l40s provisioning capacity""",
    """dataset dataloader shuffling storage filesystem object-store prefetch pinned host transfer checkpoint
    restart fault tolerance heartbeat slurm kubernetes container orchestration job jobs autoscaling""",
]
TOPICS = [topic.split() for topic in TOPICS]
SHARES = {"filler": 0.45, "general": 0.22, "shared": 0.10, "topics": 0.21, "aside": 0.02}  # of an article's words


def zipf(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** s for rank in range(n)]


def _flat_vocabulary() -> tuple[list[str], list[float]]:
    """Every word with its share of all text, topics averaged (for generators that draw words without topics)."""
    shares: dict[str, float] = {}
    pools = [(FILLER, 1.0, SHARES["filler"]), (GENERAL, 1.0, SHARES["general"]), (SHARED, 1.0, SHARES["shared"])]
    pools += [(topic, 1.2, (SHARES["topics"] + SHARES["aside"]) / len(TOPICS)) for topic in TOPICS]
    for words, exponent, share in pools:
        weights = zipf(len(words), exponent)
        for word, weight in zip(words, weights, strict=True):
            shares[word] = shares.get(word, 0.0) + share * weight / sum(weights)
    return list(shares), list(shares.values())


# Also used by bench_discussions.py: the flat vocabulary, and the terms its titles are made of.
WORDS, WEIGHTS = _flat_vocabulary()
CORE = SHARED + [word for topic in TOPICS for word in topic[: len(topic) // 2]]
RARE = [word for topic in TOPICS for word in topic[len(topic) // 2 :]]


def cumulative_zipf(n: int, s: float = 1.0) -> list[float]:
    return list(itertools.accumulate(zipf(n, s)))


def article(rng: random.Random, n: int) -> dict:
    """An article on one or two topics: function words, general prose, site-wide terms and its topics' terms."""
    topics = rng.sample(TOPICS, rng.choice([1, 1, 2]))
    other = rng.choice(TOPICS)
    pools = [
        (FILLER, cumulative_zipf(len(FILLER)), SHARES["filler"]),
        (GENERAL, cumulative_zipf(len(GENERAL)), SHARES["general"]),
        (SHARED, cumulative_zipf(len(SHARED)), SHARES["shared"]),
        *[(topic, cumulative_zipf(len(topic), 1.2), SHARES["topics"] / len(topics)) for topic in topics],
        (other, cumulative_zipf(len(other), 1.2), SHARES["aside"]),  # a passing mention of something else
    ]

    def words(k: int) -> list[str]:
        per_pool = collections.Counter(rng.choices(range(len(pools)), [share for _, _, share in pools], k=k))
        picked = [w for i, m in per_pool.items() for w in rng.choices(pools[i][0], cum_weights=pools[i][1], k=m)]
        rng.shuffle(picked)
        return picked

    def sentence(k: int) -> str:
        picked = words(k)
        return picked[0].capitalize() + " " + " ".join(picked[1:]) + "."

    title_words = rng.sample(SHARED[:12] + [w for topic in topics for w in topic[:12]], rng.randint(4, 8))
    target, body = rng.randint(300, 800), []
    while target > 0:
        length = min(target, rng.randint(8, 24))
        body.append(sentence(length))
        target -= length
    return {
        "n": n,
        "title": " ".join(word.capitalize() for word in title_words),
        "summary": sentence(rng.randint(15, 30)),
        "body": "\n\n".join(" ".join(body[i : i + 6]) for i in range(0, len(body), 6)),
    }


def queries(rng: random.Random) -> list[str]:
    """1-3 words, as people search: site-wide terms, a topic's common terms, its rarer terms, and mixes."""
    out = []
    for _ in range(QUERIES):
        topic = rng.choice(TOPICS)
        pools = [SHARED, topic[: len(topic) // 2], topic[len(topic) // 2 :]]
        count = rng.choice([1, 1, 2, 2, 2, 3])
        out.append(" ".join(rng.choice(rng.choices(pools, [0.3, 0.4, 0.3])[0]) for _ in range(count)))
    return out


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def main() -> None:
    os.environ.setdefault("ROOFLINE_HOME", tempfile.mkdtemp(prefix="roofline-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "roofline.web.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from roofline.web.articles.views import SEARCH_WINDOW
    from roofline.web.search.api import search
    from roofline.web.search.models import SearchDocument

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)  # noqa: S311 (seeded filler text, not secrets)
    start_date = datetime(2024, 1, 1, tzinfo=UTC)

    build_seconds = 0.0
    for first in range(0, DOCUMENTS, BATCH):
        batch = [
            SearchDocument(
                kind="article",
                object_id=str(a["n"]),
                title=a["title"],
                summary=a["summary"],
                body=a["body"],
                url=f"/articles/{a['n']}/",
                published_at=start_date + timedelta(hours=a["n"]),
            )
            for a in (article(rng, n) for n in range(first, min(first + BATCH, DOCUMENTS)))
        ]
        started = time.perf_counter()  # time the database's work only, not generating the text
        SearchDocument.objects.bulk_create(batch)
        build_seconds += time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")  # what autovacuum would soon do on a live site

    planned = queries(random.Random(SEED + 1))  # noqa: S311
    for query in planned[:20]:  # warm the caches and the connection
        search(query, kinds=["article"], limit=10, window=SEARCH_WINDOW)
    times, cpu_times, totals = [], [], []
    for query in planned:
        runs, cpu_runs = [], []
        for _ in range(RUNS_PER_QUERY):
            started, cpu_started = time.perf_counter(), time.process_time()
            results = search(query, kinds=["article"], limit=10, window=SEARCH_WINDOW)
            runs.append(1000 * (time.perf_counter() - started))
            cpu_runs.append(1000 * (time.process_time() - cpu_started))
        times.append(statistics.median(runs))
        cpu_times.append(statistics.median(cpu_runs))
        totals.append(results.total)
    times.sort()
    cpu_times.sort()

    print(
        json.dumps(
            {
                "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "documents": DOCUMENTS,
                "index_build_s": round(build_seconds, 1),
                "queries": len(planned),
                "median_matches": int(statistics.median(totals)),
                "p50_ms": round(percentile(times, 50), 2),
                "p95_ms": round(percentile(times, 95), 2),
                "p99_ms": round(percentile(times, 99), 2),
                "max_ms": round(times[-1], 2),
                "cpu_p95_ms": round(percentile(cpu_times, 95), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
