"""Run every benchmark in a fresh process per configuration, print a table per benchmark, and write
benchmarks/RESULTS.md.

PostgreSQL rows appear when a server answers at ROOFLINE_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres); each PostgreSQL run gets a throwaway database, dropped after it.
"""

import json
import os
import platform
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADMIN_URL = os.environ.get("ROOFLINE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SEARCH_P95_TARGET_MS = 50
THREAD_PAGE_TARGET_MS = 200
# Extra environment for a benchmark's PostgreSQL run: at full size (600,000 posts) it took over 3 minutes.
POSTGRES_ENV = {"bench_discussions.py": {"ROOFLINE_BENCH_SCALE": "0.5"}}


def jobs_note(rows: list[dict]) -> str:
    if len(rows) < 2:
        return ""
    ratio = rows[1]["ms_per_progress_event"] / rows[0]["ms_per_progress_event"]
    return f"PostgreSQL / SQLite time per progress event: {ratio:.2f}x (same run, same machine)."


def search_note(rows: list[dict]) -> str:
    sqlite = rows[0]["p95_ms"]
    verdict = "met" if sqlite < SEARCH_P95_TARGET_MS else "missed"
    return (
        "`search(query, kinds=['article'], limit=10, window=20000)` as the article search page calls it, for 200 "
        f"seeded queries "
        f"of 1-3 words (each query's time: the median of 3 runs); index_build_s is the bulk_create time, the engine "
        f"indexing rows as they arrive. "
        f"Target: p95 under {SEARCH_P95_TARGET_MS} ms on SQLite: {verdict} ({sqlite} ms; CPU time alone, which "
        f"other work on the machine does not inflate: {rows[0]['cpu_p95_ms']} ms)."
    )


def discussions_note(rows: list[dict]) -> str:
    lines = [
        "`search_discussions(query, ...)` as the discussion search page calls it (first page of 25; a quarter of the "
        "200 queries also filter by category or answered; only the newest `search_window` matches are counted and "
        "ranked), and GET of the thread page with `thread_replies` replies through Django's test client, signed in.",
    ]
    for row in rows:
        scaled = f" (scaled to {row['scale']:g}: {row['threads']:,} threads, {row['replies']:,} replies)"
        search = "met" if row["search_p95_ms"] < SEARCH_P95_TARGET_MS else "missed"
        page = "met" if row["thread_page_ms"] < THREAD_PAGE_TARGET_MS else "missed"
        constant = "constant" if row["thread_page_queries"] == row["queries_with_5_replies"] else "NOT constant"
        lines.append(
            f"{row['engine']}{scaled if row['scale'] != 1 else ''}: search p95 under {SEARCH_P95_TARGET_MS} ms "
            f"{search} ({row['search_p95_ms']} ms; CPU time alone {row['search_cpu_p95_ms']} ms); thread page under "
            f"{THREAD_PAGE_TARGET_MS} ms {page} "
            f"({row['thread_page_ms']} ms); {row['thread_page_queries']} queries for {row['thread_replies']} "
            f"replies, {row['queries_with_5_replies']} for 5: {constant}."
        )
    return "\n\n".join(lines)


CHAT_P99_TARGET_MS = 250
CHAT_REDIS_URL = os.environ.get("ROOFLINE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def chat_note(rows: list[dict]) -> str:
    row = rows[0]
    met = row["p99_ms"] is not None and row["p99_ms"] < CHAT_P99_TARGET_MS and not row["lost"] + row["duplicated"]
    return (
        f"{row['clients']} WebSocket clients (each its own member, signed in) on {row['servers']} `roofline serve` "
        f"processes sharing SQLite and Redis, subscribed to #general; {row['messages_per_s']:g} messages/s posted "
        f"over the sockets for {row['seconds']:g} s. Latency: post sent -> event received, for every (message, "
        f"client); ack: post sent -> its ack (stored). Lost/duplicated: acknowledged messages a client never got / "
        f"got twice (by sequence number). Target p99 under {CHAT_P99_TARGET_MS} ms with none lost or duplicated: "
        f"{'met' if met else 'missed'} ({row['p99_ms']} ms, {row['lost']} lost, {row['duplicated']} duplicated; "
        f"load average {row['load_average_1m']} at the end: other work on the machine inflates the tail)."
    )


def redis_reachable() -> str:
    """'' if Redis answers at CHAT_REDIS_URL, else why not."""
    try:
        import redis

        redis.Redis.from_url(CHAT_REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # noqa: BLE001  (any failure means: not measured)
        return f"Redis is not reachable at {CHAT_REDIS_URL}: {error}"
    return ""


def throughput_note(rows: list[dict]) -> str:
    worst_estimate = max(row["estimate_ms_p95"] for row in rows)
    worst_sweep = max(row["sweep64_ms_p95"] for row in rows)
    return (
        f"Targets: one estimate under 5 ms (worst p95 {worst_estimate} ms: met if below), a 64-point sweep under "
        f"100 ms (worst p95 {worst_sweep} ms); config loading included, the engine needs no database."
    )


def attention_note(rows: list[dict]) -> str:
    by = {row["case"]: row for row in rows if "error" not in row}
    lines = []
    if "inspect-1024" in by:
        row = by["inspect-1024"]
        lines.append(
            f"Full inspection of 1,024 tokens after load: {row['seconds']} s wall at load average "
            f"{row['load_average_1m']}, {row['cpu_seconds']} CPU seconds over {row['threads']} threads; target under "
            f"15 s: {'met' if row['seconds'] < 15 else 'missed'}."
        )
    if "inspect-4096" in by:
        row = by["inspect-4096"]
        plain = by.get("plain-4096", {}).get("growth_in_layer_tensors", "?")
        naive = by.get("naive-4096", {}).get("peak_growth_gb", "?")
        lines.append(
            f"At 4,096 tokens the inspection grew peak RSS by {row['peak_growth_gb']} GB = "
            f"{row['growth_in_layer_tensors']} × one layer's attention tensor ({row['layer_attention_gb']} GB), "
            f"target at most 2×: {'met' if row['growth_in_layer_tensors'] <= 2 else 'missed'}; a plain eager forward "
            f"with no capture grows it by {plain} × (eager attention holds the scores and their softmax at once), "
            f"the naive all-output_attentions forward by {naive} GB."
        )
    errors = [f"{row['case']}: {row['error']}" for row in rows if "error" in row]
    return " ".join(lines + (["Not measured: " + "; ".join(errors)] if errors else []))


def cards_note(rows: list[dict]) -> str:
    row = rows[0]
    verdict = "met" if row["facts_ms_p95"] < 1000 else "missed"
    return (
        f"`read_facts(directory, hash_files=False)` on sparse shards whose headers describe Llama-2-7B "
        f"({row['params_total']:,} parameters counted from {row['tensors']} tensor headers; {row['file_bytes']:,} "
        f"bytes of files, none of the data read). Target under 1 s: {verdict} (p95 {row['facts_ms_p95']} ms). "
        "card_ms: the whole card (facts, serving estimates on four GPUs, rendering), no eval logs, no hashing."
    )


EVAL_RATE_TARGET, EVAL_ADDED_P50_TARGET_MS = 500, 2.0


def evals_note(rows: list[dict]) -> str:
    rate = min(row["requests_per_s"] for row in rows)
    added = max(row["client_added_p50_ms"] for row in rows)
    cpu_rate = min(row["requests_per_cpu_s"] for row in rows)
    load = max(row["load_average_1m"] for row in rows)
    return (
        f"`run_eval` against a local instant server (its own process), 3,000 items at concurrency 64. Targets: at "
        f"least {EVAL_RATE_TARGET} requests/s: {'met' if rate >= EVAL_RATE_TARGET else 'missed'} (worst mode "
        f"{rate:g}/s wall clock; the client's CPU time alone allows {cpu_rate:g}/s on one free core); client-added "
        f"latency under {EVAL_ADDED_P50_TARGET_MS:g} ms p50: {'met' if added < EVAL_ADDED_P50_TARGET_MS else 'missed'} "
        f"(worst {added:g} ms; engine time per item minus a bare httpx request, concurrency 1). The machine was "
        f"shared with other work (load average up to {load:g} on {os.cpu_count()} CPUs), which lowers the wall-clock "
        "rate; requests_per_cpu_s does not depend on it."
    )


def kernels_note(rows: list[dict]) -> str:
    met = sum(row["within_10pct"] for row in rows)
    return (
        "Our CPU median (`roofline.kernels.timing.time_cpu`) against `torch.utils.benchmark.Timer."
        "blocked_autorange` median on the same callable, 1 thread, 41 interleaved rounds (alternating which "
        "goes first) of at least 0.1 s each; "
        f"ratio = ours / torch's, median over rounds. Target within 10%: {met} of {len(rows)} kernels. "
        "On a loaded machine single rounds spread widely (ratio_min, ratio_max): compare the medians. "
        "GPU agreement with triton.testing.do_bench (target 5%): `python benchmarks/gpu_kernels_check.py` on a "
        "machine with a CUDA device writes its own section here; not yet measured (no GPU was lent)."
    )


def vram_note(rows: list[dict]) -> str:
    worst = max(row["estimate_ms_p95"] for row in rows)
    worst_cpu = max(row["cpu_ms_p95"] for row in rows)
    return (
        f"Target: one estimate under 10 ms, with the largest-micro-batch search and the suggestions' re-estimates "
        f"(worst p95 {worst} ms: {'met' if worst < 10 else 'missed'}; CPU time alone {worst_cpu} ms); config "
        "loading cached as on the server."
    )


# (script, heading, note under its table)
BENCHES = [
    ("bench_jobs.py", "Job system overhead", jobs_note),
    ("bench_search.py", "Full-text search over 50,000 articles", search_note),
    ("bench_discussions.py", "Discussions: 100,000 threads, 500,000 replies", discussions_note),
    ("bench_chat.py", "Chat fan-out: WebSocket clients on two server processes", chat_note),
    ("bench_throughput.py", "Throughput estimator speed", throughput_note),
    ("bench_vram.py", "VRAM calculator speed", vram_note),
    ("bench_cards.py", "Model card facts of a 7B checkpoint", cards_note),
    ("bench_evals.py", "Eval client overhead", evals_note),
    ("bench_kernels.py", "Kernel benchmark: CPU timing agreement with torch.utils.benchmark", kernels_note),
    ("bench_attention.py", "Attention inspector: GPT-2-small shape on CPU", attention_note),
]
# Run once, on SQLite: sets up its own site (SQLite file, two servers, Redis), or uses no database at all.
SQLITE_ONLY = {
    "bench_chat.py",
    "bench_throughput.py",
    "bench_cards.py",
    "bench_evals.py",
    "bench_kernels.py",
    "bench_vram.py",
    "bench_attention.py",
}
# A benchmark that needs a service: the check returns '' when it can run, else why it cannot (the run skips it).
NEEDS = {"bench_chat.py": redis_reachable}
# Settings a benchmark takes from the caller's environment (run_bench drops every other ROOFLINE_ variable).
PASSED_THROUGH = {"bench_chat.py": ("ROOFLINE_BENCH_CHAT_", "ROOFLINE_BENCH_REDIS_URL")}


def run_bench(script: str, **env: str) -> list[dict]:
    """The rows a benchmark prints: one JSON object per line."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROOFLINE_") and k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, str(HERE / script)], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def postgres_database():
    """A fresh PostgreSQL database URL and a function that drops it, or (None, None) without a server."""
    try:
        import psycopg

        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=2)
    except Exception as error:  # noqa: BLE001  (any failure means: no PostgreSQL row)
        print(f"PostgreSQL not measured: {error}", file=sys.stderr)
        return None, None
    name = f"roofline_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def measure(script: str) -> list[dict]:
    """One row on SQLite, and one on PostgreSQL where a server answers."""
    passed = {k: v for k, v in os.environ.items() if k.startswith(PASSED_THROUGH.get(script, ()))}
    rows = run_bench(script, **passed)
    if script in SQLITE_ONLY:
        return rows
    url, drop = postgres_database()
    if url:
        try:
            rows += run_bench(script, DATABASE_URL=url, **POSTGRES_ENV.get(script, {}))
        finally:
            drop()
    return rows


def table(rows: list[dict]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def earlier_sections() -> dict[str, str]:
    """The sections of the RESULTS.md there is, by heading (without the date and machine in brackets)."""
    path = HERE / "RESULTS.md"
    if not path.exists():
        return {}
    sections = {}
    for part in path.read_text().split("\n## ")[1:]:
        sections[part.split(" (", 1)[0].split("\n", 1)[0]] = "## " + part.rstrip("\n") + "\n"
    return sections


def main() -> None:
    """Every benchmark, or (with script names as arguments, e.g. `run.py bench_chat.py`) only those: the other
    sections of RESULTS.md are then kept as they were."""
    chosen = set(sys.argv[1:]) or {script for script, _, _ in BENCHES}
    unknown = chosen - {script for script, _, _ in BENCHES}
    if unknown:
        raise SystemExit(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    measured = {}
    for script, heading, note in BENCHES:
        if script not in chosen:
            continue
        missing = NEEDS.get(script, lambda: "")()
        if missing:
            print(f"{script} not measured: {missing}", file=sys.stderr)
            measured[heading] = f"## {heading}\n\nNot measured: {missing}.\n"
            continue
        started, load = datetime.now(UTC), os.getloadavg()[0]  # load: what else the machine was doing
        rows = measure(script)
        text = f"## {heading} ({started:%Y-%m-%d %H:%M} UTC, {machine}, load average {load:.1f} before)\n\n"
        text += table(rows) + "\n"
        measured[heading] = text + (f"\n{note(rows)}\n" if note(rows) else "")
    kept = earlier_sections()  # read last, so that a section written meanwhile is kept
    sections = [measured.get(heading) or kept.get(heading) for _, heading, _ in BENCHES]
    ours = {heading for _, heading, _ in BENCHES}
    sections += [text for heading, text in kept.items() if heading not in ours]  # e.g. the GPU checks' sections
    text = (
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/run.py); each row is a fresh process.\n\n"
        + "\n".join(section for section in sections if section)
    )
    (HERE / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
