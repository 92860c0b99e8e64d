"""The roofline is an upper bound: it is never below a credible published measurement.

Each case is a measured figure with its source and setup; docs/throughput.md records measured ÷ roofline.
"""

import pytest

from roofline.throughput import ThroughputRequest, estimate_throughput

CASES = [
    # gpt-fast (pytorch-labs/gpt-fast README): Llama-2-7B, bf16, batch 1, A100-80GB, 104.9 tokens/s;
    # its benchmark generates 200 tokens after a short prompt.
    pytest.param(
        {"model": "meta-llama/Llama-2-7b-hf", "gpu": "a100-80gb", "prompt": 6, "output": 200},
        "tokens_per_s_per_seq", 104.9, id="gpt-fast Llama-2-7B bf16 A100",
    ),
    # gpt-fast README: Llama-3.1-8B, bf16, batch 1, A100-80GB, 93.9 tokens/s.
    pytest.param(
        {"model": "meta-llama/Llama-3.1-8B", "gpu": "a100-80gb", "prompt": 6, "output": 200},
        "tokens_per_s_per_seq", 93.9, id="gpt-fast Llama-3.1-8B bf16 A100",
    ),
    # TensorRT-LLM performance overview: LLaMA-7B, FP8, H100, batch 112, 128 in / 2,048 out,
    # 6,818 output tokens/s per GPU (FP8 KV cache: in bf16 the cache would not fit at this batch).
    pytest.param(
        {"model": "meta-llama/Llama-2-7b-hf", "gpu": "h100", "weights": "fp8", "kv_dtype": "fp8", "batch": 112,
         "prompt": 128, "output": 2048},
        "tokens_per_s_per_gpu", 6818.0, id="TensorRT-LLM LLaMA-7B fp8 H100 batch 112",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("request_fields", "metric", "measured"), CASES)
def test_the_roofline_is_not_below_the_measured_figure(request_fields, metric, measured):
    result = estimate_throughput(ThroughputRequest(**request_fields)).to_dict()
    roofline = result["request_estimate"][metric]
    assert result["memory"]["fits"]
    assert measured <= roofline
    # and it is a useful bound, not a vacuous one: measured systems reach well over half of it
    assert measured / roofline > 0.5
