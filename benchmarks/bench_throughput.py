"""Throughput-estimator speed: one estimate (targets: under 5 ms) and a 64-point batch sweep (under 100 ms).

Each figure is the median of repeated calls of the public entry points, config loading included, after one
warm-up call; p95 is reported beside it. Prints one JSON object per model, as the other benchmarks do.
"""

import json
import statistics
import time

from roofline.throughput import ThroughputRequest, estimate_throughput, sweep_batch

CASES = {
    "Llama-3.1-8B, H100, batch 8": {"model": "meta-llama/Llama-3.1-8B", "gpu": "h100", "batch": 8, "output": 256},
    "Mixtral-8x7B, 2×H100, fp8": {"model": "mistralai/Mixtral-8x7B-v0.1", "gpu": "h100", "gpus": 2, "weights": "fp8"},
    "DeepSeek-V3, 8×H200, fp8": {"model": "deepseek-ai/DeepSeek-V3", "gpu": "h200", "gpus": 8, "weights": "fp8"},
}
REPEATS = {"estimate": 200, "sweep": 30}


def timed(call, repeats: int) -> tuple[float, float]:
    """Median and p95 wall time of `call`, in milliseconds."""
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(1000 * (time.perf_counter() - started))
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    for name, fields in CASES.items():
        request = ThroughputRequest(**fields)
        estimate_median, estimate_p95 = timed(lambda r=request: estimate_throughput(r), REPEATS["estimate"])
        sweep_median, sweep_p95 = timed(lambda r=request: sweep_batch(r, points=64), REPEATS["sweep"])
        print(
            json.dumps(
                {
                    "case": name,
                    "estimate_ms_median": round(estimate_median, 3),
                    "estimate_ms_p95": round(estimate_p95, 3),
                    "sweep64_ms_median": round(sweep_median, 2),
                    "sweep64_ms_p95": round(sweep_p95, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
