"""Our CUDA C++ kernels (cuda_source.cu: softmax, LayerNorm/RMSNorm, shared-memory tiled GEMM), compiled once
per process with `torch.utils.cpp_extension.load_inline`; they need a CUDA device and nvcc."""

import functools
import shutil
from pathlib import Path

from roofline.kernels.impls.torch_impls import LAYERNORM_EPS, RMSNORM_EPS
from roofline.kernels.kernel import Impl

SOURCE = Path(__file__).with_name("cuda_source.cu")
DECLARATIONS = """
void softmax_out(torch::Tensor x, torch::Tensor out);
void norm_out(torch::Tensor x, torch::Tensor w, torch::Tensor b, torch::Tensor out, double eps, bool rms);
void gemm_out(torch::Tensor a, torch::Tensor b, torch::Tensor out);
"""
DESCRIPTIONS = {
    "softmax": "ours: CUDA C++ softmax, one 256-thread block per row, warp-shuffle reductions",
    "layernorm": "ours: CUDA C++ LayerNorm, one 256-thread block per row, float32 statistics",
    "rmsnorm": "ours: CUDA C++ RMSNorm, one 256-thread block per row, float32 statistics",
    "gemm": "ours: CUDA C++ GEMM, 16×16 shared-memory tiles, one output per thread (no tensor cores)",
}


def nvcc_available() -> bool:
    from torch.utils.cpp_extension import CUDA_HOME

    return CUDA_HOME is not None or shutil.which("nvcc") is not None


@functools.cache
def extension():
    """The compiled module (load_inline caches the build under TORCH_EXTENSIONS_DIR between processes)."""
    from torch.utils.cpp_extension import load_inline

    return load_inline(
        name="roofline_kernels",
        cpp_sources=DECLARATIONS,
        cuda_sources=SOURCE.read_text(),
        functions=["softmax_out", "norm_out", "gemm_out"],
        extra_cuda_cflags=["-O3"],
    )


def _launcher(kernel: str):
    ext = extension()
    launchers = {
        "softmax": lambda x, out: ext.softmax_out(x, out),
        "layernorm": lambda x, w, b, out: ext.norm_out(x, w, b, out, LAYERNORM_EPS, False),
        "rmsnorm": lambda x, w, out: ext.norm_out(x, w, w, out, RMSNORM_EPS, True),
        "gemm": lambda a, b, out: ext.gemm_out(a, b, out),
    }
    launch = launchers[kernel]
    return lambda *inputs, out: launch(*inputs, out)


def has_cuda_kernel(kernel: str) -> bool:
    return kernel in DESCRIPTIONS


def cuda_impl(kernel: str) -> Impl:
    return Impl("cuda", "cuda", DESCRIPTIONS[kernel], lambda: _launcher(kernel), needs=("cuda", "nvcc"))
