"""Checkpoint facts read from headers and metadata only, checked against the instantiated models."""

import hashlib
import shutil

import pytest

from roofline.cards import CardError, facts_from_files, read_facts
from roofline.cards.safetensors_header import read_safetensors_header
from tests.cards.builders import HubStandIn, tiny_llama_config, write_gguf


def numel(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_sharded_directory_counts_exactly_the_parameters_of_the_model(tiny_llama):
    directory, model = tiny_llama
    assert len(list(directory.glob("*.safetensors"))) > 1  # really sharded, with its index
    assert (directory / "model.safetensors.index.json").is_file()
    facts = read_facts(str(directory))
    assert facts.kind == "huggingface-directory"
    assert facts.params_total == numel(model) == 202_048
    assert facts.params_source == "safetensors headers"
    assert facts.params_from_config == numel(model)  # modelspec's formula agrees
    assert facts.params_active == facts.params_total
    assert facts.stored_elements_by_dtype == {"F32": numel(model)}


def test_directory_shape_tokenizer_and_files(tiny_llama):
    directory, _ = tiny_llama
    facts = read_facts(str(directory))
    assert (facts.architecture, facts.layers, facts.hidden, facts.heads, facts.kv_heads) == ("llama", 2, 64, 4, 2)
    assert (facts.head_dim, facts.intermediate, facts.vocab, facts.context_length) == (16, 128, 1000, 512)
    assert facts.architectures == ["LlamaForCausalLM"]
    assert facts.chat_template is True
    assert facts.tokenizer_class == "PreTrainedTokenizerFast"
    assert facts.generation_config == {"temperature": 0.6, "top_p": 0.9}
    shard = next(f for f in facts.files if f.name.endswith(".safetensors"))
    assert shard.bytes == (directory / shard.name).stat().st_size
    assert shard.sha256 == hashlib.sha256((directory / shard.name).read_bytes()).hexdigest()
    assert facts.weight_bytes == 4 * facts.params_total  # F32 tensor data, headers excluded


def test_hashing_can_be_skipped(tiny_llama):
    facts = read_facts(str(tiny_llama[0]), hash_files=False)
    assert facts.files and all(f.sha256 is None for f in facts.files)


def test_single_safetensors_file_counts_per_dtype_and_reads_metadata(tmp_path):
    import torch
    from safetensors.torch import save_file

    path = tmp_path / "adapter.safetensors"
    tensors = {"a": torch.zeros(3, 5, dtype=torch.bfloat16), "b": torch.zeros(7, dtype=torch.float32)}
    save_file(tensors, path, metadata={"format": "pt", "producer": "test"})
    header = read_safetensors_header(path)
    assert header.params_by_dtype() == {"BF16": 15, "F32": 7}
    facts = read_facts(str(path))
    assert facts.kind == "safetensors"
    assert facts.params_total == 22
    assert facts.dtype == "BF16"
    assert facts.file_metadata == {"format": "pt", "producer": "test"}


def test_moe_active_parameters_leave_out_the_experts_a_token_skips(tiny_mixtral):
    directory, model = tiny_mixtral
    facts = read_facts(str(directory))
    assert facts.params_total == numel(model)
    # Mixtral: 4 experts of 3 matrices 64 x 96 per layer, 2 used per token, 2 layers -> 2 idle experts per layer
    idle = 2 * (2 * 3 * 64 * 96)
    assert facts.params_active == numel(model) - idle
    assert (facts.experts, facts.experts_per_token) == (4, 2)


def test_tied_embeddings_are_counted_once(tmp_path):
    import torch
    from transformers import LlamaForCausalLM

    torch.manual_seed(0)
    model = LlamaForCausalLM(tiny_llama_config(tie_word_embeddings=True))
    model.save_pretrained(tmp_path)
    facts = read_facts(str(tmp_path))
    assert facts.params_total == numel(model) == facts.params_from_config
    assert facts.tied_embeddings is True
    assert facts.chat_template is None  # no tokenizer config: unknown, not "absent"


def test_pytorch_state_dict_counts_like_the_model(tiny_pt, tiny_llama):
    facts = read_facts(str(tiny_pt))
    assert facts.kind == "pytorch"
    assert facts.params_total == numel(tiny_llama[1])
    assert facts.stored_elements_by_dtype == {"float32": numel(tiny_llama[1])}


def test_gguf_metadata_and_tensor_index(gguf_file):
    facts = read_facts(str(gguf_file))
    assert facts.kind == "gguf"
    assert facts.name == "Tiny GGUF Llama"
    assert facts.architecture == "llama"
    assert facts.license == "apache-2.0"
    assert (facts.context_length, facts.layers, facts.hidden, facts.heads, facts.kv_heads) == (2048, 2, 64, 4, 2)
    assert facts.vocab == 1000
    assert facts.quantization == "F16"
    assert facts.chat_template is True
    assert facts.params_total == 1000 * 64 + 64 * 64 + 64
    assert facts.stored_elements_by_dtype == {"F16": 1000 * 64 + 64 * 64, "F32": 64}


def test_uploaded_metadata_files_use_the_config_formula(tiny_llama):
    directory, model = tiny_llama
    texts = {name: (directory / name).read_text() for name in ("config.json", "tokenizer_config.json")}
    facts = facts_from_files(texts)
    assert facts.kind == "uploaded-files"
    assert facts.params_total == numel(model)
    assert facts.params_source == "config.json (formula)"
    assert facts.chat_template is True


def test_existing_readme_front_matter_is_read(tmp_path, tiny_llama):
    directory = tmp_path / "m"
    shutil.copytree(tiny_llama[0], directory)
    (directory / "README.md").write_text("---\nlicense: mit\nlanguage: [en, fr]\n---\n# Old card\n")
    facts = read_facts(str(directory))
    assert facts.license == "mit"
    assert facts.readme_metadata["language"] == ["en", "fr"]


def test_missing_path_and_bad_source_say_so(tmp_path):
    with pytest.raises(CardError, match="no such file"):
        read_facts(str(tmp_path / "nope.safetensors"))
    with pytest.raises(CardError, match="Hub id"):
        read_facts("not a hub id")
    with pytest.raises(CardError, match="not .*Hub id"):
        read_facts(str(tmp_path), allow_local_files=False)  # servers never read the file system


def test_hub_id_goes_through_huggingface_hub(monkeypatch, tiny_llama):
    """The Hub path (model_info, hf_hub_download, get_safetensors_metadata) against a stand-in built from the
    local directory, at the one seam `hub_client`."""
    directory, model = tiny_llama
    monkeypatch.setattr("roofline.cards.hub.hub_client", lambda: HubStandIn(directory))
    facts = read_facts("tiny/llama", allow_local_files=False)
    assert facts.kind == "hub"
    assert facts.name == "tiny/llama"
    assert facts.params_total == numel(model)
    assert facts.chat_template is True
    shard = next(f for f in facts.files if f.name.endswith(".safetensors"))
    assert shard.sha256 == hashlib.sha256((directory / shard.name).read_bytes()).hexdigest()
    assert next(f for f in facts.files if f.name == "config.json").sha256 is None  # not LFS: the Hub gives none


def test_hub_unreachable_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("huggingface_hub.constants.ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(CardError, match="meta-llama/Llama-2-7b-hf"):
        read_facts("meta-llama/Llama-2-7b-hf", allow_local_files=False)


def test_gguf_without_chat_template_or_license(tmp_path):
    import numpy as np

    path = write_gguf(tmp_path / "x.gguf", tensors={"w": np.zeros((4, 4), dtype=np.float32)})
    assert read_facts(str(path)).params_total == 16


def test_only_weight_files_are_read_as_weights(tmp_path, tiny_llama):
    """training_args.bin (a pickle weights_only refuses) and optimizer.pt sit beside weights in trainer output."""
    import torch

    directory, model = tiny_llama
    trainer_dir = tmp_path / "checkpoint-100"
    trainer_dir.mkdir()
    (trainer_dir / "config.json").write_text((directory / "config.json").read_text())
    torch.save(model.state_dict(), trainer_dir / "pytorch_model.bin")
    torch.save({"state": {0: {"exp_avg": torch.zeros(10)}}}, trainer_dir / "optimizer.pt")
    (trainer_dir / "training_args.bin").write_bytes(b"\x80\x04\x95not a state dict")
    facts = read_facts(str(trainer_dir), hash_files=False)
    assert facts.params_total == numel(model)
    assert facts.params_source == "PyTorch state dict"


def test_several_gguf_files_in_a_directory_are_not_summed(tmp_path, tiny_llama):
    directory = tmp_path / "ggufs"
    directory.mkdir()
    (directory / "config.json").write_text((tiny_llama[0] / "config.json").read_text())
    write_gguf(directory / "model-Q4_K_M.gguf")
    write_gguf(directory / "model-Q8_0.gguf")
    facts = read_facts(str(directory), hash_files=False)
    assert facts.params_total == numel(tiny_llama[1])  # the config formula's, as the note says
    assert any("2 GGUF files" in note for note in facts.notes)


def test_hashing_reports_progress_up_to_every_byte(tiny_llama):
    heard = []
    facts = read_facts(str(tiny_llama[0]), progress=lambda done, total: heard.append((done, total)))
    total = sum(f.bytes for f in facts.files)
    assert heard and heard[-1] == (total, total)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
