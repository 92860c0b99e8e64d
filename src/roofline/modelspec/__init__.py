"""Model shapes from Hugging Face configs: layers, heads, KV heads, MLP, MoE, MLA, sliding windows, and exact
parameter counts per component.

    spec = load_model_spec("meta-llama/Llama-3.1-8B")   # shipped config, local path, or Hub id
    spec.params_total, spec.params_active, spec.kv_elements_per_token_all_layers
"""

from roofline.modelspec.errors import ModelSpecError
from roofline.modelspec.meta import spec_from_meta_device
from roofline.modelspec.parse import SUPPORTED, spec_from_config
from roofline.modelspec.source import load_config, shipped_configs
from roofline.modelspec.spec import MlaSpec, ModelSpec, MoeSpec
from roofline.modelspec.validate import check_config


def model_spec(config: dict, name: str = "model") -> ModelSpec:
    """The ModelSpec of a config dict: read directly for supported families, else counted on the meta device."""
    check_config(config, name)
    model_type = config.get("text_config", config).get("model_type", config.get("model_type"))
    if model_type in SUPPORTED or model_type == "gemma3":
        return spec_from_config(config, name)
    if model_type is None:
        raise ModelSpecError(f"{name}: config.json has no model_type")
    return spec_from_meta_device(config, name)


def load_model_spec(model: str) -> ModelSpec:
    """The ModelSpec of `model`: a path to a config.json (or its directory), a shipped model id, or a Hub id."""
    config, _ = load_config(model)
    return model_spec(config, name=model)


__all__ = [
    "MlaSpec",
    "ModelSpec",
    "ModelSpecError",
    "MoeSpec",
    "load_config",
    "load_model_spec",
    "model_spec",
    "shipped_configs",
]
