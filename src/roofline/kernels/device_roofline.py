"""The roofline a result is measured against: from the accelerator catalog on a GPU, from a short measured
calibration on the CPU (best of a few large copies for bandwidth, best of a few matmuls for FLOP/s).

% of roofline = max(FLOP / peak FLOP/s, bytes / bandwidth) / measured time (Williams et al., 2009): 100% is the
time the device's own ceilings allow for the kernel's analytic counts.
"""

import functools
import time
from dataclasses import asdict, dataclass, field

import torch

from roofline.hardware import UnknownAccelerator, UnsupportedDtype, get_accelerator

CATALOG_DTYPES = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16"}
COPY_BYTES = 64 * 2**20  # calibration copy: 64 MiB read + 64 MiB written, well beyond a CPU's last-level cache
MATMUL_SIZE = 512


@dataclass
class DeviceRoofline:
    source: str  # "catalog", "calibration" or "none"
    name: str
    memory_bandwidth_bytes_per_s: float | None
    peak_flops_per_s: dict[str, float] = field(default_factory=dict)  # dtype name (float32, ...) -> FLOP/s
    vector_flops_per_s: float | None = None  # non-matrix float32 FLOP/s, the ceiling of row-wise kernels
    notes: list[str] = field(default_factory=list)
    accelerator_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def bound_time_s(self, flops: int, bytes_moved: int, dtype: str, matrix: bool) -> tuple[float, str] | None:
        """Least time the ceilings allow, and which ceiling binds ("memory" or "compute"); None if unknown."""
        peak = self.peak_flops_per_s.get(dtype) if matrix else self.vector_flops_per_s
        if not peak or not self.memory_bandwidth_bytes_per_s:
            return None
        compute, memory = flops / peak, bytes_moved / self.memory_bandwidth_bytes_per_s
        return (memory, "memory") if memory >= compute else (compute, "compute")


def _catalog_candidates(device_name: str) -> list[str]:
    name = device_name.lower().replace("nvidia", "").replace("geforce", "").strip()
    words = name.replace("-", " ").split()
    return [name, "-".join(words), *("-".join(words[:n]) for n in range(len(words) - 1, 0, -1))]


def catalog_roofline(device_name: str, accelerator: str | None = None) -> DeviceRoofline:
    """The catalog entry for `accelerator` (an id or alias) or, if None, the one matching `device_name`."""
    candidates = [accelerator] if accelerator else _catalog_candidates(device_name)
    for candidate in candidates:
        try:
            acc = get_accelerator(candidate)
        except UnknownAccelerator:
            continue
        peaks = {}
        for dtype, canonical in CATALOG_DTYPES.items():
            try:
                peaks[dtype] = acc.peak_flops(canonical)
            except UnsupportedDtype:
                pass
        return DeviceRoofline(
            source="catalog", name=acc.name, accelerator_id=acc.id,
            memory_bandwidth_bytes_per_s=acc.memory_bandwidth_bytes_per_s, peak_flops_per_s=peaks,
            vector_flops_per_s=peaks.get("float32"),
            notes=[f"Datasheet peaks of {acc.name} (catalog entry {acc.id}); float32 is the non-tensor-core peak, "
                   "used for row-wise kernels whatever their dtype."],
        )  # fmt: skip
    if accelerator:
        raise UnknownAccelerator(f"unknown accelerator {accelerator!r}; see `roofline throughput --help` for ids")
    return DeviceRoofline(
        "none", device_name, None,
        notes=[f"{device_name} is not in the accelerator catalog: no % of roofline (pass --accelerator ID)."],
    )  # fmt: skip


def _best_seconds(fn, repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def calibrate_cpu(dtypes: tuple[str, ...] = ("float32",), repeats: int = 5) -> DeviceRoofline:
    """calibrate_cpu at torch's current thread count (measured once per process per thread count)."""
    return _calibrate_cpu(dtypes, repeats, torch.get_num_threads())


@functools.cache
def _calibrate_cpu(dtypes: tuple[str, ...], repeats: int, threads: int) -> DeviceRoofline:
    """Measured CPU ceilings (about a second): copy bandwidth = 2 × 64 MiB / best copy time (STREAM "copy"
    counts read + write); matmul FLOP/s = 2·n³ / best time of an n=512 matmul per dtype, at torch's threads."""
    src = torch.ones(COPY_BYTES // 4, dtype=torch.float32)
    dst = torch.empty_like(src)
    bandwidth = 2 * COPY_BYTES / _best_seconds(lambda: dst.copy_(src), repeats)
    peaks = {}
    for dtype in dtypes:
        a = torch.randn(MATMUL_SIZE, MATMUL_SIZE).to(getattr(torch, dtype))
        peaks[dtype] = 2 * MATMUL_SIZE**3 / _best_seconds(lambda a=a: a @ a, repeats)
    return DeviceRoofline(
        source="calibration", name="CPU (measured)", memory_bandwidth_bytes_per_s=bandwidth,
        peak_flops_per_s=peaks, vector_flops_per_s=peaks.get("float32"),
        notes=[
            f"Measured here with {torch.get_num_threads()} threads: bandwidth from the best of {repeats} copies of "
            f"{COPY_BYTES // 2**20} MiB (read + write counted), FLOP/s from the best of {repeats} "
            f"{MATMUL_SIZE}×{MATMUL_SIZE} matmuls per dtype. On a shared machine both are lower bounds of the "
            "hardware's ceilings, so % of roofline may read high.",
            "Row-wise kernels use the float32 matmul rate as their compute ceiling.",
        ],
    )  # fmt: skip
