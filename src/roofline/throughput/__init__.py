"""Throughput estimator: tokens/s for any model, precision, batch and accelerator, as a memory-bound roofline.

from roofline.throughput import ThroughputRequest, estimate_throughput
result = estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-8B", gpu="h100", batch=8))
result.decode["tokens_per_s"], result.to_dict()
"""

from roofline.throughput.estimate import ThroughputError, ThroughputResult, estimate_throughput
from roofline.throughput.request import ThroughputRequest
from roofline.throughput.sweep import compare_accelerators, sweep_batch

__all__ = [
    "ThroughputError",
    "ThroughputRequest",
    "ThroughputResult",
    "compare_accelerators",
    "estimate_throughput",
    "sweep_batch",
]
