"""Our Triton kernels compile for a GPU (Hopper, sm_90) through Triton's full pipeline down to a cubin, on this
machine without one: a kernel that only works under the interpreter would fail here. One dtype each (bfloat16),
in a fresh process, since this needs triton imported without the interpreter."""

import subprocess
import sys

import pytest

SCRIPT = r"""
import triton  # before roofline.kernels.impls: compiled kernels, not interpreted ones
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource
from roofline.kernels.impls import triton_source as ks

def build(fn, signature, constexprs):
    kernel = triton.compile(ASTSource(fn=fn, signature=signature, constexprs=constexprs),
                            target=GPUTarget("cuda", 90, 32))
    assert kernel.asm["cubin"], fn.__name__
    print(fn.__name__, "ok")

P = "*bf16"
build(ks.softmax_kernel, {"x_ptr": P, "y_ptr": P, "cols": "i32", "x_stride": "i32", "y_stride": "i32",
                          "BLOCK": "constexpr"}, {"BLOCK": 1024})
build(ks.norm_kernel, {"x_ptr": P, "w_ptr": P, "b_ptr": P, "y_ptr": P, "cols": "i32", "x_stride": "i32",
                       "y_stride": "i32", "eps": "fp32", "RMS": "constexpr", "BLOCK": "constexpr"},
      {"RMS": False, "BLOCK": 4096})
ints = ["M", "N", "K", "stride_am", "stride_ak", "stride_bk", "stride_bn", "stride_cm", "stride_cn"]
build(ks.gemm_kernel, {"a_ptr": P, "b_ptr": P, "c_ptr": P, **{n: "i32" for n in ints},
                       **{n: "constexpr" for n in ["BLOCK_M", "BLOCK_N", "BLOCK_K", "GROUP_M", "IEEE", "UPCAST"]}},
      {"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 32, "GROUP_M": 8, "IEEE": False, "UPCAST": False})
build(ks.flash_attention_kernel,
      {"q_ptr": P, "k_ptr": P, "v_ptr": P, "o_ptr": P, "seq": "i32", "head_dim": "i32", "scale": "fp32",
       "stride_bh": "i32", "stride_s": "i32",
       **{n: "constexpr" for n in ["CAUSAL", "BLOCK_M", "BLOCK_N", "BLOCK_D", "IEEE", "UPCAST"]}},
      {"CAUSAL": True, "BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_D": 128, "IEEE": False, "UPCAST": False})
"""


def test_every_triton_kernel_compiles_to_a_cubin_for_sm90(tmp_path):
    pytest.importorskip("triton")
    env = {"TRITON_CACHE_DIR": str(tmp_path), "TRITON_DEFAULT_FP_FUSION": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["softmax_kernel", "ok", "norm_kernel", "ok", "gemm_kernel", "ok",
                                   "flash_attention_kernel", "ok"]  # fmt: skip
