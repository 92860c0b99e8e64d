"""Never lose work: a run killed halfway resumes, sends only the missing items, and ends equal to an uninterrupted
run."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from roofline.evals import EvalRequest, run_eval
from roofline.evals.runfile import read_run_file
from tests.evals.fake_server import running_fake

TIMING = {"latency", "wall_start", "wall_end", "session"}


@pytest.fixture(scope="module")
def slow_fake():
    with running_fake(delay_s=0.03) as running:
        yield running


def comparable(card: dict) -> dict:
    """The scorecard minus what depends on wall-clock time (latency, throughput, timestamps, session ids)."""
    card = json.loads(json.dumps(card))
    for key in ("latency", "started_at", "finished_at", "cost"):
        card.pop(key)
    card["run"].pop("sessions")
    card["items"] = [{k: v for k, v in item.items() if k not in TIMING} for item in card["items"]]
    return card


def test_a_killed_run_resumes_with_only_the_missing_items_and_equals_an_uninterrupted_run(slow_fake, tmp_path):
    options = {"endpoint": slow_fake.url, "model": "solver", "suites": ["arithmetic", "refusal"], "limit": 10,
               "concurrency": 2}  # fmt: skip
    run_file = tmp_path / "run.jsonl"
    command = [sys.executable, "-m", "roofline", "eval", "--endpoint", options["endpoint"], "--model", "solver",
               "--suite", "arithmetic", "--suite", "refusal", "--limit", "10", "--concurrency", "2",
               "--run-file", str(run_file)]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if run_file.exists() and run_file.read_text().count('"type": "item"') >= 10:
            break
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    _, done = read_run_file(run_file)
    assert 10 <= len(done) < 20, "the kill must land halfway"
    slow_fake.app.requests.clear()

    resumed = run_eval(EvalRequest(**options), run_file=run_file).to_dict()

    assert len(slow_fake.app.requests) == 20 - len(done)  # only the missing items were sent
    assert resumed["complete"] and resumed["run"]["sessions"] == 2
    uninterrupted = run_eval(EvalRequest(**options)).to_dict()
    assert comparable(resumed) == comparable(uninterrupted)
    assert resumed["latency"]["e2e_s"]["count"] == 20


def test_a_run_file_from_another_run_is_refused(slow_fake, tmp_path):
    run_file = tmp_path / "run.jsonl"
    run_eval(EvalRequest(endpoint=slow_fake.url, model="solver", suites=["mlinfra"], limit=2), run_file=run_file)
    with pytest.raises(ValueError, match="different run"):
        run_eval(EvalRequest(endpoint=slow_fake.url, model="other", suites=["mlinfra"], limit=2), run_file=run_file)


def test_a_torn_last_line_is_resent_not_lost(slow_fake, tmp_path):
    run_file = tmp_path / "run.jsonl"
    request = EvalRequest(endpoint=slow_fake.url, model="solver", suites=["mlinfra"], limit=3)
    run_eval(request, run_file=run_file)
    lines = run_file.read_text().splitlines()
    run_file.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40])  # the kill landed mid-write
    card = run_eval(request, run_file=run_file).to_dict()
    assert card["complete"] and len(card["items"]) == 3
