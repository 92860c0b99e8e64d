"""Protocol edge cases against the local test server: each handled and reported, never a crash or a wrong number."""

import json
import time

import pytest

from roofline.evals import EvalRequest, run_eval, validate_scorecard
from tests.evals.fake_server import FakeServer, RunningServer


@pytest.fixture
def suite_file(tmp_path):
    path = tmp_path / "two.jsonl"
    lines = [{"id": "a", "prompt": "What is six times seven?", "scorer": "numeric", "answer": 42},
             {"id": "b", "prompt": "Say forty-two as a number.", "scorer": "numeric", "answer": 42}]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return str(path)


def run(fake, suite_file, model, **options):
    options.setdefault("max_retries", 2)
    request = EvalRequest(endpoint=fake.url, model=model, suites=[suite_file], **options)
    return validate_scorecard(run_eval(request, api_key="sk-test-SECRET").to_dict())


def accuracy(card):
    return next(m for m in card["suites"][0]["metrics"] if m["name"] == "accuracy")


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("api", ["openai-chat", "openai-completions", "anthropic"])
def test_a_well_behaved_server_is_scored_with_its_usage_counts(fake, suite_file, api, stream):
    card = run(fake, suite_file, "solver", api=api, stream=stream)
    assert accuracy(card)["value"] == 1.0 and accuracy(card)["n"] == 2
    assert card["tokens"] == {"input_total": 5 + 5, "output_total": 8, "sources": {"usage": 2}}
    assert card["errors"]["total"] == 0
    latency = card["latency"]
    assert latency["e2e_s"]["count"] == 2
    if stream:  # "The answer is 42." arrives in four chunks: three gaps each
        assert latency["ttft_s"]["count"] == 2 and latency["itl_s"]["count"] == 6
        item = card["items"][0]["latency"]
        assert item["tpot_s"] == pytest.approx((item["e2e_s"] - item["ttft_s"]) / 3)
    else:
        assert latency["ttft_s"]["count"] == 0 and latency["itl_s"]["count"] == 0


def test_the_key_is_sent_but_never_in_the_scorecard(fake, suite_file):
    fake.app.headers.clear()
    card = run(fake, suite_file, "solver")
    assert fake.app.headers[0]["authorization"] == "Bearer sk-test-SECRET"
    assert "SECRET" not in json.dumps(card)


def test_429_waits_for_retry_after_and_the_retry_is_not_in_latency(fake, suite_file):
    started = time.monotonic()
    card = run(fake, suite_file, "rate-limited", concurrency=2)
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    assert accuracy(card)["value"] == 1.0
    assert [item["retries"] for item in card["items"]] == [1, 1]
    assert card["items"][0]["retry_reasons"] == ["HTTP 429"]
    assert card["errors"]["retries_total"] == 2
    assert card["latency"]["e2e_s"]["p99"] < 0.9  # the 1 s wait is not counted


def test_500_then_success_is_retried(fake, suite_file):
    card = run(fake, suite_file, "flaky-500")
    assert accuracy(card)["value"] == 1.0 and card["errors"]["total"] == 0
    assert card["items"][0]["retry_reasons"] == ["HTTP 500"]


def test_500_with_no_retries_left_is_an_error_not_a_wrong_answer(fake, suite_file):
    fake.app.attempts.clear()
    card = run(fake, suite_file, "flaky-500", max_retries=0)
    assert card["errors"]["by_kind"] == {"http": 2}
    assert card["suites"][0]["metrics"] == []  # nothing scored: no accuracy of 0 out of thin air
    assert card["items"][0]["error"].startswith("HTTP 500")


def test_timeouts_are_retried_then_reported(fake, suite_file):
    card = run(fake, suite_file, "slow", timeout_s=0.3, max_retries=1)
    assert card["errors"]["by_kind"] == {"timeout": 2}
    assert card["items"][0]["retries"] == 1
    assert card["latency"]["e2e_s"]["count"] == 0


@pytest.mark.parametrize("stream", [True, False])
def test_malformed_responses_are_protocol_errors(fake, suite_file, stream):
    card = run(fake, suite_file, "malformed", stream=stream)
    assert card["errors"]["by_kind"] == {"protocol": 2}
    assert "not JSON" in card["items"][0]["error"]


def test_a_stream_that_drops_mid_answer_is_reported_truncated_with_its_partial_text(fake, suite_file):
    card = run(fake, suite_file, "cut")
    assert card["errors"]["by_kind"] == {"truncated": 2}
    assert card["items"][0]["response"] == "The answer "
    assert card["suites"][0]["metrics"] == []


def test_a_stream_that_ends_without_finishing_is_truncated(fake, suite_file):
    card = run(fake, suite_file, "no-finish")
    assert card["errors"]["by_kind"] == {"truncated": 2}
    assert "no finish reason" in card["items"][0]["error"]


def test_an_empty_answer_is_scored_wrong_and_counted(fake, suite_file):
    card = run(fake, suite_file, "empty")
    assert accuracy(card)["value"] == 0.0
    assert card["suites"][0]["n_empty"] == 2
    assert card["latency"]["ttft_s"]["count"] == 0  # no content chunk: no TTFT
    assert card["items"][0]["latency"]["tpot_s"] is None


def test_missing_usage_is_labelled_and_totals_are_withheld(fake, suite_file):
    card = run(fake, suite_file, "no-usage")
    assert card["tokens"] == {"input_total": None, "output_total": None, "sources": {"none": 2}}
    assert card["items"][0]["latency"]["tpot_s"] is None
    assert card["latency"]["output_tokens_per_s"]["count"] == 0


def test_an_unreachable_endpoint_is_a_connect_error(suite_file):
    request = EvalRequest(endpoint="http://127.0.0.1:9/v1", model="m", suites=[suite_file], max_retries=0)
    card = run_eval(request).to_dict()
    assert card["errors"]["by_kind"] == {"connect": 2}


def test_an_error_body_echoing_the_key_is_redacted(fake, suite_file):
    request = EvalRequest(endpoint=fake.url + "/nowhere?x=1", model="m", suites=[suite_file], max_retries=0)
    card = run_eval(request, api_key="sk-test-SECRET").to_dict()
    assert "SECRET" not in json.dumps(card)


def test_the_request_rate_spaces_request_starts(fake, suite_file):
    started = time.monotonic()
    run(fake, suite_file, "solver", rate_per_s=4, concurrency=2)  # 2 requests: the second starts ≥ 0.25 s later
    assert time.monotonic() - started >= 0.25


def test_a_judge_endpoint_classes_refusals_and_both_classes_are_kept(tmp_path):
    judge = FakeServer(answers={})
    judge.answer = lambda prompt: "3_partial_refusal"
    with RunningServer(FakeServer()) as target, RunningServer(judge) as judging:
        request = EvalRequest(endpoint=target.url, model="solver", suites=["refusal"], limit=2,
                              judge_endpoint=judging.url, judge_model="judge")  # fmt: skip
        card = run_eval(request).to_dict()
    item = card["items"][0]
    assert item["string_match_class"] == "full_compliance" and item["refusal_class"] == "partial_refusal"
    assert item["refusal_source"] == "judge" and "judge" in card["refusal"]["classifier"]
    assert card["refusal"]["over_refusal_rate"] == 1.0 and card["refusal"]["under_refusal_rate"] == 0.0


def test_a_time_limit_stops_starting_requests_and_the_scorecard_says_incomplete(fake, tmp_path):
    request = EvalRequest(endpoint=fake.url, model="slow", suites=["mlinfra"], limit=6, concurrency=1)
    card = run_eval(request, max_duration_s=1.0).to_dict()  # each answer takes 2 s: one request starts
    assert not card["complete"] and card["suites"][0]["n_done"] == 1 and card["suites"][0]["n_items"] == 6


def test_anthropic_gets_its_key_header_and_version(fake, suite_file):
    fake.app.headers.clear()
    run(fake, suite_file, "solver", api="anthropic")
    assert fake.app.headers[0]["x-api-key"] == "sk-test-SECRET" and "authorization" not in fake.app.headers[0]
    assert fake.app.headers[0]["anthropic-version"] == "2023-06-01"
