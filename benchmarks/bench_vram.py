"""VRAM-calculator speed: one estimate (target: under 10 ms), everything included: config loading (cached after
the first call, as on the server), the step's memory timeline, the search for the largest micro-batch that fits
and the re-estimates behind the suggestions. Median and p95 of repeated calls after one warm-up; one JSON object
per case, as the other benchmarks print."""

import json
import statistics
import timeit

from roofline.vram import VramRequest, estimate_vram

CASES = {
    "Llama-3.1-8B train, bf16, b4×4096, H100": {"model": "meta-llama/Llama-3.1-8B", "batch": 4, "seq": 4096},
    "Llama-3.1-70B train, ZeRO-3 ×64, mixed, full ckpt": {
        "model": "meta-llama/Llama-3.1-70B", "mixed_precision": True, "zero": 3, "gpus": 64,
        "checkpointing": "full", "seq": 8192,
    },
    "Llama-3.1-405B train, TP8 PP8 ×512, SP": {
        "model": "meta-llama/Llama-3.1-405B", "mixed_precision": True, "zero": 1, "gpus": 512, "tp": 8, "pp": 8,
        "sequence_parallel": True, "seq": 8192,
    },
    "Mixtral-8x7B QLoRA r64, b8×2048": {"model": "mistralai/Mixtral-8x7B-v0.1", "lora_rank": 64, "qlora": True,
                                        "batch": 8},
    "DeepSeek-V3 infer, 8×H200, fp8, b64×8192": {
        "model": "deepseek-ai/DeepSeek-V3", "mode": "infer", "gpu": "h200", "gpus": 8, "tp": 8, "weights": "fp8",
        "batch": 64, "seq": 8192,
    },
}  # fmt: skip
REPEATS = 50


def timed(call, repeats: int) -> tuple[float, float]:
    """Median and p95 wall time of `call` in milliseconds, after one warm-up call."""
    call()
    samples = sorted(1000 * t for t in timeit.repeat(call, number=1, repeat=repeats))
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    for name, fields in CASES.items():
        request = VramRequest(**fields)
        median, p95 = timed(lambda r=request: estimate_vram(r), REPEATS)
        result = estimate_vram(request)
        print(
            json.dumps(
                {
                    "case": name,
                    "estimate_ms_median": round(median, 3),
                    "estimate_ms_p95": round(p95, 3),
                    "suggestions": len(result.suggestions),
                    "peak_gib": round(result.peak_bytes / 2**30, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
