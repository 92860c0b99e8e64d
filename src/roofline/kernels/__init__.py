"""Kernel benchmark: side-by-side, correctness-checked timings of PyTorch, torch.compile, Triton and CUDA
implementations of the same kernel across shapes and dtypes, measured against the device's roofline.

from roofline.kernels import BenchRequest, run_benchmark
result = run_benchmark(BenchRequest(kernel="layernorm", shapes=["1024x1024"]))
result.to_dict()  # the versioned results file (schema.py, docs/kernels.md)

Names load lazily, so the site can validate results files (schema, request) without importing torch.
"""

import importlib

_EXPORTS = {
    "KERNELS": "roofline.kernels.builtin",
    "SCHEMA": "roofline.kernels.schema",
    "InvalidResults": "roofline.kernels.schema",
    "validate_results": "roofline.kernels.schema",
    "BenchRequest": "roofline.kernels.request",
    "request_from_yaml": "roofline.kernels.request",
    "CustomKernelError": "roofline.kernels.errors",
    "KernelBenchError": "roofline.kernels.errors",
    "load_kernel_file": "roofline.kernels.custom",
    "BenchResult": "roofline.kernels.run",
    "run_benchmark": "roofline.kernels.run",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'roofline.kernels' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
