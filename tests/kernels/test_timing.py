"""The CPU timer, on a fake clock that each call advances by a known amount: the method, not this machine."""

import pytest

from roofline.kernels.timing import time_cpu


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
