"""What a benchmarked kernel is: an input generator, a float64 reference, analytic FLOP and byte counts, and
any number of implementations that write into a preallocated output.

An implementation is called as `impl(*inputs, out)`: it writes its result into `out` (which the harness
poisons with NaN first, so elements it never writes fail the check) or returns a tensor of out's shape, which
the harness then copies into `out` for the check (library calls such as `F.layer_norm` allocate their own).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Shape = dict[str, int]


@dataclass(frozen=True)
class Impl:
    """One implementation of a kernel.

    - family: "eager", "fused" (a single PyTorch library call), "compile" (torch.compile), "triton", "cuda",
      or "custom" (from a user's file).
    - needs: what it needs to run: "cuda" (a CUDA device), "triton" (the triton package), "nvcc" (a CUDA
      toolkit for load_inline). Triton impls also run under the interpreter on the CPU, for correctness only.
    - build: called once per (device, dtype) before use; returns the callable (lets torch.compile and
      load_inline build lazily, and only for impls that are asked for).
    """

    name: str
    family: str
    description: str
    build: Callable[[], Callable[..., Any]]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kernel:
    """A kernel: its shape dimensions, inputs, reference, counts and implementations.

    - dims: the shape's dimension names in the order the CLI writes them ("4096x1024" -> {"rows": 4096, ...}).
    - make_inputs(shape, dtype, device, generator) -> tuple of tensors (fresh random values each call).
    - reference(*inputs) -> the exact result, computed by the harness on float64 copies of the inputs.
    - flops(shape) -> floating-point operations of one call (analytic; see docs/kernels.md for each formula).
    - bytes_moved(shape, itemsize) -> bytes one call must read and write at least (each input and output once).
    - tolerance: per-dtype (atol, rtol) overrides of `correctness.TOLERANCES`.
    """

    name: str
    description: str
    dims: tuple[str, ...]
    make_inputs: Callable[..., tuple]
    reference: Callable[..., Any]
    flops: Callable[[Shape], int]
    bytes_moved: Callable[[Shape, int], int]
    impls: dict[str, Impl]
    default_shapes: tuple[Shape, ...]  # sized for a GPU
    cpu_shapes: tuple[Shape, ...] = ()  # sized for a CPU (defaults when no GPU is used)
    test_shapes: tuple[Shape, ...] = ()
    formulas: dict[str, str] = field(default_factory=dict)  # "flops"/"bytes" -> the formula, for the results
    tolerance: dict[str, tuple[float, float]] = field(default_factory=dict)
    matrix: bool = False  # FLOPs run on matrix units (GEMM, attention): measured against the dtype's matrix peak
    source: str = "built-in"  # or the custom file's path

    def size(self, shape: Shape) -> int:
        """Elements in the shape's problem (the x axis of plots): the product of its dimensions."""
        total = 1
        for dim in self.dims:
            total *= shape[dim]
        return total


def shape_label(kernel: Kernel, shape: Shape) -> str:
    """'4096x1024' for {"rows": 4096, "cols": 1024}: the dims in the kernel's order."""
    return "x".join(str(shape[dim]) for dim in kernel.dims)


def parse_shape(kernel: Kernel, text: str | list | dict) -> Shape:
    """A shape from '4096x1024', [4096, 1024] or {"rows": 4096, "cols": 1024}; raises ValueError with the dims."""
    from roofline.kernels.errors import KernelBenchError

    expected = "x".join(kernel.dims)
    if isinstance(text, dict):
        values = [text.get(dim) for dim in kernel.dims]
        extra = set(text) - set(kernel.dims)
        if extra or None in values:
            raise KernelBenchError(f"{kernel.name} shapes have dims {expected}; got {text}")
    elif isinstance(text, list | tuple):
        values = list(text)
    else:
        values = [part.strip() for part in str(text).lower().replace("×", "x").split("x")]
    if len(values) != len(kernel.dims):
        example = shape_label(kernel, kernel.default_shapes[0])
        raise KernelBenchError(f"{kernel.name} shapes are {expected} (e.g. {example}); got {text!r}")
    try:
        numbers = [int(value) for value in values]
    except (TypeError, ValueError):
        raise KernelBenchError(f"{kernel.name} shape {text!r}: each of {expected} must be a whole number") from None
    if any(n < 1 for n in numbers):
        raise KernelBenchError(f"{kernel.name} shape {text!r}: every dimension must be at least 1")
    return dict(zip(kernel.dims, numbers, strict=True))
