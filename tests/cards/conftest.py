import pytest

from tests.cards.builders import (
    LM_EVAL_RESULTS,
    SCORECARD,
    make_tiny_llama,
    make_tiny_mixtral,
    write_gguf,
    write_json,
)


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory):
    return make_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="session")
def tiny_mixtral(tmp_path_factory):
    return make_tiny_mixtral(tmp_path_factory.mktemp("tiny-mixtral"))


@pytest.fixture(scope="session")
def tiny_pt(tmp_path_factory, tiny_llama):
    """A .pt file holding the tiny Llama's state dict (torch.save's zip format)."""
    import torch

    path = tmp_path_factory.mktemp("pt") / "model.pt"
    torch.save(tiny_llama[1].state_dict(), path)
    return path


@pytest.fixture
def gguf_file(tmp_path):
    return write_gguf(tmp_path / "tiny.gguf")


@pytest.fixture
def lm_eval_file(tmp_path):
    return write_json(tmp_path / "results_2026-11-20.json", LM_EVAL_RESULTS)


@pytest.fixture
def scorecard_file(tmp_path):
    return write_json(tmp_path / "scorecard.json", SCORECARD)
