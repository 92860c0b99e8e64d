import pytest

import roofline.kernels.impls  # noqa: F401  enables the Triton interpreter before anything imports triton

FAST = {"min_time_s": 0.01, "warmup_s": 0.0}


@pytest.fixture
def fast():
    """Request fields that keep timing short in tests (the figures themselves are checked in benchmarks/)."""
    return dict(FAST)
