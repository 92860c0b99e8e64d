"""Chat fan-out across server processes: many WebSocket clients on two `roofline serve` processes sharing one
SQLite database and Redis, with messages posted at a steady rate; how long each message takes to reach every
client, and whether any client missed or repeated one.

Run through `make bench` (benchmarks/run.py, which skips it when Redis is not running), or on its own:
    python benchmarks/bench_chat.py
Settings (environment):
    ROOFLINE_BENCH_CHAT_CLIENTS   WebSocket clients, half on each server (default 200)
    ROOFLINE_BENCH_CHAT_SECONDS   how long messages are posted (default 60)
    ROOFLINE_BENCH_CHAT_RATE      messages posted per second, in all (default 20)
    ROOFLINE_BENCH_CHAT_POSTERS   how many of the clients post, in turn (default 20: one message a second each)
    ROOFLINE_BENCH_REDIS_URL      the Redis database to use; it is emptied (default redis://127.0.0.1:6379/12)
    ROOFLINE_BENCH_CHAT_TRACE     a file to write, per message: [number, ms to its ack, median and worst delivery ms]
    ROOFLINE_BENCH_SETTINGS       the servers' DJANGO_SETTINGS_MODULE (default roofline.web.settings), to try a
                                  settings change (a module on PYTHONPATH that imports and amends the default)

Setup: a fresh ROOFLINE_HOME (SQLite file), `roofline setup --no-demo`, one member per client with a signed-in
session, and two `roofline serve --no-worker` processes (posting limit raised so the posters are not refused).
Every client connects with its member's session cookie (alternating between the servers), subscribes to
#general, and waits until the presence frames of everyone arriving have settled. The posters then post in turn
at the given rate, each post stamped with the time it was sent; every client records when each message event
arrives (the latency of one delivery: post sent -> that client has the event) and which sequence numbers it got.

Prints one JSON object: deliveries, fan-out latency p50/p90/p99/max in ms over every (message, client) pair,
lost deliveries (messages acknowledged to the poster that a client never got) and duplicated deliveries (an event
a client got twice), the worst client for each, and the CPU time each process used while messages were posted.
"""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
import redis
from websockets.asyncio.client import connect

CLIENTS = int(os.environ.get("ROOFLINE_BENCH_CHAT_CLIENTS", "200"))
SECONDS = float(os.environ.get("ROOFLINE_BENCH_CHAT_SECONDS", "60"))
RATE = float(os.environ.get("ROOFLINE_BENCH_CHAT_RATE", "20"))
POSTERS = int(os.environ.get("ROOFLINE_BENCH_CHAT_POSTERS", "20"))
REDIS_URL = os.environ.get("ROOFLINE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SERVERS = 2
DRAIN_SECONDS = 20
ROOFLINE = [sys.executable, "-m", "roofline"]

MEMBERS = """
import json, sys, django; django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
cookies = []
for i in range(int(sys.argv[1])):
    client = Client()
    client.force_login(get_user_model().objects.create_user(f"member-{i:03d}"))
    cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
print(json.dumps(cookies))
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_env(home: Path) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROOFLINE_") and k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": os.environ.get("ROOFLINE_BENCH_SETTINGS", "roofline.web.settings"),
        "ROOFLINE_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'roofline.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "ROOFLINE_CHAT_MESSAGES_PER_10S": "100000",
        "LOG_LEVEL": "WARNING",
    }


def wait_until_serving(process: subprocess.Popen, port: int, timeout_seconds: float = 60) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start within {timeout_seconds} s")


class Client:
    """One WebSocket client: records the arrival time and sequence number of every message event."""

    def __init__(self, index: int, url: str, cookie: str) -> None:
        self.index, self.url, self.cookie = index, url, cookie
        self.arrivals: dict[int, float] = {}  # message number (from the body) -> arrival time
        self.seqs: Counter[int] = Counter()
        self.acks: dict[str, int] = {}
        self.acked_at: dict[int, float] = {}
        self.errors: list[str] = []
        self.subscribed = asyncio.Event()
        self.last_presence = 0.0
        self.presence_frames = 0
        self.present = 0

    async def open(self) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/ws/chat/"
        self.socket = await connect(
            ws_url, origin=self.url, additional_headers={"Cookie": self.cookie}, max_queue=None, ping_interval=None
        )
        self.reader = asyncio.create_task(self.read())
        await self.socket.send(json.dumps({"type": "subscribe", "channel": "general", "after": 0}))

    async def read(self) -> None:
        async for text in self.socket:
            now = time.perf_counter()
            frame = json.loads(text)
            kind = frame.get("type")
            if kind == "event":
                self.seqs[frame["seq"]] += 1
                if frame["kind"] == "message" and frame["message"]["body"].startswith("bench "):
                    self.arrivals.setdefault(int(frame["message"]["body"].split()[1]), now)
            elif kind == "presence":
                self.last_presence = now
                self.presence_frames += 1
                self.present = len(frame["members"])
            elif kind == "subscribed":
                self.subscribed.set()
            elif kind == "ack":
                self.acks[frame["client_id"]] = frame["seq"]
                self.acked_at[int(frame["client_id"])] = now
            elif kind == "error":
                self.errors.append(frame["error"])

    async def post(self, number: int) -> None:
        frame = {"type": "post", "channel": "general", "topic": "bench", "body": f"bench {number} $x_{{{number}}}$",
                 "client_id": str(number)}  # fmt: skip
        await self.socket.send(json.dumps(frame))


async def measure(urls: list[str], cookies: list[str], pids: list[int]) -> dict:
    clients = [Client(i, urls[i % SERVERS], cookie) for i, cookie in enumerate(cookies)]
    started = time.perf_counter()
    for batch in range(0, len(clients), 20):
        await asyncio.gather(*(c.open() for c in clients[batch : batch + 20]))
    await asyncio.wait_for(asyncio.gather(*(c.subscribed.wait() for c in clients)), 120)

    def settling() -> bool:  # until every client sees everyone present, and presence frames have stopped
        quiet = time.perf_counter() - max(c.last_presence for c in clients)
        return any(c.present < len(clients) for c in clients) or quiet < 2

    deadline = time.perf_counter() + 120
    while settling() and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
    connect_seconds = time.perf_counter() - started
    print(f"{len(clients)} clients connected in {connect_seconds:.1f} s; posting", file=sys.stderr, flush=True)

    presence_before = sum(c.presence_frames for c in clients)
    processes = [psutil.Process(pid) for pid in pids] + [psutil.Process()]
    cpu_before = [sum(p.cpu_times()[:2]) for p in processes]
    sent: dict[int, float] = {}
    posters = clients[:POSTERS]
    total = int(SECONDS * RATE)
    begin = time.perf_counter()
    for number in range(total):
        delay = begin + number / RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent[number] = time.perf_counter()
        await posters[number % len(posters)].post(number)
    posting_seconds = time.perf_counter() - begin
    cpu_after = [sum(p.cpu_times()[:2]) for p in processes]
    presence_while_posting = sum(c.presence_frames for c in clients) - presence_before

    acked = {int(cid): seq for c in posters for cid, seq in c.acks.items()}
    deadline = time.perf_counter() + DRAIN_SECONDS
    while time.perf_counter() < deadline:
        acked = {int(cid): seq for c in posters for cid, seq in c.acks.items()}
        if len(acked) + sum(len(c.errors) for c in posters) >= total and all(
            all(n in c.arrivals for n in acked) for c in clients
        ):
            break
        await asyncio.sleep(0.2)
    for c in clients:
        await c.socket.close()
        c.reader.cancel()

    expected = set(acked.values())
    latencies = [1000 * (c.arrivals[n] - sent[n]) for c in clients for n in acked if n in c.arrivals]
    if os.environ.get("ROOFLINE_BENCH_CHAT_TRACE"):  # per message: number, ms to the ack, median and worst delivery
        trace = []
        for n in sorted(acked):
            each = sorted(1000 * (c.arrivals[n] - sent[n]) for c in clients if n in c.arrivals)
            ack = next((c.acked_at[n] for c in posters if n in c.acked_at), None)
            trace.append([n, round(1000 * (ack - sent[n]), 1) if ack else None, round(each[len(each) // 2], 1),
                          round(each[-1], 1)])  # fmt: skip
        Path(os.environ["ROOFLINE_BENCH_CHAT_TRACE"]).write_text(json.dumps(trace))
    stored = [1000 * (c.acked_at[n] - sent[n]) for c in posters for n in c.acked_at]
    lost = [len(expected - set(c.seqs)) for c in clients]
    duplicated = [sum(count - 1 for count in c.seqs.values() if count > 1) for c in clients]
    cpu = [round(100 * (after - before) / posting_seconds) for before, after in zip(cpu_before, cpu_after, strict=True)]
    return {
        "benchmark": "chat fan-out",
        "clients": len(clients),
        "servers": SERVERS,
        "seconds": SECONDS,
        "messages_per_s": RATE,
        "posted": total,
        "acked": len(acked),
        "refused": sum(len(c.errors) for c in posters),
        "deliveries": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p90_ms": round(percentile(latencies, 0.90), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "ack_p50_ms": round(statistics.median(stored), 1) if stored else None,
        "ack_p99_ms": round(percentile(stored, 0.99), 1) if stored else None,
        "lost": sum(lost),
        "max_lost_per_client": max(lost),
        "duplicated": sum(duplicated),
        "max_duplicated_per_client": max(duplicated),
        "cpu_percent_servers": cpu[:-1],
        "cpu_percent_clients": cpu[-1],
        "connect_seconds": round(connect_seconds, 1),
        "presence_frames_while_posting": presence_while_posting,
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine shows here
    }


def main() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    store.ping()  # raises (and the run stops) when Redis is not running
    store.flushdb()
    home = Path(tempfile.mkdtemp(prefix="roofline-bench-chat-"))
    env = site_env(home)
    subprocess.run([*ROOFLINE, "setup", "--no-demo"], env=env, check=True, capture_output=True, timeout=300)
    made = subprocess.run([sys.executable, "-c", MEMBERS, str(CLIENTS)], env=env, check=True, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    cookies = json.loads(made.stdout.strip().splitlines()[-1])

    servers, logs, urls = [], [], []
    try:
        for i in range(SERVERS):
            port = free_port()
            logs.append(open(home / f"serve-{i}.log", "w"))  # noqa: SIM115  (closed below)
            args = [*ROOFLINE, "serve", "--no-worker", "--port", str(port)]
            servers.append(subprocess.Popen(args, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(servers, urls, strict=True):
            wait_until_serving(process, int(url.rsplit(":", 1)[1]))
        result = asyncio.run(measure(urls, cookies, [p.pid for p in servers]))
    finally:
        for process in servers:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        for log in logs:
            log.close()
        store.flushdb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
