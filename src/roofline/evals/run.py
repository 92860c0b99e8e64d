"""The entry function: run suites against an endpoint, append results to the run file, return the scorecard."""

from __future__ import annotations

import asyncio
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from roofline.evals import refusal, scorers
from roofline.evals.clients import Endpoint, Outcome, Sampling, send_with_retries
from roofline.evals.guard import AddressGuard, guarded_transport
from roofline.evals.latency import request_latency
from roofline.evals.request import EvalRequest
from roofline.evals.runfile import RunFile, RunFileError, fingerprint, read_run_file
from roofline.evals.scorecard import build_scorecard
from roofline.evals.suites import Suite, load_suite
from roofline.evals.tokens import TokenCounter

Progress = Callable[[int, int, dict], None]  # (items done, items in the run, the record just finished)


class EvalError(ValueError):
    """A problem the user can fix (bad suite, mismatched run file); the message says what to do."""


@dataclass
class EvalResult:
    scorecard: dict

    def to_dict(self) -> dict:
        return self.scorecard


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart (a leaky bucket of size one)."""

    def __init__(self, rate_per_s: float | None):
        self.interval = 1 / rate_per_s if rate_per_s else 0.0
        self.next_start = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        await asyncio.sleep(start - now)


def load_suites(request: EvalRequest, allow_files: bool = True) -> list[Suite]:
    try:
        return [load_suite(name, request.seed, allow_files).limited(request.limit) for name in request.suites]
    except ValueError as error:
        raise EvalError(str(error)) from None


def suite_identity(suites: list[Suite]) -> list[dict]:
    return [{"name": s.name, "version": s.version, "content_sha256": s.content_sha256} for s in suites]


def run_eval(
    request: EvalRequest, api_key: str | None = None, run_file: Path | None = None, progress: Progress | None = None,
    allow_files: bool = True, judge_api_key: str | None = None, max_duration_s: float | None = None,
    address_guard: AddressGuard | None = None,
) -> EvalResult:  # fmt: skip
    """Run (or resume, when `run_file` holds an earlier part of the same run) and return the scorecard.

    With `max_duration_s`, no request starts after that many seconds; the scorecard then says `complete: false`.
    With `address_guard`, every connection goes only to addresses the guard accepts, checked when connecting
    (roofline.evals.guard); a refused connection is an item error of kind `refused`. Without one (the CLI),
    any address may be called and the environment's proxy settings apply.
    """
    return asyncio.run(run_eval_async(request, api_key, run_file, progress, allow_files, judge_api_key, max_duration_s,
                                      address_guard))  # fmt: skip


async def run_eval_async(
    request: EvalRequest, api_key: str | None = None, run_file: Path | None = None, progress: Progress | None = None,
    allow_files: bool = True, judge_api_key: str | None = None, max_duration_s: float | None = None,
    address_guard: AddressGuard | None = None,
) -> EvalResult:  # fmt: skip
    deadline = time.monotonic() + max_duration_s if max_duration_s else None
    suites = load_suites(request, allow_files)
    request_json = request.model_dump(mode="json")
    identity = suite_identity(suites)
    print_ = fingerprint(request_json, identity)
    header, done_records = (None, [])
    if run_file is not None:
        try:
            header, done_records = read_run_file(run_file)
        except RunFileError as error:
            raise EvalError(str(error)) from None
        if header is not None and header["fingerprint"] != print_:
            raise EvalError(
                f"{run_file} belongs to a different run (endpoint, model, sampling or suites differ); "
                "use another --run-file or delete it"
            )
    if header is None:
        header = {"type": "header", "fingerprint": print_, "request": request_json, "suites": identity,
                  "started_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
    writer = RunFile(run_file) if run_file is not None else None
    if writer is not None and not done_records and run_file.stat().st_size == 0:
        writer.append(header)
    done = {(r["suite"], r["id"]) for r in done_records}
    todo = [(suite, item) for suite in suites for item in suite.items if (suite.name, item["id"]) not in done]
    total = sum(len(s.items) for s in suites)
    records = list(done_records)
    endpoint = Endpoint(request.endpoint, request.api, request.model, api_key)
    judge = (
        Endpoint(request.judge_endpoint, "openai-chat", request.judge_model or request.model, judge_api_key)
        if request.judge_endpoint else None
    )  # fmt: skip
    session = uuid.uuid4().hex[:12]
    worker = _Worker(request, endpoint, judge, session)
    queue: asyncio.Queue = asyncio.Queue()
    for entry in todo:
        queue.put_nowait(entry)
    # One client with one connection per worker: httpx's shared pool scans every connection for every request
    # (quadratic at high concurrency; benchmarks/bench_evals.py), a private one does not.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    tls = ssl.create_default_context()  # shared: loading the CA bundle takes tens of ms per context

    def new_client() -> httpx.AsyncClient:  # follows no redirects (a 3xx is an `http` error)
        if address_guard is None:
            return httpx.AsyncClient(limits=limits, timeout=request.timeout_s, verify=tls, follow_redirects=False)
        transport = guarded_transport(address_guard, tls, limits)  # and no proxies: see roofline.evals.guard
        return httpx.AsyncClient(transport=transport, timeout=request.timeout_s, trust_env=False,
                                 follow_redirects=False)  # fmt: skip

    async def work() -> None:
        async with new_client() as client:
            while not queue.empty() and (deadline is None or time.monotonic() < deadline):
                suite, item = queue.get_nowait()
                record = await worker.run_item(client, suite, item)
                records.append(record)
                if writer is not None:
                    writer.append(record)
                if progress is not None:
                    progress(len(records), total, record)

    try:
        await asyncio.gather(*(work() for _ in range(min(request.concurrency, max(1, len(todo))))))
    finally:
        if writer is not None:
            writer.close()
    return EvalResult(build_scorecard(header, suites, records))


class _Worker:
    def __init__(self, request: EvalRequest, endpoint: Endpoint, judge: Endpoint | None, session: str):
        self.request, self.endpoint, self.judge, self.session = request, endpoint, judge, session
        self.sampling = Sampling(request.max_tokens, request.temperature, request.seed)
        self.limiter = RateLimiter(request.rate_per_s)
        self.counter = TokenCounter(request.tokenizer) if request.tokenizer else None

    async def send(self, client: httpx.AsyncClient, prompt: str) -> Outcome:
        await self.limiter.wait()
        r = self.request
        return await send_with_retries(client, self.endpoint, prompt, self.sampling, r.stream, r.timeout_s,
                                       r.max_retries)  # fmt: skip

    async def run_item(self, client: httpx.AsyncClient, suite: Suite, item: dict) -> dict:
        wall_start = time.time()
        outcome = await self.send(client, item["prompt"])
        attempt = outcome.attempt
        record = {
            "type": "item", "suite": suite.name, "id": item["id"], "session": self.session,
            "wall_start": wall_start, "wall_end": time.time(),
            "error": attempt.error, "error_kind": attempt.error_kind, "http_status": attempt.status,
            "retries": outcome.retries, "retry_reasons": outcome.retry_reasons,
            "response": attempt.text, "finish_reason": attempt.finish_reason,
            "empty": attempt.error is None and not attempt.text.strip(),
            "tokens": self.tokens(item["prompt"], attempt), "latency": None, "score": None, "correct": None,
        }  # fmt: skip
        if attempt.error is not None:
            return record
        record["latency"] = request_latency(attempt.chunk_offsets_s, attempt.e2e_s, record["tokens"]["output"])
        if item["scorer"] == "refusal":
            record["set"] = item["set"]
            record.update(await self.classify(client, item, attempt.text))
        else:
            record["score"] = scorers.score(item, attempt.text)
            record["correct"] = record["score"]["correct"]
        return record

    def tokens(self, prompt: str, attempt) -> dict:
        usage = attempt.usage
        if usage and usage.get("output_tokens") is not None:
            return {"input": usage.get("input_tokens"), "output": usage["output_tokens"], "source": "usage"}
        if self.counter is not None and attempt.error is None:
            chat = self.endpoint.api != "openai-completions"
            prompt_tokens, output_tokens = self.counter.count(prompt, attempt.text, chat)
            return {"input": prompt_tokens, "output": output_tokens, "source": self.counter.source}
        return {"input": None, "output": None, "source": "none"}

    async def classify(self, client: httpx.AsyncClient, item: dict, text: str) -> dict:
        if not text.strip():
            return {"refusal_class": None, "refusal_source": "empty answer: not classed"}
        label, source = refusal.classify_refusal(text), "string-match"
        result = {"refusal_class": label, "refusal_source": source, "string_match_class": label}
        if self.judge is not None:
            prompt = refusal.JUDGE_PROMPT.format(prompt=item["prompt"], response=text)
            outcome = await send_with_retries(client, self.judge, prompt, Sampling(16, 0.0, None), False,
                                              self.request.timeout_s, self.request.max_retries)  # fmt: skip
            judged = refusal.parse_judge_label(outcome.attempt.text) if outcome.attempt.error is None else None
            result["judge_class"] = judged
            if judged is not None:
                result["refusal_class"], result["refusal_source"] = judged, "judge"
            else:
                result["judge_error"] = outcome.attempt.error or "judge answer names no class"
        return result
