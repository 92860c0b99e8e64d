"""Correctness before timing: each implementation is checked against a float64 reference on fresh random inputs
(a new seed per check), with its output poisoned with NaN before the call and guard regions of NaN around every
input and the output, so unwritten elements, reads out of range and writes out of range all fail.

Tolerances are per dtype, |out - ref| <= atol + rtol·|ref| element-wise (NaN never passes); docs/kernels.md
explains the choice. A kernel may tighten or loosen them (`Kernel.tolerance`).
"""

import torch

from roofline.kernels.kernel import Kernel, Shape
from roofline.kernels.schema import CorrectnessOut

# dtype -> (atol, rtol) against the float64 reference; about 8 output ulps for the half formats (bf16 ulp 2^-8
# relative, fp16 2^-11) plus accumulation slack, and float32 loose enough for reordered float32 reductions.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-10, 1e-10),
    "float32": (2e-5, 1e-4),
    "float16": (2e-3, 4e-3),
    "bfloat16": (1.6e-2, 3.2e-2),
}
GUARD_ELEMENTS = 4096  # NaN elements placed before and after every input and the output
CHECKS = 2  # fresh inputs per check: an implementation replaying an earlier answer fails the second


class CheckResult(CorrectnessOut):
    """The outcome of the checks, as the results file records it (`failure` says what went wrong)."""

    def to_dict(self) -> dict:
        return self.model_dump()


def tolerance(kernel: Kernel, dtype: torch.dtype) -> tuple[float, float]:
    name = str(dtype).removeprefix("torch.")
    if name in kernel.tolerance:
        return kernel.tolerance[name]
    if name not in TOLERANCES:
        raise ValueError(f"no tolerance for dtype {name}; use one of {', '.join(TOLERANCES)}")
    return TOLERANCES[name]


def guarded(tensor: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A contiguous copy of `tensor` inside a larger NaN-filled buffer, and that buffer (the guards are the
    GUARD_ELEMENTS on each side). Non-float tensors are copied without guards (NaN has no integer form)."""
    if not tensor.is_floating_point():
        copy = tensor.clone().contiguous()
        return copy, copy
    buffer = torch.full((tensor.numel() + 2 * GUARD_ELEMENTS,), float("nan"), dtype=tensor.dtype,
                        device=tensor.device)  # fmt: skip
    view = buffer[GUARD_ELEMENTS : GUARD_ELEMENTS + tensor.numel()].view(tensor.shape)
    view.copy_(tensor)
    return view, buffer


def guards_intact(buffer: torch.Tensor, numel: int) -> bool:
    if buffer.numel() == numel:
        return True
    return bool(torch.isnan(buffer[:GUARD_ELEMENTS]).all() and torch.isnan(buffer[GUARD_ELEMENTS + numel :]).all())


def check_once(kernel: Kernel, fn, shape: Shape, dtype: torch.dtype, device: str, seed: int) -> CheckResult:
    atol, rtol = tolerance(kernel, dtype)
    generator = torch.Generator().manual_seed(seed)
    inputs = kernel.make_inputs(shape, dtype, device, generator)
    expected = kernel.reference(*(t.to(torch.float64) if t.is_floating_point() else t for t in inputs))
    guarded_inputs = [guarded(t) for t in inputs]
    args = [view for view, _ in guarded_inputs]
    out, out_buffer = guarded(torch.full(expected.shape, float("nan"), dtype=dtype, device=device))
    returned = fn(*args, out=out)
    if device == "cuda":
        torch.cuda.synchronize()
    result = CheckResult(passed=False, checks=1, atol=atol, rtol=rtol, elements=expected.numel(),
                         output_shape=list(expected.shape))  # fmt: skip
    if returned is not None:
        if not isinstance(returned, torch.Tensor) or tuple(returned.shape) != tuple(expected.shape):
            got = tuple(returned.shape) if isinstance(returned, torch.Tensor) else type(returned).__name__
            result.failure = f"returned {got}, expected a tensor of shape {tuple(expected.shape)}"
            return result
        out.copy_(returned)
    for (view, buffer), original in zip(guarded_inputs, inputs, strict=True):
        if not guards_intact(buffer, view.numel()):
            result.failure = "wrote outside an input's memory"
            return result
        if original.is_floating_point() and not torch.equal(view, original):
            result.failure = "modified an input"
            return result
    if not guards_intact(out_buffer, out.numel()):
        result.failure = "wrote outside its output"
        return result
    got = out.to(torch.float64)
    error = (got - expected).abs()
    bad = ~(error <= atol + rtol * expected.abs())  # NaN compares False, so NaN is bad
    result.mismatches = int(bad.sum())
    finite = torch.isfinite(error)
    if bool(finite.any()):
        result.max_abs_error = float(error[finite].max())
        result.max_rel_error = float((error[finite] / expected.abs()[finite].clamp_min(1e-30)).max())
    if result.mismatches:
        unwritten = int(torch.isnan(got).sum())
        first = tuple(int(i) for i in bad.nonzero()[0].tolist())
        result.failure = (
            f"{result.mismatches:,} of {result.elements:,} elements outside atol {atol:g} + rtol {rtol:g}·|ref| "
            f"(first at index {first}: got {float(got[first]):.6g}, expected {float(expected[first]):.6g})"
            + (f"; {unwritten:,} are NaN (unwritten, or read out of range)" if unwritten else "")
        )
        return result
    result.passed = True
    return result


def check(kernel: Kernel, fn, shape: Shape, dtype: torch.dtype, device: str, seed: int = 0) -> CheckResult:
    """CHECKS checks on fresh inputs (seeds seed, seed+1, ...); the first failure, or the worst errors seen."""
    worst: CheckResult | None = None
    for i in range(CHECKS):
        try:
            result = check_once(kernel, fn, shape, dtype, device, seed + 1000 * i)
        except Exception as error:  # noqa: BLE001  an implementation's crash is a failed check, with its reason
            atol, rtol = tolerance(kernel, dtype)
            return CheckResult(passed=False, checks=i + 1, atol=atol, rtol=rtol,
                               failure=f"raised {type(error).__name__}: {error}")  # fmt: skip
        result.checks = i + 1
        if not result.passed:
            return result
        if worst is None or (result.max_abs_error or 0) > (worst.max_abs_error or 0):
            worst = result
    worst.checks = CHECKS
    return worst
