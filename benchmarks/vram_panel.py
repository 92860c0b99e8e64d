"""The VRAM calculator against traced Hugging Face training steps: prints the Markdown tables kept in
docs/vram.md (estimate, measured, error, and the moment the calculator puts the peak at) for the panel that
tests/vram/test_ground_truth.py checks, and with --full-size for shipped configs at their real size (FakeTensor
allocates nothing, so a 7B model traces on a laptop in about a minute).

    .venv/bin/python -m benchmarks.vram_panel [--full-size]
"""

import statistics
import sys

from roofline.modelspec import load_config
from roofline.vram import VramRequest
from roofline.vram.activations import CPU
from roofline.vram.estimate import load_model, tensor_memory
from tests.vram.test_ground_truth import PANEL, measure

MIB = 2**20
FULL_SIZE = [  # (shipped model, batch, seq, dtype, attention)
    ("meta-llama/Llama-3.2-1B", 2, 1024, "bf16", "sdpa"),
    ("openai-community/gpt2", 4, 1024, "fp32", "eager"),
    ("Qwen/Qwen2.5-7B", 1, 2048, "bf16", "sdpa"),
]


def row(name: str, config: dict, batch: int, seq: int, dtype: str, attention: str, extra: dict | None) -> float:
    request = VramRequest(
        config=config, batch=batch, seq=seq, param_dtype=dtype, attention=attention, dropout=True, **(extra or {})
    )
    spec, traits = load_model(request)
    memory = tensor_memory(spec, traits, request, CPU)
    measured = measure(config, batch, seq, dtype, attention, extra)
    error = memory.total / measured - 1
    print(
        f"| {name} | {batch} × {seq} | {dtype} | {attention} | {memory.total / MIB:,.2f} | {measured / MIB:,.2f} | "
        f"{error:+.1%} | {memory.moment} |",
        flush=True,
    )
    return error


def main() -> None:
    print("| case | batch × seq | dtype | attention | estimate (MiB) | measured (MiB) | error | peak at |")
    print("|---|---|---|---|---|---|---|---|")
    if "--full-size" in sys.argv:
        errors = [row(model, load_config(model)[0], *case, None) for model, *case in FULL_SIZE]
    else:
        errors = [row(*case) if len(case) == 7 else row(*case, None) for case in PANEL]
    print(f"\nMedian |error| {statistics.median(abs(e) for e in errors):.1%}, worst {max(map(abs, errors)):.1%}.")


if __name__ == "__main__":
    main()
