"""`roofline vram`: JSON for scripts with the documented keys, a table for people, status 2 on bad input."""

import json

import pytest
from typer.testing import CliRunner

from roofline.cli import app
from roofline.vram import VramRequest, estimate_vram

LLAMA = "meta-llama/Llama-3.1-8B"


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    def refuse(repo_id):
        raise AssertionError(f"the Hub was asked for {repo_id}")

    monkeypatch.setattr("roofline.modelspec.source._download", refuse)
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str):
    return CliRunner().invoke(app, ["vram", *args])


def test_json_has_peak_fits_and_the_named_breakdown():
    result = run("--model", LLAMA, "--mode", "train", "--batch", "2", "--seq", "1024", "--zero", "3", "--gpus", "8",
                 "--mixed-precision", "--checkpointing", "full", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["breakdown"]) >= {"parameters", "gradients", "optimizer", "activations", "logits", "kv_cache",
                                      "overhead"}  # fmt: skip
    expected = estimate_vram(VramRequest(model=LLAMA, batch=2, seq=1024, zero=3, gpus=8, mixed_precision=True,
                                         checkpointing="full"))  # fmt: skip
    assert data["peak_bytes"] == expected.peak_bytes and data["fits"] is expected.fits


def test_table_shows_the_formulas_and_the_verdict():
    result = run("--model", LLAMA, "--batch", "2", "--seq", "8192")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "does not fit" in text and "What would make it fit" in text and "full activation checkpointing" in text
    assert "2 B × 8,030,261,248 params" in text


def test_inference_prints_the_kv_capacity():
    result = run("--model", LLAMA, "--mode", "infer", "--batch", "8", "--seq", "8192", "--json")
    data = json.loads(result.stdout)
    assert data["breakdown"]["kv_cache"] == 8 * 8192 * 131_072 and data["kv_capacity"]["kv_tokens"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tp", "3", "--gpus", "3"], "does not divide the 32 attention heads"),
        (["--mode", "serve"], "--mode"),
        (["--zero", "2", "--fsdp", "FULL_SHARD", "--gpus", "8"], "not both"),
        (["--optimizer", "lion"], "--optimizer"),
        (["--gpu", "h1OO"], "h1OO"),
        (["--fsdp", "FULLY"], "--fsdp"),
        (["--qlora"], "LoRA rank"),
    ],
)
def test_bad_input_is_one_red_line_and_status_2(args, message):
    result = run("--model", LLAMA, *args)
    assert result.exit_code == 2 and "Traceback" not in result.output and result.stdout == ""
    assert message in " ".join(result.stderr.split())
