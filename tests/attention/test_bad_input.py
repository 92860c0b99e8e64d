"""Input a user can get wrong gets a message that says what was wrong."""

import pytest
from pydantic import ValidationError

from roofline.attention import AttentionError, AttentionRequest, inspect_attention
from tests.attention.models import save_model


def inspect(**fields):
    return inspect_attention(AttentionRequest(**fields))


def test_unknown_hub_id_says_no_such_model(tmp_path):
    with pytest.raises(AttentionError, match="could not read the model 'nobody/no-such-model'"):
        inspect(model="nobody/no-such-model", text="hello")


def test_string_that_is_neither_path_nor_hub_id(tmp_path):
    with pytest.raises(AttentionError, match="neither a local directory nor a Hugging Face Hub id"):
        inspect(model="not a model id!!", text="hello")


def test_missing_local_directory_is_named(tmp_path):
    with pytest.raises(AttentionError, match=f"no model directory at {tmp_path}/gone"):
        inspect(model=str(tmp_path / "gone"), text="hello")


def test_directory_without_config(tmp_path):
    with pytest.raises(AttentionError, match="holds no config.json"):
        inspect(model=str(tmp_path), text="hello")


def test_model_without_attention_weights_is_refused(tmp_path):
    from transformers import MambaConfig

    config = MambaConfig(num_hidden_layers=1, hidden_size=16, state_size=4, vocab_size=69, expand=2)
    directory = save_model(tmp_path / "mamba", config)
    with pytest.raises(AttentionError, match="no attention modules that return attention weights"):
        inspect(model=str(directory), text="t1 t2")


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_text_is_refused(text):
    with pytest.raises(ValidationError, match="the text is empty"):
        AttentionRequest(model="gpt2", text=text)


def test_text_over_the_token_limit(tiny_models):
    with pytest.raises(AttentionError, match="12 tokens, over the limit of 10"):
        inspect(model=str(tiny_models["gpt2"]), text=" ".join(["t1"] * 11), max_tokens=10)


def test_text_longer_than_the_model_takes(tiny_models):
    with pytest.raises(AttentionError, match="more than .* takes \\(256 positions\\)"):
        inspect(model=str(tiny_models["gpt2"]), text=" ".join(["t1"] * 300))
