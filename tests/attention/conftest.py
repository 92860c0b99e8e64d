import pytest

from tests.attention.models import gpt2_config, llama_config, save_model, t5_config

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"
INDUCTION_MODEL = FIXTURES / "induction-llama-2l"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict:
    """Random-init GPT-2-, Llama- (GQA: 4 query heads, 2 key/value heads) and T5-shaped models, saved locally."""
    root = tmp_path_factory.mktemp("attention-models")
    return {
        name: save_model(root / name, config)
        for name, config in (("gpt2", gpt2_config()), ("llama", llama_config()), ("t5", t5_config()))
    }


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """The Hub is never reached from tests."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)  # read once, when it was imported
