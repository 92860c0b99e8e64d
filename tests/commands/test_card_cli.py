"""`roofline card CHECKPOINT [--eval LOG ...] [--answers FILE] [-o README.md] [--json]` and
`roofline card facts CHECKPOINT`: bad input exits with status 2 and a one-line message, never a traceback."""

import json

import pytest
from huggingface_hub import ModelCard
from typer.testing import CliRunner

from roofline.cli import app
from tests.cards.builders import FIXTURES, LM_EVAL_METRICS, LM_EVAL_RESULTS, make_tiny_llama, write_json


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory):
    return make_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def lm_eval_file(tmp_path):
    return write_json(tmp_path / "results.json", LM_EVAL_RESULTS)


def run(*args: str):
    return CliRunner().invoke(app, ["card", *map(str, args)])


def test_card_written_to_a_file_with_answers_from_a_file_and_flags(tmp_path, tiny_llama, lm_eval_file):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"license": "mit", "intended_use": "Tests."}))
    out = tmp_path / "README.md"
    result = run(tiny_llama[0], "--eval", lm_eval_file, "--answers", answers, "--license", "apache-2.0",
                 "--language", "en", "-o", out, "--no-hash")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "complete" in result.output
    card = ModelCard(out.read_text())
    assert card.data.license == "apache-2.0"  # the flag wins over the file
    assert card.data.language == ["en"]
    assert "Tests." in card.text
    assert len(card.data.eval_results) == len(LM_EVAL_METRICS)


def test_card_printed_as_markdown_and_as_json(tiny_llama):
    printed = run(tiny_llama[0], "--no-hash", "--eval", FIXTURES / "inspect_arithmetic.eval")
    assert printed.exit_code == 0
    assert printed.stdout.startswith("---\n")
    data = json.loads(run(tiny_llama[0], "--no-hash", "--json").stdout)
    assert data["facts"]["params_total"] == 202_048
    assert data["markdown"].startswith("---\n")
    assert set(data["completeness"]) == {"provided", "missing", "score"}


def test_facts_subcommand(tiny_llama):
    data = json.loads(run("facts", tiny_llama[0], "--json", "--gpu", "h100-sxm").stdout)
    assert data["params_total"] == 202_048
    assert data["kind"] == "huggingface-directory"
    assert [s["gpu"] for s in data["serving"]] == ["h100-sxm"]
    shown = run("facts", tiny_llama[0], "--no-hash")
    assert shown.exit_code == 0
    assert "202,048" in shown.stdout and "NVIDIA H100" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere/at/all"], "is not a checkpoint file or directory"),
        (["facts", "./missing.safetensors"], "no such file"),
        ([FIXTURES / "inspect_arithmetic.json"], "not a checkpoint file"),
    ],
)
def test_bad_input_is_one_red_line_and_status_2(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_bad_eval_log_and_answers(tmp_path, tiny_llama):
    bad = tmp_path / "log.json"
    bad.write_text('{"accuracy": 1}')
    result = run(tiny_llama[0], "--no-hash", "--eval", bad)
    assert result.exit_code == 2 and "unknown eval log shape" in result.output
    answers = tmp_path / "a.yaml"
    answers.write_text("license: [x")
    result = run(tiny_llama[0], "--no-hash", "--answers", answers)
    assert result.exit_code == 2 and "not valid YAML" in result.output


def test_unknown_gpu_is_an_error(tiny_llama):
    result = run("facts", tiny_llama[0], "--no-hash", "--gpu", "voodoo5")
    assert result.exit_code == 2 and "voodoo5" in result.output
