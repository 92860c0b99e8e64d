"""The benchmark's entry point: check every implementation, time the correct ones, and measure them against
the device's roofline. `run_benchmark(BenchRequest(kernel="layernorm"))` -> BenchResult (`to_dict()` is the
versioned results file of schema.py)."""

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import torch

from roofline.kernels.builtin import KERNELS
from roofline.kernels.correctness import CheckResult, check
from roofline.kernels.custom import load_kernel_file
from roofline.kernels.device_roofline import DeviceRoofline, calibrate_cpu, catalog_roofline
from roofline.kernels.environment import describe_environment
from roofline.kernels.errors import KernelBenchError
from roofline.kernels.impls import cuda_kernels, triton_kernels
from roofline.kernels.kernel import Impl, Kernel, Shape, parse_shape, shape_label
from roofline.kernels.request import BenchRequest
from roofline.kernels.schema import SCHEMA
from roofline.kernels.timing import Timing, time_cpu, time_cuda, time_cuda_graph

Progress = Callable[[float, str], None]
TIMING_SEED = 7_000_000


@dataclass
class BenchResult:
    request: dict
    kernel: dict
    environment: dict
    roofline: dict
    baseline: str
    results: list[dict]
    assumptions: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA, "created_at": self.created_at, "request": self.request, "kernel": self.kernel,
            "environment": self.environment, "roofline": self.roofline, "baseline": self.baseline,
            "results": self.results, "assumptions": self.assumptions,
        }  # fmt: skip


def resolve_device(requested: str) -> str:
    if requested == "cuda" and not torch.cuda.is_available():
        raise KernelBenchError("--device cuda: no CUDA device is visible to torch (torch.cuda.is_available() is False)")
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def resolve_kernel(request: BenchRequest, allow_files: bool = True) -> Kernel:
    if request.file is not None:
        if not allow_files:
            raise KernelBenchError("custom kernel files run only from the CLI (`roofline bench --file ...`)")
        return load_kernel_file(request.file)
    if request.kernel not in KERNELS:
        raise KernelBenchError(f"unknown kernel {request.kernel!r}; built-in kernels: {', '.join(KERNELS)}")
    return KERNELS[request.kernel]


def _missing(impl: Impl, device: str) -> str | None:
    """Why `impl` cannot run on `device`, or None. Triton on the CPU runs under the interpreter (not here)."""
    if "cuda" in impl.needs and device != "cuda":
        return "no CUDA device" if not torch.cuda.is_available() else "the run is on the CPU (--device cpu)"
    if "nvcc" in impl.needs and not cuda_kernels.nvcc_available():
        return "no CUDA toolkit (nvcc) for torch.utils.cpp_extension.load_inline"
    if "triton" in impl.needs and not triton_kernels.triton_installed():
        return "triton is not installed (pip install triton)"
    if "triton" in impl.needs and device != "cuda" and triton_kernels.interpreter_unusable_reason():
        return triton_kernels.interpreter_unusable_reason()
    if "triton" in impl.needs and device == "cuda" and triton_kernels.interpreter_enabled():
        return "TRITON_INTERPRET=1 is set in this process: unset it to compile Triton kernels for the GPU"
    if "compiler" in impl.needs and device == "cpu" and not shutil.which(os.environ.get("CXX", "g++")):
        return "no C++ compiler for torch.compile's CPU backend (install g++ or set CXX)"
    return None


def _impls(kernel: Kernel, request: BenchRequest) -> list[Impl]:
    names = request.impls or list(kernel.impls)
    unknown = [name for name in names if name not in kernel.impls]
    if unknown:
        raise KernelBenchError(f"{kernel.name} has no implementation {', '.join(unknown)}; it has "
                               f"{', '.join(kernel.impls)}")  # fmt: skip
    if request.baseline not in kernel.impls:
        raise KernelBenchError(f"baseline {request.baseline!r} is not an implementation of {kernel.name} "
                               f"({', '.join(kernel.impls)})")  # fmt: skip
    return [kernel.impls[name] for name in names]


def _shapes(kernel: Kernel, request: BenchRequest, device: str) -> list[Shape]:
    if request.shapes:
        return [parse_shape(kernel, shape) for shape in request.shapes]
    return list(kernel.default_shapes if device == "cuda" else (kernel.cpu_shapes or kernel.default_shapes))


def _roofline(request: BenchRequest, device: str, dtypes: list[str]) -> DeviceRoofline:
    if device == "cuda":
        return catalog_roofline(torch.cuda.get_device_name(), request.accelerator)
    return calibrate_cpu(tuple(sorted(set(dtypes))))


def _time(fn, request: BenchRequest, device: str) -> Timing:
    if device == "cpu":
        return time_cpu(fn, min_time_s=request.min_time_s, warmup_s=request.warmup_s)
    if request.cuda_graphs:
        return time_cuda_graph(fn)
    return time_cuda(fn, l2=request.l2, warmup_s=request.warmup_s, rep_s=request.min_time_s)


def _row(kernel: Kernel, shape: Shape, dtype: str, impl: Impl, itemsize: int) -> dict:
    return {
        "kernel": kernel.name, "shape": dict(shape), "shape_label": shape_label(kernel, shape),
        "size": kernel.size(shape), "dtype": dtype, "impl": impl.name, "family": impl.family,
        "description": impl.description, "status": "not_run", "reason": None, "interpreted": False,
        "correctness": None, "timing": None, "flops": int(kernel.flops(shape)),
        "bytes": int(kernel.bytes_moved(shape, itemsize)), "tflops_per_s": None, "gb_per_s": None,
        "roofline_fraction": None, "bound": None, "speedup": None,
    }  # fmt: skip


def _measure(row: dict, kernel: Kernel, fn, shape: Shape, dtype: torch.dtype, device: str,
             request: BenchRequest, roofline: DeviceRoofline) -> None:  # fmt: skip
    inputs = kernel.make_inputs(shape, dtype, device, torch.Generator().manual_seed(TIMING_SEED))
    out = torch.empty(row["correctness"]["output_shape"], dtype=dtype, device=device)
    timing = _time(lambda: fn(*inputs, out=out), request, device)
    row["timing"] = timing.to_dict()
    row["status"] = "ok"
    row["tflops_per_s"] = row["flops"] / timing.median_s / 1e12
    row["gb_per_s"] = row["bytes"] / timing.median_s / 1e9
    bound = roofline.bound_time_s(row["flops"], row["bytes"], row["dtype"], kernel.matrix)
    if bound:
        row["roofline_fraction"] = bound[0] / timing.median_s
        row["bound"] = bound[1]


def _speedups(rows: list[dict], baseline: str) -> None:
    base = {(r["shape_label"], r["dtype"]): r["timing"]["median_s"]
            for r in rows if r["impl"] == baseline and r["status"] == "ok"}  # fmt: skip
    for row in rows:
        reference = base.get((row["shape_label"], row["dtype"]))
        if row["status"] == "ok" and reference:
            row["speedup"] = reference / row["timing"]["median_s"]


def run_benchmark(request: BenchRequest, progress: Progress | None = None, allow_files: bool = True) -> BenchResult:
    """Check, then time, every (shape, dtype, implementation) the request names; see the module docstring."""
    threads = torch.get_num_threads()
    if request.threads:
        torch.set_num_threads(request.threads)
    try:
        return _run(request, progress, allow_files)
    finally:
        torch.set_num_threads(threads)


def _run(request: BenchRequest, progress: Progress | None, allow_files: bool) -> BenchResult:
    device = resolve_device(request.device)
    kernel = resolve_kernel(request, allow_files)
    impls = _impls(kernel, request)
    shapes = _shapes(kernel, request, device)
    dtypes = request.dtypes or (["bfloat16"] if device == "cuda" else ["float32"])
    notify = progress or (lambda fraction, message: None)
    notify(0.0, "Measuring the roofline" if device == "cpu" else "Reading the device")
    roofline = _roofline(request, device, dtypes)
    environment = describe_environment(device)
    built: dict[str, object] = {}
    rows: list[dict] = []
    total = len(shapes) * len(dtypes) * len(impls)
    for shape in shapes:
        for dtype_name in dtypes:
            dtype = getattr(torch, dtype_name)
            itemsize = torch.empty((), dtype=dtype).element_size()
            for impl in impls:
                row = _row(kernel, shape, dtype_name, impl, itemsize)
                rows.append(row)
                notify(len(rows) / (total + 1), f"{impl.name} {row['shape_label']} {dtype_name}")
                _run_one(row, kernel, impl, shape, dtype, device, request, roofline, built)
    _speedups(rows, request.baseline)
    notify(1.0, "Done")
    assumptions = _assumptions(kernel, device, request)
    if request.baseline not in {impl.name for impl in impls}:
        assumptions.append(f"No speedups: the baseline {request.baseline!r} was not among the implementations run "
                           "(add it with --impl, or choose another with --baseline).")  # fmt: skip
    if any((row["timing"] or {}).get("launch_bound") for row in rows):
        assumptions.append(
            "Results marked launch-bound: the host takes longer to enqueue one call than the GPU takes to run it, "
            "so calls in a loop run at the host's pace; --cuda-graphs times them without the launch cost."
        )
    if device == "cpu" and any((row["roofline_fraction"] or 0) > 1 for row in rows):
        assumptions.append(
            "Some results exceed 100% of the measured roofline: their working set fits in the CPU's caches, "
            "which are faster than the memory bandwidth the calibration measured (and a loaded machine lowers "
            "the calibration)."
        )
    return BenchResult(
        request=request.model_dump(mode="json", exclude_none=True),
        kernel={
            "name": kernel.name,
            "description": kernel.description,
            "dims": list(kernel.dims),
            "source": kernel.source,
            "formulas": kernel.formulas,
            "matrix": kernel.matrix,
        },  # fmt: skip
        environment=environment,
        roofline=roofline.to_dict(),
        baseline=request.baseline,
        results=rows,
        assumptions=assumptions,
    )


def _run_one(row: dict, kernel: Kernel, impl: Impl, shape: Shape, dtype: torch.dtype, device: str,
             request: BenchRequest, roofline: DeviceRoofline, built: dict) -> None:  # fmt: skip
    missing = _missing(impl, device)
    if missing:
        row["reason"] = f"not run: {missing}"
        return
    interpreted = "triton" in impl.needs and device != "cuda"
    try:
        if impl.name not in built:
            built[impl.name] = impl.build()
        fn = built[impl.name]
    except Exception as error:  # noqa: BLE001  a build failure (nvcc, inductor) is reported on its row
        row["status"], row["reason"] = "error", f"build failed: {type(error).__name__}: {error}"
        return
    result: CheckResult = check(kernel, fn, shape, dtype, device, seed=request.seed)
    row["correctness"] = result.to_dict()
    row["interpreted"] = interpreted
    if not result.passed:
        row["status"], row["reason"] = "wrong", f"wrong: {result.failure}"
        return
    if interpreted:
        row["status"] = "correctness_only"
        row["reason"] = "correctness only: Triton interpreter (TRITON_INTERPRET=1), not timed: " + (
            "no CUDA device" if not torch.cuda.is_available() else "the run is on the CPU"
        )
        return
    try:
        _measure(row, kernel, fn, shape, dtype, device, request, roofline)
    except Exception as error:  # noqa: BLE001
        row["status"], row["reason"] = "error", f"timing failed: {type(error).__name__}: {error}"


def _assumptions(kernel: Kernel, device: str, request: BenchRequest) -> list[str]:
    notes = [
        f"FLOP: {kernel.formulas.get('flops', 'as the kernel file counts them')}; bytes: "
        f"{kernel.formulas.get('bytes', 'as the kernel file counts them')} (each input and output moved once).",
        "Every implementation was checked against a float64 reference on fresh random inputs before timing; "
        "a wrong one is reported, never timed.",
    ]
    if device == "cuda":
        notes.append(
            "Timed with CUDA graphs (warm L2)." if request.cuda_graphs else
            f"Timed with CUDA events around each call, {request.l2} L2"
            + (" (a buffer of twice the L2 zeroed before each call)" if request.l2 == "cold" else "")
            + "; each call queued behind a GPU sleep of twice the host's time to enqueue it (20 µs to 10 ms), so "
            "the time is the device's, without the launch cost."
        )  # fmt: skip
    else:
        notes.append(f"Timed on the CPU with time.perf_counter in adaptive blocks for at least {request.min_time_s} s; "
                     f"{torch.get_num_threads()} torch threads.")  # fmt: skip
    return notes
