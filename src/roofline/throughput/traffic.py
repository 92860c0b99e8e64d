"""What one forward step moves and computes: bytes to and from memory and FLOPs, for decode and prefill.

Formulas (B sequences, S tokens of context each, P prompt tokens, layers l with KV elements e_l per token and
sliding window w_l):
- weights: every weight read once per step; MoE routed experts only for the experts some token visits, in
  expectation E·(1 − (1 − k/E)^T) distinct experts per MoE layer for T tokens routed uniformly at random;
- input embeddings: only the T rows gathered;
- KV cache read: B · Σ_l min(S, w_l) · e_l · bytes; written: T · Σ_l e_l · bytes;
- FLOPs: 2 per multiply-add, 2 · (matmul parameters per token) · T, plus attention: per layer and head,
  2·d_qk per (query, key) pair for the scores and 2·d_v for the weighted sum (MLA in its absorbed form:
  d_qk = kv_lora_rank + rope dim, d_v = kv_lora_rank).
"""

from dataclasses import dataclass

from roofline.modelspec import ModelSpec
from roofline.throughput.weights import WeightBytes


@dataclass(frozen=True)
class StepTraffic:
    weight_bytes: float
    expert_bytes: float
    embedding_bytes: float
    kv_read_bytes: float
    kv_write_bytes: float
    flops: float
    distinct_experts_per_layer: float

    @property
    def bytes(self) -> float:
        return self.weight_bytes + self.expert_bytes + self.embedding_bytes + self.kv_read_bytes + self.kv_write_bytes

    def bytes_breakdown(self) -> dict[str, float]:
        return {
            "weights": self.weight_bytes,
            "routed_experts": self.expert_bytes,
            "embedding_rows": self.embedding_bytes,
            "kv_read": self.kv_read_bytes,
            "kv_write": self.kv_write_bytes,
        }


def expected_distinct_experts(spec: ModelSpec, tokens: int) -> float:
    """Expected routed experts visited in one MoE layer by `tokens` tokens routed uniformly at random."""
    if spec.moe is None:
        return 0.0
    experts, k = spec.moe.n_routed_experts, spec.moe.top_k
    return experts * (1.0 - (1.0 - k / experts) ** tokens)


def _attention_dims(spec: ModelSpec) -> tuple[int, int]:
    """(d_qk, d_v) per head as the attention kernel computes them."""
    if spec.mla is not None:
        return spec.mla.kv_lora_rank + spec.mla.qk_rope_head_dim, spec.mla.kv_lora_rank
    return spec.head_dim, spec.v_head_dim


class KvLayout:
    """Layers grouped by sliding window, so cache sizes at any context cost a few multiplications."""

    def __init__(self, spec: ModelSpec):
        groups: dict[int | None, tuple[int, int]] = {}
        for layer, window in enumerate(spec.attention_windows):
            elements, count = groups.get(window, (0, 0))
            groups[window] = (elements + spec.kv_elements_per_token(layer), count + 1)
        self.groups = groups  # window -> (KV elements per token summed over its layers, number of layers)
        self.elements_per_token = sum(elements for elements, _ in groups.values())

    def cached_elements(self, context: int) -> float:
        """KV elements one sequence holds at `context` tokens (windows cap their layers)."""
        return sum(elements * (context if w is None else min(context, w)) for w, (elements, _) in self.groups.items())

    def attended_pairs(self, context: int) -> float:
        """(query, key) pairs, summed over layers, for one new token attending to `context` tokens before it
        and itself."""
        return sum(
            count * ((context + 1) if w is None else min(context + 1, w)) for w, (_, count) in self.groups.items()
        )

    def prefill_pairs(self, prompt: int) -> float:
        """Causal (query, key) pairs, summed over layers, for a prompt of `prompt` tokens."""
        total = 0.0
        for window, (_, count) in self.groups.items():
            if window is None or window >= prompt:
                pairs = prompt * (prompt + 1) / 2
            else:  # the first `window` queries see 1..window keys, the rest exactly `window`
                pairs = window * (window + 1) / 2 + (prompt - window) * window
            total += count * pairs
        return total


def _attention_flops(spec: ModelSpec, pairs: float) -> float:
    d_qk, d_v = _attention_dims(spec)
    return 2.0 * spec.n_heads * (d_qk + d_v) * pairs


def decode_step(
    spec: ModelSpec, weights: WeightBytes, kv: KvLayout, kv_bytes: int, batch: int, context: int
) -> StepTraffic:
    """One decode step: `batch` sequences, each with `context` tokens already cached, each adding one token."""
    experts = expected_distinct_experts(spec, batch)
    sparse_layers = len(spec.moe.sparse_layers) if spec.moe else 0
    matmul_flops = 2.0 * spec.matmul_params_per_token * batch
    return StepTraffic(
        weight_bytes=weights.always_read,
        expert_bytes=sparse_layers * experts * weights.per_routed_expert,
        embedding_bytes=batch * weights.embedding_row,
        kv_read_bytes=batch * kv.cached_elements(context) * kv_bytes,
        kv_write_bytes=batch * kv.elements_per_token * kv_bytes,
        flops=matmul_flops + batch * _attention_flops(spec, kv.attended_pairs(context)),
        distinct_experts_per_layer=experts,
    )


def prefill(spec: ModelSpec, weights: WeightBytes, kv: KvLayout, kv_bytes: int, batch: int, prompt: int) -> StepTraffic:
    """Prefill of `batch` prompts of `prompt` tokens each, in one pass (attention reads K and V from on-chip
    memory, FlashAttention style, so the cache is only written)."""
    tokens = batch * prompt
    experts = expected_distinct_experts(spec, tokens)
    sparse_layers = len(spec.moe.sparse_layers) if spec.moe else 0
    return StepTraffic(
        weight_bytes=weights.always_read,
        expert_bytes=sparse_layers * experts * weights.per_routed_expert,
        embedding_bytes=tokens * weights.embedding_row,
        kv_read_bytes=0.0,
        kv_write_bytes=tokens * kv.elements_per_token * kv_bytes,
        flops=2.0 * spec.matmul_params_per_token * tokens + batch * _attention_flops(spec, kv.prefill_pairs(prompt)),
        distinct_experts_per_layer=experts,
    )
