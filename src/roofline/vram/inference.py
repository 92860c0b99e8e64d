"""Serving memory per GPU: weights (quantisation metadata included), the KV cache, the prefill activation peak,
the sampled logits and the runtime overhead, and the inverse: how many KV tokens and sequences fit in a
memory-utilisation budget (vLLM's gpu_memory_utilization)."""

import math
from dataclasses import dataclass

from roofline.modelspec import ModelSpec
from roofline.throughput.precision import kv_bytes_per_element, weight_format
from roofline.throughput.traffic import KvLayout
from roofline.throughput.weights import weight_bytes
from roofline.vram.request import VramRequest

FP32 = 4


@dataclass
class InferenceMemory:
    parts: dict[str, float]
    formulas: dict[str, str]
    kv_bytes_per_sequence: float
    kv_bytes_per_token: float  # all layers, at full attention
    kv_shards: int
    notes: list[str]


def kv_shards(spec: ModelSpec, tp: int) -> int:
    """Ways the KV cache splits under tensor parallelism: KV heads split, replicated once tp exceeds them; MLA's
    latent is replicated on every GPU."""
    return 1 if spec.mla is not None else min(tp, spec.n_kv_heads)


def inference_memory(spec: ModelSpec, request: VramRequest) -> InferenceMemory:
    fmt = weight_format(request.weights)
    mp = request.tp * request.pp
    weights = weight_bytes(spec, fmt).total / mp
    kv = KvLayout(spec)
    kv_elem = kv_bytes_per_element(request.kv_dtype)
    shards = kv_shards(spec, request.tp)
    block = request.block_size
    tokens = math.ceil(request.seq / block) * block if block else request.seq
    per_sequence = kv.cached_elements(tokens) * kv_elem / shards / request.pp
    kv_total = request.batch * per_sequence
    chunk = min(request.prefill_chunk or request.seq, request.batch * request.seq)  # default: one whole prompt
    a = 2  # activations at bf16/fp16
    h = spec.hidden
    width = (
        spec.moe.top_k * spec.moe.expert_intermediate + spec.moe.shared_intermediate if spec.moe else spec.intermediate
    )
    q_out = spec.n_heads * spec.v_head_dim
    qkv = spec.n_heads * spec.head_dim + 2 * spec.n_kv_heads * spec.head_dim
    attention_peak = 2 * h + (qkv + q_out) / request.tp
    mlp_peak = 2 * h + 3 * width / request.tp
    activations = chunk * a * max(attention_peak, mlp_peak)
    logits = request.batch * spec.vocab * 2 * FP32 / request.tp
    parts = {"parameters": weights, "kv_cache": kv_total, "activations": activations, "logits": logits}
    formulas = {
        "parameters": f"{fmt.note}; the rest at bf16" + (f"; ÷ {mp} (tp × pp)" if mp > 1 else ""),
        "kv_cache": f"{request.batch} sequences × Σ_layers min({tokens:,}, window) × KV elements × {kv_elem} B"
        + (f" ÷ {shards} (KV heads split)" if shards > 1 else ""),
        "activations": f"{chunk:,} tokens × 2 B × max(attention: 2h + qkv + out, MLP: 2h + 3·i) of one layer",
        "logits": f"{request.batch} sequences × {spec.vocab:,} × 4 B × 2 (fp32 logits and probabilities, last "
        "position only)",
    }
    notes = []
    if block:
        notes.append(f"Paged KV cache: each sequence rounded up to whole {block}-token blocks ({tokens:,} tokens).")
    if spec.mla is not None:
        notes.append("MLA: the cache holds the compressed latent (kv_lora_rank + rope dims) per token and layer, "
                     "replicated on every tensor-parallel GPU.")  # fmt: skip
    if any(w is not None for w in spec.attention_windows):
        notes.append("Sliding-window layers cache at most their window.")
    return InferenceMemory(parts, formulas, per_sequence, kv.elements_per_token * kv_elem / shards / request.pp,
                           shards, notes)  # fmt: skip


def kv_capacity(memory: InferenceMemory, capacity: float, utilisation: float, overhead: float, seq: int) -> dict:
    """What vLLM would give the KV cache: utilisation × capacity less weights, the activation peak, the logits
    and the non-torch overhead; and how many tokens and sequences of `seq` tokens that holds."""
    parts = memory.parts
    budget = utilisation * capacity - parts["parameters"] - parts["activations"] - parts["logits"] - overhead
    budget = max(budget, 0.0)
    return {
        "gpu_memory_utilization": utilisation,
        "kv_budget_bytes": budget,
        "kv_tokens": int(budget // memory.kv_bytes_per_token) if memory.kv_bytes_per_token else 0,
        "max_sequences": int(budget // memory.kv_bytes_per_sequence) if memory.kv_bytes_per_sequence else 0,
        "context": seq,
    }
