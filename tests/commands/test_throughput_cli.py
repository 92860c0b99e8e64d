"""`roofline throughput`: the estimate, a batch sweep and an accelerator comparison, as JSON for scripts or as
tables with their assumptions for people; bad input exits with status 2 and a message, never a traceback."""

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from roofline.cli import app
from roofline.hardware import list_accelerators
from roofline.throughput import ThroughputRequest, estimate_throughput

LLAMA = "meta-llama/Llama-3.1-8B"
DOCUMENTED_KEYS = {
    "decode": ["tokens_per_s_per_seq", "tokens_per_s", "bytes_per_step", "flops_per_step", "bound"],
    "prefill": ["seconds"],
    "model": ["params_total", "params_active", "kv_bytes_per_token"],
}


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    """The tests use shipped configs and local files: asking the Hugging Face Hub is a failure."""

    def refuse(repo_id):
        raise AssertionError(f"the Hub was asked for {repo_id}")

    monkeypatch.setattr("roofline.modelspec.source._download", refuse)
    monkeypatch.setenv("COLUMNS", "200")  # Rich wraps at the terminal width; keep numbers on one line


def run(*args: str):
    return CliRunner().invoke(app, ["throughput", *args])


def flat(text: str) -> str:
    return " ".join(text.split())


def shipped_config(filename: str) -> str:
    return (resources.files("roofline.modelspec") / "configs" / filename).read_text()


def assert_refused(result, *messages: str) -> None:
    """Exit status 2, each message on stderr, and no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for message in messages:
        assert message in flat(result.stderr), result.stderr


def test_json_output_has_the_documented_keys_and_the_engines_numbers():
    result = run("--model", LLAMA, "--gpu", "h100", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for section, keys in DOCUMENTED_KEYS.items():
        for key in keys:
            assert key in data[section], f"{section}.{key}"
    expected = estimate_throughput(ThroughputRequest(model=LLAMA, gpu="h100")).to_dict()
    assert data == json.loads(json.dumps(expected))
    assert data["accelerator"]["id"] == "h100-sxm" and data["decode"]["batch"] == 1
    assert data["assumptions"] and data["sources"]


def test_every_input_reaches_the_estimate():
    result = run(
        "--model", "mistralai/Mistral-7B-v0.1", "--gpu", "h200", "--gpus", "2", "--weights", "int4",
        "--kv-dtype", "fp8", "--batch", "16", "--context", "4096", "--prompt", "1024", "--output", "256",
        "--efficiency", "0.8", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["request"] == {
        "model": "mistralai/Mistral-7B-v0.1", "gpu": "h200", "gpus": 2, "weights": "int4", "kv_dtype": "fp8",
        "batch": 16, "context": 4096, "prompt": 1024, "output": 256, "efficiency": 0.8,
    }  # fmt: skip
    request = ThroughputRequest(**data["request"])
    assert data == json.loads(json.dumps(estimate_throughput(request).to_dict()))
    assert data["request_estimate"]["output"] == 256


def test_a_batch_sweep_gains_total_throughput_up_to_the_largest_batch():
    result = run("--model", LLAMA, "--gpu", "h100", "--sweep", "batch", "--json")
    assert result.exit_code == 0, result.output
    curve = json.loads(result.stdout)
    points = curve["points"]
    batches = [p["batch"] for p in points]
    assert batches[0] == 1 and batches == sorted(set(batches))
    assert batches[-1] == max(curve["max_batch_that_fits"], 256)
    totals = [p["tokens_per_s"] for p in points]
    assert all(a < b for a, b in zip(totals, totals[1:], strict=False)), totals
    per_sequence = [p["tokens_per_s_per_seq"] for p in points]
    assert per_sequence == sorted(per_sequence, reverse=True)
    assert [p["fits"] for p in points] == [b <= curve["max_batch_that_fits"] for b in batches]


def test_compare_gpus_has_one_row_per_catalog_accelerator_and_says_why_one_cannot_run_it():
    result = run("--model", LLAMA, "--weights", "fp8", "--compare-gpus", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["gpu"] for row in rows] == [a.id for a in list_accelerators()]
    by_id = {row["gpu"]: row for row in rows}
    assert "has no dense fp8 peak" in by_id["a100-80gb"]["error"] and "tokens_per_s" not in by_id["a100-80gb"]
    assert "error" not in by_id["h100-sxm"] and by_id["h100-sxm"]["tokens_per_s"] > 0
    assert any("error" in row for row in rows) and any("error" not in row for row in rows)


def test_the_human_output_shows_the_numbers_and_every_assumption():
    result = run("--model", LLAMA, "--gpu", "h100", "--batch", "8")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    expected = estimate_throughput(ThroughputRequest(model=LLAMA, gpu="h100", batch=8)).to_dict()
    assert f"{expected['decode']['tokens_per_s_per_seq']:,.1f}" in text
    assert f"{expected['decode']['tokens_per_s']:,.1f}" in text
    assert "Roofline (upper bound)" in text and "Assumptions" in text and "Sources" in text
    for note in expected["assumptions"]:
        assert flat(note) in text


def test_the_human_sweep_and_comparison_are_tables():
    sweep = run("--model", LLAMA, "--sweep", "batch")
    assert sweep.exit_code == 0 and "largest batch that fits" in flat(sweep.stdout)
    compare = run("--model", LLAMA, "--weights", "fp8", "--compare-gpus")
    assert compare.exit_code == 0, compare.output
    for accelerator in list_accelerators():
        assert accelerator.id in compare.stdout
    assert "has no dense fp8 peak" in flat(compare.stdout)


def test_a_config_path_or_its_directory_works_and_brackets_in_it_are_printed_verbatim(tmp_path):
    directory = tmp_path / "run[/red]"  # Rich markup in a path must not be interpreted (or crash)
    directory.mkdir(parents=True)
    (directory / "config.json").write_text(shipped_config("mistralai--Mistral-7B-v0.1.json"))
    for model in (str(directory), str(directory / "config.json")):
        result = run("--model", model)
        assert result.exit_code == 0, result.output
        assert f"{model} (mistral)" in result.stdout


def test_an_unknown_accelerator_exits_2_suggesting_names():
    assert_refused(run("--model", LLAMA, "--gpu", "h1OO"), "Unknown accelerator 'h1OO'", "Did you mean: h100-sxm")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch", "0"], "--batch: Input should be greater than or equal to 1"),
        (["--gpus", "0"], "--gpus: Input should be greater than or equal to 1"),
        (["--context", "-1"], "--context: Input should be greater than or equal to 0"),
        (["--weights", "fp3"], "--weights: Input should be 'bf16', 'fp16', 'fp8', 'int8' or 'int4'"),
        (["--kv-dtype", "fp3"], "--kv-dtype: Input should be 'bf16', 'fp16', 'fp8' or 'int8'"),
        (["--efficiency", "1.5"], "--efficiency: Input should be less than or equal to 1"),
        (["--gpu", "a100-80gb", "--weights", "fp8"], "NVIDIA A100 SXM4 80GB (a100-80gb) has no dense fp8 peak"),
    ],
)
def test_invalid_inputs_exit_2_naming_the_option(args, message):
    assert_refused(run("--model", LLAMA, *args), message)


def test_a_config_path_that_does_not_exist_exits_2(tmp_path):
    missing = tmp_path / "nowhere" / "config.json"
    assert_refused(run("--model", str(missing)), f"'{missing}' is not a file, a directory with a config.json")


def test_a_directory_without_config_json_exits_2(tmp_path):
    assert_refused(run("--model", str(tmp_path)), f"{tmp_path} has no config.json")


def test_a_malformed_config_file_exits_2(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "llama",')
    assert_refused(run("--model", str(tmp_path)), "is not valid JSON")


def test_a_message_with_brackets_is_printed_verbatim_not_as_markup(tmp_path):
    directory = tmp_path / "a[/x]b"
    directory.mkdir(parents=True)
    assert_refused(run("--model", str(directory)), f"{directory} has no config.json")


def test_a_missing_custom_accelerator_file_exits_2(tmp_path):
    assert_refused(run("--model", LLAMA, "--gpu", str(tmp_path / "mine.json")), "mine.json")


def test_compare_gpus_with_a_model_that_cannot_be_read_exits_2_once(tmp_path):
    result = run("--model", str(tmp_path), "--compare-gpus", "--json")
    assert_refused(result, f"{tmp_path} has no config.json")
    assert flat(result.stderr).count("has no config.json") == 1
