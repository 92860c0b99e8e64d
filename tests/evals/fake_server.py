"""A local OpenAI/Anthropic-compatible test server whose misbehaviour is chosen by the request's model name.

solver        answers from `answers` (prompt -> text), else "The answer is 42."; usage = word counts
rate-limited  429 with Retry-After: 1 on a prompt's first attempt, then solver
flaky-500     500 on a prompt's first attempt, then solver
slow          waits 2 s before answering
malformed     a stream whose second event is not JSON (non-streaming: a body that is not JSON)
cut           a stream that stops mid-answer: the connection drops after two chunks
no-finish     a stream that ends cleanly but never says it is complete
empty         an empty answer (0 output tokens)
no-usage      solver without `usage`
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager

import uvicorn


class FakeServer:
    def __init__(self, answers: dict[str, str] | None = None, delay_s: float = 0.0):
        self.answers = answers or {}
        self.delay_s = delay_s  # per chunk, to make latency measurable
        self.attempts: Counter = Counter()
        self.requests: list[dict] = []
        self.headers: list[dict] = []

    def answer(self, prompt: str) -> str:
        return self.answers.get(prompt, "The answer is 42.")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        payload = json.loads(body or b"{}")
        self.requests.append(payload)
        self.headers.append({k.decode(): v.decode() for k, v in scope["headers"]})
        path = scope["path"]
        api = "anthropic" if path.endswith("/messages") else "chat" if path.endswith("/chat/completions") else "text"
        prompt = payload["prompt"] if api == "text" else payload["messages"][-1]["content"]
        model = payload.get("model", "solver")
        self.attempts[(model, prompt)] += 1
        first = self.attempts[(model, prompt)] == 1
        if model == "rate-limited" and first:
            return await _respond(send, 429, {"error": "slow down"}, [(b"retry-after", b"1")])
        if model == "flaky-500" and first:
            return await _respond(send, 500, {"error": "boom"})
        if model == "slow":
            await asyncio.sleep(2.0)
        text = "" if model == "empty" else self.answer(prompt)
        usage = None if model == "no-usage" else {"prompt_tokens": len(prompt.split()), "completion_tokens":
                                                  len(text.split()), "total_tokens": 0}  # fmt: skip
        if payload.get("stream"):
            return await self.stream(send, api, model, text, usage)
        if model == "malformed":
            return await _respond(send, 200, None, raw=b"{not json")
        if api == "anthropic":
            doc = {
                "type": "message",
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": usage["prompt_tokens"], "output_tokens": usage["completion_tokens"]},
            }
        else:
            choice = {"index": 0, "finish_reason": "stop"}
            choice.update({"message": {"role": "assistant", "content": text}} if api == "chat" else {"text": text})
            doc = {"choices": [choice], **({"usage": usage} if usage else {})}
        await _respond(send, 200, doc)

    async def stream(self, send, api: str, model: str, text: str, usage: dict | None):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})  # fmt: skip

        async def event(data, name: str | None = None):
            line = (f"event: {name}\n" if name else "") + f"data: {data if isinstance(data, str) else json.dumps(data)}"
            await send({"type": "http.response.body", "body": (line + "\n\n").encode(), "more_body": True})

        words = text.split(" ") if text else []
        pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        if api == "anthropic":
            await event({"type": "message_start", "message": {"usage": {"input_tokens": usage["prompt_tokens"]}}},
                        "message_start")  # fmt: skip
        for i, piece in enumerate(pieces):
            if model == "malformed" and i == 1:
                await event("{not json")
            if model == "cut" and i == 2:
                raise ConnectionResetError("test server drops the connection mid-answer")
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if api == "anthropic":
                await event({"type": "content_block_delta", "delta": {"type": "text_delta", "text": piece}},
                            "content_block_delta")  # fmt: skip
            else:
                key = {"delta": {"content": piece}} if api == "chat" else {"text": piece}
                await event({"choices": [{"index": 0, **key}]})
        if model != "no-finish":
            if api == "anthropic":
                await event({"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                             "usage": {"output_tokens": usage["completion_tokens"]}}, "message_delta")  # fmt: skip
                await event({"type": "message_stop"}, "message_stop")
            else:
                await event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                if usage:
                    await event({"choices": [], "usage": usage})
                await event("[DONE]")
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _respond(send, status: int, doc, headers=(), raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(doc).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), *headers]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_fake(**options):
    """A FakeServer(**options) served in the background; the yielded RunningServer has `.app` and `.url`."""
    app = FakeServer(**options)
    with RunningServer(app) as running:
        running.app = app
        yield running


class RunningServer:
    """Serve an ASGI app with uvicorn in a background thread; `url` is the OpenAI-style base (…/v1)."""

    def __init__(self, app, port: int | None = None, **config):
        """`config`: more uvicorn.Config options, e.g. ssl_certfile and ssl_keyfile (the URL is then https)."""
        self.port = port or free_port()
        options = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off", **config)
        self.server = uvicorn.Server(options)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"{'https' if config.get('ssl_certfile') else 'http'}://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
