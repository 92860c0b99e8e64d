"""Model card speed: the facts of a Llama-2-7B-shaped checkpoint (two safetensors shards and their index, as
the Hub repository has them) read from the headers alone. Target: under 1 s.

The shards are sparse files: a real header (291 F16 tensors, 6,738,415,616 parameters) followed by a hole the
size of the tensor data, so the file sizes are the real ones (13.5 GB) while nothing is written to disk; the
header reader never touches the data. Each figure is the median of repeated calls after one warm-up; p95 beside.
"""

import json
import math
import shutil
import struct
import tempfile
from importlib import resources
from pathlib import Path

from bench_throughput import timed  # median and p95 of repeated calls, in ms (run.py runs this from benchmarks/)

from roofline.cards import CardRequest, generate_card, read_facts

REPEATS = 20
LLAMA_2_7B_PARAMS = 6_738_415_616  # the Hub's figure for meta-llama/Llama-2-7b-hf
FIRST_SHARD_LAYERS = 24


def llama_2_7b_tensors() -> list[tuple[str, list[int]]]:
    hidden, mlp, vocab = 4096, 11008, 32000
    tensors = [("model.embed_tokens.weight", [vocab, hidden])]
    for i in range(32):
        p = f"model.layers.{i}."
        tensors += [(p + f"self_attn.{m}_proj.weight", [hidden, hidden]) for m in "qkvo"]
        tensors += [(p + "mlp.gate_proj.weight", [mlp, hidden]), (p + "mlp.up_proj.weight", [mlp, hidden]),
                    (p + "mlp.down_proj.weight", [hidden, mlp])]  # fmt: skip
        tensors += [(p + "input_layernorm.weight", [hidden]), (p + "post_attention_layernorm.weight", [hidden])]
    return tensors + [("model.norm.weight", [hidden]), ("lm_head.weight", [vocab, hidden])]


def write_sparse_shard(path: Path, tensors: list[tuple[str, list[int]]]) -> int:
    """A safetensors file with a real header and a hole for the data; returns the data bytes."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in tensors:
        size = 2 * math.prod(shape)  # F16
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as file:
        file.write(struct.pack("<Q", len(raw)) + raw)
        file.truncate(8 + len(raw) + offset)  # a hole: no blocks written
    return offset


def make_checkpoint(directory: Path) -> None:
    config = resources.files("roofline.modelspec") / "configs" / "meta-llama--Llama-2-7b-hf.json"
    (directory / "config.json").write_text(config.read_text())
    (directory / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "LlamaTokenizer"}))
    tensors = llama_2_7b_tensors()
    split = 1 + FIRST_SHARD_LAYERS * 9
    shards = {"model-00001-of-00002.safetensors": tensors[:split], "model-00002-of-00002.safetensors": tensors[split:]}
    total = sum(write_sparse_shard(directory / name, part) for name, part in shards.items())
    weight_map = {name: shard for shard, part in shards.items() for name, _ in part}
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (directory / "model.safetensors.index.json").write_text(json.dumps(index))
    used = sum(p.stat().st_blocks * 512 for p in directory.iterdir())
    if used > 64 * 2**20:
        raise SystemExit(f"the file system does not keep holes ({used:,} bytes written); not benchmarking")


def main() -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-cards-"))
    try:
        make_checkpoint(directory)
        facts = read_facts(str(directory), hash_files=False)
        if facts.params_total != LLAMA_2_7B_PARAMS:
            raise SystemExit(f"counted {facts.params_total:,} parameters, expected {LLAMA_2_7B_PARAMS:,}")
        facts_median, facts_p95 = timed(lambda: read_facts(str(directory), hash_files=False), REPEATS)
        request = CardRequest(checkpoint=str(directory), hash_files=False)
        card_median, card_p95 = timed(lambda: generate_card(request), REPEATS)
        print(
            json.dumps(
                {
                    "checkpoint": "Llama-2-7B shape, 2 shards + index (headers only)",
                    "file_bytes": sum(f.bytes for f in facts.files),
                    "tensors": len(llama_2_7b_tensors()),
                    "params_total": facts.params_total,
                    "facts_ms_median": round(facts_median, 2),
                    "facts_ms_p95": round(facts_p95, 2),
                    "card_ms_median": round(card_median, 2),
                    "card_ms_p95": round(card_p95, 2),
                }
            )
        )
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    main()
