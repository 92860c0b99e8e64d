"""In-place attention (roofline.attention.inplace) gives the weights and outputs of each architecture's own eager
attention, and the inspector falls back to eager attention where it would not."""

import pytest
import torch
from transformers import AutoModel, BartConfig, BertConfig, Gemma2Config, GptOssConfig

from roofline.attention import AttentionRequest, inspect_attention
from roofline.attention.capture import attention_sites, captured
from roofline.attention.inplace import NAME, choose_attention, register
from tests.attention.models import gpt2_config, llama_config, t5_config

SMALL = {"num_hidden_layers": 2, "num_attention_heads": 4, "hidden_size": 32, "intermediate_size": 64, "vocab_size": 69}
CONFIGS = {
    "gpt2": gpt2_config,
    "llama-gqa": llama_config,
    "t5": t5_config,
    "bert": lambda: BertConfig(**SMALL),
    "bart": lambda: BartConfig(
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        d_model=32,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        vocab_size=69,
    ),  # fmt: skip
    # soft-capped logits and sliding-window layers
    "gemma2": lambda: Gemma2Config(
        **SMALL, num_key_value_heads=2, head_dim=8, sliding_window=8, attn_logit_softcapping=5.0
    ),
    # learned sink logits: rows sum below 1
    "gpt-oss": lambda: GptOssConfig(
        **{**SMALL, "intermediate_size": 32},
        num_key_value_heads=2,
        head_dim=8,
        num_local_experts=4,
        num_experts_per_tok=2,
        sliding_window=8,
        layer_types=["sliding_attention", "full_attention"],
    ),  # fmt: skip
}
IDS = torch.tensor([[1, 5, 9, 14, 3, 22, 5, 9, 14, 30, 41, 7, 5, 9, 60, 2, 17, 33, 5, 9]])


def _model(name: str, dtype=torch.float32):
    torch.manual_seed(0)
    model = AutoModel.from_config(CONFIGS[name](), attn_implementation="eager", dtype=dtype).eval()
    for module in model.modules():
        if hasattr(module, "sinks"):
            torch.nn.init.normal_(module.sinks, std=2.0)  # zero at init: give the sinks some mass
    return model


def _inputs(model) -> dict:
    inputs = {"input_ids": IDS}
    if model.config.is_encoder_decoder:
        inputs["decoder_input_ids"] = IDS[:, :12]
    return inputs


def _eager_attentions(model) -> list[torch.Tensor]:
    """Every layer's weights from transformers' own output_attentions=True path, in execution order."""
    with torch.no_grad():
        out = model(**_inputs(model), output_attentions=True)
    if model.config.is_encoder_decoder:
        return [*out.encoder_attentions, *out.decoder_attentions, *out.cross_attentions]
    return list(out.attentions)


def _inplace_attentions(model) -> tuple[list[torch.Tensor], torch.Tensor]:
    register()
    model.set_attn_implementation(NAME)
    sites = attention_sites(model, model.config.is_encoder_decoder)
    got: dict = {}
    with torch.no_grad(), captured(sites, lambda site, weights, mask: got.setdefault(site.stack, []).append(weights)):
        output = model(**_inputs(model))[0]
    stacks = ("encoder", "decoder", "cross") if model.config.is_encoder_decoder else ("self",)
    return [w for stack in stacks for w in got[stack]], output


@pytest.mark.parametrize("name", CONFIGS)
def test_inplace_weights_equal_eager_output_attentions(name):
    model = _model(name)
    want = _eager_attentions(model)
    with torch.no_grad():
        want_output = model(**_inputs(model))[0]
    got, output = _inplace_attentions(model)
    assert model.config._attn_implementation == NAME
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, atol=1e-5, rtol=0)
    torch.testing.assert_close(output, want_output, atol=1e-5, rtol=1e-5)
    if name == "gpt-oss":
        assert float(got[0].sum(-1).min()) < 0.9  # the sink column took mass and was dropped, as eager drops it


@pytest.mark.parametrize("name", ["llama-gqa", "gemma2"])
def test_inplace_matches_eager_in_bfloat16(name):
    model = _model(name, torch.bfloat16)
    want = _eager_attentions(model)
    got, _ = _inplace_attentions(model)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, atol=2 * torch.finfo(torch.bfloat16).eps, rtol=0)


def _check_run(model):
    sites = attention_sites(model, model.config.is_encoder_decoder)

    def run(m):
        tensors: list = []
        with captured(sites, lambda site, weights, mask: tensors.append(weights.clone())):
            output = m(**_inputs(m))
        return [*tensors, output[0]]

    return run


def test_choice_keeps_eager_where_inplace_differs(monkeypatch):
    monkeypatch.setattr(
        "roofline.attention.inplace._softmax_head", lambda scores, sink: scores.copy_(scores.softmax(-1) * 0.99)
    )
    model = _model("llama-gqa")
    choice = choose_attention(model, _check_run(model))
    assert choice.implementation == "eager"
    assert choice.difference == pytest.approx(0.01, rel=0.5)
    assert "differs from eager" in choice.reason
    assert model.config._attn_implementation == "eager"


def test_choice_keeps_eager_where_inplace_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("unsupported argument")

    monkeypatch.setattr("roofline.attention.inplace.inplace_attention", broken)
    model = _model("gpt2")
    choice = choose_attention(model, _check_run(model))
    assert (choice.implementation, choice.difference) == ("eager", None)
    assert "unsupported argument" in choice.reason
    assert model.config._attn_implementation == "eager"


def test_choice_keeps_eager_for_a_model_that_takes_no_attention_backends(monkeypatch):
    model = _model("gpt2")
    switch = model.set_attn_implementation

    def refuse(name):
        if name != "eager":
            raise ValueError(f"{type(model).__name__} does not support {name}")
        switch(name)

    monkeypatch.setattr(model, "set_attn_implementation", refuse)
    choice = choose_attention(model, _check_run(model))
    assert choice.implementation == "eager" and "does not support" in choice.reason
    assert model.config._attn_implementation == "eager"


def test_inspection_reports_the_attention_it_ran(tiny_models, monkeypatch):
    result = inspect_attention(AttentionRequest(model=str(tiny_models["llama"]), text="t1 t2 t3 t1 t2", probe_block=8))
    attention = result.to_dict()["model"]["attention"]
    assert attention["implementation"] == NAME and attention["difference"] == 0
    assert any("computed in place" in line for line in result.assumptions)

    monkeypatch.setattr("roofline.attention.inplace.tolerance", lambda dtype: -1.0)  # nothing passes the check
    fallback = inspect_attention(
        AttentionRequest(model=str(tiny_models["llama"]), text="t1 t2 t3 t1 t2", probe_block=8)
    )
    assert fallback.to_dict()["model"]["attention"]["implementation"] == "eager"
    assert [h["entropy"] for h in fallback.heads] == pytest.approx([h["entropy"] for h in result.heads], abs=1e-6)


def test_consumed_weights_are_not_passed_on():
    """Each layer's weights reach the consumer and then leave the model's data flow, so they are freed at once
    rather than held by the layer while its MLP runs."""
    model = _model("gpt2")
    sites = attention_sites(model, False)
    seen, passed_on = [], []
    with torch.no_grad(), captured(sites, lambda site, weights, mask: seen.append(weights.shape)):
        # registered after the capture's hooks, so these see what the model's layers receive
        handles = [site.module.register_forward_hook(lambda m, a, out: passed_on.append(out[1])) for site in sites]
        model(**_inputs(model))
    for handle in handles:
        handle.remove()
    assert seen == [torch.Size([1, 4, 20, 20])] * 2
    assert passed_on == [None, None]
