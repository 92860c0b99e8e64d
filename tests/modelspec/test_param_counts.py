"""Every shipped config's parameter count equals transformers' own count of the same config built on the meta
device (plus checkpoint buffers such as DeepSeek-V3's router bias), and the published figure."""

import json

import pytest

from roofline.modelspec import load_model_spec, shipped_configs
from roofline.modelspec.source import SHIPPED

torch = pytest.importorskip("torch", reason="meta-device counts need torch (the ml extra)")
transformers = pytest.importorskip("transformers", reason="meta-device counts need transformers (the ml extra)")

STORED_BUFFERS = ("e_score_correction_bias",)  # buffers in transformers, weights in the checkpoint
CONFIGS = shipped_configs()


def meta_device_count(config: dict) -> int:
    hf_config = transformers.AutoConfig.for_model(**config)
    with torch.device("meta"):
        model = transformers.AutoModelForCausalLM.from_config(hf_config)
    stored = sum(b.numel() for name, b in model.named_buffers() if name.endswith(STORED_BUFFERS))
    return sum(p.numel() for p in model.parameters()) + stored


def test_every_required_family_is_shipped():
    families = {json.loads((SHIPPED / e["file"]).read_text())["model_type"] for e in CONFIGS}
    assert families >= {
        "gpt2", "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen2_moe", "qwen3_moe", "gemma", "gemma2",
        "gemma3_text", "phi3", "deepseek_v2", "deepseek_v3",
    }  # fmt: skip


@pytest.mark.parametrize("entry", CONFIGS, ids=lambda e: e["id"])
def test_parameter_count_matches_the_meta_device_and_the_published_figure(entry):
    config = json.loads((SHIPPED / entry["file"]).read_text())
    spec = load_model_spec(entry["id"])

    assert spec.params_source == "formula"
    assert spec.params_total == meta_device_count(config)
    assert spec.params_total == entry["params_published"]
