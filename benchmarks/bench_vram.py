"""VRAM-calculator speed: one estimate (target: under 10 ms), everything included: config loading (cached after
the first call, as on the server), the step's memory timeline, the search for the largest micro-batch that fits
and the re-estimates behind the suggestions. Median and p95 of repeated calls after one warm-up; one JSON object
per case, as the other benchmarks print."""

import json
import statistics
import time

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
REPEATS = 100


def timed(call, repeats: int) -> dict[str, float]:
    """Median and p95 of `call` in milliseconds, wall time and this process's CPU time (which other work on a
    shared machine does not inflate), after one warm-up call."""
    call()
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    wall.sort()
    cpu.sort()
    p95 = int(0.95 * (repeats - 1))
    return {
        "estimate_ms_median": round(statistics.median(wall), 3),
        "estimate_ms_p95": round(wall[p95], 3),
        "cpu_ms_p95": round(cpu[p95], 3),
    }


def main() -> None:
    for name, fields in CASES.items():
        request = VramRequest(**fields)
        times = timed(lambda r=request: estimate_vram(r), REPEATS)
        result = estimate_vram(request)
        peak = round(result.peak_bytes / 2**30, 1)
        print(json.dumps({"case": name, **times, "suggestions": len(result.suggestions), "peak_gib": peak}))


if __name__ == "__main__":
    main()
