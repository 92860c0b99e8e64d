"""Tiny random-init models with a word-level tokenizer ("t0".."tN"), saved in Hugging Face format for tests."""

from pathlib import Path

from roofline.attention.train_induction import SPECIALS, word_tokenizer


def save_model(directory: Path, config, *, seed: int = 0, bos: bool = True) -> Path:
    """Random-init `config`'s base model and save it with a word tokenizer covering its vocabulary."""
    import torch
    from transformers import AutoModel

    torch.manual_seed(seed)
    model = AutoModel.from_config(config, attn_implementation="eager")
    model.save_pretrained(directory)
    word_tokenizer(config.get_text_config().vocab_size - len(SPECIALS), bos=bos).save_pretrained(directory)
    return directory


def gpt2_config(**overrides):
    from transformers import GPT2Config

    return GPT2Config(**{
        "n_layer": 2, "n_head": 4, "n_embd": 32, "vocab_size": 69, "n_positions": 256,
        "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, **overrides,
    })  # fmt: skip


def llama_config(**overrides):
    from transformers import LlamaConfig

    return LlamaConfig(**{
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "hidden_size": 32,
        "intermediate_size": 64, "vocab_size": 69, "max_position_embeddings": 256,
        "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, **overrides,
    })  # fmt: skip


def t5_config(**overrides):
    from transformers import T5Config

    return T5Config(**{
        "num_layers": 2, "num_decoder_layers": 2, "num_heads": 4, "d_model": 32, "d_kv": 8, "d_ff": 64,
        "vocab_size": 69, "pad_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 0, **overrides,
    })  # fmt: skip
