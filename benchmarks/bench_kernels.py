"""Kernel benchmark timing agreement on the CPU: our median (roofline.kernels.timing.time_cpu) against
torch.utils.benchmark's Timer.blocked_autorange median, on the same callables, same thread count (1), rounds
interleaved (ours, theirs, ours, theirs, ...) so that load from other processes falls on both alike.

Target: the median over rounds of ours / torch's within 10% (0.90-1.10) for each of three kernels. Prints one
JSON object per kernel.
"""

import json
import statistics

import torch
from torch.utils.benchmark import Timer

import roofline.kernels.impls  # noqa: F401  (enables the Triton interpreter before torch.compile imports triton)
from roofline.kernels import KERNELS
from roofline.kernels.timing import time_cpu

CASES = [  # (kernel, impl, shape): CPU-sized, each call 0.1-5 ms
    ("layernorm", "fused", {"rows": 1024, "cols": 1024}),
    ("softmax", "fused", {"rows": 1024, "cols": 1024}),
    ("gemm", "eager", {"m": 256, "n": 256, "k": 256}),
]
ROUNDS = 41
MIN_TIME_S = 0.1


def main() -> None:
    torch.set_num_threads(1)
    for name, impl, shape in CASES:
        kernel = KERNELS[name]
        fn = kernel.impls[impl].build()
        inputs = kernel.make_inputs(shape, torch.float32, "cpu", torch.Generator().manual_seed(0))

        def call(fn=fn, inputs=inputs):
            return fn(*inputs, out=None)

        timer = Timer(stmt="call()", globals={"call": call}, num_threads=1)
        ours, theirs = [], []
        for i in range(ROUNDS):  # alternate which goes first, so a trend in the load favours neither
            for which in ("ours", "theirs") if i % 2 == 0 else ("theirs", "ours"):
                if which == "ours":
                    ours.append(time_cpu(call, min_time_s=MIN_TIME_S, warmup_s=0.05).median_s)
                else:
                    theirs.append(timer.blocked_autorange(min_run_time=MIN_TIME_S).median)
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        ratio = statistics.median(ratios)
        print(json.dumps({
            "kernel": f"{name} {impl} {'x'.join(map(str, shape.values()))} fp32",
            "ours_us": round(statistics.median(ours) * 1e6, 1),
            "torch_benchmark_us": round(statistics.median(theirs) * 1e6, 1),
            "ratio_median": round(ratio, 3),
            "ratio_min": round(min(ratios), 3),
            "ratio_max": round(max(ratios), 3),
            "within_10pct": 0.9 <= ratio <= 1.1,
        }))  # fmt: skip


if __name__ == "__main__":
    main()
