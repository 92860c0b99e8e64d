"""Reading a ThroughputRequest from a URL: `?request=<json>` (embeds, scripts) or one query field per input
(the page's form, readable and shareable)."""

import json

from django.http import QueryDict
from pydantic import ValidationError

from roofline.throughput import ThroughputRequest

FIELDS = ("model", "gpu", "gpus", "weights", "kv_dtype", "batch", "context", "prompt", "output", "efficiency")
DEFAULT_MODEL = "meta-llama/Llama-3.1-8B"
MAX_LAYERS = 10_000  # far above any real model; a pasted config must not make the server build huge per-layer tables
MAX_SIZE = 100_000_000
# Shape fields of a pasted config.json that must be whole numbers when present (the least each may be), checked
# before the engine sees them so a typo gets a message rather than an arithmetic error.
SHAPE_FIELDS = {
    "num_hidden_layers": 1, "n_layer": 1, "hidden_size": 1, "n_embd": 1, "num_attention_heads": 1, "n_head": 1,
    "num_key_value_heads": 1, "vocab_size": 1, "intermediate_size": 1, "n_inner": 1, "head_dim": 1,
    "n_positions": 1, "max_position_embeddings": 0, "sliding_window": 0, "sliding_window_pattern": 1,
    "num_local_experts": 1, "num_experts": 0, "n_routed_experts": 0, "num_experts_per_tok": 1,
    "moe_intermediate_size": 1, "shared_expert_intermediate_size": 0, "n_shared_experts": 0,
    "decoder_sparse_step": 0, "moe_layer_freq": 1, "first_k_dense_replace": 0, "max_window_layers": 0,
    "kv_lora_rank": 1, "q_lora_rank": 1, "qk_rope_head_dim": 1, "qk_nope_head_dim": 1, "v_head_dim": 1,
}  # fmt: skip


class InputError(ValueError):
    pass


def check_config(config: object) -> None:
    """InputError when a pasted config.json's shape fields are not sensible whole numbers."""
    if not isinstance(config, dict):
        return  # the request model says "config: Input should be a valid dictionary"
    parts = [("", config)]
    if "text_config" in config:
        if not isinstance(config["text_config"], dict):
            raise InputError("the pasted config.json's text_config must be a JSON object")
        parts.append(("text_config.", config["text_config"]))
    for prefix, part in parts:
        for name, least in SHAPE_FIELDS.items():
            value = part.get(name)
            if value is None:
                continue
            most = MAX_LAYERS if name in ("num_hidden_layers", "n_layer") else MAX_SIZE
            if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
                raise InputError(
                    f"the pasted config.json's {prefix}{name} is {json.dumps(value)}; it must be a whole number "
                    f"from {least} to {most:,}"
                )


def request_from_query(query: QueryDict) -> ThroughputRequest:
    """The request a URL's query describes; the defaults when it describes none. InputError says what is wrong."""
    if query.get("request"):
        try:
            data = json.loads(query["request"])
        except json.JSONDecodeError as error:
            raise InputError(f"request is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise InputError("request must be a JSON object")
        check_config(data.get("config"))
    else:
        data = {name: query[name] for name in FIELDS if query.get(name, "").strip()}
        if query.get("config", "").strip():
            try:
                data["config"] = json.loads(query["config"])
            except json.JSONDecodeError as error:
                raise InputError(
                    f"the pasted config.json is not valid JSON: {error.msg} (line {error.lineno})"
                ) from None
            check_config(data["config"])
            data.pop("model", None)
        data.setdefault("model", None if "config" in data else DEFAULT_MODEL)
    try:
        return ThroughputRequest.model_validate(data)
    except ValidationError as error:
        raise InputError(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        ) from None
