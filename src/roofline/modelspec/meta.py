"""The fallback for architectures we do not read directly: instantiate the config on PyTorch's meta device with
transformers (no memory, no weights, never trust_remote_code) and count its parameters."""

from dataclasses import replace

from roofline.modelspec.errors import ModelSpecError
from roofline.modelspec.spec import ModelSpec

SHAPE_FIELDS = ("num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size", "intermediate_size")


def spec_from_meta_device(config: dict, name: str) -> ModelSpec:
    """A ModelSpec whose parameter count comes from the instantiated model; shapes from the common fields."""
    text = config.get("text_config", config)
    missing = [key for key in SHAPE_FIELDS if text.get(key) is None]
    try:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM
    except ImportError:
        fields = ", ".join(missing) if missing else "none"
        raise ModelSpecError(
            f"{name}: model_type {config.get('model_type')!r} is not read directly, and counting it on the meta "
            f"device needs torch and transformers (pip install 'roofline[ml]'). Fields missing for a generic "
            f"estimate: {fields}"
        ) from None
    if missing:
        raise ModelSpecError(f"{name}: config.json lacks {', '.join(missing)}")
    try:
        hf_config = AutoConfig.for_model(**config)
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(hf_config, trust_remote_code=False)
    except (ValueError, KeyError, TypeError) as error:
        raise ModelSpecError(f"{name}: transformers cannot build this config: {error}") from None
    total = sum(p.numel() for p in model.parameters())
    heads = text["num_attention_heads"]
    head_dim = text.get("head_dim") or text["hidden_size"] // heads
    spec = ModelSpec(
        name=name, architecture=str(config.get("model_type")), n_layers=text["num_hidden_layers"],
        hidden=text["hidden_size"], n_heads=heads, n_kv_heads=text.get("num_key_value_heads") or heads,
        head_dim=head_dim, v_head_dim=head_dim, vocab=text["vocab_size"], intermediate=text["intermediate_size"],
        gated_mlp=True, tied_embeddings=bool(text.get("tie_word_embeddings", False)),
        max_positions=text.get("max_position_embeddings") or 0,
        attention_windows=(None,) * text["num_hidden_layers"],
    )  # fmt: skip
    return replace(spec, params={"total": int(total)}, params_source="meta-device")
