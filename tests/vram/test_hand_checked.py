"""Figures checked by hand: the ZeRO paper's worked example, KV caches for GQA, MLA and sliding-window models."""

import pytest

from roofline.modelspec import ModelSpec, load_model_spec
from roofline.vram import VramRequest, estimate_vram
from roofline.vram.states import model_states

GB = 1e9


def spec_with_params(total: int) -> ModelSpec:
    """A model whose only fact that matters is its parameter count (ZeRO's Ψ)."""
    return ModelSpec(
        name="psi", architecture="llama", n_layers=1, hidden=8, n_heads=1, n_kv_heads=1, head_dim=8, v_head_dim=8,
        vocab=8, intermediate=8, gated_mlp=True, tied_embeddings=True, max_positions=8, attention_windows=(None,),
        params={"all": total},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "expected_gb"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)]
)  # ZeRO paper, Figure 1: Ψ = 7.5B, N_d = 64, K = 12
def test_zero_model_states_match_the_papers_worked_example(stage, expected_gb):
    request = VramRequest(config={"model_type": "llama"}, mixed_precision=True, zero=stage, gpus=64)
    states = model_states(spec_with_params(7_500_000_000), request)
    # (2 + 2 + 12)Ψ = 120 GB; stage 1: 4Ψ + 12Ψ/64 = 31.4; stage 2: 2Ψ + 14Ψ/64 = 16.6; stage 3: 16Ψ/64 = 1.875
    assert (states.parameters + states.gradients + states.optimizer) / GB == pytest.approx(expected_gb, abs=0.05)


def test_fsdp_full_shard_equals_zero_3():
    spec = spec_with_params(7_500_000_000)
    fsdp = model_states(
        spec, VramRequest(config={"model_type": "llama"}, mixed_precision=True, fsdp="FULL_SHARD", gpus=64)
    )
    zero = model_states(spec, VramRequest(config={"model_type": "llama"}, mixed_precision=True, zero=3, gpus=64))
    assert (fsdp.parameters, fsdp.gradients, fsdp.optimizer) == (zero.parameters, zero.gradients, zero.optimizer)


def infer(model: str, **kwargs):
    return estimate_vram(VramRequest(model=model, mode="infer", **kwargs))


def test_gqa_kv_cache_llama_3_1_8b():
    # 32 layers × 8 KV heads × (128 + 128) × 2 B = 131,072 B per token; 4 sequences × 8192 tokens = 4 GiB
    result = infer("meta-llama/Llama-3.1-8B", batch=4, seq=8192)
    assert result.breakdown["kv_cache"] == 4 * 8192 * 32 * 8 * 256 * 2 == 4 * 2**30


def test_gqa_kv_cache_splits_over_kv_heads_and_rounds_to_pages():
    # tp 2 halves the heads; 1000 tokens round up to 63 blocks of 16 = 1008 tokens; fp8 cache: 1 B per element
    result = infer("meta-llama/Llama-3.1-8B", batch=1, seq=1000, tp=2, gpus=2, block_size=16, kv_dtype="fp8")
    assert result.breakdown["kv_cache"] == 1008 * 32 * 8 * 256 * 1 / 2


def test_mla_kv_cache_deepseek_v3_holds_the_latent():
    # 61 layers × (kv_lora_rank 512 + rope 64) × 2 B = 70,272 B per token, replicated under tensor parallelism
    result = infer("deepseek-ai/DeepSeek-V3", batch=2, seq=4096, tp=8, gpus=8, weights="fp8")
    assert result.breakdown["kv_cache"] == 2 * 4096 * 61 * 576 * 2


def test_sliding_window_kv_cache_gemma_2_caps_local_layers():
    # 21 global layers keep 8192 tokens, 21 local layers their 4096-token window; 8 KV heads × 512 × 2 B per layer
    result = infer("google/gemma-2-9b", batch=1, seq=8192)
    assert result.breakdown["kv_cache"] == (21 * 8192 + 21 * 4096) * 8 * 512 * 2


def test_kv_capacity_is_the_utilisation_budget_over_bytes_per_token():
    result = infer("meta-llama/Llama-3.1-8B", batch=1, seq=4096, gpu_memory_utilization=0.9)
    parts, cap = result.breakdown, result.kv_capacity
    budget = (
        0.9 * result.capacity_bytes - parts["parameters"] - parts["activations"] - parts["logits"] - parts["overhead"]
    )
    assert cap["kv_budget_bytes"] == pytest.approx(budget)
    assert cap["kv_tokens"] == int(budget // 131_072)
    assert cap["max_sequences"] == int(budget // (4096 * 131_072))


def test_lora_and_qlora_states_llama_3_1_8b():
    # PEFT 'all-linear' r16 on Llama-3.1-8B: 16 × (8192 + 5120 + 5120 + 8192 + 3 × 18432) × 32 = 41,943,040 params,
    # kept in fp32 with fp32 gradients and AdamW moments
    trainable = 41_943_040
    lora = estimate_vram(VramRequest(model="meta-llama/Llama-3.1-8B", lora_rank=16))
    assert lora.breakdown["optimizer"] == 8 * trainable
    spec = load_model_spec("meta-llama/Llama-3.1-8B")
    states = model_states(spec, VramRequest(model="meta-llama/Llama-3.1-8B", lora_rank=16, qlora=True))
    assert states.trainable == trainable and states.gradients == 4 * trainable and states.optimizer == 8 * trainable
    tables = 2 * 128_256 * 4096  # the embedding and the untied output head stay bf16, as do the norms
    norms = 4096 * (2 * 32 + 1)
    linear = spec.params_total - tables - norms  # NF4: 4 bits + 8-bit absmax per 64 + fp32 per 256 absmax blocks
    nf4 = 0.5 + 1 / 64 + 4 / (64 * 256)
    assert states.parameters == pytest.approx(nf4 * linear + 2 * (tables + norms) + 4 * trainable)


def test_llama_3_1_8b_bf16_sdpa_activations_per_token_and_layer():
    # h 4096, i 14336, 32 heads and 8 KV heads of 128, bf16 (a = 2):
    # norms 2 × (4h + 4 + 2h + 2h) = 65,544; q, k, v, output 2 × (4096 + 1024 + 1024 + 4096) = 20,480;
    # log-sum-exp 4 × 32 = 128; MLP 4 × 2 × 14336 = 114,688: 200,840 bytes per token and layer
    result = estimate_vram(VramRequest(model="meta-llama/Llama-3.1-8B", batch=1, seq=4096))
    per_layer = 65_544 + 20_480 + 128 + 114_688
    assert "32 layers × 200,840 B per token on this GPU × 4,096 tokens" in result.to_dict()["lines"][2]["formula"]
    # the peak is the start of backward: layers, final norm (4h + 4 + 4h) and ids (16), and 12 × vocab of loss
    head = 4 * 4096 + 4 + 4 * 4096 + 16
    assert result.breakdown["activations"] == 4096 * (32 * per_layer + head)
    assert result.breakdown["logits"] == 4096 * 12 * 128_256


def test_optimizer_states_for_sgd_8bit_adam_and_adafactor():
    spec = load_model_spec("meta-llama/Llama-3.1-8B")
    total = spec.params_total
    norms = 4096 * 65  # two per layer and the final one: vectors of 4096 elements (8-bit in bitsandbytes too)
    sgd = model_states(spec, VramRequest(model="x", optimizer="sgd")).optimizer
    adam8 = model_states(spec, VramRequest(model="x", optimizer="adam8bit")).optimizer
    adafactor = model_states(spec, VramRequest(model="x", optimizer="adafactor")).optimizer
    assert sgd == 2 * total  # one bf16 momentum buffer
    assert adam8 == pytest.approx(2 * (1 + 4 / 256) * total)
    per_layer = (4096 + 4096) + 2 * (1024 + 4096) + (4096 + 4096) + 2 * (14336 + 4096) + (4096 + 14336)
    factored = 32 * per_layer + 2 * (128_256 + 4096)  # row + column per matrix, the untied head included
    assert adafactor == 2 * (factored + norms)
