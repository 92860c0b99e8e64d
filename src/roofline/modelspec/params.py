"""Exact parameter counts per component, from the shapes of each family's weights in transformers.

Each count follows the modelling code of the family in transformers (the weight matrices, biases and norm
weights it creates); tests compare the total with `sum(p.numel())` of the same config instantiated on the
meta device. Components: embedding, position_embedding, attention, mlp (dense layers), router,
routed_experts, shared_experts, norms, lm_head.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """What a family adds beyond the common Llama-style block, all of it read off its modelling code."""

    qkv_bias: bool = False  # Qwen2 / Qwen-MoE: biases on q, k, v
    attention_bias: bool = False  # Llama's attention_bias: biases on q, k, v and o
    mlp_bias: bool = False
    norms_per_layer: int = 2  # Gemma 2/3: 4 (pre/post attention and feed-forward)
    norm_has_bias: bool = False  # LayerNorm (GPT-2) rather than RMSNorm
    qk_norm: bool = False  # Qwen3, Gemma 3: RMSNorm over each head's q and k
    router_bias: bool = False  # DeepSeek-V3: e_score_correction_bias
    shared_expert_gate: bool = False  # Qwen-MoE: a sigmoid gate on the shared expert


def attention_params(spec, layout: Layout) -> int:
    h, nh, nkv, hd, vd = spec.hidden, spec.n_heads, spec.n_kv_heads, spec.head_dim, spec.v_head_dim
    if spec.mla is not None:
        m = spec.mla
        q_dim = nh * (m.qk_nope_head_dim + m.qk_rope_head_dim)
        q = h * q_dim if m.q_lora_rank is None else h * m.q_lora_rank + m.q_lora_rank + m.q_lora_rank * q_dim
        kv = h * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank
        kv += m.kv_lora_rank * nh * (m.qk_nope_head_dim + m.v_head_dim)
        return q + kv + nh * m.v_head_dim * h
    weights = h * nh * hd + 2 * h * nkv * hd + nh * vd * h
    if layout.attention_bias:
        weights += nh * hd + 2 * nkv * hd + h
    elif layout.qkv_bias:
        weights += nh * hd + 2 * nkv * hd
    if layout.qk_norm:
        weights += 2 * hd
    return weights


def mlp_params(hidden: int, intermediate: int, gated: bool, bias: bool) -> int:
    matrices = (3 if gated else 2) * hidden * intermediate
    biases = ((2 if gated else 1) * intermediate + hidden) if bias else 0
    return matrices + biases


def count_params(spec, layout: Layout) -> dict[str, int]:
    """Parameters per component of `spec` laid out as `layout` describes."""
    h = spec.hidden
    norm = h * (2 if layout.norm_has_bias else 1)
    sparse = set(spec.moe.sparse_layers) if spec.moe else set()
    dense_layers = spec.n_layers - len(sparse)
    counts = {
        "embedding": spec.vocab * h,
        "attention": spec.n_layers * attention_params(spec, layout),
        "mlp": dense_layers * mlp_params(h, spec.intermediate, spec.gated_mlp, layout.mlp_bias),
        "norms": spec.n_layers * layout.norms_per_layer * norm + norm,  # per layer, and the final norm
        "lm_head": 0 if spec.tied_embeddings else spec.vocab * h,
    }
    if spec.moe is not None:
        m = spec.moe
        router = m.n_routed_experts * h + (m.n_routed_experts if layout.router_bias else 0)
        shared = mlp_params(h, m.shared_intermediate, spec.gated_mlp, False) if m.shared_intermediate else 0
        shared += h if layout.shared_expert_gate else 0
        counts["router"] = len(sparse) * router
        counts["routed_experts"] = len(sparse) * m.n_routed_experts * spec.routed_expert_params
        counts["shared_experts"] = len(sparse) * shared
    return counts
