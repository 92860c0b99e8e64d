"""Hand-checked estimates: every expected number is worked out in the comments from the config and the
catalog (H100 SXM: 3.35e12 B/s, 989.4e12 FLOP/s dense bf16, 450e9 B/s NVLink per direction)."""

import pytest

from roofline.throughput import ThroughputRequest, estimate_throughput

H100_BANDWIDTH = 3.35e12


def estimate(**fields) -> dict:
    return estimate_throughput(ThroughputRequest(**fields)).to_dict()


def test_dense_gqa_llama_3_1_8b_decode_at_batch_1():
    d = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", batch=1, context=1024)["decode"]
    # Linear weights per layer: q 4096² + k 1024·4096 + v 1024·4096 + o 4096² = 41,943,040
    #   + MLP 3 · 4096 · 14336 = 176,160,768 -> 218,103,808; × 32 layers = 6,979,321,856
    # Norms 32 · 2 · 4096 + 4096 = 266,240; output projection 128,256 · 4096 = 525,336,576
    # Read every step at 2 bytes: 2 · 7,504,924,672 = 15,009,849,344 B (the input table is only gathered)
    assert d["bytes_breakdown"]["weights"] == 15_009_849_344
    assert d["bytes_breakdown"]["embedding_rows"] == 4096 * 2
    # KV per token: 2 (K, V) · 8 heads · 128 · 32 layers = 65,536 elements; 1,024 cached tokens at 2 bytes
    assert d["bytes_breakdown"]["kv_read"] == 1024 * 65_536 * 2 == 134_217_728
    assert d["bytes_breakdown"]["kv_write"] == 65_536 * 2
    assert d["bytes_per_step"] == 15_144_206_336
    # FLOPs: 2 · 7,504,924,672 matmul parameters + attention 2 · 32 heads · (128 + 128) · 32 layers · 1,025 keys
    assert d["flops_per_step"] == 2 * 7_504_924_672 + 2 * 32 * 256 * 32 * 1025 == 15_547_244_544
    # Memory-bound: 15,144,206,336 / 3.35e12 = 4.5207 ms -> 221.2 tokens/s
    assert d["bound"] == "memory"
    assert d["seconds_per_step"] == pytest.approx(15_144_206_336 / H100_BANDWIDTH)
    assert d["tokens_per_s"] == pytest.approx(221.207, rel=1e-4)


def test_moe_mixtral_reads_two_experts_at_batch_1_and_almost_all_eight_at_batch_64():
    one = estimate(model="mistralai/Mixtral-8x7B-v0.1", gpu="h100", batch=1, context=1024)["decode"]
    many = estimate(model="mistralai/Mixtral-8x7B-v0.1", gpu="h100", batch=64, context=1024)["decode"]
    expert = 3 * 4096 * 14336 * 2  # one expert in one layer at bf16: 352,321,536 B
    # Batch 1: exactly top-2 of 8 experts in each of 32 layers
    assert one["bytes_breakdown"]["routed_experts"] == pytest.approx(32 * 2 * expert)
    # Batch 64: 8 · (1 − (6/8)^64) = 7.99999992 distinct experts per layer
    assert many["bytes_breakdown"]["routed_experts"] == pytest.approx(32 * 8 * (1 - 0.75**64) * expert)
    # Always read: attention 41,943,040 · 32 + norms 266,240 + routers 32 · 8 · 4096 + lm_head 32,000 · 4096
    assert one["bytes_breakdown"]["weights"] == 2 * (41_943_040 * 32 + 266_240 + 1_048_576 + 131_072_000)
    # FLOPs: 2 · (12,879,925,248 active − 131,072,000 gathered embedding) + attention as for Llama-3.1-8B
    assert one["flops_per_step"] == 2 * (12_879_925_248 - 131_072_000) + 2 * 32 * 256 * 32 * 1025


def test_mla_caches_the_compressed_latent():
    r = estimate(model="deepseek-ai/DeepSeek-V2-Lite", gpu="h100", batch=1, context=4096)
    # 27 layers · (kv_lora_rank 512 + rope 64) = 15,552 elements = 31,104 bytes per token at bf16
    assert r["model"]["kv_bytes_per_token"] == 27 * 576 * 2 == 31_104
    assert r["decode"]["bytes_breakdown"]["kv_read"] == 4096 * 31_104
    # Absorbed attention: 2 · 16 heads · ((512 + 64) + 512) · 27 layers · 4,097 keys
    matmul = 2 * (r["model"]["params_active"] - 102_400 * 2048)
    assert r["decode"]["flops_per_step"] == pytest.approx(matmul + 2 * 16 * 1088 * 27 * 4097)


def test_sliding_window_caps_the_cache_read_at_the_window():
    at_window = estimate(model="mistralai/Mistral-7B-v0.1", gpu="h100", context=4096)["decode"]
    beyond = estimate(model="mistralai/Mistral-7B-v0.1", gpu="h100", context=8192)["decode"]
    # Every layer keeps 4,096 tokens: 4,096 · (2 · 8 · 128 · 32) elements · 2 bytes = 536,870,912 B either way
    assert at_window["bytes_breakdown"]["kv_read"] == beyond["bytes_breakdown"]["kv_read"] == 536_870_912


def test_int4_weights_count_group_scales_and_zero_points():
    d = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", weights="int4")["decode"]
    # 6,979,321,856 linear weights at 0.5 B, plus per 128 weights a 2-byte scale and a 0.5-byte zero point:
    # 0.5 + 2.5/128 = 0.51953125 B per weight -> 3,625,976,... ; norms and lm_head stay bf16
    assert d["bytes_breakdown"]["weights"] == pytest.approx(6_979_321_856 * 0.51953125 + 2 * (266_240 + 525_336_576))


def test_tensor_parallel_8_splits_weights_and_adds_all_reduce_traffic():
    r = estimate(model="meta-llama/Llama-3.1-70B", gpu="h100", gpus=8, batch=1, context=1024)
    d = r["decode"]
    # Two ring all-reduces per layer of the 8,192-wide bf16 hidden state: each GPU sends 2 · 7/8 of it
    # 80 layers · 2 · 2 · 7/8 · 8,192 · 2 B = 4,587,520 B, at 450e9 B/s = 10.19 µs
    assert d["communication_bytes_per_gpu"] == 4_587_520
    assert d["communication_seconds"] == pytest.approx(4_587_520 / 450e9)
    # Weights and the KV cache (8 KV heads over 8 GPUs) split eight ways: memory time is 1/8 of one GPU's
    single = estimate(model="meta-llama/Llama-3.1-70B", gpu="h100", gpus=1, batch=1, context=1024)["decode"]
    assert d["memory_seconds"] == pytest.approx(single["memory_seconds"] / 8)
    assert d["bound"] == "memory" and any("ring all-reduces" in note for note in r["assumptions"])


def test_decode_turns_compute_bound_where_flops_over_peak_passes_bytes_over_bandwidth():
    d = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", context=0)["decode"]
    batch = d["compute_bound_batch"]
    # At context 0 almost only weights move: 15.0e9 B / 3.35e12 = 4.48 ms; each token costs
    # 2 · 7.5e9 FLOP / 989.4e12 = 15.2 µs, so about 4.48 ms / 15.2 µs ≈ 296 tokens (the ridge point, 295)
    assert 280 <= batch <= 310
    below = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", context=0, batch=batch - 1)["decode"]
    at = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", context=0, batch=batch)["decode"]
    assert below["bound"] == "memory" and at["bound"] == "compute"


def test_memory_fit_reports_the_largest_batch():
    m = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", context=8191, batch=1)["memory"]
    # 85,899,345,920 B − 16,060,522,496 B of weights, over 8,192 tokens · 131,072 B per sequence
    assert m["max_batch"] == (85_899_345_920 - 16_060_522_496) // (8192 * 131_072) == 65
    too_many = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", context=8191, batch=66)["memory"]
    assert not too_many["fits"]


def test_an_explicit_efficiency_factor_is_applied_and_stated():
    plain = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100")
    derated = estimate(model="meta-llama/Llama-3.1-8B", gpu="h100", efficiency=0.5)
    assert derated["decode"]["tokens_per_s"] == pytest.approx(plain["decode"]["tokens_per_s"] / 2)
    assert any("Efficiency factor 0.5" in note for note in derated["assumptions"])
    assert not any("Efficiency factor" in note for note in plain["assumptions"])
