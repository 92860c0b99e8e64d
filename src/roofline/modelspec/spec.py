"""The shape of a transformer language model, as the tools need it: what it stores and what it computes."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class MoeSpec:
    """Mixture-of-experts feed-forward: which layers are sparse and how big the experts are."""

    n_routed_experts: int
    n_shared_experts: int  # always-on experts (DeepSeek), or 1 for Qwen-MoE's single shared expert
    top_k: int  # routed experts per token
    expert_intermediate: int  # width of one routed expert's MLP
    shared_intermediate: int  # width of the shared expert(s)' MLP, 0 when there are none
    sparse_layers: tuple[int, ...]  # layer indices whose MLP is the MoE; the others are dense


@dataclass(frozen=True)
class MlaSpec:
    """DeepSeek multi-head latent attention: queries and the KV cache go through low-rank projections."""

    q_lora_rank: int | None  # None: a plain q_proj
    kv_lora_rank: int
    qk_rope_head_dim: int
    qk_nope_head_dim: int
    v_head_dim: int


@dataclass(frozen=True)
class ModelSpec:
    """A decoder-only transformer LM. Sizes are element counts; `attention_windows[i]` is layer i's sliding
    window in tokens, or None for full attention."""

    name: str
    architecture: str  # Hugging Face model_type
    n_layers: int
    hidden: int
    n_heads: int
    n_kv_heads: int
    head_dim: int  # query/key head dimension (from the config when given)
    v_head_dim: int
    vocab: int
    intermediate: int  # dense MLP width
    gated_mlp: bool  # SwiGLU/GeGLU (3 matrices) or plain (2)
    tied_embeddings: bool
    max_positions: int
    attention_windows: tuple[int | None, ...]
    moe: MoeSpec | None = None
    mla: MlaSpec | None = None
    params: dict[str, int] = field(default_factory=dict)  # exact counts per component, see params.py
    params_source: str = "formula"  # "formula" or "meta-device" (counted by instantiating the model)

    @property
    def params_total(self) -> int:
        return sum(self.params.values())

    @property
    def params_active(self) -> int:
        """Parameters used per token: the total less the routed experts a token does not visit (the usual
        convention, embeddings included)."""
        if self.moe is None:
            return self.params_total
        idle = self.moe.n_routed_experts - self.moe.top_k
        return self.params_total - idle * self.routed_expert_params * len(self.moe.sparse_layers)

    @property
    def routed_expert_params(self) -> int:
        """Parameters of one routed expert in one layer."""
        if self.moe is None:
            return 0
        return (3 if self.gated_mlp else 2) * self.hidden * self.moe.expert_intermediate

    @property
    def matmul_params_per_token(self) -> int:
        """Parameters a token multiplies by (2 FLOPs each): the active ones less the input embedding table,
        which is only gathered; the output projection counts even when tied to the embeddings."""
        embedding = self.vocab * self.hidden
        lm_head = embedding if self.tied_embeddings else 0
        return self.params_active - self.params.get("position_embedding", 0) - embedding + lm_head

    def kv_elements_per_token(self, layer: int) -> int:
        """KV-cache elements one token adds in `layer`: K and V per KV head, or MLA's compressed latent."""
        if self.mla is not None:
            return self.mla.kv_lora_rank + self.mla.qk_rope_head_dim
        return self.n_kv_heads * (self.head_dim + self.v_head_dim)

    @property
    def kv_elements_per_token_all_layers(self) -> int:
        return sum(self.kv_elements_per_token(layer) for layer in range(self.n_layers))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["attention_windows"] = list(self.attention_windows)
        data.update(
            params_total=self.params_total,
            params_active=self.params_active,
            matmul_params_per_token=self.matmul_params_per_token,
            kv_elements_per_token=self.kv_elements_per_token_all_layers,
        )
        return data
