"""The timers without a GPU: the CPU timer on a fake clock that each call advances by a known amount, and the CUDA
timer's method (sleep padding, host time, the launch-bound rule) on a fake device: the method, not this machine."""

import time
from types import SimpleNamespace

import pytest

from roofline.kernels import timing
from roofline.kernels.timing import host_seconds, is_launch_bound, pad_seconds, time_cpu, time_cuda


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cpu_timer_reports_the_per_call_time_from_blocks_of_calls():
    clock = FakeClock()
    durations = iter([5e-4] * 10_000)

    def call():
        clock.now += next(durations)

    timing = time_cpu(call, min_time_s=0.05, warmup_s=0.01, clock=clock)
    assert timing.median_s == pytest.approx(5e-4)
    assert timing.calls_per_sample == 32  # doubled until one block lasts 10 ms
    assert timing.samples >= 5 and timing.iqr_s == pytest.approx(0)


def test_cpu_timer_median_ignores_a_few_slow_blocks():
    clock = FakeClock()
    calls = {"n": 0}

    def call():
        calls["n"] += 1
        clock.now += 0.02 if calls["n"] % 10 == 0 else 1e-3  # every tenth call is 20x slower (a preemption)

    timing = time_cpu(call, min_time_s=0.2, warmup_s=0.0, block_min_s=1e-3, clock=clock)
    assert timing.median_s == pytest.approx(1e-3)  # the mean of the same calls is 2.9 ms


def test_the_sleep_before_a_call_is_twice_its_host_time_within_20_us_and_10_ms():
    assert pad_seconds(30e-6) == pytest.approx(60e-6)
    assert pad_seconds(1e-6) == pytest.approx(20e-6)  # the floor
    assert pad_seconds(0.5) == pytest.approx(10e-3)  # the cap: a pathological host cannot stall the run


def test_a_call_is_launch_bound_when_the_host_takes_longer_than_the_device():
    assert is_launch_bound(host_s=29.6e-6, device_s=9.95e-6)
    assert not is_launch_bound(host_s=5e-6, device_s=57.4e-6)


def test_host_time_is_the_median_of_the_calls_alone_not_the_synchronize_before_each():
    clock = FakeClock()
    durations = iter([4e-5, 3e-5, 9e-3, 3e-5, 5e-5])  # one slow call (a preemption) among five

    def sync():
        clock.now += 1.0  # waiting for the device must not count as the host's time to enqueue

    def call():
        clock.now += next(durations)

    assert host_seconds(call, calls=5, sync=sync, clock=clock) == pytest.approx(4e-5)


class FakeGPU:
    """A stand-in for torch on a CUDA device: a device clock that kernels advance, and a log of what was queued."""

    def __init__(self, device_s: float, cycles_per_s: float = 1.5e9):
        self.now, self.device_s, self.cycles_per_s, self.log = 0.0, device_s, cycles_per_s, []
        self.int8 = None
        self.cuda = SimpleNamespace(
            Event=lambda enable_timing=False: self.Event(self), synchronize=lambda: None, _sleep=self.sleep,
            current_device=lambda: 0, get_device_properties=lambda device=None: SimpleNamespace(L2_cache_size=2**20),
        )  # fmt: skip

    class Event:
        def __init__(self, gpu):
            self.gpu, self.at = gpu, None

        def record(self):
            self.at = self.gpu.now
            self.gpu.log.append("record")

        def synchronize(self):
            pass

        def elapsed_time(self, end) -> float:
            return (end.at - self.at) * 1e3  # ms, as torch returns it

    def empty(self, nbytes, dtype=None, device=None):
        def zero_():
            self.now += 1e-5
            self.log.append("flush")

        return SimpleNamespace(zero_=zero_)

    def sleep(self, cycles: int):
        self.now += cycles / self.cycles_per_s
        self.log.append(f"sleep {cycles}")

    def kernel(self):
        self.now += self.device_s
        self.log.append("call")


def test_cuda_timing_queues_a_sleep_between_the_flush_and_the_start_event_and_times_only_the_call(monkeypatch):
    gpu = FakeGPU(device_s=10e-6)
    monkeypatch.setattr(timing, "torch", gpu)
    monkeypatch.setattr(timing, "_sleep_rates", {})

    def launch_bound_call():
        time.sleep(1e-3)  # the host takes ~1 ms to enqueue a 10 µs kernel
        gpu.kernel()

    result = time_cuda(launch_bound_call, l2="cold", warmup_s=0, rep_s=0)

    assert result.median_s == pytest.approx(10e-6)  # neither the sleep nor the flush is inside the events
    assert result.host_s >= 1e-3 and result.launch_bound is True
    assert result.pad_s == pytest.approx(2 * result.host_s)
    cycles = int(result.pad_s * 1.5e9)
    assert gpu.log[-5 * result.samples :] == ["flush", f"sleep {cycles}", "record", "call", "record"] * result.samples


def test_a_call_slower_on_the_device_than_on_the_host_is_not_launch_bound(monkeypatch):
    gpu = FakeGPU(device_s=1e-3)
    monkeypatch.setattr(timing, "torch", gpu)
    monkeypatch.setattr(timing, "_sleep_rates", {})

    result = time_cuda(gpu.kernel, l2="warm", warmup_s=0, rep_s=0)

    assert result.median_s == pytest.approx(1e-3) and result.launch_bound is False
    assert result.pad_s == pytest.approx(20e-6) and "flush" not in gpu.log
