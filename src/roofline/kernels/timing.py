"""Timing: CUDA events on a GPU (warm-up, many repetitions, cold or warm L2, optional CUDA graphs); a monotonic
clock with warm-up and adaptive blocks on the CPU. Both report the median and the interquartile range of the
per-call time in seconds. docs/kernels.md describes the method and what it agrees with.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch


@dataclass
class Timing:
    median_s: float
    q1_s: float
    q3_s: float
    min_s: float
    samples: int  # timed samples (GPU: repetitions or graph replays; CPU: blocks)
    calls_per_sample: int
    method: str  # "cuda-events", "cuda-graph" or "cpu-perf-counter"
    l2: str | None = None  # GPU: "cold" (flushed before each call) or "warm"
    flush_bytes: int | None = None

    @property
    def iqr_s(self) -> float:
        return self.q3_s - self.q1_s

    def to_dict(self) -> dict:
        return {**asdict(self), "iqr_s": self.iqr_s}


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def time_cpu(fn: Callable[[], object], min_time_s: float = 0.2, warmup_s: float = 0.05, min_samples: int = 5,
             block_min_s: float = 0.01, clock: Callable[[], float] = time.perf_counter) -> Timing:  # fmt: skip
    """Per-call time on the CPU, timed with time.perf_counter (monotonic, ns resolution).

    Warm-up runs `fn` for `warmup_s` (at least twice). The block size (calls per timed sample) doubles until one
    block takes `block_min_s` (10 ms): the clock's own cost (~0.1 µs) stays under 1e-4 of a sample, and on a shared
    machine each block spans several scheduler time slices, as torch.utils.benchmark's blocks do. Blocks are then
    timed until `min_time_s` has passed and at least `min_samples` blocks were taken; each block's mean per-call
    time is one sample — the method of torch.utils.benchmark's blocked_autorange.
    """
    start = clock()
    calls = 0
    while calls < 2 or clock() - start < warmup_s:
        fn()
        calls += 1
    number = 1
    while True:
        t0 = clock()
        for _ in range(number):
            fn()
        elapsed = clock() - t0
        if elapsed >= block_min_s:
            break
        number *= 2
    samples = [elapsed / number]
    began = clock()
    while clock() - began < min_time_s or len(samples) < min_samples:
        t0 = clock()
        for _ in range(number):
            fn()
        samples.append((clock() - t0) / number)
    q1, median, q3 = _quartiles(samples)
    return Timing(median, q1, q3, min(samples), len(samples), number, "cpu-perf-counter")


def l2_flush_bytes(device: torch.device | int | None = None) -> int:
    """Bytes of the L2 flush buffer: twice the device's L2 (torch reports it), at least 64 MiB."""
    l2 = getattr(torch.cuda.get_device_properties(device), "L2_cache_size", 0) or 0
    return max(2 * l2, 64 * 2**20)


def time_cuda(fn: Callable[[], object], l2: str = "cold", warmup_s: float = 0.025, rep_s: float = 0.1,
              min_reps: int = 10, max_reps: int = 10_000) -> Timing:  # fmt: skip
    """Per-call time on the current CUDA device from CUDA events around each call.

    Cold L2: a buffer of `l2_flush_bytes()` is zeroed before every call (outside the events), so each call
    starts with nothing of its inputs in L2; warm: calls follow each other. The number of repetitions fills
    `rep_s` at the time estimated during warm-up (within min_reps..max_reps).
    """
    if l2 not in ("cold", "warm"):
        raise ValueError("l2 must be 'cold' or 'warm'")
    flush_bytes = l2_flush_bytes() if l2 == "cold" else None
    flush = torch.empty(flush_bytes, dtype=torch.int8, device="cuda") if flush_bytes else None
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(5):
        if flush is not None:
            flush.zero_()
        fn()
    end.record()
    torch.cuda.synchronize()
    estimate_s = max(start.elapsed_time(end) / 5 / 1e3, 1e-7)  # includes the flush: a safe over-estimate
    for _ in range(max(1, int(warmup_s / estimate_s))):
        fn()
    reps = max(min_reps, min(max_reps, int(rep_s / estimate_s)))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for i in range(reps):
        if flush is not None:
            flush.zero_()
        starts[i].record()
        fn()
        ends[i].record()
    torch.cuda.synchronize()
    samples = [s.elapsed_time(e) / 1e3 for s, e in zip(starts, ends, strict=True)]
    q1, median, q3 = _quartiles(samples)
    return Timing(median, q1, q3, min(samples), reps, 1, "cuda-events", l2=l2, flush_bytes=flush_bytes)


def time_cuda_graph(fn: Callable[[], object], calls_per_graph: int = 20, replays: int = 50) -> Timing:
    """Per-call time from replays of a CUDA graph holding `calls_per_graph` calls (launch overhead removed);
    warm L2 only, as a graph replays its calls back to back."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(calls_per_graph):
            fn()
    graph.replay()
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(replays)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(replays)]
    for i in range(replays):
        starts[i].record()
        graph.replay()
        ends[i].record()
    torch.cuda.synchronize()
    samples = [s.elapsed_time(e) / 1e3 / calls_per_graph for s, e in zip(starts, ends, strict=True)]
    q1, median, q3 = _quartiles(samples)
    return Timing(median, q1, q3, min(samples), replays, calls_per_graph, "cuda-graph", l2="warm")
