"""Launchers for our Triton kernels (triton_source.py), and how Triton runs here: compiled on a CUDA device,
or under the interpreter (TRITON_INTERPRET=1) on a machine without one, for correctness only.

Triton reads TRITON_INTERPRET when each @triton.jit function is decorated, its own library's included
(tl.max, ...), so the variable must be set before anything imports triton: `prepare_interpreter()` (called when
roofline.kernels is imported) sets it on a machine without a CUDA device. torch.compile imports triton, so a
process that did so first cannot use the interpreter (and one that uses it cannot compile Triton for a GPU).
"""

import importlib.util
import math
import os
import sys

import torch

from roofline.kernels.impls.torch_impls import LAYERNORM_EPS, RMSNORM_EPS
from roofline.kernels.kernel import Impl


def triton_installed() -> bool:
    return importlib.util.find_spec("triton") is not None


def interpreter_enabled() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") == "1"


_interpreter_usable = interpreter_enabled() or "triton" not in sys.modules


def prepare_interpreter() -> None:
    """Enable the Triton interpreter for this process when no CUDA device is visible and triton is not yet
    imported (after that, enabling it would leave triton's own library functions compiled-only)."""
    global _interpreter_usable
    if "triton" in sys.modules or interpreter_enabled() or torch.cuda.is_available():
        _interpreter_usable = interpreter_enabled() and _interpreter_usable
        return
    os.environ["TRITON_INTERPRET"] = "1"
    _interpreter_usable = True


def interpreter_unusable_reason() -> str | None:
    """Why Triton kernels cannot run under the interpreter in this process, or None."""
    if _interpreter_usable and interpreter_enabled():
        return None
    return ("triton was imported before the interpreter was enabled: run with TRITON_INTERPRET=1 set, or "
            "import roofline.kernels before torch.compile runs")  # fmt: skip


def load_triton(device: str):
    """The kernels module (compiled on CUDA; on the CPU the interpreter must be on: see prepare_interpreter)."""
    from roofline.kernels.impls import triton_source

    return triton_source


def _row_block(cols: int) -> int:
    return triton_next_power_of_2(cols)


def triton_next_power_of_2(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(n, 1))))


def softmax(x, out):
    ks = load_triton(x.device.type)
    rows, cols = x.shape
    ks.softmax_kernel[(rows,)](x, out, cols, x.stride(0), out.stride(0), BLOCK=_row_block(cols))
    return None


def _norm(x, weight, bias, out, eps: float, rms: bool):
    ks = load_triton(x.device.type)
    rows, cols = x.shape
    ks.norm_kernel[(rows,)](x, weight, bias, out, cols, x.stride(0), out.stride(0), eps, RMS=rms,
                            BLOCK=_row_block(cols))  # fmt: skip


def layernorm(x, weight, bias, out):
    _norm(x, weight, bias, out, LAYERNORM_EPS, rms=False)


def rmsnorm(x, weight, out):
    _norm(x, weight, weight, out, RMSNORM_EPS, rms=True)  # the bias pointer is unused when RMS


def gemm(a, b, out):
    ks = load_triton(a.device.type)
    m, k = a.shape
    n = b.shape[1]
    block_m, block_n, block_k = (128, 128, 32) if a.device.type == "cuda" else (32, 32, 32)
    grid = (triton_cdiv(m, block_m) * triton_cdiv(n, block_n),)
    ks.gemm_kernel[grid](
        a, b, out, m, n, k, a.stride(0), a.stride(1), b.stride(0), b.stride(1), out.stride(0), out.stride(1),
        BLOCK_M=block_m, BLOCK_N=block_n, BLOCK_K=block_k, GROUP_M=8, IEEE=a.dtype == torch.float32,
        UPCAST=_upcast(a),
    )  # fmt: skip
    return None


def _upcast(t: torch.Tensor) -> bool:
    """bfloat16 dot operands go to float32 under the interpreter only (see triton_source.py)."""
    return t.dtype == torch.bfloat16 and interpreter_enabled()


def triton_cdiv(a: int, b: int) -> int:
    return -(-a // b)


def _attention(q, k, v, out, causal: bool):
    ks = load_triton(q.device.type)
    batch, heads, seq, head_dim = q.shape
    q, k, v = (t.contiguous() for t in (q, k, v))
    block = 64 if q.device.type == "cuda" else 16
    block_d = max(16, triton_next_power_of_2(head_dim))
    grid = (triton_cdiv(seq, block), batch * heads)
    ks.flash_attention_kernel[grid](
        q, k, v, out, seq, head_dim, 1.0 / math.sqrt(head_dim), seq * head_dim, head_dim,
        CAUSAL=causal, BLOCK_M=block, BLOCK_N=block, BLOCK_D=block_d, IEEE=q.dtype == torch.float32,
        UPCAST=_upcast(q),
    )  # fmt: skip
    return None


def attention(q, k, v, out):
    return _attention(q, k, v, out, causal=False)


def attention_causal(q, k, v, out):
    return _attention(q, k, v, out, causal=True)


LAUNCHERS = {"softmax": softmax, "layernorm": layernorm, "rmsnorm": rmsnorm, "gemm": gemm,
             "attention": attention, "attention-causal": attention_causal}  # fmt: skip
DESCRIPTIONS = {
    "softmax": "ours: Triton fused softmax, one program per row",
    "layernorm": "ours: Triton fused LayerNorm, one program per row, float32 statistics",
    "rmsnorm": "ours: Triton fused RMSNorm, one program per row, float32 statistics",
    "gemm": "ours: Triton tiled GEMM (128×128×32 tiles, grouped order, float32 accumulator)",
    "attention": "ours: Triton FlashAttention-style forward (online softmax, 64×64 tiles)",
    "attention-causal": "ours: Triton FlashAttention-style causal forward (skips tiles above the diagonal)",
}


def triton_impl(kernel: str) -> Impl:
    return Impl("triton", "triton", DESCRIPTIONS[kernel], lambda: LAUNCHERS[kernel], needs=("triton",))
