"""The VRAM calculator against torch.cuda.max_memory_allocated on a real GPU, for three training cases.

Run on an NVIDIA H200 (figures: docs/vram.md, benchmarks/RESULTS.md; benchmarks/gpu_checks.sh runs it with the
other GPU checks). On a CUDA machine:

    .venv/bin/python benchmarks/gpu_vram_check.py            # prints one JSON row per case

Each case instantiates the shipped config with random weights directly on the GPU (no download), runs two
training steps as the calculator assumes (`loss = model(input_ids, labels).loss; loss.backward();
optimizer.step(); optimizer.zero_grad(set_to_none=True)`, AdamW foreach, use_cache=False) and compares the
peak allocated bytes with the calculator's tensor peak (no overhead line). Memory held before the model exists
(the CUDA context is not in max_memory_allocated) is subtracted.
"""

import json

import torch
from transformers import AutoConfig, AutoModelForCausalLM

from roofline.modelspec import load_config
from roofline.vram import VramRequest, estimate_vram

CASES = [  # (shipped model, batch, seq, dtype, attention, checkpointing)
    ("meta-llama/Llama-3.2-1B", 4, 2048, "bf16", "sdpa", "none"),
    ("openai-community/gpt2", 8, 1024, "fp32", "eager", "none"),
    ("Qwen/Qwen2.5-7B", 1, 4096, "bf16", "sdpa", "full"),
]
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def measure(model_id: str, batch: int, seq: int, dtype: str, attention: str, checkpointing: str) -> int:
    config, _ = load_config(model_id)
    hf_config = AutoConfig.for_model(**config)
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()
    with torch.device("cuda"):
        model = AutoModelForCausalLM.from_config(hf_config, attn_implementation=attention, dtype=DTYPES[dtype])
    model.train()
    if checkpointing == "full":
        model.activation_checkpointing_enable()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)  # foreach by default on CUDA
    ids = torch.randint(0, hf_config.vocab_size, (batch, seq), device="cuda")
    for _ in range(2):
        loss = model(input_ids=ids, labels=ids, use_cache=False).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        del loss
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - before
    del model, optimizer, ids
    return peak


def main() -> None:
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this check needs a GPU")
    for model_id, batch, seq, dtype, attention, checkpointing in CASES:
        request = VramRequest(
            model=model_id, batch=batch, seq=seq, param_dtype=dtype, attention=attention, checkpointing=checkpointing,
            gpu="h100-sxm",
        )  # fmt: skip
        estimate = estimate_vram(request).tensor_peak_bytes
        measured = measure(model_id, batch, seq, dtype, attention, checkpointing)
        print(json.dumps({
            "case": f"{model_id} {dtype} {attention} b{batch}×{seq} ckpt={checkpointing}",
            "device": torch.cuda.get_device_name(), "estimate_gib": round(estimate / 2**30, 3),
            "max_memory_allocated_gib": round(measured / 2**30, 3), "error": round(estimate / measured - 1, 4),
        }))  # fmt: skip


if __name__ == "__main__":
    main()
