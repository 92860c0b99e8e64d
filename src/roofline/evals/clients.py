"""Endpoint clients: one attempt of one prompt against an OpenAI-compatible or Anthropic endpoint, with retries.

Every attempt records raw `time.perf_counter()` offsets (seconds from the request start) of each chunk that
carries answer text, so the latency formulas in docs/evals.md can be recomputed from the run file.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from httpx_sse import EventSource

from roofline.evals.guard import refused
from roofline.evals.request import ApiName

ANTHROPIC_VERSION = "2023-06-01"
RETRY_STATUSES = {408, 409, 429, 500, 502, 503, 504}
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
RETRY_AFTER_CAP_S = 120.0


@dataclass(frozen=True)
class Endpoint:
    """Where and how to send: the key lives only here, in memory, and never in repr, logs or files."""

    url: str
    api: ApiName
    model: str
    api_key: str | None = field(default=None, repr=False)

    @property
    def target(self) -> str:
        """The POST URL: the base URL plus the protocol's path unless the user already gave it."""
        base = self.url.rstrip("/")
        path = {"openai-chat": "/chat/completions", "openai-completions": "/completions", "anthropic": "/messages"}
        suffix = path[self.api]
        if base.endswith(suffix):
            return base
        if self.api == "anthropic" and not base.endswith("/v1"):
            return base + "/v1" + suffix
        return base + suffix

    def headers(self) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        if self.api == "anthropic":
            headers["anthropic-version"] = ANTHROPIC_VERSION
            if self.api_key:
                headers["x-api-key"] = self.api_key
        elif self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        return headers

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the key replaced, for error messages."""
        return text.replace(self.api_key, "[REDACTED]") if self.api_key else text


@dataclass(frozen=True)
class Sampling:
    max_tokens: int = 512
    temperature: float = 0.0
    seed: int | None = 0


@dataclass
class Attempt:
    """One HTTP attempt. `error_kind` is None on success; `retryable` says whether another attempt may help."""

    text: str = ""
    finish_reason: str | None = None
    usage: dict | None = None  # {"input_tokens": int, "output_tokens": int} as the server reported them
    chunk_offsets_s: list[float] = field(default_factory=list)  # answer-carrying chunks, from request start
    e2e_s: float | None = None
    status: int | None = None
    error_kind: str | None = None  # http | timeout | connect | refused | protocol | truncated
    error: str | None = None
    retryable: bool = False
    retry_after_s: float | None = None


@dataclass
class Outcome:
    """The final attempt of an item plus what the retries cost; only the final attempt enters latency stats."""

    attempt: Attempt
    retries: int
    retry_reasons: list[str]


def build_payload(endpoint: Endpoint, prompt: str, sampling: Sampling, stream: bool) -> dict:
    payload: dict = {"model": endpoint.model, "max_tokens": sampling.max_tokens, "temperature": sampling.temperature}
    if endpoint.api == "openai-completions":
        payload["prompt"] = prompt
    else:
        payload["messages"] = [{"role": "user", "content": prompt}]
    if sampling.seed is not None and endpoint.api != "anthropic":
        payload["seed"] = sampling.seed
    if stream:
        payload["stream"] = True
        if endpoint.api != "anthropic":
            payload["stream_options"] = {"include_usage": True}
    return payload


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _openai_usage(usage: dict | None) -> dict | None:
    if not isinstance(usage, dict) or "completion_tokens" not in usage:
        return None
    return {"input_tokens": usage.get("prompt_tokens"), "output_tokens": usage["completion_tokens"]}


def _read_openai_json(api: ApiName, body: dict, attempt: Attempt) -> None:
    choice = (body.get("choices") or [{}])[0]
    if api == "openai-chat":
        attempt.text = (choice.get("message") or {}).get("content") or ""
    else:
        attempt.text = choice.get("text") or ""
    attempt.finish_reason = choice.get("finish_reason")
    attempt.usage = _openai_usage(body.get("usage"))


def _read_anthropic_json(body: dict, attempt: Attempt) -> None:
    blocks = body.get("content") or []
    attempt.text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
    attempt.finish_reason = body.get("stop_reason")
    usage = body.get("usage") or {}
    if "output_tokens" in usage:
        attempt.usage = {"input_tokens": usage.get("input_tokens"), "output_tokens": usage["output_tokens"]}


class _StreamReader:
    """Folds SSE events into an Attempt; returns True from `feed` when the stream says it is complete."""

    def __init__(self, api: ApiName, attempt: Attempt, start: float):
        self.api, self.attempt, self.start = api, attempt, start
        self.parts: list[str] = []
        self.input_tokens: int | None = None

    def feed(self, event: str, data: str) -> bool:
        now = time.perf_counter()
        if data.strip() == "[DONE]":
            return True
        try:
            body = json.loads(data)
        except json.JSONDecodeError:
            raise _ProtocolError(f"malformed SSE data (not JSON): {data[:120]!r}") from None
        if not isinstance(body, dict):
            raise _ProtocolError(f"malformed SSE data (not an object): {data[:120]!r}")
        if self.api == "anthropic":
            return self._anthropic(event or body.get("type", ""), body, now)
        if "error" in body:
            raise _ProtocolError(f"error event in stream: {str(body['error'])[:200]}")
        usage = _openai_usage(body.get("usage"))
        if usage:
            self.attempt.usage = usage
        for choice in body.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content") if self.api == "openai-chat" else choice.get("text")
            if piece:
                self.parts.append(piece)
                self.attempt.chunk_offsets_s.append(now - self.start)
            if choice.get("finish_reason"):
                self.attempt.finish_reason = choice["finish_reason"]
        return False

    def _anthropic(self, kind: str, body: dict, now: float) -> bool:
        if kind == "message_start":
            self.input_tokens = ((body.get("message") or {}).get("usage") or {}).get("input_tokens")
        elif kind == "content_block_delta":
            piece = (body.get("delta") or {}).get("text")
            if piece:
                self.parts.append(piece)
                self.attempt.chunk_offsets_s.append(now - self.start)
        elif kind == "message_delta":
            self.attempt.finish_reason = (body.get("delta") or {}).get("stop_reason") or self.attempt.finish_reason
            usage = body.get("usage") or {}
            if "output_tokens" in usage:
                self.attempt.usage = {"input_tokens": self.input_tokens, "output_tokens": usage["output_tokens"]}
        elif kind == "message_stop":
            return True
        elif kind == "error":
            raise _ProtocolError(f"error event in stream: {str(body.get('error'))[:200]}")
        return False

    def finish(self, saw_end: bool) -> None:
        self.attempt.text = "".join(self.parts)
        if not saw_end and self.attempt.finish_reason is None:
            raise _ProtocolError("stream ended before the server said it was complete (no finish reason)", "truncated")


class _ProtocolError(Exception):
    def __init__(self, message: str, kind: str = "protocol"):
        super().__init__(message)
        self.kind = kind


async def attempt_once(
    client: httpx.AsyncClient, endpoint: Endpoint, prompt: str, sampling: Sampling, stream: bool, timeout_s: float
) -> Attempt:
    """Send one request; never raises for network or protocol trouble, which is reported in the Attempt."""
    attempt = Attempt()
    payload = build_payload(endpoint, prompt, sampling, stream)
    reader = None
    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            async with client.stream("POST", endpoint.target, json=payload, headers=endpoint.headers()) as response:
                attempt.status = response.status_code
                if response.status_code != 200:
                    body = (await response.aread()).decode("utf-8", "replace")
                    attempt.error_kind, attempt.retryable = "http", response.status_code in RETRY_STATUSES
                    attempt.error = f"HTTP {response.status_code}: {body[:300]}"
                    attempt.retry_after_s = parse_retry_after(response.headers.get("retry-after"))
                elif stream:
                    reader = _StreamReader(endpoint.api, attempt, start)
                    saw_end = False
                    async for event in EventSource(response).aiter_sse():
                        if not saw_end:  # read on to the end of the body so the connection can be reused
                            saw_end = reader.feed(event.event, event.data)
                    reader.finish(saw_end)
                else:
                    raw = await response.aread()
                    try:
                        body = json.loads(raw)
                    except json.JSONDecodeError:
                        raise _ProtocolError(f"response body is not JSON: {raw[:120]!r}") from None
                    if endpoint.api == "anthropic":
                        _read_anthropic_json(body, attempt)
                    else:
                        _read_openai_json(endpoint.api, body, attempt)
    except TimeoutError:
        attempt.error_kind, attempt.retryable = "timeout", True
        attempt.error = f"no complete answer within {timeout_s:g} s"
    except _ProtocolError as error:
        attempt.error_kind, attempt.error = error.kind, str(error)
    except httpx.RemoteProtocolError as error:
        attempt.error_kind, attempt.error = "truncated", f"connection closed mid-response: {error}"
    except httpx.ConnectError as error:
        if refused(error):  # the address guard said no: the same answer would come again, so no retry
            attempt.error_kind, attempt.error = "refused", str(error)
        else:
            attempt.error_kind, attempt.retryable = "connect", True
            attempt.error = f"{type(error).__name__}: {error}"
    except (httpx.TransportError, httpx.StreamError) as error:
        attempt.error_kind, attempt.retryable = "connect", True
        attempt.error = f"{type(error).__name__}: {error}"
    except ValueError as error:  # httpx_sse: a response that is not text/event-stream
        attempt.error_kind, attempt.error = "protocol", str(error)
    attempt.e2e_s = time.perf_counter() - start
    if reader is not None and not attempt.text:
        attempt.text = "".join(reader.parts)  # the partial answer of a broken stream, kept for inspection
    if attempt.error:
        attempt.error = endpoint.redact(attempt.error)
    return attempt


def backoff_s(retry: int, retry_after_s: float | None) -> float:
    """Wait before retry number `retry` (0-based): the server's Retry-After if given, else 0.5 s × 2^retry."""
    if retry_after_s is not None:
        return min(retry_after_s, RETRY_AFTER_CAP_S)
    return min(BACKOFF_BASE_S * 2**retry, BACKOFF_CAP_S)


async def send_with_retries(
    client: httpx.AsyncClient, endpoint: Endpoint, prompt: str, sampling: Sampling, stream: bool,
    timeout_s: float, max_retries: int,
) -> Outcome:  # fmt: skip
    reasons: list[str] = []
    for retry in range(max_retries + 1):
        attempt = await attempt_once(client, endpoint, prompt, sampling, stream, timeout_s)
        if attempt.error_kind is None or not attempt.retryable or retry == max_retries:
            return Outcome(attempt=attempt, retries=retry, retry_reasons=reasons)
        reasons.append(attempt.error.split(":")[0] if attempt.error_kind == "http" else attempt.error_kind)
        await asyncio.sleep(backoff_s(retry, attempt.retry_after_s))
    raise AssertionError("unreachable")
