"""Settings that cannot run, and ones that run but make no sense."""

import pytest
from pydantic import ValidationError

from roofline.vram import VramError, VramRequest, estimate_vram

LLAMA = "meta-llama/Llama-3.1-8B"


def test_tensor_parallel_that_does_not_divide_the_heads_is_an_error():
    with pytest.raises(VramError, match="does not divide the 32 attention heads"):
        estimate_vram(VramRequest(model=LLAMA, tp=3, gpus=3))


def test_zero_3_on_one_gpu_is_allowed_with_a_note():
    result = estimate_vram(VramRequest(model=LLAMA, zero=3, gpus=1))
    assert any("pointless" in note for note in result.notes)
    plain = estimate_vram(VramRequest(model=LLAMA))
    assert result.breakdown["optimizer"] == plain.breakdown["optimizer"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"zero": 2, "fsdp": "FULL_SHARD", "gpus": 8}, "not both"),
        ({"gpus": 6, "tp": 4}, "multiple of tp"),
        ({"qlora": True}, "LoRA rank"),
        ({"batch": 0}, "greater than or equal to 1"),
        ({"optimizer": "lion"}, "adamw"),
    ],
)
def test_bad_requests_say_what_is_wrong(fields, message):
    with pytest.raises(ValidationError, match=message):
        VramRequest(model=LLAMA, **fields)


def test_unknown_model_is_a_vram_error():
    with pytest.raises(VramError):
        estimate_vram(VramRequest(model="./no/such/config.json"))


def test_training_settings_are_refused_for_inference():
    with pytest.raises(VramError, match="training settings"):
        estimate_vram(VramRequest(model=LLAMA, mode="infer", zero=1, gpus=2))


def test_more_sharding_and_checkpointing_only_lower_the_peak():
    base = VramRequest(model=LLAMA, batch=4, seq=4096, mixed_precision=True, gpus=8)
    peaks = [estimate_vram(base.model_copy(update={"zero": z})).tensor_peak_bytes for z in (0, 1, 2, 3)]
    assert peaks == sorted(peaks, reverse=True) and peaks[0] - peaks[3] > 0.8 * 16 * 8.03e9 * 7 / 8
    full = estimate_vram(base.model_copy(update={"checkpointing": "full", "zero": 3}))
    assert full.breakdown["activations"] < estimate_vram(base.model_copy(update={"zero": 3})).breakdown["activations"]


def test_a_model_that_does_not_fit_gets_suggestions_with_their_figures():
    result = estimate_vram(VramRequest(model=LLAMA, batch=2, seq=8192))
    assert not result.fits and result.max_micro_batch == 0
    fitting = [s for s in result.suggestions if s["fits"]]
    assert [s["change"] for s in fitting] == ["full activation checkpointing"]
    assert fitting and all(s["peak_bytes"] <= result.capacity_bytes for s in fitting)


@pytest.mark.parametrize(
    "fields",
    [
        {"seq": 2048},
        {"seq": 4096, "checkpointing": "full", "zero": 3, "gpus": 8, "mixed_precision": True},
        {"mode": "infer", "seq": 8192, "prefill_chunk": 2048},
    ],
)
def test_the_largest_micro_batch_fits_and_one_more_does_not(fields):
    result = estimate_vram(VramRequest(model=LLAMA, **fields))
    best = result.max_micro_batch
    assert best >= 1
    at = estimate_vram(VramRequest(model=LLAMA, **fields, batch=best))
    over = estimate_vram(VramRequest(model=LLAMA, **fields, batch=best + 1))
    assert at.fits and not over.fits
