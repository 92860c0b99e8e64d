"""Checks on a config.json's shape fields before anything is computed from them, so a typo or a hostile
config gets a message naming the field rather than an arithmetic error (or a huge allocation)."""

import json

from roofline.modelspec.errors import ModelSpecError

MAX_LAYERS = 10_000  # far above any real model; per-layer tables stay small
MAX_SIZE = 100_000_000
# Fields that must be whole numbers when present, with the least each may be.
SHAPE_FIELDS = {
    "num_hidden_layers": 1, "n_layer": 1, "hidden_size": 1, "n_embd": 1, "num_attention_heads": 1, "n_head": 1,
    "num_key_value_heads": 1, "vocab_size": 1, "intermediate_size": 1, "n_inner": 1, "head_dim": 1,
    "n_positions": 1, "max_position_embeddings": 0, "sliding_window": 0, "sliding_window_pattern": 1,
    "num_local_experts": 1, "num_experts": 0, "n_routed_experts": 0, "num_experts_per_tok": 1,
    "moe_intermediate_size": 1, "shared_expert_intermediate_size": 0, "n_shared_experts": 0,
    "decoder_sparse_step": 1, "moe_layer_freq": 1, "first_k_dense_replace": 0, "max_window_layers": 0,
    "kv_lora_rank": 1, "q_lora_rank": 1, "qk_rope_head_dim": 1, "qk_nope_head_dim": 1, "v_head_dim": 1,
}  # fmt: skip
EXPERT_COUNTS = ("num_local_experts", "num_experts", "n_routed_experts")


def _whole(value, least: int, most: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most


def check_config(config: dict, name: str) -> None:
    """ModelSpecError naming the first field that is not a sensible value."""
    if not isinstance(config, dict):
        raise ModelSpecError(f"{name}: a config.json must be a JSON object")
    parts = [("", config)]
    if "text_config" in config:
        if not isinstance(config["text_config"], dict):
            raise ModelSpecError(f"{name}: text_config must be a JSON object")
        parts.append(("text_config.", config["text_config"]))
    for prefix, part in parts:
        for field, least in SHAPE_FIELDS.items():
            value = part.get(field)
            most = MAX_LAYERS if field in ("num_hidden_layers", "n_layer") else MAX_SIZE
            if value is not None and not _whole(value, least, most):
                shown = json.dumps(value)
                raise ModelSpecError(
                    f"{name}: {prefix}{field} is {shown}; it must be a whole number from {least} to {most:,}"
                )
        _check_relations(part, f"{name}: {prefix}")


def _check_relations(part: dict, where: str) -> None:
    heads, kv_heads = part.get("num_attention_heads"), part.get("num_key_value_heads")
    if heads and kv_heads and heads % kv_heads:
        raise ModelSpecError(
            f"{where}num_attention_heads ({heads}) is not a multiple of num_key_value_heads ({kv_heads})"
        )
    experts = next((part[key] for key in EXPERT_COUNTS if part.get(key)), None)
    top_k = part.get("num_experts_per_tok")
    if experts and top_k and top_k > experts:
        raise ModelSpecError(f"{where}num_experts_per_tok ({top_k}) exceeds the number of experts ({experts})")
    for field in ("layer_types", "mlp_only_layers"):
        value = part.get(field)
        if value is not None and not isinstance(value, list):
            raise ModelSpecError(f"{where}{field} must be a list")
    if not all(isinstance(kind, str) for kind in part.get("layer_types") or []):
        raise ModelSpecError(f"{where}layer_types must list layer kinds as strings")
    if not all(_whole(layer, 0, MAX_LAYERS) for layer in part.get("mlp_only_layers") or []):
        raise ModelSpecError(f"{where}mlp_only_layers must list layer numbers")
