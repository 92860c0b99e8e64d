"""Kernel benchmark: side-by-side, correctness-checked timings of PyTorch, torch.compile, Triton and CUDA
implementations of the same kernel across shapes and dtypes, measured against the device's roofline.

from roofline.kernels import BenchRequest, run_benchmark
result = run_benchmark(BenchRequest(kernel="layernorm", shapes=["1024x1024"]))
result.to_dict()  # the versioned results file (schema.py, docs/kernels.md)
"""

from roofline.kernels.impls.triton_kernels import prepare_interpreter

prepare_interpreter()  # before anything imports triton: see impls/triton_kernels.py

from roofline.kernels.builtin import KERNELS  # noqa: E402
from roofline.kernels.custom import load_kernel_file  # noqa: E402
from roofline.kernels.errors import CustomKernelError, KernelBenchError  # noqa: E402
from roofline.kernels.request import BenchRequest, request_from_yaml  # noqa: E402
from roofline.kernels.run import BenchResult, run_benchmark  # noqa: E402
from roofline.kernels.schema import SCHEMA, InvalidResults, validate_results  # noqa: E402

__all__ = [
    "KERNELS",
    "SCHEMA",
    "BenchRequest",
    "BenchResult",
    "CustomKernelError",
    "InvalidResults",
    "KernelBenchError",
    "load_kernel_file",
    "request_from_yaml",
    "run_benchmark",
    "validate_results",
]
