"""Hook-based metrics (each layer reduced the moment it runs) equal metrics recomputed, by an independent numpy
reference, from the full tensors of a plain `output_attentions=True` forward pass."""

import numpy as np
import pytest
import torch
from transformers import AutoModel

from roofline.attention import AttentionRequest, inspect_attention
from tests.attention.models import save_model
from tests.attention.reference import reference_metrics

TEXT = "t1 t2 t3 t4 t5 t1 t2 t3 t9 t4 t5 t6 t1 t2"
TOLERANCE = 1e-5


def full_attentions(directory, ids: list[int], decoder_ids: list[int] | None) -> dict[str, tuple]:
    """{stack: per-layer [H, Tq, Tk] arrays} from one output_attentions=True forward pass."""
    model = AutoModel.from_pretrained(directory, attn_implementation="eager").eval()
    inputs = {"input_ids": torch.tensor([ids])}
    if decoder_ids is not None:
        inputs["decoder_input_ids"] = torch.tensor([decoder_ids])
    with torch.no_grad():
        out = model(**inputs, output_attentions=True)
    if decoder_ids is None:
        return {"self": [a[0].numpy() for a in out.attentions]}
    return {
        "encoder": [a[0].numpy() for a in out.encoder_attentions],
        "decoder": [a[0].numpy() for a in out.decoder_attentions],
        "cross": [a[0].numpy() for a in out.cross_attentions],
    }


@pytest.mark.parametrize("name", ["gpt2", "llama", "t5"])
def test_hook_metrics_equal_output_attentions_metrics(tiny_models, name):
    directory = tiny_models[name]
    result = inspect_attention(AttentionRequest(model=str(directory), text=TEXT, probe_block=8))
    tokens = {"self": result.token_ids, "encoder": result.token_ids, "decoder": result.decoder_token_ids}
    reference = full_attentions(directory, result.token_ids, result.decoder_token_ids)
    probe = full_attentions(directory, result.probe["token_ids"], _shifted(result, result.probe["token_ids"]))

    assert sorted(reference) == sorted(s["name"] for s in result.stacks)
    compared = 0
    for stack, layers in reference.items():
        causal = stack in ("self", "decoder")
        for layer, weights in enumerate(layers):
            for head, a in enumerate(weights):
                got = result.head(layer, head, stack)
                want = reference_metrics(a, tokens.get(stack), causal)
                for metric, value in want.items():
                    assert got[metric] == pytest.approx(value, abs=TOLERANCE), (stack, layer, head, metric)
                if stack != "cross":
                    probe_want = reference_metrics(probe[stack][layer][head], _probe_tokens(result, stack), causal)
                    assert got["induction"] == pytest.approx(probe_want["induction_text"], abs=TOLERANCE)
                compared += 1
    assert compared == sum(s["layers"] * s["heads"] for s in result.stacks)
    assert all(layer["mask_ok"] for layer in result.layers)


def _shifted(result, ids):
    return [0] + ids[:-1] if result.model["encoder_decoder"] else None


def _probe_tokens(result, stack):
    ids = result.probe["token_ids"]
    return _shifted(result, ids) if stack == "decoder" else ids


def test_masks_are_named_for_each_stack(tiny_models):
    result = inspect_attention(AttentionRequest(model=str(tiny_models["t5"]), text=TEXT))
    kinds = {layer["stack"]: layer["mask"]["kind"] for layer in result.layers}
    assert kinds == {"encoder": "none", "decoder": "causal", "cross": "none"}


def test_sliding_window_layers_are_named_with_their_window(tmp_path):
    from transformers import Gemma2Config

    config = Gemma2Config(
        num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1, hidden_size=16, head_dim=8,
        intermediate_size=32, vocab_size=69, sliding_window=4, max_position_embeddings=128,
        bos_token_id=1, eos_token_id=2, pad_token_id=0,
    )  # fmt: skip
    directory = save_model(tmp_path / "gemma2", config)
    result = inspect_attention(AttentionRequest(model=str(directory), text=TEXT))
    masks = [(layer["mask"]["kind"], layer["mask"]["window"]) for layer in result.layers]
    assert masks == [("sliding", 4), ("causal", None)]  # Gemma 2 alternates local and global layers
    assert all(layer["mask_ok"] for layer in result.layers)
    first = result.head(0, 0)
    assert first["previous_token"] is not None and first["forbidden_mass"] == 0.0


def test_gqa_heads_are_labelled_with_their_key_value_group(tiny_models):
    result = inspect_attention(AttentionRequest(model=str(tiny_models["llama"]), text=TEXT))
    assert [h["kv_group"] for h in result.heads if h["layer"] == 0] == [0, 0, 1, 1]  # 4 query heads, 2 kv heads


def test_requested_head_carries_its_full_matrix_equal_to_output_attentions(tiny_models):
    directory = tiny_models["gpt2"]
    result = inspect_attention(AttentionRequest(model=str(directory), text=TEXT, heads=[{"layer": 1, "head": 2}]))
    (matrix,) = result.matrices
    want = full_attentions(directory, result.token_ids, None)["self"][1][2]
    assert not matrix.pooled
    np.testing.assert_allclose(matrix.values.numpy(), want, atol=TOLERANCE)
    assert result.to_dict()["matrices"][0]["rows"] == len(result.token_ids)


def test_every_head_is_one_object_with_layer_head_and_metrics(tiny_models):
    data = inspect_attention(AttentionRequest(model=str(tiny_models["llama"]), text=TEXT)).to_dict()
    assert len(data["heads"]) == 2 * 4
    head = data["heads"][5]
    assert (head["layer"], head["head"]) == (1, 1)
    for metric in ("induction", "induction_text", "previous_token", "duplicate_token", "self", "entropy", "sink"):
        assert isinstance(head[metric], float), metric
    thumb = head["thumbnail"]
    assert (thumb["rows"], thumb["cols"]) == (len(data["tokens"]), len(data["tokens"]))  # T < 32: not pooled


def test_learned_sink_logits_show_as_missing_mass(tmp_path):
    """gpt-oss's per-head sink logit takes a share of each row's softmax: the rows of the returned weights sum
    below 1, and missing_mass equals the reference's mean shortfall."""
    from transformers import GptOssConfig

    config = GptOssConfig(
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, hidden_size=32, head_dim=8,
        intermediate_size=32, vocab_size=69, num_local_experts=4, num_experts_per_tok=2,
        layer_types=["full_attention", "full_attention"], bos_token_id=1, eos_token_id=2, pad_token_id=0,
    )  # fmt: skip
    directory = save_model(tmp_path / "gpt-oss", config)
    result = inspect_attention(AttentionRequest(model=str(directory), text=TEXT, probe_block=8))
    reference = full_attentions(directory, result.token_ids, None)
    for layer, weights in enumerate(reference["self"]):
        for head, a in enumerate(weights):
            want = reference_metrics(a, result.token_ids, causal=True)["missing_mass"]
            assert want > 0.01
            assert result.head(layer, head)["missing_mass"] == pytest.approx(want, abs=TOLERANCE)


def test_attention_where_the_mask_forbids_it_is_measured_and_flagged(tiny_models, monkeypatch):
    """Were a layer's weights to put mass where its mask forbids (here: a bidirectional encoder judged against a
    causal mask), the inspector reports that mass per head and flags the layer."""
    causal = lambda mask, tq, tk: torch.ones(tq, tk, dtype=torch.bool).tril()  # noqa: E731
    monkeypatch.setattr("roofline.attention.inspect.allowed_keys", causal)
    result = inspect_attention(AttentionRequest(model=str(tiny_models["t5"]), text=TEXT, probe_block=8))
    reference = full_attentions(tiny_models["t5"], result.token_ids, result.decoder_token_ids)
    encoder = [layer for layer in result.layers if layer["stack"] == "encoder"]
    assert encoder and not any(layer["mask_ok"] for layer in encoder)
    for layer, weights in enumerate(reference["encoder"]):
        for head, a in enumerate(weights):
            want = reference_metrics(a, result.token_ids, causal=True)["forbidden_mass"]
            assert want > 0.1
            assert result.head(layer, head, "encoder")["forbidden_mass"] == pytest.approx(want, abs=TOLERANCE)
