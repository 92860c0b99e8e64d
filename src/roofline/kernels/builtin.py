"""The built-in kernels: softmax, layernorm, RMSNorm, GEMM, attention (non-causal and causal).

FLOP and byte counts are analytic (docs/kernels.md gives each formula and its convention); bytes count each
input and output moved once between memory and the chip, the least any implementation must move.
"""

import math

import torch

from roofline.kernels.impls import cuda_kernels, torch_impls, triton_kernels
from roofline.kernels.impls.torch_impls import LAYERNORM_EPS, RMSNORM_EPS
from roofline.kernels.kernel import Impl, Kernel, Shape


def _randn(shape, dtype, device, generator, scale: float = 1.0, shift: float = 0.0):
    values = torch.randn(shape, generator=generator, dtype=torch.float32) * scale + shift
    return values.to(device=device, dtype=dtype)


def _impls(kernel: str, *, fused: str | None, compile_of: str = "eager") -> dict[str, Impl]:
    """The implementations every built-in kernel offers; `fused` describes the PyTorch library call, if any."""
    impls = {"eager": torch_impls.eager_impl(kernel)}
    if fused:
        impls["fused"] = torch_impls.fused_impl(kernel, fused)
    impls["compile"] = torch_impls.compile_impl(kernel, compile_of)
    impls["triton"] = triton_kernels.triton_impl(kernel)
    if cuda_kernels.has_cuda_kernel(kernel):
        impls["cuda"] = cuda_kernels.cuda_impl(kernel)
    return impls


# --- row-wise kernels: rows x cols -------------------------------------------------------------------------


def _rows_input(shape: Shape, dtype, device, generator):
    return (_randn((shape["rows"], shape["cols"]), dtype, device, generator, scale=2.0),)


def _layernorm_inputs(shape: Shape, dtype, device, generator):
    cols = shape["cols"]
    return (
        _randn((shape["rows"], cols), dtype, device, generator, scale=2.0, shift=0.5),
        _randn((cols,), dtype, device, generator, scale=0.1, shift=1.0),
        _randn((cols,), dtype, device, generator, scale=0.1),
    )


def _rmsnorm_inputs(shape: Shape, dtype, device, generator):
    cols = shape["cols"]
    return (
        _randn((shape["rows"], cols), dtype, device, generator, scale=2.0),
        _randn((cols,), dtype, device, generator, scale=0.1, shift=1.0),
    )


def softmax_reference(x):
    shifted = x - x.amax(dim=-1, keepdim=True)
    exp = shifted.exp()
    return exp / exp.sum(dim=-1, keepdim=True)


def layernorm_reference(x, weight, bias):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + LAYERNORM_EPS) * weight + bias


def rmsnorm_reference(x, weight):
    return x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + RMSNORM_EPS) * weight


ROW_SHAPES = ({"rows": 4096, "cols": 1024}, {"rows": 4096, "cols": 4096}, {"rows": 16384, "cols": 4096},
              {"rows": 16384, "cols": 8192})  # fmt: skip
ROW_CPU_SHAPES = ({"rows": 256, "cols": 1024}, {"rows": 1024, "cols": 1024}, {"rows": 4096, "cols": 1024})
ROW_TEST_SHAPES = ({"rows": 8, "cols": 96},)  # not a power of two: masks must hold


def _elementwise_flops(per_element: int):
    return lambda shape: per_element * shape["rows"] * shape["cols"]


# --- GEMM: (m x k) @ (k x n) -------------------------------------------------------------------------------


def _gemm_inputs(shape: Shape, dtype, device, generator):
    scale = shape["k"] ** -0.25  # so each output element is ~N(0, 1) whatever k is
    return (
        _randn((shape["m"], shape["k"]), dtype, device, generator, scale=scale),
        _randn((shape["k"], shape["n"]), dtype, device, generator, scale=scale),
    )


def gemm_reference(a, b):
    return a @ b


# --- attention: (batch, heads, seq, head_dim) --------------------------------------------------------------


def _attention_inputs(shape: Shape, dtype, device, generator):
    dims = (shape["batch"], shape["heads"], shape["seq"], shape["head_dim"])
    return tuple(_randn(dims, dtype, device, generator) for _ in range(3))


def attention_reference(q, k, v, causal: bool = False):
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    if causal:
        seq = q.shape[-2]
        mask = torch.ones(seq, seq, dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
    return softmax_reference(scores) @ v


def causal_attention_reference(q, k, v):
    return attention_reference(q, k, v, causal=True)


def _attention_flops(causal: bool):
    """QK^T and PV, 2 FLOP per multiply-add each: 4·b·h·s²·d; causal counts only the s(s+1)/2 kept scores."""

    def flops(shape: Shape) -> int:
        b, h, s, d = shape["batch"], shape["heads"], shape["seq"], shape["head_dim"]
        pairs = s * (s + 1) // 2 if causal else s * s
        return 4 * b * h * pairs * d

    return flops


def _attention_bytes(shape: Shape, itemsize: int) -> int:
    return 4 * shape["batch"] * shape["heads"] * shape["seq"] * shape["head_dim"] * itemsize


ATTENTION_SHAPES = tuple(
    {"batch": 4, "heads": 16, "seq": seq, "head_dim": d} for d in (64, 128) for seq in (1024, 2048, 4096)
)
ATTENTION_CPU_SHAPES = ({"batch": 1, "heads": 4, "seq": 256, "head_dim": 64},
                        {"batch": 1, "heads": 4, "seq": 512, "head_dim": 64},
                        {"batch": 1, "heads": 4, "seq": 512, "head_dim": 128})  # fmt: skip
ATTENTION_TEST_SHAPES = ({"batch": 1, "heads": 2, "seq": 40, "head_dim": 16},)


def _attention_kernel(causal: bool) -> Kernel:
    name = "attention-causal" if causal else "attention"
    return Kernel(
        name=name,
        description=f"softmax(QKᵀ/√d{' + causal mask' if causal else ''})·V over (batch, heads, seq, head_dim)",
        dims=("batch", "heads", "seq", "head_dim"),
        make_inputs=_attention_inputs,
        reference=causal_attention_reference if causal else attention_reference,
        flops=_attention_flops(causal),
        bytes_moved=_attention_bytes,
        impls=_impls(name, fused="torch.nn.functional.scaled_dot_product_attention"),
        default_shapes=ATTENTION_SHAPES,
        cpu_shapes=ATTENTION_CPU_SHAPES,
        test_shapes=ATTENTION_TEST_SHAPES,
        formulas={
            "flops": "4·b·h·d·s(s+1)/2 (QKᵀ and PV on kept scores)" if causal else "4·b·h·s²·d (QKᵀ and PV)",
            "bytes": "4·b·h·s·d·itemsize (Q, K, V read, O written)",
        },
        tolerance={"float32": (1e-4, 1e-4)},
        matrix=True,
    )


KERNELS: dict[str, Kernel] = {
    kernel.name: kernel
    for kernel in (
        Kernel(
            name="softmax",
            description="row-wise softmax over the last dimension of a rows × cols matrix",
            dims=("rows", "cols"),
            make_inputs=_rows_input,
            reference=softmax_reference,
            flops=_elementwise_flops(5),
            bytes_moved=lambda shape, itemsize: 2 * shape["rows"] * shape["cols"] * itemsize,
            impls=_impls("softmax", fused="torch.softmax"),
            default_shapes=ROW_SHAPES,
            cpu_shapes=ROW_CPU_SHAPES,
            test_shapes=ROW_TEST_SHAPES,
            formulas={"flops": "5·rows·cols (max, subtract, exp, sum, divide)", "bytes": "2·rows·cols·itemsize"},
        ),
        Kernel(
            name="layernorm",
            description=f"LayerNorm over the last dimension with weight and bias (eps {LAYERNORM_EPS})",
            dims=("rows", "cols"),
            make_inputs=_layernorm_inputs,
            reference=layernorm_reference,
            flops=_elementwise_flops(7),
            bytes_moved=lambda shape, itemsize: (2 * shape["rows"] * shape["cols"] + 2 * shape["cols"]) * itemsize,
            impls=_impls("layernorm", fused="torch.nn.functional.layer_norm"),
            default_shapes=ROW_SHAPES,
            cpu_shapes=ROW_CPU_SHAPES,
            test_shapes=ROW_TEST_SHAPES,
            formulas={
                "flops": "7·rows·cols (mean, subtract, square-sum, scale by 1/σ, weight, bias)",
                "bytes": "(2·rows·cols + 2·cols)·itemsize",
            },
        ),
        Kernel(
            name="rmsnorm",
            description=f"RMSNorm over the last dimension with weight (eps {RMSNORM_EPS})",
            dims=("rows", "cols"),
            make_inputs=_rmsnorm_inputs,
            reference=rmsnorm_reference,
            flops=_elementwise_flops(4),
            bytes_moved=lambda shape, itemsize: (2 * shape["rows"] * shape["cols"] + shape["cols"]) * itemsize,
            impls=_impls("rmsnorm", fused="torch.nn.functional.rms_norm"),
            default_shapes=ROW_SHAPES,
            cpu_shapes=ROW_CPU_SHAPES,
            test_shapes=ROW_TEST_SHAPES,
            formulas={
                "flops": "4·rows·cols (square-sum, scale by 1/rms, weight)",
                "bytes": "(2·rows·cols + cols)·itemsize",
            },  # fmt: skip
        ),
        Kernel(
            name="gemm",
            description="C = A·B with A m × k and B k × n",
            dims=("m", "n", "k"),
            make_inputs=_gemm_inputs,
            reference=gemm_reference,
            flops=lambda shape: 2 * shape["m"] * shape["n"] * shape["k"],
            bytes_moved=lambda shape, itemsize: (
                (shape["m"] * shape["k"] + shape["k"] * shape["n"] + shape["m"] * shape["n"]) * itemsize
            ),
            impls=_impls("gemm", fused=None),
            default_shapes=tuple({"m": n, "n": n, "k": n} for n in (1024, 2048, 4096, 8192)),
            cpu_shapes=tuple({"m": n, "n": n, "k": n} for n in (128, 256, 512)),
            test_shapes=({"m": 40, "n": 24, "k": 72},),
            formulas={"flops": "2·m·n·k", "bytes": "(m·k + k·n + m·n)·itemsize"},
            tolerance={"float32": (1e-4, 1e-4)},
            matrix=True,
        ),
        _attention_kernel(causal=False),
        _attention_kernel(causal=True),
    )
}
