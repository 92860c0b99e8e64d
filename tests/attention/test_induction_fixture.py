"""Ground truth: a 2-layer model trained to copy repeated blocks has an induction head in layer 1 and a
previous-token head in layer 0, found at block lengths it never saw in training; the same architecture untrained
has neither."""

import pytest

from roofline.attention import AttentionRequest, inspect_attention
from roofline.attention.train_induction import HELD_OUT_BLOCKS, TRAIN_BLOCKS, induction_config, train
from tests.attention.conftest import INDUCTION_MODEL
from tests.attention.models import save_model


def heads_by_layer(result, layer: int) -> list[dict]:
    return [h for h in result.heads if h["layer"] == layer]


@pytest.mark.parametrize("block", HELD_OUT_BLOCKS)
def test_trained_model_has_an_induction_head_in_layer_1_at_held_out_lengths(block):
    assert block not in TRAIN_BLOCKS
    result = inspect_attention(AttentionRequest(model=str(INDUCTION_MODEL), probe=True, probe_block=block))
    layer_1 = heads_by_layer(result, 1)
    assert max(h["induction"] for h in layer_1) > 0.5
    assert any("induction" in h["labels"] for h in layer_1)
    layer_0 = heads_by_layer(result, 0)
    assert any("previous-token" in h["labels"] for h in layer_0)
    assert not any("induction" in h["labels"] for h in layer_0)
    assert result.top_heads()["induction"][0]["layer"] == 1


def test_induction_is_measured_on_the_probe_when_inspecting_text():
    text = "t5 t9 t2 t7 t33 t5 t9 t2 t7"
    result = inspect_attention(AttentionRequest(model=str(INDUCTION_MODEL), text=text, probe_block=23))
    best = max(heads_by_layer(result, 1), key=lambda h: h["induction"])
    assert best["induction"] > 0.5 and best["induction_text"] > 0.5
    assert result.probe == {**result.probe, "block": 23, "inspected": False}


def test_the_same_architecture_untrained_has_neither(tmp_path):
    directory = save_model(tmp_path / "untrained", induction_config())
    for block in HELD_OUT_BLOCKS:
        result = inspect_attention(AttentionRequest(model=str(directory), probe=True, probe_block=block))
        assert max(h["induction"] for h in result.heads) < 0.1
        assert max(h["previous_token"] for h in result.heads) < 0.2
        assert not any({"induction", "previous-token"} & set(h["labels"]) for h in result.heads)


def test_the_training_script_writes_a_model_the_inspector_loads(tmp_path):
    train(tmp_path / "model", steps=3, batch=4)
    result = inspect_attention(AttentionRequest(model=str(tmp_path / "model"), text="t1 t2 t1"))
    assert [s["heads"] for s in result.stacks] == [4] and result.model["kv_heads"] == 2
