"""Shapes read from configs, with the arithmetic written out."""

import json

import pytest

from roofline.modelspec import ModelSpecError, load_config, load_model_spec, model_spec


def test_llama_3_8b_shapes_and_kv_per_token():
    spec = load_model_spec("meta-llama/Llama-3.1-8B")
    assert (spec.n_layers, spec.hidden, spec.n_heads, spec.n_kv_heads, spec.head_dim) == (32, 4096, 32, 8, 128)
    # K and V, 8 KV heads of 128, 32 layers: 2 × 8 × 128 × 32 = 65,536 elements (128 KiB at bf16) per token
    assert spec.kv_elements_per_token_all_layers == 65_536
    assert spec.params_active == spec.params_total == 8_030_261_248
    # Matmul parameters: all but the 128,256 × 4,096 input embedding (untied lm_head already counted)
    assert spec.matmul_params_per_token == 8_030_261_248 - 128_256 * 4_096


def test_mixtral_active_parameters_visit_two_of_eight_experts():
    spec = load_model_spec("mistralai/Mixtral-8x7B-v0.1")
    # One expert: 3 × 4,096 × 14,336 = 176,160,768; each of 32 layers skips 6 of 8 experts per token
    assert spec.routed_expert_params == 176_160_768
    assert spec.params_active == 46_702_792_704 - 32 * 6 * 176_160_768 == 12_879_925_248


def test_deepseek_v3_is_mla_with_three_dense_layers_and_a_compressed_cache():
    spec = load_model_spec("deepseek-ai/DeepSeek-V3")
    assert spec.mla.kv_lora_rank == 512 and spec.mla.qk_rope_head_dim == 64
    assert spec.moe.sparse_layers == tuple(range(3, 61)) and spec.moe.n_shared_experts == 1
    # Cache per token and layer: the 512-element latent plus the 64-element shared RoPE key
    assert spec.kv_elements_per_token(0) == 576 and spec.kv_elements_per_token_all_layers == 61 * 576
    # 8 of 256 routed experts per token, 3 × 7,168 × 2,048 parameters each, over 58 MoE layers
    assert spec.params_active == spec.params_total - 58 * 248 * 3 * 7_168 * 2_048


def test_sliding_windows_follow_each_family():
    assert set(load_model_spec("mistralai/Mistral-7B-v0.1").attention_windows) == {4096}
    gemma2 = load_model_spec("google/gemma-2-9b").attention_windows
    assert gemma2[:4] == (4096, None, 4096, None)
    gemma3 = load_model_spec("google/gemma-3-1b-pt").attention_windows
    assert gemma3[:6] == (512, 512, 512, 512, 512, None)
    assert set(load_model_spec("meta-llama/Llama-3.1-8B").attention_windows) == {None}


def test_head_dim_comes_from_the_config_when_given():
    spec = load_model_spec("google/gemma-7b")  # 3,072 hidden / 16 heads would be 192; the config says 256
    assert spec.head_dim == 256


def test_a_local_directory_and_a_multimodal_text_config_are_read(tmp_path):
    gemma, _ = load_config("google/gemma-3-1b-pt")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gemma3", "text_config": gemma}))
    assert load_model_spec(str(tmp_path)).params_total == 999_885_952


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"model_type": "llama", "hidden_size": 4096}, "lacks num_hidden_layers, num_attention_heads, vocab_size"),
        ({"hidden_size": 4096}, "has no model_type"),
        ({"model_type": "mixtral", "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 1,
          "vocab_size": 8, "intermediate_size": 8}, "lacks num_local_experts, num_experts_per_tok"),
    ],
)  # fmt: skip
def test_incomplete_configs_name_the_missing_fields(config, message):
    with pytest.raises(ModelSpecError, match=message):
        model_spec(config, "bad")


def test_an_unknown_architecture_is_counted_on_the_meta_device():
    pytest.importorskip("transformers")
    config = {"model_type": "olmo", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
              "num_attention_heads": 4, "vocab_size": 100}  # fmt: skip
    spec = model_spec(config, "tiny-olmo")
    assert spec.params_source == "meta-device" and spec.params_total > 0


def test_paths_that_do_not_exist_and_offline_hub_ids_fail_clearly(tmp_path, monkeypatch):
    with pytest.raises(ModelSpecError, match="not a file, a directory"):
        load_model_spec("./nope/config")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelSpecError, match="has no config.json"):
        load_model_spec(str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelSpecError, match="not in the local cache"):
        load_model_spec("someone/not-cached-model")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"num_hidden_layers": 10**12}, "num_hidden_layers is 1000000000000; it must be a whole number"),
        ({"hidden_size": "4096"}, 'hidden_size is "4096"'),
        ({"num_key_value_heads": 3}, "not a multiple of num_key_value_heads"),
        ({"layer_types": 5}, "layer_types must be a list"),
        ({"num_local_experts": 8, "num_experts_per_tok": 500}, "exceeds the number of experts"),
        ({"moe_layer_freq": 0}, "moe_layer_freq is 0"),
    ],
)
def test_nonsense_shape_fields_are_refused_before_any_arithmetic(change, message):
    config, _ = load_config("meta-llama/Llama-3.1-8B")
    with pytest.raises(ModelSpecError, match=message):
        model_spec({**config, **change}, "bad")
