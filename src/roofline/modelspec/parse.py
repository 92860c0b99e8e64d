"""A Hugging Face config.json (as a dict) to a ModelSpec, for the families whose weights we know by heart."""

from roofline.modelspec.errors import ModelSpecError
from roofline.modelspec.params import Layout, count_params
from roofline.modelspec.spec import MlaSpec, ModelSpec, MoeSpec

LLAMA_LIKE = {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "phi3"}
GEMMA = {"gemma", "gemma2", "gemma3_text"}
DEEPSEEK = {"deepseek_v2", "deepseek_v3"}
SUPPORTED = sorted({"gpt2", *LLAMA_LIKE, *GEMMA, *DEEPSEEK})

LAYOUTS = {
    "qwen2": Layout(qkv_bias=True),
    "qwen2_moe": Layout(qkv_bias=True, shared_expert_gate=True),
    "qwen3": Layout(qk_norm=True),
    "qwen3_moe": Layout(qk_norm=True),
    "gemma2": Layout(norms_per_layer=4),
    "gemma3_text": Layout(norms_per_layer=4, qk_norm=True),
    "deepseek_v3": Layout(router_bias=True),
    "gpt2": Layout(attention_bias=True, mlp_bias=True, norm_has_bias=True),
}


def _require(config: dict, name: str, *keys: str) -> list:
    missing = [key for key in keys if config.get(key) is None]
    if missing:
        raise ModelSpecError(
            f"{name}: config.json lacks {', '.join(missing)} (needed for a {config['model_type']} model)"
        )
    return [config[key] for key in keys]


def _windows(config: dict, model_type: str, n_layers: int) -> tuple[int | None, ...]:
    """Each layer's sliding window in tokens (None: full attention), as transformers decides it."""
    window = config.get("sliding_window")
    layer_types = config.get("layer_types")
    if layer_types:
        if len(layer_types) != n_layers:
            raise ModelSpecError(f"layer_types has {len(layer_types)} entries for {n_layers} layers")
        return tuple(window if kind == "sliding_attention" else None for kind in layer_types)
    if not window:
        return (None,) * n_layers
    if model_type == "gemma2":
        return tuple(window if i % 2 == 0 else None for i in range(n_layers))
    if model_type == "gemma3_text":
        pattern = config.get("sliding_window_pattern", 6)
        return tuple(window if (i + 1) % pattern else None for i in range(n_layers))
    if model_type in {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe"}:
        if not config.get("use_sliding_window", False):
            return (None,) * n_layers
        first = config.get("max_window_layers", n_layers)
        return tuple(window if i >= first else None for i in range(n_layers))
    if model_type in {"mistral", "mixtral", "phi3"}:
        return (window,) * n_layers
    return (None,) * n_layers


def _moe(config: dict, model_type: str, n_layers: int, name: str) -> MoeSpec | None:
    if model_type == "mixtral":
        experts, top_k, width = _require(config, name, "num_local_experts", "num_experts_per_tok", "intermediate_size")
        return MoeSpec(experts, 0, top_k, width, 0, tuple(range(n_layers)))
    if model_type in {"qwen2_moe", "qwen3_moe"}:
        experts, top_k, width = _require(config, name, "num_experts", "num_experts_per_tok", "moe_intermediate_size")
        step = config.get("decoder_sparse_step", 1) or 1
        dense = set(config.get("mlp_only_layers") or [])
        sparse = tuple(i for i in range(n_layers) if i not in dense and experts > 0 and (i + 1) % step == 0)
        shared = config.get("shared_expert_intermediate_size", 0) if model_type == "qwen2_moe" else 0
        return MoeSpec(experts, 1 if shared else 0, top_k, width, shared, sparse)
    if model_type in DEEPSEEK:
        if not config.get("n_routed_experts"):
            return None
        experts, top_k, width = _require(
            config, name, "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size"
        )
        shared = config.get("n_shared_experts") or 0
        first_dense, freq = config.get("first_k_dense_replace", 0), config.get("moe_layer_freq", 1)
        sparse = tuple(i for i in range(n_layers) if i >= first_dense and i % freq == 0)
        return MoeSpec(experts, shared, top_k, width, shared * width, sparse)
    return None


def _mla(config: dict, name: str) -> MlaSpec:
    kv_rank, rope, nope, v = _require(
        config, name, "kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"
    )
    return MlaSpec(config.get("q_lora_rank"), kv_rank, rope, nope, v)


def spec_from_config(config: dict, name: str = "model") -> ModelSpec:
    """The ModelSpec of a supported family's config.json; ModelSpecError for anything else or anything missing."""
    if "text_config" in config and "model_type" not in config.get("text_config", {}):
        raise ModelSpecError(f"{name}: text_config has no model_type")
    if "text_config" in config:  # a multimodal checkpoint: the language model is what we size
        config = {**config["text_config"]}
    model_type = config.get("model_type")
    if model_type == "gemma3":
        model_type = "gemma3_text"
    if model_type not in SUPPORTED:
        raise ModelSpecError(
            f"{name}: model_type {model_type!r} is not one we read directly (we read: {', '.join(SUPPORTED)})"
        )
    config = {**config, "model_type": model_type}
    if model_type == "gpt2":
        n_layers, hidden, n_heads, vocab, positions = _require(
            config, name, "n_layer", "n_embd", "n_head", "vocab_size", "n_positions"
        )
        head_dim = hidden // n_heads
        spec = ModelSpec(
            name=name, architecture=model_type, n_layers=n_layers, hidden=hidden, n_heads=n_heads,
            n_kv_heads=n_heads, head_dim=head_dim, v_head_dim=head_dim, vocab=vocab,
            intermediate=config.get("n_inner") or 4 * hidden, gated_mlp=False,
            tied_embeddings=config.get("tie_word_embeddings", True), max_positions=positions,
            attention_windows=(None,) * n_layers,
        )  # fmt: skip
        params = count_params(spec, LAYOUTS["gpt2"])
        params["position_embedding"] = positions * hidden
        return _with_params(spec, params)

    n_layers, hidden, n_heads, vocab = _require(
        config, name, "num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size"
    )
    mla = _mla(config, name) if model_type in DEEPSEEK else None
    n_kv_heads = config.get("num_key_value_heads") or n_heads
    head_dim = config.get("head_dim") or hidden // n_heads
    v_head_dim = head_dim
    if mla is not None:
        n_kv_heads, head_dim, v_head_dim = n_heads, mla.qk_nope_head_dim + mla.qk_rope_head_dim, mla.v_head_dim
    intermediate = config.get("intermediate_size")
    if intermediate is None:
        raise ModelSpecError(f"{name}: config.json lacks intermediate_size (needed for a {model_type} model)")
    tied_default = model_type in GEMMA
    spec = ModelSpec(
        name=name, architecture=model_type, n_layers=n_layers, hidden=hidden, n_heads=n_heads,
        n_kv_heads=n_kv_heads, head_dim=head_dim, v_head_dim=v_head_dim, vocab=vocab, intermediate=intermediate,
        gated_mlp=True, tied_embeddings=bool(config.get("tie_word_embeddings", tied_default)),
        max_positions=config.get("max_position_embeddings") or 0,
        attention_windows=_windows(config, model_type, n_layers), moe=_moe(config, model_type, n_layers, name),
        mla=mla,
    )  # fmt: skip
    layout = LAYOUTS.get(model_type, Layout())
    if model_type == "llama" and (config.get("attention_bias") or config.get("mlp_bias")):
        layout = Layout(attention_bias=bool(config.get("attention_bias")), mlp_bias=bool(config.get("mlp_bias")))
    return _with_params(spec, count_params(spec, layout))


def _with_params(spec: ModelSpec, params: dict[str, int]) -> ModelSpec:
    from dataclasses import replace

    return replace(spec, params=params)
