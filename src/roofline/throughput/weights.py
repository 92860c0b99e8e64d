"""Bytes of a model's weights in a storage format: the linear layers quantised, everything else at bf16."""

from dataclasses import dataclass

from roofline.modelspec import ModelSpec
from roofline.throughput.precision import WeightFormat

BF16_BYTES = 2
Matrix = tuple[int, int]  # (rows = output features, cols = input features)


def attention_matrices(spec: ModelSpec) -> list[Matrix]:
    """One layer's attention projections."""
    h, nh = spec.hidden, spec.n_heads
    if spec.mla is not None:
        m = spec.mla
        q_dim = nh * (m.qk_nope_head_dim + m.qk_rope_head_dim)
        q = [(q_dim, h)] if m.q_lora_rank is None else [(m.q_lora_rank, h), (q_dim, m.q_lora_rank)]
        kv = [(m.kv_lora_rank + m.qk_rope_head_dim, h), (nh * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank)]
        return [*q, *kv, (h, nh * m.v_head_dim)]
    kv_rows = spec.n_kv_heads * spec.head_dim
    return [(nh * spec.head_dim, h), (kv_rows, h), (spec.n_kv_heads * spec.v_head_dim, h), (h, nh * spec.v_head_dim)]


def mlp_matrices(hidden: int, intermediate: int, gated: bool) -> list[Matrix]:
    up = [(intermediate, hidden)] * (2 if gated else 1)
    return [*up, (hidden, intermediate)]


def _elements(matrices: list[Matrix]) -> int:
    return sum(rows * cols for rows, cols in matrices)


def _bytes(matrices: list[Matrix], fmt: WeightFormat) -> float:
    return sum(fmt.matrix_bytes(rows, cols) for rows, cols in matrices)


@dataclass(frozen=True)
class WeightBytes:
    """Bytes of the weights by what a decode step reads of them."""

    always_read: float  # attention, dense MLPs, shared experts, norms, biases, routers, output projection
    per_routed_expert: float  # one routed expert in one MoE layer
    embedding_row: float  # one row of the input embedding table (gathered per token)
    total: float  # everything stored, the full embedding table included

    def to_dict(self) -> dict:
        return {
            "always_read": self.always_read,
            "per_routed_expert": self.per_routed_expert,
            "embedding_row": self.embedding_row,
            "total": self.total,
        }


def weight_bytes(spec: ModelSpec, fmt: WeightFormat) -> WeightBytes:
    """How many bytes `spec`'s weights take in `fmt` (quantised linear layers; the rest bf16)."""
    layers = spec.n_layers
    sparse = len(spec.moe.sparse_layers) if spec.moe else 0
    attention = attention_matrices(spec)
    dense_mlp = mlp_matrices(spec.hidden, spec.intermediate, spec.gated_mlp)
    quantised_elements = layers * _elements(attention) + (layers - sparse) * _elements(dense_mlp)
    quantised = layers * _bytes(attention, fmt) + (layers - sparse) * _bytes(dense_mlp, fmt)
    expert_bytes = 0.0
    routed_elements = 0
    if spec.moe is not None:
        expert = mlp_matrices(spec.hidden, spec.moe.expert_intermediate, spec.gated_mlp)
        expert_bytes = _bytes(expert, fmt)
        routed_elements = sparse * spec.moe.n_routed_experts * _elements(expert)
        if spec.moe.shared_intermediate:
            shared = mlp_matrices(spec.hidden, spec.moe.shared_intermediate, spec.gated_mlp)
            quantised_elements += sparse * _elements(shared)
            quantised += sparse * _bytes(shared, fmt)
    embedding = spec.vocab * spec.hidden
    lm_head = spec.vocab * spec.hidden  # read in full every step, tied to the embedding table or not
    position = spec.params.get("position_embedding", 0)
    # Everything not in a quantised matrix or the tables: norms, biases, routers (bf16).
    other = spec.params_total - quantised_elements - routed_elements - embedding - position
    other -= 0 if spec.tied_embeddings else lm_head
    always = quantised + BF16_BYTES * (other + lm_head)
    total = always - (BF16_BYTES * lm_head if spec.tied_embeddings else 0) + BF16_BYTES * (embedding + position)
    if spec.moe is not None:
        total += sparse * spec.moe.n_routed_experts * expert_bytes
    rows_per_token = spec.hidden * (2 if position else 1)  # GPT-2 also gathers a position-embedding row
    return WeightBytes(always, expert_bytes, BF16_BYTES * rows_per_token, total)
