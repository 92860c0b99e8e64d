"""Eval client overhead against a local server that answers instantly (target: ≥ 500 requests/s at concurrency 64,
client-added latency under 2 ms p50).

The server is a bare asyncio HTTP/1.1 keep-alive server in its own process (so it does not share the client's
GIL) that answers every POST with the same chat completion, either JSON or a 4-chunk SSE stream with usage.
- requests/s: `run_eval` on a 3,000-item user suite at concurrency 64 (scoring, run file and scorecard included;
  the scorecard's own requests_per_s is successful requests / wall time of the session). The machine is shared,
  so the client's CPU time per request (time.process_time) is reported too: requests_per_cpu_s is what one
  free core sustains.
- client-added latency: at concurrency 1, the engine's time per item (from taking the item to the end of its
  response, as recorded in the item) minus a bare `httpx.AsyncClient.post` + parse of the same request on the
  same server, p50 against p50, over 8 alternating blocks of 50 requests each way; the mean over whole runs
  (scoring, run file and scorecard included) is reported beside it.
Prints one JSON object per mode.
"""

import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from roofline.evals import EvalRequest, run_eval

ITEMS = int(os.environ.get("ROOFLINE_BENCH_EVAL_ITEMS", "3000"))
BLOCKS, BLOCK_ITEMS = 8, 50  # client-added latency: 8 alternating blocks of 50 requests each way
ANSWER = "The answer is 42."
USAGE = {"prompt_tokens": 8, "completion_tokens": 5, "total_tokens": 13}


def _responses() -> dict[bool, bytes]:
    body = json.dumps({"choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant",
                       "content": ANSWER}}], "usage": USAGE}).encode()  # fmt: skip
    events = [{"choices": [{"index": 0, "delta": {"content": w}}]} for w in ("The ", "answer ", "is ", "42.")]
    events += [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": USAGE}]
    sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    head = "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\n\r\n"
    return {
        False: head.format("application/json", len(body)).encode() + body,
        True: head.format("text/event-stream", len(sse)).encode() + sse.encode(),
    }


def serve(sock: socket.socket) -> None:
    """The instant server: read a request (headers + content-length body), answer, keep the connection."""
    responses = _responses()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                writer.write(responses[b'"stream": true' in body or b'"stream":true' in body])
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, sock=sock, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def suite_file(directory: Path, n: int) -> str:
    path = directory / "bench.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "prompt": f"Question {i}?", "scorer": "exact",
                                        "answer": ANSWER}) + "\n" for i in range(n)))  # fmt: skip
    return str(path)


async def bare_latencies(url: str, n: int, stream: bool) -> list[float]:
    """Seconds per request of a bare httpx POST reading the whole body, one at a time (the floor the engine adds
    to); the body is parsed as JSON, or for a stream each `data:` line of it."""
    payload = {"model": "bench", "messages": [{"role": "user", "content": "Question?"}], "max_tokens": 512}
    if stream:
        payload |= {"stream": True, "stream_options": {"include_usage": True}}
    samples = []
    async with httpx.AsyncClient() as client:
        for _ in range(n):
            started = time.perf_counter()
            response = await client.post(url + "/chat/completions", json=payload)
            if stream:
                [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: {")]
            else:
                response.json()
            samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    server = multiprocessing.get_context("fork").Process(target=serve, args=(sock,), daemon=True)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            suite = suite_file(tmp, ITEMS)
            for stream in (False, True):
                request = EvalRequest(endpoint=url, model="bench", suites=[suite], concurrency=64, stream=stream,
                                      max_retries=0)  # fmt: skip
                started, cpu_started = time.perf_counter(), time.process_time()
                card = run_eval(request, run_file=tmp / f"run-{stream}.jsonl").to_dict()
                total_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
                assert card["errors"]["total"] == 0 and card["suites"][0]["metrics"][0]["value"] == 1.0
                per_item, bare, serial_s = [], [], 0.0
                for block in range(BLOCKS):  # alternate bare and engine blocks so that load changes hit both
                    small = tmp / f"serial-{stream}-{block}"
                    small.mkdir()
                    serial = EvalRequest(endpoint=url, model="bench", suites=[suite_file(small, BLOCK_ITEMS)],
                                         concurrency=1, stream=stream, max_retries=0)  # fmt: skip
                    bare += asyncio.run(bare_latencies(url, BLOCK_ITEMS, stream))
                    started = time.perf_counter()
                    serial_card = run_eval(serial, run_file=small / "run.jsonl").to_dict()
                    serial_s += time.perf_counter() - started
                    per_item += [r["wall_end"] - r["wall_start"] for r in serial_card["items"]]
                added_p50 = statistics.median(per_item) - statistics.median(bare)
                print(json.dumps({
                    "mode": "stream (SSE)" if stream else "JSON",
                    "items": ITEMS,
                    "concurrency": 64,
                    "requests_per_s": round(card["latency"]["requests_per_s"], 1),
                    "requests_per_s_incl_scorecard": round(ITEMS / total_s, 1),
                    "client_cpu_ms_per_request": round(1000 * cpu_s / ITEMS, 3),
                    "requests_per_cpu_s": round(ITEMS / cpu_s, 1),
                    "bare_httpx_p50_ms": round(1000 * statistics.median(bare), 3),
                    "engine_item_p50_ms": round(1000 * statistics.median(per_item), 3),
                    "client_added_p50_ms": round(1000 * added_p50, 3),
                    "client_added_mean_ms_whole_run": round(
                        1000 * (serial_s / len(per_item) - statistics.mean(bare)), 3
                    ),
                    "load_average_1m": round(os.getloadavg()[0], 2),
                }))  # fmt: skip
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    sys.exit(main())
