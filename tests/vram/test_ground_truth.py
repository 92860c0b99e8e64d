"""The calculator's training peak (tensor memory, no overhead line) against PyTorch's own accounting of a real
Hugging Face training step (MemTracker under FakeTensorMode, CPU kernel rules). Reduced widths and depths keep
the panel fast; the architectures, dtypes and attention implementations are the real ones."""

import statistics

import pytest

from roofline.vram import VramRequest
from roofline.vram.activations import CPU
from roofline.vram.estimate import load_model, tensor_memory
from tests.vram.memtrack import measure_training_step

V = 1000
LLAMA = dict(model_type="llama", hidden_size=256, intermediate_size=688, num_hidden_layers=2, num_attention_heads=8,
             num_key_value_heads=2, vocab_size=V)  # fmt: skip
GPT2 = dict(model_type="gpt2", n_embd=256, n_layer=2, n_head=8, n_positions=1024, vocab_size=V)
LLAMA_4 = {**LLAMA, "num_hidden_layers": 4}
PANEL = [
    ("GPT-2, eager, dropout, fp32", GPT2, 4, 128, "fp32", "eager"),
    ("GPT-2, SDPA, fp32", {**GPT2, "attn_pdrop": 0.0}, 2, 256, "fp32", "sdpa"),
    ("Llama GQA, SDPA, bf16", LLAMA, 4, 256, "bf16", "sdpa"),
    ("Llama GQA, eager, fp32", LLAMA, 2, 128, "fp32", "eager"),
    ("Qwen2 (tied), SDPA, bf16", dict(model_type="qwen2", hidden_size=256, intermediate_size=704, num_hidden_layers=2,
     num_attention_heads=8, num_key_value_heads=2, vocab_size=V, tie_word_embeddings=True), 2, 512, "bf16", "sdpa"),
    ("Phi-3 (fused qkv), SDPA, bf16", dict(model_type="phi3", hidden_size=256, intermediate_size=688,
     num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=8, vocab_size=V, pad_token_id=0), 4, 128,
     "bf16", "sdpa"),
    ("Mixtral-shaped MoE, SDPA, bf16", dict(model_type="mixtral", hidden_size=256, intermediate_size=344,
     num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=2, num_local_experts=4, num_experts_per_tok=2,
     vocab_size=V), 4, 128, "bf16", "sdpa"),
    ("Gemma-2-shaped, eager, bf16", dict(model_type="gemma2", hidden_size=256, intermediate_size=688,
     num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=4, head_dim=32, sliding_window=64,
     vocab_size=V), 2, 128, "bf16", "eager"),
    ("Mistral (sliding window 64 < 128 tokens), SDPA, bf16", dict(model_type="mistral", hidden_size=256,
     intermediate_size=688, num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=2, sliding_window=64,
     vocab_size=V), 2, 128, "bf16", "sdpa"),
    ("Qwen3 (q/k norms), SDPA, bf16", dict(model_type="qwen3", hidden_size=256, intermediate_size=688,
     num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=2, head_dim=32, vocab_size=V), 4, 128, "bf16",
     "sdpa"),
    ("Gemma-3-shaped (q/k norms), eager, bf16", dict(model_type="gemma3_text", hidden_size=256,
     intermediate_size=688, num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=4, head_dim=32,
     sliding_window=64, vocab_size=V), 2, 128, "bf16", "eager"),
    ("DeepSeek-V3-shaped (MLA, MoE + shared expert), SDPA, bf16", dict(model_type="deepseek_v3", hidden_size=256,
     intermediate_size=688, moe_intermediate_size=128, num_hidden_layers=2, num_attention_heads=8,
     num_key_value_heads=8, n_routed_experts=4, n_shared_experts=1, num_experts_per_tok=2, first_k_dense_replace=1,
     kv_lora_rank=64, q_lora_rank=96, qk_rope_head_dim=16, qk_nope_head_dim=32, v_head_dim=32, n_group=1,
     topk_group=1, vocab_size=V), 4, 128, "bf16", "sdpa"),
    ("Llama GQA, SDPA, bf16, full checkpointing", LLAMA_4, 8, 512, "bf16", "sdpa", {"checkpointing": "full"}),
    ("GPT-2, eager, fp32, full checkpointing", GPT2, 4, 128, "fp32", "eager", {"checkpointing": "full"}),
    ("Llama GQA, SDPA, bf16, optimizer-step peak", LLAMA, 1, 16, "bf16", "sdpa"),
    ("Llama GQA, SDPA, bf16, SGD with momentum", LLAMA, 4, 256, "bf16", "sdpa", {"optimizer": "sgd"}),
]  # fmt: skip


def estimate(config: dict, batch: int, seq: int, dtype: str, attention: str, extra: dict | None = None) -> float:
    """The calculator's tensor peak (no overhead line) under the CPU kernel rules the trace runs with."""
    request = VramRequest(
        config=config, batch=batch, seq=seq, param_dtype=dtype, attention=attention, dropout=True, **(extra or {})
    )
    spec, traits = load_model(request)
    return tensor_memory(spec, traits, request, CPU).total


def measure(config: dict, batch: int, seq: int, dtype: str, attention: str, extra: dict | None = None) -> int:
    extra = extra or {}
    return measure_training_step(
        config, batch, seq, dtype, attention, checkpointing=extra.get("checkpointing") == "full",
        optimizer=extra.get("optimizer", "adamw"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def errors() -> dict[str, float]:
    return {name: estimate(*case) / measure(*case) - 1 for name, *case in PANEL}


@pytest.mark.parametrize("name", [case[0] for case in PANEL])
def test_training_peak_is_within_10_percent_of_the_traced_step(errors, name):
    assert abs(errors[name]) <= 0.10, f"{name}: {errors[name]:+.1%}"


def test_median_error_over_the_panel_is_within_5_percent(errors):
    assert statistics.median(abs(e) for e in errors.values()) <= 0.05
