"""`roofline attention`: a table of the top heads per label, the grid as a PNG, JSON for scripts; bad input exits
with status 2 and a one-line message."""

import json

import pytest
from typer.testing import CliRunner

from roofline.cli import app
from tests.attention.models import gpt2_config, save_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return str(save_model(tmp_path_factory.mktemp("cli") / "gpt2", gpt2_config()))


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)  # read once, when it was imported
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str):
    return CliRunner().invoke(app, ["attention", *args])


def test_json_has_one_object_per_head_and_the_requested_matrix(model_dir):
    result = run(model_dir, "--text", "t1 t2 t3 t1 t2", "--json", "--head", "1.2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(h["layer"], h["head"]) for h in data["heads"]] == [(layer, h) for layer in range(2) for h in range(4)]
    (matrix,) = data["matrices"]
    assert (matrix["layer"], matrix["head"], matrix["rows"]) == (1, 2, 6)


def test_table_lists_labels_and_masks_and_writes_the_png(model_dir, tmp_path):
    png = tmp_path / "grid.png"
    result = run(model_dir, "--probe", "--png", str(png))
    assert result.exit_code == 0, result.output
    for label in ("induction", "previous-token", "duplicate-token", "self", "sink", "broad"):
        assert label in result.stdout
    assert "Masks: self causal" in result.stdout
    assert "Attention: in-place eager attention" in " ".join(result.stdout.split())  # which attention ran, and why
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/model", "--text", "hi"], "no model directory at /no/such/model"),
        (["{model}", "--text", ""], "the text is empty"),
        (["{model}", "--text", "t1 t1 t1", "--max-tokens", "2"], "4 tokens, over the limit of 2"),
        (["{model}", "--head", "one.two"], "write LAYER.HEAD"),
        (["{model}", "--metric", "nope"], "choose one of"),
    ],
)
def test_bad_input_exits_2_with_a_message(model_dir, args, message):
    result = run(*[a.format(model=model_dir) for a in args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
