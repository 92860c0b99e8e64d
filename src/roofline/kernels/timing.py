"""Timing: CUDA events on a GPU (warm-up, many repetitions, cold or warm L2, each call queued behind a GPU sleep
that hides its launch cost, optional CUDA graphs); a monotonic clock with warm-up and adaptive blocks on the CPU.
Both report the median and the interquartile range of the per-call time in seconds. docs/kernels.md describes
the method and what it agrees with.
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
    host_s: float | None = None  # cuda-events: median host (wall-clock) time to enqueue one call
    launch_bound: bool | None = None  # cuda-events: host_s > median_s (a loop of calls runs at the host's pace)
    pad_s: float | None = None  # cuda-events: GPU sleep queued before each call's start event (hides the launch)

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


PAD_FACTOR = 2.0  # the sleep before each timed call lasts this many times the host's time to enqueue the call
PAD_MIN_S, PAD_MAX_S = 20e-6, 10e-3
_sleep_rates: dict[int, float] = {}  # CUDA device index -> torch.cuda._sleep cycles per second


def pad_seconds(host_s: float, factor: float = PAD_FACTOR, floor_s: float = PAD_MIN_S,
                cap_s: float = PAD_MAX_S) -> float:  # fmt: skip
    """Seconds of GPU sleep to queue before a timed call: `factor` × the host's seconds to enqueue the call,
    within floor_s..cap_s, so the host has queued the whole call before its start event fires."""
    return min(cap_s, max(floor_s, factor * host_s))


def is_launch_bound(host_s: float, device_s: float) -> bool:
    """True when enqueuing one call takes the host longer (seconds) than the device takes to run it: called in a
    loop, such a call runs at the host's pace, and an event pair without padding times the host."""
    return host_s > device_s


def host_seconds(fn: Callable[[], object], calls: int = 25, sync: Callable[[], object] | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> float:  # fmt: skip
    """Median wall-clock seconds the host takes to enqueue one call of `fn` (`clock` around the call only).
    Each call starts on an idle device (`sync`, default torch.cuda.synchronize, outside the clock), so a full
    launch queue never stalls it."""
    sync = sync or torch.cuda.synchronize
    times = []
    for _ in range(calls):
        sync()
        t0 = clock()
        fn()
        times.append(clock() - t0)
    sync()
    return statistics.median(times)


def sleep_cycles_per_s(cycles: int = 1_000_000, repeats: int = 5) -> float:
    """Clock cycles per second of torch.cuda._sleep on the current device, measured once per process with CUDA
    events (the fastest of `repeats`, after one to wake the clocks, so a pad is never shorter than asked)."""
    device = torch.cuda.current_device()
    if device not in _sleep_rates:
        torch.cuda._sleep(cycles)
        rates = []
        for _ in range(repeats):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            torch.cuda._sleep(cycles)
            end.record()
            end.synchronize()
            rates.append(cycles / (start.elapsed_time(end) / 1e3))
        _sleep_rates[device] = max(rates)
    return _sleep_rates[device]


def time_cuda(fn: Callable[[], object], l2: str = "cold", warmup_s: float = 0.025, rep_s: float = 0.1,
              min_reps: int = 10, max_reps: int = 10_000) -> Timing:  # fmt: skip
    """Per-call device time on the current CUDA device from CUDA events around each call.

    Cold L2: a buffer of `l2_flush_bytes()` is zeroed before every call (outside the events), so each call
    starts with nothing of its inputs in L2; warm: calls follow each other. After warm-up, `host_seconds` times
    the host's enqueuing of one call; before each timed call's start event the GPU then sleeps `pad_seconds` of
    that (torch.cuda._sleep), so the whole call is queued when the event fires and the pair times the device,
    not the launch. `launch_bound` says when the host's time exceeds the device's. The number of repetitions
    fills `rep_s` at the time estimated during warm-up (within min_reps..max_reps).
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
    host_s = host_seconds(fn, calls=max(5, min(25, int(0.05 / estimate_s))))  # about 50 ms at most, bar slow calls
    pad_s = pad_seconds(host_s)
    cycles = int(pad_s * sleep_cycles_per_s())
    reps = max(min_reps, min(max_reps, int(rep_s / (estimate_s + pad_s))))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for i in range(reps):
        if flush is not None:
            flush.zero_()
        torch.cuda._sleep(cycles)  # touches no memory: the L2 stays as the flush (or the last call) left it
        starts[i].record()
        fn()
        ends[i].record()
    torch.cuda.synchronize()
    samples = [s.elapsed_time(e) / 1e3 for s, e in zip(starts, ends, strict=True)]
    q1, median, q3 = _quartiles(samples)
    return Timing(median, q1, q3, min(samples), reps, 1, "cuda-events", l2=l2, flush_bytes=flush_bytes,
                  host_s=host_s, launch_bound=is_launch_bound(host_s, median), pad_s=pad_s)  # fmt: skip


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
