"""Eval logs of the three formats read into one shape: task, metric, value, stderr, n, shots."""

import copy
import io
import json
import zipfile

import pytest

from roofline.cards import read_eval_log, read_eval_log_file
from tests.cards.builders import FIXTURES, LM_EVAL_RESULTS, SCORECARD


def by_key(log):
    return {(m.task, m.metric, m.config): m for m in log.metrics}


def test_lm_eval_results(lm_eval_file):
    log = read_eval_log_file(lm_eval_file)
    assert (log.format, log.model) == ("lm-eval", "EleutherAI/pythia-160m")
    metrics = by_key(log)
    hellaswag = metrics[("hellaswag", "acc", None)]
    assert (hellaswag.value, hellaswag.stderr, hellaswag.n, hellaswag.shots) == (0.2875, 0.01432, 10042, 10)
    strict = metrics[("gsm8k", "exact_match", "strict-match")]
    assert (strict.value, strict.stderr, strict.shots) == (0.0121, 0.003, 5)
    mmlu = metrics[("mmlu", "acc", None)]
    assert (mmlu.stderr, mmlu.n, mmlu.shots) == (None, None, 0)  # stderr "N/A", no n-samples entry
    assert len(log.metrics) == 5  # stderr entries and aliases are not metrics


def test_lm_eval_model_args_as_a_dict_and_a_subset_run():
    results = copy.deepcopy(LM_EVAL_RESULTS)
    results["config"]["model_args"] = {"pretrained": "org/model", "dtype": "bfloat16"}
    results["config"]["limit"] = 100
    log = read_eval_log("r.json", json.dumps(results).encode())
    assert log.model == "org/model"
    assert any("limit=100" in note for note in log.notes)


def test_scorecard():
    log = read_eval_log("scorecard.json", json.dumps(SCORECARD).encode())
    assert (log.format, log.model) == ("roofline-scorecard", "tiny-llama-chat")
    arith = by_key(log)[("arith-mini", "accuracy", None)]
    assert (arith.value, arith.stderr, arith.n, arith.ci_low, arith.ci_high) == (0.62, 0.0686, 50, 0.48, 0.74)
    assert by_key(log)[("facts-mini", "exact_match", None)].stderr is None
    assert by_key(log)[("refusal", "under_refusal_rate", None)].value == 0.125
    assert log.details["suites"]["facts-mini"]["content_sha256"] == "cd" * 32
    assert log.details["endpoint"] == {"url": "http://localhost:8001/v1", "api": "openai-chat"}


@pytest.mark.parametrize("name", ["inspect_arithmetic.json", "inspect_arithmetic.eval"])
def test_inspect_logs_written_by_inspect_ai(name):
    log = read_eval_log_file(FIXTURES / name)
    assert (log.format, log.model, log.status) == ("inspect", "mockllm/model", "success")
    [metric] = log.metrics  # accuracy, with its sibling stderr metric as its standard error
    assert (metric.task, metric.metric, metric.value, metric.stderr, metric.n, metric.config) == (
        "arithmetic", "accuracy", 0.75, 0.25, 4, "match",
    )  # fmt: skip


def test_inspect_unfinished_run_has_no_results_and_says_so():
    log = read_eval_log_file(FIXTURES / "inspect_unfinished.eval")
    assert (log.status, log.metrics, log.model) == ("started", [], "mockllm/model")
    assert "no results" in log.notes[0]


def test_inspect_archive_compressed_with_deflate_as_older_inspect_wrote():
    header = (FIXTURES / "inspect_arithmetic.json").read_text()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", header)
    log = read_eval_log("old.eval", buffer.getvalue())
    assert log.metrics[0].value == 0.75


def test_inspect_error_run_keeps_its_message():
    log = json.loads((FIXTURES / "inspect_arithmetic.json").read_text())
    log.update(status="error", error={"message": "RuntimeError: endpoint down", "traceback": "..."})
    del log["results"]
    parsed = read_eval_log("failed.json", json.dumps(log).encode())
    assert parsed.metrics == []
    assert "error: RuntimeError: endpoint down; no results recorded" in parsed.notes[0]
