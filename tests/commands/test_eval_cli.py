"""`roofline eval`: a run against the local test server prints the scorecard (or JSON for scripts), the key
comes from an environment variable, bad input exits with status 2 and one red line; `eval compare` lines
scorecards up."""

import json

import pytest
from typer.testing import CliRunner

from roofline.cli import app
from tests.evals.fake_dns import FakeDNS
from tests.evals.fake_server import running_fake

runner = CliRunner()


@pytest.fixture(scope="module")
def fake():
    with running_fake() as running:
        yield running


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(*args, **kwargs):
    return runner.invoke(app, ["eval", *args], catch_exceptions=False, **kwargs)


def test_a_run_prints_the_scorecard_and_writes_json(fake, tmp_path):
    out = tmp_path / "card.json"
    result = run("--endpoint", fake.url, "--model", "solver", "--suite", "mlinfra", "--suite", "refusal",
                 "--limit", "4", "--json", str(out), "--price-in", "1", "--price-out", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    card = json.loads(out.read_text())
    assert [s["name"] for s in card["suites"]] == ["mlinfra", "refusal"]
    assert "over_refusal_rate" in result.output and "TTFT" in result.output
    assert "per 1,000 requests" in result.output


def test_json_to_stdout_is_only_json(fake):
    result = run("--endpoint", fake.url, "--model", "solver", "--suite", "arithmetic", "--limit", "2", "--json", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["schema"] == "roofline.scorecard/1"


def test_the_key_comes_from_the_named_environment_variable(fake, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-from-env")
    fake.app.headers.clear()
    result = run("--endpoint", fake.url, "--model", "solver", "--suite", "arithmetic", "--limit", "1",
                 "--api-key-env", "MY_KEY")  # fmt: skip
    assert result.exit_code == 0 and fake.app.headers[0]["authorization"] == "Bearer sk-from-env"
    assert "sk-from-env" not in result.output


def test_the_cli_guards_no_address_a_local_name_is_called(fake, monkeypatch):
    FakeDNS(monkeypatch, {"my-box.test": ["127.0.0.1"]})  # a user's own machine may call its own servers
    fake.app.requests.clear()
    result = run("--endpoint", fake.url.replace("127.0.0.1", "my-box.test"), "--model", "solver", "--suite",
                 "arithmetic", "--limit", "2", "--json", "-")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.stdout)["errors"]["total"] == 0
    assert len(fake.app.requests) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "m"], "--endpoint and --model are required"),
        (["--endpoint", "http://x:1/v1", "--model", "m", "--api-key-env", "UNSET_VAR_X"], "UNSET_VAR_X is not set"),
        (["--endpoint", "http://x:1/v1", "--model", "m", "--suite", "nope"], "unknown suite 'nope'"),
        (["--endpoint", "http://x:1/v1", "--model", "m", "--concurrency", "0"], "--concurrency:"),
        (["--endpoint", "http://x:1/v1", "--model", "m", "--api", "grpc"], "--api:"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message, monkeypatch):
    monkeypatch.delenv("UNSET_VAR_X", raising=False)
    result = run(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_compare_lines_up_two_scorecards_and_rejects_other_files(fake, tmp_path):
    paths = []
    for model in ("solver", "empty"):
        path = tmp_path / f"{model}.json"
        run("--endpoint", fake.url, "--model", model, "--suite", "arithmetic", "--limit", "3", "--json", str(path))
        paths.append(str(path))
    result = run("compare", *paths)
    assert result.exit_code == 0
    assert "accuracy" in result.output and "solver" in result.output and "empty" in result.output
    (tmp_path / "other.json").write_text('{"schema": "something/1"}')
    result = run("compare", paths[0], str(tmp_path / "other.json"))
    assert result.exit_code == 2 and "not a scorecard" in result.output
