"""Against a server we did not write: `transformers serve` with a tiny random-initialised model made locally."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from roofline.evals import SHIPPED_SUITES, EvalRequest, run_eval, validate_scorecard
from roofline.evals.tokens import TokenCounter
from tests.evals.fake_server import free_port
from tests.evals.tiny_model import build_tiny_model

pytest.importorskip("fastapi", reason="transformers serve needs transformers[serving]")
MAX_TOKENS = 6


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, model directory) of `transformers serve` on CPU; started once for the module."""
    model_dir = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")
    port = free_port()
    executable = Path(sys.executable).with_name("transformers")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}
    log = (tmp_path_factory.mktemp("log") / "serve.log").open("w")
    server = subprocess.Popen(
        [str(executable), "serve", str(model_dir), "--port", str(port), "--device", "cpu", "--host", "127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"transformers serve did not start; see {log.name}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1", model_dir
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "no-stream"])
def test_every_shipped_suite_runs_end_to_end_and_counts_match_the_servers_usage(served, stream):
    url, model_dir = served
    request = EvalRequest(endpoint=url, model=str(model_dir), suites=list(SHIPPED_SUITES), limit=2, stream=stream,
                          max_tokens=MAX_TOKENS, concurrency=2, timeout_s=120, price_input_per_mtok=1.0,
                          price_output_per_mtok=3.0)  # fmt: skip
    card = validate_scorecard(run_eval(request).to_dict())

    assert card["complete"] and card["errors"]["total"] == 0
    assert [s["name"] for s in card["suites"]] == list(SHIPPED_SUITES)
    for suite in card["suites"]:
        assert suite["n_done"] == 2 and suite["metrics"], suite["name"]
    refusal = card["refusal"]  # limit 2 keeps one benign and one harmful prompt
    assert refusal["over_refusal_rate"] is not None and refusal["under_refusal_rate"] is not None
    # Every count comes from the server's usage and agrees with the model's own tokenizer and the output cap.
    counter = TokenCounter(str(model_dir))
    assert card["tokens"]["sources"] == {"usage": 8}
    for item in card["items"]:
        prompt_tokens, _ = counter.count(_prompt(item), "", chat=True)
        assert item["tokens"]["input"] == prompt_tokens
        assert 0 <= item["tokens"]["output"] <= MAX_TOKENS
        if item["finish_reason"] == "length":
            assert item["tokens"]["output"] == MAX_TOKENS
    assert card["tokens"]["output_total"] == sum(i["tokens"]["output"] for i in card["items"])
    assert card["cost"]["total_usd"] == pytest.approx(
        card["tokens"]["input_total"] * 1.0 / 1e6 + card["tokens"]["output_total"] * 3.0 / 1e6
    )
    latency = card["latency"]
    assert latency["e2e_s"]["count"] == 8
    if stream:
        streamed = [i for i in card["items"] if i["response"]]
        assert latency["ttft_s"]["count"] == len(streamed) > 0
        assert all(0 < i["latency"]["ttft_s"] <= i["latency"]["e2e_s"] for i in streamed)


def test_the_completions_api_runs_too(served):
    url, model_dir = served
    request = EvalRequest(endpoint=url, model=str(model_dir), api="openai-completions", suites=["arithmetic"],
                          limit=2, max_tokens=MAX_TOKENS, timeout_s=120)  # fmt: skip
    card = run_eval(request).to_dict()
    assert card["errors"]["total"] == 0 and card["tokens"]["sources"] == {"usage": 2}
    counter = TokenCounter(str(model_dir))
    for item in card["items"]:
        assert item["tokens"]["input"] == counter.count(_prompt(item), "", chat=False)[0]


def _prompt(item: dict) -> str:
    from roofline.evals.suites import load_suite

    suite = load_suite(item["suite"], seed=0)
    return next(i["prompt"] for i in suite.items if i["id"] == item["id"])


def test_without_usage_the_named_tokenizer_counts_and_is_named(served, fake):
    _, model_dir = served
    request = EvalRequest(endpoint=fake.url, model="no-usage", suites=["mlinfra"], limit=2, tokenizer=str(model_dir))
    card = run_eval(request).to_dict()
    counter = TokenCounter(str(model_dir))
    assert card["tokens"]["sources"] == {f"tokenizer:{model_dir}": 2}
    for item in card["items"]:
        expected = counter.count(_prompt(item), item["response"], chat=True)
        assert (item["tokens"]["input"], item["tokens"]["output"]) == expected
